//! Each lever and event in isolation, for the direction of its effect.
//!
//! A small base scenario (two players, three issues with logrolling
//! potential, time-dependent strategies, 30 rounds of one day each with a
//! focal deadline, neutral politics) is run with and without one lever or
//! event over the same runs. Common random numbers: the "without" variant
//! keeps the lever or event in the file, switched off (`enabled = false`,
//! `probability = 0`, ...), so that both variants draw the same uniforms in
//! the same order and differ only by the effect under test.

use standoff::config;
use standoff::date::Date;
use standoff::engine::Response;
use standoff::model::Scenario;
use standoff::outcome::{Outcome, OutcomeKind};
use standoff::rng::RunCoord;
use standoff::runner::replay;

const SEED: u64 = 20_251_027;
const RUNS: u64 = 300;
const A: usize = 0;
const B: usize = 1;

/// Rounds are days, so that round r is the date `START + r`.
const START: &str = "2025-01-01";
const HORIZON: u32 = 30;
/// The focal deadline's round.
const FOCAL: u32 = 16;

const BASE: &str = r#"
version = 1
name = "levers_events_base"

[clock]
start = "2025-01-01"
days_per_round = 1
horizon = 30

[clock.focal]
name = "summit"
date = "2025-01-17"

[protocol]
proposer = "alternate"
first = "a"
resolution = 50
max_ratifications = 3

[players.a]
bn_per_util = 10.0
discount = 0.999
delay_cost = 0.1
pressure_horizon = 5.0
acceptance = "next_offer_or_no_deal"
walk_away = false
strategy = { kind = "boulware", exponent = 0.5, deadline = "horizon" }

[players.a.type]
reservation = { uniform = [0.2, 0.45] }
delay_cost_factor = { uniform = [0.8, 1.2] }
resolve = { uniform = [0.8, 1.25] }

[players.a.politics]
initial_support = 0.5
pain = 0.0
concession = 0.0
firmness = 0.0

[players.a.ratification]
base = 1.0

[players.b]
bn_per_util = 10.0
discount = 0.999
delay_cost = 0.1
pressure_horizon = 5.0
acceptance = "next_offer_or_no_deal"
walk_away = false
strategy = { kind = "linear", deadline = "horizon" }

[players.b.type]
reservation = { uniform = [0.2, 0.45] }
delay_cost_factor = { uniform = [0.8, 1.2] }
resolve = { uniform = [0.8, 1.25] }

[players.b.politics]
initial_support = 0.5
pain = 0.0
concession = 0.0
firmness = 0.0

[players.b.ratification]
base = 1.0

[issues.x]
lo = 0.0
hi = 100.0
a = { weight = 0.6, prefers = "high" }
b = { weight = 0.2, prefers = "low" }

[issues.y]
lo = 0.0
hi = 100.0
a = { weight = 0.2, prefers = "low" }
b = { weight = 0.6, prefers = "high" }

[issues.z]
lo = 0.0
hi = 100.0
a = { weight = 0.2, prefers = "high", exponent = 0.7 }
b = { weight = 0.2, prefers = "low" }
"#;

/// The date of round `r`.
fn date(r: u32) -> String {
    Date::parse(START)
        .expect("start date")
        .plus_days(r as i64)
        .to_string()
}

/// The base scenario plus `extra` (TOML tables), with the dotted keys in
/// `set` overridden.
fn scenario_with(extra: &str, set: &[(&str, toml::Value)]) -> Scenario {
    let text = format!("{BASE}\n{extra}");
    let mut doc: toml::Value = text.parse().unwrap_or_else(|e| panic!("{e}\n{text}"));
    for (path, v) in set {
        config::set_path("test", &mut doc, path, v.clone()).unwrap_or_else(|e| panic!("{e}"));
    }
    match config::from_value("test", doc) {
        Ok((_, s)) => s,
        Err(e) => panic!("{e}\n{text}"),
    }
}

fn scenario(extra: &str) -> Scenario {
    scenario_with(extra, &[])
}

use standoff::engine::{Round, Trace};

/// One run: its outcome and its trace.
struct Run {
    out: Outcome,
    trace: Vec<Round>,
}

impl Run {
    fn deal(&self) -> bool {
        self.out.kind == OutcomeKind::Deal
    }
    /// The deal's utility to `side` (undiscounted), if a deal.
    fn deal_utility(&self, side: usize) -> Option<f64> {
        self.deal()
            .then(|| self.trace.last().expect("a round").offer_utility[side])
    }
    fn at(&self, t: u32) -> Option<&Round> {
        self.trace.get(t as usize)
    }
    /// Rounds in which lever `li` was carried out.
    fn lever_rounds(&self, li: usize) -> Vec<u32> {
        self.trace
            .iter()
            .filter(|r| r.levers_used.contains(&li))
            .map(|r| r.round)
            .collect()
    }
    /// Rounds in which event `ei` fired.
    fn event_rounds(&self, ei: usize) -> Vec<u32> {
        self.trace
            .iter()
            .filter(|r| r.events.contains(&ei))
            .map(|r| r.round)
            .collect()
    }
}

fn runs_n(scn: &Scenario, n: u64) -> Vec<Run> {
    (0..n)
        .map(|i| {
            let mut tr = Trace::default();
            let out = replay(scn, RunCoord::new(SEED, 0, i), &mut tr);
            for (k, r) in tr.0.iter().enumerate() {
                assert_eq!(r.round as usize, k);
            }
            Run { out, trace: tr.0 }
        })
        .collect()
}

fn runs(scn: &Scenario) -> Vec<Run> {
    runs_n(scn, RUNS)
}

fn mean(v: impl IntoIterator<Item = f64>) -> f64 {
    let (s, n) = v
        .into_iter()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    assert!(n > 0, "mean of nothing");
    s / n as f64
}

// ---------------------------------------------------------------------------
// Helpers for paired comparisons.

/// `snippet` with `ENABLED` set to true and to false: the scenario with the
/// lever or event, and the base that keeps it switched off (same draws).
fn on_off(snippet: &str) -> (Scenario, Scenario) {
    (
        scenario(&snippet.replace("ENABLED", "true")),
        scenario(&snippet.replace("ENABLED", "false")),
    )
}

/// A lever table owned by `owner`, whose `enabled` is the placeholder `ENABLED`.
fn lever(name: &str, owner: &str, keys: &str) -> String {
    format!("[levers.{name}]\nowner = \"{owner}\"\nenabled = ENABLED\n{keys}\n")
}

/// The `at_date` policy for round `r`.
fn at_round(r: u32) -> String {
    format!("policy = {{ kind = \"at_date\", date = \"{}\" }}", date(r))
}

/// The same round of two runs, for rounds `from..` reached by both.
fn common_rounds<'a>(
    on: &'a Run,
    off: &'a Run,
    from: u32,
) -> impl Iterator<Item = (&'a Round, &'a Round)> + 'a {
    on.trace
        .iter()
        .zip(&off.trace)
        .filter(move |(r, _)| r.round >= from)
}

/// Over all runs and rounds `from..` reached by both variants in which `side`
/// proposes: the mean of (with − without) of `side`'s utility of its own offer,
/// and the number of such rounds.
fn own_offer_shift(on: &[Run], off: &[Run], side: usize, from: u32) -> (f64, usize) {
    let d: Vec<f64> = on
        .iter()
        .zip(off)
        .flat_map(|(x, y)| common_rounds(x, y, from))
        .filter(|(r, _)| r.proposer == side)
        .map(|(r, s)| {
            assert_eq!(r.proposer, s.proposer, "alternating proposers");
            r.offer_utility[side] - s.offer_utility[side]
        })
        .collect();
    let n = d.len();
    (mean(d), n)
}

/// Mean deal utility (undiscounted) of `side` over the runs that ended in a deal.
fn mean_deal_utility(runs: &[Run], side: usize) -> f64 {
    mean(runs.iter().filter_map(|r| r.deal_utility(side)))
}

fn mean_end_round(runs: &[Run]) -> f64 {
    mean(runs.iter().map(|r| r.out.end_round as f64))
}

/// Cost borne by `side` in round `t` alone (from the cumulative costs).
fn round_cost(run: &Run, side: usize, t: u32) -> f64 {
    let now = run.at(t).expect("round reached").cost[side];
    let before = if t == 0 {
        0.0
    } else {
        run.at(t - 1).expect("round reached").cost[side]
    };
    now - before
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Round in which levers are pulled and events fire in most tests; no run
/// ends before it.
const USE: u32 = 3;

#[test]
fn the_base_scenario_is_not_degenerate() {
    let base = runs(&scenario(""));
    let deals = base.iter().filter(|r| r.deal()).count();
    assert_eq!(deals, base.len(), "every base run ends in a deal");
    let first = base.iter().map(|r| r.out.end_round).min().unwrap();
    let last = base.iter().map(|r| r.out.end_round).max().unwrap();
    assert!(
        first > USE + 4,
        "deals come well after round {USE}: {first}"
    );
    assert!(
        first < FOCAL && last >= FOCAL,
        "deals on both sides of the focal round: {first}..{last}"
    );
    assert!(last < HORIZON - 4, "deals well before the horizon: {last}");
}

// ---------------------------------------------------------------------------
// Levers.

#[test]
fn a_visa_review_with_backlash_raises_the_targets_support_and_slows_its_concessions() {
    let snippet = lever(
        "visa_review",
        "b",
        &format!(
            "cost_to_target = 0.05\ncost_to_owner = 0.02\ncredibility = 1.0\nbacklash = 0.4\n{}",
            at_round(USE)
        ),
    );
    let (with, without) = on_off(&snippet);
    let (on, off) = (runs(&with), runs(&without));
    for (x, y) in on.iter().zip(&off) {
        assert_eq!(x.lever_rounds(0), vec![USE]);
        assert!(y.lever_rounds(0).is_empty());
        for (r, s) in common_rounds(x, y, USE) {
            // Neutral politics: support moves only by backlash, 0.4 × (1 − 0.5).
            assert!(
                r.support[A] - s.support[A] > 0.19,
                "round {}: support {} vs {}",
                r.round,
                r.support[A],
                s.support[A]
            );
        }
    }
    let (shift, n) = own_offer_shift(&on, &off, A, USE + 1);
    eprintln!("visa: a keeps {shift:+.4} more of its own offers over {n} rounds");
    assert!(n > 1000);
    assert!(
        shift > 0.02,
        "the target's own offers keep {shift:+.4} more for itself"
    );
}

#[test]
fn sector_tariffs_raise_the_targets_cost_lower_its_no_deal_value_and_favour_the_owner() {
    let snippet = lever(
        "sector_tariffs",
        "b",
        &format!("cost_to_target = 0.3\ncredibility = 1.0\n{}", at_round(USE)),
    );
    let (with, without) = on_off(&snippet);
    let (on, off) = (runs(&with), runs(&without));
    for (x, y) in on.iter().zip(&off) {
        for (r, s) in common_rounds(x, y, 0) {
            let active = (r.round + 1).saturating_sub(USE) as f64;
            assert!(close(r.cost[A] - s.cost[A], 0.3 * active), "{r:?} vs {s:?}");
            assert!(close(r.cost[B], s.cost[B]), "the owner pays nothing");
            // pressure_horizon 5 × 0.3 / bn_per_util 10.
            let drop = if r.round >= USE { 0.15 } else { 0.0 };
            assert!(close(s.no_deal[A] - r.no_deal[A], drop), "{r:?} vs {s:?}");
        }
    }
    let gain_b = mean_deal_utility(&on, B) - mean_deal_utility(&off, B);
    let sooner = mean_end_round(&off) - mean_end_round(&on);
    eprintln!("tariffs: owner's deal utility {gain_b:+.4}, deal {sooner:+.3} rounds sooner");
    assert!(
        gain_b > 0.02,
        "the owner's mean deal utility rises by {gain_b:+.4}"
    );
    assert!(
        sooner >= 0.0,
        "agreement is not later: {sooner:+.3} rounds sooner"
    );
}

#[test]
fn an_investment_freeze_costs_its_owner_too() {
    let snippet = lever(
        "investment_freeze",
        "b",
        &format!(
            "cost_to_target = 0.1\ncost_to_owner = 0.05\ncredibility = 1.0\n{}",
            at_round(USE)
        ),
    );
    let (with, without) = on_off(&snippet);
    let (on, off) = (runs(&with), runs(&without));
    let mut checked = 0;
    for (x, y) in on.iter().zip(&off) {
        for (r, s) in common_rounds(x, y, 0) {
            let active = (r.round + 1).saturating_sub(USE) as f64;
            assert!(
                close(r.cost[B] - s.cost[B], 0.05 * active),
                "{r:?} vs {s:?}"
            );
            assert!(close(r.cost[A] - s.cost[A], 0.1 * active), "{r:?} vs {s:?}");
            let drop = if r.round >= USE {
                5.0 * 0.05 / 10.0
            } else {
                0.0
            };
            assert!(close(s.no_deal[B] - r.no_deal[B], drop), "{r:?} vs {s:?}");
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

#[test]
fn a_sweetener_makes_the_target_concede_faster_and_the_owner_gains() {
    let snippet = lever(
        "shipbuilding_sweetener",
        "a",
        &format!("softening = 0.5\ncredibility = 1.0\n{}", at_round(USE)),
    );
    let (with, without) = on_off(&snippet);
    let (on, off) = (runs(&with), runs(&without));
    let (shift, n) = own_offer_shift(&on, &off, B, USE + 1);
    let gain_a = mean(
        on.iter()
            .zip(&off)
            .map(|(x, y)| x.out.utility[A] - y.out.utility[A]),
    );
    let sooner = mean_end_round(&off) - mean_end_round(&on);
    eprintln!("sweetener: b keeps {shift:+.4} of its offers ({n}); a's payoff {gain_a:+.4}; {sooner:+.3} rounds sooner");
    assert!(n > 1000);
    assert!(
        shift < -0.03,
        "the target's own offers keep {shift:+.4} for itself"
    );
    assert!(
        gain_a > 0.01,
        "the owner's mean payoff changes by {gain_a:+.4}"
    );
    assert!(sooner > 0.5, "the deal comes {sooner:+.3} rounds sooner");
}

#[test]
fn owner_resolve_slows_the_owners_own_concessions() {
    let snippet = lever(
        "swap_line_demand",
        "a",
        &format!("owner_resolve = 0.5\ncredibility = 1.0\n{}", at_round(USE)),
    );
    let (with, without) = on_off(&snippet);
    let (on, off) = (runs(&with), runs(&without));
    let (own, n) = own_offer_shift(&on, &off, A, USE + 1);
    let (target, _) = own_offer_shift(&on, &off, B, USE + 1);
    eprintln!("owner_resolve: a keeps {own:+.4} ({n}); b keeps {target:+.4}");
    assert!(n > 1000);
    assert!(
        own > 0.02,
        "the owner's own offers keep {own:+.4} more for itself"
    );
    // The target's clock and floor are untouched: its offers are the same.
    assert!(
        target.abs() < 1e-12,
        "the target's offers moved by {target:+.4}"
    );
}

#[test]
fn a_lever_hazard_raises_the_firing_rate_of_lever_sensitive_events_only_while_active() {
    const DURATION: u32 = 8;
    let snippet = format!(
        "{}\n{}",
        lever(
            "rating_squeeze",
            "b",
            &format!(
                "cost_to_target = 0.1\nhazard = 0.2\nduration = {DURATION}\ncredibility = 1.0\n{}",
                at_round(USE)
            ),
        ),
        r#"
[events.fx_shock]
max_occurrences = 1000
trigger = { kind = "hazard", base = 0.01, lever_sensitivity = 1.0 }

[events.unrelated]
max_occurrences = 1000
trigger = { kind = "hazard", base = 0.01, lever_sensitivity = 0.0 }
"#
    );
    let (with, without) = on_off(&snippet);
    let (on, off) = (runs(&with), runs(&without));
    // The lever is pulled in round USE (after that round's events) and is
    // active for DURATION rounds: it weighs on the events of the next DURATION rounds.
    let window = USE + 1..=USE + DURATION;
    let (mut fired_on, mut fired_off, mut exposed) = (0, 0, 0);
    for (x, y) in on.iter().zip(&off) {
        assert_eq!(x.lever_rounds(0), vec![USE]);
        for (r, s) in common_rounds(x, y, 0) {
            let (fx_on, fx_off) = (r.events.contains(&0), s.events.contains(&0));
            assert_eq!(
                r.events.contains(&1),
                s.events.contains(&1),
                "insensitive event"
            );
            if window.contains(&r.round) {
                // Same uniform, higher hazard: it fires whenever it fired without the lever.
                assert!(fx_on || !fx_off, "{r:?} vs {s:?}");
                fired_on += fx_on as u32;
                fired_off += fx_off as u32;
                exposed += 1;
            } else {
                assert_eq!(fx_on, fx_off, "{r:?} vs {s:?}");
            }
        }
    }
    let (rate_on, rate_off) = (
        fired_on as f64 / exposed as f64,
        fired_off as f64 / exposed as f64,
    );
    eprintln!("hazard: {rate_on:.4} vs {rate_off:.4} over {exposed} rounds");
    assert!(exposed > 1000);
    assert!(
        (rate_on - 0.21).abs() < 0.03,
        "rate with the lever {rate_on:.4}"
    );
    assert!(rate_off < 0.03, "rate without the lever {rate_off:.4}");
}

#[test]
fn the_share_of_runs_using_a_lever_rises_with_its_credibility() {
    let share = |cred: f64| -> (f64, Vec<bool>) {
        let snippet = lever(
            "threat",
            "b",
            &format!(
                "cost_to_target = 0.1\ncredibility = {cred}\n{}",
                at_round(USE)
            ),
        );
        let (with, _) = on_off(&snippet);
        // More runs here: shares are compared with the credibilities themselves.
        let used: Vec<bool> = runs_n(&with, 1000)
            .iter()
            .map(|r| {
                let rounds = r.lever_rounds(0);
                assert!(rounds.is_empty() || rounds == [USE], "{rounds:?}");
                assert_eq!(r.out.lever_uses[0] as usize, rounds.len());
                !rounds.is_empty()
            })
            .collect();
        let s = used.iter().filter(|&&u| u).count() as f64 / used.len() as f64;
        (s, used)
    };
    let (s0, _) = share(0.0);
    let (s2, u2) = share(0.2);
    let (s8, u8) = share(0.8);
    let (s1, _) = share(1.0);
    eprintln!("credibility shares: {s0} {s2:.3} {s8:.3} {s1}");
    assert_eq!(s0, 0.0, "credibility 0: never used");
    assert_eq!(s1, 1.0, "credibility 1: used whenever the policy triggers");
    assert!(
        (s2 - 0.2).abs() < 0.06 && (s8 - 0.8).abs() < 0.06,
        "{s2} {s8}"
    );
    assert!(s8 - s2 > 0.45);
    // Same draw, higher credibility: used whenever it was used at 0.2.
    assert!(u2.iter().zip(&u8).all(|(&a, &b)| b || !a));
}

#[test]
fn a_lever_is_never_used_more_than_max_uses_and_uses_are_spaced_by_its_duration() {
    for (max_uses, duration) in [(1, 2), (3, 2), (5, 4)] {
        let snippet = lever(
            "delay",
            "a",
            &format!(
                "cost_to_target = 0.02\nowner_resolve = 0.3\nduration = {duration}\nmax_uses = {max_uses}\n\
                 policy = {{ kind = \"stalled\", rounds = 1 }}"
            ),
        );
        let (with, _) = on_off(&snippet);
        let all = runs(&with);
        let mut reached = 0;
        for r in &all {
            let rounds = r.lever_rounds(0);
            assert_eq!(r.out.lever_uses[0] as usize, rounds.len());
            assert!(rounds.len() <= max_uses as usize, "{rounds:?} > {max_uses}");
            assert!(
                rounds.windows(2).all(|w| w[1] - w[0] >= duration),
                "{rounds:?}"
            );
            reached += (rounds.len() == max_uses as usize) as u32;
        }
        eprintln!("max_uses {max_uses}: reached in {reached} runs");
        assert!(
            reached as u64 > RUNS / 2,
            "max_uses {max_uses} reached in {reached} runs"
        );
    }
}

#[test]
fn a_lever_costs_its_target_for_exactly_duration_rounds() {
    const DURATION: u32 = 5;
    let snippet = lever(
        "visa_review",
        "b",
        &format!(
            "cost_to_target = 0.3\ncredibility = 1.0\nduration = {DURATION}\n{}",
            at_round(USE)
        ),
    );
    let (with, without) = on_off(&snippet);
    let (on, off) = (runs(&with), runs(&without));
    for (x, y) in on.iter().zip(&off) {
        for (r, _) in common_rounds(x, y, 1) {
            let t = r.round;
            let extra = round_cost(x, A, t) - round_cost(y, A, t);
            let want = if (USE..USE + DURATION).contains(&t) {
                0.3
            } else {
                0.0
            };
            assert!(close(extra, want), "round {t}: {extra} vs {want}");
        }
    }
}

#[test]
fn a_decaying_lever_cost_shrinks_geometrically_and_adds_less_than_a_steady_one() {
    let make = |decay: f64| {
        lever(
            "visa_review",
            "b",
            &format!(
                "cost_to_target = 0.3\ncredibility = 1.0\ndecay = {decay}\n{}",
                at_round(USE)
            ),
        )
    };
    let (decaying, without) = on_off(&make(0.2));
    let (steady, _) = on_off(&make(0.0));
    let (dec, off, st) = (runs(&decaying), runs(&without), runs(&steady));
    let mut compared = 0;
    for ((x, y), z) in dec.iter().zip(&off).zip(&st) {
        for (r, _) in common_rounds(x, y, USE) {
            let t = r.round;
            let extra = round_cost(x, A, t) - round_cost(y, A, t);
            let want = 0.3 * 0.8f64.powi((t - USE) as i32);
            assert!(close(extra, want), "round {t}: {extra} vs {want}");
        }
        // Over the rounds all three reach, the decaying lever cost less.
        let last = x.out.end_round.min(z.out.end_round);
        if last > USE {
            let c = |run: &Run| run.at(last).unwrap().cost[A];
            assert!(c(x) < c(z) - 0.1, "decaying {} vs steady {}", c(x), c(z));
            compared += 1;
        }
    }
    assert!(compared as u64 > RUNS / 2);
}

/// A TOML value written inline, e.g. `{ kind = "hardliner" }`.
fn val(text: &str) -> toml::Value {
    let t: toml::Table = format!("v = {text}").parse().expect("a TOML value");
    t["v"].clone()
}

#[test]
fn a_stalled_policy_fires_against_a_hardliner_but_not_against_a_conceding_opponent() {
    const ROUNDS: u32 = 4;
    let snippet = lever(
        "sector_tariffs",
        "b",
        &format!("cost_to_target = 0.1\npolicy = {{ kind = \"stalled\", rounds = {ROUNDS} }}"),
    );
    let on = snippet.replace("ENABLED", "true");
    let hard = scenario_with(
        &on,
        &[("players.a.strategy", val(r#"{ kind = "hardliner" }"#))],
    );
    for r in runs(&hard) {
        // b counts every round without progress, its own proposals included:
        // a's first offer is progress (round 0), rounds 1..=ROUNDS are not.
        assert_eq!(r.lever_rounds(0), vec![ROUNDS + 1]);
    }
    let conceding = runs(&scenario(&on));
    let used = conceding.iter().filter(|r| r.out.lever_uses[0] > 0).count();
    eprintln!("stalled vs boulware: used in {used} runs");
    assert_eq!(used, 0, "a's offers improve every other round");
}

#[test]
fn an_at_date_lever_is_used_on_its_round_and_not_before_its_from_date() {
    let keys = format!("cost_to_target = 0.1\n{}", at_round(7));
    let (with, _) = on_off(&lever("visa_review", "b", &keys));
    for r in runs(&with) {
        assert_eq!(r.lever_rounds(0), vec![7]);
    }
    let late = format!("{keys}\nfrom_date = \"{}\"", date(9));
    let (with, _) = on_off(&lever("visa_review", "b", &late));
    for r in runs(&with) {
        assert!(r.lever_rounds(0).is_empty());
    }
}

#[test]
fn a_before_deadline_lever_is_used_only_in_the_rounds_just_before_the_focal_deadline() {
    let snippet = lever(
        "investment_freeze",
        "b",
        "cost_to_target = 0.1\nduration = 1\nmax_uses = 10\npolicy = { kind = \"before_deadline\", rounds = 2 }",
    );
    let (with, _) = on_off(&snippet);
    let (mut before, mut after) = (0, 0);
    for r in runs(&with) {
        let want: Vec<u32> = (FOCAL - 2..FOCAL)
            .filter(|&t| t <= r.out.end_round)
            .collect();
        assert_eq!(
            r.lever_rounds(0),
            want,
            "ended in round {}",
            r.out.end_round
        );
        if r.out.end_round < FOCAL - 2 {
            before += 1;
        } else {
            after += 1;
        }
    }
    assert!(
        before > 0 && after > 0,
        "{before} runs end before the window, {after} reach it"
    );
}

#[test]
fn an_expected_gain_lever_is_used_only_while_its_expected_gain_exceeds_its_cost_to_the_owner() {
    // Gain = credibility × (1 − backlash) × gap × 10 × 0.3 / (0.3 + 0.1), at
    // most 7.5; cost = cost_to_owner × 5 rounds. The gap is largest (b's
    // own target, about 0.95, against a's offer worth 0 to b) in round 2,
    // the first round after b's first offer.
    let uses = |cost_to_owner: f64, credibility: f64| -> Vec<Vec<u32>> {
        let snippet = lever(
            "slow_factories",
            "b",
            &format!(
                "cost_to_target = 0.3\ncost_to_owner = {cost_to_owner}\ncredibility = {credibility}\n\
                 duration = 5\npolicy = {{ kind = \"expected_gain\" }}"
            ),
        );
        let (with, _) = on_off(&snippet);
        runs(&with).iter().map(|r| r.lever_rounds(0)).collect()
    };
    let share = |u: &[Vec<u32>]| u.iter().filter(|r| !r.is_empty()).count() as f64 / u.len() as f64;
    let free = uses(0.0, 1.0);
    assert!(
        free.iter().all(|r| r.first() == Some(&2)),
        "used as soon as there is a gap"
    );
    let costs = [0.0, 1.0, 1.4, 1.45, 1.5, 2.0];
    let by_cost: Vec<Vec<Vec<u32>>> = costs.iter().map(|&c| uses(c, 1.0)).collect();
    let shares: Vec<f64> = by_cost.iter().map(|u| share(u)).collect();
    eprintln!("expected_gain shares by cost {costs:?}: {shares:?}");
    assert_eq!(shares[0], 1.0);
    assert_eq!(shares[5], 0.0, "2.0 × 5 rounds exceeds any gain");
    assert!(shares.windows(2).all(|w| w[1] <= w[0]), "{shares:?}");
    assert!(shares.iter().any(|&s| s > 0.1 && s < 0.9), "{shares:?}");
    // Same runs up to the first use: used at a cost, used at any lower cost.
    for w in by_cost.windows(2) {
        for (cheap, dear) in w[0].iter().zip(&w[1]) {
            assert!(!cheap.is_empty() || dear.is_empty());
        }
    }
    // Halving credibility halves the gain below the cost: never threatened,
    // so never used (not used half of the time).
    assert_eq!(share(&uses(1.0, 1.0)), 1.0);
    assert_eq!(share(&uses(1.0, 0.5)), 0.0);
}

#[test]
fn a_lever_with_policy_never_or_switched_off_is_never_used() {
    let keys = format!(
        "cost_to_target = 0.3\ncredibility = 1.0\nmax_uses = 5\n{}",
        at_round(USE)
    );
    let (_, off) = on_off(&lever("visa_review", "b", &keys));
    let never = scenario(
        &lever(
            "visa_review",
            "b",
            "cost_to_target = 0.3\ncredibility = 1.0\nmax_uses = 5\npolicy = { kind = \"never\" }",
        )
        .replace("ENABLED", "true"),
    );
    for (x, y) in runs(&off).iter().zip(&runs(&never)) {
        assert_eq!(x.out.lever_uses[0], 0);
        assert_eq!(y.out.lever_uses[0], 0);
        assert!(x.trace.iter().all(|r| r.levers_used.is_empty()));
        assert_eq!(format!("{:?}", x.out), format!("{:?}", y.out));
    }
}

// ---------------------------------------------------------------------------
// Events.

const FX: &str = r#"
[events.fx_shock]
max_occurrences = 1000
trigger = { kind = "hazard", exposure = { issue = "x", reserves = 100.0, cushion = "y", slope = 0.5 } }
"#;

/// The FX shock's hazard in each round (from the offer on the table before
/// the round's events) and whether it fired.
fn fx_rounds(scn: &Scenario, run: &Run) -> Vec<(f64, bool)> {
    let (x, y) = (&scn.issues[0], &scn.issues[1]);
    let mut prev = vec![0.5; scn.issues.len()];
    run.trace
        .iter()
        .map(|r| {
            let h = 0.5 * x.value_at(prev[0]) / (100.0 + y.value_at(prev[1]).max(0.0));
            prev.clone_from(&r.offer);
            (h, r.events.contains(&0))
        })
        .collect()
}

#[test]
fn the_fx_shock_hazard_rises_with_the_exposed_issue_and_falls_with_the_cushion() {
    let shift = |lo: f64| {
        [
            ("lo", val(&lo.to_string())),
            ("hi", val(&(lo + 100.0).to_string())),
        ]
    };
    let set = |issue: &str, lo: f64| -> Vec<(String, toml::Value)> {
        shift(lo)
            .into_iter()
            .map(|(k, v)| (format!("issues.{issue}.{k}"), v))
            .collect()
    };
    let build = |s: Vec<(String, toml::Value)>| {
        let s: Vec<(&str, toml::Value)> = s.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        scenario_with(FX, &s)
    };
    let base = build(vec![]);
    let high_cap = build(set("x", 100.0));
    let big_swap = build(set("y", 100.0));
    let big_reserves = build(vec![(
        "events.fx_shock.trigger.exposure.reserves".into(),
        val("400.0"),
    )]);
    // The ranges do not change utilities: the runs are the same but for the
    // shocks, which have no effects.
    let fired = |scn: &Scenario| -> (Vec<Run>, f64) {
        let all = runs(scn);
        let n: u32 = all.iter().map(|r| r.out.event_counts[0]).sum();
        let rounds: usize = all.iter().map(|r| r.trace.len()).sum();
        (all, n as f64 / rounds as f64)
    };
    let (b, rb) = fired(&base);
    let (h, rh) = fired(&high_cap);
    let (s, rs) = fired(&big_swap);
    let (_, rr) = fired(&big_reserves);
    eprintln!(
        "fx rates: base {rb:.4}, high cap {rh:.4}, big swap line {rs:.4}, big reserves {rr:.4}"
    );
    assert!(rh > 1.5 * rb, "a higher cap: {rh:.4} vs {rb:.4}");
    assert!(rs < 0.8 * rb, "a larger swap line: {rs:.4} vs {rb:.4}");
    assert!(rr < 0.5 * rb, "larger reserves: {rr:.4} vs {rb:.4}");
    for ((x, y), z) in b.iter().zip(&h).zip(&s) {
        assert_eq!(x.out.end_round, y.out.end_round);
        for ((p, q), r) in x.trace.iter().zip(&y.trace).zip(&z.trace) {
            let (base, high, swap) = (
                p.events.contains(&0),
                q.events.contains(&0),
                r.events.contains(&0),
            );
            assert!(high || !base, "same draw, higher hazard");
            assert!(base || !swap, "same draw, lower hazard");
        }
    }
    // The firing rate matches the hazard computed from the offers on the table.
    for (scn, all) in [(&base, &b), (&high_cap, &h)] {
        let (mut fired, mut expected, mut var) = (0.0, 0.0, 0.0);
        for run in all.iter() {
            for (p, f) in fx_rounds(scn, run) {
                fired += f as u32 as f64;
                expected += p;
                var += p * (1.0 - p);
            }
        }
        assert!(
            (fired - expected).abs() < 4.0 * var.sqrt(),
            "fired {fired} times, expected {expected:.1} ± {:.1}",
            var.sqrt()
        );
    }
}

/// Round of the date events.
const EVENT: u32 = 6;

/// A date event in round EVENT with probability `p` and the given effects on `a`.
fn shock(p: f64, effects_on_a: &str) -> Scenario {
    scenario(&format!(
        "[events.shock]\ntrigger = {{ kind = \"date\", date = \"{}\", probability = {p} }}\n\
         [events.shock.effects.a]\n{effects_on_a}\n",
        date(EVENT)
    ))
}

/// Runs with the shock (probability 1) and without it (probability 0).
fn shock_pair(effects_on_a: &str) -> (Vec<Run>, Vec<Run>) {
    (
        runs(&shock(1.0, effects_on_a)),
        runs(&shock(0.0, effects_on_a)),
    )
}

#[test]
fn a_date_event_fires_exactly_on_its_round_with_probability_one_and_never_with_zero() {
    for r in runs(&shock(1.0, "support = 0.1")) {
        assert_eq!(r.event_rounds(0), vec![EVENT]);
        assert_eq!(r.out.event_counts[0], 1);
    }
    for r in runs(&shock(0.0, "support = 0.1")) {
        assert!(r.event_rounds(0).is_empty());
        assert_eq!(r.out.event_counts[0], 0);
    }
    let half = runs_n(&shock(0.5, "support = 0.1"), 1000);
    let mut fired = 0;
    for r in &half {
        let rounds = r.event_rounds(0);
        assert!(rounds.is_empty() || rounds == [EVENT]);
        fired += rounds.len();
    }
    assert!(
        (fired as f64 / 1000.0 - 0.5).abs() < 0.07,
        "fired in {fired} of 1000 runs"
    );
}

#[test]
fn a_date_events_support_shift_moves_support_from_its_round() {
    let (on, off) = shock_pair("support = -0.2");
    for (x, y) in on.iter().zip(&off) {
        for (r, s) in common_rounds(x, y, 0) {
            let want = if r.round >= EVENT { -0.2 } else { 0.0 };
            assert!(close(r.support[A] - s.support[A], want), "{r:?} vs {s:?}");
            assert!(close(r.support[B], s.support[B]));
        }
    }
}

#[test]
fn a_date_events_one_off_cost_is_charged_once_and_changes_nothing_else() {
    let (on, off) = shock_pair("one_off_cost = 3.0");
    for (x, y) in on.iter().zip(&off) {
        assert_eq!(x.trace.len(), y.trace.len());
        assert_eq!(x.out.end_round, y.out.end_round);
        assert_eq!(format!("{:?}", x.out.terms), format!("{:?}", y.out.terms));
        for (r, s) in common_rounds(x, y, 0) {
            let want = if r.round >= EVENT { 3.0 } else { 0.0 };
            assert!(close(r.cost[A] - s.cost[A], want), "{r:?} vs {s:?}");
            assert!(close(r.cost[B], s.cost[B]));
        }
    }
}

#[test]
fn a_date_events_flow_cost_raises_every_later_rounds_cost_and_lowers_the_no_deal_value() {
    let (on, off) = shock_pair("flow_cost = 0.2");
    for (x, y) in on.iter().zip(&off) {
        for (r, s) in common_rounds(x, y, 1) {
            let t = r.round;
            let extra = round_cost(x, A, t) - round_cost(y, A, t);
            let (cost, drop) = if t >= EVENT {
                (0.2, 5.0 * 0.2 / 10.0)
            } else {
                (0.0, 0.0)
            };
            assert!(close(extra, cost), "round {t}: {extra}");
            assert!(close(s.no_deal[A] - r.no_deal[A], drop), "{r:?} vs {s:?}");
        }
    }
}

#[test]
fn a_date_events_concession_multiplier_below_one_slows_concessions() {
    let (on, off) = shock_pair("concession = 0.5");
    let (shift, n) = own_offer_shift(&on, &off, A, EVENT + 1);
    let later = mean_end_round(&on) - mean_end_round(&off);
    eprintln!("concession 0.5: a keeps {shift:+.4} ({n}); deals {later:+.3} rounds later");
    assert!(n > 500);
    assert!(
        shift > 0.02,
        "a's own offers keep {shift:+.4} more for itself"
    );
    assert!(later > 0.5, "deals come {later:+.3} rounds later");
}

#[test]
fn a_date_events_reservation_shift_raises_the_no_deal_value() {
    let (on, off) = shock_pair("reservation = 0.1");
    for (x, y) in on.iter().zip(&off) {
        for (r, s) in common_rounds(x, y, 0) {
            let want = if r.round >= EVENT { 0.1 } else { 0.0 };
            assert!(close(r.no_deal[A] - s.no_deal[A], want), "{r:?} vs {s:?}");
        }
    }
    let gain = mean_deal_utility(&on, A) - mean_deal_utility(&off, A);
    eprintln!("reservation +0.1: a's deal utility {gain:+.4}");
    assert!(
        gain > 0.005,
        "a higher outside option improves a's deals: {gain:+.4}"
    );
}

// ---------------------------------------------------------------------------
// The focal deadline and ratification.

#[test]
fn the_focal_audience_cost_is_charged_once_in_its_round_to_runs_without_a_deal() {
    let plain = scenario("");
    let costly = scenario_with(
        "",
        &[
            ("clock.focal.audience_cost", val("{ a = 0.02, b = 0.01 }")),
            ("clock.focal.support_loss", val("{ a = 0.1, b = 0.05 }")),
        ],
    );
    let (on, off) = (runs(&costly), runs(&plain));
    let (mut before, mut after, mut moved) = (0, 0, 0);
    for (x, y) in on.iter().zip(&off) {
        // A responder anticipates the audience cost in the round before the
        // focal round, so a deal can only come earlier; compare costs round
        // by round on the runs that end in the same round.
        assert!(x.out.end_round <= y.out.end_round);
        if x.out.end_round != y.out.end_round {
            assert_eq!(
                x.out.end_round + 1,
                FOCAL,
                "only the round before the deadline moves"
            );
            moved += 1;
            continue;
        }
        if x.out.end_round < FOCAL {
            before += 1;
            assert_eq!(
                x.out.cost, y.out.cost,
                "a deal before the focal date pays nothing"
            );
            assert_eq!(x.out.support, y.out.support);
        } else {
            after += 1;
        }
        for (r, s) in common_rounds(x, y, 0) {
            let (cost, loss) = if r.round >= FOCAL {
                ([0.02, 0.01], [0.1, 0.05])
            } else {
                ([0.0; 2], [0.0; 2])
            };
            for side in [A, B] {
                assert!(
                    close(r.cost[side] - s.cost[side], cost[side]),
                    "{r:?} vs {s:?}"
                );
                assert!(
                    close(s.support[side] - r.support[side], loss[side]),
                    "{r:?} vs {s:?}"
                );
            }
        }
    }
    assert!(
        before > 0 && after > 0,
        "{before} deals before the focal round, {after} after ({moved} moved)"
    );
}

#[test]
fn with_ratification_base_zero_nothing_is_ratified_and_talks_break_down_after_max_ratifications() {
    for max in [1u32, 3] {
        let scn = scenario_with(
            "",
            &[
                ("players.a.ratification.base", val("0.0")),
                ("protocol.max_ratifications", val(&max.to_string())),
            ],
        );
        for r in runs(&scn) {
            assert_eq!(r.out.kind, OutcomeKind::Breakdown, "{:?}", r.out);
            assert_eq!(r.out.ratifications, max);
            let answers: Vec<Response> = r
                .trace
                .iter()
                .map(|x| x.response)
                .filter(|&x| x != Response::Reject)
                .collect();
            let mut want = vec![Response::RatificationFailed; max as usize - 1];
            want.push(Response::RatificationBreakdown);
            assert_eq!(answers, want);
            assert_eq!(
                r.trace.last().unwrap().response,
                Response::RatificationBreakdown
            );
        }
    }
}

#[test]
fn a_failed_ratification_costs_the_failing_side_and_hardens_it() {
    let set = |cost: &str, loss: &str, hardening: &str| {
        scenario_with(
            "",
            &[
                ("players.a.ratification.base", val("0.0")),
                ("players.a.ratification.failure_cost", val(cost)),
                ("players.a.ratification.failure_support_loss", val(loss)),
                ("players.a.ratification.failure_hardening", val(hardening)),
                // b always ratifies: its failure costs never apply.
                ("players.b.ratification.failure_cost", val("5.0")),
                ("players.b.ratification.failure_hardening", val("0.2")),
            ],
        )
    };
    let (on, off) = (
        runs(&set("1.5", "0.1", "0.05")),
        runs(&set("0.0", "0.0", "0.0")),
    );
    for (x, y) in on.iter().zip(&off) {
        let t1 = x
            .trace
            .iter()
            .position(|r| r.response == Response::RatificationFailed)
            .expect("a failed ratification");
        assert_eq!(
            y.trace[t1].response,
            Response::RatificationFailed,
            "same runs until then"
        );
        let (r, s) = (&x.trace[t1], &y.trace[t1]);
        assert!(close(r.cost[A] - s.cost[A], 1.5), "{r:?} vs {s:?}");
        assert!(close(s.support[A] - r.support[A], 0.1), "{r:?} vs {s:?}");
        assert!(close(r.cost[B], s.cost[B]), "b ratified: {r:?} vs {s:?}");
        let (r, s) = (&x.trace[t1 + 1], &y.trace[t1 + 1]);
        assert!(close(r.no_deal[A] - s.no_deal[A], 0.05), "{r:?} vs {s:?}");
        assert!(close(r.no_deal[B], s.no_deal[B]), "{r:?} vs {s:?}");
        // Two more failures, each hardening a further 0.05.
        let last = x.trace.last().unwrap();
        assert_eq!(last.response, Response::RatificationBreakdown);
        assert!(last.no_deal[A] >= x.trace[0].no_deal[A] + 0.1 - 1e-9);
    }
}

// ---------------------------------------------------------------------------
// Regression tests for engine behaviour found wrong once. (A focal deadline
// in round 0 is now rejected by validation: tests/configs/bad/focal_date_on_start.toml.)

/// docs/model.md: tit-for-tat lowers its previous target, "never below the
/// floor". The engine takes a previous target of exactly 0 for "no previous
/// offer" (`if mind.last_target > 0.0 { .. } else { 1.0 }`), so a player whose
/// target reaches a floor of 0 jumps back to its best offer next time.
#[test]
fn a_tit_for_tat_player_never_takes_back_a_concession() {
    let scn = scenario_with(
        "",
        &[
            (
                "players.a.strategy",
                val(r#"{ kind = "tit_for_tat", reciprocity = 0.0, step = 0.25 }"#),
            ),
            (
                "players.a.type.reservation",
                val("{ uniform = [0.0, 0.0] }"),
            ),
            // b never ratifies, so the talks go on after a's best offer for b.
            ("players.b.ratification.base", val("0.0")),
            ("protocol.max_ratifications", val("100")),
        ],
    );
    let mut tr = Trace::default();
    replay(&scn, RunCoord::new(SEED, 0, 0), &mut tr);
    let own: Vec<f64> =
        tr.0.iter()
            .filter(|r| r.proposer == A)
            .map(|r| r.offer_utility[A])
            .collect();
    assert!(
        own.windows(2).all(|w| w[1] <= w[0] + 1e-12),
        "a's own offers are worth {own:?} to a"
    );
}

#[test]
fn a_large_audience_cost_pulls_deals_to_the_round_before_the_focal_deadline() {
    let plain = scenario("");
    let costly = scenario_with(
        "",
        &[("clock.focal.audience_cost", val("{ a = 2.0, b = 1.0 }"))],
    );
    let (on, off) = (runs(&costly), runs(&plain));
    let at = |v: &[_], r: u32| v.iter().filter(|x: &&Run| x.out.end_round == r).count();
    let (with, without) = (at(&on, FOCAL - 1), at(&off, FOCAL - 1));
    assert!(
        with > without + on.len() / 10,
        "deals in the round before the focal round: {with} with the audience cost, {without} without"
    );
}
