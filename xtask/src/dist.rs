//! `cargo xtask dist`: release artifacts for every configured target.
//!
//! The pipeline, per target: build with `--profile dist` → smoke-run the
//! binary under its runner (it must print its own target triple) → package
//! it in each of the target's formats → checksum. Then, once every target
//! has succeeded, publish: move the artifacts into the output folder and
//! write `SHA256SUMS` and `dist-manifest.json` last.
//!
//! Everything that can be checked without building is checked first (names,
//! Debian metadata, the output folder), so bad configuration fails in a
//! second. Until publishing, artifacts live in a hidden staging folder inside
//! the output folder: a failed or killed run leaves the previous release as
//! it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::archive::{self, Entry};
use crate::build;
use crate::checksum::{self, SUMS_FILE};
use crate::cli::Options;
use crate::config::{Config, Configured};
use crate::deb::DebMetadata;
use crate::manifest::{self, Artifact, Manifest};
use crate::report::{Outcome, Report};
use crate::reproducible;
use crate::target::{Format, TargetSpec};
use crate::tempdir::TempDir;
use crate::{atomic, workspace::Workspace};

pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let targets = ws.select(&options.targets)?;
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&ws.config.target_dir));
    let mtime = reproducible::source_date_epoch(&ws.sh)?;
    let plan = Plan::new(&ws.config, mtime)?;
    let staging = prepare_out_dir(&out)?;
    ws.provision(&targets, options.no_install)?;

    let mut report = Report::default();
    let mut artifacts = Vec::new();
    for configured in &targets {
        match dist_one(ws, &plan, configured, staging.path()) {
            Ok((outcome, made)) => {
                report.push(configured.triple(), outcome);
                artifacts.extend(made);
            }
            Err(err) => report.push(configured.triple(), Outcome::Failed(format!("{err:#}"))),
        }
    }
    report.finish("dist")?;

    artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    let (git_commit, git_dirty) = match reproducible::git_commit(&ws.sh) {
        Some((commit, dirty)) => (Some(commit), dirty),
        None => (None, false),
    };
    let manifest = Manifest {
        package: ws.config.package.name.clone(),
        version: ws.config.package.version.clone(),
        source_date_epoch: mtime,
        git_commit,
        git_dirty,
        artifacts,
    };
    publish(&out, staging.path(), &manifest)?;
    eprintln!(
        "\n{} artifacts in {}:",
        manifest.artifacts.len(),
        out.display()
    );
    for artifact in &manifest.artifacts {
        eprintln!(
            "  {:<52} {:>9} bytes  smoke run: {}",
            artifact.name, artifact.size, artifact.smoke_run
        );
    }
    Ok(())
}

/// Where artifacts go without `--out`: `target/distrib`, beside (not inside)
/// `target/dist`, which is cargo's own folder for the `dist` profile.
pub fn default_out_dir(target_dir: &Path) -> PathBuf {
    target_dir.join("distrib")
}

/// Names and metadata of every artifact, worked out before building.
pub struct Plan {
    mtime: u64,
    bin: String,
    version: String,
    /// `(path inside the archive, contents)` of the included files.
    extra_files: Vec<(String, Vec<u8>)>,
    /// Present when any configured target makes a .deb.
    deb: Option<DebMetadata>,
}

impl Plan {
    pub fn new(config: &Config, mtime: u64) -> Result<Plan> {
        let package = &config.package;
        let mut extra_files = Vec::new();
        for name in &config.include {
            let path = config.root.join(name);
            let data = std::fs::read(&path).with_context(|| {
                format!(
                    "[workspace.metadata.dist] `include` lists {name}, which cannot be read at \
                     {}. Create it or remove it from `include`.",
                    path.display()
                )
            })?;
            let file_name = Path::new(name)
                .file_name()
                .context("an included path names a file")?;
            extra_files.push((file_name.to_string_lossy().into_owned(), data));
        }
        let makes_deb = config
            .targets
            .iter()
            .any(|configured| configured.formats.contains(&Format::Deb));
        let deb = if makes_deb {
            Some(DebMetadata::from_package(package, &config.root, mtime)?)
        } else {
            None
        };
        let plan = Plan {
            mtime,
            bin: package.bin.clone(),
            version: package.version.clone(),
            extra_files,
            deb,
        };

        // Two targets writing the same file would silently lose one.
        let mut owners: BTreeMap<String, &str> = BTreeMap::new();
        for configured in &config.targets {
            for &format in &configured.formats {
                let name = plan.artifact_name(configured.spec, format);
                if let Some(first) = owners.insert(name.clone(), configured.triple()) {
                    bail!(
                        "targets {first} and {} would both produce {name}. Give one of them \
                         other formats in [workspace.metadata.dist.formats] in Cargo.toml.",
                        configured.triple()
                    );
                }
            }
        }
        Ok(plan)
    }

    /// `{bin}-{version}-{target}`: the archive's top-level folder and, with
    /// an extension, its file name.
    pub fn archive_stem(&self, spec: &TargetSpec) -> String {
        format!("{}-{}-{}", self.bin, self.version, spec.triple)
    }

    fn artifact_name(&self, spec: &TargetSpec, format: Format) -> String {
        match (format, &self.deb, spec.debian_arch) {
            (Format::Deb, Some(deb), Some(arch)) => deb.file_name(arch),
            _ => format!("{}.{}", self.archive_stem(spec), format.name()),
        }
    }

    /// What a tar.gz or zip of `spec` holds: one folder with the binary and
    /// the included files.
    pub fn archive_entries(&self, spec: &TargetSpec, binary: &[u8]) -> Vec<Entry> {
        let stem = self.archive_stem(spec);
        let mut entries = vec![
            Entry::dir(stem.clone()),
            Entry::executable(
                format!("{stem}/{}", spec.exe_name(&self.bin)),
                binary.to_vec(),
            ),
        ];
        for (name, data) in &self.extra_files {
            entries.push(Entry::file(format!("{stem}/{name}"), data.clone()));
        }
        entries
    }

    /// The bytes of one artifact.
    fn package(&self, spec: &TargetSpec, format: Format, binary: &[u8]) -> Result<Vec<u8>> {
        let entries = || self.archive_entries(spec, binary);
        match format {
            Format::TarGz => archive::tar_gz(&entries(), self.mtime),
            Format::Zip => archive::zip(&entries(), self.mtime),
            Format::Deb => self
                .deb
                .as_ref()
                .context("a .deb was planned without Debian metadata")?
                .build(spec, binary, self.mtime),
        }
    }
}

/// Creates the output folder if needed and a staging folder inside it, which
/// also proves the folder is writable before anything is built.
fn prepare_out_dir(out: &Path) -> Result<TempDir> {
    let problem = |err: &dyn std::fmt::Display| {
        anyhow::anyhow!(
            "cannot write artifacts to {}: {err}. Choose a writable folder with --out DIR.",
            out.display()
        )
    };
    std::fs::create_dir_all(out).map_err(|err| problem(&err))?;
    TempDir::new_in(out, "dist-staging").map_err(|err| problem(&err.root_cause()))
}

/// Builds, smoke-runs and packages one target into `staging`.
fn dist_one(
    ws: &Workspace,
    plan: &Plan,
    configured: &Configured,
    staging: &Path,
) -> Result<(Outcome, Vec<Artifact>)> {
    let spec = configured.spec;
    eprintln!("==> dist {}: building with {}", spec.triple, spec.linker);
    let binary = build_release_binary(ws, spec)?;
    let smoke_run = smoke_run(ws, spec, &plan.version)?;

    let mut artifacts = Vec::new();
    for &format in &configured.formats {
        let name = plan.artifact_name(spec, format);
        let bytes = plan
            .package(spec, format, &binary)
            .with_context(|| format!("cannot make {name}"))?;
        let sha256 = checksum::sha256_hex(&bytes);
        atomic::write(&staging.join(&name), &bytes)?;
        atomic::write(
            &staging.join(format!("{name}.sha256")),
            checksum::line(&sha256, &name).as_bytes(),
        )?;
        artifacts.push(Artifact {
            name,
            target: spec.triple.to_owned(),
            format,
            size: bytes.len() as u64,
            sha256,
            smoke_run: smoke_run.to_owned(),
        });
    }
    let outcome = if spec.is_runnable() {
        Outcome::Passed
    } else {
        Outcome::BuildOnly
    };
    Ok((outcome, artifacts))
}

/// Builds the shipped package of `spec` with `--profile dist` and the
/// reproducibility flags, and returns the binary's bytes.
pub fn build_release_binary(ws: &Workspace, spec: &TargetSpec) -> Result<Vec<u8>> {
    let package = &ws.config.package.name;
    build::cargo(&ws.sh, spec, "build")
        .args(["--profile", "dist", "--locked", "--package", package])
        .args(reproducible::cargo_config_args(&ws.config.root, spec))
        .run()?;
    let path = ws
        .config
        .target_dir
        .join(spec.triple)
        .join("dist")
        .join(spec.exe_name(&ws.config.package.bin));
    std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// Runs the freshly built binary's `--version` through cargo (and so through
/// the target's runner) and checks it names its own target. Returns how it
/// ran, `none` for build-only targets.
fn smoke_run(ws: &Workspace, spec: &TargetSpec, version: &str) -> Result<&'static str> {
    if !spec.is_runnable() {
        eprintln!(
            "==> dist {}: not smoke-run: nothing here runs its binaries",
            spec.triple
        );
        return Ok(spec.runner.kind());
    }
    eprintln!("==> dist {}: smoke run {}", spec.triple, spec.runner);
    let package = &ws.config.package.name;
    let output = build::cargo(&ws.sh, spec, "run")
        .args([
            "--quiet",
            "--profile",
            "dist",
            "--locked",
            "--package",
            package,
        ])
        // The same flags as the build, or cargo would build it again.
        .args(reproducible::cargo_config_args(&ws.config.root, spec))
        .args(["--", "--version"])
        .read()
        .context("the smoke run failed")?;
    let expected = format!("{} {version} ({})", ws.config.package.bin, spec.triple);
    if output.trim() != expected {
        bail!(
            "the smoke run printed {:?}, expected {expected:?}",
            output.trim()
        );
    }
    eprintln!("    {expected}");
    Ok(spec.runner.kind())
}

/// Moves the staged artifacts into `out` and writes the manifest and
/// SHA256SUMS, in an order that never leaves a SHA256SUMS describing files
/// that are not there: the old SHA256SUMS goes first, the new one comes last.
pub fn publish(out: &Path, staging: &Path, manifest: &Manifest) -> Result<()> {
    let sums_path = out.join(SUMS_FILE);
    let previous = match std::fs::read_to_string(&sums_path) {
        Ok(text) => checksum::parse_sums(&text).unwrap_or_default(),
        Err(_) => BTreeMap::new(),
    };
    remove_if_present(&sums_path)?;
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
    atomic::write(&sums_path, checksum::sums_file(&sums).as_bytes())?;
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

    fn artifact(name: &str, data: &[u8]) -> Artifact {
        Artifact {
            name: name.to_owned(),
            target: "x86_64-unknown-linux-gnu".to_owned(),
            format: Format::TarGz,
            size: data.len() as u64,
            sha256: checksum::sha256_hex(data),
            smoke_run: "native".to_owned(),
        }
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

    /// Stages a real (tiny) .tar.gz holding `content`.
    fn stage(dir: &Path, name: &str, content: &[u8]) -> Artifact {
        let data = archive::tar_gz(&[Entry::file("x", content.to_vec())], 0).unwrap();
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
        publish(out.path(), first.path(), &manifest(old)).unwrap();
        assert!(crate::verify::check(out.path()).unwrap().is_empty());

        let second = TempDir::new_in(out.path(), "stage").unwrap();
        let new = vec![stage(second.path(), "a.tar.gz", b"new a")];
        publish(out.path(), second.path(), &manifest(new)).unwrap();

        let sums = std::fs::read_to_string(out.path().join(SUMS_FILE)).unwrap();
        let new_a = std::fs::read(out.path().join("a.tar.gz")).unwrap();
        assert_eq!(
            sums,
            checksum::line(&checksum::sha256_hex(&new_a), "a.tar.gz")
        );
        assert!(!out.path().join("gone.tar.gz").exists());
        assert!(!out.path().join("gone.tar.gz.sha256").exists());
        let entries = archive::read_tar_gz(&new_a).unwrap();
        assert_eq!(entries[0].data.as_deref(), Some(&b"new a"[..]));
        assert!(crate::verify::check(out.path()).unwrap().is_empty());
    }

    #[test]
    fn verify_reports_a_release_whose_sums_are_missing() {
        let out = TempDir::new().unwrap();
        let stage_dir = TempDir::new_in(out.path(), "stage").unwrap();
        let made = vec![stage(stage_dir.path(), "a.tar.gz", b"a")];
        publish(out.path(), stage_dir.path(), &manifest(made)).unwrap();
        // What a run killed between moving artifacts and writing SHA256SUMS leaves.
        std::fs::remove_file(out.path().join(SUMS_FILE)).unwrap();
        let err = crate::verify::check(out.path()).unwrap_err().to_string();
        assert!(err.contains("did not finish"), "{err}");
    }
}
