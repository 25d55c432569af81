//! Progress on stderr: a bar with percentage, rate and ETA when stderr is
//! a terminal; otherwise (a cluster job's log, CI) a plain line at every
//! tenth of the work and at least every 10 seconds; nothing with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::{Cell, RefCell};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Seconds between two plain lines at the most.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// Progress over `len` units of `what` (runs, dates).
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    plain: Option<Plain>,
}

/// The state of plain progress lines.
#[derive(Debug)]
struct Plain {
    what: String,
    stage: RefCell<String>,
    len: u64,
    pos: Cell<u64>,
    t0: Instant,
    last: Cell<Instant>,
    tenth: Cell<u64>,
}

impl Progress {
    /// A bar on a terminal, plain lines otherwise, nothing when `quiet`.
    pub fn new(len: u64, quiet: bool, what: &str) -> Progress {
        if quiet {
            return Progress {
                bar: ProgressBar::hidden(),
                plain: None,
            };
        }
        if !std::io::stderr().is_terminal() {
            let now = Instant::now();
            return Progress {
                bar: ProgressBar::hidden(),
                plain: Some(Plain {
                    what: what.to_string(),
                    stage: RefCell::new(String::new()),
                    len,
                    pos: Cell::new(0),
                    t0: now,
                    last: Cell::new(now),
                    tenth: Cell::new(0),
                }),
            };
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {{msg}}{what} {{bar:40}} {{percent:>3}}% {{pos}}/{{len}} {{per_sec}} [{{elapsed_precise}} eta {{eta}}]"
            ))
            .expect("valid template"),
        );
        Progress { bar, plain: None }
    }

    /// `n` more units done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        let Some(p) = &self.plain else { return };
        let pos = p.pos.get() + n;
        p.pos.set(pos);
        let tenth = (pos * 10).checked_div(p.len).unwrap_or(10);
        let now = Instant::now();
        if tenth > p.tenth.get() || now.duration_since(p.last.get()) >= PLAIN_EVERY {
            p.tenth.set(tenth);
            p.last.set(now);
            let secs = now.duration_since(p.t0).as_secs_f64();
            let rate = if secs > 0.0 { pos as f64 / secs } else { 0.0 };
            let pct = if p.len == 0 {
                100.0
            } else {
                100.0 * pos as f64 / p.len as f64
            };
            eprintln!(
                "standoff: {}{} {pos}/{} ({pct:.0}%), {secs:.1} s, {rate:.0}/s",
                p.stage.borrow(),
                p.what,
                p.len
            );
        }
    }

    /// Names the stage the work is at (a sweep's `point 3/40`), shown
    /// before the count on the bar and on plain lines.
    pub fn set_stage(&self, stage: &str) {
        let text = if stage.is_empty() {
            String::new()
        } else {
            format!("{stage}, ")
        };
        self.bar.set_message(text.clone());
        if let Some(p) = &self.plain {
            *p.stage.borrow_mut() = text;
        }
    }

    /// Stops drawing, leaving the bar (after an error or an interruption).
    pub fn abandon(&self) {
        self.bar.abandon();
    }

    /// Done: clears the bar.
    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }
}
