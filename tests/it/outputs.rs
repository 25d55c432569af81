//! Outputs analysts can compare with `==`: agreed terms exactly on their
//! grid, proportions written as their fraction, interval ends 0 and 1 exact.

use std::collections::{BTreeMap, BTreeSet};

use standoff::config;

use crate::common::{bin, ok, read, scratch};

fn run_model(dir: &std::path::Path, runs: &str) {
    ok(bin()
        .args([
            "run",
            "--no-forecast",
            "--runs",
            runs,
            "--seed",
            "5",
            "--quiet",
            "--out",
        ])
        .arg(dir)
        .output()
        .unwrap());
}

#[test]
fn no_agreed_term_has_more_distinct_values_than_its_grid_has_points() {
    let d = scratch("outputs", "grid");
    run_model(&d, "4000");
    let scn = config::builtin_model().scenario;
    let text = read(d.join("runs.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        for is in &scn.issues {
            let c = header.iter().position(|h| *h == is.name).unwrap();
            if !cells[c].is_empty() {
                seen.entry(&is.name)
                    .or_default()
                    .insert(cells[c].to_string());
            }
        }
    }
    for is in &scn.issues {
        let values = &seen[is.name.as_str()];
        let points = if is.fixed {
            1
        } else {
            is.steps(scn.protocol.resolution) + 1
        };
        assert!(
            values.len() <= points,
            "{}: {} values on {points} points",
            is.name,
            values.len()
        );
        for v in values {
            let x: f64 = v.parse().unwrap();
            // Each value is a grid point, written as its decimal.
            assert_eq!(
                is.snap(x, scn.protocol.resolution).to_string(),
                *v,
                "{}",
                is.name
            );
            // Whole-number grids are written as integers (polars reads them as i64).
            if is.lo.fract() == 0.0 && is.hi.fract() == 0.0 && v.contains('.') {
                let step = (is.hi - is.lo) / is.steps(scn.protocol.resolution) as f64;
                assert!(
                    step.fract() != 0.0,
                    "{}: {v} on a whole-number grid",
                    is.name
                );
            }
        }
    }
}

#[test]
fn proportions_are_their_fraction_and_wilson_ends_are_exact() {
    let d = scratch("outputs", "props");
    run_model(&d, "2500");
    let text = read(d.join("summary.csv"));
    for l in text.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        if !["deal", "breakdown", "no_deal"].contains(&c[0]) {
            continue;
        }
        let n: u64 = c[1].parse().unwrap();
        let mean: f64 = c[2].parse().unwrap();
        let k = (mean * n as f64).round();
        assert_eq!(c[2], (k / n as f64).to_string(), "{}: mean is k/n", c[0]);
        let (lo, hi): (f64, f64) = (c[11].parse().unwrap(), c[12].parse().unwrap());
        assert!(lo >= 0.0 && hi <= 1.0);
        if k == 0.0 {
            assert_eq!(c[11], "0", "{}", c[0]);
        }
        if k == n as f64 {
            assert_eq!(c[12], "1", "{}", c[0]);
        }
    }
    let (lo, _) = standoff::stats::wilson(0, 100, standoff::stats::Z95);
    let (_, hi) = standoff::stats::wilson(100, 100, standoff::stats::Z95);
    assert_eq!((lo, hi), (0.0, 1.0));
}
