//! The round-by-round trace of one run (`standoff replay`), as CSV on any
//! stream: an engine `Observer` that writes one row per round.

use super::{format_f64, OutputError};
use crate::engine::{Observer, RoundRecord};
use crate::model::Scenario;
use std::io::{self, Write};

/// Writes a round-by-round trace as CSV: `round`, `date`, `proposer`, the
/// offer on each issue, `utility_<player>` of the offer, `response`,
/// `levers` and `events` (`;`-separated names), `support_<player>`,
/// `cost_<player>`, `no_deal_<player>`, and `outcome` (filled in on the last
/// row only, by [`TraceCsv::finish`]).
pub struct TraceCsv<'a, W: Write> {
    scn: &'a Scenario,
    w: csv::Writer<W>,
    err: Option<csv::Error>,
    cells: Vec<String>,
}

/// A trace error, as the `io::Error` underneath when there is one (so that a
/// closed pipe stays recognisable).
fn trace_err(e: csv::Error) -> OutputError {
    let msg = e.to_string();
    let source = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => io::Error::other(msg),
    };
    OutputError::Trace { source }
}

/// The header of a scenario's trace ([`TraceCsv`]).
pub fn trace_header(scn: &Scenario) -> Vec<String> {
    let p = &scn.players;
    let mut h: Vec<String> = ["round", "date", "proposer"].map(String::from).to_vec();
    h.extend(scn.issues.iter().map(|i| i.name.clone()));
    h.extend(p.iter().map(|p| format!("utility_{}", p.name)));
    h.push("response".into());
    h.push("levers".into());
    h.push("events".into());
    h.extend(p.iter().map(|p| format!("support_{}", p.name)));
    h.extend(p.iter().map(|p| format!("cost_{}", p.name)));
    h.extend(p.iter().map(|p| format!("no_deal_{}", p.name)));
    h.push("outcome".into());
    h
}

impl<'a, W: Write> TraceCsv<'a, W> {
    /// A trace writer; writes the header at once.
    pub fn new(scn: &'a Scenario, inner: W) -> Result<Self, OutputError> {
        let mut w = csv::Writer::from_writer(inner);
        w.write_record(trace_header(scn)).map_err(trace_err)?;
        Ok(TraceCsv {
            scn,
            w,
            err: None,
            cells: Vec::new(),
        })
    }

    /// Writes the held last row with the outcome filled in, and flushes.
    pub fn finish(mut self, outcome: &str) -> Result<(), OutputError> {
        if let Some(e) = self.err.take() {
            return Err(trace_err(e));
        }
        if let Some(last) = self.cells.last_mut() {
            *last = outcome.to_string();
            self.w.write_record(&self.cells).map_err(trace_err)?;
        }
        self.w
            .flush()
            .map_err(|source| OutputError::Trace { source })
    }
}

impl<W: Write> Observer for TraceCsv<'_, W> {
    fn round(&mut self, r: &RoundRecord<'_>) {
        // Write the previous round now; hold this one so that the last row can carry the outcome.
        if !self.cells.is_empty() && self.err.is_none() {
            if let Err(e) = self.w.write_record(&self.cells) {
                self.err = Some(e);
            }
        }
        let s = self.scn;
        let f = format_f64;
        let mut c = vec![
            r.round.to_string(),
            s.clock.date_of(r.round).to_string(),
            s.players[r.proposer].name.clone(),
        ];
        c.extend(
            s.issues
                .iter()
                .zip(r.offer)
                .map(|(is, &x)| f(is.grid_value(x, s.protocol.resolution))),
        );
        c.extend(r.offer_utility.iter().map(|&u| f(u)));
        c.push(r.response.label().into());
        let names = |idx: &[usize], get: &dyn Fn(usize) -> String| {
            idx.iter().map(|&i| get(i)).collect::<Vec<_>>().join(";")
        };
        c.push(names(r.levers_used, &|i| s.levers[i].name.clone()));
        c.push(names(r.events, &|i| s.events[i].name.clone()));
        c.extend(r.support.iter().map(|&v| f(v)));
        c.extend(r.cost.iter().map(|&v| f(v)));
        c.extend(r.no_deal.iter().map(|&v| f(v)));
        c.push(String::new());
        self.cells = c;
    }
}
