//! Bidding strategies: each turns a player's state into a target utility
//! for its own offer. Offers are then the point of the proposer's trade-off
//! path at that target (see `OfferPath`), so every strategy logrolls.
//!
//! A new strategy is a new `Strategy` variant in `model` and an arm in
//! `target` (plus, if it keeps beliefs or tables, fields in `Mind`).

use crate::model::{Scenario, Side, Strategy};

/// What a strategy may remember between rounds (per player, per run).
#[derive(Debug, Clone, Copy, Default)]
pub struct Mind {
    /// The target of this player's previous offer (0 before its first).
    pub last_target: f64,
    /// Utility to this player of the opponent's latest offer (NaN if none).
    pub opp_latest: f64,
    /// Utility to this player of the opponent's offer before that (NaN if none).
    pub opp_previous: f64,
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
    /// The player's drawn resolve.
    pub resolve: f64,
    /// The player's concession rate this round (for per-round steps).
    pub rate: f64,
}

/// The target utility of `side`'s offer. `peek` asks for the offer it would
/// make next round without updating memory (used by the acceptance rule).
pub fn target(scn: &Scenario, side: Side, inp: TargetInput, mind: &mut Mind, peek: bool) -> f64 {
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
            let prev = if mind.last_target > 0.0 {
                mind.last_target
            } else {
                1.0
            };
            let opp = if mind.opp_latest.is_nan() || mind.opp_previous.is_nan() {
                0.0
            } else {
                (mind.opp_latest - mind.opp_previous).max(0.0)
            };
            let _ = peek;
            (prev - (reciprocity * opp + step) * inp.rate).clamp(floor.min(1.0), 1.0)
        }
    }
}
