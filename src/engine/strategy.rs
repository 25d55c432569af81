//! Bidding strategies: each turns a player's state into a target utility
//! for its own offer. Offers are then the point of the proposer's trade-off
//! path at that target (see `OfferPath`), so every strategy logrolls.
//!
//! A new strategy is a new `Strategy` variant in `model` and an arm in
//! `target` (plus, if it keeps beliefs or tables, fields in `Mind` or
//! `Tables`).

use super::belief::Prior;
use super::equilibrium::EquilibriumTable;
use crate::model::{other, Scenario, Side, Strategy};

/// What a strategy may remember between rounds (per player, per run).
#[derive(Debug, Clone, Copy)]
pub struct Mind {
    /// The target of this player's previous offer (NaN before its first).
    pub last_target: f64,
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
            last_target: f64::NAN,
            opp_latest: f64::NAN,
            opp_previous: f64::NAN,
            belief_lo: f64::NEG_INFINITY,
            belief_hi: f64::INFINITY,
        }
    }

    /// Bayes' rule on a rejection: an offer worth `v` (net of public pressure)
    /// to the opponent was rejected, so its reservation value exceeds `v`.
    #[inline]
    pub fn learn_from_rejection(&mut self, v: f64) {
        self.belief_lo = self.belief_lo.max(v);
    }

    /// Bayes' rule on an offer: the opponent proposed a deal worth `w` (net of
    /// public pressure) to itself, so its reservation value is at most `w`.
    #[inline]
    pub fn learn_from_offer(&mut self, w: f64) {
        self.belief_hi = self.belief_hi.min(w);
    }
}

/// Tables strategies derive from the scenario, built once per workspace.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// Equilibrium offers and values (if a player plays `equilibrium`).
    pub equilibrium: Option<EquilibriumTable>,
    /// `prior[p]`: player `p`'s prior over its opponent's reservation value (if `p` is `bayesian`).
    pub prior: [Option<Prior>; 2],
}

impl Tables {
    /// The tables `scn`'s strategies need (none for the other strategies).
    pub fn new(scn: &Scenario) -> Tables {
        let eq = scn
            .players
            .iter()
            .any(|p| p.strategy == Strategy::Equilibrium);
        let prior = |p: Side| match scn.players[p].strategy {
            Strategy::Bayesian { grid } => {
                Some(Prior::new(&scn.players[other(p)].types.reservation, grid))
            }
            _ => None,
        };
        Tables {
            equilibrium: eq.then(|| EquilibriumTable::build(scn)),
            prior: [prior(0), prior(1)],
        }
    }
}

/// Inputs of a target computation.
#[derive(Debug, Clone, Copy)]
pub struct TargetInput {
    /// The round.
    pub round: u32,
    /// The player's concession clock (rounds weighted by concession rate).
    pub clock: f64,
    /// The current floor (no-deal value, clamped to [0, 1]).
    pub floor: f64,
    /// The current no-deal value (not clamped).
    pub no_deal: f64,
    /// The player's drawn resolve.
    pub resolve: f64,
    /// The player's concession rate this round (for per-round steps).
    pub rate: f64,
    /// The player's cost (USD bn) of a round without a deal.
    pub round_cost: f64,
    /// The player's discount factor to the power of the round.
    pub discount_pow: f64,
    /// The public part of the opponent's no-deal value (its pressure term):
    /// the opponent's no-deal value is its reservation value plus this.
    pub opp_shift: f64,
}

/// What `side` expects to settle at in round `round` if it rejects now,
/// when its strategy says so (equilibrium play: its equilibrium value);
/// None means its own next offer (the engine's default).
pub fn expected_next(scn: &Scenario, tables: &Tables, side: Side, round: u32) -> Option<f64> {
    match scn.players[side].strategy {
        Strategy::Equilibrium => tables
            .equilibrium
            .as_ref()
            .and_then(|e| e.value[side].get(round as usize).copied()),
        _ => None,
    }
}

/// The target utility of `side`'s offer. `peek` asks for the offer it would
/// make next round without updating memory (used by the acceptance rule).
pub fn target(
    scn: &Scenario,
    tables: &Tables,
    side: Side,
    inp: TargetInput,
    mind: &mut Mind,
    peek: bool,
) -> f64 {
    let floor = inp.floor;
    match &scn.players[side].strategy {
        Strategy::TimeDependent { exponent, deadline } => {
            let t_dead = scn.deadline_round(*deadline).max(1) as f64;
            let frac = (inp.clock / t_dead).clamp(0.0, 1.0);
            let e = exponent / inp.resolve;
            floor + (1.0 - floor) * (1.0 - frac.powf(1.0 / e))
        }
        Strategy::Hardliner { deadline } => {
            if inp.round < scn.deadline_round(*deadline).saturating_sub(1) {
                1.0
            } else {
                floor
            }
        }
        Strategy::TitForTat { reciprocity, step } => {
            let prev = if mind.last_target.is_nan() {
                1.0
            } else {
                mind.last_target
            };
            let opp = if mind.opp_latest.is_nan() || mind.opp_previous.is_nan() {
                0.0
            } else {
                (mind.opp_latest - mind.opp_previous).max(0.0)
            };
            let _ = peek;
            (prev - (reciprocity * opp + step) * inp.rate).clamp(floor.min(1.0), 1.0)
        }
        Strategy::Equilibrium => tables
            .equilibrium
            .as_ref()
            .and_then(|e| e.target[side].get(inp.round as usize).copied())
            .unwrap_or(1.0),
        Strategy::Bayesian { .. } => match &tables.prior[side] {
            Some(prior) => bayesian_target(scn, prior, side, inp, mind),
            None => 1.0,
        },
    }
}

/// Bayesian screening: the point `x` of the own path that maximises
///
/// ```text
/// P(accept x) · u_own(x) + (1 − P(accept x)) · V_reject,
/// P(accept x) = P(r_opp <= u_opp(x) − shift | r_opp in (belief_lo, belief_hi]),
/// ```
///
/// where `V_reject` is what a rejection leaves: the no-deal value in the last
/// round; before it, the better of the no-deal value and accepting the
/// opponent's next offer, expected to be no worse than its latest (one
/// round of discounting and cost, as in the acceptance rule). Only points
/// whose acceptance probability is strictly between 0 and 1, the first that
/// is surely accepted and the own best point (index 0) can be optimal, so
/// only those are evaluated.
fn bayesian_target(
    scn: &Scenario,
    prior: &Prior,
    side: Side,
    inp: TargetInput,
    mind: &Mind,
) -> f64 {
    let player = &scn.players[side];
    let opp = other(side);
    let path = &scn.paths[side];
    let last = inp.round + 1 >= scn.clock.horizon;
    let mut v_reject = inp.no_deal;
    if !last && !mind.opp_latest.is_nan() {
        let wait = super::continuation(player, mind.opp_latest, inp.round_cost, inp.discount_pow);
        v_reject = v_reject.max(wait);
    }
    let (lo, hi) = (mind.belief_lo, mind.belief_hi);
    // The opponent accepts when the offer meets its no-deal value up to the
    // engine's acceptance tolerance.
    let tol = super::ACCEPT_TOLERANCE;
    let p_accept = |k: usize| prior.posterior_cdf(lo, hi, path.u[opp][k] - inp.opp_shift + tol);
    // Points below the posterior's lower end are surely rejected, points at
    // or above its upper end surely accepted.
    let (s_lo, s_hi) = prior.support();
    let n = path.len();
    let first = path
        .first_reaching(opp, lo.max(s_lo) + inp.opp_shift)
        .unwrap_or(n - 1);
    let sure = path
        .first_reaching(opp, hi.min(s_hi) + inp.opp_shift)
        .unwrap_or(n - 1)
        .max(first + 1)
        .min(n - 1);
    let value = |k: usize| {
        let p = p_accept(k);
        p * path.u[side][k] + (1.0 - p) * v_reject
    };
    let (mut best, mut best_v) = (0, value(0));
    for k in first..=sure {
        let v = value(k);
        if v > best_v {
            best = k;
            best_v = v;
        }
    }
    path.u[side][best]
}
