//! The state of one run, split by concern. Each side's state has one part
//! per concern — its drawn type, its politics, its costs, its concession
//! clock, its offer record and its strategy's memory — and each part is
//! changed only through its own methods, so a phase's effect on a side
//! reads as a list of named changes.

use super::rules::clamp01;
use super::strategy::Mind;
use crate::model::{Scenario, Side};
use crate::outcome::OutcomeKind;

/// The private type a side draws at the start of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct DrawnType {
    /// Reservation value (utility of no deal), before pressure.
    pub reservation: f64,
    /// Multiplier on the side's delay cost.
    pub delay_factor: f64,
    /// Resolve: divides a time-dependent strategy's concession exponent.
    pub resolve: f64,
}

impl DrawnType {
    /// Shifts the reservation value (an event, a failed ratification).
    #[inline]
    pub fn shift_reservation(&mut self, d: f64) {
        self.reservation += d;
    }
}

/// Domestic support of a side's leader, in [0, 1].
#[derive(Debug, Clone, Copy, Default)]
pub struct Politics {
    /// Current support.
    pub support: f64,
}

impl Politics {
    /// Support moves by `d` (kept in [0, 1]).
    #[inline]
    pub fn shift(&mut self, d: f64) {
        self.support = clamp01(self.support + d);
    }

    /// Rally round the flag: support closes a share `b` of its gap to 1.
    #[inline]
    pub fn rally(&mut self, b: f64) {
        self.shift(b * (1.0 - self.support));
    }
}

/// What the talks cost a side.
#[derive(Debug, Clone, Copy, Default)]
pub struct Costs {
    /// Cumulative cost (USD bn).
    pub total: f64,
    /// This round's cost of no deal (delay cost and pressure, USD bn).
    pub round: f64,
    /// This round's pressure: event flow costs plus active levers' costs (USD bn).
    pub pressure: f64,
    /// Flow cost added by events (USD bn per round; may be negative).
    pub extra_flow: f64,
    /// δ^t: the side's discount factor to the power of the round.
    pub discount_pow: f64,
    /// The expected cost (USD bn, to the horizon) of the levers not in
    /// force that could still be used: the threats it faces, and what its
    /// own would cost it, each at its credibility.
    pub threat: f64,
}

impl Costs {
    /// A one-off cost (USD bn).
    #[inline]
    pub fn charge(&mut self, bn: f64) {
        self.total += bn;
    }

    /// A lasting change of the flow cost (events).
    #[inline]
    pub fn add_flow(&mut self, bn: f64) {
        self.extra_flow += bn;
    }

    /// Starts a round's pressure from the events' flow costs (never below 0),
    /// and its expected threats from nothing.
    #[inline]
    pub fn reset_pressure(&mut self) {
        self.pressure = self.extra_flow.max(0.0);
        self.threat = 0.0;
    }

    /// Adds a lever's expected cost to the threats.
    #[inline]
    pub fn add_threat(&mut self, bn: f64) {
        self.threat += bn;
    }

    /// Adds an active lever's cost this round to the pressure.
    #[inline]
    pub fn add_pressure(&mut self, bn: f64) {
        self.pressure += bn;
    }

    /// Books this round's cost: `base` (delay cost) plus the pressure.
    #[inline]
    pub fn accrue(&mut self, base: f64) -> f64 {
        self.round = base + self.pressure;
        self.total += self.round;
        self.round
    }
}

/// A side's concession clock: rounds weighted by its concession rate.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConcessionClock {
    /// The clock.
    pub clock: f64,
    /// This round's concession rate.
    pub rate: f64,
    /// Lasting multiplier on the rate (events).
    pub mult: f64,
}

impl ConcessionClock {
    /// A lasting change of the rate (events).
    #[inline]
    pub fn scale_lasting(&mut self, m: f64) {
        self.mult *= m;
    }

    /// Starts a round's rate from the lasting multiplier.
    #[inline]
    pub fn reset_rate(&mut self) {
        self.rate = self.mult;
    }

    /// Scales this round's rate (active levers).
    #[inline]
    pub fn scale(&mut self, m: f64) {
        self.rate *= m;
    }

    /// Advances the clock by this round's rate.
    #[inline]
    pub fn tick(&mut self) {
        self.clock += self.rate;
    }
}

/// What a side has offered and received.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfferRecord {
    /// The target utility of its latest offer (NaN before its first).
    pub last_target: f64,
    /// Its own utility of its latest offer (NaN before its first).
    pub last_own: f64,
    /// Its best utility among the offers received (−∞ before the first).
    pub best_received: f64,
    /// Consecutive offers (made or received) without progress for it.
    pub stalled: u32,
    /// Index of its latest offer on its own path (search hint).
    pub hint: usize,
}

impl OfferRecord {
    fn new() -> OfferRecord {
        OfferRecord {
            last_target: f64::NAN,
            last_own: f64::NAN,
            best_received: f64::NEG_INFINITY,
            stalled: 0,
            hint: 0,
        }
    }

    /// It proposed the point `k` of its path, aiming at `target`.
    #[inline]
    pub fn made(&mut self, target: f64, k: usize) {
        self.last_target = target;
        self.hint = k;
        self.stalled += 1;
    }

    /// Books its own utility of the offer it made; returns what it conceded
    /// since its previous offer (0 for the first).
    #[inline]
    pub fn conceded(&mut self, own: f64) -> f64 {
        let c = if self.last_own.is_nan() {
            0.0
        } else {
            self.last_own - own
        };
        self.last_own = own;
        c
    }

    /// It received an offer worth `u` to it.
    #[inline]
    pub fn received(&mut self, u: f64, progress: f64) {
        if u > self.best_received + progress {
            self.best_received = u;
            self.stalled = 0;
        } else {
            self.stalled += 1;
        }
    }

    /// Whether it has made an offer.
    #[inline]
    pub fn has_offered(&self) -> bool {
        !self.last_own.is_nan()
    }
}

/// One side's state in a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct SideState {
    /// Its drawn type.
    pub ty: DrawnType,
    /// Its domestic support.
    pub politics: Politics,
    /// Its costs and discounting.
    pub costs: Costs,
    /// Its concession clock.
    pub clock: ConcessionClock,
    /// Its offers made and received.
    pub offers: OfferRecord,
    /// Its strategy's memory (changed only by the strategy's observe hooks).
    pub mind: Mind,
}

impl SideState {
    /// The state at the start of a run, with the drawn type.
    pub fn start(ty: DrawnType, initial_support: f64) -> SideState {
        SideState {
            ty,
            politics: Politics {
                support: initial_support,
            },
            costs: Costs {
                discount_pow: 1.0,
                ..Costs::default()
            },
            clock: ConcessionClock {
                mult: 1.0,
                ..ConcessionClock::default()
            },
            offers: OfferRecord::new(),
            mind: Mind::new(),
        }
    }

    /// Its no-deal value this round: reservation less expected lasting pressure.
    #[inline]
    pub fn no_deal(&self, scn: &Scenario, side: Side) -> f64 {
        let p = &scn.players[side];
        self.ty.reservation - p.pressure_horizon * self.costs.pressure / p.bn_per_util
    }
}

/// A lever's state in a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeverState {
    /// Whether it is in force.
    pub active: bool,
    /// Rounds since it was carried out.
    pub age: u32,
    /// Threats made with it (carried out or not).
    pub uses: u32,
}

/// The offer on the table: its proposer and its index on the proposer's path.
pub type OnTable = Option<(Side, usize)>;

/// The state of one run shared by the phases.
#[derive(Debug, Clone)]
pub struct RunState {
    /// Both sides.
    pub sides: [SideState; 2],
    /// Each lever's state.
    pub levers: Vec<LeverState>,
    /// Levers carried out this round.
    pub used: Vec<usize>,
    /// Events fired this round.
    pub fired: Vec<usize>,
    /// The latest offer (None before the first).
    pub table: OnTable,
    /// Failed ratifications so far.
    pub failures: u32,
    /// How and when the run ended (None while talks go on).
    pub end: Option<(OutcomeKind, u32)>,
    /// The deal struck (proposer, path index).
    pub deal: OnTable,
    /// Each side's no-deal value in the last round played (the payoff of a
    /// breakdown or of the horizon).
    pub last_no_deal: [f64; 2],
}

impl RunState {
    /// Buffers sized for `scn`.
    pub fn new(scn: &Scenario) -> RunState {
        RunState {
            sides: [SideState::default(); 2],
            levers: vec![LeverState::default(); scn.levers.len()],
            used: Vec::with_capacity(scn.levers.len()),
            fired: Vec::with_capacity(scn.events.len()),
            table: None,
            failures: 0,
            end: None,
            deal: None,
            last_no_deal: [0.0; 2],
        }
    }

    /// A fresh run with the drawn types.
    pub fn reset(&mut self, scn: &Scenario, types: [DrawnType; 2]) {
        for (side, st) in self.sides.iter_mut().enumerate() {
            *st = SideState::start(types[side], scn.players[side].politics.initial_support);
        }
        self.levers
            .iter_mut()
            .for_each(|l| *l = LeverState::default());
        self.table = None;
        self.failures = 0;
        self.end = None;
        self.deal = None;
        self.last_no_deal = [0.0; 2];
    }

    /// Clears the per-round lists.
    pub fn begin_round(&mut self) {
        self.used.clear();
        self.fired.clear();
    }

    /// Each side's support.
    pub fn support(&self) -> [f64; 2] {
        [
            self.sides[0].politics.support,
            self.sides[1].politics.support,
        ]
    }

    /// Each side's cumulative cost.
    pub fn cost(&self) -> [f64; 2] {
        [self.sides[0].costs.total, self.sides[1].costs.total]
    }
}
