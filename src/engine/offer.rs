//! Phase 5: the proposer and its offer. The proposer's strategy sets a
//! target utility; the offer is the point of its path at that target. Its
//! leader loses support for conceding, or gains it for standing firm.

use super::draws;
use super::rules::alternate_proposer;
use super::state::{RunState, SideState};
use super::strategy::{Bidder, Seen, TargetInput};
use crate::model::{ProposerRule, Scenario, Side};
use crate::rng::RunRng;

/// The offer made this round, and the values it was judged by.
#[derive(Debug, Clone, Copy)]
pub struct Offer {
    /// Who proposed.
    pub proposer: Side,
    /// Its index on the proposer's path.
    pub k: usize,
    /// Each side's deal utility of it.
    pub utility: [f64; 2],
    /// Each side's no-deal value this round.
    pub no_deal: [f64; 2],
    /// The public part of each side's no-deal value (pressure): what a side
    /// can tell about the other's no-deal value beyond its private type.
    pub shift: [f64; 2],
}

impl Offer {
    /// Who responds.
    #[inline]
    pub fn responder(&self) -> Side {
        1 - self.proposer
    }
}

/// A side's target input in round `when.0` (this one, or the next when
/// `when.1`: its clock advanced by one round's rate, discounted once more);
/// `opp` is the opponent's state (only its public parts are read: its
/// pressure, threats and rate) and `opp_shift` the public shift of its
/// no-deal value.
#[inline(always)]
pub fn target_input(
    scn: &Scenario,
    side: Side,
    s: &SideState,
    when: (u32, bool),
    no_deal: f64,
    opp: &SideState,
    opp_shift: f64,
) -> TargetInput {
    let (round, ahead) = when;
    let (clock, discount_pow) = if ahead {
        (
            s.clock.clock + s.clock.rate,
            s.costs.discount_pow * scn.players[side].discount,
        )
    } else {
        (s.clock.clock, s.costs.discount_pow)
    };
    TargetInput {
        round,
        ahead,
        clock,
        floor: no_deal.clamp(0.0, 1.0),
        no_deal,
        resolve: s.ty.resolve,
        last_target: s.offers.last_target,
        rate: s.clock.rate,
        round_cost: s.costs.round,
        discount_pow,
        opp_shift,
        threat: s.costs.threat,
        opp_threat: opp.costs.threat,
        opp_pressure: opp.costs.pressure,
        opp_rate: opp.clock.rate,
    }
}

/// Picks the proposer (its draw from `rng`) and makes its offer.
#[inline(always)]
pub fn phase(
    scn: &Scenario,
    t: u32,
    st: &mut RunState,
    bidders: &[Bidder; 2],
    rng: &mut RunRng,
) -> Offer {
    let u = draws::proposer(rng);
    let proposer = match scn.protocol.proposer {
        ProposerRule::Alternate { first } => alternate_proposer(first, t),
        ProposerRule::Random { p0 } => (u >= p0) as Side,
    };
    let no_deal = [st.sides[0].no_deal(scn, 0), st.sides[1].no_deal(scn, 1)];
    st.last_no_deal = no_deal;
    let shift = [
        no_deal[0] - st.sides[0].ty.reservation,
        no_deal[1] - st.sides[1].ty.reservation,
    ];
    let path = &scn.paths[proposer];
    let [s0, s1] = &mut st.sides;
    let (s, opp) = if proposer == 0 {
        (s0, &*s1)
    } else {
        (s1, &*s0)
    };
    let bidder = &bidders[proposer];
    let inp = target_input(
        scn,
        proposer,
        s,
        (t, false),
        no_deal[proposer],
        opp,
        shift[1 - proposer],
    );
    let tau = bidder.target(scn, proposer, &inp, &s.mind);
    bidder.observe(&mut s.mind, Seen::OwnOffer { target: tau });
    let k = path.at_own_utility_near(proposer, tau, s.offers.hint);
    s.offers.made(tau, k);
    let utility = [path.u[0][k], path.u[1][k]];
    let pp = &scn.players[proposer].politics;
    let conceded = s.offers.conceded(utility[proposer]);
    if conceded > 1e-9 {
        s.politics.shift(-pp.concession * conceded);
    } else {
        s.politics.shift(pp.firmness);
    }
    st.table = Some((proposer, k));
    Offer {
        proposer,
        k,
        utility,
        no_deal,
        shift,
    }
}
