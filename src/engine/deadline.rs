//! Phase 2: the focal deadline passes without a deal: each side pays its
//! audience cost and loses support.

use super::state::RunState;
use crate::model::Scenario;

/// Applies the focal deadline's costs if round `t` is its round.
#[inline(always)]
pub fn phase(scn: &Scenario, t: u32, st: &mut RunState) {
    let Some(f) = &scn.clock.focal else {
        return;
    };
    if t != f.round || t == 0 {
        return;
    }
    for (side, s) in st.sides.iter_mut().enumerate() {
        s.costs.charge(f.audience_cost[side]);
        s.politics.shift(-f.support_loss[side]);
    }
}
