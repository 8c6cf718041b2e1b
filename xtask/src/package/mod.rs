//! Release artifacts: what goes into them and how each format is written,
//! byte-reproducibly, then checksummed, listed in a manifest, signed and
//! published.
//!
//! - Formats, each in its own room: [`archive`] (tar.gz, zip), [`deb`] and
//!   [`rpm`] (packages), [`sbom`] (CycloneDX), [`universal`] (the fat
//!   macOS binary), [`installers`] (install.sh, Homebrew, Scoop); [`docs`]
//!   gathers the man pages and completions they ship.
//! - Binaries: [`elf`] and [`macho`] read what a binary needs of the system
//!   it runs on, [`codesign`] checks and renews Mach-O signatures,
//!   [`macho_strip`] removes what rustc's strip left, and [`headers`]
//!   checks each shipped binary is what its target says.
//! - The release: [`layout`] names every artifact and lists what an archive
//!   holds; [`checksum`], [`manifest`], [`signing`] (minisign) and
//!   [`publish`] make it a release, and [`verify`] checks one.
//! - The build's flags: [`reproducible`] and [`rustflags`] keep build
//!   paths out of binaries.

pub mod archive;
pub mod checksum;
pub mod codesign;
pub mod deb;
pub mod docs;
pub mod elf;
pub mod headers;
pub mod installers;
pub mod layout;
pub mod macho;
pub mod macho_strip;
pub mod manifest;
pub mod publish;
pub mod reproducible;
pub mod rpm;
pub mod rustflags;
pub mod sbom;
pub mod signing;
pub mod universal;
pub mod verify;

use std::fmt;

/// The kinds of release artifact: the package formats a target can be
/// configured with, and the SBOM every target gets beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    TarGz,
    Zip,
    Deb,
    Rpm,
    /// A CycloneDX SBOM (`.cdx.json`), made unless `sbom = false`.
    Sbom,
    /// `<bin>-installer.sh`, for Linux and macOS.
    ShellInstaller,
    /// A Homebrew formula, `<package>.rb`.
    HomebrewFormula,
    /// A Scoop manifest, `<bin>.json`.
    ScoopManifest,
}

impl Format {
    /// Every kind of artifact, in the order artifacts are listed.
    pub const ALL: [Format; 8] = [
        Format::TarGz,
        Format::Zip,
        Format::Deb,
        Format::Rpm,
        Format::Sbom,
        Format::ShellInstaller,
        Format::HomebrewFormula,
        Format::ScoopManifest,
    ];

    /// The formats `[workspace.metadata.dist.formats]` can choose.
    pub const PACKAGES: [Format; 4] = [Format::TarGz, Format::Zip, Format::Deb, Format::Rpm];

    /// The installers `installers` in `[workspace.metadata.dist]` can
    /// choose, in the order they are made.
    pub const INSTALLERS: [Format; 3] = [
        Format::ShellInstaller,
        Format::HomebrewFormula,
        Format::ScoopManifest,
    ];

    /// The name used in configuration and reports, which is also the file
    /// extension.
    pub fn name(&self) -> &'static str {
        match self {
            Format::TarGz => "tar.gz",
            Format::Zip => "zip",
            Format::Deb => "deb",
            Format::Rpm => "rpm",
            Format::Sbom => sbom::EXTENSION,
            Format::ShellInstaller => "sh",
            Format::HomebrewFormula => "rb",
            Format::ScoopManifest => "json",
        }
    }

    /// The name `installers` in `[workspace.metadata.dist]` uses.
    pub fn installer_name(&self) -> Option<&'static str> {
        match self {
            Format::ShellInstaller => Some("shell"),
            Format::HomebrewFormula => Some("homebrew"),
            Format::ScoopManifest => Some("scoop"),
            _ => None,
        }
    }

    /// Whether artifacts of this format hold the program's binary.
    pub fn holds_binary(&self) -> bool {
        Format::PACKAGES.contains(self)
    }

    /// The format of an artifact, from its file name's extension. (A name
    /// that fits two, like `x.cdx.json`, is the first in [`Format::ALL`].)
    pub fn of_file_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| {
            name.strip_suffix(format.name())
                .is_some_and(|stem| stem.ends_with('.'))
        })
    }

    /// Parses a name as written in `dist-manifest.json`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    /// Parses a package format as written in `Cargo.toml`.
    pub fn package_from_name(name: &str) -> Option<Format> {
        Format::PACKAGES
            .into_iter()
            .find(|format| format.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::from_name("tgz"), None);
        assert_eq!(
            Format::of_file_name("app_1.0-1_amd64.deb"),
            Some(Format::Deb)
        );
        assert_eq!(
            Format::of_file_name("app-1.0-x.tar.gz"),
            Some(Format::TarGz)
        );
        assert_eq!(Format::of_file_name("app-1.0-x.tar.gz.sha256"), None);
    }
}
