//! Helpers shared by the test modules: the binary under test, scratch
//! folders and reading files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

/// A command running the `standoff` binary built for these tests.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_standoff"))
}

/// A fresh, empty folder `<group>-<name>` under the target's folder for
/// test scratch files (`CARGO_TARGET_TMPDIR`); `group` is the test module,
/// so that tests of different modules never share a folder.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{group}-{name}"));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// The text of a file; panics naming the file.
pub fn read(p: impl AsRef<Path>) -> String {
    fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// The output of a command that must succeed; panics with its exit code
/// and stderr otherwise.
pub fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Checks that a replay's trace (`standoff replay` output) ends as the row
/// of runs.csv whose cells `cell(column)` gives: the same outcome, end
/// round, and (for a deal) the same terms of `issues`; `what` names the
/// run in messages.
pub fn assert_trace_matches(
    trace: &str,
    cell: impl Fn(&str) -> String,
    issues: &[&str],
    what: &str,
) {
    let th: Vec<&str> = trace.lines().next().unwrap().split(',').collect();
    let last: Vec<&str> = trace.lines().last().unwrap().split(',').collect();
    let tcol = |name: &str| th.iter().position(|h| *h == name).unwrap();
    let outcome = cell("outcome");
    assert_eq!(last[tcol("outcome")], outcome, "{what}");
    let end_round: usize = cell("end_round").parse().unwrap();
    let rounds = trace.lines().count() - 1;
    if outcome == "no_deal" {
        assert_eq!(rounds, end_round, "{what}");
    } else {
        assert_eq!(rounds, end_round + 1, "{what}");
        assert_eq!(last[tcol("round")], cell("end_round"), "{what}");
    }
    if outcome == "deal" {
        for issue in issues {
            let a: f64 = last[tcol(issue)].parse().unwrap();
            let b: f64 = cell(issue).parse().unwrap();
            assert!((a - b).abs() < 1e-9, "{what} {issue}: {a} vs {b}");
        }
    }
}

/// A child process, killed when dropped: a failing test leaves no running
/// or halted process behind.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
