//! A war of attrition over Nash demands.
//!
//! Demands. Each side demands the generalised Nash solution of the current
//! impasse values (as the `nash` strategy), taking the opponent to be the
//! weakest type it cannot yet rule out (the 10% point of its posterior on
//! the opponent's reservation value). Demands are therefore incompatible
//! whenever neither side is much weaker than the other believes: each holds
//! a position the other rejects, as in the reputational bargaining of Abreu
//! & Gul (2000), where demands are commitments and the game is a war of
//! attrition over who gives in. The opponent's offers bound its
//! reservation value from above (no side proposes less than its no-deal
//! value), so the belief, and with it the demand, moves as offers come in;
//! rejections do not move it (a side rejects to hold out). Costs, pressure,
//! threats, discounting and the audience cost ahead move the demand through
//! the impasse values.
//!
//! Concession. Who gives in, and when, is the war of attrition with private
//! values of Fudenberg & Tirole (1986) and Hendricks, Weiss & Wilson (1988):
//! a type holds out until what holding out has cost it reaches its
//! willingness to bear cost, which rises with the prize; here that is
//! `endurance × resolve × stake`, with the stake the gain it holds out for
//! (its demand less the opponent's standing demand, in its utility) and the
//! resolve its private draw over its concession rate (backlash and events
//! that slow its concessions harden it). Holding out a round costs the value of a
//! round's delay of the deal on the table ((1 − δ) × its utility of the
//! opponent's demand), the round's delay cost and pressure, and, in the
//! round before the focal deadline, its audience cost: a lump that makes
//! every side near its limit give in just before the deadline (the
//! deadline effect of Fanning 2016 and Roth, Murnighan & Schoumaker 1988).
//! A side that has given in demands the opponent's standing demand (no less
//! than its no-deal value), so the deal closes in that round, whoever
//! proposes.
//!
//! So: a side's own cost or pressure up makes it give in sooner (earlier
//! deals, terms towards the other); the other's cost up makes the other
//! give in sooner (earlier deals, terms towards it); a larger audience cost
//! moves deals to just before the focal deadline; a hardliner opponent
//! never gives in, so deals come later and on its terms. docs/model.md
//! gives the adaptation and docs/validation.md the checks.

use super::nash::hardness;
use super::{Mind, Nash, Seen, Strategy, TargetInput};
use crate::engine::rules::cost_to_utility;
use crate::model::{Scenario, Side};

/// The posterior quantile a side takes as the weakest opponent it cannot
/// rule out.
pub const WEAKEST: f64 = 0.1;

/// A war of attrition over Nash demands.
#[derive(Debug, Clone)]
pub struct Attrition {
    nash: Nash,
    /// The share of its stake a side of resolve 1 will burn.
    endurance: f64,
    /// The weakest opponent reservation value under the prior.
    prior_weakest: f64,
    discount: f64,
    bn_per_util: f64,
    /// The round after which the focal deadline passes and the audience
    /// cost (USD bn) paid by a side still without a deal then.
    focal: Option<(u32, f64)>,
}

impl Attrition {
    /// The strategy of `side` in `scn`.
    pub fn new(scn: &Scenario, side: Side, grid: u32, endurance: f64) -> Attrition {
        let nash = Nash::new(scn, side, grid);
        let prior_weakest =
            nash.prior()
                .posterior_quantile(f64::NEG_INFINITY, f64::INFINITY, WEAKEST);
        let p = &scn.players[side];
        Attrition {
            nash,
            endurance,
            prior_weakest,
            discount: p.discount,
            bn_per_util: p.bn_per_util,
            focal: scn
                .clock
                .focal
                .as_ref()
                .map(|f| (f.round.saturating_sub(1), f.audience_cost[side])),
        }
    }

    /// The demand: the Nash solution against the weakest plausible opponent.
    fn demand(&self, scn: &Scenario, side: Side, inp: &TargetInput, mind: &Mind) -> f64 {
        let weakest = if mind.estimate.is_nan() {
            self.prior_weakest
        } else {
            mind.estimate
        };
        // Bargaining power from patience alone (BRW): resolve and the
        // concession rate act on how long a side holds out, not on what it
        // demands.
        self.nash.demand(scn, side, inp, weakest, (1.0, 1.0))
    }

    /// What holding out through round `round` costs (utility) a side whose
    /// round costs `round_cost` (USD bn), at δ^round = `discount_pow`, with
    /// the opponent's demand worth `theirs` to it on the table: a round's
    /// delay of that deal, the round's cost, and the audience cost in the
    /// round before the focal deadline.
    #[inline]
    pub fn hold_cost(&self, round: u32, round_cost: f64, discount_pow: f64, theirs: f64) -> f64 {
        let mut bn = round_cost;
        if let Some((r, audience)) = self.focal {
            if r == round {
                bn += audience;
            }
        }
        (1.0 - self.discount) * theirs.max(0.0)
            + cost_to_utility(self.bn_per_util, bn, discount_pow)
    }

    /// Whether a side gives in rather than hold out through this round,
    /// holding out for `stake`: what holding out has cost it with this
    /// round's cost `now` reaches its willingness to bear cost.
    #[inline]
    pub fn gives_in(&self, mind: &Mind, now: f64, resolve: f64, stake: f64) -> bool {
        mind.held + now >= self.endurance * resolve * stake
    }
}

impl Strategy for Attrition {
    fn target(&self, scn: &Scenario, side: Side, inp: &TargetInput, mind: &Mind) -> f64 {
        // Looking ahead, a side expects to hold the demand it stands on.
        let demand = if inp.ahead && !inp.last_target.is_nan() {
            inp.last_target
        } else {
            self.demand(scn, side, inp, mind)
        };
        let theirs = mind.opp_latest;
        if theirs.is_nan() || theirs >= demand {
            return demand;
        }
        // The cost of holding out through the current round: a responder
        // looking ahead to the next round asks whether rejecting now takes
        // it past its limit (then it would give in next round, so it
        // accepts now), a proposer whether proposing its demand does.
        let (round, dp) = if inp.ahead {
            (inp.round - 1, inp.discount_pow / self.discount)
        } else {
            (inp.round, inp.discount_pow)
        };
        let now = self.hold_cost(round, inp.round_cost, dp, theirs);
        if !self.gives_in(mind, now, hardness(inp), demand - theirs) {
            return demand;
        }
        theirs.max(inp.no_deal).min(demand)
    }

    fn reads_threats(&self) -> bool {
        true
    }

    fn plain_memory(&self) -> bool {
        false
    }

    fn observe(&self, mind: &mut Mind, seen: Seen) {
        // A rejection says nothing about the rejecter's reservation value in
        // a war of attrition (it holds out for its demand), so only offers
        // update the belief: no side proposes less than its no-deal value.
        if matches!(seen, Seen::Rejected { .. }) {
            return;
        }
        let before = (mind.belief_lo, mind.belief_hi);
        mind.remember(seen);
        if (mind.belief_lo, mind.belief_hi) != before {
            mind.estimate =
                self.nash
                    .prior()
                    .posterior_quantile(mind.belief_lo, mind.belief_hi, WEAKEST);
        }
        if let Seen::RoundEnd {
            round,
            round_cost,
            discount_pow,
        } = seen
        {
            // Holding out costs only while there is a standing demand to give in to.
            if !mind.opp_latest.is_nan() {
                mind.held += self.hold_cost(round, round_cost, discount_pow, mind.opp_latest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crate::model::Dist;

    fn built_in_attrition(side: Side) -> (Scenario, Attrition) {
        let scn = config::builtin_model().scenario;
        let a = Attrition::new(&scn, side, 101, 0.5);
        (scn, a)
    }

    fn end(round: u32, round_cost: f64) -> Seen {
        Seen::RoundEnd {
            round,
            round_cost,
            discount_pow: 1.0,
        }
    }

    #[test]
    fn holding_out_costs_delay_discounting_and_the_audience_cost_once() {
        let (scn, a) = built_in_attrition(0);
        let p = &scn.players[0];
        let f = scn.clock.focal.as_ref().unwrap();
        let mut mind = Mind::new();
        // Nothing to give in to yet: holding out costs nothing.
        a.observe(&mut mind, end(0, 0.24));
        assert_eq!(mind.held, 0.0);
        let offer = Seen::OfferReceived {
            utility: 0.4,
            opp_net: 0.5,
        };
        a.observe(&mut mind, offer);
        a.observe(&mut mind, end(1, 0.24));
        let round = (1.0 - p.discount) * 0.4 + 0.24 / p.bn_per_util;
        assert!((mind.held - round).abs() < 1e-15, "{}", mind.held);
        // The round before the focal deadline adds the audience cost.
        a.observe(&mut mind, end(f.round - 1, 0.24));
        let lump = f.audience_cost[0] / p.bn_per_util;
        assert!((mind.held - (2.0 * round + lump)).abs() < 1e-15);
    }

    #[test]
    fn a_rejection_does_not_move_the_belief_but_an_offer_does() {
        let (_, a) = built_in_attrition(0);
        let mut mind = Mind::new();
        a.observe(&mut mind, Seen::Rejected { opp_net: 0.6 });
        assert_eq!(mind.belief_lo, f64::NEG_INFINITY);
        assert!(mind.estimate.is_nan());
        // The US offered itself 0.5: its reservation is at most 0.5, so the
        // weakest type it can be is the 10% point of its prior truncated there.
        let offer = Seen::OfferReceived {
            utility: 0.4,
            opp_net: 0.5,
        };
        a.observe(&mut mind, offer);
        let Dist::Uniform { lo, .. } = config::builtin_model().scenario.players[1]
            .types
            .reservation
        else {
            panic!("the built-in US reservation is no longer uniform");
        };
        let want = lo + 0.1 * (0.5 - lo);
        assert!(
            (mind.estimate - want).abs() < 1e-9,
            "{} vs {want}",
            mind.estimate
        );
    }

    #[test]
    fn it_demands_until_holding_out_has_cost_its_share_of_the_stake_then_gives_in() {
        let (scn, a) = built_in_attrition(0);
        let mut inp = TargetInput {
            round: 5,
            ahead: false,
            clock: 5.0,
            floor: 0.3,
            no_deal: 0.3,
            resolve: 1.0,
            last_target: f64::NAN,
            rate: 1.0,
            round_cost: 0.24,
            discount_pow: 1.0,
            opp_shift: 0.0,
            threat: 0.0,
            opp_threat: 0.0,
            opp_pressure: 0.0,
            opp_rate: 1.0,
        };
        let mut mind = Mind::new();
        let demand = a.target(&scn, 0, &inp, &mind);
        mind.opp_latest = demand - 0.2;
        assert_eq!(a.target(&scn, 0, &inp, &mind), demand);
        // Stake 0.2, endurance 0.5, resolve 1: it gives in once what holding
        // out has cost it, this round included, reaches 0.1.
        let now = a.hold_cost(5, 0.24, 1.0, mind.opp_latest);
        mind.held = 0.1 - now - 1e-9;
        assert_eq!(a.target(&scn, 0, &inp, &mind), demand);
        mind.held = 0.1 - now + 1e-12;
        assert!((a.target(&scn, 0, &inp, &mind) - (demand - 0.2)).abs() < 1e-12);
        // In the round before the focal deadline the audience cost is at
        // stake too, so a side short of its limit by less than it gives in.
        let f = scn.clock.focal.as_ref().unwrap().round;
        let lump = scn.clock.focal.as_ref().unwrap().audience_cost[0] / scn.players[0].bn_per_util;
        mind.held = 0.1 - now - 0.5 * lump;
        assert_eq!(a.target(&scn, 0, &inp, &mind), demand);
        let before_focal = TargetInput {
            round: f - 1,
            ..inp
        };
        let d = a.target(
            &scn,
            0,
            &TargetInput {
                round: f - 1,
                ..inp
            },
            &Mind::new(),
        );
        mind.opp_latest = d - 0.2;
        mind.held = 0.1 - a.hold_cost(f - 1, 0.24, 1.0, mind.opp_latest) + 0.5 * lump + 1e-12;
        assert!(a.target(&scn, 0, &before_focal, &mind) < d);
        mind.opp_latest = demand - 0.2;
        // A side hardened (its concession rate halved) holds out twice as long.
        inp.rate = 0.5;
        assert_eq!(a.target(&scn, 0, &inp, &mind), demand);
        // It never gives in below its no-deal value.
        inp.rate = 1.0;
        mind.held = 10.0;
        inp.no_deal = mind.opp_latest + 0.05;
        let gave_in = a.target(&scn, 0, &inp, &mind);
        assert_eq!(gave_in, inp.no_deal);
    }
}
