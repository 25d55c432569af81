//! The command line's own documentation: the examples of `--help` (each
//! parsed by the real parser), shell completions, the man page, the commit
//! in `--version`, and the command line and commit in manifest.json.

use std::path::Path;
use std::process::Command;

use clap::{CommandFactory, Parser};
use standoff::cli::{usage, Cli};

use crate::common::{bin, ok, read, scratch};

/// Every example line of every help text (the top level's and each
/// command's) is accepted by the parser, names a command of its own help,
/// and names only files that exist (or the placeholder my_scenario.toml).
#[test]
fn every_help_example_parses_and_its_files_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let top = Cli::command();
    let mut seen = Vec::new();
    let helps = std::iter::once(("", top.get_after_help().map(|h| h.to_string())))
        .chain(
            top.get_subcommands()
                .map(|s| (s.get_name(), s.get_after_help().map(|h| h.to_string()))),
        )
        .collect::<Vec<_>>();
    for (name, help) in helps {
        let Some(help) = help else { continue };
        assert!(help.starts_with("Examples:\n"), "{name}: {help}");
        seen.push(name.to_string());
        let lines = usage::example_lines(&help);
        assert!(lines.len() >= 2, "{name}: {lines:?}");
        for line in lines {
            let args: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(args[0], "standoff", "{line}");
            if !name.is_empty() {
                assert_eq!(args[1], name, "an example of {name}: {line}");
            }
            if let Err(e) = Cli::try_parse_from(&args) {
                panic!("{line}: {e}");
            }
            for a in args.iter().filter(|a| a.ends_with(".toml")) {
                assert!(
                    *a == "my_scenario.toml" || root.join(a).is_file(),
                    "{line}: {a} does not exist"
                );
            }
        }
    }
    for want in [
        "", "run", "replay", "sweep", "forecast", "validate", "check",
    ] {
        assert!(seen.iter().any(|s| s == want), "no examples for {want:?}");
    }
    // And --help shows them.
    let out = ok(bin().args(["run", "--help"]).output().unwrap());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Examples:\n  standoff run"), "{text}");
    let out = ok(bin().arg("--help").output().unwrap());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("standoff completions bash"), "{text}");
}

#[test]
fn completions_print_a_script_naming_the_commands_and_a_bad_shell_is_exit_2() {
    let out = ok(bin().args(["completions", "bash"]).output().unwrap());
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("_standoff()"), "{script}");
    assert!(script.contains("complete -F _standoff"), "{script}");
    for cmd in [
        "run", "replay", "sweep", "forecast", "validate", "check", "man",
    ] {
        assert!(script.contains(&format!("standoff,{cmd})")), "{cmd}");
    }
    assert!(script.contains("--no-runs-csv") && script.contains("--force"));
    for (shell, mark) in [
        ("zsh", "#compdef standoff"),
        ("fish", "complete -c standoff"),
        ("elvish", "edit:completion:arg-completer[standoff]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = ok(bin().args(["completions", shell]).output().unwrap());
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(s.contains(mark), "{shell}: {s}");
    }
    let bad = bin().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
    let none = bin().arg("completions").output().unwrap();
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn man_prints_one_page_with_every_command_its_options_and_examples() {
    let out = ok(bin().arg("man").output().unwrap());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("\n.TH standoff 1 "), "{page}");
    assert_eq!(page.matches(".TH ").count(), 1, "one page");
    // roff's preamble once, at the top.
    assert!(page.starts_with(".ie \\n(.g .ds Aq"));
    assert_eq!(page.matches(".ie \\n(.g").count(), 1);
    for cmd in [
        "RUN",
        "REPLAY",
        "SWEEP",
        "VALIDATE",
        "CHECK",
        "FORECAST",
        "SCENARIOS",
        "COMPLETIONS",
        "MAN",
    ] {
        assert!(
            page.contains(&format!("\n.SH \"STANDOFF {cmd}\"\n")),
            "{cmd}"
        );
    }
    // Options (hyphens escaped for roff) and examples of the commands.
    assert!(page.contains("\\fB\\-\\-no\\-runs\\-csv\\fR"));
    assert!(page.contains("\\fB\\-\\-resume\\fR"));
    assert!(page.contains(".SS EXAMPLES\n.nf\nstandoff run"));
    // Sections of a command are one level down: no stray .SH OPTIONS after the top's.
    assert_eq!(page.matches("\n.SH OPTIONS\n").count(), 1);
    // If man is installed, it renders the page without a warning.
    let dir = scratch("usage", "man");
    let file = dir.join("standoff.1");
    std::fs::write(&file, &page).unwrap();
    if let Ok(o) = Command::new("man")
        .arg("--warnings")
        .arg("-l")
        .arg(&file)
        .env("MANWIDTH", "80")
        .output()
    {
        if o.status.success() {
            // Without the overstriking of bold text (c, backspace, c).
            let mut text = String::new();
            for c in String::from_utf8_lossy(&o.stdout).chars() {
                if c == '\u{8}' {
                    text.pop();
                } else {
                    text.push(c);
                }
            }
            assert!(text.contains("STANDOFF RUN"), "{text}");
            let warn = String::from_utf8_lossy(&o.stderr);
            assert!(warn.trim().is_empty(), "man warns: {warn}");
        }
    }
}

/// The commit of the build, per the binary's `--version`: 12 hex digits
/// with an optional `-dirty`, and the checkout's HEAD when git can tell.
fn version_commit() -> Option<String> {
    let out = ok(bin().arg("--version").output().unwrap());
    let v = String::from_utf8(out.stdout).unwrap();
    let v = v.trim_end();
    let bare = format!("standoff {}", env!("CARGO_PKG_VERSION"));
    if v == bare {
        return None;
    }
    let c = v
        .strip_prefix(&format!("{bare} (commit "))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("--version: {v}"));
    let hash = c.strip_suffix("-dirty").unwrap_or(c);
    assert!(
        hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{v}"
    );
    Some(c.to_string())
}

#[test]
fn version_names_the_commit_of_the_checkout() {
    let commit = version_commit();
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    // Only a checkout whose top is this crate (as build.rs decides).
    let own = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| {
        Path::new(&top).canonicalize().ok()
            == Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().ok()
    });
    let head = git(&["rev-parse", "--short=12", "HEAD"]).filter(|_| own);
    match (head, commit) {
        (Some(h), Some(c)) => assert!(c.starts_with(&h), "--version says {c}, HEAD is {h}"),
        (Some(h), None) => panic!("built from a git checkout at {h}, but --version has no commit"),
        // Outside git (a crate tarball): the bare version.
        (None, _) => {}
    }
}

#[test]
fn manifest_records_the_command_line_and_the_commit() {
    let d = scratch("usage", "manifest");
    let out = d.join("a folder with 'quotes'");
    let o = out.to_str().unwrap();
    let args = [
        "run",
        "--no-forecast",
        "--runs",
        "40",
        "--seed",
        "3",
        "--quiet",
        "--out",
        o,
    ];
    ok(bin().args(args).output().unwrap());
    let m: serde_json::Value = serde_json::from_str(&read(out.join("manifest.json"))).unwrap();
    let argv: Vec<&str> = m["argv"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(argv[0], env!("CARGO_BIN_EXE_standoff"));
    assert_eq!(&argv[1..], &args);
    let line = m["command_line"].as_str().unwrap();
    let quoted = format!("'{}'", o.replace('\'', "'\\''"));
    assert!(
        line.ends_with(&format!(
            " run --no-forecast --runs 40 --seed 3 --quiet --out {quoted}"
        )),
        "{line}"
    );
    // A POSIX shell reads the line back into the same arguments.
    if let Ok(sh) = Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s\\n' {line}"))
        .output()
    {
        let back = String::from_utf8_lossy(&sh.stdout);
        assert_eq!(back.lines().collect::<Vec<_>>(), argv);
    }
    match version_commit() {
        Some(c) => assert_eq!(m["commit"], c.as_str()),
        None => assert!(m["commit"].is_null()),
    }
    assert_eq!(m["command"], "run");
}
