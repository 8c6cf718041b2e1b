//! `cargo xtask merge PART... --out DIR`: one release from the outputs of
//! several `cargo xtask dist --target T --out PART` runs (one per CI job).
//!
//! Each part must verify on its own, and all must come from the same
//! package, version, commit and source date, the package and version of
//! this checkout; no artifact may appear twice.
//! The result is finished and published by the same function as `dist`'s
//! ([`finish`]), so merging the parts of a release gives the same bytes as
//! building it in one go.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::cli::MergeArgs;
use crate::formats::checksum::SUMS_FILE;
use crate::plan::ReleaseStep;
use crate::plan::release_steps;
use crate::release::finish::{self, Provenance, Release};
use crate::release::manifest::{self, Artifact, Manifest};
use crate::release::publish::{self, Staging};
use crate::release::signing::{self, Signer};
use crate::release::{installers, verify};
use crate::util::progress;
use crate::util::stopwatch::Stopwatch;
use crate::workspace::Workspace;
use crate::workspace::config::Config;

pub fn run(ws: &Workspace, args: &MergeArgs) -> Result<()> {
    if args.dry_run {
        print!("{}", MergePlan::make(&args.parts, &ws.config, false)?);
        return Ok(());
    }
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
    let plan = MergePlan::make(&args.parts, &ws.config, true)?;
    progress::line(plan.to_string().trim_end());
    let planned = plan.artifact_names();
    let manifest = merge(
        &ws.sh,
        &args.parts,
        plan.whole,
        (&out, signer.as_ref()),
        &ws.config,
    )?;
    manifest.check_holds(&planned)
}

/// The parts, checked (and, with `verify`, verified) and gathered into one
/// manifest of the targets' artifacts.
fn gathered(parts: &[PathBuf], config: &Config, verify: bool) -> Result<Manifest> {
    let mut merged: Option<Manifest> = None;
    for part in parts {
        let manifest = checked_part(part, config, verify)?;
        match &mut merged {
            None => merged = Some(manifest),
            Some(whole) => add_part(whole, manifest, part)?,
        }
    }
    merged.context("merge needs at least one part")
}

/// What a merge makes: the parts' artifacts, then the release-wide steps,
/// as `dist --dry-run` shows them.
struct MergePlan {
    /// The parts' artifacts, gathered into one manifest.
    whole: Manifest,
    steps: Vec<ReleaseStep>,
    parts: usize,
}

impl MergePlan {
    /// The plan for `parts`, checked (and, with `verify`, verified).
    fn make(parts: &[PathBuf], config: &Config, verify: bool) -> Result<MergePlan> {
        let whole = gathered(parts, config, verify)?;
        let steps = release_steps::from_artifacts(config, whole.artifacts.clone())?;
        Ok(MergePlan {
            whole,
            steps,
            parts: parts.len(),
        })
    }

    /// Every artifact the merged release is to hold, by name.
    fn artifact_names(&self) -> Vec<String> {
        let parts = self.whole.artifacts.iter().map(|a| a.name.clone());
        let mut names: Vec<String> = parts
            .chain(self.steps.iter().flat_map(ReleaseStep::artifacts))
            .collect();
        names.sort();
        names
    }
}

impl std::fmt::Display for MergePlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "merge of {} {} {}: {} parts, {} artifacts of their targets",
            self.whole.package,
            self.whole.version,
            self.whole.git_commit.as_deref().unwrap_or("(no commit)"),
            self.parts,
            self.whole.artifacts.len()
        )?;
        writeln!(f, "then, for the whole release:")?;
        for step in &self.steps {
            writeln!(f, "  {step}")?;
        }
        Ok(())
    }
}

/// Publishes the gathered parts (`whole`) together in `out`, signed by
/// `signer` if given, through the same [`finish`] as dist.
fn merge(
    sh: &Shell,
    parts: &[PathBuf],
    whole: Manifest,
    (out, signer): (&Path, Option<&Signer>),
    config: &Config,
) -> Result<Manifest> {
    let staging = Staging::open(out, "merge-staging")?;
    copy_artifacts(&whole.artifacts, parts, staging.path())?;
    let release = Release {
        config,
        provenance: Provenance {
            source_date_epoch: whole.source_date_epoch,
            git_commit: whole.git_commit,
            git_dirty: whole.git_dirty,
        },
        per_target: whole.artifacts,
        signer,
        staging: staging.path(),
        out,
    };
    let manifest = finish::finish(sh, release, &Stopwatch::default())?;
    progress::summary(format_args!(
        "merged {} parts into {}: {} artifacts, {SUMS_FILE}, {}",
        parts.len(),
        out.display(),
        manifest.artifacts.len(),
        manifest::FILE
    ));
    Ok(manifest)
}

/// The manifest of `part`, which must verify (when `verify`) and be of
/// the package and version this checkout releases, without its installers: the release's
/// are made from every part's artifacts.
fn checked_part(part: &Path, config: &Config, verify: bool) -> Result<Manifest> {
    let problems = match verify {
        true => {
            verify::check(part, None)
                .with_context(|| format!("part {} cannot be merged", part.display()))?
                .problems
        }
        false => Vec::new(),
    };
    if !problems.is_empty() {
        bail!(
            "part {} fails verification, so it cannot be merged: {}. Rebuild that part.",
            part.display(),
            problems.join("; ")
        );
    }
    let mut manifest = read_manifest(part)?;
    // The installers are made from this checkout's configuration and name
    // its package and version: a part of another would give installers
    // that fetch one version and call it another.
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
    manifest
        .artifacts
        .retain(|artifact| artifact.target != installers::TARGET);
    Ok(manifest)
}

/// Adds `part`'s artifacts to `whole`: parts of one release (package,
/// version, commit and source date), and no artifact twice.
fn add_part(whole: &mut Manifest, manifest: Manifest, part: &Path) -> Result<()> {
    let release = |m: &Manifest| {
        (
            m.package.clone(),
            m.version.clone(),
            m.git_commit.clone(),
            m.source_date_epoch,
        )
    };
    if release(whole) != release(&manifest) {
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
                "{} is in part {} and in an earlier part. Each target's artifacts must come \
                 from one part: drop the duplicate part.",
                artifact.name,
                part.display()
            );
        }
    }
    whole.git_dirty |= manifest.git_dirty;
    whole.artifacts.extend(manifest.artifacts);
    Ok(())
}

/// Copies each artifact and its `.sha256` from the part that has it into
/// `staging`.
fn copy_artifacts(artifacts: &[Artifact], parts: &[PathBuf], staging: &Path) -> Result<()> {
    for artifact in artifacts {
        let part = parts
            .iter()
            .find(|part| part.join(&artifact.name).is_file())
            .context("an artifact vanished while merging")?;
        for name in [artifact.name.clone(), format!("{}.sha256", artifact.name)] {
            std::fs::copy(part.join(&name), staging.join(&name))
                .with_context(|| format!("cannot copy {name}"))?;
        }
    }
    Ok(())
}

fn read_manifest(part: &Path) -> Result<Manifest> {
    let path = part.join(manifest::FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Manifest::from_json(&text).with_context(|| format!("{} is damaged", path.display()))
}
