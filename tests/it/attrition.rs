//! The `attrition` strategy on the built-in scenario: its comparative
//! statics come out with the signs bargaining theory gives (the paired
//! effects of `standoff validate --statics`, here on fewer runs), and it is
//! free of the artefacts of fixed concession schedules (deals spread over
//! rounds of both parities, not settled at once).

use standoff::config;
use standoff::engine::{simulate, Workspace};
use standoff::outcome::{Outcome, OutcomeKind};
use standoff::rng::{run_rng, RunCoord};
use standoff::statics;

/// The built-in scenario with both sides on `attrition` (Korea's endurance
/// 0.3, the US's 0.2).
fn attrition() -> config::Loaded {
    let text = config::builtin()
        .source
        .replace(
            "kind = \"boulware\"\nexponent = 0.5\ndeadline = \"focal\"",
            "kind = \"attrition\"\nendurance = 0.3",
        )
        .replace(
            "kind = \"linear\"\nexponent = 1.0\ndeadline = \"horizon\"",
            "kind = \"attrition\"\nendurance = 0.2",
        );
    config::load_str("attrition.toml", &text).unwrap()
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
    let scn = attrition().scenario;
    let mut ws = Workspace::new(&scn);
    let mut out = Outcome::for_scenario(&scn);
    let (mut deals, mut odd, mut first_two) = (0u32, 0u32, 0u32);
    for i in 0..2000 {
        simulate(
            &scn,
            &mut run_rng(RunCoord::new(5, 0, i)),
            &mut ws,
            &mut out,
            &mut (),
        );
        if out.kind == OutcomeKind::Deal {
            deals += 1;
            odd += out.end_round % 2;
            first_two += (out.end_round < 2) as u32;
        }
    }
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
