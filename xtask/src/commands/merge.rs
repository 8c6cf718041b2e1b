//! `cargo xtask merge PART... --out DIR`: one release from the outputs of
//! several `cargo xtask dist --target T --out PART` runs (one per CI job).
//!
//! Each part must verify on its own, and all must come from the same
//! package, version, commit and source date, the package and version of
//! this checkout; no artifact may appear twice.
//! The result is published exactly as `dist` publishes, so merging the parts
//! of a release gives the same bytes as building it in one go.

use std::path::Path;

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::cli::MergeArgs;
use crate::release::checksum::SUMS_FILE;
use crate::release::manifest::{self, Manifest};
use crate::release::signing::{self, Signer};
use crate::release::{container, installers, publish, universal, verify};
use crate::util::tempdir::TempDir;
use crate::workspace::Workspace;
use crate::workspace::config::Config;

pub fn run(ws: &Workspace, args: &MergeArgs) -> Result<()> {
    let out = match &args.out {
        Some(out) => out.clone(),
        None => publish::default_out_dir(&ws.config.target_dir),
    };
    // A merged release gets a new SHA256SUMS, so the parts' signatures do
    // not carry over: it is signed here, as dist signs, if a key is set.
    let signer = Signer::from_env()?;
    if let Some(signer) = &signer {
        ws.provision(&[], &[signing::MINISIGN], false)?;
        signer.check(&ws.sh)?;
    }
    let tools: Vec<_> = args
        .parts
        .iter()
        .flat_map(|part| verify::tools_needed(part))
        .collect();
    ws.provision(&[], &tools, false)?;
    merge(&ws.sh, &args.parts, &out, signer.as_ref(), &ws.config)
}

/// Verifies each of `parts` and publishes them together in `out`, signed
/// by `signer` if given.
fn merge(
    sh: &Shell,
    parts: &[std::path::PathBuf],
    out: &Path,
    signer: Option<&Signer>,
    config: &Config,
) -> Result<()> {
    let mut merged: Option<Manifest> = None;
    for part in parts {
        let problems = verify::check(part, None)
            .with_context(|| format!("part {} cannot be merged", part.display()))?
            .problems;
        if !problems.is_empty() {
            bail!(
                "part {} fails verification, so it cannot be merged: {}. Rebuild that part.",
                part.display(),
                problems.join("; ")
            );
        }
        let mut manifest = read_manifest(part)?;
        // The installers are made below from this checkout's configuration
        // and name its package and version: a part of another would give
        // installers that fetch one version and call it another.
        let package = config.primary();
        if (&manifest.package, &manifest.version) != (&package.name, &package.version) {
            bail!(
                "part {} is {} {}, but this checkout releases {} {}. Run merge in a checkout of \
                 the commit the parts were built from (CI's merge job checks it out), or leave \
                 that part out.",
                part.display(),
                manifest.package,
                manifest.version,
                package.name,
                package.version,
            );
        }
        // Each part's installers cover its own targets; the release's are
        // made below, from every part's artifacts.
        manifest
            .artifacts
            .retain(|artifact| artifact.target != installers::TARGET);
        match &mut merged {
            None => merged = Some(manifest),
            Some(whole) => {
                let same_release = (
                    &whole.package,
                    &whole.version,
                    &whole.git_commit,
                    whole.source_date_epoch,
                ) == (
                    &manifest.package,
                    &manifest.version,
                    &manifest.git_commit,
                    manifest.source_date_epoch,
                );
                if !same_release {
                    bail!(
                        "part {} is {} {} (commit {}, source date {}), but the parts before it are \
                         {} {} (commit {}, source date {}). Merge only parts built from one commit.",
                        part.display(),
                        manifest.package,
                        manifest.version,
                        manifest.git_commit.as_deref().unwrap_or("none"),
                        manifest.source_date_epoch,
                        whole.package,
                        whole.version,
                        whole.git_commit.as_deref().unwrap_or("none"),
                        whole.source_date_epoch,
                    );
                }
                for artifact in &manifest.artifacts {
                    if whole
                        .artifacts
                        .iter()
                        .any(|known| known.name == artifact.name)
                    {
                        bail!(
                            "{} is in part {} and in an earlier part. Each target's artifacts must \
                             come from one part: drop the duplicate part.",
                            artifact.name,
                            part.display()
                        );
                    }
                }
                whole.git_dirty |= manifest.git_dirty;
                whole.artifacts.extend(manifest.artifacts);
            }
        }
    }
    let mut merged = merged.context("merge needs at least one part")?;
    merged.artifacts.sort_by(|a, b| a.name.cmp(&b.name));

    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create {}; choose another --out", out.display()))?;
    let staging = TempDir::new_in(out, "merge-staging")
        .with_context(|| format!("cannot write to {}; choose another --out", out.display()))?;
    for artifact in &merged.artifacts {
        let part = parts
            .iter()
            .find(|part| part.join(&artifact.name).is_file())
            .context("an artifact vanished while merging")?;
        for name in [artifact.name.clone(), format!("{}.sha256", artifact.name)] {
            std::fs::copy(part.join(&name), staging.path().join(&name))
                .with_context(|| format!("cannot copy {name}"))?;
        }
    }
    // The macOS parts came from separate jobs; their universal binary is
    // made here, as dist makes it when it builds both. So is the container
    // image, from the static Linux targets' parts.
    if config.universal2 {
        let made = universal::stage(&merged.artifacts, staging.path(), merged.source_date_epoch)?;
        merged.artifacts.extend(made);
        merged.artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let image = container::stage(
        config,
        &merged.artifacts,
        merged.git_commit.as_deref(),
        staging.path(),
        merged.source_date_epoch,
    )?;
    if let Some(image) = image {
        merged.artifacts.push(image);
        merged.artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let public_key = match signer {
        Some(signer) => Some(signer.public_key(sh)?),
        None => None,
    };
    let made = installers::stage(config, &merged.artifacts, staging.path(), public_key)?;
    merged.artifacts.extend(made);
    merged.artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    let signature = signing::sign_release(sh, signer, &merged)?;
    publish::publish(out, staging.path(), &merged, signature.as_deref())?;
    eprintln!(
        "merged {} parts into {}: {} artifacts, {SUMS_FILE}, {}",
        parts.len(),
        out.display(),
        merged.artifacts.len(),
        manifest::FILE
    );
    Ok(())
}

fn read_manifest(part: &Path) -> Result<Manifest> {
    let path = part.join(manifest::FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Manifest::from_json(&text).with_context(|| format!("{} is damaged", path.display()))
}
