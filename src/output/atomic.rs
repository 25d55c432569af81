//! Atomic files (`<name>.partial`, renamed when complete) and the output
//! directory that hands them out.

use super::{OutputError, MANIFEST};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written as `<name>.partial`, renamed to `<name>` by [`commit`](Self::commit).
///
/// Dropped without `commit` (an error, an interruption), it removes its
/// `.partial` file, so a failed or interrupted run leaves no half-written
/// file behind (and never a file under the final name). Only a process
/// killed outright (SIGKILL, a power cut) leaves a `.partial`.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    partial: PathBuf,
    /// The open `.partial` file; `None` once committed.
    w: Option<BufWriter<File>>,
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
            w: Some(BufWriter::with_capacity(1 << 16, f)),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes and removes the `.partial` file (for output that must not
    /// stand, e.g. a forecast that kept too few runs).
    pub fn discard(mut self) -> Result<(), OutputError> {
        if let Some(w) = self.w.take() {
            let (f, _) = w.into_parts();
            drop(f);
        }
        fs::remove_file(&self.partial).map_err(|source| OutputError::Io {
            path: self.partial.clone(),
            source,
        })
    }

    /// Flushes, syncs and renames the `.partial` file to its final name.
    /// On failure the `.partial` file is removed.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let io_err = |source| OutputError::Io {
            path: self.partial.clone(),
            source,
        };
        let Some(w) = self.w.take() else {
            return Ok(());
        };
        let renamed = match w.into_inner() {
            Err(e) => Err(io_err(e.into_error())),
            Ok(f) => f.sync_all().map_err(io_err).and_then(|()| {
                drop(f);
                fs::rename(&self.partial, &self.path).map_err(|source| OutputError::Rename {
                    from: self.partial.clone(),
                    to: self.path.clone(),
                    source,
                })
            }),
        };
        if renamed.is_err() {
            let _ = fs::remove_file(&self.partial);
        }
        renamed
    }

    /// Like [`commit`](Self::commit), but never replaces a file: if the
    /// final path exists (before or while writing) it fails with
    /// [`OutputError::Exists`] and leaves that file as it was. The `.partial`
    /// file is linked to the final name (which fails if the name exists)
    /// and then removed; where links are not supported it is renamed after
    /// a check that the name is free.
    pub fn commit_new(mut self) -> Result<(), OutputError> {
        let io_err = |path: &Path, source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        };
        let Some(w) = self.w.take() else {
            return Ok(());
        };
        let done = match w.into_inner() {
            Err(e) => Err(io_err(&self.partial, e.into_error())),
            Ok(f) => f.sync_all().map_err(|e| io_err(&self.partial, e)),
        }
        .and_then(|()| match fs::hard_link(&self.partial, &self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists || self.path.exists() => {
                Err(OutputError::Exists {
                    path: self.path.clone(),
                })
            }
            Err(_) => fs::rename(&self.partial, &self.path).map_err(|source| OutputError::Rename {
                from: self.partial.clone(),
                to: self.path.clone(),
                source,
            }),
        });
        let _ = fs::remove_file(&self.partial);
        done
    }

    fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.w
            .as_mut()
            .ok_or_else(|| io::Error::other("the file is committed already"))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(w) = self.w.take() {
            // Unwritten buffered bytes are dropped with the file.
            let (f, _) = w.into_parts();
            drop(f);
            let _ = fs::remove_file(&self.partial);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer()?.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
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

    /// Like [`OutputDir::create`], but fails with [`OutputError::NotEmpty`]
    /// if the directory exists and holds anything: a new run or sweep
    /// never writes over an earlier one's files.
    pub fn create_new(path: impl AsRef<Path>) -> Result<OutputDir, OutputError> {
        let path = path.as_ref().to_path_buf();
        if path.is_dir() {
            let mut entries = path.read_dir().map_err(|source| OutputError::CreateDir {
                path: path.clone(),
                source,
            })?;
            if let Some(first) = entries.next() {
                let first = first
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .unwrap_or_default();
                return Err(OutputError::NotEmpty {
                    path,
                    first,
                    more: entries.count(),
                });
            }
        }
        OutputDir::create(path)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes `<dir>/<name>`, a file this directory's command wrote and no
    /// longer needs (a sweep point's runs.csv once the sweep's is
    /// assembled); a file already gone is not an error.
    pub fn remove(&self, name: &str) -> Result<(), OutputError> {
        let path = self.path.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(OutputError::Io { path, source: e })
            }
            _ => Ok(()),
        }
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
