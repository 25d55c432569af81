//! `[levers.NAME]`: pressure levers and their policies.

use crate::model::{self, Lever, LeverPolicy};

use super::checks::{cost, name, prob, unit_interval};
use super::kinds::POLICIES;
use super::{k, Cx, V};
use crate::config::raw::RawLever;

pub(super) fn lever(base: &str, n: &str, l: &RawLever, cx: &Cx) -> V<Lever> {
    let cal = cx.cal;
    name(base, n, "lever")?;
    let owner = cx.players.index(&k(base, "owner"), &l.owner)?;
    let from_round = match &l.from_date {
        Some(d) => cal.round_from(cal.date(&k(base, "from_date"), d)?),
        None => 0,
    };
    let policy = POLICIES.build(&k(base, "policy"), &l.policy, cx)?;
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
