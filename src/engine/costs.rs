//! Phase 4: flow costs, pressure and concession rates. One pass over the
//! levers adds each active one's cost and rate change to its target and its
//! owner, and each one that could still be used its expected cost (the
//! threat) to both; then each side books its round's cost and advances its
//! clock.

use super::state::{LeverState, RunState};
use crate::model::{Lever, LeverPolicy, Scenario};

/// The expected cost of `lv` if used from round `t` on, per unit of its
/// per-round cost: its credibility times its rounds in force before the
/// horizon, decayed.
fn expected_rounds(scn: &Scenario, lv: &Lever, t: u32) -> f64 {
    let start = t.max(lv.from_round);
    let left = scn.clock.horizon.saturating_sub(start);
    let span = if lv.duration > 0 {
        lv.duration.min(left)
    } else {
        left
    };
    let rounds = if lv.decay == 0.0 {
        span as f64
    } else {
        let q = 1.0 - lv.decay;
        (1.0 - q.powi(span as i32)) / lv.decay
    };
    lv.credibility * rounds
}

/// [`expected_rounds`] of every lever in every round, built once per
/// workspace (a round only looks it up).
#[derive(Debug, Clone)]
pub struct Outlook {
    rounds: Vec<f64>,
    stride: usize,
}

impl Outlook {
    /// The table for `scn`.
    pub fn new(scn: &Scenario) -> Outlook {
        let stride = scn.clock.horizon as usize + 1;
        let rounds = scn
            .levers
            .iter()
            .flat_map(|lv| (0..stride as u32).map(move |t| expected_rounds(scn, lv, t)))
            .collect();
        Outlook { rounds, stride }
    }

    #[inline]
    fn get(&self, lever: usize, t: u32) -> f64 {
        self.rounds[lever * self.stride + t as usize]
    }
}

/// Whether `lv` could still be used: not in force, uses left, a policy.
fn is_threat(lv: &Lever, ls: &LeverState) -> bool {
    !ls.active && ls.uses < lv.max_uses && lv.policy != LeverPolicy::Never
}

/// Books round costs, expected threats (when `outlook` is given: some
/// strategy reads them) and concession rates in round `t`.
#[inline(always)]
pub fn phase(scn: &Scenario, t: u32, st: &mut RunState, outlook: Option<&Outlook>) {
    for s in st.sides.iter_mut() {
        s.clock.reset_rate();
        s.costs.reset_pressure();
    }
    for (li, (lv, ls)) in scn.levers.iter().zip(&st.levers).enumerate() {
        if let Some(r) = outlook.filter(|_| is_threat(lv, ls)).map(|o| o.get(li, t)) {
            let one_off = lv.credibility * lv.one_off_cost;
            st.sides[lv.target]
                .costs
                .add_threat(one_off + r * lv.cost_to_target);
            st.sides[lv.owner].costs.add_threat(r * lv.cost_to_owner);
        }
        if !ls.active {
            continue;
        }
        let decay = if lv.decay == 0.0 {
            1.0
        } else {
            (1.0 - lv.decay).powi(ls.age as i32)
        };
        let target = &mut st.sides[lv.target];
        target.costs.add_pressure(lv.cost_to_target * decay);
        target
            .clock
            .scale((1.0 - lv.backlash) * (1.0 + lv.softening));
        let owner = &mut st.sides[lv.owner];
        owner.costs.add_pressure(lv.cost_to_owner * decay);
        owner.clock.scale(1.0 - lv.owner_resolve);
    }
    for (side, s) in st.sides.iter_mut().enumerate() {
        let p = &scn.players[side];
        let round = s.costs.accrue(p.flow_cost * s.ty.delay_factor);
        s.politics.shift(-p.politics.pain * round);
        s.clock.tick();
    }
}
