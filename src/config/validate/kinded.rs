//! Kinded tables, `{ kind = "...", ... }`: the mechanism behind the kind
//! tables of [`super::kinds`].
//!
//! A raw kinded table keeps one `Option` field per key of any of its kinds
//! ([`Kinded::FIELDS`] names them). A [`Table`] has one [`Kind`] row per kind:
//! its name, the keys it takes ([`Key`]: required, optional, or with a
//! default) and a builder of the model value. From the rows alone,
//! [`Table::build`] reports an unknown kind (listing the kinds), a key the
//! kind does not take (listing the keys it takes) and a missing required key,
//! and hands the builder the raw table with its defaults filled in;
//! [`Table::fill`] writes the defaults into the raw config, so that the
//! resolved config shows them.

use super::{bad, k, Cx, V};
use crate::config::raw::{RawDate, RawExposure};

/// A default value of a key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Value {
    /// A number (`f64` field).
    Num(f64),
    /// A whole number (`u32` field).
    Whole(u32),
    /// A string (`String` field).
    Text(&'static str),
}

/// Whether a key of a kind must be given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Need {
    /// It must be given; the text says what is needed, e.g. "an exponent > 0".
    Required(&'static str),
    /// It may be left out; the builder decides what its absence means.
    Optional,
    /// Left out, it takes this value (written into the resolved config).
    Default(Value),
}

/// A key taken by a kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Key {
    /// The key, a name in [`Kinded::FIELDS`].
    pub name: &'static str,
    /// Whether it must be given, and its default.
    pub need: Need,
}

impl Key {
    /// A key that must be given; `what` says what is needed ("a date").
    pub const fn required(name: &'static str, what: &'static str) -> Key {
        Key {
            name,
            need: Need::Required(what),
        }
    }

    /// A key that may be left out, without a default.
    pub const fn optional(name: &'static str) -> Key {
        Key {
            name,
            need: Need::Optional,
        }
    }

    /// A key that takes `value` when left out.
    pub const fn default(name: &'static str, value: Value) -> Key {
        Key {
            name,
            need: Need::Default(value),
        }
    }
}

/// Builds the model value of one kind from its raw table (defaults filled in,
/// required keys present).
pub(super) type Build<R, M> = fn(&At<'_>, &R) -> V<M>;

/// One row of a kind table.
pub(super) struct Kind<R: 'static, M: 'static> {
    /// The value of `kind`.
    pub name: &'static str,
    /// The keys it takes besides `kind`; every other key is an error.
    pub keys: &'static [Key],
    /// Its builder.
    pub build: Build<R, M>,
}

/// A kind table: every kind of one kinded table, in the order messages list them.
pub(super) struct Table<R: 'static, M: 'static> {
    /// What a kind is called in messages: "strategy", "policy", "trigger".
    pub what: &'static str,
    /// The rows.
    pub kinds: &'static [Kind<R, M>],
}

/// One key of a raw kinded table, as the table sees it.
pub(super) trait Slot {
    /// True if the key is present.
    fn is_set(&self) -> bool;
    /// Sets the key to `v` if it is absent; false if `v` has the wrong type
    /// for the key (a defect of a kind table).
    fn fill(&mut self, v: Value) -> bool;
}

/// Field types that a [`Value`] can fill.
pub(super) trait FromValue: Sized {
    /// The field value of `v`, if `v` has this type.
    fn from_value(v: Value) -> Option<Self>;
}

impl FromValue for f64 {
    fn from_value(v: Value) -> Option<f64> {
        match v {
            Value::Num(x) => Some(x),
            _ => None,
        }
    }
}

impl FromValue for u32 {
    fn from_value(v: Value) -> Option<u32> {
        match v {
            Value::Whole(x) => Some(x),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(v: Value) -> Option<String> {
        match v {
            Value::Text(x) => Some(x.to_string()),
            _ => None,
        }
    }
}

/// Flags have no defaults (a kind that takes one requires it).
impl FromValue for bool {
    fn from_value(_: Value) -> Option<bool> {
        None
    }
}

/// Dates and exposures have no defaults.
impl FromValue for RawDate {
    fn from_value(_: Value) -> Option<RawDate> {
        None
    }
}

impl FromValue for RawExposure {
    fn from_value(_: Value) -> Option<RawExposure> {
        None
    }
}

impl<T: FromValue> Slot for Option<T> {
    fn is_set(&self) -> bool {
        self.is_some()
    }

    fn fill(&mut self, v: Value) -> bool {
        match T::from_value(v) {
            Some(x) => {
                self.get_or_insert(x);
                true
            }
            None => false,
        }
    }
}

/// A key of a raw kinded table and its accessor.
pub(super) type Field<R> = (&'static str, fn(&mut R) -> &mut dyn Slot);

/// A raw kinded table: a `kind` and one `Option` field per key.
pub(super) trait Kinded: Clone + 'static {
    /// Every key besides `kind`, in declaration order.
    const FIELDS: &'static [Field<Self>];

    /// The value of `kind`.
    fn kind(&self) -> &str;

    /// The key called `name`.
    fn slot(&mut self, name: &str) -> Option<&mut dyn Slot> {
        let (_, get) = Self::FIELDS.iter().find(|(n, _)| *n == name)?;
        Some(get(self))
    }
}

/// What a builder knows about the table it builds.
pub(super) struct At<'a> {
    /// The dotted key of the table, e.g. `players.korea.strategy`.
    pub base: &'a str,
    /// What a kind is called in messages ("strategy").
    pub what: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// The rest of the scenario.
    pub cx: &'a Cx<'a>,
}

impl At<'_> {
    /// The dotted key of `field` of this table.
    pub fn key(&self, field: &str) -> String {
        k(self.base, field)
    }

    /// The value of a key that the kind's row requires or defaults, so that
    /// it is always present by the time the builder runs.
    pub fn get<T: Clone>(&self, field: &str, v: &Option<T>) -> V<T> {
        match v {
            Some(x) => Ok(x.clone()),
            None => bad(
                self.key(field),
                format!(
                    "{} '{}' has no value for {field}: its row in the kind table \
                     neither requires nor defaults it (a defect of this build)",
                    self.what, self.kind
                ),
            ),
        }
    }
}

impl<R, M> Table<R, M> {
    /// The kind names, in order, as an array (for the public lists of kinds);
    /// `N` must be the number of kinds.
    pub const fn names<const N: usize>(&self) -> [&'static str; N] {
        assert!(N == self.kinds.len(), "N is not the number of kinds");
        let mut out = [""; N];
        let mut i = 0;
        while i < N {
            out[i] = self.kinds[i].name;
            i += 1;
        }
        out
    }
}

impl<R: Kinded, M> Table<R, M> {
    /// The row of `kind`.
    fn row(&self, kind: &str) -> Option<&'static Kind<R, M>> {
        self.kinds.iter().find(|r| r.name == kind)
    }

    /// Fills the defaults of the raw table's kind; an unknown kind is left for
    /// [`Table::build`] to report.
    pub fn fill(&self, raw: &mut R) {
        if let Some(row) = self.row(raw.kind()) {
            fill_row(row, raw);
        }
    }

    /// Checks a raw table against its kind's row and builds it; `base` is the
    /// dotted key of the table.
    pub fn build(&self, base: &str, raw: &R, cx: &Cx) -> V<M> {
        let Some(row) = self.row(raw.kind()) else {
            let kinds: Vec<&str> = self.kinds.iter().map(|r| r.name).collect();
            return bad(
                k(base, "kind"),
                format!(
                    "unknown {} '{}'; expected one of {}",
                    self.what,
                    crate::config::error::clip(raw.kind()),
                    kinds.join(", ")
                ),
            );
        };
        let mut raw = raw.clone();
        for (field, get) in R::FIELDS {
            if get(&mut raw).is_set() && !row.keys.iter().any(|key| key.name == *field) {
                return bad(k(base, field), self.not_used(row));
            }
        }
        fill_row(row, &mut raw);
        for key in row.keys {
            if let Need::Required(what) = key.need {
                if !raw.slot(key.name).is_some_and(|s| s.is_set()) {
                    return bad(
                        k(base, key.name),
                        format!("missing: {} '{}' needs {what}", self.what, row.name),
                    );
                }
            }
        }
        let at = At {
            base,
            what: self.what,
            kind: row.name,
            cx,
        };
        (row.build)(&at, &raw)
    }

    /// The message for a key that `row` does not take.
    fn not_used(&self, row: &Kind<R, M>) -> String {
        let takes = if row.keys.is_empty() {
            "no other keys".to_string()
        } else {
            let names: Vec<&str> = row.keys.iter().map(|key| key.name).collect();
            names.join(", ")
        };
        format!(
            "not used by {} '{}' (it takes {takes})",
            self.what, row.name
        )
    }
}

fn fill_row<R: Kinded, M>(row: &Kind<R, M>, raw: &mut R) {
    for key in row.keys {
        if let (Need::Default(v), Some(slot)) = (key.need, raw.slot(key.name)) {
            slot.fill(v);
        }
    }
}

/// A kind table as data, for the schema and the key reference
/// (`config::schema`): the keys of the raw table that depend on the kind,
/// and each kind's name and keys.
#[derive(Debug, Clone)]
pub(crate) struct KindRows {
    /// Every kind-dependent key of the raw table ([`Kinded::FIELDS`]).
    pub fields: Vec<&'static str>,
    /// Each kind: its name and its keys with what they need.
    pub kinds: Vec<(&'static str, Vec<KeyRow>)>,
}

/// A key of a kind, for the schema.
#[derive(Debug, Clone)]
pub(crate) struct KeyRow {
    /// The key.
    pub name: &'static str,
    /// It must be given.
    pub required: bool,
    /// Its default, if it has one.
    pub default: Option<serde_json::Value>,
}

impl<R: Kinded, M> Table<R, M> {
    /// The rows as data ([`KindRows`]).
    pub fn rows(&self) -> KindRows {
        KindRows {
            fields: R::FIELDS.iter().map(|(n, _)| *n).collect(),
            kinds: self
                .kinds
                .iter()
                .map(|row| {
                    let keys = row
                        .keys
                        .iter()
                        .map(|key| KeyRow {
                            name: key.name,
                            required: matches!(key.need, Need::Required(_)),
                            default: match key.need {
                                Need::Default(Value::Num(x)) => Some(serde_json::json!(x)),
                                Need::Default(Value::Whole(x)) => Some(serde_json::json!(x)),
                                Need::Default(Value::Text(x)) => Some(serde_json::json!(x)),
                                _ => None,
                            },
                        })
                        .collect();
                    (row.name, keys)
                })
                .collect(),
        }
    }
}
