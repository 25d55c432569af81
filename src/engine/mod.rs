//! The engine: one run is a pure function of (validated scenario, its own
//! generator). No I/O, no globals, no serde, no rayon. Buffers live in a
//! `Workspace` that is reused across runs, so a round allocates nothing.

pub mod belief;
pub mod equilibrium;
pub mod strategy;

use crate::model::{Acceptance, LeverPolicy, Player, ProposerRule, Scenario, Side, Trigger};
use crate::outcome::{Outcome, OutcomeKind};
use crate::rng::{sample, uniform, RunRng};
use strategy::{Mind, Tables, TargetInput};

/// The smallest improvement (in the receiver's utility) of the best offer
/// received so far that counts as progress for `stalled` lever policies.
pub const PROGRESS: f64 = 0.01;

/// The responder's answer in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// Accepted and ratified by both sides: the run ends in a deal.
    Accept,
    /// Accepted, but a side failed to ratify: back to the table.
    RatificationFailed,
    /// Accepted, ratification failed and the limit of attempts is reached.
    RatificationBreakdown,
    /// Rejected; talks go on.
    Reject,
    /// Rejected and walked away: breakdown.
    WalkAway,
}

impl Response {
    /// Label used in traces.
    pub fn label(self) -> &'static str {
        match self {
            Response::Accept => "accept",
            Response::RatificationFailed => "ratification_failed",
            Response::RatificationBreakdown => "ratification_breakdown",
            Response::Reject => "reject",
            Response::WalkAway => "walk_away",
        }
    }
}

/// What happened in one round, for traces.
#[derive(Debug)]
pub struct RoundRecord<'a> {
    /// The round.
    pub round: u32,
    /// Who proposed.
    pub proposer: Side,
    /// The offer, as normalised positions per issue.
    pub offer: &'a [f64],
    /// Each side's deal utility of the offer (undiscounted).
    pub offer_utility: [f64; 2],
    /// The response.
    pub response: Response,
    /// Levers carried out this round (indices).
    pub levers_used: &'a [usize],
    /// Events fired this round (indices).
    pub events: &'a [usize],
    /// Support at the end of the round.
    pub support: [f64; 2],
    /// Cumulative costs (USD bn) at the end of the round.
    pub cost: [f64; 2],
    /// Each side's no-deal value this round.
    pub no_deal: [f64; 2],
}

/// Receives round records (the trace). `()` ignores them at no cost.
pub trait Observer {
    /// Called once per round, after the response.
    fn round(&mut self, rec: &RoundRecord<'_>);
}

impl Observer for () {
    #[inline]
    fn round(&mut self, _rec: &RoundRecord<'_>) {}
}

/// An owned copy of a round record (for traces kept in memory).
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// The round.
    pub round: u32,
    /// Who proposed.
    pub proposer: Side,
    /// The offer, as normalised positions per issue.
    pub offer: Vec<f64>,
    /// Each side's deal utility of the offer.
    pub offer_utility: [f64; 2],
    /// The response.
    pub response: Response,
    /// Levers carried out this round.
    pub levers_used: Vec<usize>,
    /// Events fired this round.
    pub events: Vec<usize>,
    /// Support at the end of the round.
    pub support: [f64; 2],
    /// Cumulative costs at the end of the round.
    pub cost: [f64; 2],
    /// Each side's no-deal value this round.
    pub no_deal: [f64; 2],
}

/// An observer that keeps every round (allocates: for replays and tests, not for Monte Carlo).
#[derive(Debug, Default)]
pub struct Trace(pub Vec<Round>);

impl Observer for Trace {
    fn round(&mut self, r: &RoundRecord<'_>) {
        self.0.push(Round {
            round: r.round,
            proposer: r.proposer,
            offer: r.offer.to_vec(),
            offer_utility: r.offer_utility,
            response: r.response,
            levers_used: r.levers_used.to_vec(),
            events: r.events.to_vec(),
            support: r.support,
            cost: r.cost,
            no_deal: r.no_deal,
        });
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct LeverState {
    active: bool,
    age: u32,
    uses: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct PlayerState {
    reservation: f64,
    delay_factor: f64,
    resolve: f64,
    support: f64,
    clock: f64,
    rate: f64,
    concession_mult: f64,
    extra_flow: f64,
    cost: f64,
    round_cost: f64,
    pressure: f64,
    discount_pow: f64,
    best_from_opp: f64,
    stalled: u32,
    last_own_offer: f64,
    /// Index of this player's last offer on its own path (search hint).
    hint: usize,
    mind: Mind,
}

impl PlayerState {
    fn no_deal(&self, scn: &Scenario, side: Side) -> f64 {
        let p = &scn.players[side];
        self.reservation - p.pressure_horizon * self.pressure / p.bn_per_util
    }
}

/// Reusable buffers for runs of one scenario, and the strategies' tables
/// derived from it (equilibrium play, Bayesian priors), built once here.
#[derive(Debug, Clone)]
pub struct Workspace {
    levers: Vec<LeverState>,
    used: Vec<usize>,
    fired: Vec<usize>,
    mid: Vec<f64>,
    tables: Tables,
}

impl Workspace {
    /// Buffers sized for `scn`, and its strategies' tables.
    pub fn new(scn: &Scenario) -> Workspace {
        Workspace {
            levers: vec![LeverState::default(); scn.levers.len()],
            used: Vec::with_capacity(scn.levers.len()),
            fired: Vec::with_capacity(scn.events.len()),
            mid: vec![0.5; scn.issues.len()],
            tables: Tables::new(scn),
        }
    }
}

// ---------------------------------------------------------------------------
// The rules of a round that strategies must anticipate. The round loop below
// and the backward induction of `equilibrium` both use these functions, so
// equilibrium play is computed over the engine's own game.

/// Who proposes in round `t` when proposers alternate and `first` starts.
#[inline]
pub fn alternate_proposer(first: Side, t: u32) -> Side {
    if t % 2 == 0 {
        first
    } else {
        1 - first
    }
}

/// The probability that side 0 proposes in round `t`.
#[inline]
pub fn p0_proposes(rule: ProposerRule, t: u32) -> f64 {
    match rule {
        ProposerRule::Alternate { first } => {
            if alternate_proposer(first, t) == 0 {
                1.0
            } else {
                0.0
            }
        }
        ProposerRule::Random { p0 } => p0,
    }
}

/// A responder's continuation in a round that is not the last: what
/// rejecting is worth now (in the utility of this round) if the talks settle
/// next round at deal utility `u_next`: one round of discounting, and one
/// more round's cost `round_cost` (USD bn) converted to utility and brought
/// to this round's value by `discount_pow` (= δ^t). A round without cost
/// costs nothing even when δ^t has underflowed to 0 (0/0 would be NaN).
#[inline]
pub fn continuation(p: &Player, u_next: f64, round_cost: f64, discount_pow: f64) -> f64 {
    let cost = if round_cost == 0.0 {
        0.0
    } else {
        round_cost / (p.bn_per_util * discount_pow)
    };
    p.discount * u_next - cost
}

/// How much the focal deadline lowers `side`'s acceptance threshold in
/// round `t`: in the round before it, every alternative to accepting
/// (waiting or walking away) leaves the side without a deal when the
/// deadline passes, so its audience cost, in this round's utility, is at stake.
#[inline]
pub fn audience_relief(scn: &Scenario, side: Side, t: u32, discount_pow: f64) -> f64 {
    match &scn.clock.focal {
        Some(f) if f.round == t + 1 && f.audience_cost[side] > 0.0 => {
            f.audience_cost[side] / (scn.players[side].bn_per_util * discount_pow)
        }
        _ => 0.0,
    }
}

/// The responder's acceptance threshold under its rule.
#[inline]
pub fn threshold(rule: Acceptance, continuation: f64, no_deal: f64) -> f64 {
    match rule {
        Acceptance::NextOfferOrNoDeal => continuation.max(no_deal),
        Acceptance::NoDeal => no_deal,
        Acceptance::NextOffer => continuation,
    }
}

/// Tolerance of the acceptance test (offers lie on a grid of utilities).
pub const ACCEPT_TOLERANCE: f64 = 1e-12;

/// Whether an offer worth `u` to the responder meets its threshold.
#[inline]
pub fn accepts(u: f64, threshold: f64) -> bool {
    u >= threshold - ACCEPT_TOLERANCE
}

fn clamp01(v: f64) -> f64 {
    v.clamp(0.0, 1.0)
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Simulates one run into `out` (which must be sized by `Outcome::for_scenario`).
pub fn simulate<O: Observer>(
    scn: &Scenario,
    rng: &mut RunRng,
    ws: &mut Workspace,
    out: &mut Outcome,
    obs: &mut O,
) {
    let horizon = scn.clock.horizon;
    // Private types, drawn first and always in the same order.
    let mut ps = [PlayerState::default(); 2];
    for (side, st) in ps.iter_mut().enumerate() {
        let p = &scn.players[side];
        st.reservation = sample(&p.types.reservation, rng);
        st.delay_factor = sample(&p.types.delay_cost, rng);
        st.resolve = sample(&p.types.resolve, rng);
        st.support = p.politics.initial_support;
        st.concession_mult = 1.0;
        st.discount_pow = 1.0;
        st.best_from_opp = f64::NEG_INFINITY;
        st.last_own_offer = f64::NAN;
        st.mind = Mind::new();
        out.reservation[side] = st.reservation;
    }
    ws.levers
        .iter_mut()
        .for_each(|l| *l = LeverState::default());
    out.lever_uses.iter_mut().for_each(|c| *c = 0);
    out.event_counts.iter_mut().for_each(|c| *c = 0);
    out.terms.iter_mut().for_each(|v| *v = f64::NAN);
    out.ratifications = 0;
    let mut failures = 0u32;
    // The offer on the table: (proposer, path index); None before the first offer.
    let mut table: Option<(Side, usize)> = None;
    let mut end: Option<(OutcomeKind, u32)> = None;
    let mut deal: Option<(Side, usize)> = None;
    // Each side's no-deal value as it stood in the last round played: the
    // payoff of a breakdown or of the horizon (not raised by a ratification
    // that failed in that round).
    let mut last_no_deal = [0.0; 2];

    for t in 0..horizon {
        ws.used.clear();
        ws.fired.clear();

        // 1. Events.
        let lever_hazard: f64 = scn
            .levers
            .iter()
            .zip(&ws.levers)
            .filter(|(_, s)| s.active)
            .map(|(l, _)| l.hazard)
            .sum();
        for (ei, ev) in scn.events.iter().enumerate() {
            let u = uniform(rng);
            if out.event_counts[ei] >= ev.max_occurrences {
                continue;
            }
            let fire = match &ev.trigger {
                Trigger::OnRound { round, probability } => t == *round && u < *probability,
                Trigger::Hazard {
                    base,
                    from_round,
                    to_round,
                    exposure,
                    lever_sensitivity,
                } => {
                    if t < *from_round || t > *to_round {
                        false
                    } else {
                        let mut h = base + lever_sensitivity * lever_hazard;
                        if let Some(ex) = exposure {
                            let x = match table {
                                Some((p, k)) => scn.paths[p].point(k),
                                None => &ws.mid[..],
                            };
                            let v = scn.issues[ex.issue].value_at(x[ex.issue]);
                            let cushion = ex
                                .cushion
                                .map_or(0.0, |c| scn.issues[c].value_at(x[c]).max(0.0));
                            h += ex.slope * v / (ex.reserves + cushion);
                        }
                        u < h.min(1.0)
                    }
                }
            };
            if fire {
                out.event_counts[ei] += 1;
                ws.fired.push(ei);
                for (side, st) in ps.iter_mut().enumerate() {
                    let e = &ev.effects[side];
                    st.cost += e.one_off_cost;
                    st.extra_flow += e.flow_cost;
                    st.support = clamp01(st.support + e.support);
                    st.concession_mult *= e.concession;
                    st.reservation += e.reservation;
                }
            }
        }

        // 2. The focal deadline passes without a deal.
        if let Some(f) = &scn.clock.focal {
            if t == f.round && t > 0 {
                for (side, st) in ps.iter_mut().enumerate() {
                    st.cost += f.audience_cost[side];
                    st.support = clamp01(st.support - f.support_loss[side]);
                }
            }
        }

        // 3. Levers: expire, then decide on new uses.
        for (li, lv) in scn.levers.iter().enumerate() {
            let u = uniform(rng);
            let st = &mut ws.levers[li];
            if st.active {
                st.age += 1;
                if lv.duration > 0 && st.age >= lv.duration {
                    st.active = false;
                }
            }
            if st.active || st.uses >= lv.max_uses || t < lv.from_round {
                continue;
            }
            let owner = &ps[lv.owner];
            let wants = match lv.policy {
                LeverPolicy::Never => false,
                LeverPolicy::AtRound { round } => t == round,
                LeverPolicy::Stalled { rounds } => owner.stalled >= rounds,
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
                    let gap = (owner.mind.last_target - owner.best_from_opp.max(0.0)).max(0.0);
                    let share = lv.cost_to_target / (lv.cost_to_target + target_flow).max(1e-12);
                    let gain = lv.credibility * (1.0 - lv.backlash) * gap * po.bn_per_util * share;
                    let span = if lv.duration > 0 {
                        lv.duration
                    } else {
                        horizon - t
                    } as f64;
                    gain > lv.cost_to_owner * span
                }
            };
            if !wants {
                continue;
            }
            // A threat uses the lever up whether or not it is carried out:
            // an empty threat has been called.
            st.uses += 1;
            if u < lv.credibility {
                st.active = true;
                st.age = 0;
                out.lever_uses[li] += 1;
                ws.used.push(li);
                let tg = &mut ps[lv.target];
                tg.cost += lv.one_off_cost;
                tg.support = clamp01(tg.support + lv.backlash * (1.0 - tg.support));
            }
        }

        // 4. Flow costs, pressure and concession rates: one pass over the
        // active levers, each adding to its target and its owner.
        for st in ps.iter_mut() {
            st.rate = st.concession_mult;
            st.pressure = st.extra_flow.max(0.0);
        }
        for (lv, ls) in scn.levers.iter().zip(&ws.levers) {
            if !ls.active {
                continue;
            }
            let decay = if lv.decay == 0.0 {
                1.0
            } else {
                (1.0 - lv.decay).powi(ls.age as i32)
            };
            let target = &mut ps[lv.target];
            target.pressure += lv.cost_to_target * decay;
            target.rate *= (1.0 - lv.backlash) * (1.0 + lv.softening);
            let owner = &mut ps[lv.owner];
            owner.pressure += lv.cost_to_owner * decay;
            owner.rate *= 1.0 - lv.owner_resolve;
        }
        for (side, st) in ps.iter_mut().enumerate() {
            let p = &scn.players[side];
            st.round_cost = p.flow_cost * st.delay_factor + st.pressure;
            st.cost += st.round_cost;
            st.support = clamp01(st.support - p.politics.pain * st.round_cost);
            st.clock += st.rate;
        }

        // 5. The proposer and its offer.
        let proposer = match scn.protocol.proposer {
            ProposerRule::Alternate { first } => alternate_proposer(first, t),
            ProposerRule::Random { p0 } => {
                if uniform(rng) < p0 {
                    0
                } else {
                    1
                }
            }
        };
        let responder = 1 - proposer;
        let no_deal = [ps[0].no_deal(scn, 0), ps[1].no_deal(scn, 1)];
        last_no_deal = no_deal;
        // The public part of each no-deal value (pressure): what a side can
        // tell about the other's no-deal value beyond its private type.
        let shift = [
            no_deal[0] - ps[0].reservation,
            no_deal[1] - ps[1].reservation,
        ];
        let path = &scn.paths[proposer];
        let tau = {
            let st = &mut ps[proposer];
            let inp = TargetInput {
                round: t,
                clock: st.clock,
                floor: clamp01(no_deal[proposer]),
                no_deal: no_deal[proposer],
                resolve: st.resolve,
                rate: st.rate,
                round_cost: st.round_cost,
                discount_pow: st.discount_pow,
                opp_shift: shift[responder],
            };
            strategy::target(scn, &ws.tables, proposer, inp, &mut st.mind, false)
        };
        ps[proposer].mind.last_target = tau;
        let k = path.at_own_utility_near(proposer, tau, ps[proposer].hint);
        ps[proposer].hint = k;
        let offer_u = [path.u[0][k], path.u[1][k]];
        table = Some((proposer, k));
        {
            let pp = &scn.players[proposer].politics;
            let st = &mut ps[proposer];
            let conceded = if st.last_own_offer.is_nan() {
                0.0
            } else {
                st.last_own_offer - offer_u[proposer]
            };
            if conceded > 1e-9 {
                st.support = clamp01(st.support - pp.concession * conceded);
            } else {
                st.support = clamp01(st.support + pp.firmness);
            }
            st.last_own_offer = offer_u[proposer];
        }

        // 6. The responder's answer.
        let u_resp = offer_u[responder];
        {
            let st = &mut ps[responder];
            st.mind.opp_previous = st.mind.opp_latest;
            st.mind.opp_latest = u_resp;
            st.mind
                .learn_from_offer(offer_u[proposer] - shift[proposer]);
            if u_resp > st.best_from_opp + PROGRESS {
                st.best_from_opp = u_resp;
                st.stalled = 0;
            } else {
                st.stalled += 1;
            }
        }
        ps[proposer].stalled += 1;
        let rp = &scn.players[responder];
        let nd = no_deal[responder];
        let last_round = t + 1 >= horizon;
        let cont = if last_round {
            nd
        } else {
            let st = &mut ps[responder];
            // What the responder expects to settle at next round: by default
            // its own next offer; an equilibrium player's equilibrium value.
            let u_next = match strategy::expected_next(scn, &ws.tables, responder, t + 1) {
                Some(u) => u,
                None => {
                    let inp = TargetInput {
                        round: t + 1,
                        clock: st.clock + st.rate,
                        floor: clamp01(nd),
                        no_deal: nd,
                        resolve: st.resolve,
                        rate: st.rate,
                        round_cost: st.round_cost,
                        discount_pow: st.discount_pow * rp.discount,
                        opp_shift: shift[proposer],
                    };
                    let next =
                        strategy::target(scn, &ws.tables, responder, inp, &mut st.mind, true);
                    let kn = scn.paths[responder].at_own_utility_near(responder, next, st.hint);
                    scn.paths[responder].u[responder][kn]
                }
            };
            continuation(rp, u_next, st.round_cost, st.discount_pow)
        };
        let thr = threshold(rp.acceptance, cont, nd)
            - audience_relief(scn, responder, t, ps[responder].discount_pow);
        let response = if accepts(u_resp, thr) {
            out.ratifications += 1;
            let mut all = true;
            for (side, st) in ps.iter_mut().enumerate() {
                let r = &scn.players[side].politics.ratification;
                let s0 = scn.players[side].politics.initial_support;
                let z = logit(r.base)
                    + r.support_slope * (st.support - s0)
                    + r.terms_slope * (offer_u[side] - no_deal[side]);
                let p = 1.0 / (1.0 + (-z).exp());
                let u = uniform(rng);
                if u >= p {
                    all = false;
                    st.cost += r.failure_cost;
                    st.support = clamp01(st.support - r.failure_support_loss);
                    st.reservation += r.failure_hardening;
                }
            }
            if all {
                Response::Accept
            } else {
                failures += 1;
                if failures >= scn.protocol.max_ratifications {
                    Response::RatificationBreakdown
                } else {
                    Response::RatificationFailed
                }
            }
        } else if rp.can_walk_away
            && u_resp < nd
            && !ps[responder].last_own_offer.is_nan()
            && ps[responder].mind.last_target <= clamp01(nd) + PROGRESS
            && nd > best_expected(scn, &ps, responder)
        {
            Response::WalkAway
        } else {
            Response::Reject
        };
        if matches!(response, Response::Reject | Response::WalkAway) {
            // The proposer learns that the responder's no-deal value exceeds
            // what the offer gave it (beyond the acceptance tolerance).
            ps[proposer]
                .mind
                .learn_from_rejection(offer_u[responder] - shift[responder] + ACCEPT_TOLERANCE);
        }
        match response {
            Response::Accept => {
                end = Some((OutcomeKind::Deal, t));
                deal = Some((proposer, k));
            }
            Response::WalkAway | Response::RatificationBreakdown => {
                end = Some((OutcomeKind::Breakdown, t))
            }
            _ => {}
        }
        obs.round(&RoundRecord {
            round: t,
            proposer,
            offer: path.point(k),
            offer_utility: offer_u,
            response,
            levers_used: &ws.used,
            events: &ws.fired,
            support: [ps[0].support, ps[1].support],
            cost: [ps[0].cost, ps[1].cost],
            no_deal,
        });
        if end.is_some() {
            break;
        }
        for (side, st) in ps.iter_mut().enumerate() {
            st.discount_pow *= scn.players[side].discount;
        }
    }

    let (kind, end_round) = end.unwrap_or((OutcomeKind::NoDeal, horizon));
    out.kind = kind;
    out.end_round = end_round;
    for (side, st) in ps.iter().enumerate() {
        let p = &scn.players[side];
        let value = match deal {
            Some((pr, k)) => scn.paths[pr].u[side][k],
            None => last_no_deal[side],
        };
        out.utility[side] = st.discount_pow * value - st.cost / p.bn_per_util;
        out.cost[side] = st.cost;
        out.support[side] = st.support;
    }
    if let Some((pr, k)) = deal {
        for (i, (v, is)) in out.terms.iter_mut().zip(&scn.issues).enumerate() {
            *v = is.value_at(scn.paths[pr].point(k)[i]);
        }
    }
}

/// The best deal `side` expects the other to accept: on `side`'s own path,
/// the first point worth the other's estimated reservation value, where the
/// estimate is the prior mean capped by what the other last offered itself.
fn best_expected(scn: &Scenario, ps: &[PlayerState; 2], side: Side) -> f64 {
    let opp = 1 - side;
    let prior = scn.players[opp].types.reservation.mean();
    let own_last = ps[opp].last_own_offer;
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
