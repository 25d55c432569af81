//! The output files: the only module that writes files.
//!
//! Every file goes to `<name>.partial` in the output directory and is renamed
//! into place only once fully written ([`AtomicFile::commit`]); the manifest
//! is written last, with `complete: true`. So a file under its final name is
//! always complete, and a directory whose `manifest.json` says `complete` holds
//! a finished run. A run that fails or is interrupted (SIGINT, SIGTERM)
//! removes its `.partial` files: an `AtomicFile` dropped without `commit`
//! removes its own. Only a process killed outright leaves one behind.
//!
//! Numbers are written with [`format_f64`]: NaN (a metric that does not
//! apply) is an empty cell, anything else Rust's shortest round-trip `{}`
//! formatting, which is deterministic.
//!
//! - `atomic`: [`AtomicFile`] and [`OutputDir`] (`.partial` then rename);
//! - `tables`: the CSV tables of a run — [`RunsCsv`], summary, histograms,
//!   survival — as rows of cells (the numbers come from `stats`);
//! - `trace`: [`TraceCsv`], the round-by-round trace of `replay`;
//! - `manifest`: [`Manifest`] and its config hash ([`canonical_json`]);
//! - `replace`: `--force`, [`OutputDir::replace`]: the files standoff
//!   writes ([`WRITTEN`]), and emptying a folder of them (it reads the
//!   folder's manifest.json, the one file this module reads).

use std::io::{self, Write};
use std::path::PathBuf;

mod atomic;
mod manifest;
mod replace;
mod tables;
mod trace;

pub use atomic::{AtomicFile, OutputDir};
pub use manifest::{
    canonical_json, config_hash, shell_quote, FactInfo, ForecastInfo, Invocation, Manifest,
    RunInfo, MANIFEST,
};
pub use replace::{is_written_file, is_written_folder, WRITTEN};
pub use tables::{
    forecast_rows, histogram_rows, summary_rows, survival_rows, RealColumns, RunsCsv, SummaryRow,
    DEFAULT_BINS, FORECAST_HEADER, FORECAST_QUANTILES, HISTOGRAM_HEADER, SUMMARY_HEADER,
    SURVIVAL_HEADER,
};
pub use trace::{trace_header, TraceCsv};

/// Errors of the output boundary; every message names the path (or stream).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output path exists and is not a directory.
    #[error("output path {} exists and is not a directory", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// The output directory exists and holds files (outputs are never
    /// written over: a stale file could sit beside a new manifest).
    #[error("{}: the output folder is not empty (it holds {first}{}); choose another folder (--out), empty it, or replace an earlier run's folder with --force", path.display(), if *more > 0 { format!(" and {more} more") } else { String::new() })]
    NotEmpty {
        /// The folder.
        path: PathBuf,
        /// One of its entries.
        first: String,
        /// How many other entries it holds.
        more: usize,
    },
    /// `--force` on a folder that holds something standoff did not write:
    /// nothing was deleted.
    #[error("{}: --force replaces only a folder that standoff wrote, and {} {why}; nothing was deleted (choose another folder, or move it away)", path.display(), entry.display())]
    NotStandoffFolder {
        /// The folder.
        path: PathBuf,
        /// The first entry (relative to the folder) that is not standoff's.
        entry: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A folder or file cannot be listed or read.
    #[error("cannot read {}", path.display())]
    Scan {
        /// The folder or file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A file to be written anew exists ([`AtomicFile::commit_new`]):
    /// nothing is written over.
    #[error("{} exists; choose another name or remove it (it is never written over)", path.display())]
    Exists {
        /// The file.
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
    /// A trace cannot be written to its stream (e.g. standard output).
    #[error("cannot write the trace")]
    Trace {
        /// The cause (a closed pipe stays recognisable as an `io::Error`).
        source: io::Error,
    },
}

/// Every list of names a scenario's outputs hold, each of which must be
/// without repeats: the header of runs.csv, the metric names (the rows of
/// summary.csv and histograms.csv) and the header of the replay trace, with
/// the file each is in. Config validation refuses a scenario whose names
/// (issues, players, levers, events) make a name repeat in any of them.
pub fn column_sets(scn: &crate::model::Scenario) -> [(&'static str, Vec<String>); 3] {
    let metrics = crate::outcome::Metrics::new(scn);
    [
        ("runs.csv", RunsCsv::header(&metrics)),
        ("summary.csv", metrics.names().to_vec()),
        ("the replay trace", trace::trace_header(scn)),
    ]
}

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

#[cfg(test)]
mod tests;
