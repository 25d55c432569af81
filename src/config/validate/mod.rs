//! Validation: turns a [`RawScenario`] into a [`model::Scenario`](Scenario),
//! checking every range, name and cross-reference, and naming the dotted key
//! of the first problem found (in file order).
//!
//! Kind-dependent defaults (a strategy's exponent, the first proposer, a
//! trigger's base hazard, ...) are filled into the raw config by
//! [`resolve_defaults`] before validation, so the resolved config recorded in
//! the manifest shows them.
//!
//! One file per table: [`clock`], [`protocol`], [`player`] (with [`dist`] for
//! its type), [`issue`], [`lever`], [`event`]; [`checks`] holds the checks of
//! single values. Kinded tables (`strategy`, `policy`, `trigger`) are driven
//! by the kind tables in [`kinds`], through the mechanism in [`kinded`].

mod checks;
mod clock;
mod dist;
mod event;
mod forecast;
mod issue;
mod kinded;
mod kinds;
mod lever;
mod player;
mod protocol;
#[cfg(test)]
mod tests;

use crate::model::{Clock, Player, Scenario, Side};

use super::raw::{RawPlayer, RawProtocol, RawScenario, ISSUE_KEYS};
use checks::name;
use clock::{clock_base, focal, Cal};
use kinds::{POLICIES, STRATEGIES, TRIGGERS};

pub use checks::MAX_MAGNITUDE;
pub use forecast::{FACT_KINDS, FACT_MODES};
pub(crate) use kinded::KindRows;
pub use kinds::{
    BOULWARE_EXPONENT, CONCEDER_EXPONENT, POLICY_KINDS, STRATEGY_KINDS, TRIGGER_KINDS,
};

/// A validation failure: the dotted key and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bad {
    pub key: String,
    pub message: String,
}

type V<T> = Result<T, Bad>;

fn bad<T>(key: impl Into<String>, message: impl Into<String>) -> V<T> {
    Err(Bad {
        key: key.into(),
        message: message.into(),
    })
}

/// The config format version this build reads.
pub const VERSION: u32 = 1;

/// Acceptance rules.
pub const ACCEPTANCE_RULES: &[&str] = &["next_offer_or_no_deal", "no_deal", "next_offer"];
/// Proposer rules.
pub const PROPOSER_RULES: &[&str] = &["alternate", "random"];

/// Largest allowed `clock.horizon`.
pub const MAX_HORIZON: u32 = 100_000;
/// Largest allowed `protocol.resolution`.
pub const MAX_RESOLUTION: u32 = 10_000;
/// Most issues a scenario may have.
pub const MAX_ISSUES: usize = 200;
/// Most values the two offer paths may each hold: issues × points, a point
/// per grid step of the issues the sides pull apart (plus one). Memory and
/// the time to build a path grow with it (8 bytes a value): 10^7 is 80 MB
/// a path.
pub const MAX_PATH_VALUES: u64 = 10_000_000;

fn k(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_string()
    } else {
        format!("{base}.{field}")
    }
}

fn list(items: &[&str]) -> String {
    items.join(", ")
}

/// The kind tables as data, keyed by the name of their raw type's schema
/// (`RawStrategy`, `RawPolicy`, `RawTrigger`, `RawFact`): what the JSON
/// Schema says about kinded tables comes from the same rows as validation.
pub(crate) fn kind_tables() -> Vec<(&'static str, KindRows)> {
    vec![
        ("RawStrategy", STRATEGIES.rows()),
        ("RawPolicy", POLICIES.rows()),
        ("RawTrigger", TRIGGERS.rows()),
        ("RawFact", forecast::FACTS.rows()),
    ]
}

// ---------------------------------------------------------------------------
// Defaults that depend on other keys.

/// Fills the defaults that depend on a `kind` (from the kind tables) or on
/// other tables, leaving anything it does not understand for validation to
/// report.
pub(crate) fn resolve_defaults(raw: &mut RawScenario) {
    let first_player = raw.players.names().next().map(str::to_string);
    resolve_protocol(&mut raw.protocol, first_player);
    for (_, p) in raw.players.0.iter_mut() {
        STRATEGIES.fill(&mut p.strategy);
    }
    for (_, l) in raw.levers.0.iter_mut() {
        POLICIES.fill(&mut l.policy);
    }
    for (_, e) in raw.events.0.iter_mut() {
        TRIGGERS.fill(&mut e.trigger);
    }
}

fn resolve_protocol(p: &mut RawProtocol, first_player: Option<String>) {
    match p.proposer.as_str() {
        "alternate" if p.first.is_none() => p.first = first_player,
        "random" if p.recognition.is_none() => p.recognition = Some(0.5),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// The scenario.

/// Validates a raw scenario (whose defaults have been resolved) into the
/// model, with its offer paths built.
pub(crate) fn scenario(raw: &RawScenario) -> V<Scenario> {
    let mut s = unbuilt(raw)?;
    s.rebuild_paths();
    Ok(s)
}

/// Validates a raw scenario into the model without building its offer
/// paths (most of the cost of loading a scenario that prices exposure):
/// enough to know that it is valid, as a sweep's points are checked.
pub(crate) fn unbuilt(raw: &RawScenario) -> V<Scenario> {
    if raw.version != VERSION {
        return bad(
            "version",
            format!(
                "expected {VERSION} (the config format this build reads), found {}",
                raw.version
            ),
        );
    }
    name("name", &raw.name, "scenario")?;

    let cal = clock_base(raw)?;

    // Players: names first, so that every later reference can be checked.
    if raw.players.len() != 2 {
        let names: Vec<&str> = raw.players.names().collect();
        return bad(
            "players",
            format!(
                "expected exactly two players ([players.NAME] tables), found {}{}",
                names.len(),
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", names.join(", "))
                }
            ),
        );
    }
    let pnames: Vec<&str> = raw.players.names().collect();
    for n in &pnames {
        let key = k("players", n);
        name(&key, n, "player")?;
        if ISSUE_KEYS.contains(n) {
            return bad(
                key,
                format!(
                    "a player cannot be named '{n}': {} are keys of issue tables",
                    list(&ISSUE_KEYS)
                ),
            );
        }
    }
    let players = Players(&pnames);

    let focal = match &raw.clock.focal {
        Some(f) => Some(focal(f, &cal, &players)?),
        None => None,
    };
    let clock = Clock {
        start: cal.start,
        days_per_round: cal.days_per_round,
        horizon: cal.horizon,
        focal,
    };

    let protocol = protocol::protocol(&raw.protocol, &players)?;

    let inames: Vec<&str> = raw.issues.names().collect();
    if let Some(extra) = inames.get(MAX_ISSUES) {
        return bad(
            k("issues", extra),
            format!(
                "expected at most {MAX_ISSUES} issues ([issues.NAME] tables), found {}",
                inames.len()
            ),
        );
    }
    let lnames: Vec<&str> = raw.levers.names().collect();
    let enames: Vec<&str> = raw.events.names().collect();
    let cx = Cx {
        cal: &cal,
        has_focal: clock.focal.is_some(),
        players: &players,
        issues: &inames,
        levers: &lnames,
        events: &enames,
    };

    let build = |(n, p): &(String, RawPlayer)| player::player(&k("players", n), n, p, &cx);
    let mut players_arr: [Player; 2] = [build(&raw.players.0[0])?, build(&raw.players.0[1])?];

    let issues = issue::issues(&raw.issues, &players)?;

    let mut levers = Vec::with_capacity(raw.levers.len());
    for (n, l) in raw.levers.iter() {
        levers.push(lever::lever(&k("levers", n), n, l, &cx)?);
    }
    let mut events = Vec::with_capacity(raw.events.len());
    for (n, e) in raw.events.iter() {
        events.push(event::event(&k("events", n), n, e, &cx)?);
    }

    for (side, (n, p)) in raw.players.iter().enumerate() {
        if let Some(x) = &p.exposure {
            let base = k(&k("players", n), "exposure");
            players_arr[side].exposure =
                Some(player::exposure_pricing(&base, x, &events, &issues)?);
        }
    }

    let forecast = match &raw.forecast {
        Some(f) => Some(forecast::forecast(f, &cx, &events, &levers)?),
        None => None,
    };

    let s = Scenario {
        name: raw.name.clone(),
        clock,
        players: players_arr,
        issues,
        levers,
        events,
        protocol,
        paths: Default::default(),
        forecast,
        grid_scales: Vec::new(),
    };
    column_clashes(&s)?;
    path_size(&s)?;
    Ok(s)
}

/// The offer paths must fit [`MAX_PATH_VALUES`] (checked before they are built).
fn path_size(s: &Scenario) -> V<()> {
    let r = s.protocol.resolution;
    let points: u64 = 1 + s
        .issues
        .iter()
        .filter(|is| is.prefs[0].prefers_high != is.prefs[1].prefers_high)
        .map(|is| is.steps(r) as u64)
        .sum::<u64>();
    let values = points.saturating_mul(s.issues.len() as u64);
    if values > MAX_PATH_VALUES {
        return bad(
            "protocol.resolution",
            format!(
                "the offer paths would hold {values} values ({} issues x {points} points: one per grid step of each issue the sides pull apart, at resolution {r} or the issue's steps), expected at most {MAX_PATH_VALUES}; lower protocol.resolution or the issues' steps, or use fewer issues",
                s.issues.len()
            ),
        );
    }
    Ok(())
}

/// Player names, for lookups with good messages.
struct Players<'a>(&'a [&'a str]);

impl Players<'_> {
    fn index(&self, key: &str, n: &str) -> V<Side> {
        match self.0.iter().position(|p| *p == n) {
            Some(i) => Ok(i),
            None => bad(
                key,
                format!(
                    "unknown player '{}'; expected one of {}",
                    crate::config::clip(n),
                    list(self.0)
                ),
            ),
        }
    }
}

/// What the builders of players, levers, events and kinded tables may look
/// at besides their own table.
struct Cx<'a> {
    /// The calendar.
    pub cal: &'a Cal,
    /// Whether there is a `[clock.focal]` deadline.
    pub has_focal: bool,
    /// The player names.
    pub players: &'a Players<'a>,
    /// The issue names, in column order.
    pub issues: &'a [&'a str],
    /// The lever names, in file order.
    pub levers: &'a [&'a str],
    /// The event names, in file order.
    pub events: &'a [&'a str],
}

/// Issue, player, lever and event names become output columns (and
/// summary rows) beside fixed ones: every list of names an output holds
/// ([`crate::output::column_sets`]) must be without repeats. A repeat is
/// reported at the issue (or lever, event, player) whose name makes it.
fn column_clashes(s: &Scenario) -> V<()> {
    for (file, names) in crate::output::column_sets(s) {
        let mut seen = std::collections::HashSet::with_capacity(names.len());
        let Some(dup) = names.iter().find(|n| !seen.insert(n.as_str())) else {
            continue;
        };
        let side = |prefixes: &[&str]| {
            s.players.iter().find(|p| {
                prefixes
                    .iter()
                    .any(|pre| dup.strip_prefix(pre) == Some(p.name.as_str()))
            })
        };
        let (key, what, name) = if let Some(i) = s.issues.iter().find(|i| &i.name == dup) {
            (k("issues", &i.name), "issue", &i.name)
        } else if let Some(l) = s
            .levers
            .iter()
            .find(|l| dup.strip_prefix("lever_") == Some(&l.name))
        {
            (k("levers", &l.name), "lever", &l.name)
        } else if let Some(e) = s
            .events
            .iter()
            .find(|e| dup.strip_prefix("event_") == Some(&e.name))
        {
            (k("events", &e.name), "event", &e.name)
        } else if let Some(p) = side(&["utility_", "cost_", "support_", "reservation_", "no_deal_"])
        {
            (k("players", &p.name), "player", &p.name)
        } else {
            (String::from("issues"), "issue", dup)
        };
        return bad(
            key,
            format!(
                "the {what} name '{name}' clashes with another output column of that name: '{dup}' would appear twice in {file}; rename the {what}"
            ),
        );
    }
    Ok(())
}
