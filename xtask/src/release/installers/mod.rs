//! Installers made per release from its artifacts, one backend a file:
//! [`shell`] (`<bin>-installer.sh`, for Linux and macOS), [`homebrew`] (a
//! formula), [`scoop`] (a Windows manifest), [`winget`] (a manifest set
//! for the Windows Package Manager), and the npm root package
//! ([`npm_root`]) that picks a platform package. Each names artifacts by
//! their URL under the release's base URL and carries (or checks against)
//! their SHA-256, so they are made last, from the finished artifacts: by
//! `dist`, and again by `merge` over every part's artifacts.
//!
//! `installers` in `[workspace.metadata.dist]` chooses them; by default,
//! each one the configured targets have artifacts for. `base-url` says where
//! the release's files are (`{version}` is filled in); by default, the
//! GitHub release of the workspace's `repository`.

pub mod homebrew;
pub mod npm_root;
pub mod scoop;
pub mod shell;
pub mod winget;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::release::manifest::{Artifact, Facts};
use crate::release::publish;
use crate::vocab::Format;
use crate::workspace::config::{Config, Kind, Package};

/// What the manifest says an installer is for, where a target would be.
pub const TARGET: &str = "installer";

/// What an installer is made from: one shipped package's artifacts.
pub struct Release<'a> {
    /// What the installer is named after: the package's binary if it has
    /// one, else the package.
    pub name: &'a str,
    /// The binaries it installs.
    pub bins: &'a [String],
    pub package: &'a str,
    pub version: &'a str,
    pub description: Option<&'a str>,
    pub homepage: Option<&'a str>,
    pub repository: Option<&'a str>,
    pub authors: &'a [String],
    pub license: Option<&'a str>,
    /// Where the release's files are, version filled in, without a
    /// trailing `/`.
    pub base_url: String,
    /// The minisign public key `SHA256SUMS` is signed with, if it is.
    pub minisign_public_key: Option<String>,
    /// The package's artifacts.
    pub artifacts: &'a [Artifact],
}

impl Release<'_> {
    /// The download URL of the artifact `name`.
    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}", self.base_url)
    }
}

/// The file name of `installer` for `package`.
pub fn file_name(installer: Format, package: &Package) -> String {
    match installer {
        Format::ShellInstaller => format!("{}-installer.sh", package.artifact_name()),
        Format::HomebrewFormula => format!("{}.rb", homebrew::formula_name(&package.name)),
        Format::NpmRoot => format!("{}-{}-npm.tgz", package.artifact_name(), package.version),
        _ => format!("{}.json", package.artifact_name()),
    }
}

/// The prefix of the environment variables a script reads: the binary's
/// name in capitals, `-` as `_` (`my-tool` → `MY_TOOL`).
pub fn env_prefix(bin: &str) -> String {
    bin.chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c.to_ascii_uppercase(),
            false => '_',
        })
        .collect()
}

/// The base URL of version `version` of the release: `base_url` with
/// `{version}` filled in, without a trailing `/`.
pub fn base_url(template: &str, version: &str) -> String {
    template
        .replace("{version}", version)
        .trim_end_matches('/')
        .to_owned()
}

/// One shipped program's part of a release, from which its installers'
/// [`Release`] is borrowed.
struct ProgramRelease<'a> {
    package: &'a Package,
    /// Its artifacts, by name.
    artifacts: Vec<Artifact>,
    base_url: String,
    minisign_public_key: Option<String>,
}

impl ProgramRelease<'_> {
    fn release(&self) -> Release<'_> {
        let package = self.package;
        Release {
            name: package.artifact_name(),
            bins: &package.bins,
            package: &package.name,
            version: &package.version,
            description: package.description.as_deref(),
            homepage: package
                .homepage
                .as_deref()
                .or(package.repository.as_deref()),
            repository: package.repository.as_deref(),
            authors: &package.authors,
            license: package.license.as_deref(),
            base_url: self.base_url.clone(),
            minisign_public_key: self.minisign_public_key.clone(),
            artifacts: &self.artifacts,
        }
    }
}

/// Each shipped program's part of `artifacts`, if installers are
/// configured (firmware is flashed, not installed).
fn programs<'a>(
    config: &'a Config,
    artifacts: &[Artifact],
    minisign_public_key: Option<String>,
) -> Result<Vec<ProgramRelease<'a>>> {
    if config.installers.is_empty() {
        return Ok(Vec::new());
    }
    let template = config
        .base_url
        .as_deref()
        .context("installers need a base URL; the configuration was checked without one")?;
    let programs = config.packages.iter().filter(|p| p.kind == Kind::Program);
    Ok(programs
        .map(|package| {
            // By name, as the manifest lists them: dist and merge gather
            // them in different orders, and must write the same installers.
            let mut of_package: Vec<Artifact> = artifacts
                .iter()
                .filter(|artifact| artifact.package == package.name)
                .cloned()
                .collect();
            of_package.sort_by(|a, b| a.name.cmp(&b.name));
            ProgramRelease {
                package,
                artifacts: of_package,
                // The release is where the primary package's version says.
                base_url: base_url(template, &config.primary().version),
                minisign_public_key: minisign_public_key.clone(),
            }
        })
        .collect())
}

/// The installers `artifacts` (of a plan, this run, or the parts of a
/// merge) serve, of each configured kind: `(package, kind, file names)`.
pub fn wanted(
    config: &Config,
    artifacts: &[Artifact],
) -> Result<Vec<(String, Format, Vec<String>)>> {
    let mut wanted = Vec::new();
    for program in programs(config, artifacts, None)? {
        let (package, release) = (program.package, program.release());
        for &installer in &config.installers {
            if serves(installer, &release) {
                let names = file_names(installer, package, &release);
                wanted.push((package.name.clone(), installer, names));
            }
        }
    }
    Ok(wanted)
}

/// Whether `release` has artifacts `installer` installs: a dist of some
/// targets may have none that it serves; the whole release has.
fn serves(installer: Format, release: &Release<'_>) -> bool {
    match installer {
        Format::ShellInstaller => shell::serves(release),
        Format::HomebrewFormula => homebrew::serves(release),
        Format::ScoopManifest => scoop::serves(release),
        Format::WingetManifest => winget::serves(release),
        Format::NpmRoot => npm_root::serves(release),
        _ => false,
    }
}

/// The files `installer` writes for `release`.
fn file_names(installer: Format, package: &Package, release: &Release<'_>) -> Vec<String> {
    match installer {
        Format::WingetManifest => winget::file_names(release),
        _ => vec![file_name(installer, package)],
    }
}

/// Writes each configured installer for `artifacts` into `staging`, with
/// its `.sha256`, and returns their manifest entries.
pub fn stage(
    config: &Config,
    artifacts: &[Artifact],
    staging: &Path,
    minisign_public_key: Option<String>,
    mtime: u64,
) -> Result<Vec<Artifact>> {
    let mut made = Vec::new();
    for program in programs(config, artifacts, minisign_public_key)? {
        let release = program.release();
        made.extend(stage_package(
            config,
            program.package,
            &release,
            staging,
            mtime,
        )?);
    }
    Ok(made)
}

/// Writes each configured installer of one package's `release`.
fn stage_package(
    config: &Config,
    package: &Package,
    release: &Release<'_>,
    staging: &Path,
    mtime: u64,
) -> Result<Vec<Artifact>> {
    let mut made = Vec::new();
    for &installer in config.installers.iter().filter(|&&i| serves(i, release)) {
        let one = |bytes: Vec<u8>| vec![(file_name(installer, package), bytes)];
        let files = match installer {
            Format::ShellInstaller => one(shell::script(release).into()),
            Format::HomebrewFormula => one(homebrew::formula(release)?.into()),
            Format::ScoopManifest => one(scoop::manifest(release).into()),
            Format::WingetManifest => winget::manifests(release, staging)?,
            Format::NpmRoot => one(npm_root::package(package, release, mtime)?),
            other => bail!("{} is not an installer", other.name()),
        };
        for (name, bytes) in files {
            let artifact = Artifact::new(
                name,
                TARGET,
                installer,
                &bytes,
                (&package.name, &package.bins),
                Facts::NONE,
            );
            publish::stage(staging, &artifact, &bytes)?;
            made.push(artifact);
        }
    }
    Ok(made)
}

/// Checks an installer of the release: every artifact it would download is
/// in `SHA256SUMS` (`sums`: name → SHA-256), with the hash it carries.
/// Returns what it covers, for verify's report.
pub fn check(installer: Format, text: &str, sums: &BTreeMap<String, String>) -> Result<String> {
    let referenced: Vec<(String, Option<String>)> = match installer {
        Format::ShellInstaller => shell::referenced(text)
            .into_iter()
            .map(|n| (n, None))
            .collect(),
        Format::HomebrewFormula => homebrew::referenced(text)
            .into_iter()
            .map(|(name, hash)| (name, Some(hash)))
            .collect(),
        Format::ScoopManifest => scoop::referenced(text)?
            .into_iter()
            .map(|(name, hash)| (name, Some(hash)))
            .collect(),
        // Only the installer file of the set names artifacts.
        Format::WingetManifest if !text.contains("\nManifestType: installer\n") => {
            return Ok("a winget manifest that installs nothing itself".to_owned());
        }
        Format::WingetManifest => winget::referenced(text)
            .into_iter()
            .map(|(name, hash)| (name, Some(hash)))
            .collect(),
        other => bail!("{other} is not an installer"),
    };
    if referenced.is_empty() {
        bail!("names no artifact to install");
    }
    for (name, hash) in &referenced {
        match (sums.get(name), hash) {
            (None, _) => bail!("installs {name}, which SHA256SUMS does not list"),
            (Some(listed), Some(hash)) if listed != hash => {
                bail!("gives {name} the SHA-256 {hash}, but SHA256SUMS says {listed}")
            }
            _ => {}
        }
    }
    let names: Vec<&str> = referenced.iter().map(|(name, _)| name.as_str()).collect();
    Ok(format!("installs {}", names.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_prefixes_and_base_urls() {
        assert_eq!(env_prefix("my-tool2"), "MY_TOOL2");
        assert_eq!(
            base_url("https://example.com/download/v{version}/", "1.2.0"),
            "https://example.com/download/v1.2.0"
        );
    }
}
