//! manifest.json: what produced the files of an output directory, and the
//! config hash it records. `canonical_json` lives here because only the
//! manifest's `config_hash` uses it (the hash itself, FNV-1a 64, is
//! `rng::hash::fnv1a64`, next to the seeding that depends on it).

use super::{OutputDir, OutputError};
use crate::date::rfc3339_utc;
use crate::model::Scenario;
use crate::rng::hash::fnv1a64;
use serde::{Deserialize, Serialize};
use std::io::Write;

/// The name of the manifest file.
pub const MANIFEST: &str = "manifest.json";

/// What produced the files of an output directory (manifest.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `standoff`.
    pub tool: String,
    /// The crate version that wrote the files.
    pub version: String,
    /// The version of the results (`engine::RESULTS_VERSION`): outputs of
    /// the same config and seed are byte-identical across builds with the
    /// same results version.
    pub results_version: u32,
    /// The subcommand (`run`, `sweep`, ...).
    pub command: String,
    /// The full command line, one element per argument as the program got
    /// it (the program first; an argument that is not UTF-8 with its bad
    /// bytes replaced by U+FFFD).
    #[serde(default)]
    pub argv: Vec<String>,
    /// The same command line as one string, each argument quoted for a
    /// POSIX shell where it needs it ([`shell_quote`]).
    #[serde(default)]
    pub command_line: String,
    /// The git commit standoff was built from: 12 hex digits, with `-dirty`
    /// if its sources differed from it; `null` when unknown (built outside
    /// a git checkout).
    #[serde(default)]
    pub commit: Option<String>,
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
    /// For a forecast: its date, facts, and the candidates tried and kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastInfo>,
    /// For `forecast`: one record per as-of date, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forecasts: Vec<ForecastInfo>,
}

/// The forecast part of a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastInfo {
    /// The date of the forecast.
    pub as_of: String,
    /// For a forecast cut at an earlier date (`--as-of`): the scenario's own
    /// `forecast.as_of` (the config recorded is the scenario's, uncut).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_from: Option<String>,
    /// The first round forecast (rounds before it are the observed history).
    pub first_round: u32,
    /// The date of that round.
    pub first_date: String,
    /// The smallest share of candidates that had to be kept.
    pub min_acceptance: f64,
    /// Candidates simulated.
    pub candidates: u64,
    /// Candidates kept (the runs of the output).
    pub runs_kept: u64,
    /// runs_kept / candidates.
    pub acceptance_rate: f64,
    /// The facts, in order; the first is that talks were open at as_of.
    pub facts: Vec<FactInfo>,
}

/// One fact of a forecast, and how many candidates it rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactInfo {
    /// Its key in the config.
    pub key: String,
    /// `open`, `event`, `lever` or `offer`.
    pub kind: String,
    /// `impose` or `condition`.
    pub mode: String,
    /// Its date.
    pub date: String,
    /// The round it constrains.
    pub round: u32,
    /// The fact in words.
    pub description: String,
    /// Candidates that broke it (a candidate that breaks several facts
    /// counts against each; kept runs break none).
    pub rejected: u64,
}

impl ForecastInfo {
    /// The record of a forecast of `scn` (which must have one; `None`
    /// otherwise) after `candidates` candidates of which `kept` were kept
    /// and `rejected[i]` broke fact `i`.
    pub fn new(scn: &Scenario, candidates: u64, kept: u64, rejected: &[u64]) -> Option<Self> {
        let f = scn.forecast.as_ref()?;
        Some(ForecastInfo {
            as_of: f.as_of.to_string(),
            cut_from: f.cut_from.map(|d| d.to_string()),
            first_round: f.last_round + 1,
            first_date: scn.clock.date_of(f.last_round + 1).to_string(),
            min_acceptance: f.min_acceptance,
            candidates,
            runs_kept: kept,
            acceptance_rate: if candidates == 0 {
                1.0
            } else {
                kept as f64 / candidates as f64
            },
            facts: f
                .facts
                .iter()
                .zip(rejected)
                .map(|(fact, &n)| FactInfo {
                    key: fact.key.clone(),
                    kind: fact.what.label().into(),
                    mode: fact.mode.label().into(),
                    date: fact.date.to_string(),
                    round: fact.round,
                    description: fact.describe(scn),
                    rejected: n,
                })
                .collect(),
        })
    }
}

/// How standoff was started: its command line and the commit it was built
/// from (both given by the caller: the library reads neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The arguments, the program first.
    pub argv: Vec<String>,
    /// The build's git commit, if known.
    pub commit: Option<String>,
}

/// An argument as a POSIX shell reads it back: as it is when it holds only
/// characters no shell treats specially, else in single quotes (a `'`
/// written `'\''`); the empty argument is `''`.
pub fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The run-specific part of a [`Manifest`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The command line and the build's commit.
    pub invocation: Invocation,
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
            results_version: crate::engine::RESULTS_VERSION,
            command: command.into(),
            command_line: info
                .invocation
                .argv
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" "),
            argv: info.invocation.argv,
            commit: info.invocation.commit,
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
            forecast: None,
            forecasts: Vec::new(),
        }
    }

    /// The manifest with its forecast record.
    pub fn with_forecast(mut self, forecast: Option<ForecastInfo>) -> Manifest {
        self.forecast = forecast;
        self
    }

    /// The manifest with one forecast record per as-of date (`forecast`).
    pub fn with_forecasts(mut self, forecasts: Vec<ForecastInfo>) -> Manifest {
        self.forecasts = forecasts;
        self
    }
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

impl OutputDir {
    /// Writes manifest.json (pretty-printed, trailing newline). Call it last.
    pub fn write_manifest(&self, m: &Manifest) -> Result<(), OutputError> {
        let path = self.path().join(MANIFEST);
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
