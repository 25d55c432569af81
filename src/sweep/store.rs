//! The sweep folder: its layout, the rows of its CSV files, and reading back
//! the state of an interrupted sweep. (Writing is the CLI's, through
//! [`crate::output`]; every file is written atomically.)
//!
//! ```text
//! DIR/sweep.toml            the sweep file, copied as read
//! DIR/base.toml             the base scenario's text, copied as read
//! DIR/sweep_state.json      what resuming needs: seed, replicates, labels, hashes
//! DIR/sweep_points.csv      the points: point, rng_point, param.<path>...
//! DIR/points/<i>.csv        point i's summary rows (header as sweep_summary.csv), written when it finishes
//! DIR/points/<i>/scenario.toml  point i's scenario as resolved (every default filled in)
//! DIR/points/<i>/runs.csv   point i's runs (with --runs-csv; header as runs.csv), until runs.csv is assembled
//! DIR/sweep_summary.csv     all points' rows, in point order
//! DIR/runs.csv              with --runs-csv: all points' runs, in point order (then the points' runs.csv are removed)
//! DIR/manifest.json         written last, `complete: true`
//! ```
//!
//! A point is finished when `points/<i>.csv` exists (and, with runs.csv,
//! `points/<i>/runs.csv`, or the assembled `runs.csv`). `sweep_summary.csv`
//! is the header followed by the rows of `points/0.csv`, `points/1.csv`, ...
//! byte for byte, and `runs.csv` likewise of the points' runs.csv, so a
//! resumed sweep's files are identical to an uninterrupted one's.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{cell, Point, Sweep, SweepError};
use crate::model::Scenario;
use crate::outcome::Metrics;
use crate::output::{summary_rows, SUMMARY_HEADER};
use crate::rng::hash::fnv1a64;
use crate::stats::RunStats;

/// The copy of the sweep file.
pub const SWEEP_COPY: &str = "sweep.toml";
/// The copy of the base scenario.
pub const BASE_COPY: &str = "base.toml";
/// The state file.
pub const STATE: &str = "sweep_state.json";
/// The list of points.
pub const POINTS_CSV: &str = "sweep_points.csv";
/// The summary of all points.
pub const SUMMARY_CSV: &str = "sweep_summary.csv";
/// The runs of all points (with `--runs-csv`).
pub const RUNS_CSV: &str = "runs.csv";
/// The folder of per-point files.
pub const POINTS_DIR: &str = "points";
/// The state file's format.
pub const STATE_FORMAT: u32 = 1;

/// What resuming a sweep needs (`sweep_state.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Format of this file (1).
    pub format: u32,
    /// The standoff version that started the sweep.
    pub version: String,
    /// The sweep file as given on the command line.
    pub sweep_file: String,
    /// The base scenario's label.
    pub base_file: String,
    /// FNV-1a 64 (16 hex digits) of `sweep.toml`.
    pub sweep_hash: String,
    /// FNV-1a 64 (16 hex digits) of `base.toml`.
    pub base_hash: String,
    /// The master seed.
    pub master_seed: u64,
    /// Runs per point.
    pub replicates: u64,
    /// Whether each point's runs.csv is written.
    pub runs_csv: bool,
    /// Number of points.
    pub points: usize,
}

/// 16 lowercase hex digits of FNV-1a 64 of a text.
pub fn text_hash(text: &str) -> String {
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

impl State {
    /// The state of a new sweep.
    pub fn new(
        sweep: &Sweep,
        master_seed: u64,
        replicates: u64,
        runs_csv: bool,
        points: usize,
    ) -> State {
        State {
            format: STATE_FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            sweep_file: sweep.file.clone(),
            base_file: sweep.base.file.clone(),
            sweep_hash: text_hash(&sweep.text),
            base_hash: text_hash(&sweep.base.text),
            master_seed,
            replicates,
            runs_csv,
            points,
        }
    }

    /// As pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// `points/<i>.csv`.
pub fn point_file(i: usize) -> String {
    format!("{POINTS_DIR}/{i}.csv")
}

/// `points/<i>` (the folder of point i's runs.csv).
pub fn point_dir(i: usize) -> String {
    format!("{POINTS_DIR}/{i}")
}

/// `points/<i>/runs.csv`.
pub fn point_runs_file(i: usize) -> String {
    format!("{POINTS_DIR}/{i}/{RUNS_CSV}")
}

/// `points/<i>/scenario.toml`.
pub fn point_scenario_file(i: usize) -> String {
    format!("{POINTS_DIR}/{i}/scenario.toml")
}

fn read(path: PathBuf) -> Result<Vec<u8>, SweepError> {
    std::fs::read(&path).map_err(|source| SweepError::FolderRead { path, source })
}

fn folder_error(dir: &Path, message: String) -> SweepError {
    SweepError::Folder {
        dir: dir.to_path_buf(),
        message,
    }
}

/// True if `dir` holds a sweep (its state file).
pub fn is_sweep_folder(dir: &Path) -> bool {
    dir.join(STATE).is_file()
}

/// Reads a sweep folder's state and its copies of the sweep file and the
/// base scenario, checking them against the hashes in the state.
pub fn read_folder(dir: &Path) -> Result<(State, String, String), SweepError> {
    if !is_sweep_folder(dir) {
        return Err(folder_error(
            dir,
            format!("not a sweep folder: it has no {STATE} (a folder written by `standoff sweep ... --out DIR` has one)"),
        ));
    }
    let bytes = read(dir.join(STATE))?;
    let state: State = serde_json::from_slice(&bytes)
        .map_err(|e| folder_error(dir, format!("{STATE} is not a sweep state: {e}")))?;
    if state.format != STATE_FORMAT {
        return Err(folder_error(
            dir,
            format!(
                "{STATE} has format {}; this build resumes format {STATE_FORMAT}",
                state.format
            ),
        ));
    }
    let text = |name: &str, hash: &str| -> Result<String, SweepError> {
        let b = read(dir.join(name))?;
        let t = String::from_utf8(b)
            .map_err(|_| folder_error(dir, format!("{name} is not UTF-8 text")))?;
        if text_hash(&t) != hash {
            return Err(folder_error(
                dir,
                format!(
                    "{name} was changed after the sweep started (its hash differs from {STATE})"
                ),
            ));
        }
        Ok(t)
    };
    let sweep = text(SWEEP_COPY, &state.sweep_hash)?;
    let base = text(BASE_COPY, &state.base_hash)?;
    Ok((state, sweep, base))
}

/// True if point `i` is finished in `dir`.
pub fn point_done(dir: &Path, i: usize, runs_csv: bool) -> bool {
    dir.join(point_file(i)).is_file()
        && (!runs_csv || dir.join(point_runs_file(i)).is_file() || runs_assembled(dir))
}

/// True if the sweep's runs.csv has been assembled in `dir` (every point's
/// runs are in it).
pub fn runs_assembled(dir: &Path) -> bool {
    dir.join(RUNS_CSV).is_file()
}

/// The rows of point `i`'s summary file after its header (which must be `header`).
pub fn read_point_body(dir: &Path, i: usize, header: &[u8]) -> Result<Vec<u8>, SweepError> {
    read_body(dir, &point_file(i), i, header)
}

/// The rows of point `i`'s runs.csv after its header (which must be `header`).
pub fn read_point_runs(dir: &Path, i: usize, header: &[u8]) -> Result<Vec<u8>, SweepError> {
    read_body(dir, &point_runs_file(i), i, header)
}

/// The rows of the file `name` of point `i` after its header, checked: the
/// header must be `header` and every row lead with the point's index.
fn read_body(dir: &Path, name: &str, i: usize, header: &[u8]) -> Result<Vec<u8>, SweepError> {
    let bytes = read(dir.join(name))?;
    let prefix = format!("{i},");
    match bytes.strip_prefix(header) {
        Some(body) if body.split(|&b| b == b'\n').filter(|l| !l.is_empty()).all(|l| l.starts_with(prefix.as_bytes())) => {
            let mut body = bytes;
            body.drain(..header.len());
            Ok(body)
        }
        _ => Err(folder_error(
            dir,
            format!("{name} does not belong to this sweep (its header or point column differs); delete it to run the point again"),
        )),
    }
}

// ---------------------------------------------------------------------------
// Rows.

/// CSV-encodes rows (the csv crate's defaults, `\n` line ends).
pub fn encode_csv<R, C>(rows: R) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `param.<path>` column names.
pub fn param_columns(sweep: &Sweep) -> Vec<String> {
    sweep
        .params
        .iter()
        .map(|p| format!("param.{}", p.path))
        .collect()
}

/// The header of sweep_summary.csv (and of every `points/<i>.csv`):
/// `point`, `param.<path>`..., then the columns of summary.csv.
pub fn summary_header(sweep: &Sweep) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(param_columns(sweep));
    h.extend(SUMMARY_HEADER.iter().map(|s| s.to_string()));
    h
}

/// The cells that lead a point's rows: its index and parameter values.
pub fn lead_cells(point: &Point) -> Vec<String> {
    std::iter::once(point.index.to_string())
        .chain(point.values.iter().map(cell))
        .collect()
}

/// The lead of a point's rows of runs.csv, CSV-encoded and ending in a
/// comma (for `RunsCsv::append_led`).
pub fn runs_lead(point: &Point) -> Result<Vec<u8>, csv::Error> {
    let mut lead = encode_csv([lead_cells(point)])?;
    if lead.last() == Some(&b'\n') {
        lead.pop();
    }
    lead.push(b',');
    Ok(lead)
}

/// A point's rows of sweep_summary.csv: one per metric (`metrics` are the
/// metrics of the point's scenario), with the point's index and values.
pub fn summary_rows_of(
    point: &Point,
    scn: &Scenario,
    metrics: &Metrics,
    stats: &RunStats,
) -> Vec<Vec<String>> {
    let lead = lead_cells(point);
    summary_rows(scn, metrics, stats)
        .iter()
        .map(|r| {
            let mut row = lead.clone();
            row.extend(r.cells());
            row
        })
        .collect()
}

/// The header of sweep_points.csv: `point`, `rng_point`, `param.<path>`...
pub fn points_header(sweep: &Sweep) -> Vec<String> {
    let mut h = vec!["point".to_string(), "rng_point".to_string()];
    h.extend(param_columns(sweep));
    h
}

/// The rows of sweep_points.csv.
pub fn points_rows(points: &[Point]) -> Vec<Vec<String>> {
    points
        .iter()
        .map(|p| {
            let mut row = vec![p.index.to_string(), p.rng_point.to_string()];
            row.extend(p.values.iter().map(cell));
            row
        })
        .collect()
}
