//! Raw sweep-file types: a faithful mirror of the TOML file, and the users'
//! reference for its keys. Unknown keys are errors; everything beyond the
//! TOML types is checked by [`super::Sweep`]'s validation.
//!
//! ```toml
//! version = 1                  # required
//! name = "us_levers"           # optional (default: the file's stem)
//! description = "..."          # optional
//! base = "builtin"             # optional: "builtin" (default) or a scenario file, relative to this file
//! design = "zip"               # required: "grid", "zip", "random" or "lhs"
//! samples = 64                 # "random" and "lhs" only (required there)
//! replicates = 2000            # runs per point (default 1000); `--runs` overrides
//! seed = 1                     # master seed (default 1); `--seed` overrides
//! seeding = "per_point"        # or "common" (common random numbers across points)
//!
//! [[param]]
//! path = "levers.visa_review.enabled"     # a dotted key of the scenario
//! values = [true, false]                   # grid / zip: a list ...
//!
//! [[param]]
//! path = "players.korea.delay_cost"
//! from = 0.1                               # ... or a range of `steps` evenly spaced values
//! to = 0.5
//! steps = 5
//!
//! [[param]]
//! path = "levers.visa_review.credibility"
//! uniform = [0.2, 0.9]                     # random / lhs: a distribution: uniform,
//! # log_uniform = [lo, hi], normal = { mean = .., sd = .., lo = .., hi = .. }
//! # (lo and hi optional: truncated to [lo, hi]), or choice = [v, ...]
//! ```

use serde::{Deserialize, Serialize};

/// The whole sweep file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// Sweep file format version. *Required*; must be `1`.
    pub version: u32,
    /// A label for the sweep (letters, digits, `_` and `-`). Default: the
    /// sweep file's name without its extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free text (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The base scenario: `"builtin"` (the default: the built-in 2025
    /// Korea–US scenario) or the path of a scenario file, relative to the
    /// folder of the sweep file. Every point is this scenario with the
    /// parameters set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The design, *required*: `"grid"` (every combination of the
    /// parameters' values, the last parameter varying fastest), `"zip"` (the
    /// i-th point takes the i-th value of every parameter; all lists of equal
    /// length), `"random"` (`samples` independent draws from the parameters'
    /// distributions) or `"lhs"` (a Latin hypercube of `samples` points: each
    /// parameter's distribution is cut into `samples` strata of equal
    /// probability and each stratum is used exactly once).
    pub design: String,
    /// Number of points of a `random` or `lhs` design (>= 1); not allowed
    /// with `grid` or `zip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u64>,
    /// Runs (replicates) per point (>= 1). Default 1000. The command line's
    /// `--runs` overrides it (e.g. for reduced runs in CI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<u64>,
    /// Master seed. Default 1. The command line's `--seed` overrides it. It
    /// seeds the runs and the draws of `random` and `lhs` designs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// How the runs of the points are seeded: `"per_point"` (default: each
    /// point's runs use generators keyed by a hash of the point's parameter
    /// values, so points are statistically independent) or `"common"` (every
    /// point uses the same generators, replicate by replicate: common random
    /// numbers, which sharpen comparisons between points such as ablations).
    /// Either way a point's results do not depend on the other points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeding: Option<String>,
    /// The parameters, `[[param]]` tables, at least one; their order is the
    /// order of the `param.<path>` columns.
    #[serde(default, rename = "param")]
    pub params: Vec<RawParam>,
}

/// `[[param]]`: one parameter of the sweep and its values. Exactly one of the
/// value forms is given: `values`, or `from`/`to`/`steps` (for `grid` and
/// `zip` designs); `uniform`, `log_uniform`, `normal` or `choice` (for
/// `random` and `lhs` designs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParam {
    /// The dotted key of the scenario to set, *required*, e.g.
    /// `players.korea.delay_cost`, `levers.visa_review.enabled`,
    /// `clock.focal.audience_cost.korea`, `players.us.strategy.kind`. The
    /// tables on the way must exist in the base scenario; the last key may
    /// be one left to its default.
    pub path: String,
    /// A list of values (any TOML values: numbers, booleans, strings, inline
    /// tables such as `{ uniform = [0.3, 0.6] }`), at least one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<toml::Value>>,
    /// First value of a range (a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<toml::Value>,
    /// Last value of a range (a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<toml::Value>,
    /// Number of evenly spaced values from `from` to `to`, both included
    /// (>= 1; with 1 the range is just `from`). Values are rounded to 12
    /// significant digits. A range gives whole numbers (TOML integers) if
    /// `integer = true`, or if `from` and `to` are written as integers and
    /// every value is whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u64>,
    /// `[lo, hi]`: uniform on [lo, hi] (lo <= hi). With `integer = true`,
    /// each whole number from lo to hi is equally likely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniform: Option<Vec<f64>>,
    /// `[lo, hi]`: log-uniform on [lo, hi] (0 < lo <= hi): its logarithm is uniform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_uniform: Option<Vec<f64>>,
    /// `{ mean = .., sd = .., lo = .., hi = .. }`: normal (sd >= 0),
    /// truncated to [lo, hi] when bounds are given (either or both; lo < hi):
    /// drawn by inverting the truncated distribution's CDF, so every draw is
    /// inside the bounds. Without bounds a draw outside the parameter's
    /// valid range fails validation before any run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<RawNormal>,
    /// `[v, ...]`: one of the values (any TOML values), equally likely: for
    /// categorical parameters (a strategy kind, a lever switched on or off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Vec<toml::Value>>,
    /// Round numbers to whole numbers, written as TOML integers (for keys
    /// such as `clock.horizon`). Default false (but see `steps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integer: Option<bool>,
}

/// `normal = { mean = .., sd = .., lo = .., hi = .. }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNormal {
    /// Mean (before truncation).
    pub mean: f64,
    /// Standard deviation (>= 0, before truncation).
    pub sd: f64,
    /// Lower truncation bound (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lo: Option<f64>,
    /// Upper truncation bound (optional; above `lo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hi: Option<f64>,
}
