//! The JSON Schema of scenario files and the key reference of
//! `docs/config.md`, both generated from the raw config types.
//!
//! [`json_schema`] derives the schema from [`RawScenario`] (`schemars`: the
//! raw types' doc comments become descriptions, serde defaults become
//! `default`s, `deny_unknown_fields` becomes `additionalProperties: false`,
//! and the range attributes in `raw.rs` become bounds), then completes it
//! from the rest of the code: every number gets the magnitude limit
//! ([`MAX_MAGNITUDE`]) unless it has a tighter bound, and each kinded table
//! (`strategy`, `policy`, `trigger`, `[[forecast.facts]]`) lists its kinds
//! and the keys each takes, with their defaults, from the kind tables that
//! validation uses. [`reference_markdown`] renders the same schema as
//! tables, one per config table. Both are committed (the schema as
//! `schema/scenario.schema.json`) and a test fails when either is stale.
//!
//! The schema says what a file may look like key by key; validation checks
//! more (cross-references, dates against each other, a distribution's
//! support), so a file the schema accepts may still be refused, never the
//! other way round.

use serde_json::{json, Map, Value};

use super::raw::RawScenario;
use super::validate::{kind_tables, KindRows, MAX_MAGNITUDE};

/// Where the schema is committed, relative to the repository root.
pub const SCHEMA_PATH: &str = "schema/scenario.schema.json";

/// The JSON Schema (draft 2020-12) of scenario files.
pub fn json_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut root = generator.into_root_schema_for::<RawScenario>().to_value();
    tidy(&mut root);
    if let Some(defs) = root.get_mut("$defs").and_then(Value::as_object_mut) {
        for (def, rows) in kind_tables() {
            if let Some(schema) = defs.get_mut(def) {
                kinded(schema, &rows);
            }
        }
    }
    if let Some(obj) = root.as_object_mut() {
        obj.insert("title".into(), json!("standoff scenario file"));
        obj.insert(
            "description".into(),
            json!(
                "A scenario of standoff, a simulator of coercive bilateral bargaining \
                 (version 1 of the config format). Generated from the code by \
                 `standoff schema`; docs/config.md has the same keys as tables."
            ),
        );
    }
    root
}

/// The schema as committed: pretty JSON with a final newline.
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// Drops what TOML cannot hold (null, from `Option` fields), the number
/// formats schemars adds, and bounds every number by [`MAX_MAGNITUDE`]
/// unless it has a tighter bound; recursively.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            if let Some(Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    obj.insert("type".into(), t);
                }
            }
            if let Some(Value::Array(any)) = obj.get_mut("anyOf") {
                any.retain(|s| s.get("type") != Some(&json!("null")));
                if any.len() == 1 {
                    if let Some(Value::Object(single)) = any.pop() {
                        obj.remove("anyOf");
                        for (k, x) in single {
                            obj.entry(k).or_insert(x);
                        }
                    }
                }
            }
            if obj.get("type") == Some(&json!("number")) {
                obj.remove("format");
                if !obj.contains_key("maximum") && !obj.contains_key("exclusiveMaximum") {
                    obj.insert("maximum".into(), json!(MAX_MAGNITUDE));
                }
                if !obj.contains_key("minimum") && !obj.contains_key("exclusiveMinimum") {
                    obj.insert("minimum".into(), json!(-MAX_MAGNITUDE));
                }
            }
            if obj.get("type") == Some(&json!("integer")) {
                obj.remove("format");
            }
            for x in obj.values_mut() {
                tidy(x);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// Completes the schema of a kinded table from its kind table: `kind` is
/// one of the kinds, and each kind admits only its own keys (besides the
/// keys every kind has), requires its required keys and shows its defaults.
fn kinded(schema: &mut Value, rows: &KindRows) {
    let names: Vec<&str> = rows.kinds.iter().map(|(n, _)| *n).collect();
    if let Some(kind) = schema.pointer_mut("/properties/kind") {
        kind["enum"] = json!(names);
    }
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let common: Vec<String> = obj
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.keys()
                .filter(|k| !rows.fields.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut cases = Vec::new();
    for (name, keys) in &rows.kinds {
        let mut props = Map::new();
        for c in &common {
            props.insert(c.clone(), json!(true));
        }
        for key in keys {
            let p = match &key.default {
                Some(d) => json!({ "default": d }),
                None => json!(true),
            };
            props.insert(key.name.to_string(), p);
        }
        let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
        let mut then = json!({ "properties": props, "additionalProperties": false });
        if !required.is_empty() {
            then["required"] = json!(required);
        }
        cases.push(json!({
            "if": { "properties": { "kind": { "const": name } }, "required": ["kind"] },
            "then": then,
        }));
    }
    obj.insert("allOf".into(), Value::Array(cases));
}

// ---------------------------------------------------------------------------
// The key reference.

/// The key reference: one table per config table, each key with its type,
/// default, range and meaning, and the kinds of each kinded table.
pub fn reference_markdown() -> String {
    let schema = json_schema();
    let mut out = String::new();
    out.push_str(
        "Every key of a scenario file, table by table (keys in alphabetical order). \
         `NAME` stands for a name of your choosing (letters, digits, `_` and `-`), \
         `PLAYER` for one of the two players' names. A key without a default must be \
         given where its table is; a table's own default is listed where it is a key. \
         Every number has magnitude at most 1e12 unless a range says more. Dates are \
         `\"YYYY-MM-DD\"`. Distributions are written as a number, `{ uniform = [lo, hi] }`, \
         `{ normal = { mean, sd, lo, hi } }` (truncated to [lo, hi]) or \
         `{ choice = [v, ...] }`. Validation checks more than these tables say \
         (references between tables, dates against each other, a distribution's \
         values against its key's range).\n",
    );
    let mut doc = Doc {
        defs: schema.get("$defs").cloned().unwrap_or(Value::Null),
        out,
    };
    doc.table("", &schema, false);
    doc.out
}

struct Doc {
    defs: Value,
    out: String,
}

impl Doc {
    /// The schema a `$ref` points to (or the schema itself).
    fn resolve<'a>(&'a self, s: &'a Value) -> &'a Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/$defs/")
                .and_then(|name| self.defs.get(name))
                .unwrap_or(s),
            None => s,
        }
    }

    /// A table's section, then the sections of its sub-tables.
    fn table(&mut self, path: &str, schema: &Value, array: bool) {
        let schema = self.resolve(schema).clone();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let title = match (path.is_empty(), array) {
            (true, _) => "The top level".to_string(),
            (false, true) => format!("`[[{path}]]`"),
            (false, false) => format!("`[{path}]`"),
        };
        self.out.push_str(&format!("\n### {title}\n\n"));
        if !path.is_empty() {
            if let Some(d) = description(&schema) {
                self.out.push_str(&d);
                self.out.push_str("\n\n");
            }
        }
        self.out
            .push_str("| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
        let mut subs: Vec<(String, Value, bool)> = Vec::new();
        for (key, own) in props {
            let p = self.resolve(own).clone();
            let default = if required.contains(&key.as_str()) {
                "*required*".to_string()
            } else {
                own.get("default")
                    .or(p.get("default"))
                    .map_or(String::new(), show)
            };
            // The key's own doc comment, else its table's.
            let meaning = description(own)
                .or_else(|| description(&p))
                .map_or(String::new(), |d| one_line(&d));
            self.out.push_str(&format!(
                "| `{key}` | {} | {} | {} | {} |\n",
                type_name(&p, &self.defs),
                cell(&default),
                cell(&range(&p)),
                cell(&meaning)
            ));
            let sub = |name: &str| {
                if path.is_empty() {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                }
            };
            if p.get("properties").is_some() {
                subs.push((sub(key), p.clone(), false));
            } else if let Some(inner) = named_entry(&p) {
                let inner = self.resolve(inner).clone();
                if inner.get("properties").is_some() {
                    // Tables keyed by a player's name, the others by names of their own.
                    let by_player = (path.is_empty() && key == "players") || key == "effects";
                    let slot = if by_player { "PLAYER" } else { "NAME" };
                    subs.push((format!("{}.{slot}", sub(key)), inner, false));
                }
            } else if let Some(items) = p.get("items") {
                let items = self.resolve(items).clone();
                if items.get("properties").is_some() {
                    subs.push((sub(key), items, true));
                }
            }
        }
        self.kinds(&schema);
        if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
            let extra = self.resolve(extra).clone();
            if extra.get("properties").is_some() {
                subs.push((format!("{path}.PLAYER"), extra, false));
            }
        }
        for (p, s, array) in subs {
            self.table(&p, &s, array);
        }
    }

    /// The kinds of a kinded table and the keys each takes.
    fn kinds(&mut self, schema: &Value) {
        let Some(cases) = schema.get("allOf").and_then(Value::as_array) else {
            return;
        };
        self.out
            .push_str("\n| `kind` | keys it takes (default) |\n|---|---|\n");
        for case in cases {
            let Some(name) = case
                .pointer("/if/properties/kind/const")
                .and_then(Value::as_str)
            else {
                continue;
            };
            let required: Vec<&str> = case
                .pointer("/then/required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut keys = Vec::new();
            for (k, v) in case
                .pointer("/then/properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                // A key every kind takes (kind itself, a fact's date) is in the table above.
                if cases.iter().all(|c| takes(c, k)) {
                    continue;
                }
                let what = if required.contains(&k.as_str()) {
                    "*required*".to_string()
                } else {
                    v.get("default").map_or("optional".to_string(), show)
                };
                keys.push(format!("`{k}` ({what})"));
            }
            let keys = if keys.is_empty() {
                "none".to_string()
            } else {
                keys.join(", ")
            };
            self.out.push_str(&format!("| `{name}` | {keys} |\n"));
        }
    }
}

/// True if the kind of `case` (an `if`/`then` of a kinded table) takes `key`.
fn takes(case: &Value, key: &str) -> bool {
    case.pointer("/then/properties")
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key(key))
}

/// The schema of each entry of a table of named entries.
fn named_entry(p: &Value) -> Option<&Value> {
    p.get("propertyNames")?;
    p.get("additionalProperties").filter(|a| a.is_object())
}

/// Title and description, as one text.
fn description(s: &Value) -> Option<String> {
    let parts: Vec<&str> = ["title", "description"]
        .iter()
        .filter_map(|k| s.get(*k).and_then(Value::as_str))
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A number as a reader writes it: 1e12, 0.001, 3.
fn num(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-4) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A default or constant value as written in a TOML file.
fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => format!("`{}`", n.as_f64().map_or(n.to_string(), num)),
        Value::String(s) => format!("`\"{s}\"`"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Array(a) if a.is_empty() => "none".to_string(),
        Value::Object(o) if o.is_empty() => "none".to_string(),
        Value::Object(_) => "see its table".to_string(),
        other => format!("`{other}`"),
    }
}

/// The type of a key, in words.
fn type_name(p: &Value, defs: &Value) -> String {
    if p.get("oneOf").is_some() {
        return "distribution".to_string();
    }
    if p.get("pattern").and_then(Value::as_str) == Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") {
        return "date".to_string();
    }
    match p.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = p.get("items").map_or(Value::Null, |i| match i.get("$ref") {
                Some(Value::String(r)) => defs
                    .get(r.trim_start_matches("#/$defs/"))
                    .cloned()
                    .unwrap_or(Value::Null),
                _ => i.clone(),
            });
            if items.get("properties").is_some() {
                "array of tables".to_string()
            } else {
                format!("array of {}s", type_name(&items, defs))
            }
        }
        Some("object") => match named_entry(p) {
            Some(e) if e.get("properties").is_some() || e.get("$ref").is_some() => {
                "tables by name".to_string()
            }
            Some(e) => format!("{}s by name", type_name(e, defs)),
            None => "table".to_string(),
        },
        Some(t) => t.to_string(),
        None if p.get("const").is_some() => "integer".to_string(),
        None => "value".to_string(),
    }
}

/// The range of a key, in words.
fn range(p: &Value) -> String {
    if let Some(c) = p.get("const") {
        return format!("= {}", show(c));
    }
    if let Some(Value::Array(e)) = p.get("enum") {
        return e.iter().map(show).collect::<Vec<_>>().join(", ");
    }
    if p.get("type").and_then(Value::as_str) == Some("object") {
        let mut parts = Vec::new();
        if let Some(min) = p.get("minProperties").and_then(Value::as_u64) {
            match p.get("maxProperties").and_then(Value::as_u64) {
                Some(max) if max == min => parts.push(format!("exactly {min}")),
                Some(max) => parts.push(format!("{min} to {max}")),
                None => parts.push(format!("at least {min}")),
            }
        }
        if let Some(e) = named_entry(p).filter(|e| e.get("properties").is_none()) {
            let r = range(e);
            if !r.is_empty() {
                parts.push(format!("each {r}"));
            }
        }
        return parts.join("; ");
    }
    if p.get("type").and_then(Value::as_str) == Some("array") {
        let mut parts = Vec::new();
        match (
            p.get("minItems").and_then(Value::as_u64),
            p.get("maxItems").and_then(Value::as_u64),
        ) {
            (Some(a), Some(b)) if a == b => parts.push(format!("exactly {a} values")),
            (Some(a), _) => parts.push(format!(
                "at least {a} value{}",
                if a == 1 { "" } else { "s" }
            )),
            _ => {}
        }
        if p.get("uniqueItems") == Some(&json!(true)) {
            parts.push("no repeats".to_string());
        }
        return parts.join(", ");
    }
    if let Some(pat) = p.get("pattern").and_then(Value::as_str) {
        return match pat {
            "^[A-Za-z0-9_-]+$" => "letters, digits, `_`, `-`".to_string(),
            "\\S" => "not blank".to_string(),
            _ => String::new(),
        };
    }
    let f = |k: &str| p.get(k).and_then(Value::as_f64);
    let (lo, lo_open) = match (f("minimum"), f("exclusiveMinimum")) {
        (_, Some(x)) => (Some(x), true),
        (Some(x), None) => (Some(x), false),
        _ => (None, false),
    };
    let (hi, hi_open) = match (f("maximum"), f("exclusiveMaximum")) {
        (_, Some(x)) => (Some(x), true),
        (Some(x), None) => (Some(x), false),
        _ => (None, false),
    };
    let integer = p.get("type").and_then(Value::as_str) == Some("integer");
    // The limits of u32 are not ranges a reader needs to see.
    let hi = hi.filter(|&h| !(integer && h >= f64::from(u32::MAX)));
    match (lo, hi) {
        (Some(a), Some(b)) if a == -b && !lo_open && !hi_open && b == MAX_MAGNITUDE => {
            "any".to_string()
        }
        (Some(a), Some(b)) => format!(
            "{}{}, {}{}",
            if lo_open { "(" } else { "[" },
            num(a),
            num(b),
            if hi_open { ")" } else { "]" }
        ),
        (Some(a), None) if integer && a == 0.0 && !lo_open => String::new(),
        (Some(a), None) => format!("{} {}", if lo_open { ">" } else { ">=" }, num(a)),
        (None, Some(b)) => format!("{} {}", if hi_open { "<" } else { "<=" }, num(b)),
        (None, None) => String::new(),
    }
}
