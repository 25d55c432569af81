//! The rules of a round that strategies must anticipate. The round loop and
//! the backward induction of `equilibrium` both use these functions, so
//! equilibrium play is computed over the engine's own game.

use crate::model::{Acceptance, Player, ProposerRule, Scenario, Side};

/// The smallest improvement (in the receiver's utility) of the best offer
/// received so far that counts as progress for `stalled` lever policies.
pub const PROGRESS: f64 = 0.01;

/// Tolerance of the acceptance test (offers lie on a grid of utilities).
pub const ACCEPT_TOLERANCE: f64 = 1e-12;

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

/// A cost of `bn` USD bn to `p` in round-t utility (`discount_pow` = δ^t:
/// costs are not discounted, deal utilities are). No cost costs nothing,
/// even when δ^t has underflowed to 0 (0/0 would be NaN).
#[inline]
pub fn cost_in_utility(p: &Player, bn: f64, discount_pow: f64) -> f64 {
    cost_to_utility(p.bn_per_util, bn, discount_pow)
}

/// The same for a player whose utility unit is worth `bn_per_util` USD bn.
#[inline]
pub fn cost_to_utility(bn_per_util: f64, bn: f64, discount_pow: f64) -> f64 {
    if bn == 0.0 {
        0.0
    } else {
        bn / (bn_per_util * discount_pow)
    }
}

/// A responder's continuation in a round that is not the last: what
/// rejecting is worth now (in the utility of this round) if the talks settle
/// next round at deal utility `u_next`: one round of discounting, and one
/// more round's cost `round_cost` (USD bn) converted to utility and brought
/// to this round's value by `discount_pow` (= δ^t).
#[inline]
pub fn continuation(p: &Player, u_next: f64, round_cost: f64, discount_pow: f64) -> f64 {
    p.discount * u_next - cost_in_utility(p, round_cost, discount_pow)
}

/// How much the focal deadline lowers `side`'s acceptance threshold in
/// round `t`: in the round before it, every alternative to accepting
/// (waiting or walking away) leaves the side without a deal when the
/// deadline passes, so its audience cost, in this round's utility, is at stake.
#[inline]
pub fn audience_relief(scn: &Scenario, side: Side, t: u32, discount_pow: f64) -> f64 {
    match &scn.clock.focal {
        Some(f) if f.round == t + 1 && f.audience_cost[side] > 0.0 => {
            cost_in_utility(&scn.players[side], f.audience_cost[side], discount_pow)
        }
        _ => 0.0,
    }
}

/// A side's impasse value in round `t`, in the deal utility of round `t`:
/// what it gets if no deal is ever struck from now on (Binmore, Rubinstein &
/// Wolinsky 1986's impasse point): its no-deal value `no_deal` at the
/// horizon, discounted to now, less `costs.0` (a round's cost, USD bn) for
/// every round left, less `costs.1` (the expected cost of the levers still
/// to come, USD bn), less the focal audience cost if the focal deadline is
/// still ahead, each converted to utility and brought to round `t`'s value.
/// `pows` = (δ^(rounds left), δ^t), which callers tabulate.
pub fn impasse_value(
    scn: &Scenario,
    side: Side,
    t: u32,
    no_deal: f64,
    costs: (f64, f64),
    pows: (f64, f64),
) -> f64 {
    let p = &scn.players[side];
    let left = scn.clock.horizon.saturating_sub(t);
    let mut bn = costs.0 * left as f64 + costs.1;
    if let Some(f) = &scn.clock.focal {
        if t < f.round {
            bn += f.audience_cost[side];
        }
    }
    pows.0 * no_deal - cost_in_utility(p, bn, pows.1)
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

/// Whether an offer worth `u` to the responder meets its threshold.
#[inline]
pub fn accepts(u: f64, threshold: f64) -> bool {
    u >= threshold - ACCEPT_TOLERANCE
}

/// `v` clamped to [0, 1].
#[inline]
pub(crate) fn clamp01(v: f64) -> f64 {
    v.clamp(0.0, 1.0)
}
