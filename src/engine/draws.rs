//! Every random draw of a run, in order, in one place.
//!
//! At the start of a run, for each side in order: its reservation value,
//! its delay-cost factor and its resolve ([`types`]).
//!
//! Each is one uniform turned into the draw by its quantile function
//! (`rng::dist`), so a distribution always takes one uniform.
//!
//! Then in each round, each drawn first thing where its phase needs it, so
//! the order below is the order of the phases (`simulate` is the driver):
//! 1. one uniform per event, in event order (does it fire?);
//! 2. one uniform per lever, in lever order (is a threat carried out?);
//! 3. one uniform for the proposer (used when the protocol draws it);
//! 4. one uniform per side, in side order, for ratification (used when the
//!    round's offer is accepted).
//!
//! The number of draws per round is fixed whatever happens, so a run's
//! random numbers in round t do not depend on what happened before it:
//! common random numbers across the points of a sweep hold round by round.

use super::state::DrawnType;
use crate::model::Scenario;
use crate::rng::{sample, uniform, RunRng};

/// Each side's private type, drawn at the start of a run.
pub fn types(scn: &Scenario, rng: &mut RunRng) -> [DrawnType; 2] {
    let mut out = [DrawnType::default(); 2];
    for (side, ty) in out.iter_mut().enumerate() {
        let t = &scn.players[side].types;
        ty.reservation = sample(&t.reservation, rng);
        ty.delay_factor = sample(&t.delay_cost, rng);
        ty.resolve = sample(&t.resolve, rng);
    }
    out
}

/// Draw 1 of a round, once per event in event order, first thing in its
/// turn of the events phase: does it fire?
#[inline(always)]
pub fn event(rng: &mut RunRng) -> f64 {
    uniform(rng)
}

/// Draw 2, once per lever in lever order, first thing in its turn of the
/// levers phase: is a threat carried out?
#[inline(always)]
pub fn lever(rng: &mut RunRng) -> f64 {
    uniform(rng)
}

/// Draw 3, first thing in the offer phase: who proposes (used under random
/// recognition).
#[inline(always)]
pub fn proposer(rng: &mut RunRng) -> f64 {
    uniform(rng)
}

/// Draw 4, one per side in side order, first thing in the response phase:
/// does each side ratify (used when the offer is accepted)?
#[inline(always)]
pub fn ratification(rng: &mut RunRng) -> [f64; 2] {
    let a = uniform(rng);
    [a, uniform(rng)]
}
