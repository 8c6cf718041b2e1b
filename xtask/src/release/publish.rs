//! Publishing a finished release into its folder, so that a reader never
//! sees a `SHA256SUMS` that describes files which are not (yet) there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::formats::checksum::{self, SUMS_FILE};
use crate::release::manifest::{self, Artifact, Manifest};
use crate::release::signing;
use crate::util::atomic;
use crate::util::tempdir::TempDir;

/// Where artifacts go without `--out`: `target/distrib`, beside (not inside)
/// `target/dist`, which is cargo's own folder for the `dist` profile.
pub fn default_out_dir(target_dir: &Path) -> PathBuf {
    target_dir.join("distrib")
}

/// The hidden folder, inside the output folder, where a release's
/// artifacts wait until every one is made: a failed or killed run leaves
/// the previous release as it was. Dropped, it goes, and so does the
/// output folder if it made it and nothing was published there.
pub struct Staging {
    dir: TempDir,
    out: PathBuf,
    made_out: bool,
}

impl Staging {
    /// Creates `out` if needed and a staging folder inside it (`.{name}-…`),
    /// which also proves `out` writable before anything is built.
    pub fn open(out: &Path, name: &str) -> Result<Staging> {
        let problem = |err: &dyn std::fmt::Display| {
            anyhow::anyhow!(
                "cannot write artifacts to {}: {err}. Choose a writable folder with --out DIR.",
                out.display()
            )
        };
        let made_out = !out.exists();
        std::fs::create_dir_all(out).map_err(|err| problem(&err))?;
        let dir = TempDir::new_in(out, name).map_err(|err| problem(&err.root_cause()))?;
        Ok(Staging {
            dir,
            out: out.to_owned(),
            made_out,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.dir.path());
        if self.made_out {
            // Only an empty folder is removed: a published release stays.
            let _ = std::fs::remove_dir(&self.out);
        }
    }
}

/// Writes `bytes`, the artifact `artifact` describes (and has hashed), and
/// its `<name>.sha256` into the staging folder.
pub fn stage(staging: &Path, artifact: &Artifact, bytes: &[u8]) -> Result<()> {
    let name = &artifact.name;
    atomic::write(&staging.join(name), bytes)?;
    atomic::write(
        &staging.join(format!("{name}.sha256")),
        checksum::line(&artifact.sha256, name).as_bytes(),
    )
}

/// Moves the staged artifacts into `out` and writes the manifest,
/// `signature` (of [`Manifest::sums_file`], if the release is signed) and SHA256SUMS,
/// in an order that never leaves a SHA256SUMS describing files that are not
/// there: the old SHA256SUMS and signature go first, the new ones come last.
pub fn publish(
    out: &Path,
    staging: &Path,
    manifest: &Manifest,
    signature: Option<&[u8]>,
) -> Result<()> {
    let sums_path = out.join(SUMS_FILE);
    let previous = match std::fs::read_to_string(&sums_path) {
        Ok(text) => checksum::parse_sums(&text).unwrap_or_default(),
        Err(_) => BTreeMap::new(),
    };
    remove_if_present(&sums_path)?;
    remove_if_present(&out.join(signing::SIGNATURE_FILE))?;
    remove_if_present(&out.join(manifest::FILE))?;

    let mut sums = BTreeMap::new();
    for artifact in &manifest.artifacts {
        for name in [artifact.name.clone(), format!("{}.sha256", artifact.name)] {
            atomic::rename(&staging.join(&name), &out.join(&name))?;
        }
        sums.insert(artifact.name.clone(), artifact.sha256.clone());
    }
    // Artifacts of an earlier run that this one did not remake (a target
    // since removed, or not selected this time) would otherwise linger.
    for stale in previous.keys().filter(|name| !sums.contains_key(*name)) {
        remove_if_present(&out.join(stale))?;
        remove_if_present(&out.join(format!("{stale}.sha256")))?;
    }
    atomic::write(&out.join(manifest::FILE), manifest.to_json().as_bytes())?;
    if let Some(signature) = signature {
        atomic::write(&out.join(signing::SIGNATURE_FILE), signature)?;
    }
    atomic::write(&sums_path, manifest.sums_file().as_bytes())?;
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("cannot remove {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::archive::{self, Entry};
    use crate::release::manifest::{Facts, SmokeResult};
    use crate::release::verify;
    use crate::util::digest;
    use crate::util::tempdir::TempDir;
    use crate::vocab::Format;

    fn artifact(name: &str, data: &[u8]) -> Artifact {
        // What [`stage`] packs: `x.wasm`.
        let facts = Facts {
            smoke_run: SmokeResult::Ran("native"),
            ..Facts::NONE
        };
        Artifact::new(
            name.to_owned(),
            "wasm32-wasip1",
            Format::TarGz,
            data,
            ("app", &["x".to_owned()]),
            facts,
        )
    }

    fn manifest(artifacts: Vec<Artifact>) -> Manifest {
        Manifest {
            package: "app".into(),
            version: "1.0.0".into(),
            source_date_epoch: 1,
            git_commit: None,
            git_dirty: false,
            artifacts,
        }
    }

    /// Stages a real (tiny) .tar.gz holding a WebAssembly module whose one
    /// custom section holds `content`, so that verify finds a binary of its
    /// target in it.
    fn stage(dir: &Path, name: &str, content: &[u8]) -> Artifact {
        let mut module = b"\0asm\x01\0\0\0\0".to_vec();
        module.push(u8::try_from(content.len() + 2).expect("a short content"));
        module.extend([1, b'x']);
        module.extend(content);
        let data = archive::tar_gz(&[Entry::executable("x.wasm", module)], 0).unwrap();
        let artifact = artifact(name, &data);
        std::fs::write(dir.join(name), &data).unwrap();
        std::fs::write(
            dir.join(format!("{name}.sha256")),
            checksum::line(&artifact.sha256, name),
        )
        .unwrap();
        artifact
    }

    #[test]
    fn publish_replaces_the_previous_release_and_drops_stale_artifacts() {
        let out = TempDir::new().unwrap();
        let first = TempDir::new_in(out.path(), "stage").unwrap();
        let old = vec![
            stage(first.path(), "a.tar.gz", b"old a"),
            stage(first.path(), "gone.tar.gz", b"old"),
        ];
        publish(out.path(), first.path(), &manifest(old), None).unwrap();
        assert!(verify::check(out.path(), None).unwrap().problems.is_empty());

        let second = TempDir::new_in(out.path(), "stage").unwrap();
        let new = vec![stage(second.path(), "a.tar.gz", b"new a")];
        publish(out.path(), second.path(), &manifest(new), None).unwrap();

        let sums = std::fs::read_to_string(out.path().join(SUMS_FILE)).unwrap();
        let new_a = std::fs::read(out.path().join("a.tar.gz")).unwrap();
        assert_eq!(
            sums,
            checksum::line(&digest::sha256_hex(&new_a), "a.tar.gz")
        );
        assert!(!out.path().join("gone.tar.gz").exists());
        assert!(!out.path().join("gone.tar.gz.sha256").exists());
        let entries = archive::read_tar_gz(&new_a).unwrap();
        assert!(entries[0].data.as_deref().unwrap().ends_with(b"new a"));
        assert!(verify::check(out.path(), None).unwrap().problems.is_empty());
    }

    #[test]
    fn verify_reports_a_binary_the_manifest_lists_but_the_archive_lacks() {
        let out = TempDir::new().unwrap();
        let stage_dir = TempDir::new_in(out.path(), "stage").unwrap();
        let mut made = stage(stage_dir.path(), "a.tar.gz", b"a");
        made.binaries.push("y".to_owned());
        publish(out.path(), stage_dir.path(), &manifest(vec![made]), None).unwrap();
        let problems = verify::check(out.path(), None).unwrap().problems;
        assert_eq!(
            problems,
            ["a.tar.gz: dist-manifest.json lists the binary y, which it does not hold"]
        );
    }

    #[test]
    fn verify_reports_a_release_whose_sums_are_missing() {
        let out = TempDir::new().unwrap();
        let stage_dir = TempDir::new_in(out.path(), "stage").unwrap();
        let made = vec![stage(stage_dir.path(), "a.tar.gz", b"a")];
        publish(out.path(), stage_dir.path(), &manifest(made), None).unwrap();
        // What a run killed between moving artifacts and writing SHA256SUMS leaves.
        std::fs::remove_file(out.path().join(SUMS_FILE)).unwrap();
        let err = verify::check(out.path(), None).unwrap_err().to_string();
        assert!(err.contains("did not finish"), "{err}");
    }
}
