//! Binaries built on another machine, which dist packages as if it had
//! built them (`dist --target T --prebuilt DIR`): an MSVC target's, built
//! and tested with plain cargo on a Windows runner, where Visual Studio
//! is. Everything after the build is the same as for any target: the
//! header checks, the formats, the checksums and the manifest.

use std::path::Path;

use anyhow::{Result, bail};

use super::cargo::Built;
use crate::targets::TargetSpec;
use crate::workspace::config::{Configured, Package};

/// Refuses `--prebuilt` before anything is done, unless it names a folder
/// and exactly one selected target that this machine cannot build.
pub fn check_selection(prebuilt: &Path, targets: &[&Configured]) -> Result<()> {
    let [configured] = targets else {
        bail!(
            "--prebuilt {} packages the binaries of one target, but {} are selected. Name the \
             target they were built for with --target.",
            prebuilt.display(),
            targets.len()
        );
    };
    let spec = configured.spec;
    if spec.built_elsewhere().is_none() {
        bail!(
            "--prebuilt is for targets this machine cannot build (the MSVC ones); {} is built \
             here, by dist itself, with the flags that make its release reproducible. Leave out \
             --prebuilt.",
            spec.triple
        );
    }
    if !prebuilt.is_dir() {
        bail!(
            "--prebuilt {}: no such folder. Give the folder that holds the {} binaries, as \
             `cargo build --profile dist --target {}` left them (target/{}/dist).",
            prebuilt.display(),
            spec.triple,
            spec.triple,
            spec.triple
        );
    }
    Ok(())
}

/// The binaries of `package` for `spec` in `dir`, as a build would have
/// reported them; no build script output comes with them.
pub fn binaries(dir: &Path, spec: &TargetSpec, package: &Package) -> Result<Built> {
    let mut executables = Vec::new();
    for bin in &package.bins {
        let path = dir.join(spec.exe_name(bin));
        if !path.is_file() {
            bail!(
                "--prebuilt {} has no {}, the {} binary of {} for {}. Copy it there from the \
                 machine that built it (target/{}/dist/).",
                dir.display(),
                spec.exe_name(bin),
                bin,
                package.name,
                spec.triple,
                spec.triple
            );
        }
        executables.push((bin.clone(), path));
    }
    Ok(Built {
        executables,
        out_dir: None,
    })
}
