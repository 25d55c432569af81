//! `[forecast]`: the date of a forecast and the facts observed by then.

use crate::date::Date;
use crate::model::{Event, Fact, FactKind, FactMode, Forecast, Lever, LeverPolicy, Trigger};

use super::event::DISABLED_EVENT_ROUND;

use super::checks::{finite, nonneg, one_of};
use super::kinded::{At, Field, Key, Kind, Kinded, Table};
use super::{bad, k, list, Cx, V};
use crate::config::raw::{RawFact, RawForecast};

/// The fact kinds and the keys each takes.
pub(super) const FACTS: Table<RawFact, Seen> = Table {
    what: "fact",
    kinds: &[
        Kind {
            name: "event",
            keys: &[
                Key::required("event", "an event name"),
                Key::required("fired", "true or false"),
                Key::optional("mode"),
                Key::optional("note"),
            ],
            build: |at, f| {
                let name = at.get("event", &f.event)?;
                let event = index(&at.key("event"), &name, at.cx.events, "event")?;
                let fired = at.get("fired", &f.fired)?;
                Ok(Seen {
                    what: FactKind::Event { event, fired },
                    mode: mode(at, f)?,
                })
            },
        },
        Kind {
            name: "lever",
            keys: &[
                Key::required("lever", "a lever name"),
                Key::required("used", "true or false"),
                Key::optional("threatened"),
                Key::optional("mode"),
                Key::optional("note"),
            ],
            build: |at, f| {
                let name = at.get("lever", &f.lever)?;
                let lever = index(&at.key("lever"), &name, at.cx.levers, "lever")?;
                let used = at.get("used", &f.used)?;
                if used && f.threatened.is_some() {
                    return bad(
                        at.key("threatened"),
                        "not used with used = true (a lever carried out was threatened); \
                         give threatened with used = false",
                    );
                }
                Ok(Seen {
                    what: FactKind::Lever {
                        lever,
                        used,
                        threatened: f.threatened,
                    },
                    mode: Some(mode(at, f)?.unwrap_or(FactMode::Impose)),
                })
            },
        },
        Kind {
            name: "offer",
            keys: &[
                Key::required("side", "a player name"),
                Key::required("issue", "an issue name"),
                Key::required("value", "the position seen, in the issue's unit"),
                Key::required("tolerance", "a tolerance >= 0 in the issue's unit"),
                Key::optional("note"),
            ],
            build: |at, f| {
                let side_name = at.get("side", &f.side)?;
                let side = at.cx.players.index(&at.key("side"), &side_name)?;
                let issue_name = at.get("issue", &f.issue)?;
                let issue = index(&at.key("issue"), &issue_name, at.cx.issues, "issue")?;
                let value = finite(
                    &at.key("value"),
                    at.get("value", &f.value)?,
                    "a finite position in the issue's unit",
                )?;
                let tolerance = nonneg(
                    &at.key("tolerance"),
                    at.get("tolerance", &f.tolerance)?,
                    "a tolerance",
                )?;
                Ok(Seen {
                    what: FactKind::Offer {
                        side,
                        issue,
                        value,
                        tolerance,
                    },
                    mode: Some(FactMode::Condition),
                })
            },
        },
    ],
};

/// Fact kinds.
pub const FACT_KINDS: &[&str] = &FACTS.names::<{ FACTS.kinds.len() }>();

/// Fact modes.
pub const FACT_MODES: &[&str] = &["impose", "condition"];

/// A fact as its row builds it: what it says, and its mode when the row
/// decides it (an event's default mode depends on its trigger).
pub(super) struct Seen {
    what: FactKind,
    mode: Option<FactMode>,
}

fn mode(at: &At, f: &RawFact) -> V<Option<FactMode>> {
    Ok(match &f.mode {
        None => None,
        Some(m) => Some(match one_of(&at.key("mode"), m, "fact mode", FACT_MODES)? {
            "impose" => FactMode::Impose,
            _ => FactMode::Condition,
        }),
    })
}

fn index(key: &str, name: &str, names: &[&str], what: &str) -> V<usize> {
    match names.iter().position(|n| *n == name) {
        Some(i) => Ok(i),
        None if names.is_empty() => bad(
            key,
            format!("unknown {what} '{name}': the scenario has no {what}s"),
        ),
        None => bad(
            key,
            format!("unknown {what} '{name}'; expected one of {}", list(names)),
        ),
    }
}

/// True if the event's hazard depends on nothing in the run: a root shock,
/// whose firing can be imposed without misrepresenting anything (THEORY §6).
fn root_shock(ev: &Event) -> bool {
    match &ev.trigger {
        Trigger::OnRound { .. } => true,
        Trigger::Hazard {
            exposure,
            lever_sensitivity,
            ..
        } => exposure.is_none() && *lever_sensitivity == 0.0,
    }
}

/// Validates `[forecast]`; `events` and `levers` are the scenario's
/// validated events and levers.
pub(super) fn forecast(
    raw: &RawForecast,
    cx: &Cx,
    events: &[Event],
    levers: &[Lever],
) -> V<Forecast> {
    let base = "forecast";
    let cal = cx.cal;
    let as_key = k(base, "as_of");
    let as_of = cal.date(&as_key, &raw.as_of)?;
    let last_round = cal.round_until(as_of);
    if last_round + 1 >= cal.horizon {
        return bad(
            as_key,
            format!(
                "expected a date before the last round ({}), so that something is left to forecast; found {as_of}",
                cal.start
                    .plus_days(i64::from(cal.horizon - 1) * i64::from(cal.days_per_round))
            ),
        );
    }
    let ma = raw.min_acceptance;
    if !(ma > 0.0 && ma <= 1.0) {
        return bad(
            k(base, "min_acceptance"),
            format!("expected a share in (0, 1], found {ma}"),
        );
    }
    let mut facts = vec![Fact {
        key: as_key,
        date: as_of,
        round: last_round,
        mode: FactMode::Condition,
        what: FactKind::Open,
    }];
    for (i, f) in raw.facts.iter().enumerate() {
        let fk = format!("{base}.facts[{i}]");
        let seen = FACTS.build(&fk, f, cx)?;
        can_happen(&fk, &seen.what, events, levers)?;
        let date = fact_date(&k(&fk, "date"), f, cal, as_of)?;
        let mode = seen.mode.unwrap_or(match seen.what {
            FactKind::Event { event, .. } if !root_shock(&events[event]) => FactMode::Condition,
            _ => FactMode::Impose,
        });
        let round = if seen.what.happened() {
            cal.round_from(date)
        } else {
            cal.round_until(date)
        };
        facts.push(Fact {
            key: fk,
            date,
            round,
            mode,
            what: seen.what,
        });
    }
    Ok(Forecast::new(as_of, last_round, ma, facts, None))
}

/// A fact that a disabled event fired or a disabled lever was carried out
/// can never hold: refused rather than rejecting every candidate.
fn can_happen(key: &str, what: &FactKind, events: &[Event], levers: &[Lever]) -> V<()> {
    match *what {
        FactKind::Event { event, fired: true }
            if matches!(events[event].trigger, Trigger::OnRound { round, .. } if round == DISABLED_EVENT_ROUND) =>
        {
            bad(
                k(key, "event"),
                format!(
                    "the event '{}' is disabled (enabled = false): a fact that it fired cannot hold",
                    events[event].name
                ),
            )
        }
        FactKind::Lever {
            lever, used: true, ..
        } if levers[lever].policy == LeverPolicy::Never => bad(
            k(key, "lever"),
            format!(
                "the lever '{}' is never used (disabled, or policy never): a fact that it was carried out cannot hold",
                levers[lever].name
            ),
        ),
        _ => Ok(()),
    }
}

fn fact_date(key: &str, f: &RawFact, cal: &super::Cal, as_of: Date) -> V<Date> {
    let d = cal.date(key, &f.date)?;
    if d > as_of {
        return bad(
            key,
            format!("expected a date on or before forecast.as_of ({as_of}), found {d}"),
        );
    }
    Ok(d)
}

impl Kinded for RawFact {
    const FIELDS: &'static [Field<Self>] = &[
        ("mode", |f| &mut f.mode),
        ("event", |f| &mut f.event),
        ("fired", |f| &mut f.fired),
        ("lever", |f| &mut f.lever),
        ("used", |f| &mut f.used),
        ("threatened", |f| &mut f.threatened),
        ("side", |f| &mut f.side),
        ("issue", |f| &mut f.issue),
        ("value", |f| &mut f.value),
        ("tolerance", |f| &mut f.tolerance),
        ("note", |f| &mut f.note),
    ];

    fn kind(&self) -> &str {
        &self.kind
    }
}
