//! Scenario configs: TOML files in, validated [`crate::model::Scenario`]s out.
//!
//! Two phases. The file is deserialised into raw types ([`raw`]) that mirror it
//! key for key (unknown keys are errors, omitted keys take documented
//! defaults, `version = 1` is required); validation then checks every range,
//! name and cross-reference and builds the model. The engine sees only the
//! model. Errors ([`ConfigError`]) name the file, the dotted key and, when the
//! source text is at hand, its line.
//!
//! What validation decides beyond the raw types' documentation:
//! - each player's issue weights are normalised to sum to 1 (only their
//!   ratios matter; negative weights, or all zero, are errors);
//! - dates map to rounds of `clock.days_per_round` days from `clock.start`:
//!   starts (`clock.focal.date`, `from_date`, an event's `date`, `at_date`) to
//!   the first round on or after the date, a hazard's `to_date` to the last
//!   round on or before it; dates before `clock.start` are errors, dates past
//!   the horizon are allowed (they never come);
//! - a lever with `enabled = false` keeps its place with policy
//!   [`crate::model::LeverPolicy::Never`]; an event with `enabled = false` keeps its
//!   place (so output columns do not change) with the trigger
//!   `OnRound { round: u32::MAX, probability: 0.0 }`, which never fires;
//! - kind-dependent defaults (strategy exponents and deadlines, the first
//!   proposer, trigger defaults) are written into the raw config, so that
//!   [`resolved_toml`] shows the config exactly as it was run.
//!
//! Only this module reads config files.

mod error;
pub(crate) mod locate;
pub mod raw;
pub mod schema;
mod validate;
mod warn;

use std::path::Path;

use toml_edit::{DocumentMut, ImDocument, Item, Table, Value};

use crate::date::Date;
use crate::model::Scenario;

pub use error::{clip, ConfigError, MAX_ECHO};
pub(crate) use error::{reword, SerdeProblem};
use locate::SpanIndex;
pub use raw::RawScenario;
pub use validate::{
    ACCEPTANCE_RULES, BOULWARE_EXPONENT, CONCEDER_EXPONENT, FACT_KINDS, FACT_MODES, MAX_HORIZON,
    MAX_ISSUES, MAX_PATH_VALUES, MAX_RESOLUTION, POLICY_KINDS, PROPOSER_RULES, STRATEGY_KINDS,
    TRIGGER_KINDS, VERSION,
};
pub use warn::{warnings, Warning};

/// The built-in 2025 Korea–US scenario (`configs/korea_us_2025.toml`).
pub const BUILTIN_TOML: &str = include_str!("../../configs/korea_us_2025.toml");

/// The file label of the built-in scenario in messages and manifests.
pub const BUILTIN_LABEL: &str = "korea_us_2025.toml (built-in)";

/// A config loaded and validated.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file label (a path, or a label such as the built-in's).
    pub file: String,
    /// The text as read.
    pub source: String,
    /// The raw config with every default filled in.
    pub raw: RawScenario,
    /// The validated scenario.
    pub scenario: Scenario,
}

/// The largest config or sweep file read, in bytes (1 MiB: the built-in
/// scenario, every comment included, is under 40 KB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads a config or sweep file as text, at most [`MAX_FILE_BYTES`] of it
/// (so `/dev/zero` or a huge file is refused at once, not read into memory);
/// errors name the file.
pub fn read_text(path: &Path) -> Result<String, ConfigError> {
    use std::io::Read;
    let file = path.display().to_string();
    let read_err = |source| ConfigError::Read {
        file: file.clone(),
        source,
    };
    let f = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ConfigError::TooLarge {
            file,
            limit: MAX_FILE_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        ))
    })
}

/// Reads and validates a config file; read errors name the file.
pub fn load_file(path: &Path) -> Result<Loaded, ConfigError> {
    let text = read_text(path)?;
    load_str(&path.display().to_string(), &text)
}

/// Parses and validates config text; `file_label` names it in messages.
pub fn load_str(file_label: &str, text: &str) -> Result<Loaded, ConfigError> {
    let (raw, scenario) = parse(file_label, text, true)?;
    Ok(Loaded {
        file: file_label.to_string(),
        source: text.to_string(),
        raw,
        scenario,
    })
}

/// The scenario `standoff init` writes, with `NAME` for its name: a
/// commented minimal scenario that runs (a test loads and runs it).
pub const TEMPLATE_TOML: &str = include_str!("template.toml");

/// The template with its name set (a name of letters, digits, `_` and `-`).
pub fn template(name: &str) -> String {
    TEMPLATE_TOML.replacen("name = \"NAME\"", &format!("name = \"{name}\""), 1)
}

/// The built-in scenarios: name and text (compiled in). The first is the
/// default scenario of `run`, `replay` and `validate --statics`.
pub const BUILTINS: &[(&str, &str)] = &[
    ("korea_us_2025", BUILTIN_TOML),
    ("japan_us_2025", JAPAN_TOML),
];

/// The Japan–US 2025 scenario (`configs/japan_us_2025.toml`): the same
/// engine and issue space on Japan's facts (not a forecast: its deal was
/// done by 2025-10-27).
pub const JAPAN_TOML: &str = include_str!("../../configs/japan_us_2025.toml");

/// The built-in scenario called `name`, loaded.
pub fn builtin_named(name: &str) -> Option<Loaded> {
    let (n, text) = BUILTINS.iter().find(|(n, _)| *n == name)?;
    match load_str(&format!("{n}.toml (built-in)"), text) {
        Ok(l) => Some(l),
        // A unit test loads every built-in, so this is a build defect.
        Err(e) => panic!("the built-in scenario {n} does not validate: {e}"),
    }
}

/// The scenario cut at `as_of` (`--as-of`): its forecast made on that date
/// from the facts known then ([`Forecast::cut`](crate::model::Forecast::cut):
/// facts that something happened after it are dropped, facts that
/// something had not happened by a later date are cut to it, keys are
/// kept). A scenario without `[forecast]` gets one with the sole fact that
/// talks were open. The date must be on or after `clock.start`, not after
/// the scenario's own `forecast.as_of`, and before the last round. The
/// resolved config is the file's; errors name the key `--as-of`.
pub fn cut_at(loaded: &Loaded, as_of: &str) -> Result<Loaded, ConfigError> {
    let bad = |message: String| ConfigError::at_key(&loaded.file, "--as-of", message);
    let Some(date) = Date::parse(as_of) else {
        return Err(bad(format!(
            "expected a date \"YYYY-MM-DD\", found \"{}\"",
            as_of.escape_default()
        )));
    };
    let mut scn = loaded.scenario.clone();
    let clock = &scn.clock;
    if date < clock.start {
        return Err(bad(format!(
            "expected a date on or after clock.start ({}), found {date}",
            clock.start
        )));
    }
    let last = clock.date_of(clock.horizon - 1);
    if date >= last {
        return Err(bad(format!(
            "expected a date before the last round ({last}), so that something is left to forecast; found {date}"
        )));
    }
    let forecast = match &scn.forecast {
        Some(f) if date > f.as_of => {
            return Err(bad(format!(
                "expected a date on or before the scenario's forecast.as_of ({}): \
                 the scenario holds no facts after it; found {date}",
                f.as_of
            )))
        }
        Some(f) => f.cut(clock, date),
        None => {
            crate::model::Forecast::open_only(clock, date, "--as-of", raw::default_min_acceptance())
        }
    };
    scn.forecast = Some(forecast);
    Ok(Loaded {
        file: format!("{} (as of {date})", loaded.file),
        source: loaded.source.clone(),
        raw: loaded.raw.clone(),
        scenario: scn,
    })
}

/// The scenario without its `[forecast]` (`--no-forecast`): the model from
/// `clock.start`. Unchanged if it has none.
pub fn drop_forecast(loaded: &Loaded) -> Result<Loaded, ConfigError> {
    if loaded.raw.forecast.is_none() {
        return Ok(loaded.clone());
    }
    let label = format!("{} (without its [forecast])", loaded.file);
    load_str(&label, &without_forecast(&loaded.source))
}

/// The built-in scenario (the first of [`BUILTINS`]), loaded.
pub fn builtin() -> Loaded {
    let (name, _) = BUILTINS[0];
    builtin_named(name).unwrap_or_else(|| unreachable!("{name} is in BUILTINS"))
}

/// The label of the built-in scenario's model ([`builtin_model`]).
pub const BUILTIN_MODEL_LABEL: &str = "korea_us_2025.toml (built-in, without its [forecast])";

/// The built-in scenario's model from `clock.start`, without its
/// `[forecast]`: what sweeps with `base = "builtin"`, the comparative
/// statics and the model tests run ("what if" studies of the model, not
/// forecasts). The forecast table is the file's last, so every other key
/// keeps its line.
pub fn builtin_model() -> Loaded {
    let text = without_forecast(BUILTIN_TOML);
    match load_str(BUILTIN_MODEL_LABEL, &text) {
        Ok(l) => l,
        Err(e) => panic!("the built-in scenario's model does not validate: {e}"),
    }
}

/// Config text without its `[forecast]` table (unchanged if it has none or
/// does not parse).
pub fn without_forecast(text: &str) -> String {
    match text.parse::<DocumentMut>() {
        Ok(mut doc) if doc.contains_key("forecast") => {
            doc.remove("forecast");
            doc.to_string()
        }
        _ => text.to_string(),
    }
}

/// The built-in scenario with each player's `[players.NAME.strategy]` table
/// replaced by `strategies` (inline TOML tables, e.g. `{ kind = "nash" }`,
/// in player order): the variants the tests and benches compare.
pub fn builtin_with_strategies(strategies: [&str; 2]) -> Loaded {
    let base = builtin_model();
    let mut doc: toml::Value = match toml::from_str(&base.source) {
        Ok(v) => v,
        Err(e) => panic!("the built-in scenario does not parse: {e}"),
    };
    for (name, table) in base
        .scenario
        .players
        .iter()
        .map(|p| &p.name)
        .zip(strategies)
    {
        let t: toml::Value = match toml::from_str(&format!("s = {table}")) {
            Ok(toml::Value::Table(mut t)) => t.remove("s").unwrap_or(toml::Value::Boolean(false)),
            other => panic!("not an inline table: {table} ({other:?})"),
        };
        doc["players"][name.as_str()]["strategy"] = t;
    }
    let label = format!("{BUILTIN_MODEL_LABEL} with strategies {strategies:?}");
    match from_value(&label, doc) {
        Ok((raw, scenario)) => Loaded {
            file: label,
            source: resolved_toml(&raw),
            raw,
            scenario,
        },
        Err(e) => panic!("{e}"),
    }
}

/// Validates a config held as a TOML value (e.g. a parsed file in which a
/// sweep has set a parameter with [`set_path`]). Errors name the dotted key,
/// without a line.
pub fn from_value(
    file_label: &str,
    value: toml::Value,
) -> Result<(RawScenario, Scenario), ConfigError> {
    parse(file_label, &value_text(file_label, value)?, false)
}

/// A config held as a TOML value, as text: going through text gives serde
/// errors a span that locates their key. The value must be a table.
fn value_text(file_label: &str, value: toml::Value) -> Result<String, ConfigError> {
    match value {
        toml::Value::Table(t) => toml::to_string(&t).map_err(|e| {
            ConfigError::at_key(file_label, "", format!("cannot serialise the config: {e}"))
        }),
        other => Err(ConfigError::expected(
            file_label,
            "",
            "a table at the top of the config",
            format!("a {}", other.type_str()),
        )),
    }
}

/// The config as resolved (every default filled in), as TOML text that loads
/// back to the same [`RawScenario`].
pub fn resolved_toml(raw: &RawScenario) -> String {
    let text = match toml::to_string(raw) {
        Ok(t) => t,
        Err(e) => return format!("# cannot serialise the config: {e}\n"),
    };
    match text.parse::<DocumentMut>() {
        Ok(mut doc) => {
            tidy(doc.as_table_mut(), "");
            doc.to_string()
        }
        Err(_) => text,
    }
}

/// Sets the value at dotted `path` (e.g. `levers.visa_review.credibility`) in a
/// config held as a TOML value, creating the last key if it is absent (it may
/// be a key left to its default). Every table on the way must exist. A key the
/// schema does not know is reported by [`from_value`] as an unknown key.
pub fn set_path(
    file_label: &str,
    doc: &mut toml::Value,
    path: &str,
    value: toml::Value,
) -> Result<(), ConfigError> {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(ConfigError::no_such_key(
            file_label,
            path,
            "a dotted path has non-empty parts, e.g. levers.visa_review.credibility",
        ));
    }
    let mut cur = doc;
    for (i, seg) in segs.iter().enumerate() {
        let here = segs[..i].join(".");
        let table = match cur {
            toml::Value::Table(t) => t,
            other => {
                return Err(ConfigError::no_such_key(
                    file_label,
                    path,
                    &format!("'{here}' is a {}, not a table", other.type_str()),
                ))
            }
        };
        if i + 1 == segs.len() {
            if let Some(toml::Value::Table(t)) = table.get(*seg) {
                if !matches!(value, toml::Value::Table(_)) {
                    let keys: Vec<&str> = t.keys().map(String::as_str).collect();
                    return Err(ConfigError::no_such_key(
                        file_label,
                        path,
                        &format!(
                            "it is a table; address one of its keys ({})",
                            keys.join(", ")
                        ),
                    ));
                }
            }
            table.insert(seg.to_string(), value);
            return Ok(());
        }
        cur = match table.get_mut(*seg) {
            Some(v) => v,
            None => {
                let full = segs[..=i].join(".");
                return Err(ConfigError::no_such_key(
                    file_label,
                    path,
                    &format!("there is no table '{full}'"),
                ));
            }
        };
    }
    Ok(())
}

/// Validates a config held as a TOML value as [`from_value`] does, without
/// building its offer paths: for checking many variants of a scenario
/// (a sweep's points) before any runs.
///
/// The value is deserialised directly (no text round trip); should that
/// fail, or the file need a message about its shape, the value goes the
/// way of [`from_value`] for the message that names the key. Returns the
/// scenario without its offer paths (`Scenario::paths` empty).
pub fn check_value(file_label: &str, value: toml::Value) -> Result<Scenario, ConfigError> {
    use serde::Deserialize;
    let fast = match &value {
        toml::Value::Table(t) => match RawScenario::deserialize(value.clone()) {
            Ok(raw) if raw.version == VERSION && array_for_table(t, &raw).is_none() => Some(raw),
            _ => None,
        },
        _ => None,
    };
    let Some(mut raw) = fast else {
        let text = value_text(file_label, value)?;
        return parse_with(file_label, &text, false, false).map(|(_, s)| s);
    };
    validate::resolve_defaults(&mut raw);
    validate::unbuilt(&raw).map_err(|b| ConfigError::at_key(file_label, b.key, b.message))
}

fn parse(label: &str, text: &str, lines: bool) -> Result<(RawScenario, Scenario), ConfigError> {
    parse_with(label, text, lines, true)
}

fn parse_with(
    label: &str,
    text: &str,
    lines: bool,
    paths: bool,
) -> Result<(RawScenario, Scenario), ConfigError> {
    let doc = ImDocument::parse(text).map_err(|e| {
        let (line, column) = locate::line_col(text, e.span().map_or(0, |s| s.start));
        ConfigError::Syntax {
            file: label.to_string(),
            line,
            column,
            message: e.message().trim().replace('\n', "; "),
        }
    })?;
    let idx = SpanIndex::new(&doc, text);
    let line_of = |key: &str| if lines { idx.line_of_path(key) } else { None };
    let key_error = |key: &str, message: String| ConfigError::Key {
        file: label.to_string(),
        line: line_of(key),
        key: key.to_string(),
        message,
    };

    // The version first: a file of another version may have other keys.
    if let Some(message) = version_problem(&doc, VERSION, "a scenario file", "config format") {
        return Err(key_error("version", message));
    }

    let mut raw: RawScenario =
        toml::from_str(text).map_err(|e| serde_error(label, &idx, lines, &e))?;
    let input: toml::Table =
        toml::from_str(text).map_err(|e| serde_error(label, &idx, lines, &e))?;
    if let Some(key) = array_for_table(&input, &raw) {
        return Err(key_error(&key, ARRAY_FOR_TABLE.to_string()));
    }
    validate::resolve_defaults(&mut raw);
    let check = if paths {
        validate::scenario
    } else {
        validate::unbuilt
    };
    let scenario = check(&raw).map_err(|b| key_error(&b.key, b.message))?;
    Ok((raw, scenario))
}

/// The message for [`array_for_table`].
pub(crate) const ARRAY_FOR_TABLE: &str =
    "expected a table (named keys, e.g. { kind = \"linear\" } or a [TABLE] header), found an array";

/// The first key of the file that holds an array where the schema has a
/// table: serde fills a table from an array's elements by position
/// (`strategy = ["boulware", 0.2]`, `protocol = []`), which a config must
/// not rely on. Found by walking the file beside the table as deserialised
/// (`raw`, serialised back).
pub(crate) fn array_for_table(input: &toml::Table, raw: &impl serde::Serialize) -> Option<String> {
    let schema = toml::Table::try_from(raw).ok()?;
    walk_arrays(input, &schema, "")
}

fn walk_arrays(t: &toml::Table, schema: &toml::Table, prefix: &str) -> Option<String> {
    for (k, item) in t {
        let Some(toml::Value::Table(sub)) = schema.get(k) else {
            continue;
        };
        let path = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        match item {
            toml::Value::Array(_) => return Some(path),
            toml::Value::Table(inner) => {
                if let Some(found) = walk_arrays(inner, sub, &path) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

fn serde_error(label: &str, idx: &SpanIndex, lines: bool, e: &toml::de::Error) -> ConfigError {
    let mut at = e.span().map(|s| s.start);
    let path_at = |a: usize| idx.path_at(a).unwrap_or("").to_string();
    let (key, message) = match reword(e.message()) {
        SerdeProblem::Unknown(m) | SerdeProblem::Value(m) => (at.map_or(String::new(), path_at), m),
        SerdeProblem::Missing(field) => {
            let table = at.and_then(|a| idx.table_at(a)).unwrap_or("");
            let key = if table.is_empty() {
                // The root table has no line of its own.
                at = None;
                field.clone()
            } else {
                format!("{table}.{field}")
            };
            (key, format!("missing required key '{field}'"))
        }
    };
    ConfigError::Key {
        file: label.to_string(),
        line: at.filter(|_| lines).map(|a| idx.line_of_offset(a)),
        key,
        message,
    }
}

/// Tables written inline in the resolved config (`*` matches any name).
const INLINE: &[&str] = &[
    "clock.focal.*",
    "players.*.type.*",
    "issues.*.*",
    "levers.*.*",
    "events.*.trigger",
];

fn matches_pattern(path: &str, pattern: &str) -> bool {
    let p: Vec<&str> = path.split('.').collect();
    let q: Vec<&str> = pattern.split('.').collect();
    p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| *b == "*" || a == b)
}

/// Makes the serialised config read like a hand-written one: small tables
/// inline, no empty parent headers.
fn tidy(t: &mut Table, prefix: &str) {
    let mut has_values = false;
    for (mut k, item) in t.iter_mut() {
        let path = if prefix.is_empty() {
            k.get().to_string()
        } else {
            format!("{prefix}.{}", k.get())
        };
        if item.is_table() {
            if INLINE.iter().any(|p| matches_pattern(&path, p)) {
                if let Item::Table(tbl) = std::mem::take(item) {
                    *item = Item::Value(Value::InlineTable(tbl.into_inline_table()));
                }
                // The key kept the decor of a table header.
                k.leaf_decor_mut().clear();
                has_values = true;
            } else if let Some(sub) = item.as_table_mut() {
                tidy(sub, &path);
            }
        } else if !item.is_none() {
            has_values = true;
        }
    }
    if !prefix.is_empty() && !has_values {
        t.set_implicit(true);
    }
}

#[cfg(test)]
mod tests;

/// What is wrong with the `version` key of a parsed file (None if it is
/// `version = expected`): shared by scenario and sweep files.
pub(crate) fn version_problem(
    doc: &toml_edit::ImDocument<&str>,
    expected: u32,
    kind: &str,
    format: &str,
) -> Option<String> {
    match doc.get("version") {
        None => Some(format!(
            "missing required key; {kind} starts with `version = {expected}`"
        )),
        Some(item) if item.as_integer() == Some(expected as i64) => None,
        Some(item) => {
            let found = item.as_value().map_or_else(
                || "a table".to_string(),
                |v| error::clip(v.to_string().trim()),
            );
            Some(format!(
                "expected {expected} (the {format} this build reads), found {found}"
            ))
        }
    }
}
