//! Golden outputs of the built-in scenario: summary.csv, survival.csv, a hash
//! of runs.csv and one replay trace, pinned byte for byte. A refactoring must
//! leave them unchanged; a deliberate change of results re-blesses them with
//! `STANDOFF_BLESS=1 cargo test golden` and says in its commit what changed
//! and why (and bumps the output format version).

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{bin, ok, scratch};

const RUNS: &str = "3000";
const SEED: &str = "11";
/// A run with levers used, events, a failed ratification and then a deal.
const REPLAY_RUN: &str = "14";
/// A kept run of the forecast (a candidate index of its runs.csv).
const FORECAST_REPLAY_RUN: &str = "291";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// FNV-1a, 64 bits: enough to notice any change of a file.
fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x} {} bytes\n", bytes.len())
}

fn check(name: &str, got: &[u8]) {
    let path = golden_dir().join(name);
    if std::env::var_os("STANDOFF_BLESS").is_some() {
        fs::write(&path, got).unwrap();
        return;
    }
    let want = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        want == got,
        "{name} differs from the golden copy {} (re-bless only for a deliberate change of results)",
        path.display()
    );
}

/// Runs `standoff run` on the built-in scenario with `extra` arguments and
/// pins summary.csv, survival.csv, a hash of runs.csv and the replay of
/// `replay_run`, each golden file named with `prefix`.
fn pin(prefix: &str, runs: &str, extra: &[&str], replay_run: &str) {
    let dir = scratch("golden", prefix.trim_end_matches('_'));
    ok(bin()
        .args([
            "run",
            "--runs",
            runs,
            "--seed",
            SEED,
            "--threads",
            "2",
            "--quiet",
        ])
        .args(extra)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap());
    let read = |f: &str| fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    check(&format!("{prefix}summary.csv"), &read("summary.csv"));
    check(&format!("{prefix}survival.csv"), &read("survival.csv"));
    check(
        &format!("{prefix}runs.csv.fnv"),
        fnv1a(&read("runs.csv")).as_bytes(),
    );
    let rep = ok(bin()
        .args(["replay", "--seed", SEED, "--run", replay_run])
        .args(extra)
        .output()
        .unwrap());
    check(&format!("{prefix}replay.csv"), &rep.stdout);
    let _ = fs::remove_dir_all(&dir);
}

/// The built-in scenario's model from 2025-07-31 (`--no-forecast`): these
/// files predate the forecast and did not change with it.
#[test]
fn builtin_scenario_outputs_are_pinned() {
    pin("", RUNS, &["--no-forecast"], REPLAY_RUN);
}

/// The built-in forecast from 2025-10-27: its kept runs (candidate 291 is
/// the first kept under seed 11).
#[test]
fn builtin_forecast_outputs_are_pinned() {
    pin("forecast_", "600", &[], FORECAST_REPLAY_RUN);
}
