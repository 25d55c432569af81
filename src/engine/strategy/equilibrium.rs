//! Equilibrium play: the offers and continuation values of the
//! subgame-perfect equilibrium of the engine's own game under complete
//! information ([`EquilibriumTable`], by backward induction).

use super::{Mind, Strategy, TargetInput};
use crate::engine::equilibrium::EquilibriumTable;
use crate::model::{Scenario, Side};

/// Plays the equilibrium table.
#[derive(Debug, Clone)]
pub struct Equilibrium {
    side: Side,
    table: EquilibriumTable,
}

impl Equilibrium {
    /// Equilibrium play of `side` in `scn` (builds the table).
    pub fn new(scn: &Scenario, side: Side) -> Equilibrium {
        Equilibrium {
            side,
            table: EquilibriumTable::build(scn),
        }
    }
}

impl Strategy for Equilibrium {
    fn target(&self, _scn: &Scenario, _side: Side, inp: &TargetInput, _mind: &Mind) -> f64 {
        self.table.target[self.side]
            .get(inp.round as usize)
            .copied()
            .unwrap_or(1.0)
    }

    fn expected_next(&self, round: u32) -> Option<f64> {
        self.table.value[self.side].get(round as usize).copied()
    }
}
