//! The CSV tables of a run: runs.csv rows, summary.csv, histograms.csv and
//! survival.csv. Only formatting lives here: the numbers (moments,
//! quantiles, intervals, histogram bins, survival) come from `stats`, and
//! which metric is which from `outcome::Metrics`.

use super::{format_f64, push_f64, OutputDir, OutputError};
use crate::model::Scenario;
use crate::outcome::{Metrics, Outcome};
use crate::rng::RunCoord;
use crate::stats::{histogram, mean_interval, wilson, MetricStats, RunStats, Z95};
use std::io::Write;

// ---------------------------------------------------------------------------
// runs.csv
// ---------------------------------------------------------------------------

/// runs.csv: one row per run.
///
/// Columns: `run` (run index: the replicate index), then the run's
/// [`RunCoord`], named for what they are: `master_seed`, `rng_point` (the
/// generator's point coordinate: 0 for a plain run, a hash of the point's
/// values in a per-point-seeded sweep) and `rng_stream` (the generator's
/// stream, equal to `run`); `outcome` (`deal` | `breakdown` | `no_deal`),
/// `end_round`, `end_date` (the calendar date of `end_round`),
/// then every other metric of `outcome::Metrics` in metric order: each
/// issue's agreed value (empty without a deal), `utility_<player>`,
/// `cost_<player>` (USD bn), `support_<player>`, `reservation_<player>`,
/// `lever_<name>` (uses), `event_<name>` (firings), `ratifications`. The
/// metrics `deal`, `breakdown`, `no_deal` (as `outcome`) and `end_round` are
/// carried by the fixed columns ([`RunsCsv::in_fixed_columns`]).
///
/// A sweep's runs.csv ([`RunsCsv::sweep_header`]) leads with `point` (the
/// point's index) and its `param.<path>` columns, and calls the run index
/// `replicate` (the run of that point).
#[derive(Debug, Clone, Copy)]
pub struct RunsCsv;

impl RunsCsv {
    /// The fixed leading columns.
    pub const FIXED: [&'static str; 7] = [
        "run",
        "master_seed",
        "rng_point",
        "rng_stream",
        "outcome",
        "end_round",
        "end_date",
    ];

    /// True if metric `i` is carried by a fixed column (`outcome` carries the
    /// three outcome flags; `end_round` is a fixed column) and so has no
    /// column of its own.
    pub fn in_fixed_columns(metrics: &Metrics, i: usize) -> bool {
        metrics.is_proportion(i) || i == metrics.end_round
    }

    /// The header of runs.csv for a scenario's metrics.
    pub fn header(metrics: &Metrics) -> Vec<String> {
        let mut h: Vec<String> = Self::FIXED.iter().map(|s| s.to_string()).collect();
        h.extend(
            metrics
                .names()
                .iter()
                .enumerate()
                .filter(|&(i, _)| !Self::in_fixed_columns(metrics, i))
                .map(|(_, n)| n.clone()),
        );
        h
    }

    /// The header of a sweep's runs.csv: `point`, the sweep's parameter
    /// columns, `replicate`, then [`RunsCsv::header`] after its `run`.
    pub fn sweep_header(metrics: &Metrics, params: &[String]) -> Vec<String> {
        let mut h = vec!["point".to_string()];
        h.extend(params.iter().cloned());
        h.push("replicate".into());
        h.extend(Self::header(metrics).into_iter().skip(1));
        h
    }

    /// Appends `rows` (lines of [`RunsCsv::append_row`]) to `buf`, each line
    /// led by `lead` (a sweep point's `point` and parameter cells, joined by
    /// commas and ending in one): the rows of a sweep's runs.csv.
    pub fn append_led(buf: &mut Vec<u8>, lead: &[u8], rows: &[u8]) {
        for line in rows.split_inclusive(|&b| b == b'\n') {
            buf.extend_from_slice(lead);
            buf.extend_from_slice(line);
        }
    }

    /// Appends the row of the run at `coord` (terminated by `\n`, like the
    /// csv crate's default) to `buf`; `values` are its metric values
    /// (`Metrics::values`). All cells are numbers, dates or outcome labels,
    /// so no quoting is ever needed.
    pub fn append_row(
        buf: &mut Vec<u8>,
        scn: &Scenario,
        metrics: &Metrics,
        real: &RealColumns,
        coord: RunCoord,
        outcome: &Outcome,
        values: &[f64],
    ) {
        let RunCoord {
            master_seed,
            point,
            replicate,
        } = coord;
        let _ = write!(
            buf,
            "{replicate},{master_seed},{point},{replicate},{},{},{}",
            outcome.kind.label(),
            outcome.end_round,
            scn.clock.date_of(outcome.end_round)
        );
        for (i, &v) in values.iter().enumerate() {
            if !Self::in_fixed_columns(metrics, i) {
                buf.push(b',');
                if v.is_finite() && v.fract() == 0.0 && real.is(i) {
                    let _ = write!(buf, "{v:.1}");
                } else {
                    push_f64(buf, v);
                }
            }
        }
        buf.push(b'\n');
    }
}

/// Which metrics runs.csv writes as reals, with a decimal point even when
/// whole (`1.0`, `293.0`): the terms of an issue whose grid is not whole
/// numbers, utilities, costs, support and reservation values. A reader
/// that infers a column's type from its first rows (polars reads 100) then
/// never takes a column of mostly whole values (`0`, `1` of a grid with
/// `0.5`) for integers and fails on the first fraction. Whole-number
/// grids, counts and rounds are integers, written as such.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealColumns(Vec<bool>);

impl RealColumns {
    /// The real-valued metrics of a scenario (built or not: grids are
    /// taken from its issues and resolution).
    pub fn of(scn: &Scenario, metrics: &Metrics) -> RealColumns {
        let r = scn.protocol.resolution;
        let real = (0..metrics.len()).map(|i| {
            if metrics.terms.contains(&i) {
                let k = i - metrics.terms.start;
                return scn.issues[k].grid_scale(r) != Some(1.0);
            }
            [
                metrics.utility,
                metrics.cost,
                metrics.support,
                metrics.reservation,
            ]
            .iter()
            .any(|m| m.contains(&i))
        });
        RealColumns(real.collect())
    }

    /// Also real what `other` writes as real: the columns of a sweep's
    /// runs.csv, whose points may differ (an issue's grid whole at some
    /// points only), so that each column has one type.
    pub fn widen(&mut self, other: &RealColumns) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    /// True if metric `i` is written as a real.
    pub fn is(&self, i: usize) -> bool {
        self.0.get(i).copied().unwrap_or(false)
    }
}

// ---------------------------------------------------------------------------
// summary.csv
// ---------------------------------------------------------------------------

/// The header of summary.csv.
pub const SUMMARY_HEADER: [&str; 13] = [
    "metric", "count", "mean", "sd", "min", "p5", "p25", "p50", "p75", "p95", "max", "ci95_lo",
    "ci95_hi",
];

/// One row of summary.csv (also used, after leading parameter columns, by
/// sweep summaries). Empty metrics (count 0) have NaN (empty) statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Metric name.
    pub metric: String,
    /// Number of runs to which the metric applies (non-NaN values).
    pub count: u64,
    /// Mean (for `deal`, `breakdown`, `no_deal`: the proportion of runs).
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1; NaN if count < 2).
    pub sd: f64,
    /// Exact minimum.
    pub min: f64,
    /// 5th percentile (nearest rank, relative accuracy 0.001; see `stats::Sketch`).
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Exact maximum.
    pub max: f64,
    /// Lower end of a 95% interval for the mean (`stats::mean_interval`):
    /// Wilson score interval for the outcome flags `deal`, `breakdown` and
    /// `no_deal`; otherwise the normal approximation mean − z·sd/√n with
    /// z = 1.959963984540054 (NaN if count < 2).
    pub ci95_lo: f64,
    /// Upper end of the 95% interval for the mean.
    pub ci95_hi: f64,
}

impl SummaryRow {
    /// The statistics of one metric; `proportion` if it is a 0/1 metric
    /// whose mean is a proportion (`Metrics::is_proportion`).
    pub fn new(name: &str, s: &MetricStats, proportion: bool) -> SummaryRow {
        let m = &s.moments;
        let (ci95_lo, ci95_hi) = mean_interval(m, proportion, Z95);
        let (mean, sd) = if proportion {
            proportion_moments(m)
        } else {
            (m.mean(), m.sd())
        };
        SummaryRow {
            metric: name.to_string(),
            count: m.count,
            mean,
            sd,
            min: m.min(),
            p5: s.quantile(0.05),
            p25: s.quantile(0.25),
            p50: s.quantile(0.5),
            p75: s.quantile(0.75),
            p95: s.quantile(0.95),
            max: m.max(),
            ci95_lo,
            ci95_hi,
        }
    }

    /// The cells, in the order of [`SUMMARY_HEADER`], formatted with [`format_f64`].
    pub fn cells(&self) -> Vec<String> {
        let mut c = vec![self.metric.clone(), self.count.to_string()];
        c.extend(
            [
                self.mean,
                self.sd,
                self.min,
                self.p5,
                self.p25,
                self.p50,
                self.p75,
                self.p95,
                self.max,
                self.ci95_lo,
                self.ci95_hi,
            ]
            .map(format_f64),
        );
        c
    }
}

/// The mean and sample sd of a 0/1 metric, exactly from its count of ones
/// k = mean × n (rounded): k / n and √(k (n − k) / (n (n − 1))), so that a
/// proportion is written as its fraction (0.7256, not 0.7256000000000001).
fn proportion_moments(m: &crate::stats::Moments) -> (f64, f64) {
    let n = m.count;
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let k = (m.mean() * n as f64).round();
    let nf = n as f64;
    let sd = if n < 2 {
        f64::NAN
    } else {
        (k * (nf - k) / (nf * (nf - 1.0))).sqrt()
    };
    (k / nf, sd)
}

/// One summary row per metric, in metric order (`stats.metrics[i]` is the
/// statistics of metric `i` of `metrics`). The quantiles of an issue's
/// terms are snapped to the issue's grid, where every agreed term lies
/// (the sketch's quantiles are within its 0.1% bucket width).
pub fn summary_rows(scn: &Scenario, metrics: &Metrics, stats: &RunStats) -> Vec<SummaryRow> {
    debug_assert_eq!(metrics.len(), stats.metrics.len());
    metrics
        .names()
        .iter()
        .zip(&stats.metrics)
        .enumerate()
        .map(|(i, (n, s))| {
            let mut row = SummaryRow::new(n, s, metrics.is_proportion(i));
            if metrics.terms.contains(&i) {
                let is = &scn.issues[i - metrics.terms.start];
                let r = scn.protocol.resolution;
                for q in [
                    &mut row.p5,
                    &mut row.p25,
                    &mut row.p50,
                    &mut row.p75,
                    &mut row.p95,
                ] {
                    *q = is.snap(*q, r);
                }
            }
            row
        })
        .collect()
}

// ---------------------------------------------------------------------------
// histograms.csv and survival.csv
// ---------------------------------------------------------------------------

/// The header of histograms.csv.
pub const HISTOGRAM_HEADER: [&str; 5] = ["metric", "bin_lo", "bin_hi", "count", "fraction"];

/// Bins per metric in histograms.csv (integer metrics: see `stats::histogram`).
pub const DEFAULT_BINS: usize = 20;

/// The rows of histograms.csv: for each metric in order, its bins
/// (`stats::histogram`); fraction = count / the metric's non-NaN count.
/// Metrics without values have no rows.
pub fn histogram_rows(metrics: &Metrics, stats: &RunStats, bins: usize) -> Vec<Vec<String>> {
    debug_assert_eq!(metrics.len(), stats.metrics.len());
    let mut rows = Vec::new();
    for (name, s) in metrics.names().iter().zip(&stats.metrics) {
        let n = s.moments.count as f64;
        for b in histogram(s, bins) {
            rows.push(vec![
                name.clone(),
                format_f64(b.lo),
                format_f64(b.hi),
                b.count.to_string(),
                format_f64(b.count as f64 / n),
            ]);
        }
    }
    rows
}

/// The header of survival.csv.
pub const SURVIVAL_HEADER: [&str; 7] = [
    "round",
    "date",
    "at_risk",
    "deals",
    "breakdowns",
    "p_no_deal_yet",
    "hazard",
];

/// The rows of survival.csv, rounds 0..=horizon: `at_risk` = runs still
/// negotiating at the start of the round, `deals` and `breakdowns` = runs
/// ending so in the round, `p_no_deal_yet` = 1 − (deals up to and including
/// the round) / runs, `hazard` = deals / at_risk (empty when none at risk).
/// For a forecast, the rows start at its first forecast round.
pub fn survival_rows(scn: &Scenario, stats: &RunStats) -> Vec<Vec<String>> {
    // A forecast's runs were all open through the observed history.
    let first = scn
        .forecast
        .as_ref()
        .map_or(0, |f| f.last_round as usize + 1);
    (0u32..)
        .zip(stats.survival.rows())
        .skip(first)
        .map(|(r, row)| {
            vec![
                r.to_string(),
                scn.clock.date_of(r).to_string(),
                row.at_risk.to_string(),
                row.deals.to_string(),
                row.breakdowns.to_string(),
                format_f64(row.p_no_deal_yet),
                format_f64(row.hazard),
            ]
        })
        .collect()
}

impl OutputDir {
    /// Writes summary.csv ([`SUMMARY_HEADER`], [`summary_rows`]).
    pub fn write_summary(
        &self,
        scn: &Scenario,
        metrics: &Metrics,
        stats: &RunStats,
    ) -> Result<(), OutputError> {
        let rows = summary_rows(scn, metrics, stats);
        self.write_csv(
            "summary.csv",
            SUMMARY_HEADER,
            rows.iter().map(|r| r.cells()),
        )
    }

    /// Writes histograms.csv with [`DEFAULT_BINS`] bins per metric ([`histogram_rows`]).
    pub fn write_histograms(&self, metrics: &Metrics, stats: &RunStats) -> Result<(), OutputError> {
        self.write_csv(
            "histograms.csv",
            HISTOGRAM_HEADER,
            histogram_rows(metrics, stats, DEFAULT_BINS),
        )
    }

    /// Writes survival.csv ([`survival_rows`]).
    pub fn write_survival(&self, scn: &Scenario, stats: &RunStats) -> Result<(), OutputError> {
        self.write_csv("survival.csv", SURVIVAL_HEADER, survival_rows(scn, stats))
    }
}

// ---------------------------------------------------------------------------
// forecast.csv
// ---------------------------------------------------------------------------

/// The header of forecast.csv.
pub const FORECAST_HEADER: [&str; 7] = ["as_of", "metric", "date", "value", "lo", "hi", "n"];

/// The quantiles of the agreed terms in forecast.csv.
pub const FORECAST_QUANTILES: [(&str, f64); 3] = [("p10", 0.1), ("p50", 0.5), ("p90", 0.9)];

/// The rows of forecast.csv for one forecast of `scn` (kept runs `stats`,
/// `candidates` tried):
/// - `acceptance`: runs kept / candidates, with its 95% Wilson interval, n = candidates;
/// - `p_deal_by` at each date the forecast can still reach (the focal date
///   if a forecast round is dated on or before it, and the date of the last
///   round): P(deal in a round dated on or before it), Wilson interval, n = runs;
/// - `p_breakdown` and `p_no_deal` (by the horizon), the same way;
/// - `<issue>_p10`, `_p50`, `_p90` for each open issue: the agreed terms'
///   quantiles among the runs that end in a deal (n = deals), snapped to
///   the issue's grid (the sketch's quantiles are within its bucket width).
pub fn forecast_rows(
    scn: &Scenario,
    metrics: &Metrics,
    stats: &RunStats,
    candidates: u64,
) -> Vec<[String; 7]> {
    let as_of = scn
        .forecast
        .as_ref()
        .map_or(scn.clock.start.to_string(), |f| f.as_of.to_string());
    let first = scn.forecast.as_ref().map_or(0, |f| f.last_round + 1);
    let n = stats.runs();
    let row = |metric: String, date: String, v: f64, (lo, hi): (f64, f64), n: u64| {
        [
            as_of.clone(),
            metric,
            date,
            format_f64(v),
            format_f64(lo),
            format_f64(hi),
            n.to_string(),
        ]
    };
    let share = |k: u64, n: u64| {
        let v = if n == 0 {
            f64::NAN
        } else {
            k as f64 / n as f64
        };
        (v, wilson(k, n, Z95))
    };
    let mut rows = Vec::new();
    let (v, ci) = share(n, candidates);
    rows.push(row("acceptance".into(), String::new(), v, ci, candidates));
    let last = scn.clock.horizon - 1;
    // (the date, the last round dated on or before it)
    let mut by: Vec<(String, u32)> = Vec::new();
    if let Some(f) = &scn.clock.focal {
        // Deals dated on or before the focal date: the rounds before its round.
        let r = f.round.saturating_sub(1);
        if r >= first && r < last {
            by.push((f.date.to_string(), r));
        }
    }
    by.push((scn.clock.date_of(last).to_string(), last));
    let deals_by = |r: u32| (0..=r).map(|t| stats.survival.deals(t)).sum::<u64>();
    for (date, r) in by {
        let (v, ci) = share(deals_by(r), n);
        rows.push(row("p_deal_by".into(), date, v, ci, n));
    }
    let horizon_date = scn.clock.date_of(last).to_string();
    let survival = &stats.survival;
    for (name, counts) in [
        ("p_breakdown", &survival.breakdowns),
        ("p_no_deal", &survival.no_deals),
    ] {
        let (v, ci) = share(counts.iter().sum(), n);
        rows.push(row(name.into(), horizon_date.clone(), v, ci, n));
    }
    for (is, m) in scn.issues.iter().zip(metrics.terms.clone()) {
        if is.fixed {
            continue;
        }
        let s = &stats.metrics[m];
        for (label, q) in FORECAST_QUANTILES {
            // On the issue's grid, where every agreed term lies.
            let v = is.snap(s.quantile(q), scn.protocol.resolution);
            let name = format!("{}_{label}", is.name);
            rows.push(row(
                name,
                String::new(),
                v,
                (f64::NAN, f64::NAN),
                s.moments.count,
            ));
        }
    }
    rows
}

impl OutputDir {
    /// Writes forecast.csv ([`FORECAST_HEADER`], rows of [`forecast_rows`]).
    pub fn write_forecast(&self, rows: &[[String; 7]]) -> Result<(), OutputError> {
        self.write_csv("forecast.csv", FORECAST_HEADER, rows)
    }
}
