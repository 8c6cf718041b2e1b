//! The end of every release, the same whether `dist` built its targets in
//! one run or `merge` gathered them from the parts CI jobs made: from the
//! per-target artifacts in a staging folder, the artifacts that serve
//! several targets (the universal macOS tarball, the container image, the
//! installers), then the manifest, its signature, and the publication.
//!
//! It is one function so that a merged release and a release built in one
//! go are the same bytes by construction: the release test checks that
//! they are given the same inputs.

use std::path::Path;

use anyhow::Result;
use xshell::Shell;

use crate::release::manifest::{Artifact, Manifest};
use crate::release::signing::{self, Signer};
use crate::release::{container, installers, publish, universal};
use crate::util::stopwatch::Stopwatch;
use crate::workspace::config::Config;

/// Where the release's sources came from, as its manifest records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// `SOURCE_DATE_EPOCH`: every file time in every artifact.
    pub source_date_epoch: u64,
    /// The git commit built, if the workspace is a git checkout.
    pub git_commit: Option<String>,
    /// Whether the work tree had uncommitted changes to tracked files.
    pub git_dirty: bool,
}

/// What the release is made of, and where it goes.
pub struct Release<'a> {
    pub config: &'a Config,
    /// The per-target artifacts, already staged with their `.sha256`.
    pub per_target: Vec<Artifact>,
    pub provenance: Provenance,
    /// Signs `SHA256SUMS`, when a minisign key is given.
    pub signer: Option<&'a Signer>,
    pub staging: &'a Path,
    pub out: &'a Path,
}

/// Makes what serves several targets, then signs and publishes the whole
/// release into `release.out`. Returns its manifest.
/// Each step's time is added to `stopwatch`.
pub fn finish(sh: &Shell, release: Release<'_>, stopwatch: &Stopwatch) -> Result<Manifest> {
    let Release {
        config,
        per_target: mut artifacts,
        provenance,
        signer,
        staging,
        out,
    } = release;
    // By name, so that the order targets were built or parts given in
    // changes nothing.
    artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    let mtime = provenance.source_date_epoch;
    if config.universal2 {
        let made = stopwatch.time("universal2", || {
            universal::stage(&artifacts, staging, mtime)
        })?;
        artifacts.extend(made);
    }
    let git_commit = provenance.git_commit.as_deref();
    let image = stopwatch.time("container image", || {
        container::stage(config, &artifacts, git_commit, staging, mtime)
    })?;
    artifacts.extend(image);
    let public_key = signer.map(|signer| signer.public_key(sh)).transpose()?;
    let made = stopwatch.time("installers", || {
        installers::stage(config, &artifacts, staging, public_key, mtime)
    })?;
    artifacts.extend(made);
    artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    let manifest = Manifest {
        package: config.primary().name.clone(),
        version: config.primary().version.clone(),
        source_date_epoch: mtime,
        git_commit: provenance.git_commit,
        git_dirty: provenance.git_dirty,
        artifacts,
    };
    let signature = stopwatch.time("signing the sums", || {
        signing::sign_release(sh, signer, &manifest)
    })?;
    stopwatch.time("sums, manifest and publishing", || {
        publish::publish(out, staging, &manifest, signature.as_deref())
    })?;
    Ok(manifest)
}
