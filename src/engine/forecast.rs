//! After a round of the observed history: does the run still agree with
//! the forecast's facts? A run that breaks one stops there and is not kept
//! (conditioning; the imposed facts are set in the events and levers phases).

use super::state::RunState;
use crate::model::{Fact, FactKind, Forecast, Scenario};
use crate::outcome::Outcome;

/// Judges the facts of round `t` after its response: marks in
/// `out.broken` every fact the run breaks in it, and sets `out.rejected`
/// to the first fact broken (in round order, then fact order). Facts are
/// judged up to `f.check_until`, whether or not one is already broken, so
/// that every fact a candidate breaks is counted.
#[inline]
pub fn judge(scn: &Scenario, f: &Forecast, t: u32, st: &RunState, out: &mut Outcome) {
    if t > f.check_until {
        return;
    }
    for (i, fact) in f.facts.iter().enumerate() {
        if !out.broken[i] && breaks(scn, fact, t, st) {
            out.broken[i] = true;
            out.rejected = out.rejected.or(Some(i));
        }
    }
}

/// At the end of the history's last round: books what the history
/// accounts for into `out.history` (subtracted when the run settles).
#[inline]
pub fn end_of_history(f: &Forecast, t: u32, st: &RunState, out: &mut Outcome) {
    if t != f.last_round {
        return;
    }
    out.history.cost = st.cost();
    out.history.lever_uses.copy_from_slice(&out.lever_uses);
    out.history.event_counts.copy_from_slice(&out.event_counts);
}

fn breaks(scn: &Scenario, fact: &Fact, t: u32, st: &RunState) -> bool {
    // "X happened": judged in the fact's round; "X did not happen by the
    // date": in every round up to it.
    let seen = |happened: bool, now: bool| {
        if happened {
            t == fact.round && !now
        } else {
            t <= fact.round && now
        }
    };
    match fact.what {
        FactKind::Open => t <= fact.round && st.end.is_some(),
        FactKind::Event { event, fired } => seen(fired, st.fired.contains(&event)),
        FactKind::Lever {
            lever,
            used,
            threatened,
        } => {
            let threats = st.levers[lever].uses;
            seen(used, st.used.contains(&lever))
                || match threatened {
                    // A threat by the fact's round: judged in that round.
                    Some(true) => t == fact.round && threats == 0,
                    // No threat in any round up to it.
                    Some(false) => t <= fact.round && threats > 0,
                    None => false,
                }
        }
        FactKind::Offer {
            side,
            issue,
            value,
            tolerance,
        } => {
            if t != fact.round {
                return false;
            }
            let o = &st.sides[side].offers;
            if o.last_target.is_nan() {
                return true; // no offer from that side yet
            }
            // The position as runs.csv and traces write it (its grid value).
            let x = scn.paths[side].point(o.hint)[issue];
            let scale = scn.grid_scales.get(issue).copied().flatten();
            let seen = scn.issues[issue].grid_value_at_scale(x, scn.protocol.resolution, scale);
            (seen - value).abs() > tolerance
        }
    }
}
