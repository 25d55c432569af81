//! Bayesian screening: a belief over the opponent's reservation value (its
//! configured distribution, tabulated in [`Prior`]), truncated by Bayes'
//! rule on its offers and rejections (see [`super::Mind::remember`]); the
//! offer maximises expected utility against that belief.

use super::{Mind, Strategy, TargetInput};
use crate::engine::belief::Prior;
use crate::engine::rules::{continuation, ACCEPT_TOLERANCE};
use crate::model::{other, Scenario, Side};

/// Screens the opponent with a belief over its reservation value.
#[derive(Debug, Clone)]
pub struct Bayesian {
    prior: Prior,
}

impl Bayesian {
    /// Bayesian play of `side` in `scn` with a prior tabulated on `grid` points.
    pub fn new(scn: &Scenario, side: Side, grid: u32) -> Bayesian {
        Bayesian {
            prior: Prior::new(&scn.players[other(side)].types.reservation, grid),
        }
    }
}

impl Strategy for Bayesian {
    /// The point `x` of the own path that maximises
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
    fn target(&self, scn: &Scenario, side: Side, inp: &TargetInput, mind: &Mind) -> f64 {
        let prior = &self.prior;
        let player = &scn.players[side];
        let opp = other(side);
        let path = &scn.paths[side];
        let last = inp.round + 1 >= scn.clock.horizon;
        let mut v_reject = inp.no_deal;
        if !last && !mind.opp_latest.is_nan() {
            let wait = continuation(player, mind.opp_latest, inp.round_cost, inp.discount_pow);
            v_reject = v_reject.max(wait);
        }
        let (lo, hi) = (mind.belief_lo, mind.belief_hi);
        // The opponent accepts when the offer meets its no-deal value up to the
        // engine's acceptance tolerance.
        let p_accept = |k: usize| {
            prior.posterior_cdf(lo, hi, path.u[opp][k] - inp.opp_shift + ACCEPT_TOLERANCE)
        };
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
}
