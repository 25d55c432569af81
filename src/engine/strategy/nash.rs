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
use std::cell::Cell;

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
    /// δ^k of the side and of its opponent for k = 0..=horizon (each
    /// `powi(k)`, tabulated once).
    pows: [Vec<f64>; 2],
    /// Where the last demand's search ended on the hull: the next one is
    /// usually near.
    last: Cell<usize>,
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
            pows: [side, other(side)].map(|p| {
                let d = scn.players[p].discount;
                (0..=scn.clock.horizon).map(|k| d.powi(k as i32)).collect()
            }),
            last: Cell::new(0),
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

    /// The hardness of the side (its drawn resolve) and of its opponent
    /// (its mean resolve over its public concession rate), for [`power`].
    fn hardness(&self, inp: &TargetInput) -> (f64, f64) {
        (hardness(inp), self.opp_resolve / inp.opp_rate.max(1e-9))
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
        let k = (t as usize).min(self.pows[0].len() - 1);
        let left = self.pows[0].len() - 1 - k;
        let own_left = (self.pows[0][left], inp.discount_pow);
        let own = impasse_value(scn, side, t, inp.no_deal, own_costs, own_left);
        let po = &scn.players[opp];
        let opp_cost = po.flow_cost * self.opp_factor + inp.opp_pressure;
        let opp_pow = (self.pows[1][left], self.pows[1][k]);
        let opp_nd = opp_reservation + inp.opp_shift;
        let theirs = impasse_value(scn, opp, t, opp_nd, (opp_cost, inp.opp_threat), opp_pow);
        let w = power((self.rates.0, rho.0), (self.rates.1, rho.1));
        let (demand, at) =
            nash_point_near(&scn.paths[side], side, (own, theirs), w, self.last.get());
        self.last.set(at);
        demand
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

/// A side's hardness ρ = its drawn resolve over its concession rate this
/// round: backlash and events that slow its concessions harden it, its own
/// demands that speed them soften it.
#[inline]
pub fn hardness(inp: &TargetInput) -> f64 {
    inp.resolve / inp.rate.max(1e-9)
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
/// the path (its frontier is concave), so a search on the sign of its
/// log-derivative, `w Δa / a + (1 − w) Δb / b`, finds its peak.
///
/// The search starts from path index `hint` (e.g. the last demand) and
/// steps outwards, doubling, before it bisects: a few steps when the demand
/// moved little. It searches the path's outer hull, where the frontier is
/// concave and the product unimodal (on a non-separable frontier a point
/// inside a dent is never the search's answer). Returns the point's
/// utility to `side` and where its search ended on the hull, the hint for
/// the next search.
pub fn nash_point_near(
    path: &OfferPath,
    side: Side,
    (d_side, d_opp): (f64, f64),
    w: f64,
    hint: usize,
) -> (f64, usize) {
    let opp = other(side);
    let (own, theirs, hull) = (&path.u[side], &path.u[opp], &path.hull);
    let (hull_own, hull_theirs) = (&path.hull_u[side], &path.hull_u[opp]);
    let n = hull.len();
    if n < 2 {
        return (d_side, hint);
    }
    // On the hull (where the frontier is concave) the opponent's utility
    // rises and the side's falls: the zone of points worth the impasse to
    // both is a run [lo, hi) of it.
    let slope = Slope {
        own,
        theirs,
        hull_own,
        hull_theirs,
        d: (d_side, d_opp),
        w,
    };
    // One search over the whole hull for the first step that does not
    // raise the product (`Slope::zone_rises`): its answer is the zone's
    // peak (or its last point).
    let (in_zone_opp, in_zone_own) = (|j| slope.in_zone_opp(j), |j| slope.in_zone_own(j));
    let mut j = first_false(0, n - 1, hint, &slope);
    if !(in_zone_opp(j) && in_zone_own(j)) {
        // The zone is empty (as far as this side can tell).
        return (d_side, j);
    }
    // The first-order test overstates each step's gain (log is concave),
    // so the peak may lie a step or two back when steps are large.
    while j > 0 && in_zone_opp(j - 1) && slope.beats(hull[j - 1], hull[j]) {
        j -= 1;
    }
    // A point inside a dent of the frontier next to the peak can beat the
    // hull points around it: the best path point between the peak's hull
    // neighbours, exactly. (The hull points around it are already ruled
    // out: the one before by the walk back, the one after because the
    // product falls there.)
    let from = if j > 0 && in_zone_opp(j - 1) {
        hull[j - 1]
    } else {
        hull[j]
    };
    let to = if j + 1 < n && in_zone_own(j + 1) {
        hull[j + 1]
    } else {
        hull[j]
    };
    let mut best = hull[j];
    for k in (from + 1)..to {
        if k != hull[j] && own[k] > d_side && theirs[k] > d_opp && slope.beats(k, best) {
            best = k;
        }
    }
    (own[best], j)
}

/// The product's slope along a path's hull up to its last point worth the
/// side's impasse value.
struct Slope<'a> {
    own: &'a [f64],
    theirs: &'a [f64],
    hull_own: &'a [f64],
    hull_theirs: &'a [f64],
    d: (f64, f64),
    w: f64,
}

impl Slope<'_> {
    /// Whether hull point j is worth the impasse to the opponent.
    #[inline(always)]
    fn in_zone_opp(&self, j: usize) -> bool {
        self.hull_theirs[j] >= self.d.1 - 1e-12
    }

    /// Whether hull point j is worth the impasse to the side.
    #[inline(always)]
    fn in_zone_own(&self, j: usize) -> bool {
        self.hull_own[j] >= self.d.0 - 1e-12
    }

    /// Whether the step from hull point j to j + 1 counts as rising in the
    /// search for the zone's peak: every step short of the zone does, no
    /// step out of it does, and within it the product's slope decides. So
    /// the predicate is true, then false, along the whole hull.
    #[inline(always)]
    fn zone_rises(&self, j: usize) -> bool {
        !self.in_zone_opp(j) || (self.in_zone_own(j + 1) && self.rises(j))
    }

    /// Whether moving from hull point j to j + 1 raises the product (the
    /// sign of the log-derivative, multiplied through by the positive a·b).
    #[inline(always)]
    fn rises(&self, j: usize) -> bool {
        let (u, v) = (&self.hull_own[j..j + 2], &self.hull_theirs[j..j + 2]);
        let (a, b) = (u[0] - self.d.0, v[0] - self.d.1);
        let (da, db) = (u[1] - u[0], v[1] - v[0]);
        self.w * da * b + (1.0 - self.w) * db * a > 0.0
    }

    /// Whether path point k has a larger product than path point m, exactly:
    /// the sign of `w ln(a_k / a_m) + (1 − w) ln(b_k / b_m)`. Since
    /// `(x − y) / x ≤ ln x − ln y ≤ (x − y) / y`, the signs of
    /// `w Δa b_m + (1 − w) Δb a_m` (an upper bound, times a_m b_m > 0) and of
    /// `w Δa b_k + (1 − w) Δb a_k` (a lower bound, times a_k b_k > 0) decide
    /// most cases without a division; the logs are taken only when they
    /// straddle 0.
    #[inline]
    fn beats(&self, k: usize, m: usize) -> bool {
        let (ak, bk) = (self.own[k] - self.d.0, self.theirs[k] - self.d.1);
        let (am, bm) = (self.own[m] - self.d.0, self.theirs[m] - self.d.1);
        let (w, v) = (self.w, 1.0 - self.w);
        let (da, db) = (ak - am, bk - bm);
        if w * da * bm + v * db * am <= 0.0 {
            return false;
        }
        if w * da * bk + v * db * ak > 0.0 {
            return true;
        }
        w * (da / am).ln_1p() + v * (db / bm).ln_1p() > 0.0
    }
}

/// The first k in [lo, last) where `slope.zone_rises` is false, or `last`
/// if there is none (it is true, then false): bracketed by steps doubling
/// outwards from `hint`, then bisected (a few steps when the answer moved
/// little).
#[inline(always)]
fn first_false(lo: usize, last: usize, hint: usize, slope: &Slope) -> usize {
    let rises = |k| slope.zone_rises(k);
    let h = hint.clamp(lo, last);
    // The answer lies in [a, b].
    let (mut a, mut b);
    let mut step = 1;
    if h < last && rises(h) {
        a = h + 1;
        loop {
            let c = h + step;
            if c >= last {
                b = last;
                break;
            }
            if !rises(c) {
                b = c;
                break;
            }
            a = c + 1;
            step *= 2;
        }
    } else {
        b = h;
        loop {
            if h < lo + step {
                a = lo;
                break;
            }
            let c = h - step;
            if rises(c) {
                a = c + 1;
                break;
            }
            b = c;
            step *= 2;
        }
    }
    while a < b {
        let m = a + (b - a) / 2;
        if rises(m) {
            a = m + 1;
        } else {
            b = m;
        }
    }
    a
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
        let scn = config::builtin_model().scenario;
        for side in 0..2 {
            let path = &scn.paths[side];
            for (d, e, w) in [
                (0.3, 0.4, 0.5),
                (0.1, 0.6, 0.3),
                (0.5, 0.2, 0.8),
                (0.0, 0.0, 0.5),
            ] {
                let (got, at) = nash_point_near(path, side, (d, e), w, 0);
                let want = brute(path, side, d, e, w).unwrap();
                // The same point whatever the search starts from.
                let n = path.hull.len();
                for hint in [1, at, n / 2, n - 1, n / 3] {
                    let again = nash_point_near(path, side, (d, e), w, hint);
                    assert_eq!(again, (got, at), "hint {hint}");
                }
                // Within a grid step of the brute-force peak (the search uses
                // the log-derivative at each point, not exact differences).
                assert!(
                    (got - want).abs() < 0.02,
                    "side {side} ({d}, {e}, {w}): {got} vs {want}"
                );
            }
            // No zone of agreement: the side holds at its impasse value.
            assert_eq!(nash_point_near(path, side, (0.9, 0.9), 0.5, 7).0, 0.9);
        }
    }

    #[test]
    fn impasse_values_fall_with_costs_threats_impatience_and_audience_costs() {
        let scn = config::builtin_model().scenario;
        let v = |s: &Scenario, c: f64, th: f64, t: u32| {
            let left = s.clock.horizon - t;
            let pows = (s.players[0].discount.powi(left as i32), 1.0);
            impasse_value(s, 0, t, 0.5, (c, th), pows)
        };
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
        let audience = scn.clock.focal.as_ref().unwrap().audience_cost[0];
        assert!(
            (before - (no_audience - audience / scn.players[0].bn_per_util)).abs() < 1e-12,
            "{before}"
        );
        assert!(after > before);
    }
}
