//! Raw config types: a faithful mirror of the TOML file, and the users'
//! reference for the schema.
//!
//! Every table rejects unknown keys. Keys marked *required* must be present;
//! every other key has the default given in its documentation. Nothing here is
//! checked beyond its TOML type: ranges, names and cross-references are checked
//! by validation (`config::validate`), which turns a [`RawScenario`] into a
//! [`crate::model::Scenario`].
//!
//! Tables keyed by name (`[players.NAME]`, `[issues.NAME]`, `[levers.NAME]`,
//! `[events.NAME]`, and per-player maps) keep the order of the file: the first
//! player listed is side 0, issues are columns in file order, and so on.
//!
//! Distributions (`players.NAME.type.*`) are written as
//! - a number: always that value, e.g. `resolve = 1.0`;
//! - `{ uniform = [lo, hi] }`: uniform on [lo, hi];
//! - `{ normal = { mean = m, sd = s, lo = a, hi = b } }`: normal truncated to [a, b];
//! - `{ choice = [v1, v2, ...] }`: one of the values, equally likely.
//!
//! Dates are `"YYYY-MM-DD"` strings (a bare TOML local date `2025-07-31` is
//! accepted too). A date is mapped to a round by counting rounds of
//! `clock.days_per_round` days from `clock.start`: a date marking the start of
//! something (a focal date, `from_date`, an event date, an `at_date` policy) maps
//! to the first round on or after it, `ceil((date - start) / days_per_round)`; a
//! `to_date` maps to the last round on or before it.

use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A table of named entries that keeps the order of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T> Default for Named<T> {
    fn default() -> Self {
        Named(Vec::new())
    }
}

impl<T> Named<T> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The entry called `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut T> {
        self.0.iter_mut().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Names in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
}

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Named<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of named entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Named<T>, A::Error> {
                let mut out: Vec<(String, T)> = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    if out.iter().any(|(n, _)| *n == k) {
                        return Err(de::Error::custom(format!("duplicate key '{k}'")));
                    }
                    let v = map.next_value::<T>()?;
                    out.push((k, v));
                }
                Ok(Named(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A table of names (letters, digits, `_` and `-`), each holding a `T`.
impl<T: JsonSchema> JsonSchema for Named<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Named_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "propertyNames": { "pattern": NAME_PATTERN },
            "additionalProperties": generator.subschema_for::<T>(),
        })
    }
}

/// The names of players, issues, levers and events: letters, digits, `_` and `-`.
pub const NAME_PATTERN: &str = "^[A-Za-z0-9_-]+$";

/// A date as written in the file (`"YYYY-MM-DD"`); parsed during validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDate(pub String);

impl Serialize for RawDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date \"YYYY-MM-DD\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawDate, E> {
                Ok(RawDate(s.to_owned()))
            }
            // A bare TOML date reaches serde as a map holding the datetime.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawDate, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawDate(dt.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawDate {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A date \"YYYY-MM-DD\".",
        })
    }
}

/// A distribution of a scalar: see the module documentation for its forms.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDist {
    /// A number: always this value.
    Fixed(f64),
    /// `{ uniform = [lo, hi] }` with lo <= hi.
    Uniform([f64; 2]),
    /// `{ normal = { mean, sd, lo, hi } }`: normal(mean, sd) truncated to [lo, hi].
    Normal(RawNormal),
    /// `{ choice = [v, ...] }`: one of at least one value, equally likely.
    Choice(Vec<f64>),
}

/// Parameters of a truncated normal distribution (all required).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNormal {
    /// Mean before truncation.
    pub mean: f64,
    /// Standard deviation before truncation (>= 0).
    #[schemars(range(min = 0))]
    pub sd: f64,
    /// Lower truncation bound.
    pub lo: f64,
    /// Upper truncation bound (>= lo).
    pub hi: f64,
}

const DIST_FORMS: &str = "a number, { uniform = [lo, hi] }, \
    { normal = { mean = .., sd = .., lo = .., hi = .. } } or { choice = [..] }";

impl JsonSchema for RawDist {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Distribution".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let one = |key: &str, value: serde_json::Value| {
            serde_json::json!({
                "type": "object",
                "properties": { key: value },
                "required": [key],
                "additionalProperties": false,
            })
        };
        let number = serde_json::json!({ "type": "number" });
        let normal = generator.subschema_for::<RawNormal>();
        schemars::json_schema!({
            "description": format!("A distribution: {DIST_FORMS}."),
            "oneOf": [
                number,
                one("uniform", serde_json::json!({
                    "type": "array", "items": number, "minItems": 2, "maxItems": 2,
                })),
                one("normal", normal.to_value()),
                one("choice", serde_json::json!({
                    "type": "array", "items": number, "minItems": 1,
                })),
            ],
        })
    }
}

impl Serialize for RawDist {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RawDist::Fixed(v) => s.serialize_f64(*v),
            RawDist::Uniform(b) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("uniform", b)?;
                m.end()
            }
            RawDist::Normal(n) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("normal", n)?;
                m.end()
            }
            RawDist::Choice(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("choice", v)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a distribution: {DIST_FORMS}")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDist, A::Error> {
                let Some(kind) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(format!(
                        "expected a distribution ({DIST_FORMS}), found an empty table"
                    )));
                };
                let dist = match kind.as_str() {
                    "uniform" => {
                        let v: Vec<f64> = map.next_value()?;
                        match v[..] {
                            [lo, hi] => RawDist::Uniform([lo, hi]),
                            _ => {
                                return Err(de::Error::custom(format!(
                                    "uniform: expected two bounds [lo, hi], found {} values",
                                    v.len()
                                )))
                            }
                        }
                    }
                    "normal" => RawDist::Normal(map.next_value()?),
                    "choice" => RawDist::Choice(map.next_value()?),
                    other => {
                        return Err(de::Error::custom(format!(
                            "unknown distribution '{other}'; expected {DIST_FORMS}"
                        )))
                    }
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "unexpected key '{extra}': a distribution table has exactly one key \
                         (uniform, normal or choice)"
                    )));
                }
                Ok(dist)
            }
        }
        d.deserialize_any(V)
    }
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Config format version. *Required*; must be `1`.
    #[schemars(extend("const" = 1))]
    pub version: u32,
    /// Scenario name, *required*: letters, digits, `_` and `-` (it names output folders).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub name: String,
    /// Free text describing the scenario (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `[clock]`, *required*: calendar, focal deadline and horizon.
    pub clock: RawClock,
    /// `[protocol]`: who proposes, and the offer grid. All keys default.
    #[serde(default)]
    pub protocol: RawProtocol,
    /// `[players.NAME]`, *required*: exactly two tables; the first is side 0.
    #[schemars(extend("minProperties" = 2, "maxProperties" = 2))]
    pub players: Named<RawPlayer>,
    /// `[issues.NAME]`, *required*: at least one issue, in column order.
    #[schemars(extend("minProperties" = 1, "maxProperties" = 200))]
    pub issues: Named<RawIssue>,
    /// `[levers.NAME]`: pressure levers of either side (optional).
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub levers: Named<RawLever>,
    /// `[events.NAME]`: exogenous events (optional).
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub events: Named<RawEvent>,
    /// `[forecast]`: the observed history a forecast from a date is
    /// conditioned on (optional; without it runs start at `clock.start`
    /// knowing nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<RawForecast>,
}

/// `[forecast]`: a forecast from `as_of`, given the facts observed by then.
///
/// Rounds dated on or before `as_of` are the observed history. Every run is
/// a candidate: facts about exogenous shocks are imposed on it, and a
/// candidate that contradicts a fact about the players' choices (or that
/// ends before `as_of`: talks were open) is rejected. `--runs N` means N
/// kept runs. See docs/model.md, "Forecasting from a date".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawForecast {
    /// The date of the forecast, *required*: on or after `clock.start`, and
    /// before the date of the last round.
    pub as_of: RawDate,
    /// Smallest share of candidates that must be kept, in (0, 1]: a run
    /// that would need more than `runs / min_acceptance` candidates stops
    /// with an error naming the fact that rejects the most. Default 0.001.
    #[serde(default = "default_min_acceptance")]
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 1))]
    pub min_acceptance: f64,
    /// `[[forecast.facts]]`: the facts observed by `as_of`, in any order.
    #[serde(default)]
    pub facts: Vec<RawFact>,
}

/// The default of `forecast.min_acceptance`.
pub fn default_min_acceptance() -> f64 {
    0.001
}

/// `[[forecast.facts]]`: one observed fact, `kind = "..."`, dated by `date`
/// (on or after `clock.start`, on or before `forecast.as_of`).
///
/// | kind | keys |
/// |---|---|
/// | `event` | `event` (a name), `fired` (bool): it fired in the round of `date`, or (false) in no round up to it; `mode` |
/// | `lever` | `lever` (a name), `used` (bool): it was carried out in the round of `date`, or (false) in no round up to it; `threatened` (bool, with `used = false`): a threat was (or no threat was) made with it by then; `mode` |
/// | `offer` | `side` (a player), `issue`, `value`, `tolerance` >= 0: that side's latest offer on or before `date` put the issue within `tolerance` of `value` (the issue's unit) |
///
/// `mode` is `"impose"` or `"condition"`. Imposed, the coin that decides
/// the fact (does the event fire? is the threat carried out?) is set on
/// every candidate; what the players chose (did they want the lever?) is
/// still conditioned on. Conditioned, candidates that contradict the fact
/// are rejected. Default: `impose` for levers and for events whose hazard
/// depends on nothing in the run (a `date` trigger, or a `hazard` without
/// `exposure` and with `lever_sensitivity = 0`), `condition` for the other
/// events (their firing says something about the terms on the table).
/// Offers are always conditioned on. `note` is free text (e.g. the source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    /// The kind of fact, *required*: `event`, `lever` or `offer`.
    pub kind: String,
    /// The date it was observed on, *required*.
    pub date: RawDate,
    /// `impose` or `condition` (`event`, `lever`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["impose", "condition"]))]
    pub mode: Option<String>,
    /// The event (`event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Whether it fired (`event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fired: Option<bool>,
    /// The lever (`lever`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lever: Option<String>,
    /// Whether it was carried out (`lever`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used: Option<bool>,
    /// With `used = false`: whether a threat was made with it by `date`
    /// (`lever`; optional: not observed if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threatened: Option<bool>,
    /// The player whose offer was seen (`offer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// The issue (`offer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// The position seen, in the issue's unit (`offer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// How far from `value` a matching offer may be (`offer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub tolerance: Option<f64>,
    /// Free text: where the fact comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `[clock]`: the calendar of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClock {
    /// Date of round 0, *required*.
    pub start: RawDate,
    /// Days per round (>= 1). Default 7.
    #[serde(default = "default_days_per_round")]
    #[schemars(range(min = 1))]
    pub days_per_round: u32,
    /// Number of rounds (1..=100000), *required*. Rounds are 0..horizon; no
    /// deal by then means the status quo stands.
    #[schemars(range(min = 1, max = 100_000))]
    pub horizon: u32,
    /// `[clock.focal]`: an optional focal deadline (e.g. a summit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focal: Option<RawFocal>,
}

fn default_days_per_round() -> u32 {
    7
}

/// `[clock.focal]`: a focal date that is costly to pass without a deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFocal {
    /// Its name, *required* (a label).
    #[schemars(regex(pattern = r"\S"))]
    pub name: String,
    /// Its date, *required*, on or after `clock.start`. Passing it means
    /// reaching its round (the first round on or after the date) without a deal.
    pub date: RawDate,
    /// One-off audience cost (USD bn, >= 0) per player name, e.g.
    /// `{ korea = 2.0, us = 1.0 }`; a player left out pays 0.
    #[serde(default)]
    #[schemars(extend("additionalProperties" = { "type": "number", "minimum": 0 }))]
    pub audience_cost: Named<f64>,
    /// Fall in domestic support (in [0, 1]) per player name; default 0.
    #[serde(default)]
    #[schemars(extend("additionalProperties" = { "type": "number", "minimum": 0, "maximum": 1 }))]
    pub support_loss: Named<f64>,
}

/// `[protocol]`: the bargaining protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RawProtocol {
    /// `"alternate"` (default: proposers alternate, `first` starts) or
    /// `"random"` (each round the first-listed player proposes with probability
    /// `recognition`).
    #[schemars(extend("enum" = ["alternate", "random"]))]
    pub proposer: String,
    /// With `alternate`: the player who proposes in round 0. Default: the
    /// first-listed player. Not allowed with `random`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// With `random`: probability in [0, 1] that the FIRST-listed player
    /// proposes in a round. Default 0.5. Not allowed with `alternate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub recognition: Option<f64>,
    /// Grid steps per issue on the offer path (1..=10000). Default 100.
    #[schemars(range(min = 1, max = 10_000))]
    pub resolution: u32,
    /// Failed ratifications after which the talks break down (>= 1). Default 3.
    #[schemars(range(min = 1))]
    pub max_ratifications: u32,
}

impl Default for RawProtocol {
    fn default() -> Self {
        RawProtocol {
            proposer: "alternate".into(),
            first: None,
            recognition: None,
            resolution: 100,
            max_ratifications: 3,
        }
    }
}

/// `[players.NAME]`: one of the two players. The name is any of letters,
/// digits, `_` and `-`, except `unit`, `lo` and `hi` (keys of issue tables).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlayer {
    /// USD bn that one unit of deal utility is worth to this player (> 0),
    /// *required*: converts costs to utility.
    #[schemars(range(min = 1e-6))]
    pub bn_per_util: f64,
    /// Per-round discount factor in (0, 1]. Default 1 (no discounting).
    #[serde(default = "one")]
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 1))]
    pub discount: f64,
    /// Cost (USD bn, >= 0) this player bears in every round without a deal.
    /// Default 0.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub delay_cost: f64,
    /// Rounds (>= 0) for which extra pressure (lever and event costs) is expected
    /// to persist after a breakdown; scales how much it lowers the no-deal value.
    /// Default 0.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub pressure_horizon: f64,
    /// Acceptance rule: `"next_offer_or_no_deal"` (default: accept an offer worth
    /// at least the higher of its own next offer and its no-deal value),
    /// `"no_deal"` or `"next_offer"`.
    #[serde(default = "default_acceptance")]
    #[schemars(extend("enum" = ["next_offer_or_no_deal", "no_deal", "next_offer"]))]
    pub acceptance: String,
    /// Whether this side walks away when its no-deal value exceeds the best deal
    /// it expects the other to accept. Default true.
    #[serde(default = "yes")]
    pub walk_away: bool,
    /// `[players.NAME.type]`: the private type, drawn per run.
    #[serde(default, rename = "type")]
    pub types: RawType,
    /// `[players.NAME.politics]`: domestic support.
    #[serde(default)]
    pub politics: RawPolitics,
    /// `[players.NAME.ratification]`: ratification of an accepted deal at home.
    #[serde(default)]
    pub ratification: RawRatification,
    /// `[players.NAME.strategy]`, *required*: the bidding strategy.
    pub strategy: RawStrategy,
    /// `[players.NAME.exposure]`: the FX-crisis exposure this player prices
    /// into its utility of a deal (optional; none: utilities are additive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<RawExposurePricing>,
}

/// `[players.NAME.exposure]`: the expected cost of the FX crises a deal adds,
/// priced into this player's utility of the deal (THEORY §4; docs/model.md,
/// "Exposure priced in utilities"):
///
/// ```text
/// u(x) = Σ weight × value − T × [(1 − (1 − h)^n) − (1 − (1 − base)^n)] × loss / bn_per_util
/// T = Π committed values / cap            (funding period, years)
/// h = min(1, base + slope × cap / (reserves + cushion))   (per round, the deal's terms)
/// n = 365 / clock.days_per_round          (rounds a year)
/// ```
///
/// where `base`, `slope`, `reserves`, the cushion issue and the exposed issue
/// (`cap`, e.g. the annual cash cap) are those of `event`'s hazard trigger and
/// its `exposure`, the one place they are written. For example
///
/// ```toml
/// [players.korea.exposure]
/// event = "fx_shock"
/// loss = 120.0                          # USD bn: 6.5% of a $1.87T GDP
/// committed = ["headline", "cash_share"]
/// ```
///
/// A player who prices exposure makes utilities non-separable: offer paths
/// are then built as a Pareto frontier rather than by the greedy walk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExposurePricing {
    /// An event, *required*, whose trigger is `hazard` with an `exposure`
    /// (and which is enabled).
    pub event: String,
    /// USD bn (>= 0) lost per crisis, *required*.
    #[schemars(range(min = 0))]
    pub loss: f64,
    /// Issues, *required* (at least one, each at most once, ranges >= 0),
    /// whose values multiply to the cash committed (USD bn), e.g.
    /// `["headline", "cash_share"]`.
    #[schemars(extend("minItems" = 1, "uniqueItems" = true))]
    pub committed: Vec<String>,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

fn default_acceptance() -> String {
    "next_offer_or_no_deal".into()
}

/// `[players.NAME.type]`: distributions of the private type (see the module
/// documentation for how to write a distribution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RawType {
    /// Reservation value: utility of no deal on the deal-utility scale; its
    /// support must lie in [-1, 1]. Default 0.
    pub reservation: RawDist,
    /// Multiplier (support >= 0) on the player's flow costs: its true cost of
    /// delay. Default 1.
    pub delay_cost_factor: RawDist,
    /// Resolve (support > 0): divides the concession exponent (resolve > 1
    /// concedes more slowly). Default 1.
    pub resolve: RawDist,
}

impl Default for RawType {
    fn default() -> Self {
        RawType {
            reservation: RawDist::Fixed(0.0),
            delay_cost_factor: RawDist::Fixed(1.0),
            resolve: RawDist::Fixed(1.0),
        }
    }
}

/// `[players.NAME.politics]`: domestic support (two-level game).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RawPolitics {
    /// Support at round 0, in [0, 1]. Default 0.5.
    #[schemars(range(min = 0, max = 1))]
    pub initial_support: f64,
    /// Fall in support per USD bn of cost borne in a round (>= 0). Default 0.
    #[schemars(range(min = 0))]
    pub pain: f64,
    /// Fall in support per unit of own utility conceded in an offer (>= 0). Default 0.
    #[schemars(range(min = 0))]
    pub concession: f64,
    /// Rise in support per round in which the leader does not concede (>= 0). Default 0.
    #[schemars(range(min = 0))]
    pub firmness: f64,
}

impl Default for RawPolitics {
    fn default() -> Self {
        RawPolitics {
            initial_support: 0.5,
            pain: 0.0,
            concession: 0.0,
            firmness: 0.0,
        }
    }
}

/// `[players.NAME.ratification]`: ratification of an accepted deal at home.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RawRatification {
    /// Probability in [0, 1] of ratification when support is at its initial level
    /// and the deal is worth exactly the reservation value. Default 1.
    #[schemars(range(min = 0, max = 1))]
    pub base: f64,
    /// Logit change per unit of support above the initial level (>= 0). Default 0.
    #[schemars(range(min = 0))]
    pub support_slope: f64,
    /// Logit change per unit of deal utility above the no-deal value (>= 0). Default 0.
    #[schemars(range(min = 0))]
    pub terms_slope: f64,
    /// One-off cost (USD bn, >= 0) to this side when ratification fails. Default 0.
    #[schemars(range(min = 0))]
    pub failure_cost: f64,
    /// Fall in support (in [0, 1]) after a failed ratification. Default 0.
    #[schemars(range(min = 0, max = 1))]
    pub failure_support_loss: f64,
    /// Rise in the reservation value (in [0, 1]) after a failed ratification. Default 0.
    #[schemars(range(min = 0, max = 1))]
    pub failure_hardening: f64,
}

impl Default for RawRatification {
    fn default() -> Self {
        RawRatification {
            base: 1.0,
            support_slope: 0.0,
            terms_slope: 0.0,
            failure_cost: 0.0,
            failure_support_loss: 0.0,
            failure_hardening: 0.0,
        }
    }
}

/// `[players.NAME.strategy]`: the bidding strategy. Which keys apply depends on
/// `kind`; a key that does not apply to the kind is an error.
///
/// | kind | keys (default) |
/// |---|---|
/// | `boulware` | `exponent` in (0, 1) (0.3), `deadline` (`"horizon"`) |
/// | `linear` | `exponent` = 1 (1), `deadline` (`"horizon"`) |
/// | `conceder` | `exponent` > 1 (3), `deadline` (`"horizon"`) |
/// | `time_dependent` | `exponent` > 0 (*required*), `deadline` (`"horizon"`) |
/// | `tit_for_tat` | `reciprocity` >= 0 (1), `step` >= 0 (0) |
/// | `hardliner` | `deadline` (`"horizon"`) |
/// | `equilibrium` | none |
/// | `bayesian` | `grid` in [2, 10000] (101) |
/// | `nash` | `grid` in [2, 10000] (101) |
/// | `attrition` | `grid` in [2, 10000] (101), `endurance` > 0 (0.5) |
///
/// `deadline` is `"focal"` (concede towards `clock.focal`, which must then
/// exist) or `"horizon"`. The first four kinds are Faratin et al.'s (1998)
/// time-dependent concession with target utility
/// `floor + (1 - floor) * (1 - (t/T)^(1/exponent))`. `equilibrium` plays the
/// subgame-perfect equilibrium of the complete-information game (types at
/// their means), by backward induction over the rounds; `bayesian` screens
/// with a belief over the opponent's reservation value (its configured
/// distribution, tabulated on `grid` points), updated by Bayes' rule;
/// `nash` demands the generalised Nash bargaining solution of both sides'
/// current impasse values (costs, threats, discounting and the focal
/// deadline to come), the opponent's estimated from the same kind of belief;
/// `attrition` demands the Nash solution against the weakest opponent it
/// cannot rule out and concedes to the opponent's demand once holding out
/// has cost it `endurance` × its resolve × its stake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStrategy {
    /// The strategy, *required*: one of `boulware`, `linear`, `conceder`,
    /// `time_dependent`, `tit_for_tat`, `hardliner`, `equilibrium`, `bayesian`, `nash`,
    /// `attrition`.
    pub kind: String,
    /// Concession exponent (time-dependent kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub exponent: Option<f64>,
    /// Deadline conceded towards: `"focal"` or `"horizon"` (time-dependent kinds, hardliner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["focal", "horizon"]))]
    pub deadline: Option<String>,
    /// Share of the opponent's last concession returned (tit_for_tat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub reciprocity: Option<f64>,
    /// Unconditional concession per round, in utility (tit_for_tat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub step: Option<f64>,
    /// Points of the grid on which the prior over the opponent's reservation
    /// value is tabulated (bayesian, nash, attrition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 10_000))]
    pub grid: Option<u32>,
    /// The share of its stake a side of resolve 1 will burn holding out (attrition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub endurance: Option<f64>,
}

/// `[issues.NAME]`: one issue of the deal. Besides `unit`, `lo` and `hi`, the
/// table has one entry per player, keyed by the player's name:
/// `korea = { weight = 0.1, prefers = "low", exponent = 1.0 }`. An issue
/// settled by an earlier agreement is declared `fixed = VALUE` instead (no
/// range, no preferences): it takes that value in every deal.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
pub struct RawIssue {
    /// Unit label, e.g. `"usd_bn"`. Default `""`.
    #[schemars(default)]
    pub unit: String,
    /// Low end of the range, *required* unless `fixed`.
    pub lo: Option<f64>,
    /// High end of the range (> lo), *required* unless `fixed`.
    pub hi: Option<f64>,
    /// The value of an issue fixed by an earlier agreement.
    pub fixed: Option<f64>,
    /// Grid steps of the range, for an issue with its own scale (e.g. 2:
    /// three levels lo, midpoint, hi). Default: `protocol.resolution`.
    #[schemars(range(min = 1, max = 10_000))]
    pub steps: Option<u32>,
    /// Each player's preference, keyed by player name (one entry per player, *required*).
    #[schemars(flatten)]
    pub prefs: Named<RawPref>,
}

/// A player's view of an issue: `{ weight = .., prefers = "low" | "high", exponent = .. }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPref {
    /// Salience (>= 0), *required*. A player's weights are normalised to sum
    /// to 1 over the issues, so only their ratios matter; not all may be 0.
    #[schemars(range(min = 0))]
    pub weight: f64,
    /// `"low"` or `"high"`: which end of the range this player prefers, *required*.
    #[schemars(extend("enum" = ["low", "high"]))]
    pub prefers: String,
    /// Value-curve exponent (> 0): < 1 concave (risk-averse), 1 linear, > 1 convex. Default 1.
    #[serde(default = "one")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub exponent: f64,
}

/// Keys of an issue table that are not player names.
pub(crate) const ISSUE_KEYS: [&str; 5] = ["unit", "lo", "hi", "fixed", "steps"];

impl Serialize for RawIssue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("unit", &self.unit)?;
        for (key, v) in [("lo", self.lo), ("hi", self.hi), ("fixed", self.fixed)] {
            if let Some(v) = v {
                m.serialize_entry(key, &v)?;
            }
        }
        if let Some(steps) = self.steps {
            m.serialize_entry("steps", &steps)?;
        }
        for (k, v) in &self.prefs.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for RawIssue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawIssue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "an issue table (unit, lo, hi and one entry per player, or unit and fixed)",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawIssue, A::Error> {
                let mut unit = None;
                let mut lo = None;
                let mut hi = None;
                let mut fixed = None;
                let mut steps = None;
                let mut prefs: Vec<(String, RawPref)> = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    match k.as_str() {
                        "unit" => unit = Some(map.next_value::<String>()?),
                        "lo" => lo = Some(map.next_value::<f64>()?),
                        "hi" => hi = Some(map.next_value::<f64>()?),
                        "fixed" => fixed = Some(map.next_value::<f64>()?),
                        "steps" => steps = Some(map.next_value::<u32>()?),
                        _ => {
                            let p = map.next_value::<RawPref>()?;
                            prefs.push((k, p));
                        }
                    }
                }
                Ok(RawIssue {
                    unit: unit.unwrap_or_default(),
                    lo,
                    hi,
                    fixed,
                    steps,
                    prefs: Named(prefs),
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// `[levers.NAME]`: a pressure lever; its target is the player who does not own it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLever {
    /// The player who pulls it, *required*.
    pub owner: String,
    /// False switches it off (its policy becomes `never`), for ablations. Default true.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Cost (USD bn, >= 0) per active round to the target. Default 0.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub cost_to_target: f64,
    /// Cost (USD bn, >= 0) per active round to the owner. Default 0.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub cost_to_owner: f64,
    /// One-off cost (USD bn, >= 0) to the target when carried out. Default 0.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub one_off_cost: f64,
    /// Probability in [0, 1] that a threatened use is carried out. Default 1.
    #[serde(default = "one")]
    #[schemars(range(min = 0, max = 1))]
    pub credibility: f64,
    /// Hardening of the target while active, in [0, 1]: its support rises by
    /// backlash × (1 − support) when used and its concession rate is multiplied
    /// by (1 − backlash). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub backlash: f64,
    /// Softening of the target while active, in [0, 1]: its concession rate is
    /// multiplied by (1 + softening) (sweeteners). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub softening: f64,
    /// Hardening of the owner while active, in [0, 1]: the owner's concession
    /// rate is multiplied by (1 − owner_resolve) (demands, stalling). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub owner_resolve: f64,
    /// Hazard in [0, 1] added, while active, to events whose trigger has a
    /// `lever_sensitivity` (e.g. an FX shock under a rating squeeze). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub hazard: f64,
    /// Rounds it stays active once used (0: until the run ends). Default 0.
    #[serde(default)]
    pub duration: u32,
    /// Per-round decay in [0, 1] of its costs while active: cost × (1 − decay)^age. Default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub decay: f64,
    /// How many times it can be used in a run. Default 1.
    #[serde(default = "one_u32")]
    pub max_uses: u32,
    /// Earliest date it can be used (on or after `clock.start`); default: round 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_date: Option<RawDate>,
    /// When the owner uses it, *required*.
    pub policy: RawPolicy,
}

fn one_u32() -> u32 {
    1
}

/// A lever's policy: `{ kind = "...", ... }`.
///
/// | kind | keys |
/// |---|---|
/// | `stalled` | `rounds` >= 1 (*required*): after this many rounds in which the opponent's offers did not improve for the owner |
/// | `expected_gain` | none: when credibility × expected pressure gain exceeds the owner's expected cost |
/// | `at_date` | `date` (*required*): in the first round on or after the date |
/// | `before_deadline` | `rounds` >= 0 (*required*): this many rounds before the focal deadline (or the horizon) |
/// | `never` | none |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// The policy, *required*: `stalled`, `expected_gain`, `at_date`, `before_deadline` or `never`.
    pub kind: String,
    /// Rounds (`stalled`, `before_deadline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
    /// Date (`at_date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<RawDate>,
}

/// `[events.NAME]`: an exogenous shock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// False switches it off: it stays in the scenario (so output columns do not
    /// change) with a trigger that never fires. Default true.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How many times it can fire in a run. Default 1.
    #[serde(default = "one_u32")]
    pub max_occurrences: u32,
    /// When it fires, *required*.
    pub trigger: RawTrigger,
    /// `[events.NAME.effects.PLAYER]`: what it does to each player; a player
    /// left out is unaffected.
    #[serde(default)]
    pub effects: Named<RawEffect>,
}

/// An event trigger: `{ kind = "...", ... }`.
///
/// | kind | keys (default) |
/// |---|---|
/// | `hazard` | `base` in [0, 1] (0), `from_date` (`clock.start`), `to_date` (the horizon), `lever_sensitivity` >= 0 (0), `exposure` (none) |
/// | `date` | `date` (*required*), `probability` in [0, 1] (1) |
///
/// A hazard event fires in each round from `from_date` to `to_date` with probability
///
/// ```text
/// base + exposure.slope × value(exposure.issue) / (exposure.reserves + value(exposure.cushion))
///      + lever_sensitivity × (sum of the hazards of active levers)
/// ```
///
/// capped at 1, where value(issue) is that issue's value in the offer on the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTrigger {
    /// The trigger, *required*: `hazard` or `date`.
    pub kind: String,
    /// Base hazard per round (`hazard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub base: Option<f64>,
    /// First date it can fire (`hazard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_date: Option<RawDate>,
    /// Last date it can fire (`hazard`), on or after `from_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_date: Option<RawDate>,
    /// Weight on the hazards added by active levers (`hazard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub lever_sensitivity: Option<f64>,
    /// Exposure of the hazard to the terms on the table (`hazard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<RawExposure>,
    /// The date it fires on (`date`), on or after `clock.start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<RawDate>,
    /// Probability that it happens on that date (`date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub probability: Option<f64>,
}

/// `exposure = { issue = .., reserves = .., cushion = .., slope = .. }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExposure {
    /// Issue whose value on the table drives the hazard, *required*.
    pub issue: String,
    /// Denominator (> 0), e.g. FX reserves in USD bn, *required*.
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub reserves: f64,
    /// Optional issue whose value adds to the denominator (e.g. a swap line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cushion: Option<String>,
    /// Hazard per unit of value / (reserves + cushion) (>= 0), *required*.
    #[schemars(range(min = 0))]
    pub slope: f64,
    /// Convexity b (> 0) of the hazard in the exposure ratio: the term is
    /// `slope × (value / (reserves + cushion))^b`. Default 1 (linear).
    /// THEORY §4's logistic crisis hazard in coverage C = (R + S) / O
    /// behaves like C^(−b) at small odds, with b = ln M / ln 2 where M
    /// multiplies the odds when coverage halves (M in [1.5, 4]: b in [0.58, 2]).
    #[serde(default = "one")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub power: f64,
}

/// `[events.NAME.effects.PLAYER]`: what an event does to one player.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RawEffect {
    /// One-off cost (USD bn, >= 0). Default 0.
    #[schemars(range(min = 0))]
    pub one_off_cost: f64,
    /// Change in the flow cost per round from now on (USD bn; may be negative,
    /// the total never goes below 0). Default 0.
    pub flow_cost: f64,
    /// Shift in domestic support, in [-1, 1]. Default 0.
    #[schemars(range(min = -1, max = 1))]
    pub support: f64,
    /// Multiplier (> 0) on the concession rate from now on: < 1 hardens, > 1 softens. Default 1.
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub concession: f64,
    /// Shift in the reservation value (utility), in [-1, 1]. Default 0.
    #[schemars(range(min = -1, max = 1))]
    pub reservation: f64,
}

impl Default for RawEffect {
    fn default() -> Self {
        RawEffect {
            one_off_cost: 0.0,
            flow_cost: 0.0,
            support: 0.0,
            concession: 1.0,
            reservation: 0.0,
        }
    }
}
