//! `--force`: replacing an output folder that standoff wrote.
//!
//! A folder is taken as standoff's when everything in it is a file that
//! standoff writes ([`WRITTEN`], or one of them with `.partial` added: a
//! process killed outright leaves one), in the folders standoff makes for
//! them, and its `manifest.json`, if there is one, is a standoff manifest
//! (`"tool": "standoff"` with a results version). Such a folder is emptied
//! of exactly those files (and the `points/` folders) before the new run
//! writes; any other entry (a file of another name, another folder, a
//! symbolic link, a manifest of another tool) refuses the whole folder
//! before anything is deleted. So `--out ~ --force` deletes nothing.
//!
//! This is the one place outside `config` and `sweep` that reads a file:
//! the manifest, to tell a standoff folder from another.

use super::{OutputDir, OutputError, MANIFEST};
use std::fs::{self, File};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// The files standoff writes in an output folder, by path relative to it;
/// `#` stands for a point index (decimal digits). The folders on the way
/// (`points`, `points/#`) are standoff's too.
pub const WRITTEN: &[&str] = &[
    // run
    "runs.csv",
    "summary.csv",
    "histograms.csv",
    "survival.csv",
    // forecast
    "forecast.csv",
    // sweep (see sweep::store for the layout)
    "sweep.toml",
    "base.toml",
    "sweep_state.json",
    "sweep_points.csv",
    "sweep_summary.csv",
    "points/#.csv",
    "points/#/runs.csv",
    "points/#/scenario.toml",
    // all of them, last
    MANIFEST,
];

/// The largest manifest.json read (a sweep's lists its files: about 40
/// bytes per point, at most 100,000 points); a larger one is not standoff's.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// True if one component of a path matches one of a pattern.
fn component_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('#') {
        None => pattern == name,
        Some((pre, post)) => name
            .strip_prefix(pre)
            .and_then(|n| n.strip_suffix(post))
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
    }
}

/// True if `rel` (components of a path relative to the folder) matches
/// `pattern` (a [`WRITTEN`] entry) component by component.
fn path_matches(pattern: &str, rel: &[&str]) -> bool {
    let parts: Vec<&str> = pattern.split('/').collect();
    parts.len() == rel.len() && parts.iter().zip(rel).all(|(p, n)| component_matches(p, n))
}

/// True if the file at `rel` (relative to an output folder, `/`-separated)
/// is one standoff writes, or the `.partial` of one.
pub fn is_written_file(rel: &str) -> bool {
    let rel = rel.strip_suffix(".partial").unwrap_or(rel);
    let parts: Vec<&str> = rel.split('/').collect();
    WRITTEN.iter().any(|p| path_matches(p, &parts))
}

/// True if the folder at `rel` is one standoff makes (a folder on the way
/// to a [`WRITTEN`] file).
pub fn is_written_folder(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    WRITTEN.iter().any(|p| {
        let pp: Vec<&str> = p.split('/').collect();
        pp.len() > parts.len() && pp.iter().zip(&parts).all(|(p, n)| component_matches(p, n))
    })
}

/// The reason `manifest.json` at `path` is not a standoff manifest, if it is not.
fn foreign_manifest(path: &Path) -> Result<Option<String>, OutputError> {
    #[derive(serde::Deserialize)]
    struct Ours {
        tool: String,
        // Required, so that a manifest of another tool named standoff is not taken.
        #[serde(rename = "results_version")]
        _results_version: u32,
    }
    let f = File::open(path).map_err(|source| OutputError::Scan {
        path: path.to_path_buf(),
        source,
    })?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_MANIFEST_BYTES {
        return Ok(Some(format!(
            "is larger ({len} bytes) than a standoff manifest can be"
        )));
    }
    let r = BufReader::new(f.take(MAX_MANIFEST_BYTES));
    Ok(match serde_json::from_reader::<_, Ours>(r) {
        Err(e) => Some(format!("is not a standoff manifest ({e})")),
        Ok(m) if m.tool != "standoff" => Some(format!(
            "is not a standoff manifest (its tool is {:?})",
            m.tool
        )),
        Ok(_) => None,
    })
}

/// What a folder standoff wrote holds: its files, and its sub-folders
/// each after the folders inside it.
struct Holdings {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

/// Scans the output folder `root` below `rel` (`/`-separated, empty at the
/// top) into `into`; the first entry (in name order) that standoff did not
/// write is an error.
fn scan(root: &Path, rel: &str, into: &mut Holdings) -> Result<(), OutputError> {
    let dir = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let scan_err = |source| OutputError::Scan {
        path: dir.clone(),
        source,
    };
    let mut entries = Vec::new();
    for e in dir.read_dir().map_err(scan_err)? {
        let e = e.map_err(scan_err)?;
        entries.push((e.file_name(), e.path()));
    }
    entries.sort();
    for (name, path) in entries {
        let refuse = |why: String| OutputError::NotStandoffFolder {
            path: root.to_path_buf(),
            entry: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            why,
        };
        let Some(name) = name.to_str() else {
            return Err(refuse("is not a file standoff writes".into()));
        };
        let sub = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        let meta = fs::symlink_metadata(&path).map_err(|source| OutputError::Scan {
            path: path.clone(),
            source,
        })?;
        if meta.file_type().is_symlink() {
            return Err(refuse("is a symbolic link (standoff writes none)".into()));
        } else if meta.is_dir() {
            if !is_written_folder(&sub) {
                return Err(refuse("is a folder standoff does not make".into()));
            }
            scan(root, &sub, into)?;
            into.folders.push(path);
        } else if meta.is_file() && is_written_file(&sub) {
            if sub == MANIFEST {
                if let Some(why) = foreign_manifest(&path)? {
                    return Err(refuse(why));
                }
            }
            into.files.push(path);
        } else {
            return Err(refuse("is not a file standoff writes".into()));
        }
    }
    Ok(())
}

impl OutputDir {
    /// For `--force`: like [`OutputDir::create_new`], but a folder that
    /// holds only what standoff writes (see the module) is emptied of it
    /// first, so that no file of the earlier run stays beside the new
    /// ones. A folder holding anything else fails with
    /// [`OutputError::NotStandoffFolder`], naming the entry, and is left
    /// as it was: nothing is deleted unless everything can be.
    pub fn replace(path: impl AsRef<Path>) -> Result<OutputDir, OutputError> {
        let path = path.as_ref().to_path_buf();
        if path.is_dir() {
            let mut held = Holdings {
                files: Vec::new(),
                folders: Vec::new(),
            };
            scan(&path, "", &mut held)?;
            for f in &held.files {
                fs::remove_file(f).map_err(|source| OutputError::Io {
                    path: f.clone(),
                    source,
                })?;
            }
            // Sub-folders were pushed after their contents: deepest first.
            for d in &held.folders {
                fs::remove_dir(d).map_err(|source| OutputError::Io {
                    path: d.clone(),
                    source,
                })?;
            }
        }
        OutputDir::create_new(path)
    }
}
