//! `[levers.NAME]`: pressure levers and their policies.

use crate::model::{self, Lever, LeverPolicy};

use super::checks::{cost, name, one_of, prob, unit_interval};
use super::clock::Cal;
use super::player::{not_built, unused};
use super::{bad, k, Players, POLICY_KINDS, V};
use crate::config::raw::{RawLever, RawPolicy};

pub(super) fn lever(base: &str, n: &str, l: &RawLever, cal: &Cal, players: &Players) -> V<Lever> {
    name(base, n, "lever")?;
    let owner = players.index(&k(base, "owner"), &l.owner)?;
    let from_round = match &l.from_date {
        Some(d) => cal.round_from(cal.date(&k(base, "from_date"), d)?),
        None => 0,
    };
    let policy = policy(&k(base, "policy"), &l.policy, cal)?;
    Ok(Lever {
        name: n.to_string(),
        owner,
        target: model::other(owner),
        cost_to_target: cost(&k(base, "cost_to_target"), l.cost_to_target)?,
        cost_to_owner: cost(&k(base, "cost_to_owner"), l.cost_to_owner)?,
        one_off_cost: cost(&k(base, "one_off_cost"), l.one_off_cost)?,
        credibility: prob(&k(base, "credibility"), l.credibility)?,
        backlash: unit_interval(&k(base, "backlash"), l.backlash, "a backlash")?,
        softening: unit_interval(&k(base, "softening"), l.softening, "a softening")?,
        owner_resolve: unit_interval(
            &k(base, "owner_resolve"),
            l.owner_resolve,
            "an owner resolve",
        )?,
        hazard: prob(&k(base, "hazard"), l.hazard)?,
        duration: l.duration,
        decay: unit_interval(&k(base, "decay"), l.decay, "a decay rate")?,
        max_uses: l.max_uses,
        policy: if l.enabled {
            policy
        } else {
            LeverPolicy::Never
        },
        from_round,
    })
}

fn policy(base: &str, p: &RawPolicy, cal: &Cal) -> V<LeverPolicy> {
    let kind = one_of(&k(base, "kind"), &p.kind, "policy", POLICY_KINDS)?;
    let w = "policy";
    let rounds = |min: u32| -> V<u32> {
        match p.rounds {
            Some(r) if r >= min => Ok(r),
            Some(r) => bad(
                k(base, "rounds"),
                format!("expected a number of rounds >= {min}, found {r}"),
            ),
            None => bad(
                k(base, "rounds"),
                format!("missing: policy '{kind}' needs rounds (>= {min})"),
            ),
        }
    };
    Ok(match kind {
        "stalled" => {
            unused(base, "date", &p.date, kind, w, "rounds")?;
            LeverPolicy::Stalled { rounds: rounds(1)? }
        }
        "before_deadline" => {
            unused(base, "date", &p.date, kind, w, "rounds")?;
            LeverPolicy::BeforeDeadline { rounds: rounds(0)? }
        }
        "at_date" => {
            unused(base, "rounds", &p.rounds, kind, w, "date")?;
            let Some(d) = &p.date else {
                return bad(k(base, "date"), "missing: policy 'at_date' needs a date");
            };
            LeverPolicy::AtRound {
                round: cal.round_from(cal.date(&k(base, "date"), d)?),
            }
        }
        "expected_gain" | "never" => {
            unused(base, "rounds", &p.rounds, kind, w, "no other keys")?;
            unused(base, "date", &p.date, kind, w, "no other keys")?;
            if kind == "never" {
                LeverPolicy::Never
            } else {
                LeverPolicy::ExpectedGain
            }
        }
        other => return not_built(&k(base, "kind"), "policy", other),
    })
}
