//! The output files: the only module that writes files.
//!
//! Every file goes to `<name>.partial` in the output directory and is renamed
//! into place only once fully written ([`AtomicFile::commit`]); the manifest
//! is written last, with `complete: true`. So a file under its final name is
//! always complete, and a directory whose `manifest.json` says `complete` holds
//! a finished run. An interrupted run leaves `.partial` files behind (they are
//! not removed: an `AtomicFile` dropped without `commit` keeps its `.partial`,
//! exactly as a killed process would).
//!
//! Numbers are written with [`format_f64`]: NaN (a metric that does not
//! apply) is an empty cell, anything else Rust's shortest round-trip `{}`
//! formatting, which is deterministic.

use crate::date::rfc3339_utc;
use crate::model::Scenario;
use crate::outcome::{metric_names, Outcome};
use crate::stats::{histogram, wilson, MetricStats, RunStats, Z95};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Errors of the output boundary; every message names the path.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output path exists and is not a directory.
    #[error("output path {} exists and is not a directory", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// The output directory cannot be created.
    #[error("cannot create output directory {}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A file cannot be created, written, flushed or removed.
    #[error("cannot write {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A finished `.partial` file cannot be renamed into place.
    #[error("cannot rename {} to {}", from.display(), to.display())]
    Rename {
        /// The `.partial` file.
        from: PathBuf,
        /// Its final name.
        to: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// CSV formatting failed.
    #[error("cannot write CSV {}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// JSON serialisation failed.
    #[error("cannot write JSON {}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// Formats a number for a CSV cell: NaN → empty; otherwise Rust's shortest
/// round-trip `{}` formatting (no exponent; `-0` for negative zero; `inf`).
pub fn format_f64(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
}

/// Appends `format_f64(v)` to a byte buffer without allocating.
#[inline]
fn push_f64(buf: &mut Vec<u8>, v: f64) {
    if !v.is_nan() {
        // Writing to a Vec cannot fail.
        let _ = write!(buf, "{v}");
    }
}

// ---------------------------------------------------------------------------
// runs.csv
// ---------------------------------------------------------------------------

/// Number of leading metrics of `outcome::metric_names` that runs.csv carries
/// in its fixed columns: `deal`, `breakdown`, `no_deal` (as `outcome`) and
/// `end_round`.
const RUNS_SKIPPED_METRICS: usize = 4;

/// runs.csv: one row per run.
///
/// Columns: `run` (run index), `master_seed`, `point` (sweep point, 0 for a
/// plain run), `replicate` (replicate index within the point: with `point`
/// and `master_seed`, the coordinates of the run's generator), `outcome`
/// (`deal` | `breakdown` | `no_deal`), `end_round`, `end_date` (the calendar
/// date of `end_round`), then every metric of `outcome::metric_names` after
/// `end_round`, in that order: each issue's agreed value (empty without a
/// deal), `utility_<player>`, `cost_<player>` (USD bn), `support_<player>`,
/// `reservation_<player>`, `lever_<name>` (uses), `event_<name>` (firings),
/// `ratifications`.
#[derive(Debug, Clone, Copy)]
pub struct RunsCsv;

impl RunsCsv {
    /// The fixed leading columns.
    pub const FIXED: [&'static str; 7] = [
        "run",
        "master_seed",
        "point",
        "replicate",
        "outcome",
        "end_round",
        "end_date",
    ];

    /// The header of runs.csv for a scenario.
    pub fn header(scn: &Scenario) -> Vec<String> {
        let mut h: Vec<String> = Self::FIXED.iter().map(|s| s.to_string()).collect();
        h.extend(metric_names(scn).into_iter().skip(RUNS_SKIPPED_METRICS));
        h
    }

    /// Appends one row (terminated by `\n`, like the csv crate's default) to
    /// `buf`; `values` are `outcome::metric_values(outcome)`. All cells are
    /// numbers, dates or outcome labels, so no quoting is ever needed.
    #[allow(clippy::too_many_arguments)]
    pub fn append_row(
        buf: &mut Vec<u8>,
        scn: &Scenario,
        run: u64,
        master_seed: u64,
        point: u64,
        replicate: u64,
        outcome: &Outcome,
        values: &[f64],
    ) {
        let _ = write!(
            buf,
            "{run},{master_seed},{point},{replicate},{},{},{}",
            outcome.kind.label(),
            outcome.end_round,
            scn.clock.date_of(outcome.end_round)
        );
        for &v in values.iter().skip(RUNS_SKIPPED_METRICS) {
            buf.push(b',');
            push_f64(buf, v);
        }
        buf.push(b'\n');
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

/// The 0/1 metrics whose mean is a proportion, given a Wilson interval.
pub const PROPORTION_METRICS: [&str; 3] = ["deal", "breakdown", "no_deal"];

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
    /// Lower end of a 95% interval for the mean: Wilson score interval for
    /// `deal`, `breakdown` and `no_deal`; otherwise the normal approximation
    /// mean − z·sd/√n with z = 1.959963984540054 (NaN if count < 2).
    pub ci95_lo: f64,
    /// Upper end of the 95% interval for the mean.
    pub ci95_hi: f64,
}

impl SummaryRow {
    /// The statistics of one metric.
    pub fn new(name: &str, s: &MetricStats) -> SummaryRow {
        let m = &s.moments;
        let n = m.count;
        let (mean, sd) = (m.mean(), m.sd());
        let (ci95_lo, ci95_hi) = if PROPORTION_METRICS.contains(&name) {
            let successes = if n == 0 {
                0
            } else {
                (mean * n as f64).round() as u64
            };
            wilson(successes, n, Z95)
        } else if n >= 2 {
            let half = Z95 * sd / (n as f64).sqrt();
            (mean - half, mean + half)
        } else {
            (f64::NAN, f64::NAN)
        };
        SummaryRow {
            metric: name.to_string(),
            count: n,
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

/// One summary row per metric, in metric order (`names[i]` names `stats.metrics[i]`).
pub fn summary_rows(names: &[String], stats: &RunStats) -> Vec<SummaryRow> {
    debug_assert_eq!(names.len(), stats.metrics.len());
    names
        .iter()
        .zip(&stats.metrics)
        .map(|(n, s)| SummaryRow::new(n, s))
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
pub fn histogram_rows(names: &[String], stats: &RunStats, bins: usize) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (name, s) in names.iter().zip(&stats.metrics) {
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
pub fn survival_rows(scn: &Scenario, stats: &RunStats) -> Vec<Vec<String>> {
    let s = &stats.survival;
    (0..=s.horizon())
        .map(|r| {
            vec![
                r.to_string(),
                scn.clock.date_of(r).to_string(),
                s.at_risk(r).to_string(),
                s.deals(r).to_string(),
                s.breakdowns(r).to_string(),
                format_f64(s.p_no_deal_yet(r)),
                format_f64(s.hazard(r)),
            ]
        })
        .collect()
}

// ---------------------------------------------------------------------------
// manifest.json
// ---------------------------------------------------------------------------

/// What produced the files of an output directory (manifest.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `standoff`.
    pub tool: String,
    /// The crate version that wrote the files.
    pub version: String,
    /// The subcommand (`run`, `sweep`, ...).
    pub command: String,
    /// The scenario's name.
    pub scenario: String,
    /// The config file as given (or a label for the built-in scenario).
    pub config_file: String,
    /// The resolved config (defaults filled in).
    pub config: serde_json::Value,
    /// FNV-1a 64-bit hash (16 hex digits) of the canonical JSON of `config`
    /// (object keys sorted, no whitespace); see [`config_hash`].
    pub config_hash: String,
    /// The master seed.
    pub master_seed: u64,
    /// Number of runs (replicates per point for a sweep).
    pub runs: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Runs per chunk (the unit of parallel work and of statistics merging).
    pub chunk_size: u64,
    /// The files of the output, this manifest included.
    pub files: Vec<String>,
    /// Start time, RFC 3339 UTC.
    pub started: String,
    /// End time, RFC 3339 UTC.
    pub finished: String,
    /// Wall-clock time in seconds.
    pub wall_seconds: f64,
    /// True when every file listed is complete.
    pub complete: bool,
}

/// The run-specific part of a [`Manifest`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The master seed.
    pub master_seed: u64,
    /// Number of runs.
    pub runs: u64,
    /// Worker threads used.
    pub threads: usize,
    /// Runs per chunk.
    pub chunk_size: u64,
    /// The files written, the manifest included.
    pub files: Vec<String>,
    /// Start, seconds since the UNIX epoch.
    pub started_secs: u64,
    /// End, seconds since the UNIX epoch.
    pub finished_secs: u64,
    /// Wall-clock seconds.
    pub wall_seconds: f64,
}

impl Manifest {
    /// A complete manifest (`complete: true`): fills in the tool, version and config hash.
    pub fn new(
        command: &str,
        scenario: &str,
        config_file: &str,
        config: serde_json::Value,
        info: RunInfo,
    ) -> Manifest {
        Manifest {
            tool: "standoff".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            scenario: scenario.into(),
            config_file: config_file.into(),
            config_hash: config_hash(&config),
            config,
            master_seed: info.master_seed,
            runs: info.runs,
            threads: info.threads,
            chunk_size: info.chunk_size,
            files: info.files,
            started: rfc3339_utc(info.started_secs),
            finished: rfc3339_utc(info.finished_secs),
            wall_seconds: info.wall_seconds,
            complete: true,
        }
    }
}

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Canonical JSON: object keys sorted (by bytes), no whitespace, scalars as
/// serde_json writes them. Independent of serde_json's map ordering feature.
pub fn canonical_json(v: &serde_json::Value) -> String {
    fn go(v: &serde_json::Value, out: &mut String) {
        use serde_json::Value;
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(k.as_str()).to_string());
                    out.push(':');
                    go(&m[k], out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    go(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    go(v, &mut s);
    s
}

/// The config hash of the manifest: FNV-1a 64 of [`canonical_json`], as 16 lowercase hex digits.
pub fn config_hash(config: &serde_json::Value) -> String {
    format!("{:016x}", fnv1a64(canonical_json(config).as_bytes()))
}

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/// A file being written as `<name>.partial`, renamed to `<name>` by [`commit`](Self::commit).
///
/// Dropped without `commit`, it leaves the `.partial` file (never a file
/// under the final name).
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    partial: PathBuf,
    w: BufWriter<File>,
}

impl AtomicFile {
    /// Creates (truncates) `<path>.partial`.
    pub fn create(path: &Path) -> Result<AtomicFile, OutputError> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let f = File::create(&partial).map_err(|source| OutputError::Io {
            path: partial.clone(),
            source,
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            partial,
            w: BufWriter::with_capacity(1 << 16, f),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the `.partial` file to its final name.
    pub fn commit(self) -> Result<(), OutputError> {
        let io_err = |source| OutputError::Io {
            path: self.partial.clone(),
            source,
        };
        let f = self.w.into_inner().map_err(|e| io_err(e.into_error()))?;
        f.sync_all().map_err(io_err)?;
        drop(f);
        fs::rename(&self.partial, &self.path).map_err(|source| OutputError::Rename {
            from: self.partial.clone(),
            to: self.path.clone(),
            source,
        })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.w.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// The name of the manifest file.
pub const MANIFEST: &str = "manifest.json";

/// An output directory.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// Creates the directory (and its parents) if needed; fails if the path
    /// is a file or cannot be created. A `manifest.json` left by an earlier
    /// run in the same directory is removed, so that the directory does not
    /// claim completeness until this run writes its own manifest.
    pub fn create(path: impl AsRef<Path>) -> Result<OutputDir, OutputError> {
        let path = path.as_ref().to_path_buf();
        if path.exists() && !path.is_dir() {
            return Err(OutputError::NotADirectory { path });
        }
        fs::create_dir_all(&path).map_err(|source| OutputError::CreateDir {
            path: path.clone(),
            source,
        })?;
        let manifest = path.join(MANIFEST);
        match fs::remove_file(&manifest) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(OutputError::Io {
                    path: manifest,
                    source: e,
                })
            }
            _ => {}
        }
        Ok(OutputDir { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens `<dir>/<name>.partial` for writing; `commit` renames it to `<dir>/<name>`.
    pub fn stream(&self, name: &str) -> Result<AtomicFile, OutputError> {
        AtomicFile::create(&self.path.join(name))
    }

    /// Writes a whole CSV file (header and rows) atomically.
    pub fn write_csv<H, R>(&self, name: &str, header: H, rows: R) -> Result<(), OutputError>
    where
        H: IntoIterator,
        H::Item: AsRef<[u8]>,
        R: IntoIterator,
        R::Item: IntoIterator,
        <R::Item as IntoIterator>::Item: AsRef<[u8]>,
    {
        let path = self.path.join(name);
        let csv_err = |source| OutputError::Csv {
            path: path.clone(),
            source,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header).map_err(csv_err)?;
        for r in rows {
            w.write_record(r).map_err(csv_err)?;
        }
        let bytes = w.into_inner().map_err(|e| OutputError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        let mut f = self.stream(name)?;
        f.write_all(&bytes).map_err(|source| OutputError::Io {
            path: f.partial.clone(),
            source,
        })?;
        f.commit()
    }

    /// Writes summary.csv ([`SUMMARY_HEADER`], [`summary_rows`]).
    pub fn write_summary(&self, names: &[String], stats: &RunStats) -> Result<(), OutputError> {
        let rows = summary_rows(names, stats);
        self.write_csv(
            "summary.csv",
            SUMMARY_HEADER,
            rows.iter().map(|r| r.cells()),
        )
    }

    /// Writes histograms.csv with [`DEFAULT_BINS`] bins per metric ([`histogram_rows`]).
    pub fn write_histograms(&self, names: &[String], stats: &RunStats) -> Result<(), OutputError> {
        self.write_csv(
            "histograms.csv",
            HISTOGRAM_HEADER,
            histogram_rows(names, stats, DEFAULT_BINS),
        )
    }

    /// Writes survival.csv ([`survival_rows`]).
    pub fn write_survival(&self, scn: &Scenario, stats: &RunStats) -> Result<(), OutputError> {
        self.write_csv("survival.csv", SURVIVAL_HEADER, survival_rows(scn, stats))
    }

    /// Writes manifest.json (pretty-printed, trailing newline). Call it last.
    pub fn write_manifest(&self, m: &Manifest) -> Result<(), OutputError> {
        let path = self.path.join(MANIFEST);
        let mut s = serde_json::to_string_pretty(m).map_err(|source| OutputError::Json {
            path: path.clone(),
            source,
        })?;
        s.push('\n');
        let mut f = self.stream(MANIFEST)?;
        f.write_all(s.as_bytes())
            .map_err(|source| OutputError::Io { path, source })?;
        f.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::model::*;
    use crate::outcome::{metric_values, OutcomeKind};

    /// A one-issue scenario with no levers or events, horizon 3, 7-day rounds.
    fn scenario() -> Scenario {
        let fixed = |v| Dist::Fixed(v);
        let player = |name: &str| Player {
            name: name.into(),
            bn_per_util: 100.0,
            discount: 0.99,
            flow_cost: 1.0,
            pressure_horizon: 4.0,
            types: TypeDist {
                reservation: fixed(0.2),
                delay_cost: fixed(1.0),
                resolve: fixed(1.0),
            },
            politics: Politics {
                initial_support: 0.5,
                pain: 0.0,
                concession: 0.0,
                firmness: 0.0,
                ratification: Ratification {
                    base: 1.0,
                    support_slope: 0.0,
                    terms_slope: 0.0,
                    failure_cost: 0.0,
                    failure_support_loss: 0.0,
                    failure_hardening: 0.0,
                },
            },
            strategy: Strategy::TimeDependent {
                exponent: 1.0,
                deadline: DeadlineRef::Horizon,
            },
            acceptance: Acceptance::NextOfferOrNoDeal,
            can_walk_away: false,
        };
        let pref = |high| IssuePref {
            weight: 1.0,
            prefers_high: high,
            exponent: 1.0,
        };
        let mut s = Scenario {
            name: "tiny".into(),
            clock: Clock {
                start: Date::parse("2025-07-31").unwrap(),
                days_per_round: 7,
                horizon: 3,
                focal: None,
            },
            players: [player("korea"), player("us")],
            issues: vec![Issue {
                name: "amount".into(),
                unit: "usd_bn".into(),
                lo: 0.0,
                hi: 550.0,
                prefs: [pref(false), pref(true)],
            }],
            levers: vec![],
            events: vec![],
            protocol: Protocol {
                proposer: ProposerRule::Alternate { first: 0 },
                resolution: 10,
                max_ratifications: 2,
            },
            paths: Default::default(),
        };
        s.rebuild_paths();
        s
    }

    fn outcome(kind: OutcomeKind, end_round: u32, amount: f64) -> Outcome {
        Outcome {
            kind,
            end_round,
            terms: vec![amount],
            utility: [0.25, 0.75],
            cost: [1.5, 0.0],
            support: [0.5, 0.625],
            reservation: [0.2, 0.2],
            lever_uses: vec![],
            event_counts: vec![],
            ratifications: 1,
        }
    }

    fn values(scn: &Scenario, o: &Outcome) -> Vec<f64> {
        let mut v = vec![0.0; metric_names(scn).len()];
        metric_values(o, &mut v);
        v
    }

    /// A fresh empty directory under the system temp dir.
    fn temp_dir(tag: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("standoff-output-{}-{tag}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        p
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn formats_numbers_deterministically() {
        assert_eq!(format_f64(f64::NAN), "");
        assert_eq!(format_f64(3.0), "3");
        assert_eq!(format_f64(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_f64(-2.5), "-2.5");
        assert_eq!(format_f64(1e-7), "0.0000001");
    }

    #[test]
    fn runs_header_is_exact() {
        let scn = scenario();
        // The skipped metrics are exactly the outcome flags and end_round.
        assert_eq!(
            metric_names(&scn)[..RUNS_SKIPPED_METRICS],
            ["deal", "breakdown", "no_deal", "end_round"]
        );
        assert_eq!(
            RunsCsv::header(&scn).join(","),
            "run,master_seed,point,replicate,outcome,end_round,end_date,amount,\
             utility_korea,utility_us,cost_korea,cost_us,support_korea,support_us,\
             reservation_korea,reservation_us,ratifications"
        );
    }

    #[test]
    fn runs_rows_are_formatted_with_empty_nan_cells() {
        let scn = scenario();
        let mut buf = Vec::new();
        let deal = outcome(OutcomeKind::Deal, 2, 350.0);
        RunsCsv::append_row(&mut buf, &scn, 0, 42, 0, 0, &deal, &values(&scn, &deal));
        let none = outcome(OutcomeKind::NoDeal, 3, f64::NAN);
        RunsCsv::append_row(&mut buf, &scn, 1, 42, 0, 1, &none, &values(&scn, &none));
        assert_eq!(
            String::from_utf8(buf.clone()).unwrap(),
            "0,42,0,0,deal,2,2025-08-14,350,0.25,0.75,1.5,0,0.5,0.625,0.2,0.2,1\n\
             1,42,0,1,no_deal,3,2025-08-21,,0.25,0.75,1.5,0,0.5,0.625,0.2,0.2,1\n"
        );
        // The rows parse with the header as a rectangular CSV.
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(RunsCsv::header(&scn)).unwrap();
        let mut all = w.into_inner().unwrap();
        all.extend_from_slice(&buf);
        let mut r = csv::Reader::from_reader(all.as_slice());
        let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].len(), RunsCsv::header(&scn).len());
    }

    fn tiny_stats(scn: &Scenario) -> RunStats {
        let names = metric_names(scn);
        let mut st = RunStats::new(names.len(), scn.clock.horizon);
        for o in [
            outcome(OutcomeKind::Deal, 1, 300.0),
            outcome(OutcomeKind::Deal, 2, 400.0),
            outcome(OutcomeKind::NoDeal, 3, f64::NAN),
            outcome(OutcomeKind::Breakdown, 2, f64::NAN),
        ] {
            st.add(&values(scn, &o), &o);
        }
        st
    }

    #[test]
    fn summary_rows_of_a_tiny_run_set() {
        let scn = scenario();
        let names = metric_names(&scn);
        let rows = summary_rows(&names, &tiny_stats(&scn));
        assert_eq!(rows.len(), names.len());
        let (lo, hi) = wilson(2, 4, Z95);
        let deal = rows[0].cells();
        assert_eq!(deal[..3], ["deal", "4", "0.5"]);
        let sd: f64 = deal[3].parse().unwrap();
        assert!((sd - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(deal[4..11], ["0", "0", "0", "0", "1", "1", "1"]);
        assert_eq!(deal[11..], [format_f64(lo), format_f64(hi)]);
        // The issue applies to the two deals only.
        let amount = &rows[4];
        assert_eq!(amount.metric, "amount");
        assert_eq!(amount.count, 2);
        assert_eq!((amount.mean, amount.min, amount.max), (350.0, 300.0, 400.0));
        assert_eq!((amount.p5, amount.p50, amount.p95), (300.0, 300.0, 400.0));
        let sd = 50.0 * 2f64.sqrt();
        assert!((amount.sd - sd).abs() < 1e-9);
        let half = Z95 * amount.sd / 2f64.sqrt();
        assert_eq!(
            (amount.ci95_lo, amount.ci95_hi),
            (350.0 - half, 350.0 + half)
        );
        // A metric with one value has empty sd and interval cells.
        let mut one = RunStats::new(1, 3);
        let o = outcome(OutcomeKind::Deal, 0, 1.0);
        one.add(&[7.5], &o);
        let c = summary_rows(&["x".into()], &one)[0].cells();
        assert_eq!(
            c,
            ["x", "1", "7.5", "", "7.5", "7.5", "7.5", "7.5", "7.5", "7.5", "7.5", "", ""]
        );
        // An empty metric has only its name and a zero count.
        let c = summary_rows(&["y".into()], &RunStats::new(1, 3))[0].cells();
        assert_eq!(c[..2], ["y", "0"]);
        assert!(c[2..].iter().all(|x| x.is_empty()));
    }

    #[test]
    fn writes_all_files_atomically() {
        let scn = scenario();
        let names = metric_names(&scn);
        let st = tiny_stats(&scn);
        let path = temp_dir("all");
        let dir = OutputDir::create(&path).unwrap();
        let mut runs = dir.stream("runs.csv").unwrap();
        runs.write_all(b"x\n").unwrap();
        assert_eq!(listing(&path), ["runs.csv.partial"]);
        runs.commit().unwrap();
        dir.write_summary(&names, &st).unwrap();
        dir.write_histograms(&names, &st).unwrap();
        dir.write_survival(&scn, &st).unwrap();
        let m = Manifest::new(
            "run",
            &scn.name,
            "tiny.toml",
            serde_json::json!({"b": 1, "a": [true, "x"]}),
            RunInfo {
                master_seed: 42,
                runs: 4,
                threads: 2,
                chunk_size: 1024,
                files: vec!["runs.csv".into(), MANIFEST.into()],
                started_secs: 0,
                finished_secs: 61,
                wall_seconds: 61.5,
            },
        );
        dir.write_manifest(&m).unwrap();
        assert_eq!(
            listing(&path),
            [
                "histograms.csv",
                "manifest.json",
                "runs.csv",
                "summary.csv",
                "survival.csv"
            ]
        );

        let summary = fs::read_to_string(path.join("summary.csv")).unwrap();
        assert_eq!(summary.lines().next().unwrap(), SUMMARY_HEADER.join(","));
        assert_eq!(summary.lines().count(), 1 + names.len());

        let survival = fs::read_to_string(path.join("survival.csv")).unwrap();
        assert_eq!(
            survival,
            "round,date,at_risk,deals,breakdowns,p_no_deal_yet,hazard\n\
             0,2025-07-31,4,0,0,1,0\n\
             1,2025-08-07,4,1,0,0.75,0.25\n\
             2,2025-08-14,3,1,1,0.5,0.3333333333333333\n\
             3,2025-08-21,1,0,0,0.5,0\n"
        );

        let hist = fs::read_to_string(path.join("histograms.csv")).unwrap();
        let mut lines = hist.lines();
        assert_eq!(lines.next().unwrap(), "metric,bin_lo,bin_hi,count,fraction");
        let deal: Vec<&str> = hist.lines().filter(|l| l.starts_with("deal,")).collect();
        assert_eq!(deal, ["deal,-0.5,0.5,2,0.5", "deal,0.5,1.5,2,0.5"]);
        let amount: Vec<&str> = hist.lines().filter(|l| l.starts_with("amount,")).collect();
        // Integer values spanning 101 integers: 17 bins of 6.
        assert_eq!(amount.len(), 17);
        assert_eq!(amount[0], "amount,299.5,305.5,1,0.5");
        assert_eq!(amount[1], "amount,305.5,311.5,0,0");
        assert_eq!(amount[16], "amount,395.5,401.5,1,0.5");

        let text = fs::read_to_string(path.join(MANIFEST)).unwrap();
        assert!(text.ends_with("}\n"));
        let back: Manifest = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
        assert!(back.complete);
        assert_eq!(back.started, "1970-01-01T00:00:00Z");
        assert_eq!(back.finished, "1970-01-01T00:01:01Z");
        assert_eq!(back.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(
            back.config_hash,
            config_hash(&serde_json::json!({"a": [true, "x"], "b": 1}))
        );

        // Reusing the directory removes the old manifest until a new one is written.
        OutputDir::create(&path).unwrap();
        assert!(!path.join(MANIFEST).exists());
        fs::remove_dir_all(&path).unwrap();
    }

    #[test]
    fn uncommitted_files_stay_partial() {
        let path = temp_dir("partial");
        let dir = OutputDir::create(&path).unwrap();
        {
            let mut f = dir.stream("runs.csv").unwrap();
            f.write_all(b"half a file").unwrap();
        }
        assert_eq!(listing(&path), ["runs.csv.partial"]);
        fs::remove_dir_all(&path).unwrap();
    }

    #[test]
    fn refuses_a_file_as_output_dir() {
        let path = temp_dir("file");
        fs::write(&path, "not a dir").unwrap();
        let e = OutputDir::create(&path).unwrap_err();
        assert!(matches!(e, OutputError::NotADirectory { .. }));
        assert!(e.to_string().contains(&path.display().to_string()));
        fs::remove_file(&path).unwrap();
        // A path under a file cannot be created either; the message names it.
        let under = std::env::temp_dir().join(format!("standoff-output-{}-f2", std::process::id()));
        fs::write(&under, "x").unwrap();
        let e = OutputDir::create(under.join("sub")).unwrap_err();
        assert!(e.to_string().contains("sub"), "{e}");
        fs::remove_file(&under).unwrap();
    }

    #[test]
    fn fnv_and_canonical_json_are_stable() {
        // Reference values of FNV-1a 64.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        let v = serde_json::json!({"z": {"b": 2, "a": 1.5}, "a": [1, "q\""]});
        assert_eq!(canonical_json(&v), r#"{"a":[1,"q\""],"z":{"a":1.5,"b":2}}"#);
        assert_eq!(config_hash(&v).len(), 16);
    }
}
