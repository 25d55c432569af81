//! What a round shows to the outside: the responder's answer, the round
//! record handed to an `Observer`, and `Trace`, an observer that keeps them.

use crate::model::Side;

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
