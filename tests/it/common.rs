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

/// A child process, killed when dropped: a failing test leaves no running
/// or halted process behind.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
