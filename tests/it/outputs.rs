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
        let whole = is.grid_scale(scn.protocol.resolution) == Some(1.0);
        for v in values {
            let x: f64 = v.parse().unwrap();
            // Each value is a grid point, written as its decimal (with a
            // decimal point on a grid that is not whole numbers: 293.0).
            let snapped = is.snap(x, scn.protocol.resolution);
            let want = if !whole && snapped.fract() == 0.0 {
                format!("{snapped:.1}")
            } else {
                snapped.to_string()
            };
            assert_eq!(want, *v, "{}", is.name);
            assert_eq!(!whole, v.contains('.'), "{}: {v}", is.name);
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

/// Real-valued columns carry a decimal point in every cell, so that a reader
/// inferring types from the first rows (polars) reads them as floats; count
/// columns and whole-number grids are integers.
#[test]
fn real_valued_columns_of_runs_csv_always_have_a_decimal_point() {
    let d = scratch("outputs", "real");
    run_model(&d, "1500");
    let text = read(d.join("runs.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let column = |name: &str| {
        let c = header.iter().position(|h| *h == name).unwrap();
        rows.iter().map(move |r| r[c]).filter(|v| !v.is_empty())
    };
    for name in [
        "project_selection",
        "headline",
        "utility_korea",
        "cost_us",
        "support_korea",
        "reservation_us",
    ] {
        assert!(column(name).count() > 0, "{name}");
        for v in column(name) {
            assert!(v.contains('.'), "{name}: {v}");
        }
    }
    // Whole values of a real column are there and written as such.
    assert!(column("project_selection").any(|v| v == "1.0" || v == "0.0"));
    for name in [
        "swap_line",
        "auto_tariff",
        "lever_delay",
        "end_round",
        "ratifications",
    ] {
        for v in column(name) {
            assert!(v.parse::<i64>().is_ok(), "{name}: {v}");
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
