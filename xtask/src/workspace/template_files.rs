//! The files `init` copies from the template into a project (the xtask, its
//! runner scripts and the GitHub release workflow), and the record of what
//! it wrote, so that a later
//! `init` from a newer template can replace them without overwriting an
//! edit.
//!
//! The record is `xtask/template-files.sha256`, in `sha256sum` format (so
//! `sha256sum -c xtask/template-files.sha256` checks a project by hand). A
//! file with no record (a clone of the template, which `init` never wrote)
//! counts as the template's where its bytes are a version the template's
//! own git history holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::formats::checksum;
use crate::util::digest;

/// The record's path, relative to the project root.
pub const RECORD: &str = "xtask/template-files.sha256";

/// The folders whose files `init` copies, and the files in them it leaves
/// behind: the template's own test suite (it walks the template's sample)
/// and its cargo-generate hook.
const COPIED: [&str; 2] = ["xtask", "scripts"];
const LEFT_BEHIND: [&str; 3] = ["xtask/tests", "scripts/cargo-generate-rename.rhai", RECORD];

/// One file of the template, as it is to be installed.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Relative to the root, with `/` between folders.
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// The GitHub release workflow, which `init` installs unless told not to:
/// it takes the project's targets from `cargo xtask plan`, so the same
/// file serves every project.
pub const RELEASE_WORKFLOW: &str = ".github/workflows/release.yml";

/// The files `init` installs from the template at `template`, the release
/// workflow among them if `with_workflow`.
pub fn template_files(template: &Path, with_workflow: bool) -> Result<Vec<TemplateFile>> {
    let mut files = Vec::new();
    for folder in COPIED {
        collect(template, &template.join(folder), &mut files)?;
    }
    if with_workflow {
        let path = template.join(RELEASE_WORKFLOW);
        files.push(TemplateFile {
            path: RELEASE_WORKFLOW.to_owned(),
            bytes: std::fs::read(&path)
                .with_context(|| format!("cannot read {}", path.display()))?,
            executable: false,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<TemplateFile>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let relative = relative_path(root, &path);
        if LEFT_BEHIND.contains(&relative.as_str()) || relative.ends_with("/target") {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files)?;
            continue;
        }
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        files.push(TemplateFile {
            path: relative,
            bytes,
            executable: is_executable(&path),
        });
    }
    Ok(())
}

fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    false
}

/// `path` → SHA-256 of what `init` last wrote there, from the record in
/// `project`; empty where there is none.
pub fn read_record(project: &Path) -> Result<BTreeMap<String, String>> {
    let path = project.join(RECORD);
    match std::fs::read_to_string(&path) {
        Ok(text) => checksum::parse_relative_sums(&text)
            .with_context(|| format!("{} is damaged; restore it from git", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The record of `files`, as written to [`RECORD`].
pub fn record_text(files: &[TemplateFile]) -> String {
    let sums: BTreeMap<String, String> = files
        .iter()
        .map(|file| (file.path.clone(), digest::sha256_hex(&file.bytes)))
        .collect();
    checksum::sums_file(&sums)
}

/// What installing the template does to one file of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not there: written.
    Added,
    /// There as an older template wrote it: replaced.
    Updated,
    /// Already the template's bytes.
    Unchanged,
    /// Recorded before, gone from the template now, and not edited: removed.
    Removed,
}

/// How `files` would change the project at `project`, given its record.
/// Refuses, naming them, files the user wrote or edited since: they
/// differ from the template's and from what the record or the template's
/// history says the template wrote.
pub fn plan(
    project: &Path,
    files: &[TemplateFile],
    record: &BTreeMap<String, String>,
    template_history: &dyn Fn(&[u8]) -> bool,
) -> Result<Vec<(String, Change)>> {
    let mut changes = Vec::new();
    let mut edited = Vec::new();
    let as_written = |path: &str, bytes: &[u8]| match record.get(path) {
        Some(sum) => *sum == digest::sha256_hex(bytes),
        None => template_history(bytes),
    };
    for file in files {
        let change = match std::fs::read(project.join(&file.path)) {
            Err(_) => Change::Added,
            Ok(bytes) if bytes == file.bytes => Change::Unchanged,
            Ok(bytes) if as_written(&file.path, &bytes) => Change::Updated,
            Ok(_) => {
                edited.push(file.path.clone());
                continue;
            }
        };
        changes.push((file.path.clone(), change));
    }
    for path in record.keys() {
        if files.iter().any(|file| &file.path == path) {
            continue;
        }
        match std::fs::read(project.join(path)) {
            Ok(bytes) if as_written(path, &bytes) => changes.push((path.clone(), Change::Removed)),
            Ok(_) => edited.push(path.clone()),
            Err(_) => {}
        }
    }
    if !edited.is_empty() {
        let pipeline = [RELEASE_WORKFLOW, ".gitlab-ci.yml"]
            .iter()
            .any(|path| edited.iter().any(|edited| edited == path));
        let own_pipeline = match pipeline {
            true => " A release pipeline of your own stays yours: run init with `--ci none`.",
            false => "",
        };
        bail!(
            "{} {} in {} that the template would replace or remove, but {} not what the \
             template wrote there (edited since, or written by you): {}. Move your changes out \
             of the xtask (into the project's own code or configuration), or restore the \
             files (`git checkout -- <file>`), then run init again. Nothing was \
             changed.{own_pipeline}",
            edited.len(),
            if edited.len() == 1 {
                "file is"
            } else {
                "files are"
            },
            project.display(),
            if edited.len() == 1 {
                "it is"
            } else {
                "they are"
            },
            edited.join(", ")
        );
    }
    Ok(changes)
}

/// Whether `bytes` are a version of a file in the git history of the
/// template at `template` (a clone's files, which no record covers). False
/// where the template is not a git checkout.
pub fn in_git_history(sh: &Shell, template: &Path) -> impl Fn(&[u8]) -> bool {
    let git_dir: Option<PathBuf> = cmd!(sh, "git -C {template} rev-parse --absolute-git-dir")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()
        .map(PathBuf::from);
    move |bytes: &[u8]| {
        let Some(git_dir) = &git_dir else {
            return false;
        };
        let Ok(sh) = Shell::new() else {
            return false;
        };
        let Ok(blob) = cmd!(sh, "git --git-dir {git_dir} hash-object --stdin")
            .stdin(bytes)
            .quiet()
            .read()
        else {
            return false;
        };
        cmd!(sh, "git --git-dir {git_dir} cat-file -e {blob}")
            .quiet()
            .ignore_stderr()
            .run()
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::tempdir::TempDir;

    fn file(path: &str, text: &str) -> TemplateFile {
        TemplateFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
            executable: false,
        }
    }

    #[test]
    fn new_updated_unchanged_and_removed_files() {
        let project = TempDir::new().unwrap();
        let root = project.path();
        std::fs::create_dir_all(root.join("xtask/src")).unwrap();
        std::fs::write(root.join("xtask/src/same.rs"), "same").unwrap();
        std::fs::write(root.join("xtask/src/old.rs"), "old version").unwrap();
        std::fs::write(root.join("xtask/src/gone.rs"), "gone").unwrap();
        let written = [
            file("xtask/src/same.rs", "same"),
            file("xtask/src/old.rs", "old version"),
            file("xtask/src/gone.rs", "gone"),
        ];
        let record = checksum::parse_relative_sums(&record_text(&written)).unwrap();
        let newer = [
            file("xtask/src/same.rs", "same"),
            file("xtask/src/old.rs", "new version"),
            file("xtask/src/new.rs", "new"),
        ];
        let changes = plan(root, &newer, &record, &|_| false).unwrap();
        assert_eq!(
            changes,
            [
                ("xtask/src/same.rs".to_owned(), Change::Unchanged),
                ("xtask/src/old.rs".to_owned(), Change::Updated),
                ("xtask/src/new.rs".to_owned(), Change::Added),
                ("xtask/src/gone.rs".to_owned(), Change::Removed),
            ]
        );
    }

    #[test]
    fn edited_and_foreign_files_are_refused_by_name() {
        let project = TempDir::new().unwrap();
        let root = project.path();
        std::fs::create_dir_all(root.join("scripts")).unwrap();
        std::fs::write(root.join("scripts/zig-cc"), "edited").unwrap();
        std::fs::write(root.join("scripts/wine-runner"), "my own runner").unwrap();
        let written = [file("scripts/zig-cc", "as written")];
        let record = checksum::parse_relative_sums(&record_text(&written)).unwrap();
        let newer = [
            file("scripts/zig-cc", "newer"),
            file("scripts/wine-runner", "the template's"),
        ];
        let err = plan(root, &newer, &record, &|_| false).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("scripts/zig-cc, scripts/wine-runner"),
            "{message}"
        );
        assert!(message.contains("Nothing was changed"), "{message}");
        // A clone's file, unrecorded, is the template's if its history has it.
        let history = |bytes: &[u8]| bytes == b"my own runner" || bytes == b"edited";
        assert_eq!(
            plan(root, &newer, &BTreeMap::new(), &history)
                .unwrap()
                .len(),
            2
        );
    }
}
