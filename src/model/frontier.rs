//! The offer path for non-separable utilities: a Pareto frontier on the
//! issues' grid by weighted-sum scalarisation (docs/model.md, "Offer paths").

use super::{other, OfferPath, Scenario, Side};

/// Weights λ on the scalarisation grid of `OfferPath::frontier` (used by
/// `Scenario::rebuild_paths`).
pub const FRONTIER_WEIGHTS: usize = 1024;

/// Smallest weight given to either side, so that the end points of the path
/// are not weakly dominated (ties in one utility are broken by the other).
const MIN_WEIGHT: f64 = 1e-6;

/// Every `FULL_SCAN`-th weight also tries every grid value of each issue, to
/// leave local optima that single steps cannot.
const FULL_SCAN: usize = 16;

/// The search state: grid steps, positions and the separable part of each
/// side's utility, kept incrementally.
struct Search<'a> {
    s: &'a Scenario,
    /// Grid steps of each issue.
    ks: Vec<usize>,
    /// Where each issue's values start in `table`.
    off: Vec<usize>,
    /// Value of grid step j of issue i to side p: `table[p][off[i] + j]`.
    table: [Vec<f64>; 2],
    step: Vec<usize>,
    x: Vec<f64>,
    sep: [f64; 2],
}

impl Search<'_> {
    fn grid(&self, i: usize, j: usize) -> f64 {
        grid(j, self.ks[i])
    }

    fn value(&self, side: Side, i: usize, j: usize) -> f64 {
        self.table[side][self.off[i] + j]
    }

    /// Both utilities of the current point (exposure through `Scenario`).
    fn utilities(&self) -> [f64; 2] {
        [
            self.sep[0] - self.s.exposure_penalty(0, &self.x),
            self.sep[1] - self.s.exposure_penalty(1, &self.x),
        ]
    }

    /// Moves issue `i` to grid step `j`.
    fn set(&mut self, i: usize, j: usize) {
        for p in 0..2 {
            self.sep[p] += self.value(p, i, j) - self.value(p, i, self.step[i]);
        }
        self.step[i] = j;
        self.x[i] = self.grid(i, j);
    }

    /// Recomputes the separable sums from scratch (no drift across weights).
    fn resum(&mut self) {
        for p in 0..2 {
            self.sep[p] = (0..self.step.len())
                .map(|i| self.value(p, i, self.step[i]))
                .sum();
        }
    }
}

/// Normalised position of grid step `j` of `k` (1 exactly at the end).
fn grid(j: usize, k: usize) -> f64 {
    if j == k {
        1.0
    } else {
        j as f64 / k as f64
    }
}

impl OfferPath {
    /// The Pareto frontier of `proposer` and its opponent on the grid of
    /// `resolution` steps per issue, for any utilities (`Scenario::deal_utility`).
    ///
    /// For each of `weights` weights λ from 1 to 0 it maximises
    /// `λ · u_proposer + (1 − λ) · u_opponent` by coordinate ascent over single
    /// grid steps, warm-started from the previous weight's optimum (every
    /// `FULL_SCAN`-th weight also line-searches each issue over its whole
    /// grid). Every point the ascent accepts is a candidate, so flat stretches
    /// of the frontier (linear issues, which flip at one weight) are walked
    /// step by step rather than jumped. Candidates are ordered by the
    /// proposer's utility (descending) and kept only if they are better for
    /// the opponent than every point before them: along the path the
    /// proposer's utility falls and the opponent's rises, strictly, and no
    /// point is dominated by another candidate.
    pub fn frontier(s: &Scenario, proposer: Side, resolution: u32, weights: usize) -> OfferPath {
        let n = s.issues.len();
        let opp = other(proposer);
        let ks: Vec<usize> = s.issues.iter().map(|is| is.steps(resolution)).collect();
        let off = ks
            .iter()
            .scan(0, |at, &k| {
                let here = *at;
                *at += k + 1;
                Some(here)
            })
            .collect();
        let mut se = Search {
            s,
            ks,
            off,
            table: [Vec::new(), Vec::new()],
            step: vec![0; n],
            x: vec![0.0; n],
            sep: [0.0; 2],
        };
        for p in 0..2 {
            let mut t = Vec::new();
            for (is, &k) in s.issues.iter().zip(&se.ks) {
                t.extend((0..=k).map(|j| is.prefs[p].value(grid(j, k))));
            }
            se.table[p] = t;
        }
        for (i, is) in s.issues.iter().enumerate() {
            let j = if is.prefs[proposer].prefers_high {
                se.ks[i]
            } else {
                0
            };
            se.step[i] = j;
            se.x[i] = se.grid(i, j);
        }
        se.resum();

        let mut cand: Vec<usize> = Vec::new();
        let weights = weights.max(2);
        for w in 0..weights {
            let lam = (1.0 - w as f64 / (weights - 1) as f64).clamp(MIN_WEIGHT, 1.0 - MIN_WEIGHT);
            let obj = |u: [f64; 2]| lam * u[proposer] + (1.0 - lam) * u[opp];
            se.resum();
            let full = w % FULL_SCAN == 0 || w == weights - 1;
            ascend(&mut se, &obj, full, &mut cand);
            cand.extend_from_slice(&se.step);
        }
        select(s, proposer, &se.ks, &cand)
    }
}

/// Coordinate ascent from the current point; pushes every accepted point.
fn ascend(se: &mut Search, obj: &dyn Fn([f64; 2]) -> f64, full: bool, cand: &mut Vec<usize>) {
    let n = se.step.len();
    let mut cur = obj(se.utilities());
    let mut scan = full;
    loop {
        let mut moved = false;
        for i in 0..n {
            for dir in [-1isize, 1] {
                loop {
                    let j = se.step[i] as isize + dir;
                    if j < 0 || j > se.ks[i] as isize {
                        break;
                    }
                    let old = se.step[i];
                    se.set(i, j as usize);
                    let v = obj(se.utilities());
                    if v > cur + 1e-15 {
                        cur = v;
                        moved = true;
                        cand.extend_from_slice(&se.step);
                    } else {
                        se.set(i, old);
                        break;
                    }
                }
            }
        }
        if !moved && scan {
            scan = false;
            for i in 0..n {
                let old = se.step[i];
                let mut best = (old, cur);
                for j in 0..=se.ks[i] {
                    se.set(i, j);
                    let v = obj(se.utilities());
                    if v > best.1 + 1e-15 {
                        best = (j, v);
                    }
                }
                se.set(i, best.0);
                if best.0 != old {
                    cur = best.1;
                    moved = true;
                    cand.extend_from_slice(&se.step);
                }
            }
        }
        if !moved {
            return;
        }
    }
}

/// The path from candidate grid points (`n` steps each): exact utilities,
/// ordered by the proposer's utility, dominated and duplicate points dropped.
fn select(s: &Scenario, proposer: Side, ks: &[usize], cand: &[usize]) -> OfferPath {
    let n = s.issues.len();
    let opp = other(proposer);
    let m = cand.len() / n.max(1);
    let mut pts: Vec<(f64, f64, usize)> = Vec::with_capacity(m);
    let mut x = vec![0.0; n];
    for c in 0..m {
        for ((xi, &j), &k) in x.iter_mut().zip(&cand[c * n..(c + 1) * n]).zip(ks) {
            *xi = grid(j, k);
        }
        pts.push((s.deal_utility(proposer, &x), s.deal_utility(opp, &x), c));
    }
    pts.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut path = OfferPath {
        n_issues: n,
        ..Default::default()
    };
    let mut best_opp = f64::NEG_INFINITY;
    for &(up, uq, c) in &pts {
        if uq <= best_opp + 1e-12 {
            continue;
        }
        best_opp = uq;
        path.x.extend(
            cand[c * n..(c + 1) * n]
                .iter()
                .zip(ks)
                .map(|(&j, &k)| grid(j, k)),
        );
        path.u[proposer].push(up);
        path.u[opp].push(uq);
    }
    path.with_hull()
}
