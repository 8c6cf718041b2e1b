//! What each target is called by what installs a release on it: Homebrew's
//! platforms, Scoop's architectures, the macOS slices a universal binary
//! combines, and so which installers can serve a target at all. Facts about
//! targets, read by the installers and by the configuration's checks.

use super::{Binary, Os, TargetSpec};
use crate::vocab::Format;

/// The name the universal macOS artifact carries where a target triple goes.
pub const UNIVERSAL2: &str = "universal2-apple-darwin";

/// The triples whose binaries it combines, in the order of their slices.
pub const UNIVERSAL2_SLICES: [&str; 2] = ["x86_64-apple-darwin", "aarch64-apple-darwin"];

/// The Homebrew platform a target's binaries run on, if it is one.
pub fn homebrew(spec: &TargetSpec) -> Option<(&'static str, &'static str)> {
    let os = match spec.os {
        Os::Darwin => "on_macos",
        Os::Linux => "on_linux",
        _ => return None,
    };
    let cpu = match spec.uname_machines {
        [first, ..] if matches!(*first, "aarch64" | "arm64") => "on_arm",
        [first, ..] if *first == "x86_64" => "on_intel",
        _ => return None,
    };
    Some((os, cpu))
}

/// Scoop's name for a Windows target's architecture.
pub fn scoop(spec: &TargetSpec) -> Option<&'static str> {
    match spec.binary {
        Binary::Pe {
            machine: 0x8664, ..
        } => Some("64bit"),
        Binary::Pe {
            machine: 0xaa64, ..
        } => Some("arm64"),
        Binary::Pe {
            machine: 0x014c, ..
        } => Some("32bit"),
        _ => None,
    }
}

/// The architecture wixl builds a Windows target's `.msi` for (`x64`,
/// `x86`); none for Arm, which wixl 0.101 cannot build.
pub fn msi_arch(spec: &TargetSpec) -> Option<&'static str> {
    match spec.binary {
        Binary::Pe {
            machine: 0x8664, ..
        } => Some("x64"),
        Binary::Pe {
            machine: 0x014c, ..
        } => Some("x86"),
        _ => None,
    }
}

/// Whether `installer` could serve the artifacts `spec` is configured with.
pub fn serves(installer: Format, spec: &TargetSpec, formats: &[Format]) -> bool {
    match installer {
        Format::ShellInstaller => {
            matches!(spec.os, Os::Linux | Os::Darwin | Os::FreeBsd)
                && formats.contains(&Format::TarGz)
        }
        Format::HomebrewFormula => homebrew(spec).is_some() && formats.contains(&Format::TarGz),
        Format::ScoopManifest => scoop(spec).is_some() && formats.contains(&Format::Zip),
        _ => false,
    }
}

/// What an OCI image index calls a Linux target's platform: GOARCH-style
/// `architecture` and, for Arm, the `variant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OciPlatform {
    pub architecture: &'static str,
    pub variant: Option<&'static str>,
}

impl std::fmt::Display for OciPlatform {
    /// `linux/<architecture>[/<variant>]`, as `docker --platform` takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "linux/{}", self.architecture)?;
        match self.variant {
            Some(variant) => write!(f, "/{variant}"),
            None => Ok(()),
        }
    }
}

/// OCI platforms by Debian architecture: the two name the same CPU
/// families, so the Debian name the table already holds is the key.
const OCI_PLATFORMS: &[(&str, &str, Option<&str>)] = &[
    ("amd64", "amd64", None),
    ("arm64", "arm64", Some("v8")),
    ("armhf", "arm", Some("v7")),
    ("armel", "arm", Some("v6")),
    ("i386", "386", None),
    ("riscv64", "riscv64", None),
    ("ppc64el", "ppc64le", None),
    ("s390x", "s390x", None),
];

/// The platform a target's binary has in a container image, if it can be
/// in one: a statically linked Linux binary, which needs nothing from the
/// image but itself (`FROM scratch`).
pub fn container(spec: &TargetSpec) -> Option<OciPlatform> {
    if spec.os != Os::Linux || !spec.static_binary {
        return None;
    }
    let debian_arch = spec.debian_arch?;
    OCI_PLATFORMS
        .iter()
        .find(|(debian, ..)| *debian == debian_arch)
        .map(|&(_, architecture, variant)| OciPlatform {
            architecture,
            variant,
        })
}
