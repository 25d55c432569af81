//! `standoff sweep`: reproducibility (thread count, added points, resume after
//! an interruption) and input errors, on tiny sweeps over the built-in
//! scenario and `tests/configs/good/minimal.toml`.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use standoff::cli::sweep::HALT_AFTER_POINTS;
use standoff::config;
use standoff::runner::{self, PointEvent, PointSpec, Pool, RunSpec};
use standoff::stats::RunStats;

use crate::common::{bin, ok, read, KillOnDrop};

/// A fresh folder for one test.
fn tmp(name: &str) -> PathBuf {
    crate::common::scratch("sweep", name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn sweep(args: &[&str]) -> Output {
    bin()
        .arg("sweep")
        .args(args)
        .arg("--quiet")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file under `dir` (relative paths), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// The two folders hold the same files with the same bytes, the manifests aside.
fn assert_same_outputs(a: &Path, b: &Path) {
    let fa = files(a);
    assert_eq!(fa, files(b));
    for f in fa.iter().filter(|f| !f.ends_with("manifest.json")) {
        assert!(
            fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(),
            "{} differs",
            f.display()
        );
    }
    assert!(read(b.join("manifest.json")).contains("\"complete\": true"));
}

const LEVERS: &str = r#"version = 1
design = "grid"
replicates = 300
[[param]]
path = "levers.visa_review.credibility"
values = [0.2, 0.8]
[[param]]
path = "levers.rating_squeeze.enabled"
values = [true, false]
"#;

#[test]
fn one_and_two_threads_give_identical_files() {
    let d = tmp("threads");
    let s = write(&d, "s.toml", LEVERS);
    let (a, b) = (d.join("a"), d.join("b"));
    let s = s.to_str().unwrap();
    ok(sweep(&[
        s,
        "--out",
        a.to_str().unwrap(),
        "--threads",
        "1",
        "--runs-csv",
    ]));
    ok(sweep(&[
        s,
        "--out",
        b.to_str().unwrap(),
        "--threads",
        "2",
        "--runs-csv",
    ]));
    assert_same_outputs(&a, &b);
    // 4 points; one row per metric; runs.csv per point.
    let summary = read(a.join("sweep_summary.csv"));
    assert!(summary.starts_with(
        "point,param.levers.visa_review.credibility,param.levers.rating_squeeze.enabled,metric,count,mean,"
    ));
    assert!(summary.contains(
        "
3,0.8,FALSE,deal,300,"
    ));
    // One runs.csv for the sweep, the points' own removed once it is assembled.
    assert_eq!(read(a.join("runs.csv")).lines().count(), 4 * 300 + 1);
    assert!(!a.join("points/2/runs.csv").exists());
    assert!(a.join("points/2/scenario.toml").is_file());
    let pts = read(a.join("sweep_points.csv"));
    assert_eq!(pts.lines().count(), 5);
    assert!(pts.starts_with("point,rng_point,param.levers.visa_review.credibility,"));
}

#[test]
fn a_sweeps_runs_csv_is_tidy_and_replay_reproduces_its_rows() {
    let d = tmp("tidy");
    let s = write(&d, "s.toml", LEVERS);
    let out = d.join("sw");
    ok(sweep(&[
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--runs-csv",
    ]));
    let runs = read(out.join("runs.csv"));
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..9],
        [
            "point",
            "param.levers.visa_review.credibility",
            "param.levers.rating_squeeze.enabled",
            "replicate",
            "master_seed",
            "rng_point",
            "rng_stream",
            "outcome",
            "end_round"
        ]
    );
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    // Points in order, each with its parameter values and its runs 0..300.
    let pts = read(out.join("sweep_points.csv"));
    let pts: Vec<Vec<&str>> = pts
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let (k, r) = (i / 300, i % 300);
        assert_eq!(row[col("point")], k.to_string());
        assert_eq!(row[col("replicate")], r.to_string());
        assert_eq!(row[col("rng_stream")], r.to_string());
        assert_eq!(row[col("rng_point")], pts[k][1]);
        assert_eq!(row[1..3], [pts[k][2], pts[k][3]]);
    }
    // Per-point seeding: the points' generators differ.
    assert_ne!(pts[0][1], pts[1][1]);
    for i in [0usize, 299, 300, 757, 1199] {
        let row = &rows[i];
        let out = ok(bin()
            .args(["replay", "--sweep"])
            .arg(&out)
            .args([
                "--point",
                &row[col("point")],
                "--run",
                &row[col("replicate")],
            ])
            .output()
            .unwrap());
        let trace = String::from_utf8(out.stdout).unwrap();
        crate::common::assert_trace_matches(
            &trace,
            |name| row[col(name)].clone(),
            &["headline", "cash_share", "annual_cap"],
            &format!("row {i}"),
        );
    }
    // The point's scenario.toml loads and is the point's scenario: with the
    // point's generator, a run of it is the sweep's run (replayed here
    // through the folder; a plain run would use rng point 0).
    let scn = config::load_file(&out.join("points/3/scenario.toml")).unwrap();
    assert_eq!(scn.raw.levers.get("visa_review").unwrap().credibility, 0.8);
    assert!(!scn.raw.levers.get("rating_squeeze").unwrap().enabled);
    // A point or run the sweep does not have exits 2.
    for args in [
        ["--point", "4", "--run", "0"],
        ["--point", "0", "--run", "300"],
    ] {
        let o = bin()
            .args(["replay", "--sweep"])
            .arg(&out)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

/// The rows of sweep_summary.csv without the point index, keyed by the rest.
fn rows_for(summary: &str, prefix: &str) -> Vec<String> {
    summary
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .filter(|r| r.starts_with(prefix))
        .collect()
}

#[test]
fn a_points_rows_do_not_change_when_points_are_added() {
    let d = tmp("added");
    let one = write(
        &d,
        "one.toml",
        "version = 1\ndesign = \"grid\"\nreplicates = 200\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.1, 0.3]\n",
    );
    let two = write(
        &d,
        "two.toml",
        "version = 1\ndesign = \"grid\"\nreplicates = 200\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.05, 0.3, 0.2, 0.1]\n",
    );
    ok(sweep(&[
        one.to_str().unwrap(),
        "--out",
        d.join("a").to_str().unwrap(),
    ]));
    ok(sweep(&[
        two.to_str().unwrap(),
        "--out",
        d.join("b").to_str().unwrap(),
    ]));
    let a = read(d.join("a/sweep_summary.csv"));
    let b = read(d.join("b/sweep_summary.csv"));
    for v in ["0.1,", "0.3,"] {
        let ra = rows_for(&a, v);
        assert!(!ra.is_empty());
        assert_eq!(ra, rows_for(&b, v), "rows of delay_cost = {v}");
    }
    // Different points do differ.
    assert_ne!(
        rows_for(&a, "0.1,deal")[0].split_once("deal").unwrap().1,
        rows_for(&a, "0.3,deal")[0].split_once("deal").unwrap().1
    );
}

#[test]
fn common_seeding_reproduces_a_plain_run_of_the_points_scenario() {
    let d = tmp("common");
    let s = write(
        &d,
        "s.toml",
        "version = 1\ndesign = \"zip\"\nreplicates = 2500\nseeding = \"common\"\nseed = 9\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.24, 0.4]\n",
    );
    ok(sweep(&[
        s.to_str().unwrap(),
        "--out",
        d.join("sw").to_str().unwrap(),
    ]));
    // delay_cost = 0.24 is the built-in value: point 0 is the built-in
    // scenario's model (a sweep of the built-in leaves out its forecast).
    ok(bin()
        .args([
            "run",
            "--runs",
            "2500",
            "--seed",
            "9",
            "--quiet",
            "--no-runs-csv",
            "--no-forecast",
            "--out",
        ])
        .arg(d.join("run"))
        .output()
        .unwrap());
    let run: Vec<String> = read(d.join("run/summary.csv"))
        .lines()
        .skip(1)
        .map(String::from)
        .collect();
    let sw: Vec<String> = read(d.join("sw/sweep_summary.csv"))
        .lines()
        .filter_map(|l| l.strip_prefix("0,0.24,").map(String::from))
        .collect();
    assert_eq!(run, sw);
}

#[test]
fn a_resumed_sweep_ends_with_the_same_files() {
    let d = tmp("resume");
    let s = write(&d, "s.toml", LEVERS);
    let s = s.to_str().unwrap();
    let full = d.join("full");
    ok(sweep(&[s, "--out", full.to_str().unwrap(), "--runs-csv"]));
    // An interruption after points 0 and 2: the others' files, the summary
    // and the manifest are missing, a .partial is left behind.
    let cut = d.join("cut");
    ok(sweep(&[s, "--out", cut.to_str().unwrap(), "--runs-csv"]));
    for f in [
        "points/1.csv",
        "points/3.csv",
        "runs.csv",
        "sweep_summary.csv",
        "manifest.json",
    ] {
        fs::remove_file(cut.join(f)).unwrap();
    }
    fs::write(cut.join("points/1.csv.partial"), "0,half a row").unwrap();
    // Resuming with the sweep file checks it against the copy.
    ok(sweep(&[
        s,
        "--resume",
        cut.to_str().unwrap(),
        "--threads",
        "1",
    ]));
    assert_same_outputs(&full, &cut);
    // A finished sweep resumes to the same files again.
    ok(sweep(&["--resume", cut.to_str().unwrap()]));
    assert_same_outputs(&full, &cut);
}

#[test]
fn a_sweep_interrupted_by_sigint_resumes_to_the_same_files() {
    const HALT: usize = 5;
    let d = tmp("sigint");
    let text = "version = 1\ndesign = \"grid\"\nreplicates = 1500\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nfrom = 0.1\nto = 0.5\nsteps = 12\n";
    let s = write(&d, "s.toml", text);
    let s = s.to_str().unwrap();
    let cut = d.join("cut");
    // The test hook halts the sweep once HALT point files are committed,
    // and says so on stderr: the interruption comes at a known point.
    let mut guard = KillOnDrop(
        bin()
            .args([
                "sweep",
                s,
                "--quiet",
                "--threads",
                "2",
                "--runs-csv",
                "--out",
            ])
            .arg(&cut)
            .env(HALT_AFTER_POINTS, HALT.to_string())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut guard.0;
    let mut said = String::new();
    let mut stderr_rest = BufReader::new(child.stderr.take().unwrap());
    for line in (&mut stderr_rest).lines() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if line.contains("halted") {
            break;
        }
    }
    assert!(
        said.contains(&format!("halted after {HALT} points were written")),
        "the sweep did not halt: {said}"
    );
    // SIGINT ends the halted sweep as it ends any sweep: exit 130, saying
    // how to resume (a timeout only so that a broken build cannot hang).
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let t0 = Instant::now();
    while child.try_wait().unwrap().is_none() && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr_rest, &mut rest);
    assert_eq!(status.code(), Some(130), "{status}: {rest}");
    assert!(
        rest.contains(&format!("stopped with {HALT} of 12 points written"))
            && rest.contains("resume with `standoff sweep --resume")
            && rest.contains("interrupted by SIGINT"),
        "{rest}"
    );
    // Exactly the first HALT points are written, nothing half-written, and
    // the folder does not look complete.
    let mut written: Vec<String> = fs::read_dir(cut.join("points"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut want: Vec<String> = (0..HALT)
        .flat_map(|i| [format!("{i}.csv"), i.to_string()])
        .collect();
    want.sort();
    assert_eq!(written, want);
    for i in 0..HALT {
        // The point's runs wait in its folder until the sweep's runs.csv is assembled.
        assert_eq!(
            files(&cut.join("points").join(i.to_string())),
            [PathBuf::from("runs.csv"), PathBuf::from("scenario.toml")]
        );
    }
    assert!(!cut.join("manifest.json").exists());
    assert!(!cut.join("sweep_summary.csv").exists());
    assert!(!cut.join("runs.csv").exists());
    ok(sweep(&["--resume", cut.to_str().unwrap()]));
    let full = d.join("full");
    ok(sweep(&[s, "--out", full.to_str().unwrap(), "--runs-csv"]));
    assert_same_outputs(&full, &cut);
}

#[test]
fn the_halt_test_hook_refuses_a_value_that_is_not_a_number_before_anything_is_written() {
    let d = tmp("hook");
    let s = write(&d, "s.toml", LEVERS);
    let out = d.join("out");
    let o = bin()
        .args(["sweep", s.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .env(HALT_AFTER_POINTS, "five")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(HALT_AFTER_POINTS), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn resume_refuses_a_different_sweep_file_and_out_refuses_a_sweep_folder() {
    let d = tmp("refuse");
    let s = write(&d, "s.toml", LEVERS);
    let out = d.join("out");
    ok(sweep(&[
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--runs",
        "50",
    ]));
    let other = write(&d, "other.toml", &LEVERS.replace("0.8", "0.7"));
    let r = sweep(&[other.to_str().unwrap(), "--resume", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("the sweep file differs from the copy"),
        "{}",
        stderr(&r)
    );
    let r = sweep(&[s.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        stderr(&r).contains("holds a sweep already"),
        "{}",
        stderr(&r)
    );
    let r = sweep(&[
        s.to_str().unwrap(),
        "--out",
        d.join("x").to_str().unwrap(),
        "--runs",
        "0",
    ]);
    assert_eq!(r.status.code(), Some(2));
    let r = sweep(&["--resume", d.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    assert!(stderr(&r).contains("not a sweep folder"), "{}", stderr(&r));
    // A sweep started by another version is not resumed.
    let state = read(out.join("sweep_state.json"));
    let other_version = state.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"0.0.0\"",
    );
    fs::write(out.join("sweep_state.json"), other_version).unwrap();
    let r = sweep(&["--resume", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        stderr(&r).contains("started by standoff 0.0.0"),
        "{}",
        stderr(&r)
    );
    fs::write(out.join("sweep_state.json"), state).unwrap();
    // A changed copy is detected.
    fs::write(out.join("sweep.toml"), LEVERS.replace("300", "301")).unwrap();
    let r = sweep(&["--resume", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        stderr(&r).contains("sweep.toml was changed"),
        "{}",
        stderr(&r)
    );
}

#[test]
fn a_misspelt_path_exits_2_naming_it_before_anything_runs() {
    let d = tmp("misspelt");
    let s = write(
        &d,
        "s.toml",
        "version = 1\ndesign = \"grid\"\nreplicates = 10\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.1, 0.2]\n\
         [[param]]\npath = \"levers.visa_reveiw.credibility\"\nvalues = [0.5]\n",
    );
    let out = d.join("out");
    let r = sweep(&[s.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("levers.visa_reveiw.credibility: no such key"),
        "{}",
        stderr(&r)
    );
    assert!(
        stderr(&r).contains("(and 1 more point fails)"),
        "{}",
        stderr(&r)
    );
    assert!(!out.exists());
}

#[test]
fn a_value_out_of_range_in_any_point_exits_2_naming_the_path() {
    let d = tmp("range");
    // Only the last point is out of range: nothing runs.
    let s = write(
        &d,
        "s.toml",
        "version = 1\ndesign = \"zip\"\nreplicates = 10\n\
         [[param]]\npath = \"levers.visa_review.credibility\"\nvalues = [0.1, 0.5, 1.2]\n",
    );
    let out = d.join("out");
    let r = sweep(&[s.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    let e = stderr(&r);
    assert!(
        e.contains("point 2 (levers.visa_review.credibility = 1.2)"),
        "{e}"
    );
    assert!(
        e.contains("levers.visa_review.credibility: expected a probability in [0, 1], found 1.2"),
        "{e}"
    );
    assert!(!out.exists());
}

#[test]
fn zip_of_unequal_lengths_exits_2() {
    let d = tmp("zip");
    let s = write(
        &d,
        "s.toml",
        "version = 1\ndesign = \"zip\"\n\
         [[param]]\npath = \"levers.visa_review.enabled\"\nvalues = [true, false]\n\
         [[param]]\npath = \"levers.rating_squeeze.enabled\"\nvalues = [true]\n",
    );
    let r = sweep(&[
        s.to_str().unwrap(),
        "--out",
        d.join("out").to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        stderr(&r).contains("param[1]: a zip design needs lists of equal length"),
        "{}",
        stderr(&r)
    );
}

#[test]
fn a_base_scenario_is_found_relative_to_the_sweep_file_and_lhs_runs() {
    let d = tmp("base");
    let minimal = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/configs/good/minimal.toml");
    fs::copy(&minimal, d.join("minimal.toml")).unwrap();
    fs::create_dir_all(d.join("sub")).unwrap();
    let s = write(
        &d.join("sub"),
        "s.toml",
        "version = 1\nbase = \"../minimal.toml\"\ndesign = \"lhs\"\nsamples = 5\nreplicates = 50\n\
         [[param]]\npath = \"players.seller.delay_cost\"\nuniform = [0.0, 0.5]\n\
         [[param]]\npath = \"clock.horizon\"\nuniform = [5, 20]\ninteger = true\n",
    );
    let out = d.join("out");
    ok(sweep(&[
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "4",
    ]));
    let pts = read(out.join("sweep_points.csv"));
    assert_eq!(pts.lines().count(), 6);
    assert_eq!(read(out.join("base.toml")), read(&minimal));
    // Resuming uses the copies, not the original files.
    fs::remove_file(d.join("minimal.toml")).unwrap();
    fs::remove_file(out.join("points/4.csv")).unwrap();
    ok(sweep(&["--resume", out.to_str().unwrap()]));
    assert!(read(out.join("manifest.json")).contains("\"command\": \"sweep\""));
}

#[test]
fn run_points_gives_each_point_what_run_gives_it() {
    let base = config::builtin_model();
    let mut other = config::builtin_model();
    other.scenario.players[0].flow_cost = 0.5;
    let points = [
        PointSpec {
            scenario: &base.scenario,
            point: 17,
            real: None,
        },
        PointSpec {
            scenario: &other.scenario,
            point: 4,
            real: None,
        },
        PointSpec {
            scenario: &base.scenario,
            point: 0,
            real: None,
        },
    ];
    let runs = 2 * runner::CHUNK + 5;
    let mut got: Vec<(usize, RunStats, Vec<u8>)> = Vec::new();
    let mut rows: Vec<u8> = Vec::new();
    let pool = Pool::new(Some(2)).unwrap();
    pool.run_points(
        &points,
        runs,
        3,
        true,
        |k, ev| -> Result<(), ()> {
            match ev {
                PointEvent::Rows(r) => rows.extend_from_slice(r),
                PointEvent::Done(s, _) => got.push((k, s, std::mem::take(&mut rows))),
            }
            Ok(())
        },
        |_| Ok(()),
    )
    .unwrap();
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [0, 1, 2]);
    for (k, stats, rows) in got {
        let mut want_rows = Vec::new();
        let spec = RunSpec {
            runs,
            master_seed: 3,
            point: points[k].point,
            rows: true,
        };
        let want = pool
            .run(
                points[k].scenario,
                spec,
                |r| -> Result<(), ()> {
                    want_rows.extend_from_slice(r);
                    Ok(())
                },
                |_| Ok(()),
            )
            .unwrap()
            .stats;
        assert_eq!(stats, want, "point {k}");
        assert!(rows == want_rows, "rows of point {k}");
    }
}

#[test]
fn a_sweep_of_a_million_points_is_refused_with_exit_2_stating_the_limit() {
    let d = tmp("million");
    for (design, body) in [
        ("grid", "[[param]]\npath = \"players.korea.delay_cost\"\nfrom = 0.0\nto = 1.0\nsteps = 1000\n[[param]]\npath = \"players.us.delay_cost\"\nfrom = 0.0\nto = 1.0\nsteps = 1000\n"),
        ("random\"\nsamples = 1000000\n#", "[[param]]\npath = \"players.korea.delay_cost\"\nuniform = [0.0, 1.0]\n"),
    ] {
        let s = write(&d, "s.toml", &format!("version = 1\ndesign = \"{design}\"\n{body}"));
        let out = d.join("out");
        let o = sweep(&[s.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("[1, 100000], found 1000000")
                || err.contains("more than 100000 points, the most a sweep may have"),
            "{err}"
        );
        assert!(!out.exists(), "nothing written");
    }
}

#[test]
fn a_missing_key_of_a_sweep_file_is_named_with_its_table() {
    let d = tmp("missing_key");
    for (text, want) in [
        (
            "version = 1\nreplicates = 10\n[[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.1]\n",
            "s.toml: design: missing required key 'design'",
        ),
        (
            "version = 1\ndesign = \"grid\"\n[[param]]\nvalues = [0.1]\n",
            "s.toml:3: param[0].path: missing required key 'path'",
        ),
    ] {
        let s = write(&d, "s.toml", text);
        let o = sweep(&[s.to_str().unwrap(), "--out", d.join("out").to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{err}");
    }
}
