//! All-or-nothing edits of several workspace files: every new text is
//! worked out first, then written; if any write fails, every file goes
//! back to the bytes it had, so a failed `rename`, `add-target` or
//! `remove-target` leaves the workspace as it found it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::util::atomic;

/// The new texts of some files under a root, to be written together.
#[derive(Default)]
pub struct Edits {
    files: Vec<(PathBuf, String)>,
}

impl Edits {
    /// Adds `file` (relative to the root) with its new `text`.
    pub fn set(&mut self, file: impl Into<PathBuf>, text: String) {
        self.files.push((file.into(), text));
    }

    /// The files that will be written, in order.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(file, _)| file.as_path())
    }

    /// Writes every file under `root`, then runs `after` (which may change
    /// `also`, files not edited here, like Cargo.lock). If a write or
    /// `after` fails, every file written and each of `also` gets its old
    /// bytes back, and the error says so.
    pub fn apply(
        &self,
        root: &Path,
        also: &[&Path],
        after: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        let touched: Vec<PathBuf> = self
            .files()
            .chain(also.iter().copied())
            .map(|file| root.join(file))
            .collect();
        let originals = Snapshot::take(&touched)?;
        let mut created = Vec::new();
        let written = (|| -> Result<()> {
            for (file, text) in &self.files {
                let path = root.join(file);
                created.extend(create_parents(&path)?);
                atomic::write(&path, text.as_bytes())?;
            }
            after()
        })();
        if let Err(err) = written {
            originals.restore()?;
            // Deepest first, so each is empty by the time it goes.
            for dir in created.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(err.context("nothing was changed: every file is back as it was"));
        }
        Ok(())
    }
}

/// Creates the folders missing above `path`; returns them, outermost
/// first, so a failed edit can take them away again.
fn create_parents(path: &Path) -> Result<Vec<PathBuf>> {
    let mut missing: Vec<PathBuf> = path
        .ancestors()
        .skip(1)
        .take_while(|dir| !dir.exists())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    for dir in &missing {
        std::fs::create_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(missing)
}

/// The bytes of some files, to put back if an edit fails halfway; `None`
/// for a file that did not exist.
struct Snapshot {
    files: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Snapshot {
    fn take(paths: &[PathBuf]) -> Result<Snapshot> {
        let mut taken = Vec::new();
        for path in paths {
            let bytes = match std::fs::read(path) {
                Ok(bytes) => Some(bytes),
                // Not there, or below something that is not a folder.
                Err(_) if !path.exists() => None,
                Err(err) => {
                    return Err(err).with_context(|| format!("cannot read {}", path.display()));
                }
            };
            taken.push((path.clone(), bytes));
        }
        Ok(Snapshot { files: taken })
    }

    fn restore(&self) -> Result<()> {
        for (path, bytes) in &self.files {
            match bytes {
                // Unchanged files need no write (and may sit where nothing
                // can be written, which is why the edit failed).
                Some(bytes) if std::fs::read(path).ok().as_ref() == Some(bytes) => {}
                Some(bytes) => atomic::write(path, bytes)?,
                None => {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::tempdir::TempDir;

    #[test]
    fn a_failed_write_puts_back_the_files_written_before_it() {
        let dir = TempDir::new_in(&std::env::temp_dir(), "edits").unwrap();
        let root = dir.path();
        std::fs::write(root.join("a"), "old a").unwrap();
        let mut edits = Edits::default();
        edits.set("a", "new a".to_owned());
        edits.set("c", "new c".to_owned());
        // A folder that is missing is made; a file in place of a folder
        // fails the write.
        std::fs::write(root.join("file"), "a file").unwrap();
        edits.set("new/dir/d", "new d".to_owned());
        edits.set("file/b", "new b".to_owned());
        let err = edits.apply(root, &[], || Ok(())).unwrap_err();
        assert!(format!("{err:#}").contains("every file is back as it was"));
        assert_eq!(std::fs::read_to_string(root.join("a")).unwrap(), "old a");
        assert!(!root.join("c").exists());
        assert!(!root.join("new").exists(), "the folders it made are gone");
    }

    #[test]
    fn a_failed_step_after_the_writes_puts_them_back() {
        let dir = TempDir::new_in(&std::env::temp_dir(), "edits").unwrap();
        let root = dir.path();
        std::fs::write(root.join("a"), "old a").unwrap();
        std::fs::write(root.join("lock"), "old lock").unwrap();
        let mut edits = Edits::default();
        edits.set("a", "new a".to_owned());
        let err = edits
            .apply(root, &[Path::new("lock")], || {
                std::fs::write(root.join("lock"), "half")?;
                anyhow::bail!("cargo update failed")
            })
            .unwrap_err();
        assert!(format!("{err:#}").contains("cargo update failed"));
        assert_eq!(std::fs::read_to_string(root.join("a")).unwrap(), "old a");
        assert_eq!(
            std::fs::read_to_string(root.join("lock")).unwrap(),
            "old lock"
        );
    }
}
