//! Designs: from the parameters' values to the list of points.
//!
//! `grid` and `zip` combine finite lists; `random` and `lhs` draw from
//! distributions with one generator, `rng::run_rng(RunCoord::new(master, DESIGN_POINT, 0))`,
//! in a fixed order (so a design is a function of the sweep and the master
//! seed). Every draw is a quantile of the parameter's distribution at a
//! uniform number `u` in [0, 1): `random` takes `u` uniform, `lhs` takes
//! `u = (stratum + jitter) / n` with each parameter's strata permuted.

use crate::rng::dist::truncated_normal;
use crate::rng::{run_rng, uniform, RunCoord, RunRng};

/// The `point` coordinate of the generator of `random` and `lhs` draws
/// (above 2^53, so no point's coordinate equals it).
pub const DESIGN_POINT: u64 = 0x5357_4545_5044_5347; // "SWEEPDSG"

/// A parameter's distribution (for `random` and `lhs` designs).
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Uniform on [lo, hi].
    Uniform {
        /// Low end.
        lo: f64,
        /// High end.
        hi: f64,
    },
    /// Each whole number in lo..=hi equally likely.
    UniformInt {
        /// Low end.
        lo: i64,
        /// High end.
        hi: i64,
    },
    /// Log-uniform on [lo, hi], 0 < lo <= hi; rounded if `integer`.
    LogUniform {
        /// Low end.
        lo: f64,
        /// High end.
        hi: f64,
        /// Round to whole numbers.
        integer: bool,
    },
    /// Normal(mean, sd), truncated to [lo, hi] if either bound is given
    /// (a missing bound is 40 sd from the mean: no mass lies beyond it in
    /// double precision); rounded if `integer` (the bounds are then whole).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// The truncation bounds, if any.
        bounds: Option<(f64, f64)>,
        /// Round to whole numbers.
        integer: bool,
    },
    /// One of the values, equally likely.
    Choice(Vec<toml::Value>),
}

/// A whole number as a TOML integer, or the number as a float.
pub(crate) fn number(v: f64, integer: bool) -> toml::Value {
    if integer && v.is_finite() && v.abs() < 9.0e15 {
        toml::Value::Integer(v.round() as i64)
    } else {
        toml::Value::Float(v)
    }
}

impl Distribution {
    /// The value at probability `u` in [0, 1) (the inverse of the
    /// distribution function; `u` is kept away from 0 for the normal).
    pub fn quantile(&self, u: f64) -> toml::Value {
        match self {
            Distribution::Uniform { lo, hi } => toml::Value::Float(lo + (hi - lo) * u),
            Distribution::UniformInt { lo, hi } => {
                let n = (hi - lo + 1) as f64;
                let k = ((u * n) as i64).min(hi - lo);
                toml::Value::Integer(lo + k)
            }
            Distribution::LogUniform { lo, hi, integer } => {
                let (a, b) = (lo.ln(), hi.ln());
                number((a + (b - a) * u).exp().clamp(*lo, *hi), *integer)
            }
            Distribution::Normal {
                mean,
                sd,
                bounds: None,
                integer,
            } => {
                let z = inverse_normal(u.max(f64::MIN_POSITIVE));
                number(mean + sd * z, *integer)
            }
            Distribution::Normal {
                mean,
                sd,
                bounds: Some((lo, hi)),
                integer,
            } => number(truncated_normal(*mean, *sd, *lo, *hi, u), *integer),
            Distribution::Choice(v) => {
                let k = ((u * v.len() as f64) as usize).min(v.len() - 1);
                v[k].clone()
            }
        }
    }
}

/// Every combination of the lists' values, the last list varying fastest.
/// Empty lists give no points.
pub fn grid(lists: &[Vec<toml::Value>]) -> Vec<Vec<toml::Value>> {
    let total: usize = lists.iter().map(Vec::len).product();
    let mut points = Vec::with_capacity(total);
    for mut i in 0..total {
        let mut p = vec![toml::Value::Boolean(false); lists.len()];
        for (j, list) in lists.iter().enumerate().rev() {
            p[j] = list[i % list.len()].clone();
            i /= list.len();
        }
        points.push(p);
    }
    points
}

/// The i-th point takes the i-th value of every list (lists of equal length).
pub fn zip(lists: &[Vec<toml::Value>]) -> Vec<Vec<toml::Value>> {
    let n = lists.first().map_or(0, Vec::len);
    debug_assert!(lists.iter().all(|l| l.len() == n));
    (0..n)
        .map(|i| lists.iter().map(|l| l[i].clone()).collect())
        .collect()
}

/// The generator of design draws under `master`.
pub fn design_rng(master: u64) -> RunRng {
    run_rng(RunCoord::new(master, DESIGN_POINT, 0))
}

/// `n` independent points: point by point, parameter by parameter, one
/// uniform draw each (so the first points do not change when `n` grows).
pub fn random(dists: &[Distribution], n: usize, rng: &mut RunRng) -> Vec<Vec<toml::Value>> {
    (0..n)
        .map(|_| dists.iter().map(|d| d.quantile(uniform(rng))).collect())
        .collect()
}

/// The probabilities of a Latin hypercube of `n` points in `dims`
/// dimensions: for each dimension in turn, a random permutation of the
/// strata 0..n (Fisher–Yates) and then a uniform jitter within each stratum;
/// `u[i][j] = (perm_j[i] + jitter) / n`.
pub fn lhs_probabilities(dims: usize, n: usize, rng: &mut RunRng) -> Vec<Vec<f64>> {
    let mut u = vec![vec![0.0; dims]; n];
    for j in 0..dims {
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let k = ((uniform(rng) * (i + 1) as f64) as usize).min(i);
            perm.swap(i, k);
        }
        for (i, row) in u.iter_mut().enumerate() {
            row[j] = (perm[i] as f64 + uniform(rng)) / n as f64;
        }
    }
    u
}

/// A Latin hypercube of `n` points: each parameter's distribution is cut
/// into `n` strata of equal probability, each used by exactly one point.
pub fn lhs(dists: &[Distribution], n: usize, rng: &mut RunRng) -> Vec<Vec<toml::Value>> {
    lhs_probabilities(dists.len(), n, rng)
        .into_iter()
        .map(|row| {
            dists
                .iter()
                .zip(row)
                .map(|(d, u)| d.quantile(u.min(1.0 - f64::EPSILON / 2.0)))
                .collect()
        })
        .collect()
}

/// The standard normal quantile function (Wichura's AS 241, PPND16: relative
/// accuracy about 1e-16), for p in (0, 1).
pub fn inverse_normal(p: f64) -> f64 {
    fn poly(c: &[f64], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
    }
    const A: [f64; 8] = [
        3.387_132_872_796_366_5,
        1.331_416_678_917_843_8e2,
        1.971_590_950_306_551_3e3,
        1.373_169_376_550_946e4,
        4.592_195_393_154_987e4,
        6.726_577_092_700_87e4,
        3.343_057_558_358_813e4,
        2.509_080_928_730_122_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091e1,
        6.871_870_074_920_579e2,
        5.394_196_021_424_751e3,
        2.121_379_430_158_659_7e4,
        3.930_789_580_009_271e4,
        2.872_908_573_572_194_3e4,
        5.226_495_278_852_545e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_5,
        4.630_337_846_156_546,
        5.769_497_221_460_691,
        3.647_848_324_763_204_5,
        1.270_458_252_452_368_4,
        2.417_807_251_774_506e-1,
        2.272_384_498_926_918_4e-2,
        7.745_450_142_783_414e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_759,
        1.676_384_830_183_803_8,
        6.897_673_349_851e-1,
        1.481_039_764_274_800_8e-1,
        1.519_866_656_361_645_7e-2,
        5.475_938_084_995_345e-4,
        1.050_750_071_644_416_9e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103,
        5.463_784_911_164_114,
        1.784_826_539_917_291_3,
        2.965_605_718_285_048_7e-1,
        2.653_218_952_657_612_4e-2,
        1.242_660_947_388_078_4e-3,
        2.711_555_568_743_487_6e-5,
        2.010_334_399_292_288_1e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_88e-1,
        1.369_298_809_227_358e-1,
        1.487_536_129_085_061_5e-2,
        7.868_691_311_456_133e-4,
        1.846_318_317_510_054_8e-5,
        1.421_511_758_316_446e-7,
        2.044_263_103_389_939_8e-15,
    ];
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Value;

    fn ints(v: &[i64]) -> Vec<Value> {
        v.iter().map(|&x| Value::Integer(x)).collect()
    }

    #[test]
    fn grid_has_the_product_of_list_lengths_and_varies_the_last_fastest() {
        let lists = vec![ints(&[1, 2]), ints(&[10, 20, 30]), ints(&[7])];
        let g = grid(&lists);
        assert_eq!(g.len(), 2 * 3);
        assert_eq!(g[0], ints(&[1, 10, 7]));
        assert_eq!(g[1], ints(&[1, 20, 7]));
        assert_eq!(g[3], ints(&[2, 10, 7]));
        assert_eq!(g[5], ints(&[2, 30, 7]));
        let mut seen = g.clone();
        seen.dedup();
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn zip_pairs_the_ith_values() {
        let z = zip(&[ints(&[1, 2, 3]), ints(&[4, 5, 6])]);
        assert_eq!(z, vec![ints(&[1, 4]), ints(&[2, 5]), ints(&[3, 6])]);
    }

    #[test]
    fn latin_hypercube_puts_one_value_in_each_stratum() {
        for n in [1, 2, 7, 50, 333] {
            let dims = 4;
            let u = lhs_probabilities(dims, n, &mut design_rng(9));
            assert_eq!(u.len(), n);
            for j in 0..dims {
                let mut strata: Vec<usize> =
                    u.iter().map(|row| (row[j] * n as f64) as usize).collect();
                strata.sort_unstable();
                assert_eq!(strata, (0..n).collect::<Vec<_>>(), "dimension {j}, n = {n}");
            }
        }
        // Through the distributions: a uniform on [10, 20] in 5 samples has
        // one value in each of [10, 12), [12, 14), ..., [18, 20).
        let dists = [
            Distribution::Uniform { lo: 10.0, hi: 20.0 },
            Distribution::Choice(ints(&[1, 2, 3, 4, 5])),
            Distribution::Normal {
                mean: 0.0,
                sd: 1.0,
                bounds: None,
                integer: false,
            },
        ];
        let pts = lhs(&dists, 5, &mut design_rng(3));
        let mut a: Vec<usize> = pts
            .iter()
            .map(|p| ((p[0].as_float().unwrap() - 10.0) / 2.0) as usize)
            .collect();
        a.sort_unstable();
        assert_eq!(a, vec![0, 1, 2, 3, 4]);
        let mut c: Vec<i64> = pts.iter().map(|p| p[1].as_integer().unwrap()).collect();
        c.sort_unstable();
        assert_eq!(c, vec![1, 2, 3, 4, 5]);
        // Normal strata: quintiles at ±0.8416 and ±0.2533.
        let cuts = [
            -0.841_621_233_572_914,
            -0.253_347_103_135_8,
            0.253_347_103_135_8,
            0.841_621_233_572_914,
        ];
        let mut s: Vec<usize> = pts
            .iter()
            .map(|p| {
                cuts.iter()
                    .filter(|&&c| p[2].as_float().unwrap() > c)
                    .count()
            })
            .collect();
        s.sort_unstable();
        assert_eq!(s, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn designs_are_a_function_of_the_master_seed() {
        let d = [Distribution::Uniform { lo: 0.0, hi: 1.0 }];
        assert_eq!(
            lhs(&d, 10, &mut design_rng(1)),
            lhs(&d, 10, &mut design_rng(1))
        );
        assert_ne!(
            lhs(&d, 10, &mut design_rng(1)),
            lhs(&d, 10, &mut design_rng(2))
        );
        // Random designs: more samples keep the first ones.
        let a = random(&d, 5, &mut design_rng(1));
        let b = random(&d, 8, &mut design_rng(1));
        assert_eq!(a[..], b[..5]);
    }

    #[test]
    fn quantiles_stay_in_their_support() {
        let ui = Distribution::UniformInt { lo: 3, hi: 5 };
        assert_eq!(ui.quantile(0.0), Value::Integer(3));
        assert_eq!(ui.quantile(0.34), Value::Integer(4));
        assert_eq!(ui.quantile(0.999_999), Value::Integer(5));
        let lu = Distribution::LogUniform {
            lo: 1.0,
            hi: 100.0,
            integer: false,
        };
        assert!((lu.quantile(0.5).as_float().unwrap() - 10.0).abs() < 1e-9);
        let c = Distribution::Choice(ints(&[1, 2]));
        assert_eq!(c.quantile(0.999_999_999), Value::Integer(2));
    }

    #[test]
    fn inverse_normal_matches_known_quantiles() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.025, -1.959_963_984_540_054),
            (0.841_344_746_068_542_9, 1.0),
            (1e-10, -6.361_340_902_404_056),
            (1e-15, -7.941_345_326_170_997),
        ] {
            assert!(
                (inverse_normal(p) - z).abs() < 1e-9,
                "{p}: {}",
                inverse_normal(p)
            );
        }
    }
}
