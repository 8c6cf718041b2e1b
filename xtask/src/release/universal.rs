//! The universal macOS artifact: one fat Mach-O binary with an x86_64 and
//! an arm64 slice, which runs natively on every Mac, packed as the two
//! macOS tarballs are (`…-universal2-apple-darwin.tar.gz`).
//!
//! It is made from the two finished macOS tarballs, not from a build, so
//! `dist` (both macOS targets in one run) and `merge` (each from its own CI
//! job) make the same bytes; [`fat`] writes the binary itself.

use std::path::Path;

use anyhow::{Context, Result};

use crate::binary::{fat, macho};
use crate::formats::archive::{self, Entry};
use crate::release::manifest::Artifact;
use crate::release::publish;
use crate::targets::Version;
use crate::util::digest;
use crate::vocab::Format;

pub use crate::targets::platforms::{UNIVERSAL2 as TARGET, UNIVERSAL2_SLICES as SLICES};

/// The universal artifact made from the two macOS tarballs, each given as
/// its manifest entry and bytes in the order of [`SLICES`]: the arm64
/// tarball's folder, renamed, with the fat binary in place of its own.
/// Returns the artifact's manifest entry and bytes.
pub fn artifact(tarballs: [(&Artifact, &[u8]); 2], mtime: u64) -> Result<(Artifact, Vec<u8>)> {
    let mut binaries = Vec::new();
    for (artifact, bytes) in tarballs {
        let entries = archive::read_tar_gz(bytes)
            .with_context(|| format!("cannot open {}", artifact.name))?;
        let binary = entries
            .into_iter()
            .find_map(|entry| entry.data.filter(|data| macho::is_macho(data)))
            .with_context(|| format!("{} holds no Mach-O binary", artifact.name))?;
        binaries.push(binary);
    }
    let fat = fat::fat_binary(&[&binaries[0], &binaries[1]])?;

    let (arm64, arm64_bytes) = tarballs[1];
    let name = arm64.name.replace(SLICES[1], TARGET);
    let entries: Vec<Entry> = archive::read_tar_gz(arm64_bytes)?
        .into_iter()
        .map(|entry| {
            let path = entry.path.replace(SLICES[1], TARGET);
            match &entry.data {
                Some(data) if macho::is_macho(data) => Entry::executable(path, fat.clone()),
                _ => Entry { path, ..entry },
            }
        })
        .collect();
    let bytes = archive::tar_gz(&entries, mtime)?;
    // Each slice starts on its own floor; the artifact promises the later.
    let macos_floor: Option<Version> = tarballs.iter().filter_map(|(a, _)| a.macos_floor).max();
    let artifact = Artifact {
        name,
        target: TARGET.to_owned(),
        format: Format::TarGz,
        size: bytes.len() as u64,
        sha256: digest::sha256_hex(&bytes),
        smoke_run: "none".to_owned(),
        glibc_floor: None,
        macos_floor,
        rustflags: Vec::new(),
        image_digest: None,
    };
    Ok((artifact, bytes))
}

/// The universal macOS artifact, staged in `staging`, if `artifacts` (of
/// this run, or of the parts of a merge) hold both macOS tarballs and not
/// the universal one yet.
pub fn stage(artifacts: &[Artifact], staging: &Path, mtime: u64) -> Result<Option<Artifact>> {
    if artifacts.iter().any(|a| a.target == TARGET) {
        return Ok(None);
    }
    let tarball = |triple: &str| {
        artifacts
            .iter()
            .find(|a| a.target == triple && a.format == Format::TarGz)
    };
    let (Some(x86_64), Some(arm64)) = (tarball(SLICES[0]), tarball(SLICES[1])) else {
        return Ok(None);
    };
    eprintln!("==> {TARGET}: one binary with both macOS slices");
    let read = |artifact: &Artifact| {
        std::fs::read(staging.join(&artifact.name))
            .with_context(|| format!("cannot read {}", artifact.name))
    };
    let (x86_64_bytes, arm64_bytes) = (read(x86_64)?, read(arm64)?);
    let (made, bytes) = artifact([(x86_64, &x86_64_bytes), (arm64, &arm64_bytes)], mtime)?;
    publish::stage(staging, &made.name, &bytes)?;
    Ok(Some(made))
}
