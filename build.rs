//! Build script: records the git commit the binary is built from, for
//! `standoff --version` and manifest.json.
//!
//! Sets `STANDOFF_COMMIT` to the first 12 hex digits of `HEAD`, with
//! `-dirty` added when the files the binary is built from ([`SOURCES`])
//! differ from it, and
//! `STANDOFF_LONG_VERSION` to `<version> (commit <commit>)`, or to the bare
//! crate version when the commit is unknown: no git on the machine, or no
//! repository (a crate unpacked from a tarball). Either way the build goes on.
//!
//! It reruns when the checked-out commit moves (`HEAD`, the branch ref it
//! points to, `packed-refs`), when the index changes (a commit, `git add`)
//! and when the sources change (a new `-dirty` state), and not otherwise.

use std::path::Path;
use std::process::Command;

/// What the binary is built from (`include_str!` takes configs/): a change
/// of any other file (docs, tests) leaves the binary as the commit builds it.
const SOURCES: &[&str] = &["src", "configs", "build.rs", "Cargo.toml", "Cargo.lock"];

/// Runs git in the crate's folder; its trimmed stdout if it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

/// Tells cargo to rerun this script when `path` (relative to `dir` if
/// relative) changes. Only a path that exists: cargo reruns the script at
/// every build while a watched path is missing (a branch's ref is often
/// only in packed-refs, and packed-refs may not exist).
fn watch(dir: &Path, path: &str) {
    let p = dir.join(path);
    if p.exists() {
        println!("cargo:rerun-if-changed={}", p.display());
    }
}

fn main() {
    let dir_var = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&dir_var);
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = commit(dir);
    match &commit {
        Some(c) => {
            println!("cargo:rustc-env=STANDOFF_COMMIT={c}");
            println!("cargo:rustc-env=STANDOFF_LONG_VERSION={version} (commit {c})");
        }
        None => {
            println!("cargo:rerun-if-changed=build.rs");
            println!("cargo:rustc-env=STANDOFF_LONG_VERSION={version}");
        }
    }
}

/// The commit of `HEAD` (12 hex digits, `-dirty` if tracked [`SOURCES`]
/// are changed), and the files to watch; `None` outside a git work tree.
fn commit(dir: &Path) -> Option<String> {
    // Only a repository whose top is this crate: not a parent's repository
    // (a tarball unpacked inside some other checkout).
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    let hash = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    // The files whose change means another commit or another dirty state.
    // `--git-path` resolves them in a linked worktree too.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".into(), "index".into()];
    if let Some(r) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(r);
    }
    for w in &watched {
        if let Some(p) = git(dir, &["rev-parse", "--git-path", w]) {
            watch(dir, &p);
        }
    }
    for p in SOURCES {
        watch(dir, p);
    }
    // Without optional locks, `git status` never rewrites the index (which
    // would make this script rerun at the next build).
    let mut status = vec![
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
    ];
    status.extend(SOURCES);
    let dirty = git(dir, &status).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{hash}-dirty") } else { hash })
}
