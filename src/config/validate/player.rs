//! `[players.NAME]`: a player, its type, politics, ratification and strategy.

use crate::model::{Acceptance, DeadlineRef, Player, Politics, Ratification, Strategy, TypeDist};

use super::checks::{cost, nonneg, one_of, positive, prob, unit_interval};
use super::dist::{dist, Bounds};
use super::{bad, k, ACCEPTANCE_RULES, BAYESIAN_GRID, MAX_BAYESIAN_GRID, STRATEGY_KINDS, V};
use crate::config::raw::{RawPlayer, RawStrategy};

pub(super) fn player(base: &str, pname: &str, p: &RawPlayer, has_focal: bool) -> V<Player> {
    let bn_per_util = positive(&k(base, "bn_per_util"), p.bn_per_util, "USD bn per util")?;
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
        strategy: strategy(&k(base, "strategy"), &p.strategy, has_focal)?,
        acceptance,
        can_walk_away: p.walk_away,
    })
}

/// Rejects keys of a kind-tagged table that the kind does not use.
pub(super) fn unused<T>(
    key: &str,
    field: &str,
    v: &Option<T>,
    kind: &str,
    what: &str,
    uses: &str,
) -> V<()> {
    if v.is_some() {
        bad(
            k(key, field),
            format!("not used by {what} '{kind}' (it takes {uses})"),
        )
    } else {
        Ok(())
    }
}

fn deadline(key: &str, d: Option<&str>, has_focal: bool) -> V<DeadlineRef> {
    match one_of(
        key,
        d.unwrap_or("horizon"),
        "deadline",
        &["focal", "horizon"],
    )? {
        "focal" if !has_focal => bad(
            key,
            "expected \"horizon\": \"focal\" needs a [clock.focal] table, and there is none",
        ),
        "focal" => Ok(DeadlineRef::Focal),
        _ => Ok(DeadlineRef::Horizon),
    }
}

fn strategy(base: &str, s: &RawStrategy, has_focal: bool) -> V<Strategy> {
    let kind = one_of(&k(base, "kind"), &s.kind, "strategy", STRATEGY_KINDS)?;
    let ek = k(base, "exponent");
    let w = "strategy";
    if kind != "bayesian" {
        let takes = match kind {
            "tit_for_tat" => "reciprocity, step",
            "hardliner" => "deadline",
            "equilibrium" => "no other keys",
            _ => "exponent, deadline",
        };
        unused(base, "grid", &s.grid, kind, w, takes)?;
    }
    match kind {
        "boulware" | "linear" | "conceder" | "time_dependent" => {
            let uses = "exponent, deadline";
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            let e = match s.exponent {
                Some(e) => positive(&ek, e, "an exponent")?,
                None => {
                    return bad(
                        ek,
                        format!("missing: strategy '{kind}' needs an exponent > 0"),
                    )
                }
            };
            match kind {
                "boulware" if e >= 1.0 => {
                    return bad(ek, format!("expected an exponent in (0, 1) for boulware (use kind = \"time_dependent\" for others), found {e}"))
                }
                "linear" if e != 1.0 => {
                    return bad(ek, format!("expected exponent 1 for linear (use kind = \"time_dependent\" for others), found {e}"))
                }
                "conceder" if e <= 1.0 => {
                    return bad(ek, format!("expected an exponent > 1 for conceder (use kind = \"time_dependent\" for others), found {e}"))
                }
                _ => {}
            }
            Ok(Strategy::TimeDependent {
                exponent: e,
                deadline: deadline(&k(base, "deadline"), s.deadline.as_deref(), has_focal)?,
            })
        }
        "tit_for_tat" => {
            let uses = "reciprocity, step";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "deadline", &s.deadline, kind, w, uses)?;
            Ok(Strategy::TitForTat {
                reciprocity: nonneg(
                    &k(base, "reciprocity"),
                    s.reciprocity.unwrap_or(1.0),
                    "a reciprocity",
                )?,
                step: nonneg(&k(base, "step"), s.step.unwrap_or(0.0), "a step (utility)")?,
            })
        }
        "hardliner" => {
            let uses = "deadline";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            Ok(Strategy::Hardliner {
                deadline: deadline(&k(base, "deadline"), s.deadline.as_deref(), has_focal)?,
            })
        }
        "equilibrium" => {
            let uses = "no other keys";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "deadline", &s.deadline, kind, w, uses)?;
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            Ok(Strategy::Equilibrium)
        }
        "bayesian" => {
            let uses = "grid";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "deadline", &s.deadline, kind, w, uses)?;
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            let grid = s.grid.unwrap_or(BAYESIAN_GRID);
            if !(2..=MAX_BAYESIAN_GRID).contains(&grid) {
                return bad(
                    k(base, "grid"),
                    format!("expected a number of grid points in [2, {MAX_BAYESIAN_GRID}], found {grid}"),
                );
            }
            Ok(Strategy::Bayesian { grid })
        }
        // A kind listed in STRATEGY_KINDS without an arm above.
        other => not_built(&k(base, "kind"), "strategy", other),
    }
}

/// A kind that is listed as valid but has no builder yet: a defect, reported
/// as an error rather than a panic.
pub(super) fn not_built<T>(key: &str, what: &str, kind: &str) -> V<T> {
    bad(
        key,
        format!("{what} '{kind}' is not supported by this build"),
    )
}
