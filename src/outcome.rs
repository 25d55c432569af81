//! What one run produces, and the fixed list of metrics derived from it.
//! One place defines the columns of runs.csv and the rows of summary.csv.

use crate::model::Scenario;

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
}

impl Outcome {
    /// An outcome sized for a scenario.
    pub fn for_scenario(s: &Scenario) -> Outcome {
        Outcome {
            terms: vec![f64::NAN; s.issues.len()],
            lever_uses: vec![0; s.levers.len()],
            event_counts: vec![0; s.events.len()],
            ..Default::default()
        }
    }
}

/// The metric names of a scenario, in column order.
pub fn metric_names(s: &Scenario) -> Vec<String> {
    let mut m: Vec<String> = ["deal", "breakdown", "no_deal", "end_round"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    m.extend(s.issues.iter().map(|i| i.name.clone()));
    for p in &s.players {
        m.push(format!("utility_{}", p.name));
    }
    for p in &s.players {
        m.push(format!("cost_{}", p.name));
    }
    for p in &s.players {
        m.push(format!("support_{}", p.name));
    }
    for p in &s.players {
        m.push(format!("reservation_{}", p.name));
    }
    m.extend(s.levers.iter().map(|l| format!("lever_{}", l.name)));
    m.extend(s.events.iter().map(|e| format!("event_{}", e.name)));
    m.push("ratifications".into());
    m
}

/// Writes the metric values of `o` into `out` (length = `metric_names(s).len()`),
/// NaN where a metric does not apply (terms without a deal).
pub fn metric_values(o: &Outcome, out: &mut [f64]) {
    let mut k = 0;
    let mut put = |v: f64| {
        out[k] = v;
        k += 1;
    };
    put((o.kind == OutcomeKind::Deal) as u8 as f64);
    put((o.kind == OutcomeKind::Breakdown) as u8 as f64);
    put((o.kind == OutcomeKind::NoDeal) as u8 as f64);
    put(o.end_round as f64);
    o.terms.iter().for_each(|&v| put(v));
    o.utility.iter().for_each(|&v| put(v));
    o.cost.iter().for_each(|&v| put(v));
    o.support.iter().for_each(|&v| put(v));
    o.reservation.iter().for_each(|&v| put(v));
    o.lever_uses.iter().for_each(|&v| put(v as f64));
    o.event_counts.iter().for_each(|&v| put(v as f64));
    put(o.ratifications as f64);
    debug_assert_eq!(k, out.len());
}
