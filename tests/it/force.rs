//! `--out DIR --force`: replaces a folder that standoff wrote (no stale file
//! left), refuses any other with exit 2 deleting nothing, and works on an
//! absent or empty folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{bin, ok, read, scratch};

/// Every file under `dir` (relative path and bytes) and every folder, sorted.
fn everything(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            if p.is_dir() {
                stack.push(p);
                v.push((rel, None));
            } else {
                v.push((rel, Some(fs::read(&p).unwrap())));
            }
        }
    }
    v.sort();
    v
}

fn names(dir: &Path) -> Vec<String> {
    everything(dir)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn run(out: &Path, extra: &[&str]) -> Output {
    bin()
        .args(["run", "--no-forecast", "--runs", "50", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn exit_2(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    err
}

#[test]
fn force_replaces_an_earlier_run_leaving_no_stale_file() {
    let d = scratch("force", "stale");
    let out = d.join("out");
    ok(run(&out, &["--seed", "1"]));
    assert!(out.join("runs.csv").is_file());
    let first = read(out.join("manifest.json"));
    // Without --force the folder is refused, as before.
    exit_2(&run(&out, &["--no-runs-csv"]));
    // With it, the earlier runs.csv does not stay beside the new summaries.
    ok(run(&out, &["--no-runs-csv", "--seed", "2", "--force"]));
    assert_eq!(
        names(&out),
        [
            "histograms.csv",
            "manifest.json",
            "summary.csv",
            "survival.csv"
        ]
    );
    let m: serde_json::Value = serde_json::from_str(&read(out.join("manifest.json"))).unwrap();
    assert_eq!(m["master_seed"], 2);
    assert_ne!(read(out.join("manifest.json")), first);
    // A stale .partial (a run killed outright) goes too.
    fs::write(out.join("runs.csv.partial"), "half").unwrap();
    ok(run(&out, &["--force"]));
    assert!(!names(&out).iter().any(|n| n.ends_with(".partial")));
    assert!(out.join("runs.csv").is_file());
}

#[test]
fn force_on_an_absent_or_empty_folder_just_runs() {
    let d = scratch("force", "fresh");
    ok(run(&d.join("absent/deeper"), &["--force"]));
    assert!(d.join("absent/deeper/manifest.json").is_file());
    fs::create_dir(d.join("empty")).unwrap();
    ok(run(&d.join("empty"), &["--force"]));
    assert!(d.join("empty/summary.csv").is_file());
}

#[test]
fn force_refuses_a_folder_with_anything_else_and_touches_nothing() {
    let d = scratch("force", "foreign");
    let out = d.join("out");
    ok(run(&out, &[]));
    // A file of the user's beside a run's files; a sub-folder; a manifest
    // of another tool; a file with a standoff name in a user's folder.
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "notes.txt",
            b"mine",
            "notes.txt is not a file standoff writes",
        ),
        (
            "data/x.csv",
            b"1,2\n",
            "data is a folder standoff does not make",
        ),
        ("points/0/plot.png", b"png", "is not a file standoff writes"),
    ];
    for (file, bytes, says) in cases {
        let p = out.join(file);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        let before = everything(&out);
        for cmd in [
            &["run", "--runs", "20"][..],
            &["forecast", "--as-of", "2025-10-27", "--runs", "20"],
        ] {
            let o = bin()
                .args(cmd)
                .args(["--quiet", "--force", "--out"])
                .arg(&out)
                .output()
                .unwrap();
            let err = exit_2(&o);
            assert!(err.contains(says), "{err}");
            let first = Path::new(file).components().next().unwrap();
            assert!(
                err.contains(&first.as_os_str().to_string_lossy().into_owned()),
                "{err}"
            );
            assert!(err.contains("nothing was deleted"), "{err}");
            assert!(err.contains(&out.display().to_string()), "{err}");
            assert_eq!(everything(&out), before, "{file}: the folder changed");
        }
        fs::remove_file(&p).unwrap();
        let parent = p.parent().unwrap();
        if parent != out {
            fs::remove_dir_all(out.join(Path::new(file).components().next().unwrap())).unwrap();
        }
    }
    // Another tool's manifest.json.
    let m = out.join("manifest.json");
    let ours = fs::read(&m).unwrap();
    fs::write(&m, "{\"tool\": \"other\", \"results_version\": 1}").unwrap();
    let before = everything(&out);
    let err = exit_2(&run(&out, &["--force"]));
    assert!(
        err.contains("manifest.json is not a standoff manifest"),
        "{err}"
    );
    assert_eq!(everything(&out), before);
    fs::write(&m, ours).unwrap();
    // A folder like a home folder: nothing lost.
    let home = d.join("home");
    fs::create_dir_all(home.join(".config")).unwrap();
    fs::write(home.join("summary.csv"), "my own summary").unwrap();
    fs::write(home.join(".profile"), "x").unwrap();
    let before = everything(&home);
    exit_2(&run(&home, &["--force"]));
    assert_eq!(everything(&home), before);
    // And --force needs --out.
    let o = bin().args(["run", "--force"]).output().unwrap();
    let err = exit_2(&o);
    assert!(err.contains("--out"), "{err}");
}

#[test]
fn force_replaces_a_sweep_folder_finished_or_not_and_a_forecast_folder() {
    let d = scratch("force", "sweep");
    let s = d.join("s.toml");
    fs::write(
        &s,
        "version = 1\ndesign = \"grid\"\nreplicates = 10\n[[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.1, 0.2]\n",
    )
    .unwrap();
    let out = d.join("out");
    let sweep = |extra: &[&str]| {
        bin()
            .arg("sweep")
            .arg(&s)
            .args(["--quiet", "--runs-csv", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    ok(sweep(&[]));
    let first = names(&out);
    assert!(
        first.contains(&"runs.csv".to_string())
            && first.contains(&"points/1/scenario.toml".to_string()),
        "{first:?}"
    );
    // Refused without --force (it holds a sweep), replaced with it: the same
    // files, written anew.
    let err = exit_2(&sweep(&[]));
    assert!(err.contains("--force"), "{err}");
    ok(sweep(&["--force", "--seed", "5"]));
    assert_eq!(names(&out), first);
    let m: serde_json::Value = serde_json::from_str(&read(out.join("manifest.json"))).unwrap();
    assert_eq!(m["master_seed"], 5);
    // An unfinished sweep (no manifest, no summary, a .partial) too.
    fs::remove_file(out.join("manifest.json")).unwrap();
    fs::remove_file(out.join("sweep_summary.csv")).unwrap();
    fs::remove_file(out.join("points/1.csv")).unwrap();
    fs::write(out.join("points/1.csv.partial"), "x").unwrap();
    ok(sweep(&["--force"]));
    assert_eq!(names(&out), first);
    // A forecast into the sweep's folder: only its own files stay.
    let o = bin()
        .args([
            "forecast",
            "--as-of",
            "2025-10-27",
            "--runs",
            "20",
            "--quiet",
            "--force",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    ok(o);
    assert_eq!(names(&out), ["forecast.csv", "manifest.json"]);
}
