//! `[players.NAME]`: a player, its type, politics, ratification and strategy.

use crate::model::{
    Acceptance, Event, ExposurePricing, Issue, Player, Politics, Ratification, Trigger, TypeDist,
};

use super::checks::{cost, nonneg, one_of, positive, prob, unit_interval};
use super::dist::{dist, Bounds};
use super::event::DISABLED_EVENT_ROUND;
use super::kinds::STRATEGIES;
use super::{bad, k, list, Cx, ACCEPTANCE_RULES, V};
use crate::config::raw::{RawExposurePricing, RawPlayer};

/// The smallest `bn_per_util` (a util is worth at least USD 1,000).
pub const MIN_BN_PER_UTIL: f64 = 1e-6;

pub(super) fn player(base: &str, pname: &str, p: &RawPlayer, cx: &Cx) -> V<Player> {
    let bn_per_util = positive(&k(base, "bn_per_util"), p.bn_per_util, "USD bn per util")?;
    if bn_per_util < MIN_BN_PER_UTIL {
        // Costs are divided by it: a tiny scale turns any cost into inf utility.
        return bad(
            k(base, "bn_per_util"),
            format!(
                "expected USD bn per util of at least {MIN_BN_PER_UTIL:e} (costs are divided by it; smaller values overflow the utilities), found {bn_per_util:e}"
            ),
        );
    }
    let discount = p.discount;
    if !(discount.is_finite() && discount > 0.0 && discount <= 1.0) {
        return bad(
            k(base, "discount"),
            format!("expected a discount factor in (0, 1], found {discount}"),
        );
    }
    let flow_cost = cost(&k(base, "delay_cost"), p.delay_cost)?;
    let pressure_horizon = nonneg(
        &k(base, "pressure_horizon"),
        p.pressure_horizon,
        "a number of rounds",
    )?;
    let acceptance = match one_of(
        &k(base, "acceptance"),
        &p.acceptance,
        "acceptance rule",
        ACCEPTANCE_RULES,
    )? {
        "next_offer_or_no_deal" => Acceptance::NextOfferOrNoDeal,
        "no_deal" => Acceptance::NoDeal,
        _ => Acceptance::NextOffer,
    };

    let tb = k(base, "type");
    let types = TypeDist {
        reservation: dist(
            &k(&tb, "reservation"),
            &p.types.reservation,
            Bounds::Within(-1.0, 1.0),
            "a reservation value (a utility)",
        )?,
        delay_cost: dist(
            &k(&tb, "delay_cost_factor"),
            &p.types.delay_cost_factor,
            Bounds::AtLeast(0.0),
            "a cost multiplier",
        )?,
        resolve: dist(
            &k(&tb, "resolve"),
            &p.types.resolve,
            Bounds::Above(0.0),
            "a resolve",
        )?,
    };

    let pb = k(base, "politics");
    let rb = k(base, "ratification");
    let r = &p.ratification;
    let politics = Politics {
        initial_support: unit_interval(
            &k(&pb, "initial_support"),
            p.politics.initial_support,
            "a support level",
        )?,
        pain: nonneg(
            &k(&pb, "pain"),
            p.politics.pain,
            "a support loss per USD bn",
        )?,
        concession: nonneg(
            &k(&pb, "concession"),
            p.politics.concession,
            "a support loss per util conceded",
        )?,
        firmness: nonneg(
            &k(&pb, "firmness"),
            p.politics.firmness,
            "a support gain per round",
        )?,
        ratification: Ratification {
            base: prob(&k(&rb, "base"), r.base)?,
            support_slope: nonneg(&k(&rb, "support_slope"), r.support_slope, "a logit slope")?,
            terms_slope: nonneg(&k(&rb, "terms_slope"), r.terms_slope, "a logit slope")?,
            failure_cost: cost(&k(&rb, "failure_cost"), r.failure_cost)?,
            failure_support_loss: unit_interval(
                &k(&rb, "failure_support_loss"),
                r.failure_support_loss,
                "a fall in support",
            )?,
            failure_hardening: unit_interval(
                &k(&rb, "failure_hardening"),
                r.failure_hardening,
                "a rise in the reservation value",
            )?,
        },
    };

    Ok(Player {
        name: pname.to_string(),
        bn_per_util,
        discount,
        flow_cost,
        pressure_horizon,
        types,
        politics,
        strategy: STRATEGIES.build(&k(base, "strategy"), &p.strategy, cx)?,
        acceptance,
        can_walk_away: p.walk_away,
        exposure: None,
    })
}

/// `[players.NAME.exposure]`: the exposure pricing, checked against the
/// events and issues already built (the event's trigger holds the hazard).
pub(super) fn exposure_pricing(
    base: &str,
    x: &RawExposurePricing,
    events: &[Event],
    issues: &[Issue],
) -> V<ExposurePricing> {
    let ek = k(base, "event");
    let Some(event) = events.iter().position(|e| e.name == x.event) else {
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        return bad(
            ek,
            if names.is_empty() {
                format!("unknown event '{}': the scenario has no events", x.event)
            } else {
                format!(
                    "unknown event '{}'; expected one of {}",
                    x.event,
                    list(&names)
                )
            },
        );
    };
    let ex = match &events[event].trigger {
        Trigger::Hazard {
            exposure: Some(ex), ..
        } => ex,
        Trigger::OnRound {
            round: DISABLED_EVENT_ROUND,
            ..
        } => {
            return bad(
                ek,
                format!(
                    "event '{}' is disabled: enable it or remove this exposure table",
                    x.event
                ),
            )
        }
        _ => {
            return bad(
                ek,
                format!(
                    "event '{}' has no exposure: expected an event whose trigger is \
                     {{ kind = \"hazard\", exposure = {{ .. }} }}",
                    x.event
                ),
            )
        }
    };
    let cap = &issues[ex.issue];
    if cap.lo <= 0.0 {
        return bad(
            ek,
            format!(
                "the exposed issue '{}' of event '{}' is the annual cap that divides the \
                 committed cash: its range must be > 0, found lo = {}",
                cap.name, x.event, cap.lo
            ),
        );
    }
    let loss = cost(&k(base, "loss"), x.loss)?;
    let ck = k(base, "committed");
    if x.committed.is_empty() {
        return bad(
            ck,
            "expected at least one issue whose values multiply to the cash committed (USD bn)",
        );
    }
    let mut committed = Vec::with_capacity(x.committed.len());
    for (j, n) in x.committed.iter().enumerate() {
        let key = format!("{ck}[{j}]");
        let Some(i) = issues.iter().position(|is| is.name == *n) else {
            let names: Vec<&str> = issues.iter().map(|is| is.name.as_str()).collect();
            return bad(
                key,
                format!(
                    "unknown issue '{}'; expected one of {}",
                    crate::config::clip(n),
                    list(&names)
                ),
            );
        };
        if committed.contains(&i) {
            return bad(key, format!("issue '{n}' is listed twice"));
        }
        if issues[i].lo < 0.0 {
            return bad(
                key,
                format!(
                    "issue '{n}' has a negative range (lo = {}): committed cash is a product of values >= 0",
                    issues[i].lo
                ),
            );
        }
        committed.push(i);
    }
    Ok(ExposurePricing {
        event,
        loss,
        committed,
    })
}
