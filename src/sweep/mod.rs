//! Parameter sweeps: a sweep file names a base scenario and the parameters to
//! vary (by their dotted path in the scenario), with a design that turns
//! their values into points. Each point is the base scenario with the
//! parameters set ([`config::set_path`]) and validated
//! ([`config::from_value`]); every point is validated before anything runs.
//!
//! The file format is documented on [`raw::RawSweep`] and [`raw::RawParam`].
//!
//! Seeding: replicate `r` of a point runs at `RunCoord { master_seed, point:
//! p, replicate: r }` (`rng::run_rng`), where `p` (the point's *rng point*)
//! is derived from the point's parameter values, never from its index: with
//! `seeding = "per_point"` it is FNV-1a 64 (`rng::hash::fnv1a64`) of the
//! canonical `path=value` lines (sorted by path), cut to 53 bits so it is
//! exact in a double; with `seeding = "common"` it is 0 for every point (the
//! coordinate of a plain `run`). So a point's results do not change when
//! points are added or removed. `random` and `lhs` designs draw from the
//! generator at `(master, design::DESIGN_POINT, 0)`.
//!
//! Besides config, this module reads files: the sweep file, its base
//! scenario (through [`config::load_file`]) and, in [`store`], the state of a
//! sweep folder being resumed. It never writes: the CLI writes through
//! [`crate::output`].

pub mod design;
mod parse;
pub mod raw;
pub mod store;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::raw::RawScenario;
use crate::config::{self, ConfigError};
use crate::model::Scenario;
use crate::outcome::Metrics;
use crate::output::{format_f64, RealColumns};
use crate::rng::hash::fnv1a64;

pub use design::Distribution;
pub use parse::parse;
use raw::RawSweep;

/// The sweep file format version this build reads.
pub const VERSION: u32 = 1;
/// Designs, in the order error messages list them.
pub const DESIGNS: &[&str] = &["grid", "zip", "random", "lhs"];
/// Seeding modes.
pub const SEEDINGS: &[&str] = &["per_point", "common"];
/// Largest number of points of a sweep: every point's scenario is
/// validated before any run (about 0.2 ms a point for the built-in
/// scenario), so that a bad point is refused before anything is written.
pub const MAX_POINTS: u64 = 100_000;
/// Default replicates per point.
pub const DEFAULT_REPLICATES: u64 = 1000;
/// Default master seed.
pub const DEFAULT_SEED: u64 = 1;
/// The value of `base` that names the built-in scenario.
pub const BUILTIN_BASE: &str = "builtin";
/// Rng points are cut to this many bits (exact in a double, for R and pandas).
pub const RNG_POINT_BITS: u32 = 53;

/// An error in a sweep file, its base scenario, one of its points, or a
/// sweep folder. Every message names the sweep file (or folder) and the key.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The sweep file cannot be read, is not valid TOML, or a key of it is
    /// missing, unknown, of the wrong type or out of range (the same errors,
    /// and messages, as a scenario file's: file, line, key).
    #[error(transparent)]
    File(#[from] ConfigError),
    /// The base scenario does not load.
    #[error("{file}: base: cannot load the base scenario")]
    Base {
        /// The sweep file label.
        file: String,
        /// Why.
        #[source]
        source: ConfigError,
    },
    /// A point's scenario is invalid (a path that does not exist, a value of
    /// the wrong type or out of range). `error` names the scenario key.
    #[error("{file}: point {point} ({values}): {error}{}", others_note(*others))]
    Point {
        /// The sweep file label.
        file: String,
        /// The point's index.
        point: usize,
        /// The point's `path = value` pairs.
        values: String,
        /// The config error (its file is the base scenario's label).
        error: Box<ConfigError>,
        /// How many more points fail.
        others: usize,
    },
    /// With runs kept, a point whose runs.csv columns are not point 0's: a
    /// sweep that changes the scenario's issues, levers or events cannot
    /// write one runs.csv.
    #[error("{file}: point {point} ({values}): its runs.csv columns differ from point 0's ({difference}): one runs.csv for the sweep needs the same issues, levers and events at every point; run without --runs-csv")]
    Columns {
        /// The sweep file label.
        file: String,
        /// The point's index.
        point: usize,
        /// The point's `path = value` pairs.
        values: String,
        /// The first column that differs.
        difference: String,
    },
    /// A sweep folder cannot be resumed.
    #[error("{}: {message}", dir.display())]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file of a sweep folder cannot be read.
    #[error("{}: cannot read", path.display())]
    FolderRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn others_note(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (and 1 more point fails)".into(),
        n => format!(" (and {n} more points fail)"),
    }
}

/// How a sweep's design makes points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of the lists.
    Grid,
    /// The i-th values of all lists.
    Zip,
    /// Independent draws.
    Random {
        /// Number of points.
        samples: usize,
    },
    /// A Latin hypercube.
    Lhs {
        /// Number of points.
        samples: usize,
    },
}

/// How points' runs are seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeding {
    /// Rng point = hash of the point's parameter values.
    PerPoint,
    /// Rng point 0 for every point (common random numbers).
    Common,
}

/// A parameter's values.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValues {
    /// A finite list (`values`, or a range).
    List(Vec<toml::Value>),
    /// A distribution.
    Dist(Distribution),
}

/// A validated parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The dotted key in the scenario.
    pub path: String,
    /// Its values.
    pub values: ParamValues,
}

/// The base scenario of a sweep.
#[derive(Debug, Clone)]
pub struct Base {
    /// Its label (a path, or the built-in scenario's label).
    pub file: String,
    /// Its text as read.
    pub text: String,
    /// The loaded scenario (the base itself must validate).
    pub loaded: config::Loaded,
    /// Its text parsed as a TOML value (file order kept), in which points set their parameters.
    pub doc: toml::Value,
}

/// Where the base scenario comes from.
#[derive(Debug, Clone)]
pub enum BaseSource<'a> {
    /// Resolve the file's `base` key relative to this folder (the sweep file's).
    Resolve(&'a Path),
    /// The base is given: its label and text (a sweep folder's copy, when resuming).
    Given {
        /// The label.
        file: &'a str,
        /// The text.
        text: &'a str,
    },
}

/// The columns of a sweep's runs.csv, shared by every point.
#[derive(Debug, Clone)]
pub struct RunsColumns {
    /// The metrics (the same names at every point).
    pub metrics: Metrics,
    /// The columns written as reals: those real at any point (an issue
    /// whose grid is whole-number at some points only is written `104.0`
    /// at every point), so that each column has one type.
    pub real: RealColumns,
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file's label.
    pub file: String,
    /// Its text as read.
    pub text: String,
    /// The file as parsed.
    pub raw: RawSweep,
    /// The sweep's name.
    pub name: String,
    /// The base scenario.
    pub base: Base,
    /// The design.
    pub design: Design,
    /// The parameters, in file order.
    pub params: Vec<Param>,
    /// Replicates per point (from the file).
    pub replicates: u64,
    /// Master seed (from the file).
    pub seed: u64,
    /// Seeding mode.
    pub seeding: Seeding,
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Its index in the design (0-based).
    pub index: usize,
    /// One value per parameter, in parameter order.
    pub values: Vec<toml::Value>,
    /// The `point` coordinate of its runs' generators.
    pub rng_point: u64,
}

/// Reads a sweep file and its base scenario.
pub fn load(path: &Path) -> Result<Sweep, SweepError> {
    let file = path.display().to_string();
    let text = config::read_text(path)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    parse(&file, &text, BaseSource::Resolve(dir))
}

/// Opens the sweep kept in a sweep folder (written by `standoff sweep`):
/// its state, and the sweep parsed from the folder's copies of the sweep
/// file and its base scenario (checked against the state's hashes).
pub fn open(dir: &Path) -> Result<(store::State, Sweep), SweepError> {
    let (state, sweep_text, base_text) = store::read_folder(dir)?;
    let sw = parse(
        &state.sweep_file,
        &sweep_text,
        BaseSource::Given {
            file: &state.base_file,
            text: &base_text,
        },
    )?;
    Ok((state, sw))
}

/// The canonical text of a value: numbers in Rust's shortest round-trip form
/// (so `1` and `1.0` agree), strings JSON-quoted, arrays `[a,b]`, tables
/// `{k=v,...}` with sorted keys. The rng point hashes it.
pub fn canonical(v: &toml::Value) -> String {
    use toml::Value as T;
    match v {
        T::Integer(i) => i.to_string(),
        T::Float(f) => f.to_string(),
        T::Boolean(b) => b.to_string(),
        T::String(s) => serde_json::Value::from(s.as_str()).to_string(),
        T::Datetime(d) => d.to_string(),
        T::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        T::Table(t) => {
            let mut kv: Vec<(&String, &toml::Value)> = t.iter().collect();
            kv.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = kv
                .into_iter()
                .map(|(k, v)| format!("{k}={}", canonical(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
    }
}

/// A value as a CSV cell: strings unquoted; floats as `output::format_f64`,
/// with a decimal point when whole (`50.0`: a column of floats stays one
/// for polars, which infers a column's type from its first rows, here the
/// first few points); booleans as `TRUE` and `FALSE`, which pandas, polars
/// and R's read.csv all read as booleans (R reads `true` as text);
/// anything else as [`canonical`].
pub fn cell(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(f) if f.is_finite() && f.fract() == 0.0 => format!("{f:.1}"),
        toml::Value::Float(f) => format_f64(*f),
        toml::Value::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        other => canonical(other),
    }
}

/// The rng point of a point with these values (see the module documentation).
pub fn rng_point(seeding: Seeding, params: &[Param], values: &[toml::Value]) -> u64 {
    match seeding {
        Seeding::Common => 0,
        Seeding::PerPoint => {
            let mut lines: Vec<String> = params
                .iter()
                .zip(values)
                .map(|(p, v)| format!("{}={}\n", p.path, canonical(v)))
                .collect();
            lines.sort();
            fnv1a64(lines.concat().as_bytes()) & ((1u64 << RNG_POINT_BITS) - 1)
        }
    }
}

impl Sweep {
    /// The points of the design under master seed `seed` (which seeds the
    /// draws of `random` and `lhs`). A `grid` or `zip` listing the same point
    /// twice is an error.
    pub fn points(&self, seed: u64) -> Result<Vec<Point>, SweepError> {
        let lists = || -> Vec<Vec<toml::Value>> {
            self.params
                .iter()
                .map(|p| match &p.values {
                    ParamValues::List(v) => v.clone(),
                    ParamValues::Dist(_) => Vec::new(),
                })
                .collect()
        };
        let dists = || -> Vec<Distribution> {
            self.params
                .iter()
                .map(|p| match &p.values {
                    ParamValues::Dist(d) => d.clone(),
                    ParamValues::List(v) => Distribution::Choice(v.clone()),
                })
                .collect()
        };
        let rows = match self.design {
            Design::Grid => design::grid(&lists()),
            Design::Zip => design::zip(&lists()),
            Design::Random { samples } => {
                design::random(&dists(), samples, &mut design::design_rng(seed))
            }
            Design::Lhs { samples } => {
                design::lhs(&dists(), samples, &mut design::design_rng(seed))
            }
        };
        let points: Vec<Point> = rows
            .into_iter()
            .enumerate()
            .map(|(index, values)| Point {
                index,
                rng_point: rng_point(self.seeding, &self.params, &values),
                values,
            })
            .collect();
        if matches!(self.design, Design::Grid | Design::Zip) {
            let mut seen: HashMap<String, usize> = HashMap::new();
            for p in &points {
                let key: Vec<String> = p.values.iter().map(canonical).collect();
                if let Some(first) = seen.insert(key.join("\n"), p.index) {
                    return Err(self.key_error(
                        "param",
                        format!(
                            "points {first} and {} have the same values ({}): a {} lists each point once",
                            p.index,
                            self.describe(p),
                            self.raw.design
                        ),
                    ));
                }
            }
        }
        Ok(points)
    }

    /// `path = value` pairs of a point, for messages.
    pub fn describe(&self, p: &Point) -> String {
        self.params
            .iter()
            .zip(&p.values)
            .map(|(par, v)| format!("{} = {}", par.path, canonical(v)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The scenario of a point: the base with the point's values set,
    /// validated, with its raw config (every default filled in).
    pub fn scenario(&self, p: &Point) -> Result<(RawScenario, Scenario), SweepError> {
        self.try_scenario(p).map_err(|error| SweepError::Point {
            file: self.file.clone(),
            point: p.index,
            values: self.describe(p),
            error: Box::new(error),
            others: 0,
        })
    }

    fn try_scenario(&self, p: &Point) -> Result<(RawScenario, Scenario), ConfigError> {
        config::from_value(&self.base.file, self.point_doc(p)?)
    }

    /// The base scenario's TOML with the point's values set.
    fn point_doc(&self, p: &Point) -> Result<toml::Value, ConfigError> {
        let mut doc = self.base.doc.clone();
        for (param, v) in self.params.iter().zip(&p.values) {
            config::set_path(&self.base.file, &mut doc, &param.path, v.clone())?;
        }
        Ok(doc)
    }

    /// Validates every point's scenario (without building offer paths: the
    /// runs build them); the error names the first failing point and counts
    /// the others. With `one_runs_csv` (runs kept), every point must also
    /// have point 0's runs.csv columns: its metrics are returned.
    pub fn validate(
        &self,
        points: &[Point],
        one_runs_csv: bool,
    ) -> Result<Option<RunsColumns>, SweepError> {
        let mut first: Option<SweepError> = None;
        let mut others = 0;
        let mut shared: Option<RunsColumns> = None;
        for p in points {
            let checked = self
                .point_doc(p)
                .and_then(|doc| config::check_value(&self.base.file, doc));
            let scn = match checked {
                Ok(scn) => scn,
                Err(error) => {
                    let e = SweepError::Point {
                        file: self.file.clone(),
                        point: p.index,
                        values: self.describe(p),
                        error: Box::new(error),
                        others: 0,
                    };
                    match first {
                        None => first = Some(e),
                        Some(_) => others += 1,
                    }
                    continue;
                }
            };
            if !one_runs_csv || first.is_some() {
                continue;
            }
            let m = Metrics::new(&scn);
            let real = RealColumns::of(&scn, &m);
            match shared.as_mut() {
                None => shared = Some(RunsColumns { metrics: m, real }),
                Some(c) if c.metrics.names() == m.names() => c.real.widen(&real),
                Some(c) => {
                    let (c, names) = (c.metrics.names(), m.names());
                    let at = c.iter().zip(names).position(|(a, b)| a != b);
                    let difference = match at {
                        Some(i) => format!("`{}` where point 0 has `{}`", names[i], c[i]),
                        None => format!("{} columns, point 0 has {}", names.len(), c.len()),
                    };
                    return Err(SweepError::Columns {
                        file: self.file.clone(),
                        point: p.index,
                        values: self.describe(p),
                        difference,
                    });
                }
            }
        }
        match first {
            None => Ok(shared),
            Some(SweepError::Point {
                file,
                point,
                values,
                error,
                ..
            }) => Err(SweepError::Point {
                file,
                point,
                values,
                error,
                others,
            }),
            Some(e) => Err(e),
        }
    }

    fn key_error(&self, key: &str, message: String) -> SweepError {
        SweepError::File(ConfigError::Key {
            file: self.file.clone(),
            line: parse::line_of(&self.text, key),
            key: key.into(),
            message,
        })
    }
}

#[cfg(test)]
mod tests;
