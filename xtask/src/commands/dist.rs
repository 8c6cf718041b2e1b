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

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cargo;
use crate::cli::DistArgs;
use crate::commands::report::{Outcome, Report};
use crate::package::layout::ReleaseLayout;
use crate::package::manifest::{Artifact, Manifest};
use crate::package::{checksum, publish, reproducible};
use crate::targets::TargetSpec;
use crate::util::atomic;
use crate::util::tempdir::TempDir;
use crate::workspace::Workspace;
use crate::workspace::config::Configured;

pub fn run(ws: &Workspace, args: &DistArgs) -> Result<()> {
    let targets = ws.select(&args.selection.targets)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| publish::default_out_dir(&ws.config.target_dir));
    let mtime = reproducible::source_date_epoch(&ws.sh)?;
    let layout = ReleaseLayout::new(&ws.config, mtime)?;
    let staging = prepare_out_dir(&out)?;
    ws.provision(&targets, &[], args.install.no_install)?;

    let mut report = Report::default();
    let mut artifacts = Vec::new();
    for configured in &targets {
        let made = dist_one(ws, &layout, configured, staging.path());
        let done = Outcome::ran_or_build_only(configured.spec);
        report.push(
            configured.triple(),
            Outcome::of(made.map(|made| artifacts.extend(made)), done),
        );
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
    publish::publish(&out, staging.path(), &manifest)?;
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
    layout: &ReleaseLayout,
    configured: &Configured,
    staging: &Path,
) -> Result<Vec<Artifact>> {
    let spec = configured.spec;
    eprintln!("==> dist {}: building with {}", spec.triple, spec.linker);
    let binary = build_release_binary(ws, spec)?;
    let smoke_run = smoke_run(ws, spec, &layout.version)?;

    let mut artifacts = Vec::new();
    for &format in &configured.formats {
        let name = layout.artifact_name(spec, format);
        let bytes = layout
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
    Ok(artifacts)
}

/// Builds the shipped package of `spec` with `--profile dist` and the
/// reproducibility flags, and returns the binary's bytes.
pub fn build_release_binary(ws: &Workspace, spec: &TargetSpec) -> Result<Vec<u8>> {
    let package = &ws.config.package.name;
    cargo::command(&ws.sh, spec, "build")
        .args(["--profile", "dist", "--locked", "--package", package])
        .args(reproducible::cargo_config_args(
            &ws.config.root,
            &ws.config.target_dir,
            spec,
        )?)
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
    let output = cargo::command(&ws.sh, spec, "run")
        .args([
            "--quiet",
            "--profile",
            "dist",
            "--locked",
            "--package",
            package,
        ])
        // The same flags as the build, or cargo would build it again.
        .args(reproducible::cargo_config_args(
            &ws.config.root,
            &ws.config.target_dir,
            spec,
        )?)
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
