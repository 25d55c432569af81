//! The Pareto-frontier offer path (`model::OfferPath::frontier`): no point of
//! it is dominated by random deals on the grid when Korea prices its FX-crisis
//! exposure (non-separable utilities); on the built-in scenario without it
//! agrees with the greedy marginal-rate walk; utilities are monotone along it.

use standoff::config::{self, BUILTIN_TOML};
use standoff::model::{other, OfferPath, Scenario, Side, FRONTIER_WEIGHTS};

/// The built-in scenario, where Korea prices the exposure of its `fx_shock`
/// event (non-separable utilities).
fn priced() -> Scenario {
    let s = config::builtin_model().scenario;
    assert!(
        !s.is_separable(),
        "the built-in scenario no longer prices exposure"
    );
    s
}

/// The built-in scenario without Korea's exposure pricing (separable).
fn separable() -> Scenario {
    let mut doc: toml::Value = toml::from_str(BUILTIN_TOML).unwrap();
    doc["players"]["korea"]
        .as_table_mut()
        .unwrap()
        .remove("exposure");
    config::from_value("separable", doc).unwrap().1
}

/// Tolerance in each utility for a random deal to count as dominating a path
/// point. The frontier is found by a local search on the grid, so a random
/// deal may beat a path point by a grid-sized margin; this is the margin we
/// accept (1e-9 would be exact dominance).
const TOL: f64 = 1e-9;

/// Tolerance of the comparison with the greedy walk on separable utilities:
/// with concave terms (the built-in's exponents 0.5) the points the ascent
/// passes through between two weights' optima can sit a little inside the
/// exact frontier (measured: 7.6e-8 in utility, about $6,000 to Korea).
const SEPARABLE_TOL: f64 = 1e-6;

/// A xorshift generator for test deals (the crate's generators are for runs).
struct Xs(u64);
impl Xs {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The largest margin by which deal (dp, dq) beats a point of `path` in both
/// utilities (`min(dp − u_p, dq − u_q)`, maximised over the path), by
/// bisection: along the path u_p falls and u_q rises.
fn margin(path: &OfferPath, proposer: Side, dp: f64, dq: f64) -> f64 {
    let (up, uq) = (&path.u[proposer], &path.u[other(proposer)]);
    // First point where dp − u_p >= dq − u_q (the first difference rises along the path).
    let c = (0..up.len()).collect::<Vec<_>>();
    let k = c.partition_point(|&i| dp - up[i] < dq - uq[i]);
    let at = |i: usize| (dp - up[i]).min(dq - uq[i]);
    let mut m = f64::NEG_INFINITY;
    for i in [k.wrapping_sub(1), k] {
        if i < up.len() {
            m = m.max(at(i));
        }
    }
    m
}

fn assert_monotone(path: &OfferPath, proposer: Side) {
    let (up, uq) = (&path.u[proposer], &path.u[other(proposer)]);
    assert!(path.len() > 2);
    for i in 1..path.len() {
        assert!(up[i] < up[i - 1], "u_proposer rises at {i}");
        assert!(uq[i] > uq[i - 1], "u_opponent falls at {i}");
    }
}

#[test]
fn frontier_points_are_not_dominated_by_random_grid_deals() {
    let s = priced();
    assert!(!s.is_separable());
    let ks: Vec<u64> = s
        .issues
        .iter()
        .map(|is| is.steps(s.protocol.resolution) as u64)
        .collect();
    let n = s.issues.len();
    let mut rng = Xs(0x9e37_79b9_7f4a_7c15);
    let mut x = vec![0.0; n];
    // The greedy walk, efficient only for separable utilities: what the
    // random deals must beat for the test to have teeth.
    let greedy = [0, 1].map(|p| OfferPath::build(&s.issues, p, s.protocol.resolution));
    let priced_greedy = greedy.map(|g| {
        let mut g = g;
        for i in 0..g.len() {
            let x = g.point(i).to_vec();
            g.u[0][i] = s.deal_utility(0, &x);
            g.u[1][i] = s.deal_utility(1, &x);
        }
        g
    });
    let mut worst = [f64::NEG_INFINITY; 2];
    let mut greedy_worst = f64::NEG_INFINITY;
    for _ in 0..100_000 {
        for (xi, &k) in x.iter_mut().zip(&ks) {
            *xi = (rng.next() % (k + 1)) as f64 / k as f64;
        }
        let u = [s.deal_utility(0, &x), s.deal_utility(1, &x)];
        for (p, w) in worst.iter_mut().enumerate() {
            *w = w.max(margin(&s.paths[p], p, u[p], u[other(p)]));
        }
        greedy_worst = greedy_worst.max(margin(&priced_greedy[0], 0, u[0], u[1]));
    }
    eprintln!("random deals beat the frontier by {worst:?}, the greedy walk by {greedy_worst}");
    assert!(
        greedy_worst > 0.01,
        "the greedy walk should be dominated here, by {greedy_worst}"
    );
    for (p, w) in worst.iter().enumerate() {
        assert!(*w <= TOL, "path {p}: a random deal beats a point by {w}");
    }
}

#[test]
fn frontier_matches_the_greedy_walk_on_separable_utilities() {
    let s = separable();
    assert!(s.is_separable());
    let r = s.protocol.resolution;
    for p in 0..2 {
        let greedy = &s.paths[p];
        let front = OfferPath::frontier(&s, p, r, FRONTIER_WEIGHTS);
        assert_monotone(&front, p);
        let q = other(p);
        let mut worst = [f64::NEG_INFINITY; 2];
        for i in 0..front.len() {
            worst[0] = worst[0].max(margin(greedy, p, front.u[p][i], front.u[q][i]));
        }
        for i in 0..greedy.len() {
            worst[1] = worst[1].max(margin(&front, p, greedy.u[p][i], greedy.u[q][i]));
        }
        assert!(
            worst[0] <= SEPARABLE_TOL && worst[1] <= SEPARABLE_TOL,
            "path {p}: frontier beats greedy by {}, greedy beats frontier by {}",
            worst[0],
            worst[1]
        );
    }
}

#[test]
fn utilities_are_monotone_along_the_frontier_path() {
    let s = priced();
    for p in 0..2 {
        assert_monotone(&s.paths[p], p);
        let path = &s.paths[p];
        // Stored utilities are the scenario's utilities of the stored points.
        for i in (0..path.len()).step_by(37) {
            let x = path.point(i);
            assert_eq!(path.u[p][i], s.deal_utility(p, x));
            assert_eq!(path.u[other(p)][i], s.deal_utility(other(p), x));
        }
    }
}

#[test]
fn frontier_build_time() {
    let s = priced();
    let t = std::time::Instant::now();
    let path = OfferPath::frontier(&s, 0, s.protocol.resolution, FRONTIER_WEIGHTS);
    eprintln!(
        "frontier: {} issues x {} steps: {} points in {:?}",
        s.issues.len(),
        s.protocol.resolution,
        path.len(),
        t.elapsed()
    );
}
