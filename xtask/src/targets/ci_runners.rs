//! The CI machines `cargo xtask plan` can put a target's release job on:
//! GitHub-hosted runners, what each one's host triple is, and which target
//! OSes it can build.

use super::Os;

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

const LINUX_BUILDS: &[Os] = &[Os::Linux, Os::Windows, Os::Darwin, Os::FreeBsd, Os::Wasi];

/// The runners the xtask knows. Windows runners are missing on purpose: the
/// xtask runs on Linux and macOS machines, and Windows targets are built on
/// Linux with MinGW and tested under wine.
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

/// The runner each OS builds on unless the configuration says otherwise.
pub fn default_runner(os: Os) -> &'static str {
    match os {
        Os::Darwin => "macos-latest",
        Os::Linux | Os::Windows | Os::FreeBsd | Os::Wasi => "ubuntu-latest",
    }
}

/// The runner labelled `label`, if the xtask knows it.
pub fn find(label: &str) -> Option<&'static CiRunner> {
    CI_RUNNERS.iter().find(|runner| runner.label == label)
}
