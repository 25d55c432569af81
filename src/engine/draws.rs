//! Every random draw of a run, in order, in one place.
//!
//! At the start of a run, for each side in order: its reservation value,
//! its delay-cost factor and its resolve ([`types`]).
//!
//! Each is one uniform turned into the draw by its quantile function
//! (`rng::dist`), so a distribution always takes one uniform.
//!
//! Then in each round, before any phase acts ([`RoundDraws::draw`]):
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

/// The draws of one round (buffers reused across rounds and runs).
#[derive(Debug, Clone)]
pub struct RoundDraws {
    /// One uniform per event.
    pub event: Vec<f64>,
    /// One uniform per lever.
    pub lever: Vec<f64>,
    /// The proposer's uniform.
    pub proposer: f64,
    /// Each side's ratification uniform.
    pub ratify: [f64; 2],
}

impl RoundDraws {
    /// Buffers sized for `scn`.
    pub fn new(scn: &Scenario) -> RoundDraws {
        RoundDraws {
            event: vec![0.0; scn.events.len()],
            lever: vec![0.0; scn.levers.len()],
            proposer: f64::NAN,
            ratify: [f64::NAN; 2],
        }
    }

    /// Makes the round's draws, in the documented order.
    pub fn draw(&mut self, rng: &mut RunRng) {
        self.event.iter_mut().for_each(|u| *u = uniform(rng));
        self.lever.iter_mut().for_each(|u| *u = uniform(rng));
        self.proposer = uniform(rng);
        self.ratify = [uniform(rng), uniform(rng)];
    }
}
