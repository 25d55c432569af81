//! `[events.NAME]`: exogenous events, their triggers and effects.

use crate::model::{Effect, Event, Exposure, Trigger};

use super::checks::{cost, finite, name, nonneg, positive, signed_unit};
use super::kinds::TRIGGERS;
use super::{bad, k, list, Cx, V};
use crate::config::raw::{RawEffect, RawEvent, RawExposure};

/// Round of the trigger of a disabled event: never reached, and probability 0.
pub const DISABLED_EVENT_ROUND: u32 = u32::MAX;

pub(super) fn event(base: &str, n: &str, e: &RawEvent, cx: &Cx) -> V<Event> {
    name(base, n, "event")?;
    let trigger = TRIGGERS.build(&k(base, "trigger"), &e.trigger, cx)?;
    let mut effects = [Effect {
        concession: 1.0,
        ..Effect::default()
    }; 2];
    let eb = k(base, "effects");
    for (pn, f) in e.effects.iter() {
        let pk = k(&eb, pn);
        let side = cx.players.index(&pk, pn)?;
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

/// `exposure = { issue, reserves, cushion, slope, power }` of a hazard trigger.
pub(super) fn exposure(base: &str, x: &RawExposure, issues: &[&str]) -> V<Exposure> {
    let issue_idx = |kk: &str, n: &str| -> V<usize> {
        match issues.iter().position(|i| *i == n) {
            Some(i) => Ok(i),
            None => bad(
                kk,
                format!(
                    "unknown issue '{}'; expected one of {}",
                    crate::config::clip(n),
                    list(issues)
                ),
            ),
        }
    };
    let issue = issue_idx(&k(base, "issue"), &x.issue)?;
    let reserves = positive(&k(base, "reserves"), x.reserves, "reserves")?;
    let cushion = match &x.cushion {
        Some(c) => Some(issue_idx(&k(base, "cushion"), c)?),
        None => None,
    };
    Ok(Exposure {
        issue,
        reserves,
        cushion,
        slope: nonneg(&k(base, "slope"), x.slope, "a slope")?,
        power: positive(&k(base, "power"), x.power, "a convexity")?,
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
