//! A forecast from a date: the observed history a scenario is conditioned
//! on (`[forecast]` in the config; docs/model.md, "Forecasting from a date").
//!
//! A run of a scenario with a forecast is a *candidate*. Facts about
//! exogenous things are *imposed* on every candidate (the coin that decides
//! whether a root-shock event fires, or whether a threatened lever is
//! carried out, is set to what was seen); facts about what the players chose
//! *condition* the runs: a candidate that contradicts one is rejected at the
//! round it does, and the kept candidates sample the posterior of the
//! private types given the facts (rejection sampling, exact for these
//! discrete and tolerance facts).

use super::{Clock, Side};
use crate::date::Date;

/// The observed history of a scenario up to `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The date the forecast is made on.
    pub as_of: Date,
    /// The last round of the observed history: rounds `0..=last_round` are
    /// dated on or before `as_of`; the forecast starts at `last_round + 1`.
    pub last_round: u32,
    /// The last round any fact constrains (at least `last_round`).
    pub check_until: u32,
    /// Below this share of candidates kept, a run stops with an error naming
    /// the fact that rejects the most candidates.
    pub min_acceptance: f64,
    /// The facts, in file order; index 0 is the implicit "talks open at as_of".
    pub facts: Vec<Fact>,
    /// For a forecast cut at an earlier date ([`Forecast::cut`]): the
    /// scenario's own `as_of`.
    pub cut_from: Option<Date>,
}

/// One observed fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Its key in the config (`forecast.facts[i]`, or `forecast.as_of` for
    /// the implicit fact that talks were open).
    pub key: String,
    /// The date it is observed on.
    pub date: Date,
    /// The round it constrains: for something that happened on `date`, the
    /// first round on or after it (as a date trigger or an `at_date` policy
    /// maps it); for something that had not happened by `date` or an offer
    /// seen on `date`, the last round on or before it (rounds are dated by
    /// their first day).
    pub round: u32,
    /// Imposed on every candidate, or conditioned on.
    pub mode: FactMode,
    /// What was observed.
    pub what: FactKind,
}

/// How a fact enters the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactMode {
    /// Set on every candidate (for exogenous shocks: Pearl's do()); only
    /// the part the players did not choose is set, and a candidate whose
    /// players' choices contradict the fact is still rejected.
    Impose,
    /// Candidates that contradict it are rejected.
    Condition,
}

impl FactMode {
    /// The label used in configs and manifests.
    pub fn label(self) -> &'static str {
        match self {
            FactMode::Impose => "impose",
            FactMode::Condition => "condition",
        }
    }
}

/// What a fact says.
#[derive(Debug, Clone, PartialEq)]
pub enum FactKind {
    /// No deal and no breakdown in any round up to the fact's round.
    Open,
    /// The event fired in the fact's round (`fired`), or in no round up to it.
    Event {
        /// Index into `Scenario::events`.
        event: usize,
        /// Fired (in that round) or not (in any round up to it).
        fired: bool,
    },
    /// The lever was carried out in the fact's round (`used`), or in no
    /// round up to it; with `threatened`, a threat was (or no threat was)
    /// made with it in some round up to the fact's round.
    Lever {
        /// Index into `Scenario::levers`.
        lever: usize,
        /// Carried out (in that round) or not (in any round up to it).
        used: bool,
        /// With `used = false`: whether its owner made a threat with it
        /// (the threat was then not carried out); `None`: not observed.
        threatened: Option<bool>,
    },
    /// The side's latest offer on or before the fact's date put `issue`
    /// within `tolerance` of `value` (in the issue's unit).
    Offer {
        /// Whose offer.
        side: Side,
        /// Index into `Scenario::issues`.
        issue: usize,
        /// The position seen.
        value: f64,
        /// How far from it an offer may be and still match.
        tolerance: f64,
    },
}

impl FactKind {
    /// True for a fact that something happened in one round (an event
    /// fired, a lever carried out); false for one that something had not
    /// happened by a date (talks open, an event or lever "not by"), or an
    /// offer seen.
    pub fn happened(&self) -> bool {
        matches!(
            self,
            FactKind::Event { fired: true, .. } | FactKind::Lever { used: true, .. }
        )
    }

    /// The kind's label (`open`, `event`, `lever`, `offer`).
    pub fn label(&self) -> &'static str {
        match self {
            FactKind::Open => "open",
            FactKind::Event { .. } => "event",
            FactKind::Lever { .. } => "lever",
            FactKind::Offer { .. } => "offer",
        }
    }
}

impl Forecast {
    /// The imposed outcome of event `ei`'s coin in round `t`: `Some(true)`
    /// it fires, `Some(false)` it does not, `None` the model decides.
    #[inline]
    pub fn event_forced(&self, ei: usize, t: u32) -> Option<bool> {
        self.forced(
            t,
            |w| matches!(*w, FactKind::Event { event, .. } if event == ei),
        )
    }

    /// The imposed outcome of lever `li`'s credibility coin in round `t`
    /// (a threat made is carried out or not), as for events.
    #[inline]
    pub fn lever_forced(&self, li: usize, t: u32) -> Option<bool> {
        self.forced(
            t,
            |w| matches!(*w, FactKind::Lever { lever, .. } if lever == li),
        )
    }

    fn forced(&self, t: u32, this: impl Fn(&FactKind) -> bool) -> Option<bool> {
        if t > self.check_until {
            return None;
        }
        self.facts
            .iter()
            .filter(|f| f.mode == FactMode::Impose && this(&f.what))
            .find_map(|f| match f.what {
                FactKind::Event { fired: on, .. } | FactKind::Lever { used: on, .. } => {
                    if on {
                        (t == f.round).then_some(true)
                    } else {
                        (t <= f.round).then_some(false)
                    }
                }
                _ => None,
            })
    }

    /// A forecast made on `as_of`, whose history is rounds
    /// `0..=last_round`, from `facts`, the first of which is that talks
    /// were open; `check_until` is derived from the facts' rounds.
    pub fn new(
        as_of: Date,
        last_round: u32,
        min_acceptance: f64,
        facts: Vec<Fact>,
        cut_from: Option<Date>,
    ) -> Forecast {
        let check_until = facts.iter().map(|f| f.round).fold(last_round, u32::max);
        Forecast {
            as_of,
            last_round,
            check_until,
            min_acceptance,
            facts,
            cut_from,
        }
    }

    /// A forecast made on `d` with only the open fact (keyed `key`): for a
    /// scenario without facts.
    pub fn open_only(clock: &Clock, d: Date, key: &str, min_acceptance: f64) -> Forecast {
        let round = round_until(clock, d);
        let open = Fact {
            key: key.to_string(),
            date: d,
            round,
            mode: FactMode::Condition,
            what: FactKind::Open,
        };
        Forecast::new(d, round, min_acceptance, vec![open], None)
    }

    /// The forecast made on an earlier date `d` (start <= d <= as_of) from
    /// the facts known then: a fact that something happened, or an offer
    /// seen, dated after `d` is dropped; a fact that something had not
    /// happened by a later date holds by `d` too, and is cut to `d` (a
    /// lever "threatened but not carried out" by a later date keeps only
    /// "not carried out"). Facts keep their keys (their place in the file).
    pub fn cut(&self, clock: &Clock, d: Date) -> Forecast {
        let facts: Vec<Fact> = self
            .facts
            .iter()
            .filter_map(|f| {
                if f.date <= d && f.what != FactKind::Open {
                    return Some(f.clone());
                }
                if f.what.happened() || matches!(f.what, FactKind::Offer { .. }) {
                    return None;
                }
                // "Not by a later date" (and talks open) hold by d; a
                // threat made by the later date may not have been by d.
                let date = f.date.min(d);
                let what = match f.what {
                    FactKind::Lever {
                        lever,
                        used,
                        threatened: Some(true),
                    } => FactKind::Lever {
                        lever,
                        used,
                        threatened: None,
                    },
                    ref w => w.clone(),
                };
                Some(Fact {
                    date,
                    round: round_until(clock, date),
                    what,
                    ..f.clone()
                })
            })
            .collect();
        let cut_from = Some(self.cut_from.unwrap_or(self.as_of));
        Forecast::new(
            d,
            round_until(clock, d),
            self.min_acceptance,
            facts,
            cut_from,
        )
    }
}

/// The last round dated on or before `d` (d >= start).
fn round_until(clock: &Clock, d: Date) -> u32 {
    let days = (d.days() - clock.start.days()).max(0);
    u32::try_from(days / i64::from(clock.days_per_round.max(1))).unwrap_or(u32::MAX)
}

impl Fact {
    /// The fact in words, e.g. "event fx_shock did not fire by 2025-10-27".
    pub fn describe(&self, scn: &super::Scenario) -> String {
        let d = self.date;
        match &self.what {
            FactKind::Open => format!("talks open (no deal, no breakdown) through {d}"),
            FactKind::Event { event, fired } => {
                let n = &scn.events[*event].name;
                if *fired {
                    format!("event {n} fired on {d}")
                } else {
                    format!("event {n} did not fire by {d}")
                }
            }
            FactKind::Lever {
                lever,
                used,
                threatened,
            } => {
                let n = &scn.levers[*lever].name;
                match (used, threatened) {
                    (true, _) => format!("lever {n} carried out on {d}"),
                    (false, None) => format!("lever {n} not carried out by {d}"),
                    (false, Some(true)) => {
                        format!("lever {n} threatened but not carried out by {d}")
                    }
                    (false, Some(false)) => format!("lever {n} not even threatened by {d}"),
                }
            }
            FactKind::Offer {
                side,
                issue,
                value,
                tolerance,
            } => format!(
                "{}'s latest offer by {d} put {} within {tolerance} of {value}",
                scn.players[*side].name, scn.issues[*issue].name
            ),
        }
    }
}
