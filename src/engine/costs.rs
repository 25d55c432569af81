//! Phase 4: flow costs, pressure and concession rates. One pass over the
//! active levers adds each one's cost and rate change to its target and its
//! owner; then each side books its round's cost and advances its clock.

use super::state::RunState;
use crate::model::Scenario;

/// Books round costs and concession rates.
pub fn phase(scn: &Scenario, st: &mut RunState) {
    for s in st.sides.iter_mut() {
        s.clock.reset_rate();
        s.costs.reset_pressure();
    }
    for (lv, ls) in scn.levers.iter().zip(&st.levers) {
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
