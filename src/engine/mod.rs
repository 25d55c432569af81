//! The engine: one run is a pure function of (validated scenario, its own
//! generator). No I/O, no globals, no serde, no rayon. Buffers live in a
//! `Workspace` that is reused across runs, so a round allocates nothing.
//!
//! [`simulate`] is a short driver: draw the types and reset, then for each
//! round play the phases in order, each making its draws ([`draws`] lists
//! them all, in order) —
//!
//! 1. [`events`]: exogenous events fire;
//! 2. [`deadline`]: the focal deadline passes;
//! 3. [`levers`]: levers expire and owners decide on new uses;
//! 4. [`costs`]: flow costs, pressure and concession rates;
//! 5. [`offer`]: the proposer makes its offer;
//! 6. [`response`]: the responder answers; an accepted offer is ratified —
//!
//! then the observer sees the round, and the run settles into its
//! [`Outcome`]. The run state ([`state`]) is split by concern, and the
//! strategies ([`strategy`]) keep their own memory through observe hooks.

pub mod belief;
pub mod costs;
pub mod deadline;
pub mod draws;
pub mod equilibrium;
pub mod events;
pub mod forecast;
pub mod levers;
pub mod offer;
pub mod response;
pub mod rules;
pub mod state;
pub mod strategy;
pub mod trace;

pub use rules::{
    accepts, alternate_proposer, audience_relief, continuation, p0_proposes, threshold,
    ACCEPT_TOLERANCE, PROGRESS,
};
pub use trace::Response;
pub use trace::{Observer, Round, RoundRecord, Trace};

use crate::model::Scenario;
use crate::outcome::{Outcome, OutcomeKind};
use crate::rng::RunRng;
use state::{DrawnType, RunState};
use strategy::{Bidder, Seen};

/// The version of the results: what a run computes from its seed. Bumped
/// whenever a change of the model or of the draws changes any output for
/// the same config and seed (recorded in manifest.json).
///
/// 2: a fixed number of draws per round (proposer and ratification uniforms
/// drawn every round) and every distribution drawn by inverse CDF from one
/// uniform (a true truncated normal).
///
/// 3: the `nash` strategy's demand is the exact peak of the Nash product on
/// the offer path (searched on the path's outer hull), which changes its
/// runs; the `attrition` strategy. (The built-in scenario changed too, but a
/// scenario's own changes show in its config, not here.)
///
/// 4: agreed terms are the exact decimal of their grid point
/// (`Issue::grid_value`), not `lo + x (hi − lo)` with its rounding noise
/// (0.164, not 0.16399999999999998): runs.csv terms and the summaries of
/// terms change in the last digits.
///
/// 5: runs.csv names the run's generator coordinates for what they are
/// (`rng_point`, `rng_stream`, not `point`, `replicate`), and writes a
/// whole value of a real-valued column with a decimal point (`1.0`;
/// `output::RealColumns`), so that polars, which infers a column's
/// type from its first rows, reads `0`, `0.5`, `1` as floats: the numbers
/// are unchanged, the bytes of runs.csv are not.
pub const RESULTS_VERSION: u32 = 5;

/// Reusable buffers for runs of one scenario, and its strategies (with the
/// tables they derive from it: equilibrium play, Bayesian priors), built once here.
#[derive(Debug, Clone)]
pub struct Workspace {
    state: RunState,
    mid: Vec<f64>,
    bidders: [Bidder; 2],
    /// The levers' outlook, when a strategy reads threats.
    outlook: Option<costs::Outlook>,
}

impl Workspace {
    /// Buffers sized for `scn`, and its strategies.
    pub fn new(scn: &Scenario) -> Workspace {
        let bidders = [Bidder::new(scn, 0), Bidder::new(scn, 1)];
        let threats = bidders.iter().any(Bidder::reads_threats);
        Workspace {
            state: RunState::new(scn),
            mid: vec![0.5; scn.issues.len()],
            bidders,
            outlook: threats.then(|| costs::Outlook::new(scn)),
        }
    }
}

/// Simulates one run into `out` (which must be sized by `Outcome::for_scenario`).
pub fn simulate<O: Observer>(
    scn: &Scenario,
    rng: &mut RunRng,
    ws: &mut Workspace,
    out: &mut Outcome,
    obs: &mut O,
) {
    let types = draws::types(scn, rng);
    let Workspace {
        state: st,
        mid,
        bidders,
        outlook,
    } = ws;
    st.reset(scn, types);
    start_outcome(out, &types);
    for t in 0..scn.clock.horizon {
        st.begin_round();
        events::phase(scn, t, st, rng, mid, out);
        deadline::phase(scn, t, st);
        levers::phase(scn, t, st, rng, out);
        costs::phase(scn, t, st, outlook.as_ref());
        let offer = offer::phase(scn, t, st, bidders, rng);
        let response = response::phase(scn, t, st, bidders, &offer, rng, out);
        obs.round(&RoundRecord {
            round: t,
            proposer: offer.proposer,
            offer: scn.paths[offer.proposer].point(offer.k),
            offer_utility: offer.utility,
            response,
            levers_used: &st.used,
            events: &st.fired,
            support: st.support(),
            cost: st.cost(),
            no_deal: offer.no_deal,
        });
        if let Some(f) = &scn.forecast {
            forecast::judge(scn, f, t, st, out);
            forecast::end_of_history(f, t, st, out);
            if out.rejected.is_some() && t >= f.check_until {
                break;
            }
        }
        if st.end.is_some() {
            break;
        }
        end_round(scn, t, st, bidders);
    }
    settle(scn, st, out);
}

/// Clears `out` for a run with the drawn types.
fn start_outcome(out: &mut Outcome, types: &[DrawnType; 2]) {
    for (side, ty) in types.iter().enumerate() {
        out.reservation[side] = ty.reservation;
    }
    out.lever_uses.iter_mut().for_each(|c| *c = 0);
    out.event_counts.iter_mut().for_each(|c| *c = 0);
    out.terms.iter_mut().for_each(|v| *v = f64::NAN);
    out.ratifications = 0;
    out.rejected = None;
    out.broken.iter_mut().for_each(|b| *b = false);
    out.history.cost = [0.0; 2];
    out.history.lever_uses.iter_mut().for_each(|c| *c = 0);
    out.history.event_counts.iter_mut().for_each(|c| *c = 0);
}

/// A round ended with talks still open: strategies see it, time passes.
fn end_round(scn: &Scenario, t: u32, st: &mut RunState, bidders: &[Bidder; 2]) {
    for (side, s) in st.sides.iter_mut().enumerate() {
        let seen = Seen::RoundEnd {
            round: t,
            round_cost: s.costs.round,
            discount_pow: s.costs.discount_pow,
        };
        bidders[side].observe(&mut s.mind, seen);
        s.costs.discount_pow *= scn.players[side].discount;
    }
}

/// Writes the run's end, payoffs and terms into `out`.
fn settle(scn: &Scenario, st: &RunState, out: &mut Outcome) {
    let (kind, end_round) = st.end.unwrap_or((OutcomeKind::NoDeal, scn.clock.horizon));
    out.kind = kind;
    out.end_round = end_round;
    for (side, s) in st.sides.iter().enumerate() {
        let p = &scn.players[side];
        let terms = st.deal.map_or(f64::NAN, |(pr, k)| scn.paths[pr].u[side][k]);
        out.deal_utility[side] = terms;
        let value = if st.deal.is_some() {
            terms
        } else {
            st.last_no_deal[side]
        };
        out.utility[side] = s.costs.discount_pow * value - s.costs.total / p.bn_per_util;
        // With a forecast, costs count from its first round on.
        out.cost[side] = s.costs.total - out.history.cost[side];
        out.support[side] = s.politics.support;
    }
    for (n, h) in out.lever_uses.iter_mut().zip(&out.history.lever_uses) {
        *n -= h;
    }
    for (n, h) in out.event_counts.iter_mut().zip(&out.history.event_counts) {
        *n -= h;
    }
    if let Some((pr, k)) = st.deal {
        for (i, (v, is)) in out.terms.iter_mut().zip(&scn.issues).enumerate() {
            let scale = scn.grid_scales.get(i).copied().flatten();
            *v = is.grid_value_at_scale(scn.paths[pr].point(k)[i], scn.protocol.resolution, scale);
        }
    }
}
