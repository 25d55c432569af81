//! Mergeable, deterministic statistics of many runs: no I/O, no serde.
//!
//! Runs are simulated in fixed-size chunks; each chunk fills its own
//! accumulator and the runner merges the chunk accumulators serially, in
//! chunk order. Every type here therefore has an identity (`Default` / `new`)
//! and a `merge(&mut self, other: &Self)` that is a pure function of its two
//! operands, so the same chunking gives bit-identical results whatever the
//! number of threads. Memory never grows with the number of runs: moments are
//! a handful of numbers, the quantile sketch grows only with the *range* of
//! the values (see [`Sketch`]), survival counts with the horizon.

use crate::outcome::{Outcome, OutcomeKind};

/// The z value of a two-sided 95% normal interval.
pub const Z95: f64 = 1.959963984540054;

// ---------------------------------------------------------------------------
// Moments
// ---------------------------------------------------------------------------

/// Count, mean, sum of squared deviations, min and max of the non-NaN values
/// added (Welford's update; Chan et al.'s parallel merge). NaN values are
/// skipped: they mark a metric that does not apply to a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// Number of (non-NaN) values.
    pub count: u64,
    /// Their mean (0 when empty; see [`Moments::mean`]).
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
    /// Smallest value (+∞ when empty).
    pub min: f64,
    /// Largest value (−∞ when empty).
    pub max: f64,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            count: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Moments {
    /// The empty accumulator (the identity of `merge`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value; NaN is skipped.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Merges `other` into `self` (Chan et al. 1979). Merging an empty
    /// accumulator changes nothing; merging into an empty one copies `other`.
    pub fn merge(&mut self, other: &Self) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let na = self.count as f64;
        let nb = other.count as f64;
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * nb / n);
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The mean, NaN when empty.
    pub fn mean(&self) -> f64 {
        self.unless_empty(self.mean)
    }

    fn unless_empty(&self, v: f64) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            v
        }
    }

    /// The sample variance (divisor n − 1), NaN with fewer than 2 values.
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            f64::NAN
        } else {
            (self.m2 / (self.count - 1) as f64).max(0.0)
        }
    }

    /// The sample standard deviation (divisor n − 1), NaN with fewer than 2 values.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// The smallest value, NaN when empty.
    pub fn min(&self) -> f64 {
        self.unless_empty(self.min)
    }

    /// The largest value, NaN when empty.
    pub fn max(&self) -> f64 {
        self.unless_empty(self.max)
    }
}

// ---------------------------------------------------------------------------
// Sketch
// ---------------------------------------------------------------------------

/// Relative accuracy of [`Sketch`]: every returned quantile is within
/// `ALPHA · |x|` of the exact order statistic `x` it stands for.
pub const ALPHA: f64 = 0.001;

/// Values with `|x| <` this go to the zero bucket (and are reported as 0).
pub const ZERO_THRESHOLD: f64 = 1e-9;

/// γ = (1 + α) / (1 − α): ratio of consecutive bucket bounds.
const GAMMA: f64 = (1.0 + ALPHA) / (1.0 - ALPHA);

/// Extra keys allocated beyond the needed range when a store grows, so that a
/// slowly widening range does not reallocate at every new extreme.
const GROW_SLACK: i64 = 32;

/// Bucket key of a magnitude `m ≥ ZERO_THRESHOLD`: the k with γ^(k−1) < m ≤ γ^k.
#[inline]
fn key_of(m: f64) -> i32 {
    // Infinite magnitudes are keyed like the largest finite one.
    let m = m.min(f64::MAX);
    (m.ln() / GAMMA.ln()).ceil() as i32
}

/// Representative magnitude of bucket k: 2γ^k / (γ + 1), within α relative
/// distance of every magnitude in (γ^(k−1), γ^k].
#[inline]
fn value_of(k: i32) -> f64 {
    2.0 * (k as f64 * GAMMA.ln()).exp() / (GAMMA + 1.0)
}

/// A dense store of bucket counts for keys `offset .. offset + counts.len()`.
#[derive(Debug, Clone, Default)]
struct Store {
    offset: i32,
    counts: Vec<u64>,
    total: u64,
}

impl Store {
    /// Makes room for keys `lo..=hi`.
    fn ensure(&mut self, lo: i32, hi: i32) {
        if self.counts.is_empty() {
            self.offset = lo;
            self.counts = vec![0; (hi as i64 - lo as i64 + 1) as usize];
            return;
        }
        let cur_lo = self.offset as i64;
        let cur_hi = cur_lo + self.counts.len() as i64 - 1;
        let (lo, hi) = (lo as i64, hi as i64);
        if lo < cur_lo {
            let new_lo = (lo - GROW_SLACK).max(i32::MIN as i64);
            let extra = (cur_lo - new_lo) as usize;
            let mut counts = vec![0; extra + self.counts.len()];
            counts[extra..].copy_from_slice(&self.counts);
            self.counts = counts;
            self.offset = new_lo as i32;
        }
        if hi > cur_hi {
            let new_hi = (hi + GROW_SLACK).min(i32::MAX as i64);
            let extra = (new_hi - cur_hi) as usize;
            self.counts.resize(self.counts.len() + extra, 0);
        }
    }

    #[inline]
    fn add(&mut self, key: i32, n: u64) {
        self.ensure(key, key);
        self.counts[(key as i64 - self.offset as i64) as usize] += n;
        self.total += n;
    }

    fn merge(&mut self, other: &Store) {
        let Some((lo, hi)) = other.key_range() else {
            return;
        };
        self.ensure(lo, hi);
        let src_start = (lo as i64 - other.offset as i64) as usize;
        let dst_start = (lo as i64 - self.offset as i64) as usize;
        let len = (hi as i64 - lo as i64 + 1) as usize;
        let src = &other.counts[src_start..src_start + len];
        let dst = &mut self.counts[dst_start..dst_start + len];
        for (a, b) in dst.iter_mut().zip(src) {
            *a += b;
        }
        self.total += other.total;
    }

    /// Smallest and largest keys with a non-zero count.
    fn key_range(&self) -> Option<(i32, i32)> {
        let first = self.counts.iter().position(|&c| c > 0)?;
        let last = self.counts.iter().rposition(|&c| c > 0)?;
        Some((self.offset + first as i32, self.offset + last as i32))
    }

    /// Non-zero buckets in ascending key order.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(move |(i, &c)| (self.offset + i as i32, c))
    }
}

impl PartialEq for Store {
    /// Logical equality: the same count in every key (allocation slack ignored).
    fn eq(&self, other: &Self) -> bool {
        self.total == other.total && self.buckets().eq(other.buckets())
    }
}

/// A DDSketch-style quantile sketch (Masson, Rim & Lee 2019) with relative
/// accuracy [`ALPHA`] = 0.001.
///
/// Values are counted in logarithmic buckets (γ = (1+α)/(1−α)): a positive
/// and a negative store (dense `Vec`s of integer counts covering the observed
/// key range) and a zero bucket for `|x| <` [`ZERO_THRESHOLD`]. Because counts
/// are integers, `merge` is exact, associative and commutative. NaN values are
/// skipped; ±∞ is counted in the bucket of ±`f64::MAX`.
///
/// Memory grows with the range of the values, not their number: about
/// `ln(max/min) / 0.002` buckets of 8 bytes per sign (e.g. ~5 500 buckets,
/// 44 kB, for values spanning 0.01 .. 500), at most ~370 000 per sign for the
/// whole f64 range.
///
/// **Quantile definition** ([`Sketch::quantile`]): nearest rank. For `n`
/// values and `q ∈ [0, 1]`, the rank is `r = max(1, ⌈q·n⌉)` and the result
/// stands for the `r`-th smallest value `x_(r)`. The sketch returns the
/// representative of the bucket holding `x_(r)`, so `|returned − x_(r)| ≤
/// α·|x_(r)|` (0 is returned, with absolute error < 1e-9, for `|x_(r)| <
/// 1e-9`). If every value added was an integer the result is rounded to the
/// nearest integer: it is then exact for `|x_(r)| < 1/(2α) = 500` and within
/// `2α·|x_(r)|` above.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    pos: Store,
    neg: Store,
    zero: u64,
    all_integers: bool,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            pos: Store::default(),
            neg: Store::default(),
            zero: 0,
            all_integers: true,
        }
    }
}

impl Sketch {
    /// The empty sketch (the identity of `merge`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value; NaN is skipped.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        if x.fract() != 0.0 {
            self.all_integers = false;
        }
        let m = x.abs();
        if m < ZERO_THRESHOLD {
            self.zero += 1;
        } else if x > 0.0 {
            self.pos.add(key_of(m), 1);
        } else {
            self.neg.add(key_of(m), 1);
        }
    }

    /// Merges `other` into `self`: bucket counts add up exactly.
    pub fn merge(&mut self, other: &Self) {
        self.pos.merge(&other.pos);
        self.neg.merge(&other.neg);
        self.zero += other.zero;
        self.all_integers &= other.all_integers;
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.pos.total + self.neg.total + self.zero
    }

    /// True if every value added was an integer (vacuously true when empty).
    pub fn all_integers(&self) -> bool {
        self.all_integers
    }

    /// Non-empty buckets in ascending order of value: `(representative, count)`.
    /// Representatives are rounded to integers when every value was an integer.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let round = self.all_integers;
        let neg = self.neg.buckets().rev().map(|(k, c)| (-value_of(k), c));
        let zero = (self.zero > 0).then_some((0.0, self.zero));
        let pos = self.pos.buckets().map(|(k, c)| (value_of(k), c));
        neg.chain(zero)
            .chain(pos)
            .map(move |(v, c)| (if round { v.round() } else { v }, c))
    }

    /// The nearest-rank quantile `q ∈ [0, 1]` (see the type's documentation
    /// for the definition and the error bound); NaN when empty or `q` is NaN.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.count();
        if n == 0 || q.is_nan() {
            return f64::NAN;
        }
        let q = q.clamp(0.0, 1.0);
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        let mut last = f64::NAN;
        for (v, c) in self.buckets() {
            seen += c;
            last = v;
            if seen >= rank {
                return v;
            }
        }
        last
    }
}

// ---------------------------------------------------------------------------
// Per-metric and per-run-set statistics
// ---------------------------------------------------------------------------

/// Exact moments and a quantile sketch of one metric.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricStats {
    /// Count, mean, sd, min, max (exact up to floating-point rounding).
    pub moments: Moments,
    /// Quantiles and histograms (relative accuracy [`ALPHA`]).
    pub sketch: Sketch,
}

impl MetricStats {
    /// Adds a value; NaN is skipped.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.moments.add(x);
        self.sketch.add(x);
    }

    /// Merges `other` into `self`.
    pub fn merge(&mut self, other: &Self) {
        self.moments.merge(&other.moments);
        self.sketch.merge(&other.sketch);
    }

    /// The sketch's nearest-rank quantile, clamped to the exact [min, max]
    /// (which only brings it closer to the true order statistic). NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        let v = self.sketch.quantile(q);
        if v.is_nan() {
            return v;
        }
        v.clamp(self.moments.min, self.moments.max)
    }
}

/// Counts of runs ending in each round, by outcome.
///
/// Rounds are `0..=horizon`; a run without a deal ends at `horizon` (end
/// One round of the survival table ([`Survival::rows`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurvivalRow {
    /// Runs still negotiating at the start of the round.
    pub at_risk: u64,
    /// Runs ending in a deal in the round.
    pub deals: u64,
    /// Runs ending in a breakdown in the round.
    pub breakdowns: u64,
    /// The share of runs without a deal by the end of the round.
    pub p_no_deal_yet: f64,
    /// The probability of a deal in the round for a run at risk.
    pub hazard: f64,
}

/// rounds beyond it are counted at `horizon`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Survival {
    /// Runs ending in a deal, per round.
    pub deals: Vec<u64>,
    /// Runs ending in a breakdown, per round.
    pub breakdowns: Vec<u64>,
    /// Runs ending with no deal, per round (normally all at the horizon).
    pub no_deals: Vec<u64>,
}

impl Survival {
    /// Empty counts for rounds `0..=horizon`.
    pub fn new(horizon: u32) -> Self {
        let n = horizon as usize + 1;
        Survival {
            deals: vec![0; n],
            breakdowns: vec![0; n],
            no_deals: vec![0; n],
        }
    }

    /// The last round (the horizon).
    pub fn horizon(&self) -> u32 {
        self.deals.len().saturating_sub(1) as u32
    }

    /// Counts a run that ended in `round` with `kind`.
    pub fn add(&mut self, kind: OutcomeKind, round: u32) {
        if self.deals.is_empty() {
            *self = Survival::new(0);
        }
        let r = (round as usize).min(self.deals.len() - 1);
        match kind {
            OutcomeKind::Deal => self.deals[r] += 1,
            OutcomeKind::Breakdown => self.breakdowns[r] += 1,
            OutcomeKind::NoDeal => self.no_deals[r] += 1,
        }
    }

    /// Adds `other`'s counts (round by round; the longer horizon wins).
    pub fn merge(&mut self, other: &Self) {
        let n = self.deals.len().max(other.deals.len());
        for (a, b) in [
            (&mut self.deals, &other.deals),
            (&mut self.breakdowns, &other.breakdowns),
            (&mut self.no_deals, &other.no_deals),
        ] {
            a.resize(n, 0);
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// Total number of runs.
    pub fn total(&self) -> u64 {
        self.deals.iter().sum::<u64>()
            + self.breakdowns.iter().sum::<u64>()
            + self.no_deals.iter().sum::<u64>()
    }

    /// Runs ending in a deal in round `r`.
    pub fn deals(&self, r: u32) -> u64 {
        self.deals.get(r as usize).copied().unwrap_or(0)
    }

    /// The survival table, rounds 0..=horizon, in one pass over the rounds
    /// (linear in the horizon). Per round: `at_risk`, the runs still
    /// negotiating at its start (not ended before it); `deals` and
    /// `breakdowns`, the runs ending so in it; `p_no_deal_yet`, 1 − (deals in
    /// rounds up to and including it) / N (NaN without runs); `hazard`,
    /// deals / at_risk, the probability of a deal in the round for a run
    /// still negotiating at its start (NaN when no run is at risk).
    pub fn rows(&self) -> Vec<SurvivalRow> {
        let n = self.total();
        let (mut ended_before, mut deals_so_far) = (0u64, 0u64);
        (0..self.deals.len())
            .map(|r| {
                let (deals, breakdowns) = (self.deals[r], self.breakdowns[r]);
                let at_risk = n - ended_before;
                deals_so_far += deals;
                ended_before += deals + breakdowns + self.no_deals[r];
                SurvivalRow {
                    at_risk,
                    deals,
                    breakdowns,
                    p_no_deal_yet: if n == 0 {
                        f64::NAN
                    } else {
                        1.0 - deals_so_far as f64 / n as f64
                    },
                    hazard: if at_risk == 0 {
                        f64::NAN
                    } else {
                        deals as f64 / at_risk as f64
                    },
                }
            })
            .collect()
    }
}

/// The statistics of a set of runs: one [`MetricStats`] per metric (in the
/// order of `outcome::metric_names`) and the survival counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStats {
    /// Per metric, in metric order.
    pub metrics: Vec<MetricStats>,
    /// End rounds by outcome.
    pub survival: Survival,
}

impl RunStats {
    /// Empty statistics for `n_metrics` metrics and rounds `0..=horizon`.
    pub fn new(n_metrics: usize, horizon: u32) -> Self {
        RunStats {
            metrics: vec![MetricStats::default(); n_metrics],
            survival: Survival::new(horizon),
        }
    }

    /// Adds one run: `values` are its metric values (`outcome::Metrics::values`).
    pub fn add(&mut self, values: &[f64], outcome: &Outcome) {
        debug_assert_eq!(values.len(), self.metrics.len());
        for (m, &v) in self.metrics.iter_mut().zip(values) {
            m.add(v);
        }
        self.survival.add(outcome.kind, outcome.end_round);
    }

    /// Merges `other` into `self` (metric by metric; the identity is
    /// `RunStats::new` with the same sizes, or `Default`).
    pub fn merge(&mut self, other: &Self) {
        if self.metrics.len() < other.metrics.len() {
            self.metrics
                .resize(other.metrics.len(), MetricStats::default());
        }
        for (a, b) in self.metrics.iter_mut().zip(&other.metrics) {
            a.merge(b);
        }
        self.survival.merge(&other.survival);
    }

    /// Number of runs counted.
    pub fn runs(&self) -> u64 {
        self.survival.total()
    }
}

// ---------------------------------------------------------------------------
// Intervals and histograms
// ---------------------------------------------------------------------------

/// The Wilson score interval for `successes` out of `n` at normal quantile `z`
/// (use [`Z95`] for 95%). `(NaN, NaN)` when `n == 0`.
pub fn wilson(successes: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // The ends are exact where they are 0 or 1 (the formula gives 1e-19 for
    // no successes).
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if p == 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// The normal-approximation interval for a mean: mean ± z·sd/√n;
/// `(NaN, NaN)` when `n < 2`.
pub fn normal_interval(mean: f64, sd: f64, n: u64, z: f64) -> (f64, f64) {
    if n < 2 {
        return (f64::NAN, f64::NAN);
    }
    let half = z * sd / (n as f64).sqrt();
    (mean - half, mean + half)
}

/// The interval summary.csv gives for the mean of a metric's values at
/// normal quantile `z`: for a `proportion` (a 0/1 metric) the [`wilson`]
/// interval of its successes (mean × count, rounded), otherwise
/// [`normal_interval`] with the sample standard deviation.
pub fn mean_interval(m: &Moments, proportion: bool, z: f64) -> (f64, f64) {
    let n = m.count;
    if proportion {
        let successes = if n == 0 {
            0
        } else {
            (m.mean() * n as f64).round() as u64
        };
        wilson(successes, n, z)
    } else {
        normal_interval(m.mean(), m.sd(), n, z)
    }
}

/// One histogram bin: `[lo, hi)` (the last bin of an equal-width histogram
/// is closed: `[lo, hi]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Number of values in the bin.
    pub count: u64,
}

/// Integer-valued metrics spanning at most this many integers get one
/// unit-width bin per integer, whatever the requested number of bins.
pub const UNIT_BINS_MAX: usize = 100;

/// A histogram of a metric with about `bins` bins (at least 1).
///
/// - No values: no bins.
/// - Integer-valued metric (every value an integer): bins are centred on
///   integers, `[k − ½, k + ½)` for each k in min..=max when that span has at
///   most `max(bins, UNIT_BINS_MAX)` integers; otherwise bins `w` integers
///   wide, `w = ⌈span / bins⌉`, starting at `min − ½`.
/// - Otherwise: one bin `[min, max]` if min == max, else `bins` equal-width
///   bins between the exact min and max, the last one closed.
///
/// Counts come from the sketch: each bucket's count goes to the bin of its
/// representative value (clamped to [min, max]). Bin counts are therefore
/// exact except for values within α relative distance of a bin edge (and
/// exact for integer metrics below 500 in magnitude, whose representatives
/// round to the value itself). The counts always sum to the metric's count.
pub fn histogram(stats: &MetricStats, bins: usize) -> Vec<Bin> {
    let m = &stats.moments;
    if m.count == 0 {
        return Vec::new();
    }
    let bins = bins.max(1);
    let (min, max) = (m.min, m.max);
    let mut out: Vec<Bin>;
    let index: Box<dyn Fn(f64) -> usize>;
    if stats.sketch.all_integers() && max - min < 1e15 {
        let span = (max - min) as u64 + 1;
        let w = if span as usize <= bins.max(UNIT_BINS_MAX) {
            1
        } else {
            span.div_ceil(bins as u64)
        };
        let n = span.div_ceil(w) as usize;
        let start = min - 0.5;
        let wf = w as f64;
        out = (0..n)
            .map(|j| Bin {
                lo: start + j as f64 * wf,
                hi: start + (j + 1) as f64 * wf,
                count: 0,
            })
            .collect();
        index = Box::new(move |v: f64| ((((v - min) as u64) / w) as usize).min(n - 1));
    } else if min == max {
        out = vec![Bin {
            lo: min,
            hi: max,
            count: 0,
        }];
        index = Box::new(|_| 0);
    } else {
        let width = (max - min) / bins as f64;
        out = (0..bins)
            .map(|j| Bin {
                lo: min + j as f64 * width,
                hi: if j + 1 == bins {
                    max
                } else {
                    min + (j + 1) as f64 * width
                },
                count: 0,
            })
            .collect();
        index = Box::new(move |v: f64| (((v - min) / width) as usize).min(bins - 1));
    }
    for (v, c) in stats.sketch.buckets() {
        let v = v.clamp(min, max);
        out[index(v)].count += c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rel_close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
    }

    fn moments_of(xs: &[f64]) -> Moments {
        let mut m = Moments::new();
        xs.iter().for_each(|&x| m.add(x));
        m
    }

    fn sketch_of(xs: &[f64]) -> Sketch {
        let mut s = Sketch::new();
        xs.iter().for_each(|&x| s.add(x));
        s
    }

    fn moments_close(a: &Moments, b: &Moments) -> bool {
        a.count == b.count
            && a.min == b.min
            && a.max == b.max
            && rel_close(a.mean, b.mean, 1e-9)
            && rel_close(a.m2, b.m2, 1e-9)
    }

    /// Exact nearest-rank quantile of sorted data.
    fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
        let n = sorted.len() as u64;
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        sorted[rank as usize - 1]
    }

    const QS: [f64; 9] = [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0];

    #[test]
    fn moments_match_textbook_values() {
        let m = moments_of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, f64::NAN]);
        assert_eq!(m.count, 8);
        assert_eq!(m.mean(), 5.0);
        assert!((m.variance() - 32.0 / 7.0).abs() < 1e-12);
        assert_eq!((m.min(), m.max()), (2.0, 9.0));
        let e = Moments::new();
        assert!(e.mean().is_nan() && e.sd().is_nan() && e.min().is_nan() && e.max().is_nan());
        assert!(moments_of(&[3.0]).sd().is_nan());
    }

    #[test]
    fn sketch_is_exact_for_small_integers() {
        let xs: Vec<f64> = (0..=400).map(|i| i as f64).collect();
        let s = sketch_of(&xs);
        assert!(s.all_integers());
        for q in QS {
            assert_eq!(s.quantile(q), exact_quantile(&xs, q), "q = {q}");
        }
        assert_eq!(s.quantile(0.5), 200.0);
        assert!(Sketch::new().quantile(0.5).is_nan());
    }

    #[test]
    fn sketch_handles_negative_zero_and_positive_values() {
        let xs = [-1000.0, -2.5, -1e-12, 0.0, 1e-10, 3.25, 7e6];
        let s = sketch_of(&xs);
        assert!(!s.all_integers());
        assert_eq!(s.count(), 7);
        let got: Vec<f64> = (1..=7).map(|r| s.quantile(r as f64 / 7.0)).collect();
        for (g, x) in got.iter().zip(xs) {
            assert!((g - x).abs() <= ALPHA * x.abs() + 1e-9, "{g} vs {x}");
        }
        assert_eq!(got[2..5], [0.0, 0.0, 0.0]);
    }

    #[test]
    fn sketch_skips_nan_and_keys_infinity() {
        let s = sketch_of(&[f64::NAN, 1.0, f64::INFINITY]);
        assert_eq!(s.count(), 2);
        assert!(s.quantile(1.0) > 1e307);
    }

    #[test]
    fn metric_quantiles_are_clamped_to_exact_extremes() {
        let mut m = MetricStats::default();
        [1.2345, 2.5, 9.876].iter().for_each(|&x| m.add(x));
        assert_eq!(m.quantile(0.0), 1.2345f64.max(m.sketch.quantile(0.0)));
        assert!(m.quantile(1.0) <= 9.876);
        assert!(m.quantile(0.0) >= 1.2345);
    }

    #[test]
    fn wilson_matches_known_interval() {
        let (lo, hi) = wilson(40, 100, Z95);
        assert!((lo - 0.3094).abs() < 1e-4, "{lo}");
        assert!((hi - 0.4980).abs() < 1e-4, "{hi}");
        let (lo, hi) = wilson(0, 10, Z95);
        assert!(lo.abs() < 1e-12, "{lo}");
        assert!((hi - 0.2775).abs() < 1e-4, "{hi}");
        let (lo, hi) = wilson(10, 10, Z95);
        assert!((lo - 0.7225).abs() < 1e-4 && (hi - 1.0).abs() < 1e-12);
        assert!(wilson(0, 0, Z95).0.is_nan());
    }

    #[test]
    fn mean_intervals_are_wilson_for_proportions_and_normal_otherwise() {
        let mut m = Moments::new();
        for x in [1.0, 0.0, 1.0, 1.0] {
            m.add(x);
        }
        assert_eq!(mean_interval(&m, true, Z95), wilson(3, 4, Z95));
        let half = Z95 * m.sd() / 2.0;
        assert_eq!(mean_interval(&m, false, Z95), (0.75 - half, 0.75 + half));
        let mut one = Moments::new();
        one.add(7.5);
        assert!(mean_interval(&one, false, Z95).0.is_nan());
        assert!(mean_interval(&Moments::new(), true, Z95).1.is_nan());
    }

    fn outcome(kind: OutcomeKind, end_round: u32) -> Outcome {
        Outcome {
            kind,
            end_round,
            ..Default::default()
        }
    }

    #[test]
    fn survival_arithmetic() {
        // horizon 3: deals at 0, 1, 1; breakdown at 2; two no-deals at 3.
        let mut s = Survival::new(3);
        for (k, r) in [
            (OutcomeKind::Deal, 0),
            (OutcomeKind::Deal, 1),
            (OutcomeKind::Deal, 1),
            (OutcomeKind::Breakdown, 2),
            (OutcomeKind::NoDeal, 3),
            (OutcomeKind::NoDeal, 3),
        ] {
            s.add(k, r);
        }
        assert_eq!(s.total(), 6);
        let rows = s.rows();
        assert_eq!(
            rows.iter().map(|r| r.at_risk).collect::<Vec<_>>(),
            [6, 5, 3, 2]
        );
        assert_eq!(
            rows.iter().map(|r| r.deals).collect::<Vec<_>>(),
            [1, 2, 0, 0]
        );
        assert_eq!(rows[2].breakdowns, 1);
        let p: Vec<f64> = rows.iter().map(|r| r.p_no_deal_yet).collect();
        assert_eq!(p, [5.0 / 6.0, 0.5, 0.5, 0.5]);
        let h: Vec<f64> = rows.iter().map(|r| r.hazard).collect();
        assert_eq!(h, [1.0 / 6.0, 0.4, 0.0, 0.0]);
        // Runs past the horizon are counted at the horizon; nobody at risk after it.
        s.add(OutcomeKind::NoDeal, 9);
        assert_eq!(s.no_deals[3], 3);
        assert!(Survival::new(3).rows()[0].hazard.is_nan());
        assert!(Survival::new(3).rows()[0].p_no_deal_yet.is_nan());
    }

    #[test]
    fn run_stats_add_and_merge() {
        let mut a = RunStats::new(2, 4);
        a.add(&[1.0, f64::NAN], &outcome(OutcomeKind::Deal, 2));
        let mut b = RunStats::new(2, 4);
        b.add(&[0.0, 3.0], &outcome(OutcomeKind::NoDeal, 4));
        let mut whole = RunStats::new(2, 4);
        whole.add(&[1.0, f64::NAN], &outcome(OutcomeKind::Deal, 2));
        whole.add(&[0.0, 3.0], &outcome(OutcomeKind::NoDeal, 4));
        let mut m = a.clone();
        m.merge(&b);
        assert_eq!(m, whole);
        assert_eq!(m.runs(), 2);
        assert_eq!(m.metrics[1].moments.count, 1);
        let mut d = RunStats::default();
        d.merge(&whole);
        assert_eq!(d, whole);
    }

    #[test]
    fn histogram_uses_unit_bins_for_small_integers() {
        let mut m = MetricStats::default();
        [0.0, 1.0, 1.0, 1.0, 3.0].iter().for_each(|&x| m.add(x));
        let h = histogram(&m, 20);
        let got: Vec<(f64, f64, u64)> = h.iter().map(|b| (b.lo, b.hi, b.count)).collect();
        assert_eq!(
            got,
            [(-0.5, 0.5, 1), (0.5, 1.5, 3), (1.5, 2.5, 0), (2.5, 3.5, 1)]
        );
    }

    #[test]
    fn histogram_groups_wide_integer_ranges() {
        let mut m = MetricStats::default();
        (0..1000).for_each(|i| m.add(i as f64));
        let h = histogram(&m, 20);
        assert_eq!(h.len(), 20);
        assert_eq!((h[0].lo, h[0].hi), (-0.5, 49.5));
        assert_eq!(h[19].hi, 999.5);
        // Exact below 500; near edges above it at most a few values move.
        assert!(h[..10].iter().all(|b| b.count == 50));
        assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), 1000);
    }

    #[test]
    fn histogram_of_reals_spans_min_to_max() {
        let mut m = MetricStats::default();
        (0..100).for_each(|i| m.add(0.05 + i as f64 * 0.1));
        let h = histogram(&m, 10);
        assert_eq!(h.len(), 10);
        assert_eq!(h[0].lo, 0.05);
        assert_eq!(h[9].hi, m.moments.max);
        assert!(h.iter().all(|b| b.count == 10), "{h:?}");
        let mut c = MetricStats::default();
        c.add(2.5);
        c.add(2.5);
        assert_eq!(
            histogram(&c, 20),
            [Bin {
                lo: 2.5,
                hi: 2.5,
                count: 2
            }]
        );
        assert!(histogram(&MetricStats::default(), 20).is_empty());
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e6..1e6f64,
            (0.001..100.0f64),
            (-50i32..500).prop_map(|i| i as f64),
            Just(0.0),
            Just(f64::NAN),
        ]
    }

    fn values() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(value(), 0..300)
    }

    proptest! {
        #[test]
        fn moments_identity(xs in values()) {
            let m = moments_of(&xs);
            let mut a = m;
            a.merge(&Moments::default());
            prop_assert_eq!(a, m);
            let mut b = Moments::default();
            b.merge(&m);
            prop_assert_eq!(b, m);
        }

        #[test]
        fn moments_merge_of_parts_equals_whole(xs in values(), cut in 0.0..1.0f64) {
            let k = (cut * xs.len() as f64) as usize;
            let mut a = moments_of(&xs[..k]);
            a.merge(&moments_of(&xs[k..]));
            let whole = moments_of(&xs);
            prop_assert!(moments_close(&a, &whole), "{:?} vs {:?}", a, whole);
        }

        #[test]
        fn moments_merge_is_associative(a in values(), b in values(), c in values()) {
            let (ma, mb, mc) = (moments_of(&a), moments_of(&b), moments_of(&c));
            let mut left = ma;
            left.merge(&mb);
            left.merge(&mc);
            let mut bc = mb;
            bc.merge(&mc);
            let mut right = ma;
            right.merge(&bc);
            prop_assert!(moments_close(&left, &right), "{:?} vs {:?}", left, right);
        }

        #[test]
        fn sketch_identity(xs in values()) {
            let s = sketch_of(&xs);
            let mut a = s.clone();
            a.merge(&Sketch::default());
            prop_assert_eq!(&a, &s);
            let mut b = Sketch::default();
            b.merge(&s);
            prop_assert_eq!(&b, &s);
        }

        #[test]
        fn sketch_merge_of_parts_equals_whole(xs in values(), cut in 0.0..1.0f64) {
            let k = (cut * xs.len() as f64) as usize;
            let mut a = sketch_of(&xs[..k]);
            a.merge(&sketch_of(&xs[k..]));
            let whole = sketch_of(&xs);
            prop_assert_eq!(&a, &whole);
            for q in QS {
                prop_assert_eq!(a.quantile(q).to_bits(), whole.quantile(q).to_bits());
            }
        }

        #[test]
        fn sketch_merge_is_associative_and_commutative(a in values(), b in values(), c in values()) {
            let (sa, sb, sc) = (sketch_of(&a), sketch_of(&b), sketch_of(&c));
            let mut left = sa.clone();
            left.merge(&sb);
            left.merge(&sc);
            let mut bc = sb.clone();
            bc.merge(&sc);
            let mut right = sa.clone();
            right.merge(&bc);
            prop_assert_eq!(&left, &right);
            let mut cba = sc.clone();
            cba.merge(&sb);
            cba.merge(&sa);
            prop_assert_eq!(&left, &cba);
            for q in QS {
                prop_assert_eq!(left.quantile(q).to_bits(), right.quantile(q).to_bits());
                prop_assert_eq!(left.quantile(q).to_bits(), cba.quantile(q).to_bits());
            }
        }

        #[test]
        fn sketch_quantiles_within_alpha(xs in values()) {
            let s = sketch_of(&xs);
            let mut sorted: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
            sorted.sort_by(f64::total_cmp);
            if sorted.is_empty() {
                prop_assert!(s.quantile(0.5).is_nan());
                return Ok(());
            }
            let ints = sorted.iter().all(|x| x.fract() == 0.0);
            for q in QS {
                let x = exact_quantile(&sorted, q);
                let got = s.quantile(q);
                let bound = if ints {
                    if x.abs() < 500.0 { 0.0 } else { 2.0 * ALPHA * x.abs() }
                } else {
                    ALPHA * x.abs() * (1.0 + 1e-9) + ZERO_THRESHOLD
                };
                prop_assert!((got - x).abs() <= bound, "q {} got {} exact {}", q, got, x);
            }
        }

        #[test]
        fn histogram_counts_sum_to_count(xs in values(), bins in 1usize..40) {
            let mut m = MetricStats::default();
            xs.iter().for_each(|&x| m.add(x));
            let h = histogram(&m, bins);
            prop_assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), m.moments.count);
            for w in h.windows(2) {
                prop_assert!(w[0].hi <= w[1].lo + 1e-9 * w[1].lo.abs().max(1.0));
            }
        }
    }
}
