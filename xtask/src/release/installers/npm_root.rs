//! The npm root package: what `npm i -g <name>` installs. It holds no
//! binary; its `optionalDependencies` name the release's platform
//! packages (one per target npm can install on), npm installs the one
//! whose `os`, `cpu` and `libc` fit the machine, and its script runs that
//! package's binary. Made from the finished artifacts, like the other
//! installers, so that it names exactly the platform packages shipped.

use anyhow::Result;

use super::Release;
use crate::formats::npm;
use crate::targets::{
    self,
    platforms::{self, NpmPlatform},
};
use crate::vocab::Format;
use crate::workspace::config::Package;

/// Each platform of the release's npm packages, with its binaries' file
/// names.
fn platforms(release: &Release<'_>) -> Vec<(NpmPlatform, Vec<String>)> {
    release
        .artifacts
        .iter()
        .filter(|artifact| artifact.format == Format::Npm)
        .filter_map(|artifact| {
            let spec = targets::lookup(&artifact.target)?;
            let exes = release.bins.iter().map(|bin| spec.exe_name(bin)).collect();
            Some((platforms::npm(spec)?, exes))
        })
        .collect()
}

/// Whether the release has a platform package.
pub fn serves(release: &Release<'_>) -> bool {
    !platforms(release).is_empty()
}

/// The root package's tarball.
pub fn package(package: &Package, release: &Release<'_>, mtime: u64) -> Result<Vec<u8>> {
    npm::root_package(
        &package.program,
        release.version,
        &platforms(release),
        mtime,
    )
}
