//! Unit tests of the output files (tables, manifest, atomic files).

use super::*;
use crate::date::Date;
use crate::model::*;
use crate::outcome::{Metrics, Outcome, OutcomeKind};
use crate::rng::hash::fnv1a64;
use crate::rng::RunCoord;
use crate::stats::{wilson, RunStats, Z95};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A one-issue scenario with no levers or events, horizon 3, 7-day rounds.
fn scenario() -> Scenario {
    let fixed = |v| Dist::Fixed(v);
    let player = |name: &str| Player {
        name: name.into(),
        bn_per_util: 100.0,
        discount: 0.99,
        flow_cost: 1.0,
        pressure_horizon: 4.0,
        types: TypeDist {
            reservation: fixed(0.2),
            delay_cost: fixed(1.0),
            resolve: fixed(1.0),
        },
        politics: Politics {
            initial_support: 0.5,
            pain: 0.0,
            concession: 0.0,
            firmness: 0.0,
            ratification: Ratification {
                base: 1.0,
                support_slope: 0.0,
                terms_slope: 0.0,
                failure_cost: 0.0,
                failure_support_loss: 0.0,
                failure_hardening: 0.0,
            },
        },
        strategy: Strategy::TimeDependent {
            exponent: 1.0,
            deadline: DeadlineRef::Horizon,
        },
        acceptance: Acceptance::NextOfferOrNoDeal,
        can_walk_away: false,
        exposure: None,
    };
    let pref = |high| IssuePref {
        weight: 1.0,
        prefers_high: high,
        exponent: 1.0,
    };
    let mut s = Scenario {
        name: "tiny".into(),
        clock: Clock {
            start: Date::parse("2025-07-31").unwrap(),
            days_per_round: 7,
            horizon: 3,
            focal: None,
        },
        players: [player("korea"), player("us")],
        issues: vec![Issue {
            name: "amount".into(),
            unit: "usd_bn".into(),
            lo: 0.0,
            hi: 550.0,
            prefs: [pref(false), pref(true)],
            fixed: false,
            steps: None,
        }],
        levers: vec![],
        events: vec![],
        forecast: None,
        grid_scales: Vec::new(),
        protocol: Protocol {
            proposer: ProposerRule::Alternate { first: 0 },
            resolution: 110, // steps of 5: the terms used below (300, 400) are grid points
            max_ratifications: 2,
        },
        paths: Default::default(),
    };
    s.rebuild_paths();
    s
}

fn outcome(kind: OutcomeKind, end_round: u32, amount: f64) -> Outcome {
    Outcome {
        kind,
        end_round,
        terms: vec![amount],
        utility: [0.25, 0.75],
        cost: [1.5, 0.0],
        support: [0.5, 0.625],
        reservation: [0.2, 0.2],
        rejected: None,
        broken: vec![],
        history: Default::default(),
        lever_uses: vec![],
        event_counts: vec![],
        ratifications: 1,
        deal_utility: [f64::NAN; 2],
    }
}

fn values(scn: &Scenario, o: &Outcome) -> Vec<f64> {
    let m = Metrics::new(scn);
    let mut v = vec![0.0; m.len()];
    m.values(o, &mut v);
    v
}

/// A fresh empty directory under the system temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("standoff-output-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    p
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn formats_numbers_deterministically() {
    assert_eq!(format_f64(f64::NAN), "");
    assert_eq!(format_f64(3.0), "3");
    assert_eq!(format_f64(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(format_f64(-2.5), "-2.5");
    assert_eq!(format_f64(1e-7), "0.0000001");
}

#[test]
fn runs_header_is_exact() {
    let scn = scenario();
    let m = Metrics::new(&scn);
    // The metrics in fixed columns are exactly the outcome flags and end_round.
    let fixed: Vec<&str> = (0..m.len())
        .filter(|&i| RunsCsv::in_fixed_columns(&m, i))
        .map(|i| m.names()[i].as_str())
        .collect();
    assert_eq!(fixed, ["deal", "breakdown", "no_deal", "end_round"]);
    assert_eq!(
        RunsCsv::header(&m).join(","),
        "run,master_seed,rng_point,rng_stream,outcome,end_round,end_date,amount,\
         utility_korea,utility_us,cost_korea,cost_us,support_korea,support_us,\
         reservation_korea,reservation_us,ratifications"
    );
    let params = ["param.a".to_string()];
    assert_eq!(
        RunsCsv::sweep_header(&m, &params)[..6].join(","),
        "point,param.a,replicate,master_seed,rng_point,rng_stream"
    );
    let mut led = Vec::new();
    RunsCsv::append_led(&mut led, b"3,0.5,", b"0,1,2\n1,1,2\n");
    assert_eq!(led, b"3,0.5,0,1,2\n3,0.5,1,1,2\n");
}

#[test]
fn runs_rows_are_formatted_with_empty_nan_cells() {
    let scn = scenario();
    let m = Metrics::new(&scn);
    let mut buf = Vec::new();
    let deal = outcome(OutcomeKind::Deal, 2, 350.0);
    let at = |r| RunCoord::new(42, 0, r);
    let real = RealColumns::of(&scn, &m);
    RunsCsv::append_row(
        &mut buf,
        &scn,
        &m,
        &real,
        at(0),
        &deal,
        &values(&scn, &deal),
    );
    let none = outcome(OutcomeKind::NoDeal, 3, f64::NAN);
    RunsCsv::append_row(
        &mut buf,
        &scn,
        &m,
        &real,
        at(1),
        &none,
        &values(&scn, &none),
    );
    assert_eq!(
        String::from_utf8(buf.clone()).unwrap(),
        "0,42,0,0,deal,2,2025-08-14,350,0.25,0.75,1.5,0.0,0.5,0.625,0.2,0.2,1\n\
         1,42,0,1,no_deal,3,2025-08-21,,0.25,0.75,1.5,0.0,0.5,0.625,0.2,0.2,1\n"
    );
    // A whole value of a real-valued column (cost_us = 0) has its decimal
    // point; a term on a whole-number grid (amount) and counts have none.
    assert!(real.is(m.cost[1]) && !real.is(m.terms.start));
    assert!(!real.is(m.ratifications));
    // In a sweep's runs.csv, a column real at any point is real at every
    // point (an issue whose grid is whole at some points only): `350.0`.
    let mut finer = scn.clone();
    finer.issues[0].lo += 0.5;
    let mut widened = real.clone();
    widened.widen(&RealColumns::of(&finer, &m));
    assert!(widened.is(m.terms.start) && !widened.is(m.ratifications));
    let mut row = Vec::new();
    RunsCsv::append_row(
        &mut row,
        &scn,
        &m,
        &widened,
        at(0),
        &deal,
        &values(&scn, &deal),
    );
    assert!(String::from_utf8(row)
        .unwrap()
        .starts_with("0,42,0,0,deal,2,2025-08-14,350.0,"));
    // The rows parse with the header as a rectangular CSV.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(RunsCsv::header(&m)).unwrap();
    let mut all = w.into_inner().unwrap();
    all.extend_from_slice(&buf);
    let mut r = csv::Reader::from_reader(all.as_slice());
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].len(), RunsCsv::header(&m).len());
}

fn tiny_stats(scn: &Scenario) -> RunStats {
    let mut st = RunStats::new(Metrics::new(scn).len(), scn.clock.horizon);
    for o in [
        outcome(OutcomeKind::Deal, 1, 300.0),
        outcome(OutcomeKind::Deal, 2, 400.0),
        outcome(OutcomeKind::NoDeal, 3, f64::NAN),
        outcome(OutcomeKind::Breakdown, 2, f64::NAN),
    ] {
        st.add(&values(scn, &o), &o);
    }
    st
}

#[test]
fn summary_rows_of_a_tiny_run_set() {
    let scn = scenario();
    let m = Metrics::new(&scn);
    let rows = summary_rows(&scn, &m, &tiny_stats(&scn));
    assert_eq!(rows.len(), m.len());
    let (lo, hi) = wilson(2, 4, Z95);
    let deal = rows[m.deal].cells();
    assert_eq!(deal[..3], ["deal", "4", "0.5"]);
    let sd: f64 = deal[3].parse().unwrap();
    assert!((sd - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
    assert_eq!(deal[4..11], ["0", "0", "0", "0", "1", "1", "1"]);
    assert_eq!(deal[11..], [format_f64(lo), format_f64(hi)]);
    // The issue applies to the two deals only.
    let amount = &rows[m.terms.start];
    assert_eq!(amount.metric, "amount");
    assert_eq!(amount.count, 2);
    assert_eq!((amount.mean, amount.min, amount.max), (350.0, 300.0, 400.0));
    assert_eq!((amount.p5, amount.p50, amount.p95), (300.0, 300.0, 400.0));
    let sd = 50.0 * 2f64.sqrt();
    assert!((amount.sd - sd).abs() < 1e-9);
    let half = Z95 * amount.sd / 2f64.sqrt();
    assert_eq!(
        (amount.ci95_lo, amount.ci95_hi),
        (350.0 - half, 350.0 + half)
    );
    // A metric with one value has empty sd and interval cells.
    let mut one = RunStats::new(1, 3);
    let o = outcome(OutcomeKind::Deal, 0, 1.0);
    one.add(&[7.5], &o);
    let c = SummaryRow::new("x", &one.metrics[0], false).cells();
    assert_eq!(
        c,
        ["x", "1", "7.5", "", "7.5", "7.5", "7.5", "7.5", "7.5", "7.5", "7.5", "", ""]
    );
    // An empty metric has only its name and a zero count.
    let c = SummaryRow::new("y", &RunStats::new(1, 3).metrics[0], false).cells();
    assert_eq!(c[..2], ["y", "0"]);
    assert!(c[2..].iter().all(|x| x.is_empty()));
}

#[test]
fn writes_all_files_atomically() {
    let scn = scenario();
    let m = Metrics::new(&scn);
    let st = tiny_stats(&scn);
    let path = temp_dir("all");
    let dir = OutputDir::create(&path).unwrap();
    let mut runs = dir.stream("runs.csv").unwrap();
    runs.write_all(b"x\n").unwrap();
    assert_eq!(listing(&path), ["runs.csv.partial"]);
    runs.commit().unwrap();
    dir.write_summary(&scn, &m, &st).unwrap();
    dir.write_histograms(&m, &st).unwrap();
    dir.write_survival(&scn, &st).unwrap();
    let man = Manifest::new(
        "run",
        &scn.name,
        "tiny.toml",
        serde_json::json!({"b": 1, "a": [true, "x"]}),
        RunInfo {
            invocation: Invocation {
                argv: vec![
                    "standoff".into(),
                    "run".into(),
                    "--out".into(),
                    "a b".into(),
                ],
                commit: Some("0123456789ab".into()),
            },
            master_seed: 42,
            runs: 4,
            threads: 2,
            chunk_size: 1024,
            files: vec!["runs.csv".into(), MANIFEST.into()],
            started_secs: 0,
            finished_secs: 61,
            wall_seconds: 61.5,
        },
    );
    dir.write_manifest(&man).unwrap();
    assert_eq!(
        listing(&path),
        [
            "histograms.csv",
            "manifest.json",
            "runs.csv",
            "summary.csv",
            "survival.csv"
        ]
    );

    let summary = fs::read_to_string(path.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().next().unwrap(), SUMMARY_HEADER.join(","));
    assert_eq!(summary.lines().count(), 1 + m.len());

    let survival = fs::read_to_string(path.join("survival.csv")).unwrap();
    assert_eq!(
        survival,
        "round,date,at_risk,deals,breakdowns,p_no_deal_yet,hazard\n\
         0,2025-07-31,4,0,0,1,0\n\
         1,2025-08-07,4,1,0,0.75,0.25\n\
         2,2025-08-14,3,1,1,0.5,0.3333333333333333\n\
         3,2025-08-21,1,0,0,0.5,0\n"
    );

    let hist = fs::read_to_string(path.join("histograms.csv")).unwrap();
    let mut lines = hist.lines();
    assert_eq!(lines.next().unwrap(), "metric,bin_lo,bin_hi,count,fraction");
    let deal: Vec<&str> = hist.lines().filter(|l| l.starts_with("deal,")).collect();
    assert_eq!(deal, ["deal,-0.5,0.5,2,0.5", "deal,0.5,1.5,2,0.5"]);
    let amount: Vec<&str> = hist.lines().filter(|l| l.starts_with("amount,")).collect();
    // Integer values spanning 101 integers: 17 bins of 6.
    assert_eq!(amount.len(), 17);
    assert_eq!(amount[0], "amount,299.5,305.5,1,0.5");
    assert_eq!(amount[1], "amount,305.5,311.5,0,0");
    assert_eq!(amount[16], "amount,395.5,401.5,1,0.5");

    let text = fs::read_to_string(path.join(MANIFEST)).unwrap();
    assert!(text.ends_with("}\n"));
    let back: Manifest = serde_json::from_str(&text).unwrap();
    assert_eq!(back, man);
    assert!(back.complete);
    assert_eq!(back.started, "1970-01-01T00:00:00Z");
    assert_eq!(back.finished, "1970-01-01T00:01:01Z");
    assert_eq!(back.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(back.argv, ["standoff", "run", "--out", "a b"]);
    assert_eq!(back.command_line, "standoff run --out 'a b'");
    assert_eq!(back.commit.as_deref(), Some("0123456789ab"));
    assert_eq!(
        back.config_hash,
        config_hash(&serde_json::json!({"a": [true, "x"], "b": 1}))
    );

    // Reusing the directory removes the old manifest until a new one is written.
    OutputDir::create(&path).unwrap();
    assert!(!path.join(MANIFEST).exists());
    fs::remove_dir_all(&path).unwrap();
}

#[test]
fn uncommitted_files_are_removed_when_dropped() {
    let path = temp_dir("partial");
    let dir = OutputDir::create(&path).unwrap();
    {
        let mut f = dir.stream("runs.csv").unwrap();
        f.write_all(b"half a file").unwrap();
        assert_eq!(listing(&path), ["runs.csv.partial"]);
    }
    assert!(listing(&path).is_empty());
    fs::remove_dir_all(&path).unwrap();
}

#[test]
fn refuses_a_file_as_output_dir() {
    let path = temp_dir("file");
    fs::write(&path, "not a dir").unwrap();
    let e = OutputDir::create(&path).unwrap_err();
    assert!(matches!(e, OutputError::NotADirectory { .. }));
    assert!(e.to_string().contains(&path.display().to_string()));
    fs::remove_file(&path).unwrap();
    // A path under a file cannot be created either; the message names it.
    let under = std::env::temp_dir().join(format!("standoff-output-{}-f2", std::process::id()));
    fs::write(&under, "x").unwrap();
    let e = OutputDir::create(under.join("sub")).unwrap_err();
    assert!(e.to_string().contains("sub"), "{e}");
    fs::remove_file(&under).unwrap();
}

#[test]
fn canonical_json_and_config_hash_are_stable() {
    let v = serde_json::json!({"z": {"b": 2, "a": 1.5}, "a": [1, "q\""]});
    assert_eq!(canonical_json(&v), r#"{"a":[1,"q\""],"z":{"a":1.5,"b":2}}"#);
    assert_eq!(
        config_hash(&v),
        format!("{:016x}", fnv1a64(canonical_json(&v).as_bytes()))
    );
}

#[test]
fn shell_quote_leaves_plain_words_and_quotes_the_rest() {
    assert_eq!(shell_quote("--out"), "--out");
    assert_eq!(shell_quote("runs/a-1.5,x=y:z@w+%"), "runs/a-1.5,x=y:z@w+%");
    assert_eq!(shell_quote(""), "''");
    assert_eq!(shell_quote("a b"), "'a b'");
    assert_eq!(shell_quote("~/x"), "'~/x'");
    assert_eq!(shell_quote("$HOME;*"), "'$HOME;*'");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
}

#[test]
fn written_names_are_the_files_and_folders_standoff_writes() {
    for f in [
        "runs.csv",
        "manifest.json",
        "forecast.csv",
        "runs.csv.partial",
        "sweep_state.json",
        "points/0.csv",
        "points/12.csv.partial",
        "points/7/runs.csv",
        "points/7/runs.csv.partial",
    ] {
        assert!(is_written_file(f), "{f}");
    }
    for f in [
        "notes.txt",
        "runs.csv.bak",
        "partial",
        ".partial",
        "points/x.csv",
        "points/.csv",
        "points/-1.csv",
        "points/1/summary.csv",
        "points/1/2/runs.csv",
        "points",
        "summary.csv/runs.csv",
    ] {
        assert!(!is_written_file(f), "{f}");
    }
    for d in ["points", "points/0", "points/31"] {
        assert!(is_written_folder(d), "{d}");
    }
    for d in [
        "runs.csv",
        "point",
        "points/a",
        "points/1/x",
        "points/1.csv",
        "other",
    ] {
        assert!(!is_written_folder(d), "{d}");
    }
}

#[test]
fn replace_empties_a_standoff_folder_and_refuses_any_other_deleting_nothing() {
    let manifest = "{\"tool\": \"standoff\", \"results_version\": 4}\n";
    let fill = |p: &Path, extra: &[(&str, &str)]| {
        let _ = fs::remove_dir_all(p);
        fs::create_dir_all(p.join("points/3")).unwrap();
        for (f, text) in [
            ("runs.csv", "a\n"),
            ("summary.csv", "b\n"),
            ("manifest.json", manifest),
            ("points/3.csv", "c\n"),
            ("points/3/runs.csv", "d\n"),
            ("survival.csv.partial", "e"),
        ]
        .iter()
        .chain(extra)
        {
            fs::create_dir_all(p.join(f).parent().unwrap()).unwrap();
            fs::write(p.join(f), text).unwrap();
        }
    };
    let everything = |p: &Path| {
        let mut v = Vec::new();
        let mut stack = vec![p.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let q = e.unwrap().path();
                if q.is_dir() {
                    stack.push(q.clone());
                    v.push((q.display().to_string(), String::new()));
                } else {
                    v.push((q.display().to_string(), fs::read_to_string(&q).unwrap()));
                }
            }
        }
        v.sort();
        v
    };
    // A folder of standoff's files only: emptied, sub-folders too.
    let p = temp_dir("replace-ok");
    fill(&p, &[]);
    OutputDir::replace(&p).unwrap();
    assert!(listing(&p).is_empty());
    // Absent: made; empty: kept.
    fs::remove_dir(&p).unwrap();
    OutputDir::replace(&p).unwrap();
    assert!(p.is_dir() && listing(&p).is_empty());
    OutputDir::replace(&p).unwrap();
    fs::remove_dir_all(&p).unwrap();
    // Anything else refuses the whole folder, named, and deletes nothing.
    /// Extra files (name, text), the entry refused, what is said of it.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            &[("notes.txt", "mine")],
            "notes.txt",
            "is not a file standoff writes",
        ),
        (
            &[("points/3/notes", "mine")],
            "points/3/notes",
            "is not a file standoff writes",
        ),
        (
            &[("points/x/runs.csv", "mine")],
            "points/x",
            "is a folder standoff does not make",
        ),
        (
            &[(
                "manifest.json",
                "{\"tool\": \"other\", \"results_version\": 1}",
            )],
            "manifest.json",
            "its tool is \"other\"",
        ),
        (
            &[("manifest.json", "{\"tool\": \"standoff\"}")],
            "manifest.json",
            "is not a standoff manifest",
        ),
        (
            &[("manifest.json", "not json")],
            "manifest.json",
            "is not a standoff manifest",
        ),
    ];
    for (i, (extra, entry, why)) in cases.iter().enumerate() {
        let p = temp_dir(&format!("replace-no-{i}"));
        fill(&p, extra);
        let before = everything(&p);
        let e = OutputDir::replace(&p).unwrap_err();
        let msg = e.to_string();
        assert!(
            matches!(&e, OutputError::NotStandoffFolder { entry: x, .. } if x == Path::new(entry)),
            "{msg}"
        );
        assert!(
            msg.contains(why) && msg.contains("nothing was deleted"),
            "{msg}"
        );
        assert!(msg.contains(&p.display().to_string()), "{msg}");
        assert_eq!(everything(&p), before, "{entry}: the folder changed");
        fs::remove_dir_all(&p).unwrap();
    }
    // A symbolic link, even under a standoff name, is not standoff's.
    #[cfg(unix)]
    {
        let p = temp_dir("replace-link");
        let target = temp_dir("replace-link-target");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("0.csv"), "keep").unwrap();
        fs::create_dir_all(&p).unwrap();
        std::os::unix::fs::symlink(&target, p.join("points")).unwrap();
        let e = OutputDir::replace(&p).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(fs::read_to_string(target.join("0.csv")).unwrap(), "keep");
        fs::remove_dir_all(&p).unwrap();
        fs::remove_dir_all(&target).unwrap();
    }
    // A file in the way is not a folder.
    let f = temp_dir("replace-file");
    fs::write(&f, "x").unwrap();
    assert!(matches!(
        OutputDir::replace(&f).unwrap_err(),
        OutputError::NotADirectory { .. }
    ));
    fs::remove_file(&f).unwrap();
}
