//! Every random draw of a run, in order, in one place.
//!
//! At the start of a run, for each side in order: its reservation value,
//! its delay-cost factor and its resolve ([`types`]).
//!
//! Then in each round, before any phase acts ([`RoundDraws::draw`]):
//! 1. one uniform per event, in event order (does it fire?);
//! 2. one uniform per lever, in lever order (is a threat carried out?);
//! 3. one uniform for the proposer, when the protocol draws it;
//!
//! and, only in a round whose offer is accepted, one uniform per side, in
//! side order, for ratification ([`ratification`]).

use super::state::DrawnType;
use crate::model::{ProposerRule, Scenario};
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
    /// The proposer's uniform (NaN when the protocol does not draw one).
    pub proposer: f64,
}

impl RoundDraws {
    /// Buffers sized for `scn`.
    pub fn new(scn: &Scenario) -> RoundDraws {
        RoundDraws {
            event: vec![0.0; scn.events.len()],
            lever: vec![0.0; scn.levers.len()],
            proposer: f64::NAN,
        }
    }

    /// Makes the round's draws, in the documented order.
    pub fn draw(&mut self, scn: &Scenario, rng: &mut RunRng) {
        self.event.iter_mut().for_each(|u| *u = uniform(rng));
        self.lever.iter_mut().for_each(|u| *u = uniform(rng));
        self.proposer = match scn.protocol.proposer {
            ProposerRule::Random { .. } => uniform(rng),
            ProposerRule::Alternate { .. } => f64::NAN,
        };
    }
}

/// The ratification draws of a round whose offer is accepted, one per side.
pub fn ratification(rng: &mut RunRng) -> [f64; 2] {
    let a = uniform(rng);
    let b = uniform(rng);
    [a, b]
}
