//! Warnings of `standoff check`: what a valid scenario holds that can never
//! matter, because it is dated past the horizon or can never happen.
//!
//! Only what is certain from the config is reported (no warning is a
//! guess): a focal date, a lever's `from_date` or `at_date`, an event's
//! date or window past the horizon; a lever that can never be used
//! (`max_uses = 0`, a window that closes before it opens, a credibility of
//! 0 that no forecast fact overrides); an event that can never fire (a
//! probability of 0, `max_occurrences = 0`, a window past the horizon or
//! empty, a hazard of 0 with nothing that could raise it). Levers and
//! events switched off (`enabled = false`, policy `never`) are deliberate
//! and not reported.

use std::fmt;

use toml_edit::ImDocument;

use super::locate::SpanIndex;
use super::Loaded;
use crate::model::{FactKind, LeverPolicy, Scenario, Trigger};

/// A warning: the file, the dotted key (and its line) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The file label.
    pub file: String,
    /// The line of the key, when the source is at hand.
    pub line: Option<usize>,
    /// The dotted key.
    pub key: String,
    /// What can never happen, and why.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}: {}", self.file, self.key, self.message),
            None => write!(f, "{}: {}: {}", self.file, self.key, self.message),
        }
    }
}

/// The warnings of a loaded scenario, in file order of their tables
/// (clock, levers, events).
pub fn warnings(loaded: &Loaded) -> Vec<Warning> {
    let s = &loaded.scenario;
    let raw = &loaded.raw;
    let mut found: Vec<(String, String)> = Vec::new();
    let horizon = s.clock.horizon;
    let last = s.clock.date_of(horizon - 1);
    let past = |what: &str, date: String, round: u32| {
        format!(
            "{what} {date} is round {round}, past the horizon ({horizon} rounds: the last, round {}, starts on {last})",
            horizon - 1
        )
    };
    if let (Some(f), Some(rf)) = (&s.clock.focal, &raw.clock.focal) {
        if f.round >= horizon {
            found.push((
                "clock.focal.date".into(),
                format!(
                    "{}; the deadline '{}' never comes",
                    past("the focal date", rf.date.0.clone(), f.round),
                    f.name
                ),
            ));
        }
    }
    let never_used = levers(s, raw, &past, &mut found);
    events(s, raw, &never_used, &past, &mut found);
    let idx = ImDocument::parse(loaded.source.as_str())
        .ok()
        .map(|doc| SpanIndex::new(&doc, &loaded.source));
    found
        .into_iter()
        .map(|(key, message)| Warning {
            file: loaded.file.clone(),
            line: idx.as_ref().and_then(|i| i.line_of_path(&key)),
            key,
            message,
        })
        .collect()
}

/// True if a forecast fact is about lever `li` (an imposed one can carry it out).
fn fact_on_lever(s: &Scenario, li: usize) -> bool {
    s.forecast.as_ref().is_some_and(|f| {
        f.facts
            .iter()
            .any(|x| matches!(x.what, FactKind::Lever { lever, .. } if lever == li))
    })
}

/// True if a forecast fact is about event `ei` (an imposed one can fire it).
fn fact_on_event(s: &Scenario, ei: usize) -> bool {
    s.forecast.as_ref().is_some_and(|f| {
        f.facts
            .iter()
            .any(|x| matches!(x.what, FactKind::Event { event, .. } if event == ei))
    })
}

type Past<'a> = dyn Fn(&str, String, u32) -> String + 'a;

/// Warns about levers that can never be used; returns, per lever, whether it
/// can never be carried out (switched off ones included).
fn levers(
    s: &Scenario,
    raw: &super::RawScenario,
    past: &Past,
    found: &mut Vec<(String, String)>,
) -> Vec<bool> {
    let horizon = s.clock.horizon;
    let deadline = s
        .clock
        .focal
        .as_ref()
        .map_or(horizon, |f| f.round.min(horizon));
    let mut never = Vec::with_capacity(s.levers.len());
    for (li, (lv, (name, rl))) in s.levers.iter().zip(raw.levers.iter()).enumerate() {
        let base = format!("levers.{name}");
        if !rl.enabled || matches!(lv.policy, LeverPolicy::Never) {
            never.push(true);
            continue;
        }
        let before = found.len();
        let mut warn = |key: String, message: String| found.push((key, message));
        let from = rl
            .from_date
            .as_ref()
            .map(|d| d.0.clone())
            .unwrap_or_default();
        if lv.from_round >= horizon {
            warn(
                format!("{base}.from_date"),
                format!(
                    "{}; the lever can never be used",
                    past("its first date", from.clone(), lv.from_round)
                ),
            );
        } else if lv.max_uses == 0 {
            warn(
                format!("{base}.max_uses"),
                "0: the lever can never be used".into(),
            );
        } else {
            match lv.policy {
                LeverPolicy::AtRound { round } if round >= horizon => warn(
                    format!("{base}.policy.date"),
                    format!(
                        "{}; the lever is never used",
                        past(
                            "the date",
                            rl.policy.date.as_ref().map(|d| d.0.clone()).unwrap_or_default(),
                            round
                        )
                    ),
                ),
                LeverPolicy::AtRound { round } if round < lv.from_round => warn(
                    format!("{base}.policy.date"),
                    format!(
                        "the date is round {round}, before the lever's from_date {from} (round {}): the lever is never used",
                        lv.from_round
                    ),
                ),
                LeverPolicy::BeforeDeadline { .. } if lv.from_round >= deadline => warn(
                    format!("{base}.from_date"),
                    format!(
                        "{from} is round {}, not before the deadline of its before_deadline policy (round {deadline}): the lever is never used",
                        lv.from_round
                    ),
                ),
                _ if lv.credibility == 0.0 && !fact_on_lever(s, li) => warn(
                    format!("{base}.credibility"),
                    "0: a threat with the lever is never carried out".into(),
                ),
                _ => {}
            }
        }
        never.push(found.len() > before);
    }
    never
}

/// Warns about events that can never fire.
fn events(
    s: &Scenario,
    raw: &super::RawScenario,
    lever_never: &[bool],
    past: &Past,
    found: &mut Vec<(String, String)>,
) {
    let horizon = s.clock.horizon;
    for (ei, (ev, (name, re))) in s.events.iter().zip(raw.events.iter()).enumerate() {
        if !re.enabled {
            continue;
        }
        let base = format!("events.{name}");
        let t = &re.trigger;
        let date =
            |d: &Option<super::raw::RawDate>| d.as_ref().map(|d| d.0.clone()).unwrap_or_default();
        let fact = fact_on_event(s, ei);
        let mut warn = |key: &str, message: String| found.push((format!("{base}.{key}"), message));
        if ev.max_occurrences == 0 {
            warn("max_occurrences", "0: the event never fires".into());
            continue;
        }
        match &ev.trigger {
            Trigger::OnRound { round, .. } if *round >= horizon => warn(
                "trigger.date",
                format!(
                    "{}; the event never fires",
                    past("its date", date(&t.date), *round)
                ),
            ),
            Trigger::OnRound { probability, .. } if *probability == 0.0 && !fact => {
                warn("trigger.probability", "0: the event never fires".into())
            }
            Trigger::OnRound { .. } => {}
            Trigger::Hazard {
                base: b,
                from_round,
                to_round,
                exposure,
                lever_sensitivity,
            } => {
                if *from_round >= horizon {
                    warn(
                        "trigger.from_date",
                        format!(
                            "{}; the event never fires",
                            past("its first date", date(&t.from_date), *from_round)
                        ),
                    );
                } else if from_round > to_round {
                    warn(
                        "trigger.to_date",
                        format!(
                            "{} is round {to_round} at the latest, before from_date {} (round {from_round}): no round is in its window, the event never fires",
                            date(&t.to_date),
                            date(&t.from_date)
                        ),
                    );
                } else {
                    let exposed = exposure.as_ref().is_some_and(|x| x.slope > 0.0);
                    let levers_can_raise = *lever_sensitivity > 0.0
                        && s.levers
                            .iter()
                            .zip(lever_never)
                            .any(|(l, never)| l.hazard > 0.0 && !never);
                    if *b == 0.0 && !exposed && !levers_can_raise && !fact {
                        warn(
                            "trigger.base",
                            "0, and nothing raises the hazard (no exposure with a slope > 0, no usable lever with a hazard > 0 under a lever_sensitivity > 0): the event never fires".into(),
                        );
                    }
                }
            }
        }
    }
}
