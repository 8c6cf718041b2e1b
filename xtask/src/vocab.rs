//! The words every part of the xtask shares: the kinds of release
//! artifact ([`Format`]), the tools a job needs and where they come from
//! ([`Tool`], [`Source`]), and pinned versions ([`Pin`]). Types only: this
//! module does no work and depends on no other, so every other can use it.

use std::fmt;

/// A format is written as its name (`tar.gz`, `deb`), as the manifest and
/// `--json` outputs name it.
impl serde::Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Format, D::Error> {
        let name = String::deserialize(deserializer)?;
        Format::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown format `{name}`")))
    }
}

/// The kinds of release artifact: the package formats a target can be
/// configured with, and the SBOM every target gets beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    TarGz,
    Zip,
    Deb,
    Rpm,
    /// A Windows Installer package, built with wixl.
    Msi,
    /// A macOS disk image: an HFS+ volume with the binaries, README and
    /// licenses, in a compressed UDIF container.
    Dmg,
    /// A macOS installer package: a product archive whose payload puts
    /// the binaries in `/usr/local/bin`, as Apple's Installer opens it.
    Pkg,
    /// A CycloneDX SBOM (`.cdx.json`), made unless `sbom = false`.
    Sbom,
    /// `<bin>-installer.sh`, for Linux and macOS.
    ShellInstaller,
    /// A Homebrew formula, `<package>.rb`.
    HomebrewFormula,
    /// A Scoop manifest, `<bin>.json`.
    ScoopManifest,
    /// A multi-architecture container image, as an OCI image layout
    /// archive: `<bin>-<version>-oci.tar`.
    OciImage,
    /// A firmware image as the linker wrote it: the ELF file debuggers and
    /// flashing tools (probe-rs, OpenOCD) load.
    Elf,
    /// A firmware image as raw bytes from the flash origin on, what a
    /// bootloader or `dd` writes (`objcopy -O binary`).
    Bin,
    /// A firmware image in Intel HEX (`objcopy -O ihex`): text records
    /// that carry their addresses, which many flashing tools read.
    Hex,
    /// An npm package tarball, as `npm pack` makes it: a web package's
    /// WebAssembly module, its JavaScript bindings and TypeScript types,
    /// and a package.json.
    Npm,
    /// A winget manifest set for the Windows zips and .msi packages: the
    /// version, installer and default-locale files (`<Id>.yaml`,
    /// `<Id>.installer.yaml`, `<Id>.locale.en-US.yaml`).
    WingetManifest,
    /// The npm package users install (`npm i -g app`): a script that runs
    /// the binary of the platform package npm chose among its
    /// `optionalDependencies`, one per target (Biome's layout).
    NpmRoot,
    /// A Python wheel that installs the program's binaries (`pip install`,
    /// `uvx`), tagged with the platform they run on.
    Wheel,
}

impl Format {
    /// Every kind of artifact, in the order artifacts are listed.
    pub const ALL: [Format; 19] = [
        Format::TarGz,
        Format::Zip,
        Format::Deb,
        Format::Rpm,
        Format::Msi,
        Format::Dmg,
        Format::Pkg,
        Format::Sbom,
        Format::ShellInstaller,
        Format::HomebrewFormula,
        Format::ScoopManifest,
        Format::OciImage,
        Format::Elf,
        Format::Bin,
        Format::Hex,
        Format::WingetManifest,
        Format::NpmRoot,
        Format::Npm,
        Format::Wheel,
    ];

    /// A firmware target's images, each of which `[workspace.metadata.dist.formats]`
    /// can choose for it (and only for it).
    pub const FIRMWARE: [Format; 3] = [Format::Elf, Format::Bin, Format::Hex];

    /// The formats `[workspace.metadata.dist.formats]` can choose for a
    /// hosted target.
    pub const PACKAGES: [Format; 9] = [
        Format::TarGz,
        Format::Zip,
        Format::Deb,
        Format::Rpm,
        Format::Msi,
        Format::Dmg,
        Format::Pkg,
        Format::Wheel,
        Format::Npm,
    ];

    /// The installers `installers` in `[workspace.metadata.dist]` can
    /// choose, in the order they are made.
    pub const INSTALLERS: [Format; 5] = [
        Format::ShellInstaller,
        Format::HomebrewFormula,
        Format::ScoopManifest,
        Format::WingetManifest,
        Format::NpmRoot,
    ];

    /// The name used in configuration and reports, which is also the file
    /// extension.
    pub fn name(&self) -> &'static str {
        match self {
            Format::TarGz => "tar.gz",
            Format::Zip => "zip",
            Format::Deb => "deb",
            Format::Rpm => "rpm",
            Format::Msi => "msi",
            Format::Dmg => "dmg",
            Format::Pkg => "pkg",
            Format::Sbom => "cdx.json",
            Format::ShellInstaller => "sh",
            Format::HomebrewFormula => "rb",
            Format::ScoopManifest => "json",
            Format::OciImage => "oci.tar",
            Format::Elf => "elf",
            Format::Bin => "bin",
            Format::Hex => "hex",
            Format::Npm => "tgz",
            Format::NpmRoot => "npm.tgz",
            Format::WingetManifest => "yaml",
            Format::Wheel => "whl",
        }
    }

    /// The name `installers` in `[workspace.metadata.dist]` uses.
    pub fn installer_name(&self) -> Option<&'static str> {
        match self {
            Format::ShellInstaller => Some("shell"),
            Format::HomebrewFormula => Some("homebrew"),
            Format::ScoopManifest => Some("scoop"),
            Format::NpmRoot => Some("npm"),
            Format::WingetManifest => Some("winget"),
            _ => None,
        }
    }

    /// Whether artifacts of this format hold the program's binary (a
    /// firmware `.elf` is one).
    pub fn holds_binary(&self) -> bool {
        Format::PACKAGES.contains(self) || *self == Format::Elf
    }

    /// The format of an artifact, from its file name's extension. (A name
    /// that fits two, like `x.cdx.json`, is the first in [`Format::ALL`].)
    pub fn of_file_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| {
            // The image's `-oci.tar` and the npm root package's `-npm.tgz`
            // read as the rest read `.tar.gz`.
            let separator = match format {
                Format::OciImage | Format::NpmRoot => '-',
                _ => '.',
            };
            name.strip_suffix(format.name())
                .is_some_and(|stem| stem.ends_with(separator))
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
            .chain(Format::FIRMWARE)
            .find(|format| format.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A program or file a target needs on the build machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tool {
    /// What it is needed for.
    pub role: Role,
    /// How to tell whether it is present.
    pub probe: Probe,
    /// What installs it.
    pub source: Source,
}

/// The job a tool does for a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Linking: without it nothing builds.
    Linker,
    /// Running binaries: without it tests and smoke runs cannot run.
    Runner,
}

/// A check for a tool's presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// A program on `PATH`.
    Command(&'static str),
    /// A file a package installs, for packages that have no program (a
    /// cross libc's startup files, say).
    File(&'static str),
    /// A Python module, importable by the tools environment's `python3`.
    PythonModule(&'static str),
}

/// Where a tool comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A Debian/Ubuntu package, installed with apt.
    Apt(&'static str),
    /// A PyPI package at a pinned version, installed into the xtask's own
    /// virtual environment.
    Pip(&'static Pin),
    /// A crate (`name@version`), built with `cargo install` into the same
    /// folder, whose `bin/` the xtask puts on `PATH`.
    Cargo(&'static Pin),
    /// An npm package (`name@version`), installed with the machine's npm
    /// into the same folder (`npm install --global --prefix`), so its
    /// programs land in the same `bin/`.
    Npm(&'static Pin),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Apt(package) => write!(f, "apt package {package}"),
            Source::Pip(pin) => write!(f, "PyPI package {pin}"),
            Source::Cargo(pin) => write!(f, "crate {pin}"),
            Source::Npm(pin) => write!(f, "npm package {pin}"),
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.probe {
            Probe::Command(program) => write!(f, "`{program}`"),
            Probe::File(path) => write!(f, "{path}"),
            Probe::PythonModule(module) => write!(f, "python module `{module}`"),
        }
    }
}

/// One pinned tool.
#[derive(Debug, PartialEq, Eq)]
pub struct Pin {
    /// The package name in its registry.
    pub package: &'static str,
    pub version: &'static str,
    /// SHA-256 of each wheel pip may pick (one per host architecture);
    /// empty for crates and npm packages.
    pub sha256: &'static [&'static str],
}

impl Pin {
    /// A line of a pip requirements file that pins this version and its
    /// wheels' hashes.
    pub fn requirement_line(&self) -> String {
        let mut line = format!("{}=={}", self.package, self.version);
        for hash in self.sha256 {
            line.push_str(&format!(" --hash=sha256:{hash}"));
        }
        line
    }

    /// `name@version`, as `cargo install` and `npm install` take it.
    pub fn crate_spec(&self) -> String {
        format!("{}@{}", self.package, self.version)
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.package, self.version)
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
        assert_eq!(Format::from_name("tar.xz"), None);
        assert_eq!(
            Format::of_file_name("app_1.0-1_amd64.deb"),
            Some(Format::Deb)
        );
        assert_eq!(
            Format::of_file_name("app-1.0-x.tar.gz"),
            Some(Format::TarGz)
        );
        assert_eq!(Format::of_file_name("app-1.0-x.tar.gz.sha256"), None);
        assert_eq!(
            Format::of_file_name("app-1.0-oci.tar"),
            Some(Format::OciImage)
        );
        assert_eq!(Format::of_file_name("app-1.0.tar"), None);
    }
}
