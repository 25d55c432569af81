//! The hardliner: demands its best deal until the round before its
//! deadline, then offers its floor.

use super::{Mind, Strategy, TargetInput};
use crate::model::{DeadlineRef, Scenario, Side};

/// Concedes nothing before its deadline.
#[derive(Debug, Clone)]
pub struct Hardliner {
    /// The first round in which it offers its floor.
    from: u32,
}

impl Hardliner {
    /// A hardliner towards `deadline` in `scn`.
    pub fn new(scn: &Scenario, deadline: DeadlineRef) -> Hardliner {
        Hardliner {
            from: scn.deadline_round(deadline).saturating_sub(1),
        }
    }
}

impl Strategy for Hardliner {
    fn target(&self, _scn: &Scenario, _side: Side, inp: &TargetInput, _mind: &Mind) -> f64 {
        if inp.round < self.from {
            1.0
        } else {
            inp.floor
        }
    }
}
