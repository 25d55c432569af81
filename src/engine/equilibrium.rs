//! Equilibrium play: the subgame-perfect equilibrium of the engine's own
//! bargaining game under complete information, by backward induction.
//!
//! The game is the one `simulate` plays, with each side's private type at
//! its mean (complete information when types are fixed): rounds
//! `t = H-1, ..., 0` of the clock, the proposer order of the protocol
//! ([`super::p0_proposes`]), each side's offer path, discount factor,
//! per-round cost (`delay_cost × E[delay_cost_factor]`), no-deal value
//! (`E[reservation]`) and acceptance rule ([`super::threshold`] with the
//! continuation of [`super::continuation`], lowered by
//! [`super::audience_relief`] before a focal deadline). Levers, events,
//! ratification and walking away are left out.
//!
//! Going backwards from the last round: let `W_p(t)` be what side `p`
//! expects to settle at (deal utility, valued in round `t`) when round `t`
//! begins, before the proposer is known. In round `t` each side's
//! continuation is `c_p(t) = continuation(W_p(t+1))` (its no-deal value in the
//! last round), so a responder `j` accepts an offer worth at least
//! `θ_j(t) = threshold(c_j(t), N_j)`. A proposer `i` offers the point of its
//! path best for itself among those worth `θ_j(t)` to `j`, if that is worth
//! at least its own continuation `c_i(t)`; otherwise it offers its best point
//! (rejected) and the round is worth `c_p(t)` to each side. Then
//! `W_p(t) = P(0 proposes) · u_p(0's offer) + P(1 proposes) · u_p(1's offer)`.
//!
//! With a long horizon this is the iteration of the infinite game's
//! equilibrium map to its fixed point: for alternating offers the offers at
//! `t` and `t + 2` coincide once it has converged, which
//! [`EquilibriumTable::convergence_gap`] reports.

use super::rules::{audience_relief, continuation, p0_proposes, threshold, ACCEPT_TOLERANCE};
use crate::model::{other, Scenario};

/// The equilibrium offers and values of every round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EquilibriumTable {
    /// `target[i][t]`: utility to `i` of its equilibrium offer if it proposes in round `t`.
    pub target: [Vec<f64>; 2],
    /// `value[p][t]`: `W_p(t)`, the deal utility `p` expects when round `t` begins.
    pub value: [Vec<f64>; 2],
    /// `agreed[i][t]`: whether `i`'s equilibrium offer in round `t` is accepted.
    pub agreed: [Vec<bool>; 2],
}

impl EquilibriumTable {
    /// Backward induction over the rounds of `scn`.
    pub fn build(scn: &Scenario) -> EquilibriumTable {
        let h = scn.clock.horizon as usize;
        let pl = &scn.players;
        let nd = [
            pl[0].types.reservation.mean(),
            pl[1].types.reservation.mean(),
        ];
        let cost = [
            pl[0].flow_cost * pl[0].types.delay_cost.mean(),
            pl[1].flow_cost * pl[1].types.delay_cost.mean(),
        ];
        // δ^t as the engine accumulates it (one multiplication per round).
        let mut dpow = [vec![1.0; h], vec![1.0; h]];
        for (p, d) in dpow.iter_mut().enumerate() {
            for t in 1..h {
                d[t] = d[t - 1] * pl[p].discount;
            }
        }
        let mut tab = EquilibriumTable {
            target: [vec![1.0; h], vec![1.0; h]],
            value: [vec![0.0; h], vec![0.0; h]],
            agreed: [vec![false; h], vec![false; h]],
        };
        for t in (0..h).rev() {
            let cont: [f64; 2] = std::array::from_fn(|p| {
                if t + 1 >= h {
                    nd[p]
                } else {
                    continuation(&pl[p], tab.value[p][t + 1], cost[p], dpow[p][t])
                }
            });
            // Each side's payoff if side i proposes.
            let mut payoff = [[0.0; 2]; 2];
            for i in 0..2 {
                let j = other(i);
                let path = &scn.paths[i];
                let th = threshold(pl[j].acceptance, cont[j], nd[j])
                    - audience_relief(scn, j, t as u32, dpow[j][t]);
                match path.first_reaching(j, th) {
                    Some(k) if path.u[i][k] >= cont[i] - ACCEPT_TOLERANCE => {
                        tab.target[i][t] = path.u[i][k];
                        tab.agreed[i][t] = true;
                        payoff[i] = [path.u[0][k], path.u[1][k]];
                    }
                    _ => {
                        tab.target[i][t] = path.u[i][0];
                        payoff[i] = cont;
                    }
                }
            }
            let p0 = p0_proposes(scn.protocol.proposer, t as u32);
            for (p, value) in tab.value.iter_mut().enumerate() {
                value[t] = p0 * payoff[0][p] + (1.0 - p0) * payoff[1][p];
            }
        }
        tab
    }

    /// Number of rounds.
    pub fn len(&self) -> usize {
        self.target[0].len()
    }

    /// True if there are no rounds.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How far round 0 is from the stationary equilibrium: the largest
    /// change of either side's offer between rounds 0 and 2 (0 when the
    /// backward induction has converged; NaN with fewer than 3 rounds).
    pub fn convergence_gap(&self) -> f64 {
        if self.len() < 3 {
            return f64::NAN;
        }
        (0..2)
            .map(|i| (self.target[i][0] - self.target[i][2]).abs())
            .fold(0.0, f64::max)
    }
}
