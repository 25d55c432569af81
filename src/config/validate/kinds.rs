//! The kind tables: one row per kind of each kinded table (a player's
//! `strategy`, a lever's `policy`, an event's `trigger`) with the keys the
//! kind takes, their defaults, and the builder of its model value.
//!
//! Everything else about a kind follows from its row (see [`super::kinded`]):
//! the error for a key it does not take, for a missing required key, and for
//! an unknown kind, and the defaults shown in the resolved config. A new kind
//! is a row here; a new key is also an `Option` field of the raw struct
//! (`config::raw`) and a line in its `FIELDS` below.

use crate::model::{DeadlineRef, LeverPolicy, Strategy, Trigger};

use super::checks::{nonneg, one_of, positive, prob};
use super::event::exposure;
use super::kinded::{
    At, Field, Key, Kind, Kinded, Table,
    Value::{Num, Text, Whole},
};
use super::{bad, V};
use crate::config::raw::{RawPolicy, RawStrategy, RawTrigger};

// ---------------------------------------------------------------------------
// Strategies: `[players.NAME.strategy]`.

/// Default exponent of `boulware`.
pub const BOULWARE_EXPONENT: f64 = 0.3;
/// Default exponent of `conceder`.
pub const CONCEDER_EXPONENT: f64 = 3.0;
/// Default `grid` of `bayesian`.
pub const BAYESIAN_GRID: u32 = 101;
/// Default `endurance` of `attrition`.
pub const ENDURANCE: f64 = 0.5;
/// Largest allowed `grid` of `bayesian`.
pub const MAX_BAYESIAN_GRID: u32 = 10_000;

/// The deadline conceded towards, `"focal"` or `"horizon"`.
const DEADLINE: Key = Key::default("deadline", Text("horizon"));

pub(super) const STRATEGIES: Table<RawStrategy, Strategy> = Table {
    what: "strategy",
    kinds: &[
        Kind {
            name: "boulware",
            keys: &[Key::default("exponent", Num(BOULWARE_EXPONENT)), DEADLINE],
            build: |at, s| time_dependent(at, s, |e| e < 1.0, "an exponent in (0, 1)"),
        },
        Kind {
            name: "linear",
            keys: &[Key::default("exponent", Num(1.0)), DEADLINE],
            build: |at, s| time_dependent(at, s, |e| e == 1.0, "exponent 1"),
        },
        Kind {
            name: "conceder",
            keys: &[Key::default("exponent", Num(CONCEDER_EXPONENT)), DEADLINE],
            build: |at, s| time_dependent(at, s, |e| e > 1.0, "an exponent > 1"),
        },
        Kind {
            name: "time_dependent",
            keys: &[Key::required("exponent", "an exponent > 0"), DEADLINE],
            build: |at, s| time_dependent(at, s, |_| true, "an exponent > 0"),
        },
        Kind {
            name: "tit_for_tat",
            keys: &[
                Key::default("reciprocity", Num(1.0)),
                Key::default("step", Num(0.0)),
            ],
            build: |at, s| {
                let (reciprocity, step) = (
                    at.get("reciprocity", &s.reciprocity)?,
                    at.get("step", &s.step)?,
                );
                Ok(Strategy::TitForTat {
                    reciprocity: nonneg(&at.key("reciprocity"), reciprocity, "a reciprocity")?,
                    step: nonneg(&at.key("step"), step, "a step (utility)")?,
                })
            },
        },
        Kind {
            name: "hardliner",
            keys: &[DEADLINE],
            build: |at, s| {
                Ok(Strategy::Hardliner {
                    deadline: deadline(at, s)?,
                })
            },
        },
        Kind {
            name: "equilibrium",
            keys: &[],
            build: |_, _| Ok(Strategy::Equilibrium),
        },
        Kind {
            name: "bayesian",
            keys: &[Key::default("grid", Whole(BAYESIAN_GRID))],
            build: |at, s| Ok(Strategy::Bayesian { grid: grid(at, s)? }),
        },
        Kind {
            name: "nash",
            keys: &[Key::default("grid", Whole(BAYESIAN_GRID))],
            build: |at, s| Ok(Strategy::Nash { grid: grid(at, s)? }),
        },
        Kind {
            name: "attrition",
            keys: &[
                Key::default("grid", Whole(BAYESIAN_GRID)),
                Key::default("endurance", Num(ENDURANCE)),
            ],
            build: |at, s| {
                let e = at.get("endurance", &s.endurance)?;
                Ok(Strategy::Attrition {
                    grid: grid(at, s)?,
                    endurance: positive(
                        &at.key("endurance"),
                        e,
                        "an endurance (share of the stake)",
                    )?,
                })
            },
        },
    ],
};

/// Strategy kinds, in the order error messages list them.
pub const STRATEGY_KINDS: &[&str] = &STRATEGIES.names::<{ STRATEGIES.kinds.len() }>();

/// Faratin et al.'s concession; `ok` is the kind's range of exponents.
fn time_dependent(at: &At, s: &RawStrategy, ok: fn(f64) -> bool, range: &str) -> V<Strategy> {
    let ek = at.key("exponent");
    let e = positive(&ek, at.get("exponent", &s.exponent)?, "an exponent")?;
    if !ok(e) {
        return bad(
            ek,
            format!(
                "expected {range} for {} (use kind = \"time_dependent\" for others), found {e}",
                at.kind
            ),
        );
    }
    Ok(Strategy::TimeDependent {
        exponent: e,
        deadline: deadline(at, s)?,
    })
}

fn deadline(at: &At, s: &RawStrategy) -> V<DeadlineRef> {
    let key = at.key("deadline");
    let d = at.get("deadline", &s.deadline)?;
    match one_of(&key, &d, "deadline", &["focal", "horizon"])? {
        "focal" if !at.cx.has_focal => bad(
            key,
            "expected \"horizon\": \"focal\" needs a [clock.focal] table, and there is none",
        ),
        "focal" => Ok(DeadlineRef::Focal),
        _ => Ok(DeadlineRef::Horizon),
    }
}

impl Kinded for RawStrategy {
    const FIELDS: &'static [Field<Self>] = &[
        ("exponent", |s| &mut s.exponent),
        ("deadline", |s| &mut s.deadline),
        ("reciprocity", |s| &mut s.reciprocity),
        ("step", |s| &mut s.step),
        ("grid", |s| &mut s.grid),
        ("endurance", |s| &mut s.endurance),
    ];

    fn kind(&self) -> &str {
        &self.kind
    }
}

/// The `grid` of a strategy that tabulates a prior (`bayesian`, `nash`).
fn grid(at: &At, s: &RawStrategy) -> V<u32> {
    let grid = at.get("grid", &s.grid)?;
    if !(2..=MAX_BAYESIAN_GRID).contains(&grid) {
        return bad(
            at.key("grid"),
            format!("expected a number of grid points in [2, {MAX_BAYESIAN_GRID}], found {grid}"),
        );
    }
    Ok(grid)
}

// ---------------------------------------------------------------------------
// Lever policies: `[levers.NAME] policy`.

pub(super) const POLICIES: Table<RawPolicy, LeverPolicy> = Table {
    what: "policy",
    kinds: &[
        Kind {
            name: "stalled",
            keys: &[Key::required("rounds", "rounds (>= 1)")],
            build: |at, p| {
                Ok(LeverPolicy::Stalled {
                    rounds: rounds(at, p, 1)?,
                })
            },
        },
        Kind {
            name: "expected_gain",
            keys: &[],
            build: |_, _| Ok(LeverPolicy::ExpectedGain),
        },
        Kind {
            name: "at_date",
            keys: &[Key::required("date", "a date")],
            build: |at, p| {
                let cal = at.cx.cal;
                let date = cal.date(&at.key("date"), &at.get("date", &p.date)?)?;
                Ok(LeverPolicy::AtRound {
                    round: cal.round_from(date),
                })
            },
        },
        Kind {
            name: "before_deadline",
            keys: &[Key::required("rounds", "rounds (>= 0)")],
            build: |at, p| {
                Ok(LeverPolicy::BeforeDeadline {
                    rounds: rounds(at, p, 0)?,
                })
            },
        },
        Kind {
            name: "never",
            keys: &[],
            build: |_, _| Ok(LeverPolicy::Never),
        },
    ],
};

/// Lever policy kinds.
pub const POLICY_KINDS: &[&str] = &POLICIES.names::<{ POLICIES.kinds.len() }>();

fn rounds(at: &At, p: &RawPolicy, min: u32) -> V<u32> {
    let r = at.get("rounds", &p.rounds)?;
    if r < min {
        return bad(
            at.key("rounds"),
            format!("expected a number of rounds >= {min}, found {r}"),
        );
    }
    Ok(r)
}

impl Kinded for RawPolicy {
    const FIELDS: &'static [Field<Self>] =
        &[("rounds", |p| &mut p.rounds), ("date", |p| &mut p.date)];

    fn kind(&self) -> &str {
        &self.kind
    }
}

// ---------------------------------------------------------------------------
// Event triggers: `[events.NAME] trigger`.

pub(super) const TRIGGERS: Table<RawTrigger, Trigger> = Table {
    what: "trigger",
    kinds: &[
        Kind {
            name: "hazard",
            keys: &[
                Key::default("base", Num(0.0)),
                Key::optional("from_date"),
                Key::optional("to_date"),
                Key::default("lever_sensitivity", Num(0.0)),
                Key::optional("exposure"),
            ],
            build: hazard,
        },
        Kind {
            name: "date",
            keys: &[
                Key::required("date", "a date"),
                Key::default("probability", Num(1.0)),
            ],
            build: |at, t| {
                let cal = at.cx.cal;
                let date = cal.date(&at.key("date"), &at.get("date", &t.date)?)?;
                let p = at.get("probability", &t.probability)?;
                Ok(Trigger::OnRound {
                    round: cal.round_from(date),
                    probability: prob(&at.key("probability"), p)?,
                })
            },
        },
    ],
};

/// Event trigger kinds.
pub const TRIGGER_KINDS: &[&str] = &TRIGGERS.names::<{ TRIGGERS.kinds.len() }>();

fn hazard(at: &At, t: &RawTrigger) -> V<Trigger> {
    let cal = at.cx.cal;
    let from = match &t.from_date {
        Some(d) => Some(cal.date(&at.key("from_date"), d)?),
        None => None,
    };
    let to_round = match &t.to_date {
        Some(d) => {
            let tk = at.key("to_date");
            let to = cal.date(&tk, d)?;
            let lower = from.unwrap_or(cal.start);
            if to < lower {
                return bad(
                    tk,
                    format!("expected a date on or after from_date ({lower}), found {to}"),
                );
            }
            cal.round_until(to)
        }
        None => cal.horizon,
    };
    let exposure = match &t.exposure {
        Some(x) => Some(exposure(&at.key("exposure"), x, at.cx.issues)?),
        None => None,
    };
    let (base, sensitivity) = (
        at.get("base", &t.base)?,
        at.get("lever_sensitivity", &t.lever_sensitivity)?,
    );
    Ok(Trigger::Hazard {
        base: prob(&at.key("base"), base)?,
        from_round: from.map_or(0, |d| cal.round_from(d)),
        to_round,
        exposure,
        lever_sensitivity: nonneg(
            &at.key("lever_sensitivity"),
            sensitivity,
            "a lever sensitivity",
        )?,
    })
}

impl Kinded for RawTrigger {
    const FIELDS: &'static [Field<Self>] = &[
        ("base", |t| &mut t.base),
        ("from_date", |t| &mut t.from_date),
        ("to_date", |t| &mut t.to_date),
        ("lever_sensitivity", |t| &mut t.lever_sensitivity),
        ("exposure", |t| &mut t.exposure),
        ("date", |t| &mut t.date),
        ("probability", |t| &mut t.probability),
    ];

    fn kind(&self) -> &str {
        &self.kind
    }
}
