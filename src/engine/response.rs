//! Phase 6: the responder's answer, and ratification of an accepted offer.
//!
//! The responder accepts an offer worth at least its threshold: the better
//! of its continuation (what it expects to settle at next round, one round
//! discounted and costed) and its no-deal value, lowered by the focal
//! deadline's audience cost in the round before it. An accepted offer is
//! sent home on both sides; each ratifies with a logistic probability in its
//! support and in the terms' margin over its no-deal value.

use super::draws;
use super::offer::{target_input, Offer};
use super::rules::{
    accepts, audience_relief, clamp01, continuation, threshold, ACCEPT_TOLERANCE, PROGRESS,
};
use super::state::RunState;
use super::strategy::{Bidder, Seen};
use super::trace::Response;
use crate::model::Scenario;
use crate::outcome::{Outcome, OutcomeKind};
use crate::rng::RunRng;

/// The responder answers `offer` in round `t` (each side's ratification
/// uniform drawn from `rng` first); ends the run in `st.end` on a deal or a
/// breakdown.
#[inline(always)]
pub fn phase(
    scn: &Scenario,
    t: u32,
    st: &mut RunState,
    bidders: &[Bidder; 2],
    offer: &Offer,
    rng: &mut RunRng,
    out: &mut Outcome,
) -> Response {
    let ratify_draws = draws::ratification(rng);
    let (proposer, responder) = (offer.proposer, offer.responder());
    let u_resp = offer.utility[responder];
    {
        let s = &mut st.sides[responder];
        let opp_net = offer.utility[proposer] - offer.shift[proposer];
        let seen = Seen::OfferReceived {
            utility: u_resp,
            opp_net,
        };
        bidders[responder].observe(&mut s.mind, seen);
        s.offers.received(u_resp, PROGRESS);
    }
    let rp = &scn.players[responder];
    let nd = offer.no_deal[responder];
    let cont = continuation_value(scn, t, st, bidders, offer);
    let thr = threshold(rp.acceptance, cont, nd)
        - audience_relief(scn, responder, t, st.sides[responder].costs.discount_pow);
    let response = if accepts(u_resp, thr) {
        out.ratifications += 1;
        ratify(scn, st, offer, ratify_draws)
    } else if walks_away(scn, st, offer) {
        Response::WalkAway
    } else {
        Response::Reject
    };
    if matches!(response, Response::Reject | Response::WalkAway) {
        // The proposer learns that the responder's no-deal value exceeds
        // what the offer gave it (beyond the acceptance tolerance).
        let opp_net = u_resp - offer.shift[responder] + ACCEPT_TOLERANCE;
        let s = &mut st.sides[proposer];
        bidders[proposer].observe(&mut s.mind, Seen::Rejected { opp_net });
    }
    match response {
        Response::Accept => {
            st.end = Some((OutcomeKind::Deal, t));
            st.deal = Some((proposer, offer.k));
        }
        Response::WalkAway | Response::RatificationBreakdown => {
            st.end = Some((OutcomeKind::Breakdown, t))
        }
        _ => {}
    }
    response
}

/// What rejecting is worth to the responder: its no-deal value in the last
/// round; before it, the continuation of what it expects to settle at next
/// round (its strategy's expectation, or else its own next offer).
#[inline(always)]
fn continuation_value(
    scn: &Scenario,
    t: u32,
    st: &RunState,
    bidders: &[Bidder; 2],
    offer: &Offer,
) -> f64 {
    let (proposer, responder) = (offer.proposer, offer.responder());
    let nd = offer.no_deal[responder];
    if t + 1 >= scn.clock.horizon {
        return nd;
    }
    let s = &st.sides[responder];
    let bidder = &bidders[responder];
    let u_next = match bidder.expected_next(t + 1) {
        Some(u) => u,
        None => {
            let opp = &st.sides[proposer];
            let inp = target_input(
                scn,
                responder,
                s,
                (t + 1, true),
                nd,
                opp,
                offer.shift[proposer],
            );
            let next = bidder.target(scn, responder, &inp, &s.mind);
            let path = &scn.paths[responder];
            let kn = path.at_own_utility_near(responder, next, s.offers.hint);
            path.u[responder][kn]
        }
    };
    continuation(
        &scn.players[responder],
        u_next,
        s.costs.round,
        s.costs.discount_pow,
    )
}

/// Sends the accepted offer home (`u`: each side's ratification draw).
#[inline(always)]
fn ratify(scn: &Scenario, st: &mut RunState, offer: &Offer, u: [f64; 2]) -> Response {
    let mut all = true;
    for (side, s) in st.sides.iter_mut().enumerate() {
        let pol = &scn.players[side].politics;
        let r = &pol.ratification;
        let z = logit(r.base)
            + r.support_slope * (s.politics.support - pol.initial_support)
            + r.terms_slope * (offer.utility[side] - offer.no_deal[side]);
        let p = 1.0 / (1.0 + (-z).exp());
        if u[side] >= p {
            all = false;
            s.costs.charge(r.failure_cost);
            s.politics.shift(-r.failure_support_loss);
            s.ty.shift_reservation(r.failure_hardening);
        }
    }
    if all {
        return Response::Accept;
    }
    st.failures += 1;
    if st.failures >= scn.protocol.max_ratifications {
        Response::RatificationBreakdown
    } else {
        Response::RatificationFailed
    }
}

/// Whether the responder walks away from a rejected offer: it may, the offer
/// is below its no-deal value, it has conceded to its floor, and its no-deal
/// value beats the best deal it expects the other to accept.
#[inline(always)]
fn walks_away(scn: &Scenario, st: &RunState, offer: &Offer) -> bool {
    let responder = offer.responder();
    let s = &st.sides[responder];
    let nd = offer.no_deal[responder];
    scn.players[responder].can_walk_away
        && offer.utility[responder] < nd
        && s.offers.has_offered()
        && s.offers.last_target <= clamp01(nd) + PROGRESS
        && nd > best_expected(scn, st, responder)
}

/// The best deal `side` expects the other to accept: on `side`'s own path,
/// the first point worth the other's estimated reservation value, where the
/// estimate is the prior mean capped by what the other last offered itself.
#[inline(always)]
fn best_expected(scn: &Scenario, st: &RunState, side: usize) -> f64 {
    let opp = 1 - side;
    let prior = scn.players[opp].types.reservation.mean();
    let own_last = st.sides[opp].offers.last_own;
    let est = if own_last.is_nan() {
        prior
    } else {
        prior.min(own_last)
    };
    let path = &scn.paths[side];
    match path.first_reaching(opp, est) {
        Some(k) => path.u[side][k],
        None => f64::NEG_INFINITY,
    }
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}
