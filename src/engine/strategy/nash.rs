//! The Nash demand: each round the player demands the Nash bargaining
//! solution of the two sides' current impasse values.
//!
//! Grounding. Zeuthen's risk-based concession, as Harsanyi (1956) showed,
//! converges to the Nash (1950, 1953) bargaining solution around the
//! disagreement point; Binmore, Rubinstein & Wolinsky (1986) show that in
//! strategic bargaining with time costs the disagreement point is the
//! *impasse* point — what each side gets if talks go on without agreement
//! (here [`impasse_value`]: its no-deal value at the horizon, discounted,
//! less its costs of every round left and the focal audience cost if the
//! deadline is still ahead). Under incomplete information (Cramton 1984,
//! 1992) a side does not know the other's impasse value: it estimates it
//! from a Bayesian belief over the other's reservation value (the prior
//! truncated by what the other has rejected and offered, as in the
//! `bayesian` strategy), the public pressure on the other and the other's
//! known delay cost at its mean factor. Rejections raise the belief, so
//! demands fall as talks go on: delay is screening. Bargaining power (the
//! exponent of the generalised Nash product) comes from relative patience,
//! as in BRW's limit of alternating offers, and from resolve and the
//! concession rate ([`power`]).
//!
//! So its offers respond to the incentives: a higher own delay cost, more
//! pressure from levers, a lower discount factor or an audience cost ahead
//! lower its impasse value and so its demand (earlier deals, terms towards
//! the other); the same on the other side raises its demand. Its acceptances
//! follow from the engine's rule (the offer against its own next demand,
//! discounted and costed, or its no-deal value).

use super::{Mind, Seen, Strategy, TargetInput};
use crate::engine::belief::Prior;
use crate::engine::rules::impasse_value;
use crate::model::{other, OfferPath, Scenario, Side};

/// Demands the Nash solution of the current impasse values.
#[derive(Debug, Clone)]
pub struct Nash {
    prior: Prior,
    prior_mean: f64,
    /// The opponent's mean delay-cost factor (its factor is private).
    opp_factor: f64,
    /// The opponent's mean resolve (its resolve is private).
    opp_resolve: f64,
    /// Discount rates per round, −ln δ, of the side and of its opponent.
    rates: (f64, f64),
}

impl Nash {
    /// Nash demand of `side` in `scn`, with a prior over the opponent's
    /// reservation value tabulated on `grid` points.
    pub fn new(scn: &Scenario, side: Side, grid: u32) -> Nash {
        let opp = &scn.players[other(side)];
        let prior = Prior::new(&opp.types.reservation, grid);
        let prior_mean = prior.posterior_mean(f64::NEG_INFINITY, f64::INFINITY);
        Nash {
            prior,
            prior_mean,
            opp_factor: opp.types.delay_cost.mean(),
            opp_resolve: opp.types.resolve.mean(),
            rates: (-scn.players[side].discount.ln(), -opp.discount.ln()),
        }
    }

    /// The estimated reservation value of the opponent.
    fn estimate(&self, mind: &Mind) -> f64 {
        if mind.estimate.is_nan() {
            self.prior_mean
        } else {
            mind.estimate
        }
    }

    /// The hardness ρ = resolve / concession rate of the side (its drawn
    /// resolve) and of its opponent (its mean resolve), for [`power`].
    fn hardness(&self, inp: &TargetInput) -> (f64, f64) {
        (
            inp.resolve / inp.rate.max(1e-9),
            self.opp_resolve / inp.opp_rate.max(1e-9),
        )
    }

    /// The Nash demand of `side` when the opponent's reservation value is
    /// taken to be `opp_reservation` and the sides' hardness is `rho` (own,
    /// opponent's; (1, 1) for power from patience alone).
    pub fn demand(
        &self,
        scn: &Scenario,
        side: Side,
        inp: &TargetInput,
        opp_reservation: f64,
        rho: (f64, f64),
    ) -> f64 {
        let opp = other(side);
        let t = inp.round;
        let own_costs = (inp.round_cost, inp.threat);
        let own = impasse_value(scn, side, t, inp.no_deal, own_costs, inp.discount_pow);
        let po = &scn.players[opp];
        let opp_cost = po.flow_cost * self.opp_factor + inp.opp_pressure;
        let opp_pow = po.discount.powi(t as i32);
        let opp_nd = opp_reservation + inp.opp_shift;
        let theirs = impasse_value(scn, opp, t, opp_nd, (opp_cost, inp.opp_threat), opp_pow);
        let w = power((self.rates.0, rho.0), (self.rates.1, rho.1));
        nash_point(&scn.paths[side], side, own, theirs, w)
    }

    /// The prior over the opponent's reservation value.
    pub fn prior(&self) -> &Prior {
        &self.prior
    }
}

impl Strategy for Nash {
    fn target(&self, scn: &Scenario, side: Side, inp: &TargetInput, mind: &Mind) -> f64 {
        self.demand(scn, side, inp, self.estimate(mind), self.hardness(inp))
    }

    fn reads_threats(&self) -> bool {
        true
    }

    fn plain_memory(&self) -> bool {
        false
    }

    fn observe(&self, mind: &mut Mind, seen: Seen) {
        let before = (mind.belief_lo, mind.belief_hi);
        mind.remember(seen);
        // The posterior mean changes only when the belief does.
        if (mind.belief_lo, mind.belief_hi) != before {
            mind.estimate = self.prior.posterior_mean(mind.belief_lo, mind.belief_hi);
        }
    }
}

/// A side's bargaining power `w` from (its discount rate r = −ln δ, its
/// resolve over its concession rate ρ) and the opponent's: `w = r_q ρ_p /
/// (r_q ρ_p + r_p ρ_q)`. The patience part is Binmore, Rubinstein & Wolinsky's
/// (1986) η_p = r_q / (r_p + r_q), the power alternating offers give the
/// more patient side in the limit of short rounds; the ρ part makes a side
/// hardened by backlash or an event, or slowed by its own demands, weigh
/// more. Without discounting on either side, only ρ counts.
pub fn power(own: (f64, f64), opp: (f64, f64)) -> f64 {
    let (a, b) = (opp.0 * own.1, own.0 * opp.1);
    if a + b > 0.0 {
        a / (a + b)
    } else {
        own.1 / (own.1 + opp.1)
    }
}

/// The utility to `side` of the point of its path that maximises the
/// generalised Nash product `(u_side − d_side)^w (u_opp − d_opp)^(1−w)`
/// (Kalai 1977; `w` is `side`'s bargaining power) among the points worth at
/// least the impasse value to both; `d_side` when there is none (no zone
/// of agreement as far as `side` can tell). The product is unimodal along
/// the path (its frontier is concave), so a binary search on the sign of its
/// log-derivative, `w Δa / a + (1 − w) Δb / b`, finds its peak.
pub fn nash_point(path: &OfferPath, side: Side, d_side: f64, d_opp: f64, w: f64) -> f64 {
    let opp = other(side);
    let u = &path.u;
    let Some(lo) = path.first_reaching(opp, d_opp) else {
        return d_side;
    };
    let hi = u[side].partition_point(|&v| v >= d_side - 1e-12);
    if hi == 0 || lo >= hi {
        return d_side;
    }
    // Whether moving from k to k + 1 raises the product (the sign of the
    // log-derivative, multiplied through by the positive a·b).
    let rises = |k: usize| {
        let (a, b) = (u[side][k] - d_side, u[opp][k] - d_opp);
        let (da, db) = (u[side][k + 1] - u[side][k], u[opp][k + 1] - u[opp][k]);
        w * da * b + (1.0 - w) * db * a > 0.0
    };
    // The first k in [lo, hi) whose successor does not raise the product.
    let (mut a, mut b) = (lo, hi - 1);
    while a < b {
        let m = a + (b - a) / 2;
        if rises(m) {
            a = m + 1;
        } else {
            b = m;
        }
    }
    u[side][a]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    /// The best point by brute force: the largest weighted log-product.
    fn brute(path: &OfferPath, side: Side, d: f64, e: f64, w: f64) -> Option<f64> {
        let opp = other(side);
        (0..path.len())
            .filter(|&k| path.u[side][k] > d && path.u[opp][k] > e)
            .map(|k| {
                let v = w * (path.u[side][k] - d).ln() + (1.0 - w) * (path.u[opp][k] - e).ln();
                (v, path.u[side][k])
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, u)| u)
    }

    #[test]
    fn the_nash_point_is_the_peak_of_the_product_along_the_path() {
        let scn = config::builtin().scenario;
        for side in 0..2 {
            let path = &scn.paths[side];
            for (d, e, w) in [
                (0.3, 0.4, 0.5),
                (0.1, 0.6, 0.3),
                (0.5, 0.2, 0.8),
                (0.0, 0.0, 0.5),
            ] {
                let got = nash_point(path, side, d, e, w);
                let want = brute(path, side, d, e, w).unwrap();
                // Within a grid step of the brute-force peak (the search uses
                // the log-derivative at each point, not exact differences).
                assert!(
                    (got - want).abs() < 0.02,
                    "side {side} ({d}, {e}, {w}): {got} vs {want}"
                );
            }
            // No zone of agreement: the side holds at its impasse value.
            assert_eq!(nash_point(path, side, 0.9, 0.9, 0.5), 0.9);
        }
    }

    #[test]
    fn impasse_values_fall_with_costs_threats_impatience_and_audience_costs() {
        let scn = config::builtin().scenario;
        let v = |s: &Scenario, c: f64, th: f64, t: u32| impasse_value(s, 0, t, 0.5, (c, th), 1.0);
        let base = v(&scn, 0.24, 0.0, 0);
        assert!(v(&scn, 0.48, 0.0, 0) < base);
        assert!(v(&scn, 0.24, 5.0, 0) < base);
        let mut impatient = scn.clone();
        impatient.players[0].discount = 0.99;
        assert!(v(&impatient, 0.24, 0.0, 0) < base);
        // The audience cost counts until the focal round, not after it.
        let f = scn.clock.focal.as_ref().unwrap().round;
        let (before, after) = (v(&scn, 0.0, 0.0, f - 1), v(&scn, 0.0, 0.0, f));
        let no_audience = 0.5
            * scn.players[0]
                .discount
                .powi((scn.clock.horizon - f + 1) as i32);
        assert!(
            (before - (no_audience - 2.0 / 100.0)).abs() < 1e-12,
            "{before}"
        );
        assert!(after > before);
    }
}
