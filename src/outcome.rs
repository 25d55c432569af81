//! What one run produces, and the fixed list of metrics derived from it
//! ([`Metrics`]). One place defines the columns of runs.csv and the rows of
//! summary.csv; everything else finds a metric by its index field or name.

use crate::model::Scenario;
use std::ops::Range;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutcomeKind {
    /// A deal was accepted and ratified by both sides.
    Deal,
    /// A side walked away, or ratification failed too often.
    Breakdown,
    /// The horizon passed without a deal (the status quo stands).
    #[default]
    NoDeal,
}

impl OutcomeKind {
    /// The label used in CSV files.
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Deal => "deal",
            OutcomeKind::Breakdown => "breakdown",
            OutcomeKind::NoDeal => "no_deal",
        }
    }
}

/// The result of one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// How it ended.
    pub kind: OutcomeKind,
    /// The round in which it ended (the horizon for `NoDeal`).
    pub end_round: u32,
    /// The deal's value on each issue, in the issue's unit (NaN without a deal).
    pub terms: Vec<f64>,
    /// Each side's final payoff in utility units: discounted deal utility (or
    /// no-deal value) minus cumulative costs converted at `bn_per_util`.
    pub utility: [f64; 2],
    /// Each side's cumulative cost (USD bn).
    pub cost: [f64; 2],
    /// Each side's domestic support at the end.
    pub support: [f64; 2],
    /// Each side's drawn reservation value (private type).
    pub reservation: [f64; 2],
    /// Uses of each lever (carried-out threats).
    pub lever_uses: Vec<u32>,
    /// Times each event fired.
    pub event_counts: Vec<u32>,
    /// Ratification attempts (accepted offers sent home).
    pub ratifications: u32,
    /// Each side's utility of the agreed terms, undiscounted and before
    /// costs (NaN without a deal).
    pub deal_utility: [f64; 2],
    /// With a forecast: the index of the first fact the run broke (it is
    /// not kept); `None` for a kept run.
    pub rejected: Option<usize>,
    /// With a forecast: each fact, whether the run broke it (judged up to
    /// the last round a fact constrains, or the run's end if earlier).
    pub broken: Vec<bool>,
    /// With a forecast: what the observed history accounts for (costs,
    /// lever uses and event firings up to `as_of`), subtracted from `cost`,
    /// `lever_uses` and `event_counts` when the run settles, so that those
    /// count from the forecast's first round on.
    pub history: History,
}

/// The part of a run's costs and counts that falls in a forecast's history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Each side's cumulative cost at the end of the history (USD bn).
    pub cost: [f64; 2],
    /// Uses of each lever in the history.
    pub lever_uses: Vec<u32>,
    /// Firings of each event in the history.
    pub event_counts: Vec<u32>,
}

impl Outcome {
    /// An outcome sized for a scenario.
    pub fn for_scenario(s: &Scenario) -> Outcome {
        Outcome {
            terms: vec![f64::NAN; s.issues.len()],
            lever_uses: vec![0; s.levers.len()],
            event_counts: vec![0; s.events.len()],
            broken: vec![false; s.forecast.as_ref().map_or(0, |f| f.facts.len())],
            history: History {
                cost: [0.0; 2],
                lever_uses: vec![0; s.levers.len()],
                event_counts: vec![0; s.events.len()],
            },
            ..Default::default()
        }
    }
}

/// The metrics of a scenario: the one list behind runs.csv columns and
/// summary rows, with the index of every metric in it.
///
/// Code that needs a particular metric uses its index field (`deal`,
/// `end_round`, ...) or [`Metrics::index`], never a position: the list's
/// order is decided here, in [`Metrics::new`], and [`Metrics::values`]
/// writes each value at its metric's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metrics {
    names: Vec<String>,
    /// `deal`: 1 if the run ended in a deal, else 0.
    pub deal: usize,
    /// `breakdown`: 1 if the run broke down, else 0.
    pub breakdown: usize,
    /// `no_deal`: 1 if the horizon passed without a deal, else 0.
    pub no_deal: usize,
    /// `end_round`: the round in which the run ended.
    pub end_round: usize,
    /// Each issue's agreed value (named after the issue; NaN without a deal).
    pub terms: Range<usize>,
    /// `utility_<player>`, per side.
    pub utility: [usize; 2],
    /// `cost_<player>` (USD bn), per side.
    pub cost: [usize; 2],
    /// `support_<player>`, per side.
    pub support: [usize; 2],
    /// `reservation_<player>`, per side.
    pub reservation: [usize; 2],
    /// `lever_<name>`: uses of each lever.
    pub levers: Range<usize>,
    /// `event_<name>`: firings of each event.
    pub events: Range<usize>,
    /// `ratifications`: ratification attempts.
    pub ratifications: usize,
}

/// Appends metric names, returning the index of the first.
fn push(names: &mut Vec<String>, new: impl IntoIterator<Item = String>) -> usize {
    let at = names.len();
    names.extend(new);
    at
}

/// Appends one name per player, returning their indices.
fn per_side(names: &mut Vec<String>, s: &Scenario, prefix: &str) -> [usize; 2] {
    let at = push(
        names,
        s.players.iter().map(|p| format!("{prefix}_{}", p.name)),
    );
    [at, at + 1]
}

impl Metrics {
    /// The metrics of a scenario, in column order: `deal`, `breakdown`,
    /// `no_deal`, `end_round`, the issues, `utility_*`, `cost_*`,
    /// `support_*`, `reservation_*`, `lever_*`, `event_*`, `ratifications`.
    pub fn new(s: &Scenario) -> Metrics {
        let mut n = Vec::new();
        let one = |n: &mut Vec<String>, name: &str| push(n, [name.to_string()]);
        let deal = one(&mut n, "deal");
        let breakdown = one(&mut n, "breakdown");
        let no_deal = one(&mut n, "no_deal");
        let end_round = one(&mut n, "end_round");
        let at = push(&mut n, s.issues.iter().map(|i| i.name.clone()));
        let terms = at..n.len();
        let utility = per_side(&mut n, s, "utility");
        let cost = per_side(&mut n, s, "cost");
        let support = per_side(&mut n, s, "support");
        let reservation = per_side(&mut n, s, "reservation");
        let at = push(&mut n, s.levers.iter().map(|l| format!("lever_{}", l.name)));
        let levers = at..n.len();
        let at = push(&mut n, s.events.iter().map(|e| format!("event_{}", e.name)));
        let events = at..n.len();
        let ratifications = one(&mut n, "ratifications");
        Metrics {
            names: n,
            deal,
            breakdown,
            no_deal,
            end_round,
            terms,
            utility,
            cost,
            support,
            reservation,
            levers,
            events,
            ratifications,
        }
    }

    /// The names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of metrics.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True if there are no metrics (never, for a scenario).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The index of the metric called `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|m| m == name)
    }

    /// The three outcome flags (`deal`, `breakdown`, `no_deal`): 0/1 metrics
    /// whose mean is a proportion of runs.
    pub fn outcome_flags(&self) -> [usize; 3] {
        [self.deal, self.breakdown, self.no_deal]
    }

    /// True if metric `i` is an outcome flag (its mean is a proportion).
    pub fn is_proportion(&self, i: usize) -> bool {
        self.outcome_flags().contains(&i)
    }

    /// Writes the metric values of `o` into `out` (length [`Metrics::len`]),
    /// each at its metric's index; NaN where a metric does not apply (terms
    /// without a deal).
    pub fn values(&self, o: &Outcome, out: &mut [f64]) {
        debug_assert_eq!(out.len(), self.len());
        debug_assert_eq!(o.terms.len(), self.terms.len());
        debug_assert_eq!(o.lever_uses.len(), self.levers.len());
        debug_assert_eq!(o.event_counts.len(), self.events.len());
        let flag = |k: OutcomeKind| (o.kind == k) as u8 as f64;
        out[self.deal] = flag(OutcomeKind::Deal);
        out[self.breakdown] = flag(OutcomeKind::Breakdown);
        out[self.no_deal] = flag(OutcomeKind::NoDeal);
        out[self.end_round] = o.end_round as f64;
        for (i, &v) in self.terms.clone().zip(&o.terms) {
            out[i] = v;
        }
        for side in 0..2 {
            out[self.utility[side]] = o.utility[side];
            out[self.cost[side]] = o.cost[side];
            out[self.support[side]] = o.support[side];
            out[self.reservation[side]] = o.reservation[side];
        }
        for (i, &v) in self.levers.clone().zip(&o.lever_uses) {
            out[i] = v as f64;
        }
        for (i, &v) in self.events.clone().zip(&o.event_counts) {
            out[i] = v as f64;
        }
        out[self.ratifications] = o.ratifications as f64;
    }
}

/// The metric names of a scenario, in column order ([`Metrics::names`]).
pub fn metric_names(s: &Scenario) -> Vec<String> {
    Metrics::new(s).names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    #[test]
    fn every_index_names_its_metric_and_values_land_there() {
        let scn = config::builtin_model().scenario;
        let m = Metrics::new(&scn);
        let name = |i: usize| m.names()[i].as_str();
        assert_eq!(
            [m.deal, m.breakdown, m.no_deal, m.end_round, m.ratifications].map(name),
            ["deal", "breakdown", "no_deal", "end_round", "ratifications"]
        );
        for (side, p) in scn.players.iter().enumerate() {
            assert_eq!(name(m.utility[side]), format!("utility_{}", p.name));
            assert_eq!(name(m.cost[side]), format!("cost_{}", p.name));
            assert_eq!(name(m.support[side]), format!("support_{}", p.name));
            assert_eq!(name(m.reservation[side]), format!("reservation_{}", p.name));
        }
        for (i, is) in m.terms.clone().zip(&scn.issues) {
            assert_eq!(name(i), is.name);
        }
        for (i, l) in m.levers.clone().zip(&scn.levers) {
            assert_eq!(name(i), format!("lever_{}", l.name));
        }
        for (i, e) in m.events.clone().zip(&scn.events) {
            assert_eq!(name(i), format!("event_{}", e.name));
        }
        assert_eq!(m.index("end_round"), Some(m.end_round));
        assert_eq!(m.index("nonsense"), None);
        assert!(m.is_proportion(m.no_deal) && !m.is_proportion(m.end_round));

        // Every slot is written exactly once: NaN-filled output has no NaN
        // left (the outcome's terms are set), and each value is its field's.
        let mut o = Outcome::for_scenario(&scn);
        o.kind = OutcomeKind::Breakdown;
        o.end_round = 5;
        o.terms
            .iter_mut()
            .enumerate()
            .for_each(|(k, t)| *t = k as f64 + 0.5);
        o.utility = [0.25, 0.75];
        o.cost = [1.5, 2.5];
        o.support = [0.4, 0.6];
        o.reservation = [0.1, 0.2];
        o.lever_uses.iter_mut().for_each(|u| *u = 3);
        o.event_counts.iter_mut().for_each(|c| *c = 4);
        o.ratifications = 2;
        let mut v = vec![f64::NAN; m.len()];
        m.values(&o, &mut v);
        assert!(v.iter().all(|x| !x.is_nan()));
        assert_eq!([v[m.deal], v[m.breakdown], v[m.no_deal]], [0.0, 1.0, 0.0]);
        assert_eq!(v[m.end_round], 5.0);
        assert_eq!([v[m.cost[0]], v[m.cost[1]]], [1.5, 2.5]);
        assert_eq!(v[m.ratifications], 2.0);
        assert!(m.levers.clone().all(|i| v[i] == 3.0));
        assert!(m.events.clone().all(|i| v[i] == 4.0));
    }
}
