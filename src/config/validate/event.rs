//! `[events.NAME]`: exogenous events, their triggers and effects.

use crate::model::{Effect, Event, Exposure, Trigger};

use super::checks::{cost, finite, name, nonneg, one_of, positive, prob, signed_unit};
use super::clock::Cal;
use super::player::{not_built, unused};
use super::{bad, k, list, Players, TRIGGER_KINDS, V};
use crate::config::raw::{RawEffect, RawEvent, RawTrigger};

/// Round of the trigger of a disabled event: never reached, and probability 0.
pub const DISABLED_EVENT_ROUND: u32 = u32::MAX;

pub(super) fn event(
    base: &str,
    n: &str,
    e: &RawEvent,
    cal: &Cal,
    players: &Players,
    issues: &[&str],
) -> V<Event> {
    name(base, n, "event")?;
    let trigger = trigger(&k(base, "trigger"), &e.trigger, cal, issues)?;
    let mut effects = [Effect {
        concession: 1.0,
        ..Effect::default()
    }; 2];
    let eb = k(base, "effects");
    for (pn, f) in e.effects.iter() {
        let pk = k(&eb, pn);
        let side = players.index(&pk, pn)?;
        effects[side] = effect(&pk, f)?;
    }
    Ok(Event {
        name: n.to_string(),
        trigger: if e.enabled {
            trigger
        } else {
            Trigger::OnRound {
                round: DISABLED_EVENT_ROUND,
                probability: 0.0,
            }
        },
        max_occurrences: e.max_occurrences,
        effects,
    })
}

fn trigger(base: &str, t: &RawTrigger, cal: &Cal, issues: &[&str]) -> V<Trigger> {
    let kind = one_of(&k(base, "kind"), &t.kind, "trigger", TRIGGER_KINDS)?;
    let w = "trigger";
    if kind == "date" {
        let uses = "date, probability";
        unused(base, "base", &t.base, kind, w, uses)?;
        unused(base, "from_date", &t.from_date, kind, w, uses)?;
        unused(base, "to_date", &t.to_date, kind, w, uses)?;
        unused(
            base,
            "lever_sensitivity",
            &t.lever_sensitivity,
            kind,
            w,
            uses,
        )?;
        unused(base, "exposure", &t.exposure, kind, w, uses)?;
        let Some(d) = &t.date else {
            return bad(k(base, "date"), "missing: trigger 'date' needs a date");
        };
        let date = cal.date(&k(base, "date"), d)?;
        return Ok(Trigger::OnRound {
            round: cal.round_from(date),
            probability: prob(&k(base, "probability"), t.probability.unwrap_or(1.0))?,
        });
    }
    if kind != "hazard" {
        return not_built(&k(base, "kind"), "trigger", kind);
    }
    let uses = "base, from_date, to_date, lever_sensitivity, exposure";
    unused(base, "date", &t.date, kind, w, uses)?;
    unused(base, "probability", &t.probability, kind, w, uses)?;
    let from = match &t.from_date {
        Some(d) => Some(cal.date(&k(base, "from_date"), d)?),
        None => None,
    };
    let from_round = from.map_or(0, |d| cal.round_from(d));
    let to_round = match &t.to_date {
        Some(d) => {
            let tk = k(base, "to_date");
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
        None => None,
        Some(x) => {
            let xb = k(base, "exposure");
            let issue_idx = |kk: &str, n: &str| -> V<usize> {
                match issues.iter().position(|i| *i == n) {
                    Some(i) => Ok(i),
                    None => bad(
                        kk,
                        format!("unknown issue '{n}'; expected one of {}", list(issues)),
                    ),
                }
            };
            let issue = issue_idx(&k(&xb, "issue"), &x.issue)?;
            let reserves = positive(&k(&xb, "reserves"), x.reserves, "reserves")?;
            let cushion = match &x.cushion {
                Some(c) => Some(issue_idx(&k(&xb, "cushion"), c)?),
                None => None,
            };
            Some(Exposure {
                issue,
                reserves,
                cushion,
                slope: nonneg(&k(&xb, "slope"), x.slope, "a slope")?,
            })
        }
    };
    Ok(Trigger::Hazard {
        base: prob(&k(base, "base"), t.base.unwrap_or(0.0))?,
        from_round,
        to_round,
        exposure,
        lever_sensitivity: nonneg(
            &k(base, "lever_sensitivity"),
            t.lever_sensitivity.unwrap_or(0.0),
            "a lever sensitivity",
        )?,
    })
}

fn effect(base: &str, f: &RawEffect) -> V<Effect> {
    Ok(Effect {
        one_off_cost: cost(&k(base, "one_off_cost"), f.one_off_cost)?,
        flow_cost: finite(
            &k(base, "flow_cost"),
            f.flow_cost,
            "a finite change in flow cost (USD bn per round)",
        )?,
        support: signed_unit(&k(base, "support"), f.support, "a shift in support")?,
        concession: positive(
            &k(base, "concession"),
            f.concession,
            "a concession multiplier",
        )?,
        reservation: signed_unit(
            &k(base, "reservation"),
            f.reservation,
            "a shift in the reservation value",
        )?,
    })
}
