//! Phase 1: exogenous events. Each event whose trigger fires this round
//! applies its effect to both sides.

use super::draws;
use super::state::{RunState, SideState};
use crate::model::{Effect, Event, Scenario, Trigger};
use crate::outcome::Outcome;
use crate::rng::RunRng;

/// Fires this round's events (each against its uniform, drawn from `rng`), recording them
/// in `st.fired` and `out.event_counts`. `mid` is the offer assumed on the
/// table before the first offer.
#[inline(always)]
pub fn phase(
    scn: &Scenario,
    t: u32,
    st: &mut RunState,
    rng: &mut RunRng,
    mid: &[f64],
    out: &mut Outcome,
) {
    let lever_hazard: f64 = scn
        .levers
        .iter()
        .zip(&st.levers)
        .filter(|(_, s)| s.active)
        .map(|(l, _)| l.hazard)
        .sum();
    for (ei, ev) in scn.events.iter().enumerate() {
        let u = draws::event(rng);
        if out.event_counts[ei] >= ev.max_occurrences {
            continue;
        }
        let forced = scn.forecast.as_ref().and_then(|f| f.event_forced(ei, t));
        if !forced.unwrap_or_else(|| fires(scn, ev, t, u, lever_hazard, st, mid)) {
            continue;
        }
        out.event_counts[ei] += 1;
        st.fired.push(ei);
        for (side, s) in st.sides.iter_mut().enumerate() {
            apply(s, &ev.effects[side]);
        }
    }
}

/// Whether `ev` fires in round `t` given its uniform `u`.
#[inline(always)]
fn fires(
    scn: &Scenario,
    ev: &Event,
    t: u32,
    u: f64,
    lever_hazard: f64,
    st: &RunState,
    mid: &[f64],
) -> bool {
    match &ev.trigger {
        Trigger::OnRound { round, probability } => t == *round && u < *probability,
        Trigger::Hazard {
            base,
            from_round,
            to_round,
            exposure,
            lever_sensitivity,
        } => {
            if t < *from_round || t > *to_round {
                return false;
            }
            let mut h = base + lever_sensitivity * lever_hazard;
            if let Some(ex) = exposure {
                let x = match st.table {
                    Some((p, k)) => scn.paths[p].point(k),
                    None => mid,
                };
                let v = scn.issues[ex.issue].value_at(x[ex.issue]);
                let cushion = ex.cushion.map_or(0.0, |c| scn.issues[c].value_at(x[c]));
                h += ex.hazard(v, cushion);
            }
            u < h.min(1.0)
        }
    }
}

#[inline(always)]
fn apply(s: &mut SideState, e: &Effect) {
    s.costs.charge(e.one_off_cost);
    s.costs.add_flow(e.flow_cost);
    s.politics.shift(e.support);
    s.clock.scale_lasting(e.concession);
    s.ty.shift_reservation(e.reservation);
}
