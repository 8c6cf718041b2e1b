//! Temporary directories that remove themselves, for staging artifacts,
//! keys and tests. (Small enough not to need a crate.)

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

/// Writes a new file only its owner can read: for keys and passwords, in a
/// [`TempDir`].
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

/// A directory that is deleted, with its contents, when dropped.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A new directory in the system's temporary folder.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn new() -> Result<TempDir> {
        TempDir::new_in(&std::env::temp_dir(), "xtask")
    }

    /// A new, uniquely named directory `parent/.{prefix}-…`. Hidden, so that
    /// nobody mistakes what is in it for a finished artifact.
    pub fn new_in(parent: &Path, prefix: &str) -> Result<TempDir> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            ".{prefix}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = parent.join(unique);
        std::fs::create_dir(&path)
            .with_context(|| format!("cannot create a directory in {}", parent.display()))?;
        Ok(TempDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
