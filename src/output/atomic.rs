//! Atomic files (`<name>.partial`, renamed when complete) and the output
//! directory that hands them out.

use super::{OutputError, MANIFEST};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written as `<name>.partial`, renamed to `<name>` by [`commit`](Self::commit).
///
/// Dropped without `commit`, it leaves the `.partial` file (never a file
/// under the final name).
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    partial: PathBuf,
    w: BufWriter<File>,
}

impl AtomicFile {
    /// Creates (truncates) `<path>.partial`.
    pub fn create(path: &Path) -> Result<AtomicFile, OutputError> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let f = File::create(&partial).map_err(|source| OutputError::Io {
            path: partial.clone(),
            source,
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            partial,
            w: BufWriter::with_capacity(1 << 16, f),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes and removes the `.partial` file (for output that must not
    /// stand, e.g. a forecast that kept too few runs).
    pub fn discard(self) -> Result<(), OutputError> {
        let AtomicFile { partial, w, .. } = self;
        drop(w.into_inner().ok());
        fs::remove_file(&partial).map_err(|source| OutputError::Io {
            path: partial.clone(),
            source,
        })
    }

    /// Flushes, syncs and renames the `.partial` file to its final name.
    pub fn commit(self) -> Result<(), OutputError> {
        let io_err = |source| OutputError::Io {
            path: self.partial.clone(),
            source,
        };
        let f = self.w.into_inner().map_err(|e| io_err(e.into_error()))?;
        f.sync_all().map_err(io_err)?;
        drop(f);
        fs::rename(&self.partial, &self.path).map_err(|source| OutputError::Rename {
            from: self.partial.clone(),
            to: self.path.clone(),
            source,
        })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.w.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// An output directory.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
    /// Whether `create` made the directory (it did not exist).
    created: bool,
}

impl OutputDir {
    /// Creates the directory (and its parents) if needed; fails if the path
    /// is a file or cannot be created. A `manifest.json` left by an earlier
    /// run in the same directory is removed, so that the directory does not
    /// claim completeness until this run writes its own manifest.
    pub fn create(path: impl AsRef<Path>) -> Result<OutputDir, OutputError> {
        let path = path.as_ref().to_path_buf();
        if path.exists() && !path.is_dir() {
            return Err(OutputError::NotADirectory { path });
        }
        let created = !path.exists();
        fs::create_dir_all(&path).map_err(|source| OutputError::CreateDir {
            path: path.clone(),
            source,
        })?;
        let manifest = path.join(MANIFEST);
        match fs::remove_file(&manifest) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(OutputError::Io {
                    path: manifest,
                    source: e,
                })
            }
            _ => {}
        }
        Ok(OutputDir { path, created })
    }

    /// Removes the directory if `create` made it and nothing is in it
    /// (after a run that wrote nothing that stands); a directory that was
    /// there before, or that holds anything, is left alone.
    pub fn remove_if_empty(&self) {
        if self.created {
            // remove_dir removes only an empty directory.
            let _ = fs::remove_dir(&self.path);
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens `<dir>/<name>.partial` for writing; `commit` renames it to `<dir>/<name>`.
    pub fn stream(&self, name: &str) -> Result<AtomicFile, OutputError> {
        AtomicFile::create(&self.path.join(name))
    }

    /// Writes a whole CSV file (header and rows) atomically.
    pub fn write_csv<H, R>(&self, name: &str, header: H, rows: R) -> Result<(), OutputError>
    where
        H: IntoIterator,
        H::Item: AsRef<[u8]>,
        R: IntoIterator,
        R::Item: IntoIterator,
        <R::Item as IntoIterator>::Item: AsRef<[u8]>,
    {
        let path = self.path.join(name);
        let csv_err = |source| OutputError::Csv {
            path: path.clone(),
            source,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header).map_err(csv_err)?;
        for r in rows {
            w.write_record(r).map_err(csv_err)?;
        }
        let bytes = w.into_inner().map_err(|e| OutputError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        let mut f = self.stream(name)?;
        f.write_all(&bytes).map_err(|source| OutputError::Io {
            path: f.partial.clone(),
            source,
        })?;
        f.commit()
    }
}
