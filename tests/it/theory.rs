//! Bargaining theory through the ordinary engine: the cases of
//! `standoff validate` (configs/theory/*.toml, src/theory.rs) with their
//! stated tolerances, and checks that values no case uses move the simulated
//! result as the formulas do.
//!
//! Tolerances (see docs/validation.md): equilibrium shares are exact up to
//! the grid of offers, |error| < 1/(R (1 − δa δb)) with R = protocol.resolution
//! (2/R without discounting), plus (δa δb)^⌊H/2⌋ where a finite horizon H
//! stands for an infinite game; Nash limits add twice the first-order term
//! of Δ; Monte Carlo rates are within 4 standard errors.

use std::path::{Path, PathBuf};

use standoff::config;
use standoff::engine::{Observer, RoundRecord};
use standoff::model::Scenario;
use standoff::outcome::{Outcome, OutcomeKind};
use standoff::rng::RunCoord;
use standoff::runner::{self, Pool, RunSpec};
use standoff::theory::{self, Row, Settings, Source};

use crate::common::{bin, scratch};

fn theory_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/theory")
}

fn src() -> Source {
    Source::Dir(theory_dir())
}

fn assert_all_pass(rows: &[Row]) {
    assert!(!rows.is_empty());
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| !r.pass())
        .map(|r| r.label())
        .collect();
    assert!(
        failed.is_empty(),
        "failed: {failed:?}\n{}",
        theory::format_table(rows)
    );
}

fn case(name: &str) -> Vec<Row> {
    let pool = Pool::new(None).unwrap();
    let rows = theory::case(name, &src(), &Settings::new(&pool)).unwrap();
    assert_all_pass(&rows);
    rows
}

#[test]
fn rubinstein_first_proposer_share_agreed_in_round_0() {
    let rows = case("rubinstein");
    assert!(rows.len() >= 5);
    // The tolerance is the grid bound, well below a thousandth here.
    assert!(rows.iter().all(|r| r.tolerance < 1e-3));
}

#[test]
fn stahl_finite_horizon_shares_for_t_1_to_10_converge_to_rubinstein() {
    let rows = case("stahl");
    for t in 1..=10 {
        assert!(
            rows.iter()
                .any(|r| r.params.starts_with(&format!("T={t} "))),
            "T={t} missing"
        );
    }
    // Odd and even horizons bracket the limit, ever closer.
    let limit = (1.0 - 0.8) / (1.0 - 0.9 * 0.8);
    let gap = |t: u32| (theory::stahl_share(0.9, 0.8, t) - limit).abs();
    for t in 1..=8 {
        assert!(gap(t + 2) < gap(t), "T={t}");
    }
}

#[test]
fn fixed_costs_lower_cost_side_takes_all_else_first_proposer_gets_other_cost() {
    case("fixed_costs");
}

#[test]
fn nash_limit_of_small_rounds_and_convergence_in_delta() {
    let rows = case("nash");
    for (ra, rb) in [(1, 1), (1, 2), (3, 1)] {
        let off = |dt: &str| {
            let r = rows
                .iter()
                .find(|r| r.params.starts_with(&format!("ra={ra} rb={rb} Δ={dt} ")))
                .expect("row");
            (r.simulated - r.theory).abs()
        };
        assert!(off("0.01") < off("0.1"), "ra={ra} rb={rb}");
    }
}

#[test]
fn outside_option_binds_only_above_the_bargaining_share() {
    case("outside_option");
}

#[test]
fn fearon_offer_and_war_rate_from_the_bayesian_optimisation() {
    let rows = case("fearon");
    assert!(rows
        .iter()
        .any(|r| r.case == "fearon.war" && r.se.is_some()));
}

#[test]
fn deadline_effect_late_agreements_and_some_disagreement() {
    case("deadline");
}

// ---------------------------------------------------------------------------
// Values that no case above uses: the simulated result moves as the formula.

fn scenario(file: &str, sets: &[(&str, toml::Value)]) -> Scenario {
    let path = theory_dir().join(file);
    let loaded = config::load_file(&path).unwrap();
    let mut doc: toml::Value = toml::from_str(&loaded.source).unwrap();
    for (p, v) in sets {
        config::set_path("test", &mut doc, p, v.clone()).unwrap();
    }
    config::from_value("test", doc).unwrap().1
}

fn f(v: f64) -> toml::Value {
    toml::Value::Float(v)
}

/// Player a's share in run 0, and the outcome.
fn share_a(scn: &Scenario) -> (f64, Outcome) {
    let out = runner::replay(scn, RunCoord::new(1, 0, 0), &mut ());
    assert_eq!(out.kind, OutcomeKind::Deal, "{out:?}");
    (out.terms[0], out)
}

fn grid(scn: &Scenario) -> f64 {
    let d = scn.players[0].discount * scn.players[1].discount;
    1.0 / (scn.protocol.resolution as f64 * (1.0 - d))
}

#[test]
fn the_nash_strategy_agrees_at_once_on_the_nash_limit_of_brw() {
    // Both sides on `nash` in the BRW case: complete information, no costs,
    // so each demands the asymmetric Nash solution with powers from relative
    // patience, r_b / (r_a + r_b), and the first offer is accepted.
    let nash = toml::Value::try_from(toml::toml! { kind = "nash" }).unwrap();
    for (ra, rb) in [(1.0f64, 3.0f64), (2.0, 1.0), (1.0, 1.0), (0.5, 4.0)] {
        let d = 0.01;
        let scn = scenario(
            "nash.toml",
            &[
                ("players.a.discount", f((-ra * d).exp())),
                ("players.b.discount", f((-rb * d).exp())),
                ("players.a.strategy", nash.clone()),
                ("players.b.strategy", nash.clone()),
            ],
        );
        let (x, out) = share_a(&scn);
        let want = rb / (ra + rb);
        assert!((x - want).abs() < 2e-3, "r=({ra},{rb}): {x} vs {want}");
        assert_eq!(out.end_round, 0);
    }
}

#[test]
fn unused_discount_factors_move_the_share_as_rubinstein_says() {
    for (da, db) in [(0.83, 0.61), (0.97, 0.42), (0.31, 0.77)] {
        let scn = scenario(
            "rubinstein.toml",
            &[("players.a.discount", f(da)), ("players.b.discount", f(db))],
        );
        let (x, out) = share_a(&scn);
        let want = (1.0 - db) / (1.0 - da * db);
        assert!(
            (x - want).abs() <= grid(&scn),
            "δ=({da},{db}): {x} vs {want}"
        );
        assert_eq!(out.end_round, 0);
    }
}

#[test]
fn unused_costs_move_the_share_as_rubinstein_says() {
    for (ca, cb) in [(0.07, 0.11), (0.13, 0.04), (0.02, 0.025)] {
        let scn = scenario(
            "fixed_costs.toml",
            &[
                ("players.a.delay_cost", f(ca)),
                ("players.b.delay_cost", f(cb)),
            ],
        );
        let (x, out) = share_a(&scn);
        let want = if ca < cb { 1.0 } else { cb };
        assert!((x - want).abs() <= 2e-4, "c=({ca},{cb}): {x} vs {want}");
        assert_eq!(out.end_round, 0);
        // Round 0's cost is charged: utility = share − c_a.
        assert!((out.utility[0] - (x - ca)).abs() < 1e-9);
    }
}

#[test]
fn unused_deadlines_move_the_share_as_stahl_says() {
    for (t, da, db) in [
        (13, 0.9, 0.8),
        (17, 0.9, 0.8),
        (12, 0.75, 0.95),
        (1, 0.6, 0.6),
    ] {
        let scn = scenario(
            "stahl.toml",
            &[
                ("clock.horizon", toml::Value::Integer(t)),
                ("players.a.discount", f(da)),
                ("players.b.discount", f(db)),
            ],
        );
        let (x, _) = share_a(&scn);
        let want = theory::stahl_share(da, db, t as u32);
        assert!((x - want).abs() <= grid(&scn), "T={t}: {x} vs {want}");
    }
}

#[test]
fn payoffs_of_a_late_deal_are_discounted() {
    // Ståhl's game with T = 4, but a holds out (hardliner): a rejects b's
    // equilibrium offer of round 1, b rejects a's demand of round 2, and in
    // the last round b, proposing, takes the whole pie. b's payoff is then
    // δb^3 · 1 and a's 0: payoffs are discounted to round 0.
    let scn = scenario(
        "stahl.toml",
        &[
            ("clock.horizon", toml::Value::Integer(4)),
            ("players.a.discount", f(0.85)),
            ("players.b.discount", f(0.7)),
            ("players.a.strategy", {
                let mut t = toml::map::Map::new();
                t.insert("kind".into(), toml::Value::String("hardliner".into()));
                toml::Value::Table(t)
            }),
        ],
    );
    let out = runner::replay(&scn, RunCoord::new(1, 0, 0), &mut ());
    assert_eq!((out.kind, out.end_round), (OutcomeKind::Deal, 3));
    assert!(out.terms[0].abs() < 1e-12, "{:?}", out.terms);
    assert!(
        (out.utility[1] - 0.7f64.powi(3)).abs() < 1e-12,
        "{:?}",
        out.utility
    );
    assert!(out.utility[0].abs() < 1e-12);
}

#[test]
fn unused_outside_options_move_the_share_as_the_principle_says() {
    let x_star = 0.1 / (1.0 - 0.81);
    for w in [0.2, 0.47, 0.55, 0.71] {
        let scn = scenario(
            "outside_option.toml",
            &[("players.b.type.reservation", f(w))],
        );
        let (x, _) = share_a(&scn);
        let want: f64 = if w <= 1.0 - x_star { x_star } else { 1.0 - w };
        assert!((x - want).abs() <= grid(&scn), "w={w}: {x} vs {want}");
    }
}

#[test]
fn unused_fearon_parameters_move_offer_and_war_rate_as_fearon_says() {
    let (p, ca, cbar) = (0.45, 0.07, 0.33);
    let mut t = toml::map::Map::new();
    t.insert(
        "uniform".into(),
        toml::Value::Array(vec![f(1.0 - p - cbar), f(1.0 - p)]),
    );
    let scn = scenario(
        "fearon.toml",
        &[
            ("players.a.type.reservation", f(p - ca)),
            ("players.b.type.reservation", toml::Value::Table(t)),
        ],
    );
    let runs = 20_000;
    let stats = Pool::new(None)
        .unwrap()
        .run(
            &scn,
            RunSpec {
                runs,
                master_seed: 11,
                point: 0,
                rows: false,
            },
            |_| Ok::<(), std::convert::Infallible>(()),
            |_| Ok(()),
        )
        .unwrap()
        .stats;
    let war = 1.0 - stats.metrics[0].moments.mean();
    let se = (war * (1.0 - war) / runs as f64).sqrt();
    let want = (cbar - ca) / (2.0 * cbar);
    assert!((war - want).abs() < 4.0 * se + 1e-3, "{war} vs {want}");
    let (x, _) = {
        let mut first = FirstOffer(None);
        let out = runner::replay(&scn, RunCoord::new(11, 0, 0), &mut first);
        (first.0.unwrap(), out)
    };
    assert!((x - (p + (cbar - ca) / 2.0)).abs() <= 1.0 / 2000.0, "{x}");
}

struct FirstOffer(Option<f64>);

impl Observer for FirstOffer {
    fn round(&mut self, r: &RoundRecord<'_>) {
        if self.0.is_none() {
            self.0 = Some(r.offer_utility[0]);
        }
    }
}

/// Offers a side makes, round by round (utility to each side).
struct Offers(Vec<(usize, [f64; 2], String)>);

impl Observer for Offers {
    fn round(&mut self, r: &RoundRecord<'_>) {
        self.0
            .push((r.proposer, r.offer_utility, r.response.label().to_string()));
    }
}

#[test]
fn bayesian_offer_is_its_own_optimisation_under_another_prior() {
    // Two types of b: reservation 0.1 or 0.5, equally likely; a's war payoff 0.4.
    // Offering b 0.5 (keeping 0.5) is surely accepted: 0.5. Offering b 0.1
    // (keeping 0.9) is accepted half the time: 0.5·0.9 + 0.5·0.4 = 0.65. The
    // Bayesian must pick 0.9; with a war payoff of 0.2 it still does (0.55 >
    // 0.5); with a war payoff of 0 and types 0.1 and 0.2 it must concede to
    // 0.8 (0.8 > 0.5·0.9).
    let choice = |v: &[f64]| {
        let mut t = toml::map::Map::new();
        t.insert(
            "choice".into(),
            toml::Value::Array(v.iter().map(|x| f(*x)).collect()),
        );
        toml::Value::Table(t)
    };
    for (ra, types, want) in [
        (0.4, vec![0.1, 0.5], 0.9),
        (0.2, vec![0.1, 0.5], 0.9),
        (0.0, vec![0.1, 0.2], 0.8),
    ] {
        let scn = scenario(
            "fearon.toml",
            &[
                ("players.a.type.reservation", f(ra)),
                ("players.b.type.reservation", choice(&types)),
            ],
        );
        let mut first = FirstOffer(None);
        runner::replay(&scn, RunCoord::new(1, 0, 0), &mut first);
        let x = first.0.unwrap();
        assert!((x - want).abs() < 1e-9, "{ra} {types:?}: {x}");
    }
}

#[test]
fn bayesian_learns_from_rejections_and_concedes_to_the_type() {
    // Ten rounds; b (reservation uniform on [0.1, 0.5], accepting anything
    // worth its reservation) never concedes as proposer. Each rejection
    // raises a's lower bound on b's reservation, so a's offers to b rise
    // until one is accepted.
    let scn = scenario(
        "fearon.toml",
        &[("clock.horizon", toml::Value::Integer(10))],
    );
    let mut accepted = 0;
    for run in 0..50 {
        let mut offers = Offers(Vec::new());
        let out = runner::replay(&scn, RunCoord::new(3, 0, run), &mut offers);
        let to_b: Vec<f64> = offers
            .0
            .iter()
            .filter(|(p, _, _)| *p == 0)
            .map(|(_, u, _)| u[1])
            .collect();
        for w in to_b.windows(2) {
            assert!(w[1] > w[0], "run {run}: offers to b do not rise: {to_b:?}");
        }
        if out.kind == OutcomeKind::Deal {
            accepted += 1;
            // Accepted as soon as the offer reached b's reservation value.
            assert!(1.0 - out.terms[0] >= out.reservation[1] - 1e-12);
        }
    }
    assert!(accepted > 40, "{accepted} of 50 runs agreed");
}

#[test]
fn random_recognition_equilibrium_gives_each_side_its_recognition_probability() {
    // Random proposers (a with probability q), common δ: in the stationary
    // equilibrium each side expects its recognition probability, and the
    // proposer keeps 1 − δ·(the other's probability). The responder's
    // continuation is the equilibrium value, not its own next offer.
    let (q, d) = (0.3, 0.9);
    let mut scn = scenario(
        "rubinstein.toml",
        &[("players.a.discount", f(d)), ("players.b.discount", f(d))],
    );
    scn.protocol.proposer = standoff::model::ProposerRule::Random { p0: q };
    let mut seen = [false; 2];
    for run in 0..40 {
        let mut offers = Offers(Vec::new());
        let out = runner::replay(&scn, RunCoord::new(5, 0, run), &mut offers);
        assert_eq!((out.kind, out.end_round), (OutcomeKind::Deal, 0));
        let (proposer, u, _) = &offers.0[0];
        let want = if *proposer == 0 {
            1.0 - d * (1.0 - q)
        } else {
            1.0 - d * q
        };
        assert!((u[*proposer] - want).abs() < 2e-3, "{proposer}: {u:?}");
        seen[*proposer] = true;
    }
    assert_eq!(seen, [true, true]);
}

#[test]
fn new_strategies_run_in_the_2025_scenario() {
    let loaded = config::builtin_model();
    for (korea, us) in [
        ("bayesian", "linear"),
        ("boulware", "bayesian"),
        ("bayesian", "bayesian"),
        ("equilibrium", "bayesian"),
        ("equilibrium", "equilibrium"),
    ] {
        let mut doc: toml::Value = toml::from_str(&loaded.source).unwrap();
        for (who, kind) in [("korea", korea), ("us", us)] {
            let mut t = toml::map::Map::new();
            t.insert("kind".into(), toml::Value::String(kind.into()));
            config::set_path(
                "test",
                &mut doc,
                &format!("players.{who}.strategy"),
                toml::Value::Table(t),
            )
            .unwrap();
        }
        let scn = config::from_value("test", doc).unwrap().1;
        let stats = Pool::new(None)
            .unwrap()
            .run(
                &scn,
                RunSpec {
                    runs: 400,
                    master_seed: 2,
                    point: 0,
                    rows: false,
                },
                |_| Ok::<(), std::convert::Infallible>(()),
                |_| Ok(()),
            )
            .unwrap()
            .stats;
        let deal = stats.metrics[0].moments.mean();
        assert_eq!(stats.runs(), 400);
        assert!(deal > 0.0, "{korea} vs {us}: no deal in 400 runs");
        // Utilities are finite in every run.
        let u = standoff::outcome::metric_names(&scn)
            .iter()
            .position(|m| m == "utility_korea")
            .unwrap();
        assert!(stats.metrics[u].moments.mean().is_finite());
    }
}

#[test]
fn validate_command_prints_the_table_and_exits_0() {
    let out = bin()
        .args(["validate", "--runs", "4000", "--dir"])
        .arg(theory_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for c in theory::CASES {
        assert!(stdout.contains(c), "{c} missing:\n{stdout}");
    }
    assert!(stdout.contains("theory") && stdout.contains("tolerance"));
    assert!(!stdout.contains("FAIL"));
}

#[test]
fn validate_command_exits_1_naming_failing_cases() {
    // A copy of the theory configs in which a plays hardliner in Rubinstein's game.
    let d = scratch("theory", "broken");
    for e in std::fs::read_dir(theory_dir()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
    }
    let r = d.join("rubinstein.toml");
    let text = std::fs::read_to_string(&r).unwrap();
    let broken = text.replacen(
        "strategy = { kind = \"equilibrium\" }",
        "strategy = { kind = \"hardliner\" }",
        1,
    );
    assert_ne!(text, broken);
    std::fs::write(&r, broken).unwrap();
    let out = bin()
        .args(["validate", "--case", "rubinstein,stahl", "--dir"])
        .arg(&d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("rubinstein (δa=0.9 δb=0.8 (as configured))"),
        "{stderr}"
    );
    assert!(!stderr.contains("stahl"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn validate_without_flags_runs_the_theory_cases_then_the_statics_suite() {
    // Few runs: the tables' shape is checked here, not their verdicts
    // (docs/validation.md has the full-size figures).
    let out = bin().args(["validate", "--runs", "200"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let theory = stdout.find("theory checks pass").expect("theory table");
    let statics = stdout
        .find("comparative-statics checks pass")
        .expect("statics table");
    assert!(theory < statics, "{stdout}");
    assert!(stdout.contains("korea's delay cost x2"), "{stdout}");
    assert!(stdout.trim_end().ends_with("checks pass"), "{stdout}");
}
