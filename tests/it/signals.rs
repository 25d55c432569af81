//! SIGINT and SIGTERM during `run` and `sweep` (issue 11, finding 17): the
//! command stops at a chunk boundary, removes its `.partial` files, writes
//! no manifest, says what was done and exits 128 + the signal. The signal
//! is sent once the first file is being written; the only timeout is there
//! so that a broken build cannot hang the tests (no timing is asserted).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::{bin, KillOnDrop};

fn scratch(name: &str) -> PathBuf {
    crate::common::scratch("signals", name)
}

/// Every file under `dir`, relative to it (none if there is no `dir`).
fn listing(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Starts `standoff ARGS`, waits until `started` exists (the command is
/// writing), sends `signal` (`INT` or `TERM`), and returns how the process
/// ended and what it said on stderr.
fn interrupt(args: &[&str], started: &Path, signal: &str) -> (ExitStatus, String) {
    let mut guard = KillOnDrop(
        bin()
            .args(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let child = &mut guard.0;
    let t0 = Instant::now();
    while !started.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "standoff {args:?} ended before {} appeared",
            started.display()
        );
        assert!(t0.elapsed() < Duration::from_secs(300), "nothing started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status();
    assert!(sent.unwrap().success(), "kill -{signal} {pid}");
    let t0 = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            t0.elapsed() < Duration::from_secs(300),
            "standoff {args:?} did not stop on SIG{signal}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = child.wait().unwrap();
    let mut said = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    (status, said)
}

#[test]
fn sigint_stops_a_long_run_with_exit_130_leaving_no_partial_file_and_no_manifest() {
    let d = scratch("run_int");
    let out = d.join("out");
    let o = out.to_str().unwrap();
    let args = ["run", "--runs", "3000000", "--quiet", "--out", o];
    let (status, said) = interrupt(&args, &out.join("runs.csv.partial"), "INT");
    assert_eq!(status.code(), Some(130), "{status}: {said}");
    assert!(listing(&out).is_empty(), "left behind: {:?}", listing(&out));
    assert!(said.contains("interrupted by SIGINT"), "{said}");
    assert!(said.contains("of 3000000 runs"), "{said}");
}

#[test]
fn sigterm_stops_a_run_without_runs_csv_with_exit_143() {
    let d = scratch("run_term");
    let out = d.join("out");
    let o = out.to_str().unwrap();
    let args = [
        "run",
        "--runs",
        "3000000",
        "--no-runs-csv",
        "--quiet",
        "--out",
        o,
    ];
    // Without runs.csv nothing is written until the end: the folder itself
    // shows that the run has started.
    let (status, said) = interrupt(&args, &out, "TERM");
    assert_eq!(status.code(), Some(143), "{status}: {said}");
    assert!(listing(&out).is_empty(), "left behind: {:?}", listing(&out));
    assert!(said.contains("interrupted by SIGTERM"), "{said}");
}

#[test]
fn sigterm_stops_a_sweep_mid_point_with_exit_143_and_says_how_to_resume() {
    let d = scratch("sweep_term");
    let s = d.join("s.toml");
    fs::write(
        &s,
        "version = 1\ndesign = \"grid\"\nreplicates = 3000000\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.1, 0.2]\n",
    )
    .unwrap();
    let out = d.join("out");
    let args = [
        "sweep",
        s.to_str().unwrap(),
        "--runs-csv",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    let (status, said) = interrupt(&args, &out.join("points/0/runs.csv.partial"), "TERM");
    assert_eq!(status.code(), Some(143), "{status}: {said}");
    let left = listing(&out);
    assert!(
        left.iter().all(|f| !f.ends_with(".partial")),
        "left behind: {left:?}"
    );
    assert!(!out.join("manifest.json").exists() && !out.join("sweep_summary.csv").exists());
    assert!(
        said.contains("stopped with 0 of 2 points written"),
        "{said}"
    );
    assert!(
        said.contains(&format!("standoff sweep --resume {}", out.display())),
        "{said}"
    );
}

#[test]
fn sigint_stops_a_forecast_with_exit_130_and_writes_nothing() {
    let d = scratch("forecast");
    let out = d.join("out");
    let out_s = out.to_str().unwrap();
    let args = [
        "forecast",
        "--as-of",
        "2025-09-15,2025-10-27",
        "--runs",
        "3000000",
        "--threads",
        "2",
        "--quiet",
        "--out",
        out_s,
    ];
    // The folder is made (and checked to be empty) before any run.
    let (status, said) = interrupt(&args, &out, "INT");
    assert_eq!(status.code(), Some(130), "{said}");
    assert!(said.contains("nothing was written"), "{said}");
    assert!(listing(&out).is_empty(), "{:?}", listing(&out));
    assert!(!out.exists(), "the folder it made is removed");
}

#[test]
fn default_output_folders_are_unique_within_a_second() {
    let d = scratch("default-names");
    for _ in 0..3 {
        let st = bin()
            .args(["run", "--no-forecast", "--runs", "50", "--quiet"])
            .current_dir(&d)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let n = fs::read_dir(d.join("runs")).unwrap().count();
    assert_eq!(n, 3, "three runs, three folders");
}
