//! The `attrition` strategy on the built-in scenario: its comparative
//! statics come out with the signs bargaining theory gives (the rows of
//! `standoff validate --statics` with large effects, here on fewer runs),
//! and it is free of the artefacts of fixed concession schedules (deals
//! spread over rounds of both parities, not settled at once).

use standoff::config;
use standoff::engine::{simulate, Workspace};
use standoff::outcome::{Outcome, OutcomeKind};
use standoff::rng::{run_rng, RunCoord};
use standoff::statics;

/// The built-in scenario, whose sides both play `attrition`.
fn attrition() -> config::Loaded {
    let l = config::builtin_model();
    for p in &l.scenario.players {
        assert_eq!(p.strategy.label(), "attrition", "{}", p.name);
    }
    l
}

/// The outcomes of the deals among `runs` runs of `scn` under `seed`.
fn deals(scn: &standoff::model::Scenario, seed: u64, runs: u64) -> Vec<Outcome> {
    let mut ws = Workspace::new(scn);
    let mut out = Outcome::for_scenario(scn);
    let mut kept = Vec::new();
    for i in 0..runs {
        simulate(
            scn,
            &mut run_rng(RunCoord::new(seed, 0, i)),
            &mut ws,
            &mut out,
            &mut (),
        );
        if out.kind == OutcomeKind::Deal {
            kept.push(out.clone());
        }
    }
    kept
}

#[test]
fn costs_impatience_and_the_deadline_move_deals_as_theory_says() {
    let checks = statics::suite(&attrition(), 2000, 3);
    // Rows whose effects are large (far beyond their intervals at 10^4
    // runs); each must pass here too.
    let wanted = [
        "korea's delay cost x2",
        "us's delay cost x2",
        "focal audience cost x8",
        "no focal deadline",
        "korea more impatient (discount ^4)",
        "korea's reservation +0.1",
    ];
    for w in wanted {
        let rows: Vec<_> = checks.iter().filter(|c| c.change == w).collect();
        assert!(!rows.is_empty(), "no row {w}");
        for c in rows {
            assert!(c.pass(), "{w}: {} {:?} {:?}", c.measure, c.effect, c.ci);
        }
    }
}

#[test]
fn deals_spread_over_rounds_of_both_parities() {
    let d = deals(&attrition().scenario, 5, 2000);
    let deals = d.len() as u32;
    let odd: u32 = d.iter().map(|o| o.end_round % 2).sum();
    let first_two = d.iter().filter(|o| o.end_round < 2).count() as u32;
    let odd_share = odd as f64 / deals as f64;
    assert!(
        (0.4..=0.6).contains(&odd_share),
        "odd-round share {odd_share}"
    );
    // A war of attrition: most deals wait for one side to give in.
    assert!(
        (first_two as f64) < 0.2 * deals as f64,
        "{first_two} of {deals} in rounds 0-1"
    );
}

#[test]
fn every_open_term_varies_across_deals_and_fixed_terms_do_not() {
    let scn = attrition().scenario;
    let d = deals(&scn, 6, 2000);
    let mut terms: Vec<Vec<f64>> = (0..scn.issues.len())
        .map(|i| d.iter().map(|o| o.terms[i]).collect())
        .collect();
    for (is, t) in scn.issues.iter().zip(&mut terms) {
        t.sort_by(f64::total_cmp);
        let q = |p: f64| t[((t.len() - 1) as f64 * p).round() as usize];
        if is.fixed {
            assert_eq!((q(0.0), q(1.0)), (is.lo, is.lo), "{}", is.name);
        } else {
            assert!(
                q(0.05) < q(0.95),
                "{}: p5 {} p95 {}",
                is.name,
                q(0.05),
                q(0.95)
            );
        }
    }
}
