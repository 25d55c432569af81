//! Parsing and validation of a sweep file (see [`super::raw`] for its keys),
//! with errors that name the file, the key and its line.

use std::path::Path;

use toml_edit::ImDocument;

use super::raw::{RawParam, RawSweep};
use super::{
    canonical, design, Base, BaseSource, Design, Distribution, Param, ParamValues, Seeding, Sweep,
    SweepError, BUILTIN_BASE, DEFAULT_REPLICATES, DEFAULT_SEED, DESIGNS, MAX_POINTS, SEEDINGS,
    VERSION,
};
use crate::config::locate::{line_col, SpanIndex};
use crate::config::{self, clip, ConfigError};

/// Parses and validates sweep text; `file` labels it in messages; the base
/// scenario is loaded as `base` says.
pub fn parse(file: &str, text: &str, base: BaseSource<'_>) -> Result<Sweep, SweepError> {
    let spans = SpanIndex::of_text(text);
    let key_error = |key: &str, message: String| {
        SweepError::File(ConfigError::Key {
            file: file.to_string(),
            line: spans.line_of_path(key),
            key: key.to_string(),
            message,
        })
    };
    let doc = ImDocument::parse(text).map_err(|e| {
        let (line, column) = line_col(text, e.span().map_or(0, |s| s.start));
        ConfigError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: e.message().trim().replace('\n', "; "),
        }
    })?;
    if let Some(message) =
        crate::config::version_problem(&doc, VERSION, "a sweep file", "sweep format")
    {
        return Err(key_error("version", message));
    }
    let raw: RawSweep = toml::from_str(text).map_err(|e| {
        let mut at = e.span().map(|s| s.start);
        let (key, message) = match crate::config::reword(e.message()) {
            // A missing key is the table's (the error points at the table),
            // not the first key's of the file.
            crate::config::SerdeProblem::Missing(field) => {
                match at.and_then(|a| spans.table_at(a)) {
                    Some(t) => (
                        format!("{t}.{field}"),
                        format!("missing required key '{field}'"),
                    ),
                    None => {
                        at = None;
                        (field.clone(), format!("missing required key '{field}'"))
                    }
                }
            }
            _ => (
                at.and_then(|a| spans.path_at(a)).unwrap_or("").to_string(),
                e.message().trim().replace('`', "'"),
            ),
        };
        ConfigError::Key {
            file: file.to_string(),
            line: at.map(|a| spans.line_of_offset(a)),
            key,
            message,
        }
    })?;
    let input: toml::Table = toml::from_str(text).unwrap_or_default();
    if let Some(key) = crate::config::array_for_table(&input, &raw) {
        return Err(key_error(&key, crate::config::ARRAY_FOR_TABLE.to_string()));
    }

    let name = match &raw.name {
        Some(n) => {
            if n.is_empty()
                || !n
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(key_error(
                    "name",
                    format!(
                        "expected a name of letters, digits, '_' and '-', found \"{}\"",
                        clip(n)
                    ),
                ));
            }
            n.clone()
        }
        None => Path::new(file)
            .file_stem()
            .map_or_else(|| "sweep".to_string(), |s| s.to_string_lossy().into_owned()),
    };

    let samples = |key: &str| -> Result<usize, SweepError> {
        match raw.samples {
            None => Err(key_error(
                "samples",
                format!("missing: a {key} design needs `samples = N` (the number of points)"),
            )),
            Some(n) if n == 0 || n > MAX_POINTS => Err(key_error(
                "samples",
                format!("expected a number of points in [1, {MAX_POINTS}], found {n}"),
            )),
            Some(n) => Ok(n as usize),
        }
    };
    let design = match raw.design.as_str() {
        "grid" | "zip" => {
            if raw.samples.is_some() {
                return Err(key_error(
                    "samples",
                    format!(
                        "not allowed with design \"{}\" (its points come from the lists; samples is for random and lhs)",
                        raw.design
                    ),
                ));
            }
            if raw.design == "grid" {
                Design::Grid
            } else {
                Design::Zip
            }
        }
        "random" => Design::Random {
            samples: samples("random")?,
        },
        "lhs" => Design::Lhs {
            samples: samples("lhs")?,
        },
        other => {
            return Err(key_error(
                "design",
                format!(
                    "expected one of {}, found \"{}\"",
                    quoted(DESIGNS),
                    clip(other)
                ),
            ))
        }
    };
    let replicates = raw.replicates.unwrap_or(DEFAULT_REPLICATES);
    if replicates == 0 {
        return Err(key_error(
            "replicates",
            "expected at least 1 run per point, found 0".into(),
        ));
    }
    let seeding = match raw.seeding.as_deref().unwrap_or("per_point") {
        "per_point" => Seeding::PerPoint,
        "common" => Seeding::Common,
        other => {
            return Err(key_error(
                "seeding",
                format!(
                    "expected one of {}, found \"{}\"",
                    quoted(SEEDINGS),
                    clip(other)
                ),
            ))
        }
    };

    if raw.params.is_empty() {
        return Err(key_error(
            "param",
            "missing: a sweep has at least one [[param]] table with a path and its values".into(),
        ));
    }
    let lists = matches!(design, Design::Grid | Design::Zip);
    if design == Design::Grid {
        // The grid's size from the lists' lengths and the ranges' steps as
        // written, before any range is built.
        let written = raw.params.iter().try_fold(1u64, |acc, rp| {
            let n = match (&rp.values, rp.steps) {
                (Some(v), _) => v.len() as u64,
                (None, Some(steps)) => steps,
                (None, None) => 1,
            };
            acc.checked_mul(n.max(1))
        });
        if written.is_none_or(|t| t > MAX_POINTS) {
            return Err(key_error(
                "param",
                format!("the grid has more than {MAX_POINTS} points, the most a sweep may have"),
            ));
        }
    }
    let mut params: Vec<Param> = Vec::with_capacity(raw.params.len());
    for (i, rp) in raw.params.iter().enumerate() {
        let base_key = format!("param[{i}]");
        let p = param(rp, &base_key, lists, &key_error)?;
        if let Some(j) = params.iter().position(|q| overlaps(&q.path, &p.path)) {
            return Err(key_error(
                &format!("{base_key}.path"),
                format!(
                    "\"{}\" overlaps param[{j}] (\"{}\"): each key is set by one parameter",
                    p.path, params[j].path
                ),
            ));
        }
        params.push(p);
    }
    match design {
        Design::Zip => {
            let len = |p: &Param| match &p.values {
                ParamValues::List(v) => v.len(),
                ParamValues::Dist(_) => 0,
            };
            let n0 = len(&params[0]);
            if let Some(i) = params.iter().position(|p| len(p) != n0) {
                return Err(key_error(
                    &format!("param[{i}]"),
                    format!(
                        "a zip design needs lists of equal length: param[0] ({}) has {n0} values, param[{i}] ({}) has {}",
                        params[0].path,
                        params[i].path,
                        len(&params[i])
                    ),
                ));
            }
        }
        Design::Grid => {
            let total = params.iter().try_fold(1u64, |acc, p| match &p.values {
                ParamValues::List(v) => acc.checked_mul(v.len() as u64),
                ParamValues::Dist(_) => Some(acc),
            });
            if total.is_none_or(|t| t > MAX_POINTS) {
                return Err(key_error(
                    "param",
                    format!(
                        "the grid has more than {MAX_POINTS} points, the most a sweep may have"
                    ),
                ));
            }
        }
        _ => {}
    }

    let base = load_base(file, raw.base.as_deref(), base)?;
    Ok(Sweep {
        file: file.to_string(),
        text: text.to_string(),
        name,
        base,
        design,
        params,
        replicates,
        seed: raw.seed.unwrap_or(DEFAULT_SEED),
        seeding,
        raw,
    })
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// True if setting one path would set (part of) the other.
fn overlaps(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long == short || long.starts_with(&format!("{short}."))
}

fn load_base(file: &str, key: Option<&str>, src: BaseSource<'_>) -> Result<Base, SweepError> {
    let base_err = |source| SweepError::Base {
        file: file.to_string(),
        source,
    };
    let loaded = match src {
        BaseSource::Given { file: label, text } => {
            config::load_str(label, text).map_err(base_err)?
        }
        BaseSource::Resolve(dir) => match key {
            None | Some(BUILTIN_BASE) => config::builtin_model(),
            Some(p) => config::load_file(&dir.join(p)).map_err(base_err)?,
        },
    };
    let doc: toml::Value = toml::from_str(&loaded.source).map_err(|e| {
        base_err(ConfigError::at_key(
            &loaded.file,
            "",
            format!("cannot parse: {}", e.message()),
        ))
    })?;
    Ok(Base {
        file: loaded.file.clone(),
        text: loaded.source.clone(),
        loaded,
        doc,
    })
}

/// The value forms of a `[[param]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Values,
    Range,
    Uniform,
    LogUniform,
    Normal,
    Choice,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Values => "values",
            Form::Range => "from/to/steps",
            Form::Uniform => "uniform",
            Form::LogUniform => "log_uniform",
            Form::Normal => "normal",
            Form::Choice => "choice",
        }
    }
}

fn param(
    rp: &RawParam,
    key: &str,
    lists: bool,
    key_error: &dyn Fn(&str, String) -> SweepError,
) -> Result<Param, SweepError> {
    let k = |field: &str| format!("{key}.{field}");
    let path = rp.path.trim().to_string();
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(key_error(
            &k("path"),
            format!(
                "expected a dotted key of the scenario such as \"levers.visa_review.credibility\", found \"{}\"",
                clip(&rp.path)
            ),
        ));
    }
    let range = rp.from.is_some() || rp.to.is_some() || rp.steps.is_some();
    let forms: Vec<Form> = [
        (Form::Values, rp.values.is_some()),
        (Form::Range, range),
        (Form::Uniform, rp.uniform.is_some()),
        (Form::LogUniform, rp.log_uniform.is_some()),
        (Form::Normal, rp.normal.is_some()),
        (Form::Choice, rp.choice.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, on)| on.then_some(f))
    .collect();
    let design_forms = if lists {
        "`values = [...]` or `from`, `to` and `steps` (grid and zip designs take lists)"
    } else {
        "`uniform`, `log_uniform`, `normal` or `choice` (random and lhs designs take distributions)"
    };
    let form = match forms[..] {
        [one] => one,
        [] => {
            return Err(key_error(
                key,
                format!("\"{path}\" has no values: give {design_forms}"),
            ))
        }
        _ => {
            let names: Vec<&str> = forms.iter().map(|f| f.name()).collect();
            return Err(key_error(
                key,
                format!(
                    "\"{path}\" has several value forms ({}): give exactly one",
                    names.join(", ")
                ),
            ));
        }
    };
    if matches!(form, Form::Values | Form::Range) != lists {
        let field = if form == Form::Range {
            "from"
        } else {
            form.name()
        };
        return Err(key_error(
            &k(field),
            format!("not allowed with this design: give {design_forms}"),
        ));
    }
    let integer = rp.integer;
    if integer.is_some() && matches!(form, Form::Values | Form::Choice) {
        return Err(key_error(
            &k("integer"),
            format!(
                "applies to ranges and numeric distributions, not to `{}`",
                form.name()
            ),
        ));
    }
    let integer_flag = integer.unwrap_or(false);
    let nonempty = |field: &str, v: &Option<Vec<toml::Value>>| match v {
        Some(v) if !v.is_empty() => Ok(v.clone()),
        _ => Err(key_error(
            &k(field),
            "expected at least one value, found an empty list".into(),
        )),
    };
    let bounds = |field: &str, v: &Option<Vec<f64>>| match v.as_deref() {
        Some(&[lo, hi]) if lo.is_finite() && hi.is_finite() && lo <= hi => Ok((lo, hi)),
        v => Err(key_error(
            &k(field),
            format!(
                "expected two finite bounds [lo, hi] with lo <= hi, found {}",
                list_text(v.unwrap_or_default())
            ),
        )),
    };
    let values = match form {
        Form::Values => ParamValues::List(nonempty("values", &rp.values)?),
        Form::Choice => ParamValues::Dist(Distribution::Choice(nonempty("choice", &rp.choice)?)),
        Form::Range => ParamValues::List(range_values(rp, integer, &k, key_error)?),
        Form::Uniform => {
            let (lo, hi) = bounds("uniform", &rp.uniform)?;
            if integer_flag {
                if lo.fract() != 0.0 || hi.fract() != 0.0 || lo.abs() > 9.0e15 || hi.abs() > 9.0e15
                {
                    return Err(key_error(
                        &k("uniform"),
                        format!(
                            "with integer = true the bounds are whole numbers, found [{lo}, {hi}]"
                        ),
                    ));
                }
                ParamValues::Dist(Distribution::UniformInt {
                    lo: lo as i64,
                    hi: hi as i64,
                })
            } else {
                ParamValues::Dist(Distribution::Uniform { lo, hi })
            }
        }
        Form::LogUniform => {
            let (lo, hi) = bounds("log_uniform", &rp.log_uniform)?;
            if lo <= 0.0 {
                return Err(key_error(
                    &k("log_uniform"),
                    format!("expected bounds > 0 (its logarithm is uniform), found {lo}"),
                ));
            }
            ParamValues::Dist(Distribution::LogUniform {
                lo,
                hi,
                integer: integer_flag,
            })
        }
        Form::Normal => ParamValues::Dist(normal(rp, integer_flag, &k, key_error)?),
    };
    Ok(Param { path, values })
}

/// `normal = { mean, sd, lo, hi }`: finite numbers, sd >= 0, and bounds (if
/// any) with lo < hi, whole numbers with `integer = true`. A missing bound of
/// a truncated normal is 40 sd from the mean.
fn normal(
    rp: &RawParam,
    integer: bool,
    k: &dyn Fn(&str) -> String,
    key_error: &dyn Fn(&str, String) -> SweepError,
) -> Result<Distribution, SweepError> {
    let Some(n) = rp.normal.as_ref() else {
        return Err(key_error(
            &k("normal"),
            "missing: a normal needs mean and sd".into(),
        ));
    };
    let (mean, sd) = (n.mean, n.sd);
    if !mean.is_finite() || !sd.is_finite() || sd < 0.0 {
        return Err(key_error(
            &k("normal"),
            format!("expected a finite mean and sd >= 0, found mean = {mean}, sd = {sd}"),
        ));
    }
    for (field, v) in [("lo", n.lo), ("hi", n.hi)] {
        match v {
            Some(x) if !x.is_finite() => {
                return Err(key_error(
                    &k(&format!("normal.{field}")),
                    format!("expected a finite bound, found {x}"),
                ))
            }
            Some(x) if integer && (x.fract() != 0.0 || x.abs() > 9.0e15) => {
                return Err(key_error(
                    &k(&format!("normal.{field}")),
                    format!("with integer = true the bounds are whole numbers, found {x}"),
                ))
            }
            _ => {}
        }
    }
    let bounds = match (n.lo, n.hi) {
        (None, None) => None,
        (lo, hi) => {
            let lo = lo.unwrap_or(mean - 40.0 * sd);
            let hi = hi.unwrap_or(mean + 40.0 * sd);
            if lo >= hi {
                return Err(key_error(
                    &k(if n.hi.is_some() {
                        "normal.hi"
                    } else {
                        "normal.lo"
                    }),
                    format!(
                        "expected lo < hi for a truncated normal, found lo = {lo}, hi = {hi}{}",
                        if n.lo.is_none() || n.hi.is_none() {
                            " (a missing bound is mean -/+ 40 sd)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            Some((lo, hi))
        }
    };
    Ok(Distribution::Normal {
        mean,
        sd,
        bounds,
        integer,
    })
}

fn list_text(v: &[f64]) -> String {
    format!(
        "[{}]",
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Rounds to 12 significant digits (ranges read as typed: 0.1 steps stay 0.1, 0.2, ...).
fn round12(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}

fn range_values(
    rp: &RawParam,
    integer: Option<bool>,
    k: &dyn Fn(&str) -> String,
    key_error: &dyn Fn(&str, String) -> SweepError,
) -> Result<Vec<toml::Value>, SweepError> {
    let num = |field: &str, v: &Option<toml::Value>| -> Result<(f64, bool), SweepError> {
        match v {
            Some(toml::Value::Integer(i)) => Ok((*i as f64, true)),
            Some(toml::Value::Float(f)) if f.is_finite() => Ok((*f, false)),
            Some(other) => Err(key_error(
                &k(field),
                format!("expected a finite number, found {}", canonical(other)),
            )),
            None => Err(key_error(
                &k(field),
                "missing: a range needs `from`, `to` and `steps`".into(),
            )),
        }
    };
    let (from, from_int) = num("from", &rp.from)?;
    let (to, to_int) = num("to", &rp.to)?;
    let steps = match rp.steps {
        None => {
            return Err(key_error(
                &k("steps"),
                "missing: a range needs `from`, `to` and `steps`".into(),
            ))
        }
        Some(s) if s == 0 || s > MAX_POINTS => {
            return Err(key_error(
                &k("steps"),
                format!("expected a number of values in [1, {MAX_POINTS}], found {s}"),
            ))
        }
        // Ranges include both ends: one value can only be a range of one point.
        Some(1) if from != to => {
            return Err(key_error(
                &k("steps"),
                format!(
                    "expected at least 2 values for a range from {from} to {to} (its ends are \
                     included), found 1; use `values = [{from}]` for one value"
                ),
            ))
        }
        Some(s) => s,
    };
    let v: Vec<f64> = (0..steps)
        .map(|i| {
            if i + 1 == steps && steps > 1 {
                to
            } else if i == 0 {
                from
            } else {
                round12(from + (to - from) * i as f64 / (steps - 1) as f64)
            }
        })
        .collect();
    let whole = v.iter().all(|x| x.fract() == 0.0 && x.abs() < 9.0e15);
    let as_int = integer.unwrap_or(from_int && to_int && whole);
    let out: Vec<toml::Value> = v.iter().map(|&x| design::number(x, as_int)).collect();
    if as_int {
        let mut seen = out.clone();
        seen.dedup();
        if seen.len() != out.len() {
            return Err(key_error(
                &k("steps"),
                format!("{steps} whole numbers from {from} to {to} repeat values: use fewer steps"),
            ));
        }
    }
    Ok(out)
}

/// The line of `key` (e.g. `param[2].steps`) in sweep text.
pub(super) fn line_of(text: &str, key: &str) -> Option<usize> {
    SpanIndex::of_text(text).line_of_path(key)
}
