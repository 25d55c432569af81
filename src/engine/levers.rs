//! Phase 3: levers expire, then their owners decide on new uses; a threat
//! is carried out with the lever's credibility.

use super::draws;
use super::state::{RunState, SideState};
use crate::model::{Lever, LeverPolicy, Scenario};
use crate::outcome::Outcome;
use crate::rng::RunRng;

/// Expires and pulls levers in round `t` (each against its uniform, drawn from `rng`),
/// recording uses in `st.used` and `out.lever_uses`.
#[inline(always)]
pub fn phase(scn: &Scenario, t: u32, st: &mut RunState, rng: &mut RunRng, out: &mut Outcome) {
    for (li, lv) in scn.levers.iter().enumerate() {
        let u = draws::lever(rng);
        let ls = &mut st.levers[li];
        if ls.active {
            ls.age += 1;
            if lv.duration > 0 && ls.age >= lv.duration {
                ls.active = false;
            }
        }
        if ls.active || ls.uses >= lv.max_uses || t < lv.from_round {
            continue;
        }
        if !wants(scn, lv, t, &st.sides[lv.owner]) {
            continue;
        }
        // A threat uses the lever up whether or not it is carried out:
        // an empty threat has been called.
        ls.uses += 1;
        let forced = scn.forecast.as_ref().and_then(|f| f.lever_forced(li, t));
        if forced.unwrap_or(u < lv.credibility) {
            ls.active = true;
            ls.age = 0;
            out.lever_uses[li] += 1;
            st.used.push(li);
            let tg = &mut st.sides[lv.target];
            tg.costs.charge(lv.one_off_cost);
            tg.politics.rally(lv.backlash);
        }
    }
}

/// Whether the owner's policy calls for using `lv` in round `t`.
#[inline(always)]
fn wants(scn: &Scenario, lv: &Lever, t: u32, owner: &SideState) -> bool {
    let horizon = scn.clock.horizon;
    match lv.policy {
        LeverPolicy::Never => false,
        LeverPolicy::AtRound { round } => t == round,
        LeverPolicy::Stalled { rounds } => owner.offers.stalled >= rounds,
        LeverPolicy::BeforeDeadline { rounds } => {
            let d = scn
                .clock
                .focal
                .as_ref()
                .map_or(horizon, |f| f.round.min(horizon));
            t < d && t + rounds >= d
        }
        LeverPolicy::ExpectedGain => {
            let po = &scn.players[lv.owner];
            let target_flow = scn.players[lv.target].flow_cost;
            let o = &owner.offers;
            let gap = (o.last_target - o.best_received.max(0.0)).max(0.0);
            let share = lv.cost_to_target / (lv.cost_to_target + target_flow).max(1e-12);
            let gain = lv.credibility * (1.0 - lv.backlash) * gap * po.bn_per_util * share;
            let span = if lv.duration > 0 {
                lv.duration
            } else {
                horizon - t
            } as f64;
            gain > lv.cost_to_owner * span
        }
    }
}
