//! Relative tit-for-tat (Axelrod 1984; Faratin et al. 1998's behaviour-
//! dependent tactics): concede, in own utility, `reciprocity` times what the
//! opponent conceded last round (in own utility), plus `step` per round
//! scaled by the concession rate, never below the floor.

use super::{Mind, Strategy, TargetInput};
use crate::model::{Scenario, Side};

/// Reciprocates the opponent's concessions.
#[derive(Debug, Clone)]
pub struct TitForTat {
    reciprocity: f64,
    step: f64,
}

impl TitForTat {
    /// Tit-for-tat returning `reciprocity` of the opponent's concession plus `step`.
    pub fn new(reciprocity: f64, step: f64) -> TitForTat {
        TitForTat { reciprocity, step }
    }
}

impl Strategy for TitForTat {
    fn target(&self, _scn: &Scenario, _side: Side, inp: &TargetInput, mind: &Mind) -> f64 {
        let prev = if inp.last_target.is_nan() {
            1.0
        } else {
            inp.last_target
        };
        let opp = if mind.opp_latest.is_nan() || mind.opp_previous.is_nan() {
            0.0
        } else {
            (mind.opp_latest - mind.opp_previous).max(0.0)
        };
        (prev - (self.reciprocity * opp + self.step) * inp.rate).clamp(inp.floor.min(1.0), 1.0)
    }
}
