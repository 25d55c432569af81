//! Properties of every run, over random seeds and random perturbations of the
//! built-in scenario: costs scaled, discount factors, strategies, horizon,
//! reservation ranges, acceptance rules, walk-away, ratification, protocol.

use proptest::prelude::*;
use proptest::test_runner::Config;
use standoff::config;
use standoff::engine::Response;
use standoff::model::Scenario;
use standoff::outcome::{Outcome, OutcomeKind};
use standoff::rng::RunCoord;
use standoff::runner::replay;

/// Runs checked per generated scenario.
const RUNS: u64 = 12;

use standoff::engine::Trace;

/// A strategy table, by kind.
#[derive(Debug, Clone)]
enum Strat {
    Boulware(f64, bool),
    Linear(bool),
    Conceder(f64, bool),
    TitForTat(f64, f64),
    Hardliner(bool),
}

impl Strat {
    fn toml(&self) -> String {
        let dl = |focal: &bool| if *focal { "focal" } else { "horizon" };
        match self {
            Strat::Boulware(e, f) => {
                format!(
                    "{{ kind = \"boulware\", exponent = {e}, deadline = \"{}\" }}",
                    dl(f)
                )
            }
            Strat::Linear(f) => format!("{{ kind = \"linear\", deadline = \"{}\" }}", dl(f)),
            Strat::Conceder(e, f) => {
                format!(
                    "{{ kind = \"conceder\", exponent = {e}, deadline = \"{}\" }}",
                    dl(f)
                )
            }
            Strat::TitForTat(r, s) => {
                format!("{{ kind = \"tit_for_tat\", reciprocity = {r}, step = {s} }}")
            }
            Strat::Hardliner(f) => format!("{{ kind = \"hardliner\", deadline = \"{}\" }}", dl(f)),
        }
    }
}

fn strat() -> impl Strategy<Value = Strat> {
    prop_oneof![
        (0.05f64..0.95, any::<bool>()).prop_map(|(e, f)| Strat::Boulware(e, f)),
        any::<bool>().prop_map(Strat::Linear),
        (1.1f64..6.0, any::<bool>()).prop_map(|(e, f)| Strat::Conceder(e, f)),
        (0.0f64..1.5, 0.0f64..0.1).prop_map(|(r, s)| Strat::TitForTat(r, s)),
        any::<bool>().prop_map(Strat::Hardliner),
    ]
}

/// What one player's perturbation sets.
#[derive(Debug, Clone)]
struct Side {
    discount: f64,
    strategy: Strat,
    reservation: (f64, f64),
    acceptance: &'static str,
    walk_away: bool,
    ratification_base: f64,
}

fn side() -> impl Strategy<Value = Side> {
    (
        0.9f64..=1.0,
        strat(),
        (-0.5f64..0.9, 0.0f64..0.6),
        prop::sample::select(vec!["next_offer_or_no_deal", "no_deal", "next_offer"]),
        any::<bool>(),
        prop_oneof![3 => Just(1.0), 1 => Just(0.0), 2 => 0.0f64..=1.0],
    )
        .prop_map(
            |(discount, strategy, (lo, w), acceptance, walk_away, base)| Side {
                discount,
                strategy,
                reservation: (lo, (lo + w).min(1.0)),
                acceptance,
                walk_away,
                ratification_base: base,
            },
        )
}

/// A perturbation of the built-in scenario.
#[derive(Debug, Clone)]
struct Perturbation {
    cost_scale: f64,
    horizon: u32,
    sides: [Side; 2],
    random_proposer: Option<f64>,
    resolution: u32,
    max_ratifications: u32,
    credibility: Option<f64>,
}

fn perturbation() -> impl Strategy<Value = Perturbation> {
    (
        prop_oneof![Just(0.0), Just(1.0), 0.0f64..5.0],
        1u32..=80,
        [side(), side()],
        prop::option::of(0.0f64..=1.0),
        prop_oneof![Just(100u32), 1u32..=60],
        1u32..=4,
        prop::option::of(0.0f64..=1.0),
    )
        .prop_map(
            |(cost_scale, horizon, sides, random_proposer, resolution, max_r, credibility)| {
                Perturbation {
                    cost_scale,
                    horizon,
                    sides,
                    random_proposer,
                    resolution,
                    max_ratifications: max_r,
                    credibility,
                }
            },
        )
}

fn value(text: &str) -> toml::Value {
    let t: toml::Table = format!("v = {text}")
        .parse()
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    t["v"].clone()
}

fn scale(v: &mut toml::Value, by: f64) {
    if let Some(x) = v.as_float() {
        *v = toml::Value::Float(x * by);
    } else if let Some(x) = v.as_integer() {
        *v = toml::Value::Float(x as f64 * by);
    }
}

/// Scales the numeric keys `keys` of every table in `tables` (a table of tables).
fn scale_each(tables: Option<&mut toml::Value>, keys: &[&str], by: f64) {
    if let Some(toml::Value::Table(t)) = tables {
        for (_, entry) in t.iter_mut() {
            if let toml::Value::Table(e) = entry {
                for k in keys {
                    if let Some(v) = e.get_mut(*k) {
                        scale(v, by);
                    }
                }
            }
        }
    }
}

fn build(p: &Perturbation) -> Scenario {
    let mut doc: toml::Value = config::builtin_model()
        .source
        .parse()
        .expect("the built-in parses");
    let set = |doc: &mut toml::Value, path: &str, v: toml::Value| {
        config::set_path("invariants", doc, path, v).unwrap_or_else(|e| panic!("{e}"));
    };
    let names: Vec<String> = doc["players"]
        .as_table()
        .expect("players")
        .keys()
        .cloned()
        .collect();
    assert_eq!(names.len(), 2);
    let c = p.cost_scale;
    {
        let t = doc.as_table_mut().unwrap();
        scale_each(t.get_mut("players"), &["delay_cost"], c);
        scale_each(
            t.get_mut("levers"),
            &["cost_to_target", "cost_to_owner", "one_off_cost"],
            c,
        );
        if let Some(toml::Value::Table(events)) = t.get_mut("events") {
            for (_, ev) in events.iter_mut() {
                scale_each(ev.get_mut("effects"), &["one_off_cost", "flow_cost"], c);
            }
        }
        if let Some(focal) = t
            .get_mut("clock")
            .and_then(|c| c.get_mut("focal"))
            .and_then(|f| f.get_mut("audience_cost"))
            .and_then(|a| a.as_table_mut())
        {
            focal.iter_mut().for_each(|(_, v)| scale(v, c));
        }
        if let Some(cred) = p.credibility {
            if let Some(toml::Value::Table(levers)) = t.get_mut("levers") {
                for (_, l) in levers.iter_mut() {
                    l.as_table_mut()
                        .unwrap()
                        .insert("credibility".into(), toml::Value::Float(cred));
                }
            }
        }
    }
    for (name, s) in names.iter().zip(&p.sides) {
        let pl = format!("players.{name}");
        set(
            &mut doc,
            &format!("{pl}.discount"),
            toml::Value::Float(s.discount),
        );
        set(
            &mut doc,
            &format!("{pl}.strategy"),
            value(&s.strategy.toml()),
        );
        set(
            &mut doc,
            &format!("{pl}.type.reservation"),
            value(&format!(
                "{{ uniform = [{}, {}] }}",
                s.reservation.0, s.reservation.1
            )),
        );
        set(
            &mut doc,
            &format!("{pl}.acceptance"),
            value(&format!("\"{}\"", s.acceptance)),
        );
        set(
            &mut doc,
            &format!("{pl}.walk_away"),
            toml::Value::Boolean(s.walk_away),
        );
        set(
            &mut doc,
            &format!("{pl}.ratification.base"),
            toml::Value::Float(s.ratification_base),
        );
        let fc = format!("{pl}.ratification.failure_cost");
        let mut v = doc["players"][name.as_str()]["ratification"]["failure_cost"].clone();
        scale(&mut v, c);
        set(&mut doc, &fc, v);
    }
    set(
        &mut doc,
        "clock.horizon",
        toml::Value::Integer(p.horizon as i64),
    );
    set(
        &mut doc,
        "protocol.resolution",
        toml::Value::Integer(p.resolution as i64),
    );
    set(
        &mut doc,
        "protocol.max_ratifications",
        toml::Value::Integer(p.max_ratifications as i64),
    );
    if let Some(rec) = p.random_proposer {
        let proto = doc["protocol"].as_table_mut().unwrap();
        proto.remove("first");
        proto.insert("proposer".into(), value("\"random\""));
        proto.insert("recognition".into(), toml::Value::Float(rec));
    }
    match config::from_value("invariants", doc) {
        Ok((_, s)) => s,
        Err(e) => panic!("{p:?}: {e}"),
    }
}

/// Bitwise equality of outcomes (NaN terms compare equal to themselves).
fn same_outcome(a: &Outcome, b: &Outcome) -> bool {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    a.kind == b.kind
        && a.end_round == b.end_round
        && bits(&a.terms) == bits(&b.terms)
        && bits(&a.utility) == bits(&b.utility)
        && bits(&a.cost) == bits(&b.cost)
        && bits(&a.support) == bits(&b.support)
        && bits(&a.reservation) == bits(&b.reservation)
        && a.lever_uses == b.lever_uses
        && a.event_counts == b.event_counts
        && a.ratifications == b.ratifications
}

fn in01(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

/// Checks one run; returns a description of the first violation.
fn check_run(scn: &Scenario, seed: u64, run: u64) -> Result<(), String> {
    let mut tr = Trace::default();
    let out = replay(scn, RunCoord::new(seed, 0, run), &mut tr);
    let trace = tr.0;
    let h = scn.clock.horizon;
    let fail = |what: String| Err(format!("seed {seed} run {run}: {what}\n{out:?}"));

    // How it ended.
    match out.kind {
        OutcomeKind::NoDeal => {
            if out.end_round != h {
                return fail(format!("no deal ends in round {} of {h}", out.end_round));
            }
            if trace.len() != h as usize {
                return fail(format!("no deal: {} rounds traced of {h}", trace.len()));
            }
        }
        OutcomeKind::Deal | OutcomeKind::Breakdown => {
            if out.end_round >= h {
                return fail(format!("ends in round {} of {h}", out.end_round));
            }
            if trace.len() != out.end_round as usize + 1 {
                return fail(format!("{} rounds traced", trace.len()));
            }
        }
    }
    let last = trace.last().expect("at least one round");
    let terminal = |r: Response| {
        matches!(
            r,
            Response::Accept | Response::WalkAway | Response::RatificationBreakdown
        )
    };
    let want_last = match out.kind {
        OutcomeKind::Deal => matches!(last.response, Response::Accept),
        OutcomeKind::Breakdown => matches!(
            last.response,
            Response::WalkAway | Response::RatificationBreakdown
        ),
        OutcomeKind::NoDeal => !terminal(last.response),
    };
    if !want_last
        || trace[..trace.len() - 1]
            .iter()
            .any(|r| terminal(r.response))
    {
        return fail(format!(
            "responses {:?}",
            trace.iter().map(|r| r.response).collect::<Vec<_>>()
        ));
    }

    // Terms.
    for (i, (v, is)) in out.terms.iter().zip(&scn.issues).enumerate() {
        let ok = match out.kind {
            OutcomeKind::Deal => v.is_finite() && is.lo <= *v && *v <= is.hi,
            _ => v.is_nan(),
        };
        if !ok {
            return fail(format!(
                "term {} = {v} (range {}..{})",
                is.name, is.lo, is.hi
            ));
        }
        if out.kind == OutcomeKind::Deal
            && v.to_bits()
                != is
                    .grid_value(last.offer[i], scn.protocol.resolution)
                    .to_bits()
        {
            return fail(format!("term {} is not the accepted offer", is.name));
        }
    }

    // Finite values, signs and ranges.
    for s in 0..2 {
        if !(out.utility[s].is_finite()
            && out.cost[s].is_finite()
            && out.reservation[s].is_finite())
        {
            return fail(format!("side {s}: a value is not finite"));
        }
        if out.cost[s] < 0.0 {
            return fail(format!("side {s}: negative cost"));
        }
        if !in01(out.support[s]) {
            return fail(format!("side {s}: support {}", out.support[s]));
        }
        if out.cost[s].to_bits() != last.cost[s].to_bits()
            || out.support[s].to_bits() != last.support[s].to_bits()
        {
            return fail(format!("side {s}: outcome differs from the last round"));
        }
    }

    // Counts.
    for (li, lv) in scn.levers.iter().enumerate() {
        let traced = trace.iter().filter(|r| r.levers_used.contains(&li)).count();
        if out.lever_uses[li] > lv.max_uses || traced != out.lever_uses[li] as usize {
            return fail(format!(
                "lever {}: {} uses, {traced} traced, max {}",
                lv.name, out.lever_uses[li], lv.max_uses
            ));
        }
    }
    for (ei, ev) in scn.events.iter().enumerate() {
        let traced = trace.iter().filter(|r| r.events.contains(&ei)).count();
        if out.event_counts[ei] > ev.max_occurrences || traced != out.event_counts[ei] as usize {
            return fail(format!(
                "event {}: {} firings, {traced} traced, max {}",
                ev.name, out.event_counts[ei], ev.max_occurrences
            ));
        }
    }
    let attempts = trace
        .iter()
        .filter(|r| !matches!(r.response, Response::Reject | Response::WalkAway))
        .count();
    if out.ratifications as usize != attempts || out.ratifications > scn.protocol.max_ratifications
    {
        return fail(format!(
            "{} ratifications, {attempts} traced",
            out.ratifications
        ));
    }
    if out.kind == OutcomeKind::Deal && out.ratifications < 1 {
        return fail("a deal without ratification".into());
    }

    // Every round.
    let mut prev_cost = [0.0f64; 2];
    for (k, r) in trace.iter().enumerate() {
        if r.round as usize != k || r.proposer > 1 {
            return fail(format!(
                "round {k} is numbered {} (proposer {})",
                r.round, r.proposer
            ));
        }
        if r.offer.len() != scn.issues.len() || !r.offer.iter().all(|&x| in01(x)) {
            return fail(format!("round {k}: offer {:?}", r.offer));
        }
        for (s, prev) in prev_cost.iter_mut().enumerate() {
            // The utility recorded is the scenario's utility of the offer:
            // in [0, 1], or at most 1 for a side that prices its exposure
            // (an expected cost can take it below 0).
            let u = r.offer_utility[s];
            let lo = if scn.players[s].exposure.is_some() {
                f64::NEG_INFINITY
            } else {
                -1e-9
            };
            if !(lo..=1.0 + 1e-9).contains(&u) || (u - scn.deal_utility(s, &r.offer)).abs() > 1e-9 {
                return fail(format!("round {k}: offer utility {u}"));
            }
            if !in01(r.support[s]) {
                return fail(format!("round {k}: support {}", r.support[s]));
            }
            if !r.cost[s].is_finite() || r.cost[s] < *prev || !r.no_deal[s].is_finite() {
                return fail(format!(
                    "round {k}: cost {} after {prev}, no deal {}",
                    r.cost[s], r.no_deal[s]
                ));
            }
            *prev = r.cost[s];
        }
        if r.levers_used.iter().any(|&i| i >= scn.levers.len())
            || r.events.iter().any(|&i| i >= scn.events.len())
        {
            return fail(format!("round {k}: unknown lever or event"));
        }
    }

    // Payoffs (docs/model.md): the discounted value of the terms, or of the
    // no-deal value in the last round, minus costs.
    for s in 0..2 {
        let p = &scn.players[s];
        let value = match out.kind {
            OutcomeKind::Deal => last.offer_utility[s],
            _ => last.no_deal[s],
        };
        let pow = p.discount.powi(out.end_round as i32);
        let want = pow * value - out.cost[s] / p.bn_per_util;
        let near = |w: f64| (out.utility[s] - w).abs() <= 1e-9 * (1.0 + w.abs());
        if !near(want) {
            return fail(format!(
                "side {s}: payoff {} vs {want} (last response {:?})",
                out.utility[s], last.response
            ));
        }
    }

    // Reproducible, and the observer changes nothing.
    let mut again = Trace::default();
    let out2 = replay(scn, RunCoord::new(seed, 0, run), &mut again);
    let out3 = replay(scn, RunCoord::new(seed, 0, run), &mut ());
    if !same_outcome(&out, &out2) || !same_outcome(&out, &out3) {
        return fail(format!("replays differ:\n{out2:?}\n{out3:?}"));
    }
    if format!("{:?}", again.0) != format!("{trace:?}") {
        return fail("replayed traces differ".into());
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn every_run_of_a_perturbed_builtin_scenario_keeps_the_invariants(
        p in perturbation(),
        seed in any::<u64>(),
    ) {
        let scn = build(&p);
        prop_assert_eq!(scn.clock.horizon, p.horizon);
        for run in 0..RUNS {
            if let Err(e) = check_run(&scn, seed, run) {
                return Err(TestCaseError::fail(format!("{e}\n{p:?}")));
            }
        }
    }
}

#[test]
fn the_unperturbed_builtin_scenario_keeps_the_invariants() {
    let scn = config::builtin_model().scenario;
    for run in 0..200 {
        if let Err(e) = check_run(&scn, 7, run) {
            panic!("{e}");
        }
    }
}

// ---------------------------------------------------------------------------
// Regression tests for engine behaviour found wrong once.

/// Terms are `lo + x (hi − lo)`, which can overshoot `hi` by an ulp when
/// `x = 1` (e.g. lo = −0.1, hi = 0.2 gives 0.20000000000000004).
#[test]
fn a_deal_at_the_top_of_a_range_reports_exactly_the_top() {
    // Both prefer high values of `bonus`: it sits at x = 1 in every offer.
    let text = r#"
version = 1
name = "top"
[clock]
start = "2025-01-01"
horizon = 10
[players.s]
bn_per_util = 1.0
strategy = { kind = "linear" }
[players.b]
bn_per_util = 1.0
strategy = { kind = "linear" }
[issues.price]
lo = 0.0
hi = 100.0
s = { weight = 1.0, prefers = "high" }
b = { weight = 1.0, prefers = "low" }
[issues.bonus]
lo = -0.1
hi = 0.2
s = { weight = 1.0, prefers = "high" }
b = { weight = 1.0, prefers = "high" }
"#;
    let scn = config::load_str("top", text).expect("valid").scenario;
    let out = replay(&scn, RunCoord::new(1, 0, 0), &mut ());
    assert_eq!(out.kind, OutcomeKind::Deal);
    assert!(out.terms[1] <= 0.2, "bonus = {} > hi = 0.2", out.terms[1]);
}

/// docs/model.md: "breakdown in round t: δ^t · N_p(t) − C_p(t) / bn_per_util".
/// The engine adds the `failure_hardening` of a ratification that failed in
/// round t to N_p(t), so the side whose legislature rejects the deal gains
/// its hardening in utility (here +0.5) when the talks end on that failure.
#[test]
fn breaking_down_on_a_failed_ratification_pays_the_no_deal_value_of_that_round() {
    let text = |hardening: f64| {
        format!(
            r#"
version = 1
name = "hardening"
[clock]
start = "2025-01-01"
horizon = 10
[protocol]
max_ratifications = 1
[players.s]
bn_per_util = 1.0
strategy = {{ kind = "linear" }}
[players.s.ratification]
base = 0.0
failure_hardening = {hardening}
[players.b]
bn_per_util = 1.0
strategy = {{ kind = "linear" }}
[issues.price]
lo = 0.0
hi = 100.0
s = {{ weight = 1.0, prefers = "high" }}
b = {{ weight = 1.0, prefers = "low" }}
"#
        )
    };
    let soft = config::load_str("soft", &text(0.0))
        .expect("valid")
        .scenario;
    let hard = config::load_str("hard", &text(0.5))
        .expect("valid")
        .scenario;
    let mut tr = Trace::default();
    let x = replay(&hard, RunCoord::new(1, 0, 0), &mut tr);
    let y = replay(&soft, RunCoord::new(1, 0, 0), &mut ());
    assert_eq!(x.kind, OutcomeKind::Breakdown);
    assert_eq!((x.end_round, x.cost), (y.end_round, y.cost), "the same run");
    let last = tr.0.last().expect("a round");
    assert_eq!(last.response, Response::RatificationBreakdown);
    // Neither discounting nor costs: the payoff is the traced no-deal value.
    assert_eq!(
        x.utility[0], last.no_deal[0],
        "payoff {} with hardening, {} without",
        x.utility[0], y.utility[0]
    );
}

#[test]
fn a_fixed_issue_takes_its_value_in_every_deal_and_changes_nothing_else() {
    use standoff::engine::{simulate, Workspace};
    use standoff::rng::run_rng;
    let base = config::builtin_model();
    let text = format!(
        "{}\n[issues.extra]\nunit = \"percent\"\nfixed = 7.5\n",
        base.source
    );
    let with = config::load_str("fixed.toml", &text).unwrap().scenario;
    let scn = &base.scenario;
    assert_eq!(with.issues.len(), scn.issues.len() + 1);
    let (mut wa, mut wb) = (Workspace::new(scn), Workspace::new(&with));
    let (mut a, mut b) = (Outcome::for_scenario(scn), Outcome::for_scenario(&with));
    let mut deals = 0;
    for i in 0..300 {
        let c = RunCoord::new(9, 0, i);
        simulate(scn, &mut run_rng(c), &mut wa, &mut a, &mut ());
        simulate(&with, &mut run_rng(c), &mut wb, &mut b, &mut ());
        assert_eq!(
            (a.kind, a.end_round, a.utility),
            (b.kind, b.end_round, b.utility)
        );
        if a.kind == OutcomeKind::Deal {
            deals += 1;
            assert_eq!(&b.terms[..a.terms.len()], &a.terms[..]);
            assert_eq!(b.terms[a.terms.len()], 7.5);
        }
    }
    assert!(deals > 100, "{deals} deals");
}

#[test]
fn an_issue_with_its_own_steps_takes_only_its_levels_on_every_path() {
    // The built-in scenario's project selection has three levels.
    let scn = config::builtin_model().scenario;
    let i = scn
        .issues
        .iter()
        .position(|is| is.name == "project_selection")
        .unwrap();
    assert_eq!(scn.issues[i].steps, Some(2));
    for path in &scn.paths {
        for k in 0..path.len() {
            let x = path.point(k)[i];
            assert!([0.0, 0.5, 1.0].contains(&x), "point {k}: {x}");
        }
        // The other issues still move on the protocol's grid of 100 steps.
        let cash = scn
            .issues
            .iter()
            .position(|is| is.name == "cash_share")
            .unwrap();
        let levels: std::collections::BTreeSet<u64> = (0..path.len())
            .map(|k| path.point(k)[cash].to_bits())
            .collect();
        assert!(levels.len() > 50, "{} cash levels", levels.len());
    }
}
