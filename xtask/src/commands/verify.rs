//! `cargo xtask verify [DIR]`: is this dist folder complete and intact?
//! Reports every problem [`crate::release::verify`] finds, not just the
//! first.
//!
//! A release downloaded to any folder is checked without rustc, cargo or a
//! workspace: the workspace is loaded only to find the default folder (its
//! target folder), or to install minisign for `--key` or msiextract for an
//! .msi where they are missing.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::build::smoke;
use crate::cli::VerifyArgs;
use crate::formats::archive;
use crate::machine::tools;
use crate::release::manifest::{self, Manifest};
use crate::release::{publish, signing, verify};
use crate::targets::{self, Runner};
use crate::util::progress;
use crate::util::tempdir::TempDir;
use crate::vocab::{Format, Probe, Tool};
use crate::workspace::Workspace;
use crate::workspace::config::SmokeRun;

pub fn run(load_workspace: impl Fn() -> Result<Workspace>, args: &VerifyArgs) -> Result<()> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => publish::default_out_dir(&load_workspace()?.config.target_dir),
    };
    // Only a release with an .msi needs a tool; the workspace is loaded
    // only to install it where it is missing.
    let tools = verify::tools_needed(&dir);
    let sh = xshell::Shell::new()?;
    let missing = |tool: &Tool| match tool.probe {
        Probe::Command(program) => tools::find_program(&sh, program).is_none(),
        _ => true,
    };
    if tools.iter().any(|(tool, _)| missing(tool)) {
        load_workspace()?.provision(&[], &tools, false)?;
    }
    let findings = verify::check(&dir, args.windows_ca.as_deref())?;
    for binary in &findings.binaries {
        progress::detail(binary);
    }
    let mut problems = findings.problems;
    if args.run {
        problems.extend(smoke_run_here(&load_workspace()?, &dir)?);
    }
    match &args.key {
        Some(key) => {
            let ws = load_workspace()?;
            ws.provision(&[], &[signing::MINISIGN], false)?;
            match signing::verify(&ws.sh, &dir, key) {
                Ok(comment) => progress::detail(format_args!(
                    "{}: good signature of SHA256SUMS by the given key ({comment})",
                    signing::SIGNATURE_FILE
                )),
                Err(err) => problems.push(format!("{err:#}")),
            }
        }
        None if dir.join(signing::SIGNATURE_FILE).exists() => progress::detail(format_args!(
            "{}: present, not checked (pass --key to check it)",
            signing::SIGNATURE_FILE
        )),
        None => progress::detail("signature: none (the release is not signed)"),
    }
    if problems.is_empty() {
        progress::summary(format_args!(
            "{} verified: every artifact matches SHA256SUMS and opens cleanly, and every binary's \
             header matches its target",
            dir.display()
        ));
        return Ok(());
    }
    for problem in &problems {
        progress::summary(format_args!("  {problem}"));
    }
    bail!(
        "{} failed verification ({} problems, listed above). Do not publish it; run \
         `cargo xtask dist` again to rebuild it.",
        dir.display(),
        problems.len()
    )
}

/// Smoke-runs each binary of the release's tarballs whose target this
/// machine runs natively, as the package's `smoke-run` says (it must
/// print the release's version): what a Mac adds to the checks of the
/// macOS binaries built on Linux. Returns the problems; fails if the
/// release has no such tarball, since then nothing was run.
fn smoke_run_here(ws: &Workspace, dir: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(manifest::FILE))
        .with_context(|| format!("{} has no {}", dir.display(), manifest::FILE))?;
    let manifest = Manifest::from_json(&text)?;
    let host = &ws.toolchain.host;
    let runs_here = |target: &str| {
        targets::lookup_on(host, target).filter(|spec| spec.runner == Runner::Native)
    };
    let scratch = TempDir::new()?;
    let mut problems = Vec::new();
    let mut ran = 0;
    for artifact in manifest
        .artifacts
        .iter()
        .filter(|a| a.format == Format::TarGz)
    {
        let Some(spec) = runs_here(&artifact.target) else {
            continue;
        };
        let package = ws
            .config
            .packages
            .iter()
            .find(|p| p.name == artifact.package);
        let args = match package.map(|package| &package.smoke_run) {
            Some(SmokeRun::Skip(_)) => continue,
            Some(SmokeRun::Args(args)) => args.clone(),
            None => vec!["--version".to_owned()],
        };
        let bytes = std::fs::read(dir.join(&artifact.name))?;
        for entry in archive::read_tar_gz(&bytes)? {
            let name = entry.path.rsplit('/').next().unwrap_or_default();
            let bin = artifact
                .binaries
                .iter()
                .find(|bin| spec.exe_name(bin) == name);
            let (Some(bin), Some(data)) = (bin, entry.data) else {
                continue;
            };
            let path = scratch.path().join(format!("{}-{name}", artifact.target));
            std::fs::write(&path, data)?;
            std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
            let version = package.map_or(&manifest.version, |package| &package.version);
            match smoke::run(&ws.sh, &ws.config.root, spec, bin, &path, version, &args) {
                Ok(_) => ran += 1,
                Err(err) => problems.push(format!("{}: {bin}: {err:#}", artifact.name)),
            }
        }
    }
    if ran == 0 && problems.is_empty() {
        bail!(
            "--run found no binary {} runs natively in {}: nothing was smoke-run. Run it \
             where the release's binaries run (the Mac job for macOS targets).",
            host,
            dir.display()
        );
    }
    Ok(problems)
}
