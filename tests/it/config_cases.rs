//! Data-driven config tests: every file in `tests/configs/good` must validate;
//! every file in `tests/configs/bad` must fail with a message containing the
//! text of its first line, `# error: <text>`. The shipped configs in
//! `configs/` must validate too.

use std::fs;
use std::path::{Path, PathBuf};

use standoff::config;

fn toml_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .toml files in {}", dir.display());
    files
}

/// A path relative to the crate, as a user would type it.
fn label(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(p)
        .display()
        .to_string()
}

fn load(p: &Path) -> Result<config::Loaded, config::ConfigError> {
    let text = fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    config::load_str(&label(p), &text)
}

#[test]
fn good_configs_validate() {
    let mut failures = Vec::new();
    for p in toml_files("tests/configs/good")
        .into_iter()
        .chain(toml_files("configs"))
    {
        match load(&p) {
            Ok(l) => {
                // The resolved config loads back to the same raw config.
                let text = config::resolved_toml(&l.raw);
                match config::load_str("resolved", &text) {
                    Ok(again) if again.raw == l.raw => {}
                    Ok(_) => failures.push(format!("{}: resolved config differs", label(&p))),
                    Err(e) => failures.push(format!("{}: resolved config fails: {e}", label(&p))),
                }
            }
            Err(e) => failures.push(format!("{}: {e}", label(&p))),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn bad_configs_fail_with_their_message() {
    let mut failures = Vec::new();
    let files = toml_files("tests/configs/bad");
    for p in &files {
        let text = fs::read_to_string(p).expect("readable");
        let want = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# error: "))
            .unwrap_or_else(|| panic!("{}: first line must be `# error: <text>`", label(p)))
            .trim();
        match config::load_file(p) {
            Ok(_) => failures.push(format!("{}: loaded, expected an error", label(p))),
            Err(e) => {
                let msg = e.to_string();
                if !msg.contains(want) {
                    failures.push(format!(
                        "{}:\n  expected: {want}\n  got:      {msg}",
                        label(p)
                    ));
                } else if !msg.starts_with(&p.display().to_string()) {
                    failures.push(format!(
                        "{}: message does not start with the file: {msg}",
                        label(p)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn bad_config_messages_name_their_line() {
    // Every bad file's error (other than a missing key) points at a line.
    let mut failures = Vec::new();
    for p in toml_files("tests/configs/bad") {
        let e = load(&p).expect_err("bad config");
        if e.line().is_none() && !e.to_string().contains("missing") {
            failures.push(format!("{}: no line in: {e}", label(&p)));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
