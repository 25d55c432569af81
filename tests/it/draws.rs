//! Random numbers: common random numbers across sweep points, and the
//! configured distributions drawn by inverse CDF.

use standoff::config;
use standoff::engine::{Response, Trace};
use standoff::model::{Dist, Scenario};
use standoff::rng::{run_rng, sample, RunCoord};

const RUNS: u64 = 3000;

/// The built-in scenario with a probe event (hazard 0.3 every round, no
/// effects), Korea's `failure_hardening` set to `hardening` and its
/// ratification base lowered to 0.5 (so that ratifications fail often
/// enough for paths to part).
fn probed(hardening: f64) -> Scenario {
    let mut text = config::builtin_model().source;
    text.push_str(
        "\n[events.probe]\ntrigger = { kind = \"hazard\", base = 0.3 }\nmax_occurrences = 100000\n",
    );
    let mut doc: toml::Value = toml::from_str(&text).unwrap();
    let path = "players.korea.ratification.failure_hardening";
    config::set_path("test", &mut doc, path, toml::Value::Float(hardening)).unwrap();
    let path = "players.korea.ratification.base";
    config::set_path("test", &mut doc, path, toml::Value::Float(0.5)).unwrap();
    config::from_value("test", doc).unwrap().1
}

fn trace(scn: &Scenario, run: u64) -> Trace {
    let mut t = Trace::default();
    standoff::runner::replay(scn, RunCoord::new(5, 0, run), &mut t);
    t
}

fn failed_ratification(t: &Trace) -> bool {
    t.0.iter()
        .any(|r| r.response == Response::RatificationFailed)
}

#[test]
fn a_parameter_that_matters_only_after_ratification_leaves_other_runs_unchanged() {
    let (a, b) = (probed(0.0), probed(0.3));
    let (mut reached, mut untouched, mut diverged) = (0, 0, 0);
    for run in 0..RUNS {
        let (ta, tb) = (trace(&a, run), trace(&b, run));
        if failed_ratification(&ta) {
            reached += 1;
            diverged += (ta.0 != tb.0) as u32;
            continue;
        }
        untouched += 1;
        assert_eq!(
            ta.0, tb.0,
            "run {run} never failed a ratification, yet changed"
        );
    }
    // Not vacuous: both kinds of runs occur, and the parameter does act.
    assert!(reached > 20 && untouched > 20, "{reached} {untouched}");
    assert!(diverged > 0, "failure_hardening changed no run");
}

#[test]
fn runs_keep_their_random_numbers_round_by_round_after_their_paths_diverge() {
    // The probe's firing depends only on its uniform of the round, so in
    // every round both runs reach it must fire alike, even after the two
    // paths have parted (e.g. one accepted an offer the other rejected).
    let (a, b) = (probed(0.0), probed(0.3));
    let probe = a.events.iter().position(|e| e.name == "probe").unwrap();
    let mut compared_after_divergence = 0;
    for run in 0..RUNS {
        let (ta, tb) = (trace(&a, run), trace(&b, run));
        let mut parted = false;
        for (ra, rb) in ta.0.iter().zip(&tb.0) {
            assert_eq!(
                ra.events.contains(&probe),
                rb.events.contains(&probe),
                "run {run}, round {}: the probe's draw moved",
                ra.round
            );
            compared_after_divergence += parted as u32;
            parted |= ra != rb;
        }
    }
    assert!(
        compared_after_divergence > 20,
        "{compared_after_divergence}"
    );
}

/// The mean of normal(m, s) truncated to [lo, hi], from the closed form
/// m + s (φ(α) − φ(β)) / (Φ(β) − Φ(α)), with Φ by numerical integration
/// (Simpson's rule on a fine grid), independent of the sampler's code.
fn truncated_mean(m: f64, s: f64, lo: f64, hi: f64) -> (f64, f64) {
    let pdf = |z: f64| (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let (a, b) = ((lo - m) / s, (hi - m) / s);
    let n = 20_000;
    let h = (b - a) / n as f64;
    let (mut mass, mut first, mut second) = (0.0, 0.0, 0.0);
    for i in 0..=n {
        let z = a + i as f64 * h;
        let w = if i == 0 || i == n {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        mass += w * pdf(z);
        first += w * z * pdf(z);
        second += w * z * z * pdf(z);
    }
    let (ez, ez2) = (first / mass, second / mass);
    let closed = m + s * (pdf(a) - pdf(b)) / (mass * h / 3.0);
    assert!((closed - (m + s * ez)).abs() < 1e-9);
    (closed, s * (ez2 - ez * ez).sqrt())
}

#[test]
fn a_truncated_normal_has_its_analytic_mean_and_no_mass_at_the_bounds() {
    // A window cut well into the left of the mass (a third of the draws
    // used to land on the lower bound) and a window in the far upper tail.
    for (m, s, lo, hi) in [
        (0.6, 0.3, 0.45, 0.9),
        (0.0, 1.0, 2.0, 3.5),
        (0.5, 0.05, 0.1, 0.52),
    ] {
        let d = Dist::Normal {
            mean: m,
            sd: s,
            lo,
            hi,
        };
        let (want, sd) = truncated_mean(m, s, lo, hi);
        let n = 200_000;
        let mut r = run_rng(RunCoord::new(9, 0, 0));
        let (mut sum, mut at_bounds, mut near_lo) = (0.0, 0, 0);
        let eps = (hi - lo) * 1e-3;
        for _ in 0..n {
            let x = sample(&d, &mut r);
            assert!((lo..=hi).contains(&x));
            sum += x;
            at_bounds += (x == lo || x == hi) as u32;
            near_lo += (x < lo + eps) as u32;
        }
        let mean = sum / n as f64;
        let tol = 4.0 * sd / (n as f64).sqrt();
        assert!(
            (mean - want).abs() < tol,
            "N({m},{s}) on [{lo},{hi}]: mean {mean}, want {want} ± {tol}"
        );
        assert_eq!(at_bounds, 0, "draws exactly at a bound");
        // The share within eps of the lower bound is about density × eps, not a point mass.
        let density_lo = (-0.5 * ((lo - m) / s).powi(2)).exp();
        let density_max = if (lo..=hi).contains(&m) {
            1.0
        } else {
            density_lo.max((-0.5 * ((hi - m) / s).powi(2)).exp())
        };
        let bound = 3.0 * (hi - lo) * 1e-3 * density_lo.max(1e-3) / density_max.max(1e-300)
            * n as f64
            + 50.0;
        assert!(
            (near_lo as f64) < bound,
            "{near_lo} draws within {eps} of lo"
        );
    }
}

#[test]
fn every_distribution_takes_exactly_one_uniform() {
    let dists = [
        Dist::Fixed(0.3),
        Dist::Uniform { lo: 0.0, hi: 2.0 },
        Dist::Normal {
            mean: 0.5,
            sd: 0.2,
            lo: 0.45,
            hi: 0.5,
        },
        Dist::Choice(vec![1.0, 2.0, 3.0]),
    ];
    for d in &dists {
        let mut a = run_rng(RunCoord::new(3, 0, 1));
        let mut b = run_rng(RunCoord::new(3, 0, 1));
        sample(d, &mut a);
        standoff::rng::uniform(&mut b);
        assert_eq!(
            standoff::rng::uniform(&mut a),
            standoff::rng::uniform(&mut b),
            "{d:?}"
        );
    }
}
