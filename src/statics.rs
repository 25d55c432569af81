//! Comparative statics: does the scenario respond to its incentives in the
//! direction bargaining theory says? Each row changes one thing in a
//! scenario (a cost doubled, a threat made more credible, reserves raised,
//! ...), runs the base and the changed scenario on the same random numbers
//! (the same `RunCoord` per run: common random numbers, so the effect is a
//! paired difference), and checks each measure's effect against the sign
//! theory expects: the row passes when the 95% interval of the paired
//! effect lies on the expected side of 0. docs/validation.md gives each
//! expected direction with its source.
//!
//! Timing is measured by P(deal before the focal deadline) or by the share
//! of runs that deal within two rounds of it; terms by each side's utility
//! of the agreed terms before costs and discounting, and by agreed values
//! of the issues concerned, over the runs that end in a deal under both
//! scenarios. Never by payoffs net of costs, which move with a cost trivially.
//!
//! Rows name players by role: A is the scenario's first player (the target
//! of the other's levers in the built-in scenario: Korea), B the second.

use crate::config::{self, ConfigError};
use crate::engine::{simulate, Workspace};
use crate::model::Scenario;
use crate::outcome::{Outcome, OutcomeKind};
use crate::rng::{run_rng, RunCoord};
use toml::Value;

/// The expected sign of an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// The measure rises.
    Up,
    /// The measure falls.
    Down,
}

impl Sign {
    fn label(self) -> &'static str {
        match self {
            Sign::Up => "+",
            Sign::Down => "-",
        }
    }
}

/// What a check measures, per run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// 1 if the run ends in a deal before the base scenario's focal round.
    DealBeforeFocal,
    /// 1 if the run ends in a deal within 2 rounds of the base focal round.
    DealNearFocal,
    /// Side's utility of the agreed terms (before costs), over runs that deal in both.
    TermsUtility(usize),
    /// The agreed value of the named issue, over runs that deal in both.
    Issue(&'static str),
}

/// One change of a scenario, as edits of its resolved config.
#[derive(Debug, Clone, Copy)]
pub enum Edit {
    /// Multiply the number at a path (`{A}` / `{B}` stand for the players' names).
    Scale(&'static str, f64),
    /// Raise the number at a path to a power (e.g. a discount factor δ → δ^k).
    Power(&'static str, i32),
    /// Shift a distribution (fixed or uniform) at a path by a constant.
    ShiftDist(&'static str, f64),
    /// Remove the focal deadline; strategies that conceded towards it
    /// concede towards the horizon.
    NoFocal,
    /// Make B obstinate: an `attrition` B never gives in (its endurance
    /// ×10^9); any other B is replaced with a hardliner towards the horizon.
    BHardliner,
    /// Multiply the credibility of B's levers (capped at 1).
    BCredibility(f64),
    /// Add to the backlash of B's levers (capped at 1).
    BBacklash(f64),
    /// Multiply the reserves of every FX-exposure trigger.
    Reserves(f64),
    /// Set the lower end of every exposure cushion issue (a standing swap line).
    StandingCushion(f64),
    /// Set the backlash of B's levers to 0.
    BNoBacklash,
    /// Applied to the base scenario too: the row measures its other edits
    /// with this one held (e.g. a threat's effect without its backlash).
    Held(&'static Edit),
}

/// A row: a change and the checks made on it.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// What is changed, in words.
    pub change: &'static str,
    /// The edits.
    pub edits: &'static [Edit],
    /// The checks: measure and expected sign.
    pub checks: &'static [(Measure, Sign)],
}

use Edit::*;
use Measure::*;
use Sign::*;

/// The suite (docs/validation.md gives each expected sign with its source).
pub const ROWS: &[Row] = &[
    Row {
        change: "{A}'s delay cost x2",
        edits: &[Scale("players.{A}.delay_cost", 2.0)],
        checks: &[(DealBeforeFocal, Up), (TermsUtility(0), Down)],
    },
    Row {
        change: "{B}'s delay cost x2",
        edits: &[Scale("players.{B}.delay_cost", 2.0)],
        checks: &[(DealBeforeFocal, Up), (TermsUtility(1), Down)],
    },
    Row {
        change: "{B} made a hardliner",
        edits: &[BHardliner],
        checks: &[(DealBeforeFocal, Down), (TermsUtility(0), Down)],
    },
    Row {
        change: "{A}'s FX reserves x1.945 (416.3 -> 810)",
        edits: &[Reserves(810.0 / 416.3)],
        checks: &[(Issue("annual_cap"), Up), (Issue("cash_share"), Up)],
    },
    Row {
        change: "a standing swap line of 100",
        edits: &[StandingCushion(100.0)],
        checks: &[(Issue("annual_cap"), Up), (Issue("cash_share"), Up)],
    },
    Row {
        change: "focal audience cost x8",
        edits: &[
            Scale("clock.focal.audience_cost.{A}", 8.0),
            Scale("clock.focal.audience_cost.{B}", 8.0),
        ],
        checks: &[(DealNearFocal, Up)],
    },
    Row {
        change: "{B}'s focal audience cost x8 ({B} only)",
        edits: &[Scale("clock.focal.audience_cost.{B}", 8.0)],
        checks: &[(DealNearFocal, Up)],
    },
    Row {
        change: "no focal deadline",
        edits: &[NoFocal],
        checks: &[(DealNearFocal, Down)],
    },
    Row {
        change: "{B}'s levers more credible (x1.5), without backlash",
        edits: &[Held(&BNoBacklash), BCredibility(1.5)],
        checks: &[(TermsUtility(0), Down)],
    },
    Row {
        change: "{B}'s levers' backlash +0.3",
        edits: &[BBacklash(0.3)],
        checks: &[(TermsUtility(0), Up)],
    },
    Row {
        change: "{A}'s reservation +0.1",
        edits: &[ShiftDist("players.{A}.type.reservation", 0.1)],
        checks: &[(TermsUtility(0), Up)],
    },
    Row {
        change: "{A} more impatient (discount ^4)",
        edits: &[Power("players.{A}.discount", 4)],
        checks: &[(DealBeforeFocal, Up), (TermsUtility(0), Down)],
    },
    Row {
        change: "a tariff ruling 10x as likely ({A}'s outside option improves)",
        edits: &[Scale("events.tariff_ruling.trigger.base", 10.0)],
        checks: &[(TermsUtility(0), Up)],
    },
];

/// The result of one check.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The change, with the players' names.
    pub change: String,
    /// The measure, in words.
    pub measure: String,
    /// The expected sign.
    pub expect: Sign,
    /// Paired runs the effect is measured on.
    pub n: u64,
    /// Mean paired effect (changed − base).
    pub effect: f64,
    /// Its 95% interval (normal approximation of the paired mean).
    pub ci: (f64, f64),
    /// Why the check could not be made (the scenario lacks what it changes or measures).
    pub skipped: Option<String>,
}

impl Check {
    /// Whether the interval lies on the expected side of 0 (a skipped check does not pass).
    pub fn pass(&self) -> bool {
        self.skipped.is_none()
            && match self.expect {
                Up => self.ci.0 > 0.0,
                Down => self.ci.1 < 0.0,
            }
    }
}

fn names(scn: &Scenario) -> [&str; 2] {
    [&scn.players[0].name, &scn.players[1].name]
}

fn path_of(p: &str, who: [&str; 2]) -> String {
    p.replace("{A}", who[0]).replace("{B}", who[1])
}

fn at_mut<'a>(doc: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    let mut v = doc;
    for seg in path.split('.') {
        v = v
            .get_mut(seg)
            .ok_or_else(|| format!("the scenario has no `{path}`"))?;
    }
    Ok(v)
}

fn number(v: &Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

fn scale_at(doc: &mut Value, path: &str, f: impl Fn(f64) -> f64) -> Result<(), String> {
    let v = at_mut(doc, path)?;
    let x = number(v).ok_or_else(|| format!("`{path}` is not a number"))?;
    *v = Value::Float(f(x));
    Ok(())
}

/// The `levers` owned by B, as paths.
fn b_levers(doc: &Value, b: &str) -> Vec<String> {
    let Some(levers) = doc.get("levers").and_then(Value::as_table) else {
        return Vec::new();
    };
    levers
        .iter()
        .filter(|(_, l)| l.get("owner").and_then(Value::as_str) == Some(b))
        .map(|(n, _)| format!("levers.{n}"))
        .collect()
}

/// Every exposure table of an event trigger: its path and its cushion issue.
fn exposures(doc: &Value) -> Vec<(String, Option<String>)> {
    let Some(events) = doc.get("events").and_then(Value::as_table) else {
        return Vec::new();
    };
    events
        .iter()
        .filter_map(|(n, e)| {
            let ex = e.get("trigger")?.get("exposure")?;
            let cushion = ex.get("cushion").and_then(Value::as_str).map(String::from);
            Some((format!("events.{n}.trigger.exposure"), cushion))
        })
        .collect()
}

fn apply(doc: &mut Value, e: &Edit, who: [&str; 2]) -> Result<(), String> {
    match *e {
        Scale(p, f) => scale_at(doc, &path_of(p, who), |x| x * f),
        Power(p, k) => scale_at(doc, &path_of(p, who), |x| x.powi(k)),
        ShiftDist(p, d) => {
            let p = path_of(p, who);
            let v = at_mut(doc, &p)?;
            if let Some(x) = number(v) {
                *v = Value::Float(x + d);
                return Ok(());
            }
            let u = v
                .get_mut("uniform")
                .and_then(Value::as_array_mut)
                .ok_or_else(|| format!("`{p}` is neither fixed nor uniform"))?;
            for x in u.iter_mut() {
                *x = Value::Float(number(x).unwrap_or(f64::NAN) + d);
            }
            Ok(())
        }
        NoFocal => {
            at_mut(doc, "clock")?
                .as_table_mut()
                .and_then(|t| t.remove("focal"))
                .ok_or("the scenario has no focal deadline")?;
            for w in who {
                let s = at_mut(doc, &format!("players.{w}.strategy"))?;
                if let Some(d) = s.get_mut("deadline") {
                    if d.as_str() == Some("focal") {
                        *d = Value::String("horizon".into());
                    }
                }
            }
            Ok(())
        }
        BHardliner => {
            let s = at_mut(doc, &format!("players.{}.strategy", who[1]))?;
            // An attrition player made obstinate (Abreu & Gul's committed
            // type): it never gives in.
            if s.get("kind").and_then(Value::as_str) == Some("attrition") {
                // The resolved config lists every default.
                let e = s
                    .get("endurance")
                    .and_then(Value::as_float)
                    .ok_or("attrition strategy without an endurance")?;
                s.as_table_mut()
                    .ok_or("strategy is not a table")?
                    .insert("endurance".into(), Value::Float(e * 1e9));
                return Ok(());
            }
            let mut t = toml::map::Map::new();
            t.insert("kind".into(), Value::String("hardliner".into()));
            t.insert("deadline".into(), Value::String("horizon".into()));
            *s = Value::Table(t);
            Ok(())
        }
        BCredibility(_) | BBacklash(_) | BNoBacklash => {
            let levers = b_levers(doc, who[1]);
            if levers.is_empty() {
                return Err(format!("{} has no levers", who[1]));
            }
            for l in levers {
                match *e {
                    BCredibility(f) => {
                        scale_at(doc, &format!("{l}.credibility"), |c| (c * f).min(1.0))?
                    }
                    BBacklash(f) => scale_at(doc, &format!("{l}.backlash"), |b| (b + f).min(1.0))?,
                    _ => scale_at(doc, &format!("{l}.backlash"), |_| 0.0)?,
                }
            }
            Ok(())
        }
        Held(h) => apply(doc, h, who),
        Reserves(f) => {
            let ex = exposures(doc);
            if ex.is_empty() {
                return Err("no event has an FX exposure".into());
            }
            ex.iter()
                .try_for_each(|(p, _)| scale_at(doc, &format!("{p}.reserves"), |r| r * f))
        }
        StandingCushion(lo) => {
            let cushions: Vec<String> = exposures(doc).into_iter().filter_map(|e| e.1).collect();
            if cushions.is_empty() {
                return Err("no FX exposure has a cushion issue".into());
            }
            cushions
                .iter()
                .try_for_each(|c| scale_at(doc, &format!("issues.{c}.lo"), |_| lo))
        }
    }
}

/// The two scenarios a row compares: its base (None: the scenario itself;
/// else the scenario with the row's held edits) and the changed one (every
/// edit), or why the scenario cannot express the row.
fn row_scenarios(
    doc: &Value,
    row: &Row,
    who: [&str; 2],
) -> Result<(Option<Scenario>, Scenario), String> {
    let held: Vec<&Edit> = row.edits.iter().filter(|e| matches!(e, Held(_))).collect();
    let base = if held.is_empty() {
        None
    } else {
        Some(changed(doc, held, who)?)
    };
    Ok((base, changed(doc, row.edits, who)?))
}

/// The scenario changed by `edits`, or why it cannot be.
fn changed<'a>(
    base: &Value,
    edits: impl IntoIterator<Item = &'a Edit>,
    who: [&str; 2],
) -> Result<Scenario, String> {
    let mut doc = base.clone();
    for e in edits {
        apply(&mut doc, e, who)?;
    }
    config::from_value("(changed)", doc)
        .map(|(_, s)| s)
        .map_err(|e: ConfigError| format!("the change does not validate: {e}"))
}

/// Paired sums of one measure.
#[derive(Debug, Default, Clone, Copy)]
struct Paired {
    n: u64,
    sum: f64,
    sum2: f64,
}

impl Paired {
    fn add(&mut self, d: f64) {
        self.n += 1;
        self.sum += d;
        self.sum2 += d * d;
    }

    fn mean_ci(&self) -> (f64, (f64, f64)) {
        let n = self.n as f64;
        let m = self.sum / n;
        let var = if self.n > 1 {
            ((self.sum2 - n * m * m) / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        let h = 1.96 * (var / n).sqrt();
        (m, (m - h, m + h))
    }
}

/// A measure's value in one run (None where it does not apply).
fn value(m: Measure, scn: &Scenario, focal: Option<u32>, o: &Outcome) -> Option<f64> {
    let deal = o.kind == OutcomeKind::Deal;
    match m {
        DealBeforeFocal => focal.map(|f| (deal && o.end_round < f) as u8 as f64),
        DealNearFocal => focal.map(|f| (deal && o.end_round.abs_diff(f) <= 2) as u8 as f64),
        TermsUtility(side) => deal.then_some(o.deal_utility[side]),
        Issue(name) => {
            let i = scn.issues.iter().position(|is| is.name == name)?;
            deal.then_some(o.terms[i])
        }
    }
}

fn measure_label(m: Measure, who: [&str; 2]) -> String {
    match m {
        DealBeforeFocal => "P(deal before the focal round)".into(),
        DealNearFocal => "P(deal within 2 rounds of the focal round)".into(),
        TermsUtility(s) => format!("{}'s utility of the agreed terms", who[s]),
        Issue(n) => format!("agreed {n}"),
    }
}

/// Runs every row of [`ROWS`] on `base` (`runs` paired runs under `seed`).
/// The suite checks the model from `clock.start`: a `[forecast]` of the
/// scenario is left out (conditioning would pair runs that different
/// facts keep).
pub fn suite(base: &config::Loaded, runs: u64, seed: u64) -> Vec<Check> {
    let mut doc = Value::try_from(&base.raw).unwrap_or(Value::Table(Default::default()));
    let stripped = match doc.as_table_mut().and_then(|t| t.remove("forecast")) {
        Some(_) => config::from_value(&base.file, doc.clone()).ok(),
        None => None,
    };
    let scn = stripped.as_ref().map_or(&base.scenario, |(_, s)| s);
    let who = names(scn);
    let focal = scn.clock.focal.as_ref().map(|f| f.round);
    let mut out = Vec::new();
    for row in ROWS {
        let change = path_of(row.change, who);
        let pair = row_scenarios(&doc, row, who);
        let mut sums = vec![Paired::default(); row.checks.len()];
        if let Ok((held_base, alt)) = &pair {
            let b = held_base.as_ref().unwrap_or(scn);
            paired_runs(b, alt, runs, seed, |x0, x1| {
                for (k, &(m, _)) in row.checks.iter().enumerate() {
                    if let (Some(x), Some(y)) = (value(m, b, focal, x0), value(m, alt, focal, x1)) {
                        sums[k].add(y - x);
                    }
                }
            });
        }
        for (k, &(m, expect)) in row.checks.iter().enumerate() {
            let (effect, ci) = sums[k].mean_ci();
            let skipped = match &pair {
                Err(e) => Some(e.clone()),
                Ok(_) if sums[k].n < 2 => {
                    Some("the measure applies to fewer than 2 paired runs".into())
                }
                Ok(_) => None,
            };
            out.push(Check {
                change: change.clone(),
                measure: measure_label(m, who),
                expect,
                n: sums[k].n,
                effect,
                ci,
                skipped,
            });
        }
    }
    out
}

/// Runs `a` and `b` on the same random numbers, run by run.
fn paired_runs(
    a: &Scenario,
    b: &Scenario,
    runs: u64,
    seed: u64,
    mut f: impl FnMut(&Outcome, &Outcome),
) {
    let (mut wa, mut wb) = (Workspace::new(a), Workspace::new(b));
    let (mut oa, mut ob) = (Outcome::for_scenario(a), Outcome::for_scenario(b));
    for i in 0..runs {
        let c = RunCoord::new(seed, 0, i);
        simulate(a, &mut run_rng(c), &mut wa, &mut oa, &mut ());
        simulate(b, &mut run_rng(c), &mut wb, &mut ob, &mut ());
        f(&oa, &ob);
    }
}

/// The checks as an aligned text table.
pub fn format_table(checks: &[Check]) -> String {
    let mut s = String::from(
        "change | measure | expected | effect [95% CI] | paired runs | result\n---|---|---|---|---|---\n",
    );
    for c in checks {
        let result = match &c.skipped {
            Some(why) => format!("skipped: {why}"),
            None if c.pass() => "pass".into(),
            None => "FAIL".into(),
        };
        s.push_str(&format!(
            "{} | {} | {} | {:.4} [{:.4}, {:.4}] | {} | {}\n",
            c.change,
            c.measure,
            c.expect.label(),
            c.effect,
            c.ci.0,
            c.ci.1,
            c.n,
            result
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in scenario with both players on the `nash` strategy.
    fn nash_scenario() -> config::Loaded {
        config::builtin_with_strategies(["{ kind = \"nash\" }"; 2])
    }

    #[test]
    fn nash_players_move_the_terms_the_way_costs_threats_and_impatience_say() {
        let checks = suite(&nash_scenario(), 1500, 11);
        let must_pass = [
            (
                "korea's delay cost x2",
                "korea's utility of the agreed terms",
            ),
            ("us's delay cost x2", "us's utility of the agreed terms"),
            ("us made a hardliner", "korea's utility of the agreed terms"),
            (
                "us's levers more credible (x1.5), without backlash",
                "korea's utility of the agreed terms",
            ),
            (
                "us's levers' backlash +0.3",
                "korea's utility of the agreed terms",
            ),
            (
                "korea's reservation +0.1",
                "korea's utility of the agreed terms",
            ),
            (
                "korea more impatient (discount ^4)",
                "korea's utility of the agreed terms",
            ),
        ];
        for (change, measure) in must_pass {
            let c = checks
                .iter()
                .find(|c| c.change == change && c.measure == measure)
                .unwrap_or_else(|| panic!("no check {change}: {measure}"));
            assert!(c.pass(), "{change}: {measure}: {:?}", c);
        }
    }

    #[test]
    fn a_change_the_scenario_cannot_express_is_skipped_not_passed() {
        let mut base = config::builtin();
        // Without levers of the second player, the lever rows are skipped.
        let mut doc = Value::try_from(&base.raw).unwrap();
        doc.as_table_mut().unwrap().remove("levers");
        doc.as_table_mut().unwrap().remove("forecast"); // its facts name levers
        let (raw, scn) = config::from_value("nolevers", doc).unwrap();
        base.raw = raw;
        base.scenario = scn;
        let checks = suite(&base, 50, 1);
        let lever = checks
            .iter()
            .find(|c| c.change.contains("levers more credible"))
            .unwrap();
        assert!(lever.skipped.is_some() && !lever.pass());
    }
}
