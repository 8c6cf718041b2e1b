//! The universal macOS artifacts: one fat Mach-O binary with an x86_64 and
//! an arm64 slice, which runs natively on every Mac, packed as the two
//! macOS tarballs are (`…-universal2-apple-darwin.tar.gz`), and, where both
//! have a disk image or an installer package, as one too (`.dmg`, `.pkg`).
//!
//! It is made from the two finished macOS tarballs, not from a build, so
//! `dist` (both macOS targets in one run) and `merge` (each from its own CI
//! job) make the same bytes; [`fat`] writes the binary itself.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::binary::{fat, macho};
use crate::formats::archive::{self, Entry};
use crate::formats::dmg;
use crate::formats::pkg::{self, PkgMetadata};
use crate::release::manifest::{Artifact, Facts};
use crate::release::publish;
use crate::targets::Version;
use crate::util::progress;
use crate::vocab::Format;

pub use crate::targets::platforms::{UNIVERSAL2 as TARGET, UNIVERSAL2_SLICES as SLICES};

/// The universal artifact made from the two macOS tarballs, each given as
/// its manifest entry and bytes in the order of [`SLICES`]: the arm64
/// tarball's folder, renamed, with the fat binary in place of its own.
/// Returns the artifact's manifest entry and bytes.
pub fn artifact(tarballs: [(&Artifact, &[u8]); 2], mtime: u64) -> Result<(Artifact, Vec<u8>)> {
    // Each Mach-O file of the x86_64 tarball, by its name in the folder.
    let (x86_64, x86_64_bytes) = tarballs[0];
    let x86_64_binaries: Vec<(String, Vec<u8>)> = archive::read_tar_gz(x86_64_bytes)
        .with_context(|| format!("cannot open {}", x86_64.name))?
        .into_iter()
        .filter_map(|entry| {
            let data = entry.data.filter(|data| macho::is_macho(data))?;
            Some((entry.path.rsplit('/').next()?.to_owned(), data))
        })
        .collect();
    if x86_64_binaries.is_empty() {
        bail!("{} holds no Mach-O binary", x86_64.name);
    }

    let (arm64, arm64_bytes) = tarballs[1];
    let name = arm64.name.replace(SLICES[1], TARGET);
    let mut joined = 0;
    let mut entries = Vec::new();
    for entry in
        archive::read_tar_gz(arm64_bytes).with_context(|| format!("cannot open {}", arm64.name))?
    {
        let path = entry.path.replace(SLICES[1], TARGET);
        let file_name = entry.path.rsplit('/').next().unwrap_or_default();
        entries.push(match &entry.data {
            Some(data) if macho::is_macho(data) => {
                let (_, x86_64_slice) = x86_64_binaries
                    .iter()
                    .find(|(name, _)| name == file_name)
                    .with_context(|| format!("{} has no {file_name} to join", x86_64.name))?;
                joined += 1;
                Entry::executable(path, fat::fat_binary(&[x86_64_slice, data])?)
            }
            _ => Entry { path, ..entry },
        });
    }
    if joined != x86_64_binaries.len() {
        bail!("{} and {} hold different binaries", x86_64.name, arm64.name);
    }
    let bytes = archive::tar_gz(&entries, mtime)?;
    // Each slice starts on its own floor; the artifact promises the later.
    let macos_floor: Option<Version> = tarballs.iter().filter_map(|(a, _)| a.macos_floor).max();
    let facts = Facts {
        macos_floor,
        apple_stubs: arm64.apple_stubs || x86_64.apple_stubs,
        ..Facts::NONE
    };
    let artifact = Artifact::new(
        name,
        TARGET,
        Format::TarGz,
        &bytes,
        (&arm64.package, &arm64.binaries),
        facts,
    );
    Ok((artifact, bytes))
}

/// One package's universal artifacts, as the per-target artifacts call
/// for them: both macOS tarballs, and a disk image or installer package
/// where both slices have one.
pub struct Wanted<'a> {
    pub x86_64: &'a Artifact,
    pub arm64: &'a Artifact,
    pub dmg: bool,
    /// The arm64 slice's .pkg, whose identifier and version it takes.
    pub pkg: Option<&'a Artifact>,
}

impl Wanted<'_> {
    /// The universal tarball's name: the arm64 one's, for both.
    pub fn tarball_name(&self) -> String {
        self.arm64.name.replace(SLICES[1], TARGET)
    }

    /// The files it makes, with their formats, the tarball first.
    pub fn files(&self) -> Vec<(Format, String)> {
        let tarball = self.tarball_name();
        let beside = |format: Format| {
            let name = tarball.replace(".tar.gz", &format!(".{}", format.name()));
            (format, name)
        };
        let dmg = self.dmg.then(|| beside(Format::Dmg));
        let pkg = self.pkg.map(|_| beside(Format::Pkg));
        [Some((Format::TarGz, tarball.clone())), dmg, pkg]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// The universal artifacts `artifacts` (of a plan, this run, or the parts
/// of a merge) call for: for each package with both macOS tarballs and no
/// universal one yet.
pub fn wanted(artifacts: &[Artifact]) -> Vec<Wanted<'_>> {
    let mut packages: Vec<&str> = artifacts.iter().map(|a| a.package.as_str()).collect();
    packages.sort_unstable();
    packages.dedup();
    let mut wanted = Vec::new();
    for package in packages {
        let of_package = |triple: &str, format: Format| {
            artifacts
                .iter()
                .find(|a| a.package == package && a.target == triple && a.format == format)
        };
        if of_package(TARGET, Format::TarGz).is_some() {
            continue;
        }
        let (Some(x86_64), Some(arm64)) = (
            of_package(SLICES[0], Format::TarGz),
            of_package(SLICES[1], Format::TarGz),
        ) else {
            continue;
        };
        let has_both = |format| SLICES.iter().all(|t| of_package(t, format).is_some());
        wanted.push(Wanted {
            x86_64,
            arm64,
            dmg: has_both(Format::Dmg),
            pkg: of_package(SLICES[1], Format::Pkg).filter(|_| has_both(Format::Pkg)),
        });
    }
    wanted
}

/// The universal macOS artifacts [`wanted`] finds in `artifacts`, staged
/// in `staging`.
pub fn stage(artifacts: &[Artifact], staging: &Path, mtime: u64) -> Result<Vec<Artifact>> {
    let mut made = Vec::new();
    for wanted in wanted(artifacts) {
        let (x86_64, arm64) = (wanted.x86_64, wanted.arm64);
        progress::step(format_args!(
            "{TARGET}: one binary with both macOS slices ({})",
            arm64.package
        ));
        let read = |artifact: &Artifact| {
            std::fs::read(staging.join(&artifact.name))
                .with_context(|| format!("cannot read {}", artifact.name))
        };
        let (x86_64_bytes, arm64_bytes) = (read(x86_64)?, read(arm64)?);
        let (artifact, bytes) = artifact([(x86_64, &x86_64_bytes), (arm64, &arm64_bytes)], mtime)?;
        publish::stage(staging, &artifact, &bytes)?;
        let entries = archive::read_tar_gz(&bytes)?;
        if wanted.dmg {
            let image = dmg::image(&entries, mtime)?;
            made.push(stage_beside(staging, &artifact, Format::Dmg, &image)?);
        }
        if let Some(arm64_pkg) = wanted.pkg {
            let installer = universal_pkg(&read(arm64_pkg)?, &artifact, &entries, mtime)?;
            made.push(stage_beside(staging, &artifact, Format::Pkg, &installer)?);
        }
        made.push(artifact);
    }
    Ok(made)
}

/// The universal .pkg of the `universal` tarball's `entries`, named as the
/// arm64 slice's `.pkg` (its identifier and version), for both kinds of
/// Mac from the later floor of the two.
fn universal_pkg(
    arm64_pkg: &[u8],
    universal: &Artifact,
    entries: &[Entry],
    mtime: u64,
) -> Result<Vec<u8>> {
    let slice = pkg::read(arm64_pkg).context("cannot read the arm64 .pkg")?;
    let metadata = PkgMetadata {
        identifier: slice.identifier,
        version: slice.version,
        package: universal.package.clone(),
    };
    let host = pkg::Host {
        architectures: &["arm64", "x86_64"],
        floor: universal.macos_floor,
    };
    pkg::installer(entries, &metadata, &host, mtime)
}

/// Stages `bytes`, the `format` artifact of the `universal` tarball's
/// files, beside it; its manifest entry.
fn stage_beside(
    staging: &Path,
    universal: &Artifact,
    format: Format,
    bytes: &[u8],
) -> Result<Artifact> {
    let name = universal
        .name
        .replace(".tar.gz", &format!(".{}", format.name()));
    let facts = Facts {
        macos_floor: universal.macos_floor,
        apple_stubs: universal.apple_stubs,
        ..Facts::NONE
    };
    let artifact = Artifact::new(
        name,
        TARGET,
        format,
        bytes,
        (&universal.package, &universal.binaries),
        facts,
    );
    publish::stage(staging, &artifact, bytes)?;
    Ok(artifact)
}
