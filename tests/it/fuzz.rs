//! The config fuzz harness (issue 11): mutations of the project's good
//! configs (`configs/*.toml`, `configs/theory/*.toml`) — types swapped,
//! extremes, NaN and infinities, huge numbers, deleted and duplicated keys,
//! odd dates, many issues — each loaded as `standoff check` and `run` load
//! it. It asserts that loading never panics; that a refusal names a key
//! that is in the mutated file or whose parent table is; and that an
//! accepted file loads back from its resolved form and gives only finite
//! numbers (or empty cells) in runs.csv, summary.csv, histograms.csv,
//! survival.csv and the replay trace of a few runs.
//!
//! The budget is small in `cargo test` (`DEFAULT_CASES` cases, a few
//! seconds); a large one is a documented command:
//!
//! ```sh
//! STANDOFF_FUZZ_CASES=100000 cargo test --release --test it fuzz::
//! ```

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use standoff::config;
use standoff::outcome::Metrics;
use standoff::output::{histogram_rows, summary_rows, survival_rows, TraceCsv, DEFAULT_BINS};
use standoff::rng::RunCoord;
use standoff::runner::{self, Pool, RunSpec};

/// Cases run by `cargo test` unless `STANDOFF_FUZZ_CASES` says otherwise.
const DEFAULT_CASES: u32 = 48;
/// Runs simulated of each accepted config.
const RUNS: u64 = 6;

/// The good configs the mutations start from, as (file name, parsed TOML).
fn seeds() -> Vec<(String, toml::Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["configs", "configs/theory"] {
        let mut files: Vec<_> = fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for p in files {
            let text = fs::read_to_string(&p).unwrap();
            let v: toml::Value = toml::from_str(&text).unwrap();
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), v));
        }
    }
    assert!(out.len() >= 3, "seed configs not found");
    out
}

/// Every path of a TOML value (tables and leaves), as segments.
fn paths(v: &toml::Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let toml::Value::Table(t) = v {
        for (k, x) in t {
            prefix.push(k.clone());
            out.push(prefix.clone());
            paths(x, prefix, out);
            prefix.pop();
        }
    }
}

fn get_mut<'a>(v: &'a mut toml::Value, path: &[String]) -> Option<&'a mut toml::Value> {
    path.iter().try_fold(v, |cur, seg| match cur {
        toml::Value::Table(t) => t.get_mut(seg),
        _ => None,
    })
}

fn parent_table<'a>(v: &'a mut toml::Value, path: &[String]) -> Option<&'a mut toml::Table> {
    match get_mut(v, &path[..path.len() - 1])? {
        toml::Value::Table(t) => Some(t),
        _ => None,
    }
}

/// The values a leaf may be replaced with: type swaps, extremes, NaN and
/// infinities, huge and tiny numbers, odd dates and strings.
fn replacement(pick: usize) -> toml::Value {
    use toml::Value as V;
    let floats = [
        0.0,
        -0.0,
        -1.0,
        0.5,
        1.0,
        1.0000001,
        2.0,
        1e12,
        1e13,
        -1e12,
        1e300,
        -1e300,
        1e308,
        -1e308,
        f64::MAX,
        f64::MIN,
        1e-300,
        -1e-300,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let ints = [
        0,
        1,
        -1,
        2,
        3,
        100,
        100_000,
        100_001,
        i64::from(u32::MAX),
        i64::from(u32::MAX) + 1,
        i64::MAX,
        i64::MIN,
    ];
    let strings = [
        "",
        "x",
        "linear",
        "boulware",
        "uniform",
        "high",
        "low",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "2025-02-29",
        "2024-02-29",
        "2025-13-01",
        "2025-00-10",
        "2025-1-1",
        "100000000000000000-01-01",
        "-2025-01-01",
        "run",
        "utility_korea",
        "deal",
        "é",
    ];
    let n = floats.len() + ints.len() + strings.len() + 6;
    let k = pick % n;
    if k < floats.len() {
        return V::Float(floats[k]);
    }
    let k = k - floats.len();
    if k < ints.len() {
        return V::Integer(ints[k]);
    }
    let k = k - ints.len();
    if k < strings.len() {
        return V::String(strings[k].to_string());
    }
    match k - strings.len() {
        0 => V::Boolean(true),
        1 => V::Array(Vec::new()),
        2 => V::Array(vec![V::Float(1.0), V::Float(f64::NAN)]),
        3 => V::Table(toml::Table::new()),
        4 => V::String("x".repeat(5000)),
        _ => V::Array(vec![V::String("boulware".into()), V::Float(0.2)]),
    }
}

/// An extreme of the same type as `v` (so that more mutants validate):
/// a float scaled by a power of ten (up to 1e±300) or set to an edge, an
/// integer set to an edge, a string to an odd date or name; anything else
/// as [`replacement`].
fn same_type_extreme(v: &toml::Value, pick: usize) -> toml::Value {
    use toml::Value as V;
    let exps = [
        -300, -100, -30, -12, -6, -3, -1, 1, 3, 6, 12, 13, 30, 100, 300,
    ];
    match v {
        V::Float(x) if pick % 3 > 0 => {
            let e = exps[pick / 3 % exps.len()];
            let y = x * 10f64.powi(e);
            V::Float(if y == 0.0 { 10f64.powi(e) } else { y })
        }
        V::Integer(i) if pick % 3 > 0 => {
            let edges = [
                0,
                1,
                2,
                -1,
                i.saturating_mul(10),
                i.saturating_mul(1000),
                100_000,
                100_001,
                i64::from(u32::MAX),
            ];
            V::Integer(edges[pick / 3 % edges.len()])
        }
        _ => match (v, replacement(pick)) {
            (V::Float(_), r @ V::Float(_)) | (V::Integer(_), r @ V::Integer(_)) => r,
            (V::String(_), r @ V::String(_)) => r,
            (V::Float(_), _) => V::Float([f64::MAX, 5e-324, -1e308, 1e300][pick % 4]),
            (V::Integer(_), _) => V::Integer([i64::MAX, i64::MIN][pick % 2]),
            (_, r) => r,
        },
    }
}

/// One mutation: where (an index into the file's paths), what, and with what.
#[derive(Debug, Clone)]
struct Mutation {
    at: usize,
    op: u8,
    pick: usize,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (any::<usize>(), 0u8..10, any::<usize>()).prop_map(|(at, op, pick)| Mutation { at, op, pick })
}

/// Applies `m` to `doc`: replace a value (most often), delete a key,
/// duplicate a table under a new name (an issue, a lever, a player...) or
/// multiply the issues.
fn apply(doc: &mut toml::Value, m: &Mutation) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let path = &all[m.at % all.len()];
    let last = path.last().unwrap().clone();
    match m.op {
        0..=2 => {
            if let Some(v) = get_mut(doc, path) {
                *v = replacement(m.pick);
            }
        }
        3..=5 => {
            if let Some(v) = get_mut(doc, path) {
                *v = same_type_extreme(v, m.pick);
            }
        }
        6 | 7 => {
            if let Some(t) = parent_table(doc, path) {
                t.remove(&last);
            }
        }
        8 => {
            if let Some(t) = parent_table(doc, path) {
                if let Some(v) = t.get(&last).cloned() {
                    t.insert(format!("{last}_{}", m.pick % 3), v);
                }
            }
        }
        _ => {
            // Many issues: copies of the first, up to past the limit.
            let n = [10, 150, 201, 400][m.pick % 4];
            if let Some(toml::Value::Table(issues)) = get_mut(doc, &["issues".into()]) {
                if let Some((name, first)) =
                    issues.iter().next().map(|(k, v)| (k.clone(), v.clone()))
                {
                    for i in 0..n {
                        issues.insert(format!("{name}_{i}"), first.clone());
                    }
                }
            }
        }
    }
}

/// True if `key` (dotted, with `[i]` for array elements) or its parent
/// table is in `doc` (the root table counts as a parent).
fn names_a_key_of(doc: &toml::Value, key: &str) -> bool {
    let segs: Vec<String> = key
        .split('.')
        .map(|s| s.split('[').next().unwrap_or(s).to_string())
        .collect();
    let exists = |p: &[String]| {
        let mut cur = doc;
        for s in p {
            match cur {
                toml::Value::Table(t) => match t.get(s) {
                    Some(v) => cur = v,
                    None => return false,
                },
                _ => return false,
            }
        }
        true
    };
    exists(&segs) || exists(&segs[..segs.len() - 1])
}

/// "inf", "-inf" or "NaN" written as a cell of a CSV text.
fn non_finite_cell(csv: &str) -> Option<String> {
    csv.lines().find_map(|l| {
        l.split(',')
            .find(|c| {
                let c = c.trim_matches('"');
                c.eq_ignore_ascii_case("inf")
                    || c.eq_ignore_ascii_case("-inf")
                    || c.eq_ignore_ascii_case("nan")
            })
            .map(|_| l.to_string())
    })
}

fn cells_finite(what: &str, rows: &[Vec<String>]) -> Result<(), TestCaseError> {
    for r in rows {
        let line = r.join(",");
        prop_assert!(non_finite_cell(&line).is_none(), "{what}: {line}");
    }
    Ok(())
}

/// What became of the cases.
#[derive(Debug, Default)]
struct Tally {
    unrepresentable: u64,
    refused: u64,
    accepted: u64,
}

/// Loads a mutated config and checks what the harness promises.
fn check(
    seed: &str,
    doc: &toml::Value,
    pool: &Pool,
    tally: &mut Tally,
) -> Result<(), TestCaseError> {
    let Ok(text) = toml::to_string(doc) else {
        tally.unrepresentable += 1;
        return Ok(()); // not representable as TOML (e.g. a table after a value)
    };
    let loaded = match config::load_str(seed, &text) {
        Err(e) => {
            tally.refused += 1;
            let msg = e.to_string();
            prop_assert!(msg.starts_with(seed), "message without the file: {msg}");
            if let Some(key) = e.key() {
                prop_assert!(
                    names_a_key_of(doc, key),
                    "the message names '{key}', which is not in the file: {msg}\n{text}"
                );
            }
            return Ok(());
        }
        Ok(l) => l,
    };
    tally.accepted += 1;
    // Accepted: its resolved form loads back to the same config.
    let again = config::load_str("resolved", &config::resolved_toml(&loaded.raw));
    prop_assert!(
        again.as_ref().is_ok_and(|a| a.raw == loaded.raw),
        "the resolved config does not load back: {:?}\n{text}",
        again.err().map(|e| e.to_string())
    );
    let scn = &loaded.scenario;
    let metrics = Metrics::new(scn);
    let mut rows = Vec::new();
    let spec = RunSpec {
        runs: RUNS,
        master_seed: 3,
        point: 0,
        rows: true,
    };
    let ran = pool
        .run(
            scn,
            spec,
            |r| {
                rows.extend_from_slice(r);
                Ok::<(), ()>(())
            },
            |_| Ok(()),
        )
        .unwrap();
    let rows = String::from_utf8(rows).unwrap();
    prop_assert!(
        non_finite_cell(&rows).is_none(),
        "runs.csv: {:?}\n{text}",
        non_finite_cell(&rows)
    );
    let summary: Vec<Vec<String>> = summary_rows(scn, &metrics, &ran.stats)
        .iter()
        .map(|r| r.cells())
        .collect();
    cells_finite("summary.csv", &summary)?;
    cells_finite(
        "histograms.csv",
        &histogram_rows(&metrics, &ran.stats, DEFAULT_BINS),
    )?;
    cells_finite("survival.csv", &survival_rows(scn, &ran.stats))?;
    let mut trace = Vec::new();
    let mut t = TraceCsv::new(scn, &mut trace).unwrap();
    let out = runner::replay(scn, RunCoord::new(3, 0, 0), &mut t);
    t.finish(out.kind.label()).unwrap();
    let trace = String::from_utf8(trace).unwrap();
    prop_assert!(
        non_finite_cell(&trace).is_none(),
        "trace: {:?}\n{text}",
        non_finite_cell(&trace)
    );
    Ok(())
}

#[test]
fn mutated_good_configs_never_panic_name_their_key_and_give_finite_outputs() {
    let cases = std::env::var("STANDOFF_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seeds = seeds();
    let pool = Pool::new(Some(1)).unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..3));
    let t0 = std::time::Instant::now();
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner.run(&strategy, |(s, muts)| {
        let (name, base) = &seeds[s];
        let mut doc = base.clone();
        for m in &muts {
            apply(&mut doc, m);
        }
        check(name, &doc, &pool, &mut tally.borrow_mut())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!(
        "fuzz: {cases} cases in {:.1} s: {:?}",
        t0.elapsed().as_secs_f64(),
        tally.borrow()
    );
}
