//! End-to-end tests of the `standoff` binary: outputs, determinism across
//! thread counts, replay, and errors on bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{bin, read};

fn scratch(name: &str) -> PathBuf {
    crate::common::scratch("cli", name)
}

fn run_ok(args: &[&str]) -> Output {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "standoff {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn run_builtin(dir: &Path, runs: u32, seed: u32, threads: u32, extra: &[&str]) {
    let (runs, seed, threads) = (runs.to_string(), seed.to_string(), threads.to_string());
    let mut args = vec![
        "run",
        "--runs",
        &runs,
        "--seed",
        &seed,
        "--threads",
        &threads,
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_ok(&args);
}

#[test]
fn run_writes_five_files_with_one_row_per_run() {
    let d = scratch("five");
    run_builtin(&d, 2500, 7, 2, &[]);
    for f in [
        "runs.csv",
        "summary.csv",
        "histograms.csv",
        "survival.csv",
        "manifest.json",
    ] {
        assert!(d.join(f).is_file(), "{f} missing");
    }
    let runs = read(d.join("runs.csv"));
    assert_eq!(runs.lines().count(), 2501);
    let header = runs.lines().next().unwrap();
    assert!(header.starts_with("run,master_seed,rng_point,rng_stream,outcome,end_round,end_date,"));
    assert!(header.contains("lever_visa_review") && header.contains("cash_share"));
    let summary = read(d.join("summary.csv"));
    assert_eq!(
        summary.lines().next().unwrap(),
        "metric,count,mean,sd,min,p5,p25,p50,p75,p95,max,ci95_lo,ci95_hi"
    );
    assert!(summary.lines().any(|l| l.starts_with("deal,2500,")));
    let manifest: serde_json::Value = serde_json::from_str(&read(d.join("manifest.json"))).unwrap();
    assert_eq!(manifest["complete"], true);
    assert_eq!(manifest["runs"], 2500);
    assert_eq!(manifest["master_seed"], 7);
    // No leftovers that look like outputs.
    let partial = fs::read_dir(&d)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial")
        })
        .count();
    assert_eq!(partial, 0);
}

#[test]
fn outputs_are_byte_identical_across_thread_counts_and_differ_across_seeds() {
    let (a, b, c) = (scratch("t1"), scratch("t2"), scratch("s8"));
    run_builtin(&a, 3000, 7, 1, &[]);
    run_builtin(&b, 3000, 7, 2, &[]);
    run_builtin(&c, 3000, 8, 2, &[]);
    for f in ["runs.csv", "summary.csv", "histograms.csv", "survival.csv"] {
        assert_eq!(
            read(a.join(f)),
            read(b.join(f)),
            "{f} differs between 1 and 2 threads"
        );
    }
    assert_ne!(read(a.join("runs.csv")), read(c.join("runs.csv")));
    assert_ne!(read(a.join("summary.csv")), read(c.join("summary.csv")));
}

#[test]
fn summaries_do_not_depend_on_writing_runs_csv() {
    let (a, b) = (scratch("with"), scratch("without"));
    run_builtin(&a, 1500, 3, 2, &[]);
    run_builtin(&b, 1500, 3, 2, &["--no-runs-csv"]);
    assert!(!b.join("runs.csv").exists());
    assert_eq!(read(a.join("summary.csv")), read(b.join("summary.csv")));
}

#[test]
fn replay_ends_with_the_outcome_of_the_same_row_of_runs_csv() {
    let d = scratch("replay");
    run_builtin(&d, 1200, 7, 2, &[]);
    let runs = read(d.join("runs.csv"));
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    for idx in [0usize, 1, 517, 1023, 1024, 1199] {
        // The built-in scenario is a forecast: `run` is the candidate index
        // (rising, with gaps where candidates were rejected), and `replay`
        // takes it.
        let row = &rows[idx];
        let run = &row[col("run")];
        assert_eq!(row[col("rng_stream")], *run);
        if idx > 0 {
            let prev: u64 = rows[idx - 1][col("run")].parse().unwrap();
            assert!(run.parse::<u64>().unwrap() > prev);
        }
        let out = run_ok(&["replay", "--seed", "7", "--run", run]);
        let trace = String::from_utf8(out.stdout).unwrap();
        crate::common::assert_trace_matches(
            &trace,
            |name| row[col(name)].clone(),
            &["headline", "cash_share", "annual_cap", "auto_tariff"],
            &format!("run {idx}"),
        );
    }
}

#[test]
fn check_prints_the_resolved_scenario() {
    let out = run_ok(&["check", "configs/korea_us_2025.toml"]);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("valid"));
    assert!(s.contains("[levers.visa_review]"));
    assert!(s.contains("focal deadline apec_gyeongju on 2025-10-29 = round 13"));
}

fn bad_config(name: &str, text: &str) -> (i32, String, PathBuf) {
    let d = scratch(name);
    let cfg = d.join(format!("{name}.toml"));
    fs::write(&cfg, text).unwrap();
    let out_dir = d.join("out");
    let out = bin()
        .args([
            "run",
            cfg.to_str().unwrap(),
            "--runs",
            "10",
            "--quiet",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out_dir,
    )
}

fn builtin_with(from: &str, to: &str) -> String {
    let text = standoff::config::BUILTIN_TOML;
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn rejects_credibility_above_one_naming_the_key() {
    let cfg = builtin_with("credibility = 0.6", "credibility = 1.5");
    let (code, err, out) = bad_config("cred", &cfg);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("levers.visa_review.credibility"), "{err}");
    assert!(err.contains("1.5"), "{err}");
    assert!(!out.exists(), "no output folder for a bad config");
}

#[test]
fn rejects_an_unknown_table_naming_it() {
    let cfg = format!(
        "{}\n[negotiators.japan]\nweight = 1\n",
        standoff::config::BUILTIN_TOML
    );
    let (code, err, _) = bad_config("table", &cfg);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("negotiators"), "{err}");
}

#[test]
fn rejects_an_unknown_strategy_naming_the_key() {
    let cfg = builtin_with(
        "kind = \"attrition\"\nendurance = 0.2",
        "kind = \"stubborn_mule\"\nendurance = 0.2",
    );
    let (code, err, _) = bad_config("strategy", &cfg);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("players.us.strategy.kind"), "{err}");
    assert!(err.contains("stubborn_mule"), "{err}");
}

#[test]
fn rejects_a_missing_config_file_and_bad_arguments_with_exit_2() {
    let out = bin().args(["run", "no/such/file.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.toml"));
    let out = bin().args(["run", "--runs", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["run", "--threads", "0", "--runs", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A bound on threads, checked before any is started.
    let out = bin()
        .args(["run", "--threads", "100000", "--runs", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--threads: expected at most 1024"), "{err}");
    let out = bin().args(["run", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_config_or_sweep_file_over_1_mib_is_refused_with_exit_2_naming_it_and_the_limit() {
    let d = scratch("big");
    // /dev/zero never ends: it is refused once 1 MiB has been read.
    let mut cases = vec![("check", PathBuf::from("/dev/zero"))];
    let big = d.join("big.toml");
    let mut text =
        read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/configs/good/minimal.toml"));
    text.push_str(&format!("# {}\n", "padding ".repeat(140_000)));
    fs::write(&big, &text).unwrap();
    cases.push(("check", big.clone()));
    cases.push(("run", big.clone()));
    cases.push(("sweep", big));
    for (cmd, file) in cases {
        let mut c = bin();
        c.args([cmd, file.to_str().unwrap()]);
        if cmd != "check" {
            c.arg("--quiet");
        }
        let out = c.current_dir(&d).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{cmd} {}: {err}",
            file.display()
        );
        assert!(
            err.contains(&format!(
                "{}: the file is larger than 1048576 bytes (1 MiB)",
                file.display()
            )),
            "{cmd}: {err}"
        );
    }
    assert_eq!(fs::read_dir(&d).unwrap().count(), 1, "nothing written");
}

#[test]
fn run_and_sweep_refuse_a_non_empty_out_folder_with_exit_2_and_leave_it_alone() {
    let d = scratch("not_empty");
    let out = d.join("out");
    run_builtin(&out, 40, 1, 1, &[]);
    // Every file of the folder with its contents, in name order.
    let contents = || -> Vec<(String, String)> {
        let mut v: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (p.display().to_string(), read(&p))
            })
            .collect();
        v.sort();
        v
    };
    let before = contents();
    // A second run (here without runs.csv, which would have left the first
    // run's runs.csv beside the new manifest) is refused.
    let o = out.to_str().unwrap();
    let second = bin()
        .args([
            "run",
            "--runs",
            "30",
            "--quiet",
            "--no-runs-csv",
            "--out",
            o,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("{o}: the output folder is not empty")),
        "{err}"
    );
    // So is a sweep into a folder that is not a sweep's.
    let s = d.join("s.toml");
    fs::write(
        &s,
        "version = 1\ndesign = \"grid\"\nreplicates = 10\n[[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.1]\n",
    )
    .unwrap();
    let sw = bin()
        .args(["sweep", s.to_str().unwrap(), "--quiet", "--out", o])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&sw.stderr);
    assert_eq!(sw.status.code(), Some(2), "{err}");
    assert!(err.contains("the output folder is not empty"), "{err}");
    let after = contents();
    assert!(before == after, "the folder was changed");
}

#[test]
fn progress_is_plain_lines_when_stderr_is_not_a_terminal_and_nothing_with_quiet() {
    let d = scratch("progress");
    let out = run_ok(&[
        "run",
        "--no-forecast",
        "--runs",
        "5000",
        "--out",
        d.join("a").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("standoff: runs 5000/5000 (100%)"), "{err}");
    assert!(
        err.contains("runs of korea_us_2025"),
        "the closing line: {err}"
    );
    let out = run_ok(&[
        "run",
        "--no-forecast",
        "--runs",
        "5000",
        "--quiet",
        "--out",
        d.join("b").to_str().unwrap(),
    ]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
