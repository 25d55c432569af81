//! Bidding strategies. A strategy turns a player's state into a target
//! utility for its own offer; the offer is then the point of the proposer's
//! trade-off path at that target (see `OfferPath`), so every strategy
//! logrolls. What a strategy remembers lives in its side's [`Mind`], and
//! only the strategy changes it, through its observe hook ([`Strategy::observe`]),
//! which the engine calls when something is seen ([`Seen`]).
//!
//! One file per strategy. A new strategy is a new file here with a type
//! implementing [`Strategy`], plus its registration: a variant of
//! [`Kind`], its arm in [`Bidder::new`] and in the `each!` dispatch (and its
//! `model::Strategy` variant with its row in the config's kind table).

mod attrition;
mod bayesian;
mod equilibrium;
mod hardliner;
mod nash;
mod time_dependent;
mod tit_for_tat;

pub use attrition::Attrition;
pub use bayesian::Bayesian;
pub use equilibrium::Equilibrium;
pub use hardliner::Hardliner;
pub use nash::Nash;
pub use time_dependent::TimeDependent;
pub use tit_for_tat::TitForTat;

use crate::model::{Scenario, Side, Strategy as Spec};

/// What a strategy may remember between rounds (per player, per run).
#[derive(Debug, Clone, Copy)]
pub struct Mind {
    /// Utility to this player of the opponent's latest offer (NaN if none).
    pub opp_latest: f64,
    /// Utility to this player of the opponent's offer before that (NaN if none).
    pub opp_previous: f64,
    /// Posterior on the opponent's reservation value `r`: `r > belief_lo`
    /// (it rejected offers worth that much, net of public pressure).
    pub belief_lo: f64,
    /// Posterior on the opponent's reservation value `r`: `r <= belief_hi`
    /// (it offered itself that much, net of public pressure).
    pub belief_hi: f64,
    /// A strategy's current estimate of the opponent's reservation value
    /// (NaN until the strategy sets it in its observe hook).
    pub estimate: f64,
    /// What holding out has cost the player so far (utility), for
    /// strategies that keep count (`attrition`).
    pub held: f64,
}

impl Default for Mind {
    fn default() -> Self {
        Mind::new()
    }
}

impl Mind {
    /// The memory at the start of a run: nothing seen, the prior unrestricted.
    pub fn new() -> Mind {
        Mind {
            opp_latest: f64::NAN,
            opp_previous: f64::NAN,
            belief_lo: f64::NEG_INFINITY,
            belief_hi: f64::INFINITY,
            estimate: f64::NAN,
            held: 0.0,
        }
    }

    /// Records what was seen: the default memory of every strategy.
    ///
    /// Bayes' rule on beliefs: when the opponent proposes a deal worth `w`
    /// (net of public pressure) to itself, its reservation value is at most
    /// `w`; when it rejects an offer worth `v` to it, its reservation value
    /// exceeds `v`.
    #[inline]
    pub fn remember(&mut self, seen: Seen) {
        match seen {
            Seen::OwnOffer { .. } => {}
            Seen::OfferReceived { utility, opp_net } => {
                self.opp_previous = self.opp_latest;
                self.opp_latest = utility;
                self.belief_hi = self.belief_hi.min(opp_net);
            }
            Seen::Rejected { opp_net } => self.belief_lo = self.belief_lo.max(opp_net),
            Seen::RoundEnd { .. } => {}
        }
    }
}

/// What a player sees, reported to its strategy's observe hook.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seen {
    /// It made an offer aiming at utility `target`.
    OwnOffer {
        /// The target utility of its offer.
        target: f64,
    },
    /// It received an offer worth `utility` to it; the offer is worth
    /// `opp_net` to the proposer net of the proposer's public pressure.
    OfferReceived {
        /// Its utility of the offer.
        utility: f64,
        /// The proposer's utility of it, net of public pressure.
        opp_net: f64,
    },
    /// Its offer was rejected; it was worth `opp_net` to the responder, net
    /// of the responder's public pressure (plus the acceptance tolerance).
    Rejected {
        /// The responder's utility of the offer, net of public pressure.
        opp_net: f64,
    },
    /// Round `round` ended without ending the talks; it cost the player
    /// `round_cost` (USD bn) and its deal utilities were discounted by
    /// `discount_pow` (= δ^round).
    RoundEnd {
        /// The round that ended.
        round: u32,
        /// The player's cost of the round (USD bn).
        round_cost: f64,
        /// δ^round.
        discount_pow: f64,
    },
}

/// Inputs of a target computation.
#[derive(Debug, Clone, Copy)]
pub struct TargetInput {
    /// The round.
    pub round: u32,
    /// Whether this is the look-ahead of a responder (what it would demand
    /// in `round`, the next round), not an offer it makes now.
    pub ahead: bool,
    /// The player's concession clock (rounds weighted by concession rate).
    pub clock: f64,
    /// The current floor (no-deal value, clamped to [0, 1]).
    pub floor: f64,
    /// The current no-deal value (not clamped).
    pub no_deal: f64,
    /// The player's drawn resolve.
    pub resolve: f64,
    /// The target of the player's previous offer (NaN before its first).
    pub last_target: f64,
    /// The player's concession rate this round (for per-round steps).
    pub rate: f64,
    /// The player's cost (USD bn) of a round without a deal.
    pub round_cost: f64,
    /// The player's discount factor to the power of the round.
    pub discount_pow: f64,
    /// The expected cost (USD bn) of the levers still to come, to it.
    pub threat: f64,
    /// The same for the opponent (public).
    pub opp_threat: f64,
    /// The public part of the opponent's no-deal value (its pressure term):
    /// the opponent's no-deal value is its reservation value plus this.
    pub opp_shift: f64,
    /// The opponent's pressure this round (USD bn: its event flow costs and
    /// the levers in force against it), which is public.
    pub opp_pressure: f64,
    /// The opponent's concession rate this round (public: the levers in
    /// force and the events that fired set it).
    pub opp_rate: f64,
}

/// A bidding strategy of player `side`.
pub trait Strategy {
    /// The target utility of the player's offer (`inp.round` may be next
    /// round, when the acceptance rule asks what it would offer then).
    fn target(&self, scn: &Scenario, side: Side, inp: &TargetInput, mind: &Mind) -> f64;

    /// What the player expects to settle at in round `round` if it rejects
    /// now, when the strategy says so; None means its own next offer.
    fn expected_next(&self, _round: u32) -> Option<f64> {
        None
    }

    /// Updates the player's memory with what it has seen.
    #[inline]
    fn observe(&self, mind: &mut Mind, seen: Seen) {
        mind.remember(seen);
    }

    /// Whether it reads the expected threats (`TargetInput::threat`): the
    /// costs phase books them only when some strategy does.
    fn reads_threats(&self) -> bool {
        false
    }

    /// Whether it keeps the default memory: true unless it overrides
    /// `observe` (then it must say false here, or its hook is not called).
    fn plain_memory(&self) -> bool {
        true
    }
}

/// Calls `$e` with `$s` bound to the registered strategy (static dispatch,
/// so strategy code inlines into the round). One arm per registration.
macro_rules! each {
    ($self:expr, $s:ident => $e:expr) => {
        match &$self.kind {
            Kind::TimeDependent($s) => $e,
            Kind::TitForTat($s) => $e,
            Kind::Hardliner($s) => $e,
            Kind::Equilibrium($s) => $e,
            Kind::Bayesian($s) => $e,
            Kind::Nash($s) => $e,
            Kind::Attrition($s) => $e,
        }
    };
}

/// A player's registered strategy (static dispatch: a round allocates
/// nothing).
#[derive(Debug, Clone)]
pub struct Bidder {
    kind: Kind,
    /// The strategy keeps the default memory (`Strategy::observe` not
    /// overridden), so observing is `Mind::remember` without dispatch.
    plain_memory: bool,
}

/// The registered strategies.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Faratin et al.'s time-dependent concession.
    TimeDependent(TimeDependent),
    /// Relative tit-for-tat.
    TitForTat(TitForTat),
    /// Concedes nothing before its deadline.
    Hardliner(Hardliner),
    /// Subgame-perfect equilibrium play.
    Equilibrium(Equilibrium),
    /// Bayesian screening.
    Bayesian(Bayesian),
    /// The Nash demand of the current impasse values.
    Nash(Nash),
    /// A war of attrition over Nash demands.
    Attrition(Attrition),
}

impl Bidder {
    /// The strategy `scn` configures for `side`, with the tables it needs.
    pub fn new(scn: &Scenario, side: Side) -> Bidder {
        let kind = match &scn.players[side].strategy {
            Spec::TimeDependent { exponent, deadline } => {
                Kind::TimeDependent(TimeDependent::new(scn, *exponent, *deadline))
            }
            Spec::TitForTat { reciprocity, step } => {
                Kind::TitForTat(TitForTat::new(*reciprocity, *step))
            }
            Spec::Hardliner { deadline } => Kind::Hardliner(Hardliner::new(scn, *deadline)),
            Spec::Equilibrium => Kind::Equilibrium(Equilibrium::new(scn, side)),
            Spec::Bayesian { grid } => Kind::Bayesian(Bayesian::new(scn, side, *grid)),
            Spec::Nash { grid } => Kind::Nash(Nash::new(scn, side, *grid)),
            Spec::Attrition { grid, endurance } => {
                Kind::Attrition(Attrition::new(scn, side, *grid, *endurance))
            }
        };
        let mut b = Bidder {
            kind,
            plain_memory: false,
        };
        b.plain_memory = each!(b, s => s.plain_memory());
        b
    }

    /// The target of the registered strategy (see [`Strategy::target`]).
    #[inline(always)]
    pub fn target(&self, scn: &Scenario, side: Side, inp: &TargetInput, mind: &Mind) -> f64 {
        each!(self, s => s.target(scn, side, inp, mind))
    }

    /// The expected settlement of the registered strategy (see [`Strategy::expected_next`]).
    #[inline(always)]
    pub fn expected_next(&self, round: u32) -> Option<f64> {
        each!(self, s => s.expected_next(round))
    }

    /// Whether the registered strategy reads threats (see [`Strategy::reads_threats`]).
    pub fn reads_threats(&self) -> bool {
        each!(self, s => s.reads_threats())
    }

    /// The observe hook of the registered strategy (see [`Strategy::observe`]).
    #[inline(always)]
    pub fn observe(&self, mind: &mut Mind, seen: Seen) {
        if self.plain_memory {
            mind.remember(seen);
        } else {
            each!(self, s => s.observe(mind, seen))
        }
    }
}
