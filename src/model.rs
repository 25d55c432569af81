//! Validated domain types: what the engine sees. Built only by `config`
//! (from a TOML file) or by code; never deserialised directly.
//!
//! Conventions: players are indexed 0 and 1 (`Side`); money is in USD bn;
//! utilities of deal terms are in [0, 1] for each player (0 = every issue at
//! its worst for that player, 1 = every issue at its best).

use crate::date::Date;

mod forecast;
mod frontier;

pub use forecast::{Fact, FactKind, FactMode, Forecast};
pub use frontier::FRONTIER_WEIGHTS;

/// Index of a player: 0 or 1.
pub type Side = usize;

/// The other player.
#[inline]
pub fn other(s: Side) -> Side {
    1 - s
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Scenario name (used to name output folders).
    pub name: String,
    /// Dated rounds, focal deadline and horizon.
    pub clock: Clock,
    /// The two players.
    pub players: [Player; 2],
    /// The deal space.
    pub issues: Vec<Issue>,
    /// Pressure levers (both sides').
    pub levers: Vec<Lever>,
    /// Exogenous events.
    pub events: Vec<Event>,
    /// Who proposes when, and the grid of offers.
    pub protocol: Protocol,
    /// Offer paths, one per proposer (derived from issues and `protocol.resolution`).
    pub paths: [OfferPath; 2],
    /// The observed history a forecast is conditioned on (none: runs start
    /// from `clock.start` knowing nothing).
    pub forecast: Option<Forecast>,
    /// Per issue, the power of ten its grid values are written in
    /// (`Issue::grid_scale`; derived with the offer paths).
    pub grid_scales: Vec<Option<f64>>,
}

/// The calendar of a run.
#[derive(Debug, Clone)]
pub struct Clock {
    /// Date of round 0.
    pub start: Date,
    /// Days per round.
    pub days_per_round: u32,
    /// Number of rounds; rounds are 0..horizon, and no deal after the last is the status quo.
    pub horizon: u32,
    /// An optional focal deadline with audience costs.
    pub focal: Option<FocalDeadline>,
}

impl Clock {
    /// The calendar date of round `r`.
    pub fn date_of(&self, r: u32) -> Date {
        self.start.plus_days(r as i64 * self.days_per_round as i64)
    }
}

/// A focal date (e.g. a summit) that is costly to pass without a deal.
#[derive(Debug, Clone)]
pub struct FocalDeadline {
    /// Its name.
    pub name: String,
    /// Its date.
    pub date: Date,
    /// The first round that falls on or after the date; passing it means reaching this round without a deal.
    pub round: u32,
    /// One-off audience cost to each side (USD bn) when the date passes without a deal.
    pub audience_cost: [f64; 2],
    /// Fall in each side's domestic support when the date passes without a deal.
    pub support_loss: [f64; 2],
}

/// A distribution of a scalar (private types, event magnitudes).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Uniform on [lo, hi].
    Uniform {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Normal, truncated to [lo, hi] by rejection (falls back to clamping after 64 tries).
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        sd: f64,
        /// Lower truncation bound.
        lo: f64,
        /// Upper truncation bound.
        hi: f64,
    },
    /// One of the values, equally likely.
    Choice(Vec<f64>),
}

impl Dist {
    /// The mean (of the truncated normal approximately: its untruncated mean clamped).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { lo, hi } => 0.5 * (lo + hi),
            Dist::Normal { mean, lo, hi, .. } => mean.clamp(*lo, *hi),
            Dist::Choice(v) => v.iter().sum::<f64>() / v.len() as f64,
        }
    }
    /// The smallest and largest values it can take.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Fixed(v) => (*v, *v),
            Dist::Uniform { lo, hi } | Dist::Normal { lo, hi, .. } => (*lo, *hi),
            Dist::Choice(v) => (
                v.iter().cloned().fold(f64::INFINITY, f64::min),
                v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }
}

/// What each run draws privately for a player.
#[derive(Debug, Clone)]
pub struct TypeDist {
    /// Reservation value: the utility of the status quo (no deal), on the deal-utility scale.
    pub reservation: Dist,
    /// Multiplier on the player's own flow costs (its true cost of delay).
    pub delay_cost: Dist,
    /// Resolve: divides the concession exponent (resolve > 1 concedes more slowly).
    pub resolve: Dist,
}

/// Ratification of an accepted deal at home.
#[derive(Debug, Clone)]
pub struct Ratification {
    /// Probability of ratification when support is at its initial level and the deal is worth exactly the reservation value.
    pub base: f64,
    /// Logit change per unit of support above the initial level.
    pub support_slope: f64,
    /// Logit change per unit of deal utility above the current no-deal value.
    pub terms_slope: f64,
    /// One-off cost (USD bn) to this side when it fails to ratify.
    pub failure_cost: f64,
    /// Fall in support after a failed ratification.
    pub failure_support_loss: f64,
    /// Rise in the reservation value after a failed ratification (the legislature wants more).
    pub failure_hardening: f64,
}

/// Domestic politics (two-level game).
#[derive(Debug, Clone)]
pub struct Politics {
    /// Support at round 0, in [0, 1].
    pub initial_support: f64,
    /// Fall in support per USD bn of cost borne in a round.
    pub pain: f64,
    /// Fall in support per unit of own utility conceded in an offer.
    pub concession: f64,
    /// Rise in support per round in which the leader stands firm (does not concede).
    pub firmness: f64,
    /// Ratification of deals.
    pub ratification: Ratification,
}

/// Which deadline a time-dependent strategy concedes towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineRef {
    /// The focal deadline (falls back to the horizon if there is none).
    Focal,
    /// The hard horizon.
    Horizon,
}

/// A player's bidding strategy.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// Faratin et al. (1998) time-dependent concession: target utility
    /// `floor + (1 - floor) * (1 - (k/T)^(1/e))`; e < 1 Boulware, e = 1 linear, e > 1 Conceder.
    TimeDependent {
        /// Concession exponent e (> 0).
        exponent: f64,
        /// The deadline T aimed at.
        deadline: DeadlineRef,
    },
    /// Relative tit-for-tat: concede (in own utility) `reciprocity` times what the
    /// opponent conceded last round (in own utility), plus `step` per round.
    TitForTat {
        /// Share of the opponent's concession returned.
        reciprocity: f64,
        /// Unconditional concession per round (utility), to break deadlocks.
        step: f64,
    },
    /// Concedes nothing before the deadline, then offers its floor.
    Hardliner {
        /// The deadline after which it concedes.
        deadline: DeadlineRef,
    },
    /// Subgame-perfect equilibrium play of the complete-information game
    /// (each side's type at its mean), computed by backward induction over
    /// the engine's own rounds (see `engine::equilibrium`).
    Equilibrium,
    /// Bayesian screening: a belief over the opponent's reservation value
    /// (its configured distribution, discretised), updated by Bayes' rule on
    /// rejections and offers; offers maximise expected utility (see
    /// `engine::belief`).
    Bayesian {
        /// Points of the grid on which a continuous prior is tabulated (>= 2).
        grid: u32,
    },
    /// The Nash demand: offers the Nash bargaining solution of the current
    /// impasse values (its own known, the opponent's estimated from a
    /// Bayesian belief over its reservation value), so its offers and
    /// acceptances follow its costs, pressure, discounting, the focal
    /// deadline and what it has learnt (see `engine::strategy::nash`).
    Nash {
        /// Points of the grid on which a continuous prior is tabulated (>= 2).
        grid: u32,
    },
    /// A war of attrition over Nash demands: the player demands the Nash
    /// solution against the weakest opponent it cannot rule out, and
    /// concedes to the opponent's standing demand once what holding out has
    /// cost it reaches `endurance` × its resolve × its stake (see
    /// `engine::strategy::attrition`).
    Attrition {
        /// Points of the grid on which a continuous prior is tabulated (>= 2).
        grid: u32,
        /// The share of its stake a side of resolve 1 will burn holding out.
        endurance: f64,
    },
}

impl Strategy {
    /// A short label, e.g. for tables.
    pub fn label(&self) -> String {
        match self {
            Strategy::TimeDependent { exponent, .. } => format!("time-dependent e={exponent}"),
            Strategy::TitForTat { .. } => "tit-for-tat".into(),
            Strategy::Hardliner { .. } => "hardliner".into(),
            Strategy::Equilibrium => "equilibrium".into(),
            Strategy::Bayesian { .. } => "bayesian".into(),
            Strategy::Nash { .. } => "nash".into(),
            Strategy::Attrition { .. } => "attrition".into(),
        }
    }
}

/// When a responder accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// Accept if the offer is worth at least the higher of its own next offer (discounted, net of next round's cost) and its no-deal value.
    NextOfferOrNoDeal,
    /// Accept if the offer is worth at least its no-deal value.
    NoDeal,
    /// Accept if the offer is worth at least its own next offer.
    NextOffer,
}

/// A player, validated.
#[derive(Debug, Clone)]
pub struct Player {
    /// Name, e.g. `korea`.
    pub name: String,
    /// USD bn that one unit of deal utility is worth to this player (converts costs to utility).
    pub bn_per_util: f64,
    /// Per-round discount factor in (0, 1].
    pub discount: f64,
    /// Cost (USD bn) this player bears in every round without a deal.
    pub flow_cost: f64,
    /// Rounds for which current extra pressure (lever and event costs) is expected to persist after a breakdown; scales how much it lowers the no-deal value.
    pub pressure_horizon: f64,
    /// The private type's distribution.
    pub types: TypeDist,
    /// Domestic politics.
    pub politics: Politics,
    /// Bidding strategy.
    pub strategy: Strategy,
    /// Acceptance rule.
    pub acceptance: Acceptance,
    /// Whether this side walks away when its no-deal value exceeds the best deal it expects the other to accept.
    pub can_walk_away: bool,
    /// How this player prices the FX-crisis exposure of a deal (none: utilities are additive over issues).
    pub exposure: Option<ExposurePricing>,
}

/// A player's price of the FX-crisis exposure a deal creates (THEORY §4;
/// docs/model.md, "Exposure priced in utilities"). The event's hazard trigger
/// and its exposure (base, slope, reserves, cushion issue, exposed issue) are
/// the one source of the hazard's numbers; this adds only the loss and what
/// the cash commitment is.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposurePricing {
    /// Index of the event (a `Trigger::Hazard` with an `Exposure`).
    pub event: usize,
    /// USD bn lost per crisis.
    pub loss: f64,
    /// Issues whose values multiply to the cash committed (USD bn).
    pub committed: Vec<usize>,
}

/// One player's view of one issue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IssuePref {
    /// Salience (weights of a player sum to 1 over issues).
    pub weight: f64,
    /// True if this player prefers high values.
    pub prefers_high: bool,
    /// Value-curve exponent: satisfaction^exponent; < 1 concave (risk-averse), 1 linear, > 1 convex.
    pub exponent: f64,
}

impl IssuePref {
    /// Weighted value of normalised position `x` in [0, 1] (0 = range low, 1 = range high).
    #[inline]
    pub fn value(&self, x: f64) -> f64 {
        let s = if self.prefers_high { x } else { 1.0 - x };
        let v = if self.exponent == 1.0 {
            s
        } else {
            s.max(0.0).powf(self.exponent)
        };
        self.weight * v
    }
}

/// An issue of the deal.
#[derive(Debug, Clone)]
pub struct Issue {
    /// Name, e.g. `annual_cap`.
    pub name: String,
    /// Unit, e.g. `usd_bn_per_year`.
    pub unit: String,
    /// Low end of the range.
    pub lo: f64,
    /// High end of the range (> lo).
    pub hi: f64,
    /// Each player's preference (weight 0 for both when fixed).
    pub prefs: [IssuePref; 2],
    /// Fixed by an earlier agreement: `lo == hi`, the same in every deal.
    pub fixed: bool,
    /// Grid steps of its range, when it has its own scale (e.g. 2 for
    /// three named levels); None: `protocol.resolution`.
    pub steps: Option<u32>,
}

impl Issue {
    /// Its number of grid steps when the protocol's is `resolution`.
    #[inline]
    pub fn steps(&self, resolution: u32) -> usize {
        self.steps.unwrap_or(resolution).max(1) as usize
    }

    /// The value of the grid point nearest to `v` (the grid of
    /// `steps(resolution)` steps that offers are made on).
    pub fn snap(&self, v: f64, resolution: u32) -> f64 {
        if self.hi <= self.lo {
            return if v.is_nan() { v } else { self.lo };
        }
        self.grid_value((v - self.lo) / (self.hi - self.lo), resolution)
    }

    /// The value of the grid point nearest to normalised position `x`,
    /// computed from its integer index and written in as many decimals as
    /// the grid has (its ends and its step), so that it prints as its
    /// decimal: 0.164, not 0.16399999999999998; 930, not 929.9999999999999.
    /// The terms of runs.csv, traces and summaries are these values.
    pub fn grid_value(&self, x: f64, resolution: u32) -> f64 {
        self.grid_value_at_scale(x, resolution, self.grid_scale(resolution))
    }

    /// [`Issue::grid_value`] with the issue's [`Issue::grid_scale`] given
    /// (precomputed in `Scenario::grid_scales`, for the engine).
    #[inline]
    pub fn grid_value_at_scale(&self, x: f64, resolution: u32, scale: Option<f64>) -> f64 {
        if x.is_nan() || self.hi <= self.lo {
            return if x.is_nan() { x } else { self.lo };
        }
        let n = self.steps(resolution) as f64;
        let k = (x * n).round().clamp(0.0, n);
        let v = self.value_at(k / n);
        match scale {
            Some(s) => (v * s).round() / s,
            None => v,
        }
    }

    /// The power of ten that writes every value of the issue's grid as a
    /// whole number (10^p for the fewest decimals p <= 12 of its ends and
    /// step), or `None` if there is none.
    pub fn grid_scale(&self, resolution: u32) -> Option<f64> {
        let step = (self.hi - self.lo) / self.steps(resolution) as f64;
        (0..=12).map(|p| 10f64.powi(p)).find(|&scale| {
            [self.lo, self.hi, step]
                .iter()
                .all(|y| ((y * scale) - (y * scale).round()).abs() < 1e-6 * scale.max(1.0))
        })
    }

    /// Real value of normalised position x.
    #[inline]
    pub fn value_at(&self, x: f64) -> f64 {
        // The ends exactly: lo + 1.0 * (hi - lo) can round past hi.
        if x >= 1.0 {
            self.hi
        } else {
            self.lo + x * (self.hi - self.lo)
        }
    }
}

/// When a lever's owner uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LeverPolicy {
    /// After this many consecutive rounds in which the opponent's offers did not improve for the owner.
    Stalled {
        /// Rounds without progress.
        rounds: u32,
    },
    /// When credibility × expected pressure gain exceeds the owner's expected cost (see docs/model.md).
    ExpectedGain,
    /// At this round.
    AtRound {
        /// The round.
        round: u32,
    },
    /// This many rounds before the focal deadline (or horizon), if no deal.
    BeforeDeadline {
        /// Rounds before the deadline.
        rounds: u32,
    },
    /// Never (switched off).
    Never,
}

/// A pressure lever.
#[derive(Debug, Clone)]
pub struct Lever {
    /// Name, e.g. `visa_review`.
    pub name: String,
    /// Who pulls it.
    pub owner: Side,
    /// Who it hurts (the other side).
    pub target: Side,
    /// Cost (USD bn) per active round to the target.
    pub cost_to_target: f64,
    /// Cost (USD bn) per active round to the owner.
    pub cost_to_owner: f64,
    /// One-off cost (USD bn) to the target when it is carried out.
    pub one_off_cost: f64,
    /// Probability that a threatened use is carried out.
    pub credibility: f64,
    /// Hardening of the target while active: support rises by backlash × (1 − support) when used, and the target's concession rate is multiplied by (1 − backlash).
    pub backlash: f64,
    /// Softening of the target while active: its concession rate is multiplied by (1 + softening) (sweeteners).
    pub softening: f64,
    /// Hardening of the owner while active: the owner's concession rate is multiplied by (1 − owner_resolve) (demands, stalling).
    pub owner_resolve: f64,
    /// Added to the hazard of events that are sensitive to levers (e.g. an FX shock under a rating squeeze), while active.
    pub hazard: f64,
    /// Rounds it stays active once used (0: until the run ends).
    pub duration: u32,
    /// Per-round decay of its costs while active: cost × (1 − decay)^age.
    pub decay: f64,
    /// How many times it can be used in a run.
    pub max_uses: u32,
    /// When the owner uses it.
    pub policy: LeverPolicy,
    /// Earliest round it can be used.
    pub from_round: u32,
}

/// How an event is triggered.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// On a fixed round, with this probability.
    OnRound {
        /// The round.
        round: u32,
        /// Probability that it happens.
        probability: f64,
    },
    /// Each round in [from_round, to_round] with hazard
    /// `base + slope * issue_value / (reserves + cushion_value) + lever_sensitivity * Σ active lever hazards`, capped at 1.
    Hazard {
        /// Base hazard per round.
        base: f64,
        /// First round it can fire.
        from_round: u32,
        /// Last round it can fire.
        to_round: u32,
        /// Optional exposure term.
        exposure: Option<Exposure>,
        /// Weight on the hazards added by active levers.
        lever_sensitivity: f64,
    },
}

/// Exposure of an event's hazard to the terms on the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    /// Issue whose value on the table drives the hazard (e.g. the annual cash cap).
    pub issue: usize,
    /// Denominator (e.g. FX reserves, USD bn).
    pub reserves: f64,
    /// Issue whose value adds to the denominator (e.g. a swap line).
    pub cushion: Option<usize>,
    /// Hazard per unit of issue_value / (reserves + cushion).
    pub slope: f64,
    /// Convexity of the hazard in issue_value / (reserves + cushion) (1: linear).
    pub power: f64,
}

impl Exposure {
    /// The hazard this exposure adds per round when the exposed issue is at
    /// `value` and the cushion issue at `cushion`:
    /// `slope × (value / (reserves + max(cushion, 0)))^power`. The one
    /// definition, used by the event and by the players who price it.
    #[inline]
    pub fn hazard(&self, value: f64, cushion: f64) -> f64 {
        let d = self.reserves + cushion.max(0.0);
        let r = value.max(0.0) / d;
        if self.power == 1.0 {
            self.slope * value / d
        } else if self.power == 2.0 {
            // The common convex case, without a call to pow.
            self.slope * r * r
        } else {
            self.slope * r.powf(self.power)
        }
    }
}

/// What an event does to one player.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Effect {
    /// One-off cost (USD bn).
    pub one_off_cost: f64,
    /// Change in flow cost per round from now on (USD bn; may be negative, the total never goes below 0).
    pub flow_cost: f64,
    /// Shift in domestic support.
    pub support: f64,
    /// Multiplier on the concession rate from now on (< 1 hardens, > 1 softens).
    pub concession: f64,
    /// Shift in the reservation value (utility).
    pub reservation: f64,
}

/// An exogenous event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Name, e.g. `fx_shock`.
    pub name: String,
    /// When it fires.
    pub trigger: Trigger,
    /// How many times it can fire in a run.
    pub max_occurrences: u32,
    /// Effect on each player.
    pub effects: [Effect; 2],
}

/// Who proposes in each round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProposerRule {
    /// Alternating, this side first.
    Alternate {
        /// The first proposer.
        first: Side,
    },
    /// Each round side 0 proposes with this probability (recognition).
    Random {
        /// Probability that side 0 proposes.
        p0: f64,
    },
}

/// The bargaining protocol.
#[derive(Debug, Clone)]
pub struct Protocol {
    /// Who proposes.
    pub proposer: ProposerRule,
    /// Grid steps per issue on the offer path.
    pub resolution: u32,
    /// Failed ratifications after which the talks break down.
    pub max_ratifications: u32,
}

/// The trade-off path of one proposer: from the offer best for it (index 0)
/// to the offer best for its opponent; along it the proposer's utility falls
/// and the opponent's rises. For separable utilities (`build`) it concedes at
/// each step on the issue where the opponent gains most per unit the
/// proposer gives up; every point is Pareto-efficient on the grid for
/// separable concave utilities, so offers along it logroll. For utilities
/// that are not separable (a player prices exposure) it is the weighted-sum
/// frontier (`frontier`).
#[derive(Debug, Clone, Default)]
pub struct OfferPath {
    /// Number of issues (stride of `x`).
    pub n_issues: usize,
    /// Normalised positions, `n_issues` per point.
    pub x: Vec<f64>,
    /// Utility of each point to player 0 and player 1.
    pub u: [Vec<f64>; 2],
    /// The points on the path's outer hull in utility space, in path order:
    /// along them the frontier is concave, so a Nash product is unimodal
    /// (every point of a separable path, up to collinear ones).
    pub hull: Vec<usize>,
    /// The utilities of the hull's points (`u[p][hull[j]]` at j), stored
    /// contiguously for the searches along it.
    pub hull_u: [Vec<f64>; 2],
}

impl OfferPath {
    /// Sets `hull` (Andrew's monotone chain: the opponent's utility rises
    /// along the path, the proposer's falls; a point is dropped when it
    /// lies strictly inside the segment of its neighbours).
    pub(crate) fn with_hull(mut self) -> OfferPath {
        let (a, b) = (&self.u[0], &self.u[1]);
        let mut h: Vec<usize> = Vec::with_capacity(a.len());
        for k in 0..a.len() {
            while let [.., i, j] = h[..] {
                // Cross product of (j − i) and (k − i) in the (u0, u1) plane:
                // the sign says on which side of i→k the point j lies.
                let cross = (a[j] - a[i]) * (b[k] - b[i]) - (b[j] - b[i]) * (a[k] - a[i]);
                // Walking towards lower u0 (proposer 0's path) the outer side
                // is on the right (cross > 0); towards higher u0, on the left.
                let inside = if a[k] < a[i] {
                    cross < -1e-15
                } else {
                    cross > 1e-15
                };
                if inside {
                    h.pop();
                } else {
                    break;
                }
            }
            h.push(k);
        }
        self.hull_u = [0, 1].map(|p| h.iter().map(|&k| self.u[p][k]).collect());
        self.hull = h;
        self
    }

    /// Builds the path for `proposer` over `issues` with `resolution` grid
    /// steps per issue (or the issue's own `steps`).
    pub fn build(issues: &[Issue], proposer: Side, resolution: u32) -> OfferPath {
        let n = issues.len();
        let opp = other(proposer);
        let ks: Vec<usize> = issues.iter().map(|is| is.steps(resolution)).collect();
        // Current grid step of each issue, counted from the proposer's best end.
        let mut step = vec![0usize; n];
        let pos = |i: usize, s: usize| -> f64 {
            let f = s as f64 / ks[i] as f64;
            if issues[i].prefs[proposer].prefers_high {
                1.0 - f
            } else {
                f
            }
        };
        // Issues on which both sides agree on the direction never move; the
        // others are conflicts.
        let conflict: Vec<bool> = issues
            .iter()
            .map(|is| is.prefs[0].prefers_high != is.prefs[1].prefers_high)
            .collect();
        let mut path = OfferPath {
            n_issues: n,
            ..Default::default()
        };
        let push = |step: &[usize], path: &mut OfferPath| {
            let mut u = [0.0; 2];
            for (i, is) in issues.iter().enumerate() {
                let x = pos(i, step[i]);
                path.x.push(x);
                u[0] += is.prefs[0].value(x);
                u[1] += is.prefs[1].value(x);
            }
            path.u[0].push(u[0]);
            path.u[1].push(u[1]);
        };
        push(&step, &mut path);
        loop {
            let mut best: Option<(usize, f64)> = None;
            for i in 0..n {
                if !conflict[i] || step[i] == ks[i] {
                    continue;
                }
                let (x0, x1) = (pos(i, step[i]), pos(i, step[i] + 1));
                let gain = issues[i].prefs[opp].value(x1) - issues[i].prefs[opp].value(x0);
                let loss =
                    issues[i].prefs[proposer].value(x0) - issues[i].prefs[proposer].value(x1);
                let ratio = if loss <= 1e-15 {
                    f64::INFINITY
                } else {
                    gain / loss
                };
                if best.is_none_or(|(_, r)| ratio > r) {
                    best = Some((i, ratio));
                }
            }
            match best {
                Some((i, _)) => {
                    step[i] += 1;
                    push(&step, &mut path);
                }
                None => break,
            }
        }
        path.with_hull()
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.u[0].len()
    }

    /// True if the path has no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Normalised positions of point `k`.
    #[inline]
    pub fn point(&self, k: usize) -> &[f64] {
        &self.x[k * self.n_issues..(k + 1) * self.n_issues]
    }

    /// The last point (most conceded) whose utility to `who` is at least `target`
    /// (`who`'s utility falls along the path when `who` is the proposer). Point 0 if none.
    #[inline]
    pub fn at_own_utility(&self, who: Side, target: f64) -> usize {
        let u = &self.u[who];
        // u is non-increasing: count points with u >= target.
        let n = u.partition_point(|&v| v >= target - 1e-12);
        n.saturating_sub(1)
    }

    /// The same point as `at_own_utility`, found by exponential search
    /// outwards from `hint` (e.g. the previous round's offer): a few
    /// comparisons when the target moved little, O(log n) at worst.
    #[inline]
    pub fn at_own_utility_near(&self, who: Side, target: f64, hint: usize) -> usize {
        let u = &self.u[who];
        let ok = |v: &f64| *v >= target - 1e-12;
        let n = u.len();
        let h = hint.min(n - 1);
        if ok(&u[h]) {
            // Last ok point is at or after h.
            let (mut lo, mut step) = (h, 1);
            let hi = loop {
                let c = lo + step;
                if c >= n {
                    break n;
                }
                if !ok(&u[c]) {
                    break c;
                }
                lo = c;
                step *= 2;
            };
            lo + u[lo..hi].partition_point(ok) - 1
        } else {
            // Last ok point is before h (or there is none: point 0).
            let (mut hi, mut step) = (h, 1);
            loop {
                if hi < step {
                    return u[..hi].partition_point(ok).saturating_sub(1);
                }
                let c = hi - step;
                if ok(&u[c]) {
                    return c + u[c..hi].partition_point(ok) - 1;
                }
                hi = c;
                step *= 2;
            }
        }
    }

    /// The first point whose utility to `who` is at least `target` (`who`'s
    /// utility rises along the path when `who` is the opponent); None if none.
    #[inline]
    pub fn first_reaching(&self, who: Side, target: f64) -> Option<usize> {
        let u = &self.u[who];
        let k = u.partition_point(|&v| v < target - 1e-12);
        (k < u.len()).then_some(k)
    }
}

/// Sum of the weighted issue values of a deal to `side`: the separable part
/// of its utility (all of it for a player who prices no exposure).
#[inline]
pub fn additive_utility(issues: &[Issue], side: Side, x: &[f64]) -> f64 {
    let mut u = 0.0;
    for (is, &xi) in issues.iter().zip(x) {
        u += is.prefs[side].value(xi);
    }
    u
}

impl Scenario {
    /// Builds the derived offer paths; call after changing issues, resolution
    /// or exposure pricing. Separable utilities (no player prices exposure)
    /// get the greedy marginal-rate walk, which is exact for them; otherwise
    /// each path is the weighted-sum frontier (`OfferPath::frontier`).
    pub fn rebuild_paths(&mut self) {
        let r = self.protocol.resolution;
        self.grid_scales = self.issues.iter().map(|is| is.grid_scale(r)).collect();
        self.paths = if self.is_separable() {
            [
                OfferPath::build(&self.issues, 0, r),
                OfferPath::build(&self.issues, 1, r),
            ]
        } else {
            [
                OfferPath::frontier(self, 0, r, FRONTIER_WEIGHTS),
                OfferPath::frontier(self, 1, r, FRONTIER_WEIGHTS),
            ]
        };
    }

    /// True if every player's utility is additive over issues.
    pub fn is_separable(&self) -> bool {
        self.players.iter().all(|p| p.exposure.is_none())
    }

    /// The utility to `side` of the full deal `x` (normalised positions, one
    /// per issue): its weighted issue values less its priced exposure. The one
    /// definition of a deal's utility; offer paths store it per point.
    pub fn deal_utility(&self, side: Side, x: &[f64]) -> f64 {
        additive_utility(&self.issues, side, x) - self.exposure_penalty(side, x)
    }

    /// The expected crisis cost of deal `x` to `side`, in its utility
    /// (`exposure_cost / bn_per_util`); 0 if it prices no exposure.
    #[inline]
    pub fn exposure_penalty(&self, side: Side, x: &[f64]) -> f64 {
        match &self.players[side].exposure {
            None => 0.0,
            Some(e) => self.exposure_cost(e, x) / self.players[side].bn_per_util,
        }
    }

    /// The expected cost (USD bn) of the crises that deal `x` adds (THEORY §4):
    /// over the funding period `T = committed / cap` years, the per-year
    /// crisis probability with the deal's cap on the table, less the one
    /// without it (the base hazard, which no deal changes), times the loss:
    ///
    /// `T · [(1 − (1 − h)^n) − (1 − (1 − b)^n)] · loss`, with
    /// `h = min(1, b + slope · (cap / (reserves + cushion))^power)` per round and
    /// `n = 365 / days_per_round` rounds a year.
    pub fn exposure_cost(&self, e: &ExposurePricing, x: &[f64]) -> f64 {
        let Trigger::Hazard {
            base,
            exposure: Some(ex),
            ..
        } = &self.events[e.event].trigger
        else {
            return 0.0;
        };
        let value = |i: usize| self.issues[i].value_at(x[i]);
        let cap = value(ex.issue);
        let cushion = ex.cushion.map_or(0.0, value);
        let committed: f64 = e.committed.iter().map(|&i| value(i)).product();
        if cap <= 0.0 || committed <= 0.0 {
            return 0.0;
        }
        let h = (base + ex.hazard(cap, cushion)).min(1.0);
        let b = base.min(1.0);
        let n = 365.0 / self.clock.days_per_round as f64;
        // (1 − (1 − h)^n) − (1 − (1 − b)^n)
        let extra = (1.0 - b).powf(n) - (1.0 - h).powf(n);
        committed / cap * extra * e.loss
    }

    /// Index of a player by name.
    pub fn player_index(&self, name: &str) -> Option<Side> {
        self.players.iter().position(|p| p.name == name)
    }

    /// The deadline round a strategy aims at.
    pub fn deadline_round(&self, d: DeadlineRef) -> u32 {
        match (d, &self.clock.focal) {
            (DeadlineRef::Focal, Some(f)) => f.round.min(self.clock.horizon),
            _ => self.clock.horizon,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snap_puts_a_value_on_the_issue_grid_as_its_decimal() {
        let pref = IssuePref {
            weight: 1.0,
            prefers_high: true,
            exponent: 1.0,
        };
        let issue = |lo: f64, hi: f64, steps: Option<u32>| Issue {
            name: "x".into(),
            unit: "u".into(),
            lo,
            hi,
            prefs: [pref, pref],
            fixed: false,
            steps,
        };
        let cash = issue(0.05, 1.0, None);
        // Steps of 0.0095: 0.164 is step 12.
        assert_eq!(cash.snap(0.16399999999999998, 100), 0.164);
        assert_eq!(cash.snap(0.1641, 100), 0.164);
        assert_eq!(cash.snap(0.9989999999999999, 100), 1.0);
        assert_eq!(cash.snap(2.0, 100), 1.0);
        assert_eq!(cash.snap(-1.0, 100), 0.05);
        // Steps of 0.00095: the nearest point to 0.999 is 0.99905.
        assert_eq!(cash.snap(0.999, 1000), 0.99905);
        let sel = issue(0.0, 1.0, Some(2));
        assert_eq!(sel.snap(0.9989999999999999, 100), 1.0);
        assert_eq!(sel.snap(0.4, 100), 0.5);
        let cap = issue(10.0, 40.0, Some(300));
        assert_eq!(cap.snap(18.192337100739227, 100), 18.2);
        assert!(cap.snap(f64::NAN, 100).is_nan());
    }

    #[test]
    fn an_exposure_hazard_is_linear_by_default_and_convex_with_a_power() {
        let mut ex = Exposure {
            issue: 0,
            reserves: 400.0,
            cushion: None,
            slope: 0.1,
            power: 1.0,
        };
        assert_eq!(ex.hazard(20.0, 0.0), 0.1 * 20.0 / 400.0);
        assert_eq!(ex.hazard(20.0, -5.0), ex.hazard(20.0, 0.0));
        ex.power = 2.0;
        let h = |v: f64, c: f64| ex.hazard(v, c);
        assert!((h(20.0, 100.0) - 0.1 * (20.0f64 / 500.0).powi(2)).abs() < 1e-15);
        // Convex: doubling the outflow quadruples the added hazard.
        assert!((h(40.0, 0.0) / h(20.0, 0.0) - 4.0).abs() < 1e-12);
    }

    fn issue(name: &str, w0: f64, w1: f64, e0: f64) -> Issue {
        Issue {
            name: name.into(),
            unit: "u".into(),
            lo: 0.0,
            hi: 1.0,
            prefs: [
                IssuePref {
                    weight: w0,
                    prefers_high: true,
                    exponent: e0,
                },
                IssuePref {
                    weight: w1,
                    prefers_high: false,
                    exponent: 1.0,
                },
            ],
            fixed: false,
            steps: None,
        }
    }

    #[test]
    fn path_runs_from_proposer_best_to_opponent_best_monotonically() {
        let issues = vec![issue("a", 0.7, 0.3, 0.5), issue("b", 0.3, 0.7, 1.0)];
        let p = OfferPath::build(&issues, 0, 10);
        assert_eq!(p.len(), 21);
        assert!((p.u[0][0] - 1.0).abs() < 1e-12);
        assert!((p.u[1][p.len() - 1] - 1.0).abs() < 1e-12);
        for k in 1..p.len() {
            assert!(p.u[0][k] <= p.u[0][k - 1] + 1e-12);
            assert!(p.u[1][k] >= p.u[1][k - 1] - 1e-12);
        }
    }

    #[test]
    fn path_logrolls_cheap_issues_first() {
        // Player 0 cares little about b, player 1 a lot: 0 gives b away first.
        let issues = vec![issue("a", 0.9, 0.1, 1.0), issue("b", 0.1, 0.9, 1.0)];
        let p = OfferPath::build(&issues, 0, 4);
        for k in 1..=4 {
            assert_eq!(p.point(k)[0], 1.0, "a held while b is conceded");
        }
        // Halfway along, the sum of utilities exceeds the 1.0 of a flat split.
        assert!(p.u[0][4] + p.u[1][4] > 1.7);
    }

    #[test]
    fn the_hull_keeps_the_outer_points_of_a_path_and_drops_dents() {
        let path = |u0: &[f64], u1: &[f64]| {
            OfferPath {
                n_issues: 0,
                x: vec![],
                u: [u0.to_vec(), u1.to_vec()],
                hull: vec![],
                hull_u: Default::default(),
            }
            .with_hull()
            .hull
        };
        // Proposer 0's path (u0 falls): (0.9, 0.5) bulges out, (0.45, 0.5) is a dent.
        assert_eq!(path(&[1.0, 0.9, 0.0], &[0.0, 0.5, 1.0]), vec![0, 1, 2]);
        assert_eq!(path(&[1.0, 0.45, 0.0], &[0.0, 0.5, 1.0]), vec![0, 2]);
        // Proposer 1's path (u0 rises): the same points the other way round.
        assert_eq!(path(&[0.0, 0.9, 1.0], &[1.0, 0.5, 0.0]), vec![0, 1, 2]);
        assert_eq!(path(&[0.0, 0.45, 1.0], &[1.0, 0.5, 0.0]), vec![0, 2]);
        // Collinear points stay.
        assert_eq!(path(&[1.0, 0.5, 0.0], &[0.0, 0.5, 1.0]), vec![0, 1, 2]);
    }

    #[test]
    fn lookup_finds_points_by_utility() {
        let issues = vec![issue("a", 1.0, 1.0, 1.0)];
        let p = OfferPath::build(&issues, 0, 100);
        let k = p.at_own_utility(0, 0.6);
        assert!((p.u[0][k] - 0.6).abs() < 1e-9);
        assert_eq!(p.first_reaching(1, 0.25), Some(25));
        assert_eq!(p.first_reaching(1, 1.5), None);
        assert_eq!(p.at_own_utility(0, 2.0), 0);
    }

    #[test]
    fn search_from_a_hint_agrees_with_binary_search() {
        let issues = vec![issue("a", 0.7, 0.3, 0.5), issue("b", 0.3, 0.7, 2.0)];
        let p = OfferPath::build(&issues, 0, 37);
        let n = p.len();
        for ti in 0..=120 {
            let target = -0.05 + ti as f64 * 0.01;
            let want = p.at_own_utility(0, target);
            for hint in [0, 1, 5, n / 3, n / 2, n - 2, n - 1, n + 4] {
                assert_eq!(
                    p.at_own_utility_near(0, target, hint),
                    want,
                    "{target} {hint}"
                );
            }
            // Exact path utilities as targets (ties).
            let t = p.u[0][ti % n];
            assert_eq!(p.at_own_utility_near(0, t, ti % 7), p.at_own_utility(0, t));
        }
    }
}
