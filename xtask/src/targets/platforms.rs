//! What each target is called by what installs a release on it: Homebrew's
//! platforms, Scoop's architectures, the macOS slices a universal binary
//! combines, and so which installers can serve a target at all. Facts about
//! targets, read by the installers and by the configuration's checks.

use super::{Binary, Os, TargetSpec, Version};
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

/// Python's names for Linux architectures, by Debian architecture, with
/// the oldest glibc a manylinux tag covers there (manylinux1 for x86;
/// manylinux2014, glibc 2.17, for the rest). PyPI has no riscv64 tag: it
/// refuses `manylinux_*_riscv64` wheels.
const WHEEL_LINUX_ARCHES: &[(&str, &str, Version)] = &[
    ("amd64", "x86_64", Version::new(2, 5)),
    ("i386", "i686", Version::new(2, 5)),
    ("arm64", "aarch64", Version::new(2, 17)),
    ("armhf", "armv7l", Version::new(2, 17)),
    ("ppc64el", "ppc64le", Version::new(2, 17)),
    ("s390x", "s390x", Version::new(2, 17)),
];

/// The architecture of a macOS target as Apple names it (`arm64`,
/// `x86_64`): in wheel tags and in an installer's `hostArchitectures`.
pub fn macos_arch(spec: &TargetSpec) -> Option<&'static str> {
    match spec.binary {
        Binary::MachO {
            cpu_type: 0x0100_000c,
            ..
        } => Some("arm64"),
        Binary::MachO { .. } => Some("x86_64"),
        _ => None,
    }
}

/// The platform tag of a wheel of `spec`'s binaries, built for the glibc
/// or macOS floor given; or why PyPI has none for it.
pub fn wheel_platform(
    spec: &TargetSpec,
    glibc_floor: Option<Version>,
    macos_floor: Option<Version>,
) -> Result<String, String> {
    match spec.os {
        Os::Linux => linux_wheel_platform(spec, glibc_floor),
        Os::Darwin => {
            let floor = macos_floor.ok_or("a macOS target has a floor")?;
            let arch = macos_arch(spec).ok_or("a macOS target is a Mach-O one")?;
            // From macOS 11 on, installers look only for `_0` minors, so a
            // floor of 12.3 is tagged 13_0 (never older than it is).
            let (major, minor) = match (floor.major, floor.minor) {
                (10, minor) => (10, minor),
                (major, 0) => (major, 0),
                (major, _) => (major + 1, 0),
            };
            Ok(format!("macosx_{major}_{minor}_{arch}"))
        }
        Os::Windows => match scoop(spec) {
            Some("64bit") => Ok("win_amd64".to_owned()),
            Some("arm64") => Ok("win_arm64".to_owned()),
            Some(_) => Ok("win32".to_owned()),
            None => Err("it is no Windows architecture PyPI knows".to_owned()),
        },
        _ => Err("PyPI has platform tags for Linux, macOS and Windows only".to_owned()),
    }
}

/// The manylinux or musllinux tag of a Linux target.
fn linux_wheel_platform(spec: &TargetSpec, glibc_floor: Option<Version>) -> Result<String, String> {
    let debian = spec.debian_arch.unwrap_or_default();
    let Some(&(_, arch, oldest)) = WHEEL_LINUX_ARCHES.iter().find(|(d, ..)| *d == debian) else {
        return Err(format!(
            "PyPI has no platform tag for its architecture ({}): it refuses wheels tagged for it",
            spec.uname_machines.first().unwrap_or(&"unknown")
        ));
    };
    let Some(floor) = glibc_floor else {
        // Rust's musl is 1.2.3 or newer, which musllinux_1_2 covers.
        return Ok(format!("musllinux_1_2_{arch}"));
    };
    if floor < oldest {
        return Err(format!(
            "no manylinux tag covers glibc {floor} on {arch}: the oldest is manylinux_{}_{}_{arch}",
            oldest.major, oldest.minor
        ));
    }
    Ok(format!("manylinux_{}_{}_{arch}", floor.major, floor.minor))
}

/// What npm calls a platform: `process.platform`, `process.arch` and, on
/// Linux, the C library (`os`, `cpu` and `libc` in a package.json).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpmPlatform {
    pub os: &'static str,
    pub cpu: &'static str,
    pub libc: Option<&'static str>,
}

impl NpmPlatform {
    /// The suffix of its package's name: `linux-x64`, `linux-x64-musl`.
    pub fn suffix(&self) -> String {
        match self.libc {
            Some("musl") => format!("{}-{}-musl", self.os, self.cpu),
            _ => format!("{}-{}", self.os, self.cpu),
        }
    }
}

/// The npm platform of a target's binaries, if Node.js runs there.
pub fn npm(spec: &TargetSpec) -> Option<NpmPlatform> {
    let os = match spec.os {
        Os::Linux => "linux",
        Os::Darwin => "darwin",
        Os::Windows => "win32",
        Os::FreeBsd => "freebsd",
        _ => return None,
    };
    let cpu = match spec.binary {
        Binary::Elf { machine: 0x3e, .. }
        | Binary::Pe {
            machine: 0x8664, ..
        } => "x64",
        Binary::Elf { machine: 0xb7, .. }
        | Binary::Pe {
            machine: 0xaa64, ..
        } => "arm64",
        Binary::MachO {
            cpu_type: 0x0100_000c,
            ..
        } => "arm64",
        Binary::MachO { .. } => "x64",
        Binary::Elf { machine: 0x03, .. }
        | Binary::Pe {
            machine: 0x014c, ..
        } => "ia32",
        Binary::Elf { machine: 0x28, .. } => "arm",
        Binary::Elf { machine: 0xf3, .. } => "riscv64",
        Binary::Elf { machine: 0x15, .. } => "ppc64",
        Binary::Elf { machine: 0x16, .. } => "s390x",
        _ => return None,
    };
    let libc = match (spec.os, spec.static_binary) {
        (Os::Linux, true) => Some("musl"),
        (Os::Linux, false) => Some("glibc"),
        _ => None,
    };
    Some(NpmPlatform { os, cpu, libc })
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
        Format::NpmRoot => npm(spec).is_some() && formats.contains(&Format::Npm),
        Format::WingetManifest => {
            scoop(spec).is_some()
                && (formats.contains(&Format::Zip) || formats.contains(&Format::Msi))
        }
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
