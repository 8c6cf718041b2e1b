//! The rows that differ on build machines other than the reference one:
//! each is the reference row of [`table`](super::table) with what that
//! machine changes, so the two cannot drift apart.

use super::table::*;
use super::{CCompiler, HostRows, Linker, Runner, TargetSpec, runs_with};

/// The build machine [`KNOWN_TARGETS`] is written for, and so the one
/// `.cargo/config.toml` records.
pub const REFERENCE_HOST: &str = "x86_64-unknown-linux-gnu";

/// The other build machines the xtask runs on, each with the rows that
/// replace [`KNOWN_TARGETS`]' there. Targets without a row of their own are
/// built and run there as on the reference host.
pub const OTHER_HOSTS: &[HostRows] = &[
    HostRows {
        host: "aarch64-unknown-linux-gnu",
        rows: ON_AARCH64_LINUX_HOST,
    },
    HostRows {
        host: "aarch64-apple-darwin",
        rows: ON_MACOS_HOST,
    },
    HostRows {
        host: "x86_64-apple-darwin",
        rows: ON_MACOS_HOST,
    },
];

/// Rows that replace [`KNOWN_TARGETS`]' on an aarch64 Linux build machine
/// (GitHub's `ubuntu-24.04-arm`, Graviton, a Raspberry Pi 5): aarch64 runs
/// natively, x86_64 under qemu with Debian's amd64 cross gcc and libc, and
/// Windows binaries are build-only, since Debian's arm64 wine runs no x86_64
/// code. Debian's native gcc answers to its triplet name
/// (`aarch64-linux-gnu-gcc`), so the linker `.cargo/config.toml` names
/// works here too.
pub(super) const ON_AARCH64_LINUX_HOST: &[TargetSpec] = &[
    TargetSpec {
        c_compiler: CCompiler::Gcc("cc"),
        runner: Runner::Native,
        tools: &[links_with("aarch64-linux-gnu-gcc", "gcc"), ZIG, ZIGBUILD],
        ..AARCH64_LINUX_GNU
    },
    TargetSpec {
        linker: Linker::CrossGcc("x86_64-linux-gnu-gcc"),
        c_compiler: CCompiler::Gcc("x86_64-linux-gnu-gcc"),
        runner: Runner::Qemu {
            program: "qemu-x86_64",
            sysroot: Some("/usr/x86_64-linux-gnu"),
        },
        tools: &[
            links_with("x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu"),
            links_against("/usr/x86_64-linux-gnu/lib/Scrt1.o", "libc6-dev-amd64-cross"),
            runs_with("qemu-x86_64", "qemu-user"),
            ZIG,
            ZIGBUILD,
        ],
        ..X86_64_LINUX_GNU
    },
    TargetSpec {
        runner: Runner::Native,
        tools: &[ZIG],
        ..AARCH64_LINUX_MUSL
    },
    TargetSpec {
        runner: Runner::Qemu {
            program: "qemu-x86_64",
            sysroot: None,
        },
        tools: &[runs_with("qemu-x86_64", "qemu-user"), ZIG],
        ..X86_64_LINUX_MUSL
    },
    TargetSpec {
        runner: Runner::None {
            why: "Debian's arm64 wine runs no x86_64 code; an x86_64 machine runs them",
        },
        tools: &[links_with("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64")],
        ..X86_64_WINDOWS_GNU
    },
];

/// Rows that replace [`KNOWN_TARGETS`]' on a Mac build machine (a macOS CI
/// runner, say), where Apple's own toolchain links macOS binaries and the
/// machine runs them: no zig, and tests run natively (x86_64 via Rosetta).
const ON_MACOS_HOST: &[TargetSpec] = &[
    macos_native(AARCH64_APPLE_DARWIN),
    macos_native(X86_64_APPLE_DARWIN),
];

/// A macOS target built on a Mac, from its row for Linux: Apple's
/// toolchain links it and compiles its C, and the Mac runs it.
const fn macos_native(on_linux: TargetSpec) -> TargetSpec {
    TargetSpec {
        linker: Linker::HostCc,
        c_compiler: CCompiler::Host,
        runner: Runner::Native,
        tools: &[],
        release_rustflags: &[],
        ..on_linux
    }
}
