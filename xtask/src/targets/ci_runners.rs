//! The CI machines `cargo xtask plan` can put a target's release job on:
//! GitHub-hosted runners, what each one's host triple is, and which target
//! OSes it can build.

use super::{Linker, Os, TargetSpec};

/// A GitHub-hosted runner the xtask can run on.
pub struct CiRunner {
    /// The `runs-on` label.
    pub label: &'static str,
    /// The rustc host triple of that machine.
    pub host: &'static str,
    /// The target OSes it builds: macOS runners cannot install the Linux
    /// cross toolchains (apt), Linux runners build macOS with zig.
    pub builds: &'static [Os],
}

const LINUX_BUILDS: &[Os] = &[
    Os::Linux,
    Os::Windows,
    Os::Darwin,
    Os::FreeBsd,
    Os::Wasi,
    Os::BareMetal,
    Os::Browser,
];

/// The runners the xtask knows. The xtask itself runs on the Linux and
/// macOS ones. Windows ones build and test the MSVC targets with plain
/// cargo, for a Linux job to package; the other Windows targets are built
/// on Linux with MinGW or zig.
pub const CI_RUNNERS: &[CiRunner] = &[
    CiRunner {
        label: "ubuntu-latest",
        host: "x86_64-unknown-linux-gnu",
        builds: LINUX_BUILDS,
    },
    CiRunner {
        label: "ubuntu-24.04",
        host: "x86_64-unknown-linux-gnu",
        builds: LINUX_BUILDS,
    },
    CiRunner {
        label: "ubuntu-22.04",
        host: "x86_64-unknown-linux-gnu",
        builds: LINUX_BUILDS,
    },
    // arm64 Linux: aarch64 targets build and test natively there.
    CiRunner {
        label: "ubuntu-24.04-arm",
        host: "aarch64-unknown-linux-gnu",
        builds: LINUX_BUILDS,
    },
    CiRunner {
        label: "ubuntu-22.04-arm",
        host: "aarch64-unknown-linux-gnu",
        builds: LINUX_BUILDS,
    },
    CiRunner {
        label: WINDOWS_RUNNER,
        host: "x86_64-pc-windows-msvc",
        builds: &[Os::Windows],
    },
    CiRunner {
        label: "windows-2025",
        host: "x86_64-pc-windows-msvc",
        builds: &[Os::Windows],
    },
    CiRunner {
        label: "windows-11-arm",
        host: "aarch64-pc-windows-msvc",
        builds: &[Os::Windows],
    },
    CiRunner {
        label: "macos-latest",
        host: "aarch64-apple-darwin",
        builds: &[Os::Darwin],
    },
    CiRunner {
        label: "macos-15",
        host: "aarch64-apple-darwin",
        builds: &[Os::Darwin],
    },
    CiRunner {
        label: "macos-14",
        host: "aarch64-apple-darwin",
        builds: &[Os::Darwin],
    },
];

/// Where the MSVC targets are built: GitHub's Windows runner, which has
/// Visual Studio.
pub const WINDOWS_RUNNER: &str = "windows-latest";

/// Where a Windows runner's MSVC binaries are packaged (by `dist
/// --prebuilt`): the xtask's own kind of machine.
pub const PACKAGING_RUNNER: &str = "ubuntu-latest";

/// The runner a target builds on unless the configuration says otherwise.
pub fn default_runner(spec: &TargetSpec) -> &'static str {
    match (spec.os, spec.linker) {
        // Windows on ARM runs its own tests on GitHub's ARM runner.
        (_, Linker::Msvc) if spec.triple.starts_with("aarch64") => "windows-11-arm",
        (_, Linker::Msvc) => WINDOWS_RUNNER,
        (Os::Darwin, _) => "macos-latest",
        (Os::Linux | Os::Windows | Os::FreeBsd | Os::Wasi | Os::BareMetal | Os::Browser, _) => {
            PACKAGING_RUNNER
        }
    }
}

impl CiRunner {
    /// Whether it is a Windows machine, which builds only MSVC targets.
    pub fn is_windows(&self) -> bool {
        self.host.ends_with("-windows-msvc")
    }
}

/// The runner labelled `label`, if the xtask knows it.
pub fn find(label: &str) -> Option<&'static CiRunner> {
    CI_RUNNERS.iter().find(|runner| runner.label == label)
}
