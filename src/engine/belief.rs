//! Beliefs of the Bayesian strategy: a prior over the opponent's reservation
//! value (its configured distribution, discretised), and the posterior after
//! what the opponent has done.
//!
//! The prior is a table built once per workspace: atoms for `Fixed` and
//! `Choice` distributions, and for continuous ones the CDF at `grid` evenly
//! spaced points of the support with linear interpolation between them (a
//! piecewise-uniform density; exact for `Uniform`).
//!
//! The opponent is modelled as accepting an offer exactly when it is worth at
//! least its no-deal value, `r + shift` (`r` its private reservation value,
//! `shift` the public effect of pressure), and as never proposing a deal worth
//! less to itself than that. So a rejection of an offer worth `v` rules out
//! every type with `r <= v - shift`, and an offer it makes worth `w` to itself
//! rules out every type with `r > w - shift`. Bayes' rule with these
//! likelihoods (0 or 1) truncates the prior: the posterior is the prior
//! restricted to `(lo, hi]`, and two numbers per run (`Mind::belief_lo`,
//! `Mind::belief_hi`) hold it, so updating allocates nothing.

use crate::model::Dist;

/// A prior over a scalar, tabulated.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    /// Point masses: sorted values and the cumulative probability at each.
    Atoms {
        /// The values, ascending.
        v: Vec<f64>,
        /// P(X <= v\[i\]).
        cum: Vec<f64>,
    },
    /// A continuous distribution on [lo, hi]: its CDF at `cdf.len()` evenly
    /// spaced points, linear in between.
    Grid {
        /// Lower end of the support.
        lo: f64,
        /// Upper end of the support (> lo).
        hi: f64,
        /// CDF at lo + i (hi - lo) / (n - 1); 0 first, 1 last.
        cdf: Vec<f64>,
    },
}

impl Prior {
    /// The tabulated version of `d`, with `grid` (>= 2) points for continuous distributions.
    pub fn new(d: &Dist, grid: u32) -> Prior {
        let n = grid.max(2) as usize;
        match d {
            Dist::Fixed(v) => Prior::atoms(vec![*v]),
            Dist::Choice(v) => Prior::atoms(v.clone()),
            Dist::Uniform { lo, hi } if hi > lo => Prior::Grid {
                lo: *lo,
                hi: *hi,
                cdf: (0..n).map(|i| i as f64 / (n - 1) as f64).collect(),
            },
            Dist::Uniform { lo, .. } => Prior::atoms(vec![*lo]),
            Dist::Normal { mean, sd, lo, hi } if hi > lo && *sd > 0.0 => {
                // Cell masses of the truncated normal by Simpson's rule.
                let w = (hi - lo) / (n - 1) as f64;
                let pdf = |x: f64| (-0.5 * ((x - mean) / sd).powi(2)).exp();
                let mut cdf = Vec::with_capacity(n);
                cdf.push(0.0);
                let mut acc = 0.0;
                for i in 1..n {
                    let a = lo + (i - 1) as f64 * w;
                    let b = a + w;
                    acc += w / 6.0 * (pdf(a) + 4.0 * pdf(0.5 * (a + b)) + pdf(b));
                    cdf.push(acc);
                }
                if acc <= 0.0 {
                    // The mass lies far outside [lo, hi]: the sampler clamps the mean.
                    return Prior::atoms(vec![mean.clamp(*lo, *hi)]);
                }
                cdf.iter_mut().for_each(|c| *c /= acc);
                Prior::Grid {
                    lo: *lo,
                    hi: *hi,
                    cdf,
                }
            }
            Dist::Normal { mean, lo, hi, .. } => Prior::atoms(vec![mean.clamp(*lo, *hi)]),
        }
    }

    fn atoms(mut v: Vec<f64>) -> Prior {
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let cum = (1..=v.len()).map(|i| i as f64 / n).collect();
        Prior::Atoms { v, cum }
    }

    /// P(X <= x).
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            Prior::Atoms { v, cum } => {
                let k = v.partition_point(|&a| a <= x);
                if k == 0 {
                    0.0
                } else {
                    cum[k - 1]
                }
            }
            Prior::Grid { lo, hi, cdf } => {
                if x <= *lo {
                    return 0.0;
                }
                if x >= *hi {
                    return 1.0;
                }
                let f = (x - lo) / (hi - lo) * (cdf.len() - 1) as f64;
                let i = (f as usize).min(cdf.len() - 2);
                let r = f - i as f64;
                cdf[i] + r * (cdf[i + 1] - cdf[i])
            }
        }
    }

    /// The smallest and largest values with positive probability.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Prior::Atoms { v, .. } => (v[0], v[v.len() - 1]),
            Prior::Grid { lo, hi, .. } => (*lo, *hi),
        }
    }

    /// The posterior mean of X when X is known to lie in (lo, hi]; if the
    /// prior gives that interval no mass, `lo` (the belief sits just above it).
    pub fn posterior_mean(&self, lo: f64, hi: f64) -> f64 {
        match self {
            Prior::Atoms { v, cum } => {
                let (mut m, mut w) = (0.0, 0.0);
                for (i, &x) in v.iter().enumerate() {
                    if x > lo && x <= hi {
                        let p = cum[i] - if i == 0 { 0.0 } else { cum[i - 1] };
                        m += p * x;
                        w += p;
                    }
                }
                if w <= 1e-12 {
                    lo
                } else {
                    m / w
                }
            }
            Prior::Grid { lo: a, hi: b, cdf } => {
                // Piecewise-uniform density: each cell's mass at the midpoint of
                // its part inside (lo, hi].
                let n = cdf.len() - 1;
                let w = (b - a) / n as f64;
                let (mut m, mut mass) = (0.0, 0.0);
                for i in 0..n {
                    let (c0, c1) = (a + i as f64 * w, a + (i + 1) as f64 * w);
                    let (l, h) = (c0.max(lo), c1.min(hi));
                    if h <= l {
                        continue;
                    }
                    let p = (cdf[i + 1] - cdf[i]) * (h - l) / w;
                    m += p * 0.5 * (l + h);
                    mass += p;
                }
                if mass <= 1e-12 {
                    lo
                } else {
                    m / mass
                }
            }
        }
    }

    /// The `q`-quantile of the posterior of X when X is known to lie in
    /// (lo, hi]: the prior's inverse CDF at `F(lo) + q (F(hi) − F(lo))`,
    /// kept in the interval; `lo` when the interval has no mass (as in
    /// [`Prior::posterior_cdf`]).
    pub fn posterior_quantile(&self, lo: f64, hi: f64, q: f64) -> f64 {
        let f_lo = self.cdf(lo);
        let mass = self.cdf(hi) - f_lo;
        if mass <= 1e-12 {
            return lo;
        }
        let (s0, s1) = self.support();
        self.inverse_cdf(f_lo + q * mass)
            .clamp(lo.max(s0), hi.min(s1))
    }

    /// The smallest x with P(X <= x) >= p (linear within a grid cell).
    fn inverse_cdf(&self, p: f64) -> f64 {
        match self {
            Prior::Atoms { v, cum } => {
                let k = cum.partition_point(|&c| c < p - 1e-15);
                v[k.min(v.len() - 1)]
            }
            Prior::Grid { lo, hi, cdf } => {
                let n = cdf.len() - 1;
                let j = cdf.partition_point(|&c| c < p).clamp(1, n);
                let (c0, c1) = (cdf[j - 1], cdf[j]);
                let r = if c1 > c0 {
                    ((p - c0) / (c1 - c0)).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                lo + (j as f64 - 1.0 + r) * (hi - lo) / n as f64
            }
        }
    }

    /// The posterior probability that X <= x when X is known to lie in
    /// (lo, hi]. If the prior gives that interval no mass (what was observed
    /// contradicts the prior), the belief becomes a point just above `lo`:
    /// the opponent wants more than the best offer it has rejected.
    pub fn posterior_cdf(&self, lo: f64, hi: f64, x: f64) -> f64 {
        let f_lo = self.cdf(lo);
        let mass = self.cdf(hi) - f_lo;
        if mass <= 1e-12 {
            return if x > lo + 1e-12 { 1.0 } else { 0.0 };
        }
        if x <= lo {
            return 0.0;
        }
        ((self.cdf(x.min(hi)) - f_lo) / mass).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posterior_quantiles_invert_the_posterior_cdf() {
        let p = Prior::new(&Dist::Uniform { lo: 0.2, hi: 0.6 }, 11);
        let unrestricted = (f64::NEG_INFINITY, f64::INFINITY);
        assert!((p.posterior_quantile(unrestricted.0, unrestricted.1, 0.25) - 0.3).abs() < 1e-9);
        // Truncated to (0.3, 0.5]: uniform there, so its 10% point is 0.32.
        assert!((p.posterior_quantile(0.3, 0.5, 0.1) - 0.32).abs() < 1e-9);
        // No mass in the interval: the belief sits at its lower end.
        assert_eq!(p.posterior_quantile(0.7, 0.9, 0.5), 0.7);
        // A non-uniform grid: the quantile inverts the posterior CDF.
        let g = Prior::Grid {
            lo: 0.0,
            hi: 1.0,
            cdf: vec![0.0, 0.1, 0.5, 0.6, 1.0],
        };
        for (lo, hi, q) in [(0.1, 0.9, 0.3), (-1.0, 2.0, 0.55), (0.3, 0.6, 0.9)] {
            let x = g.posterior_quantile(lo, hi, q);
            assert!(
                (g.posterior_cdf(lo, hi, x) - q).abs() < 1e-9,
                "{lo} {hi} {q}: {x}"
            );
        }
        let atoms = Prior::atoms(vec![0.1, 0.2, 0.3, 0.4]);
        assert_eq!(atoms.posterior_quantile(0.1, 0.4, 0.5), 0.3);
    }

    #[test]
    fn uniform_prior_is_exact() {
        let p = Prior::new(&Dist::Uniform { lo: 0.2, hi: 0.6 }, 11);
        for x in [0.1, 0.2, 0.25, 0.3333, 0.5, 0.6, 0.9] {
            let want = ((x - 0.2) / 0.4_f64).clamp(0.0, 1.0);
            assert!((p.cdf(x) - want).abs() < 1e-12, "{x}");
        }
        // Truncated to (0.3, 0.5]: uniform there.
        assert!((p.posterior_cdf(0.3, 0.5, 0.4) - 0.5).abs() < 1e-12);
        assert_eq!(p.posterior_cdf(0.3, 0.5, 0.3), 0.0);
        assert_eq!(p.posterior_cdf(0.3, 0.5, 0.55), 1.0);
    }

    #[test]
    fn posterior_means_of_truncated_priors() {
        let u = Prior::new(&Dist::Uniform { lo: 0.2, hi: 0.6 }, 11);
        assert!((u.posterior_mean(f64::NEG_INFINITY, f64::INFINITY) - 0.4).abs() < 1e-12);
        assert!((u.posterior_mean(0.3, 0.5) - 0.4).abs() < 1e-12);
        assert!((u.posterior_mean(0.5, f64::INFINITY) - 0.55).abs() < 1e-12);
        assert_eq!(u.posterior_mean(0.7, f64::INFINITY), 0.7);
        let c = Prior::new(&Dist::Choice(vec![0.1, 0.3, 0.5]), 11);
        assert!((c.posterior_mean(0.1, 1.0) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn atoms_and_contradictions() {
        let p = Prior::new(&Dist::Choice(vec![0.5, 0.1, 0.3]), 101);
        assert_eq!(p.cdf(0.0), 0.0);
        assert!((p.cdf(0.1) - 1.0 / 3.0).abs() < 1e-12);
        assert!((p.cdf(0.31) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(p.support(), (0.1, 0.5));
        // Rejected an offer worth 0.1: the atom at 0.1 is ruled out.
        assert!((p.posterior_cdf(0.1, f64::INFINITY, 0.3) - 0.5).abs() < 1e-12);
        // Rejected 0.5 too: no type left; the belief sits just above 0.5.
        assert_eq!(p.posterior_cdf(0.5, f64::INFINITY, 0.5), 0.0);
        assert_eq!(p.posterior_cdf(0.5, f64::INFINITY, 0.51), 1.0);
        let f = Prior::new(&Dist::Fixed(0.4), 101);
        assert_eq!(f.cdf(0.39), 0.0);
        assert_eq!(f.cdf(0.4), 1.0);
    }

    #[test]
    fn normal_prior_is_symmetric_and_normalised() {
        let p = Prior::new(
            &Dist::Normal {
                mean: 0.5,
                sd: 0.1,
                lo: 0.2,
                hi: 0.8,
            },
            101,
        );
        assert!((p.cdf(0.5) - 0.5).abs() < 1e-9);
        assert!((p.cdf(0.8) - 1.0).abs() < 1e-12);
        // P(X <= mean - sd) of a normal truncated at 3 sd: about 0.1573.
        assert!((p.cdf(0.4) - 0.1573).abs() < 2e-3, "{}", p.cdf(0.4));
    }
}
