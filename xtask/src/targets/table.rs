//! The target table: every triple the xtask can build, test and package,
//! and what each needs, as data. Supporting a new target means adding a row
//! here.

use super::*;
use crate::pins;
use crate::vocab::{Probe, Role, Source};

/// A linker-side program from a Debian package.
pub(super) const fn links_with(program: &'static str, package: &'static str) -> Tool {
    Tool {
        role: Role::Linker,
        probe: Probe::Command(program),
        source: Source::Apt(package),
    }
}

/// A linker-side file from a Debian package (a cross libc's startup files).
pub(super) const fn links_against(path: &'static str, package: &'static str) -> Tool {
    Tool {
        role: Role::Linker,
        probe: Probe::File(path),
        source: Source::Apt(package),
    }
}

/// A program from a Debian package that runs things: a target's binaries,
/// or (for CI and the benchmark) the tools artifacts are checked with.
pub const fn runs_with(program: &'static str, package: &'static str) -> Tool {
    Tool {
        role: Role::Runner,
        probe: Probe::Command(program),
        source: Source::Apt(package),
    }
}

/// zig, from PyPI: the C compiler where Debian has no cross gcc.
pub(super) const ZIG: Tool = Tool {
    role: Role::Linker,
    probe: Probe::PythonModule("ziglang"),
    source: Source::Pip(&pins::ZIGLANG),
};

/// cargo-zigbuild, from PyPI: what links Mach-O binaries here, and -gnu
/// release binaries against the glibc floor.
pub(super) const ZIGBUILD: Tool = Tool {
    role: Role::Linker,
    probe: Probe::Command("cargo-zigbuild"),
    source: Source::Pip(&pins::CARGO_ZIGBUILD),
};

/// What each architecture's executables say in their headers: the ELF
/// `e_machine` values of `<elf.h>`, the PE machine of Microsoft's PE format
/// page, the Mach-O CPU types of `<mach/machine.h>`.
const ELF_X86_64: Binary = Binary::Elf {
    machine: 62,
    cpu: "x86-64",
    bits: 64,
    big_endian: false,
};
const ELF_AARCH64: Binary = Binary::Elf {
    machine: 183,
    cpu: "AArch64",
    bits: 64,
    big_endian: false,
};
const ELF_ARM: Binary = Binary::Elf {
    machine: 40,
    cpu: "ARM",
    bits: 32,
    big_endian: false,
};
const ELF_RISCV64: Binary = Binary::Elf {
    machine: 243,
    cpu: "RISC-V",
    bits: 64,
    big_endian: false,
};
const ELF_PPC64LE: Binary = Binary::Elf {
    machine: 21,
    cpu: "PowerPC64",
    bits: 64,
    big_endian: false,
};
const ELF_I386: Binary = Binary::Elf {
    machine: 3,
    cpu: "Intel 80386",
    bits: 32,
    big_endian: false,
};
const ELF_S390X: Binary = Binary::Elf {
    machine: 22,
    cpu: "IBM S/390",
    bits: 64,
    big_endian: true,
};
const PE_X86_64: Binary = Binary::Pe {
    machine: 0x8664,
    cpu: "x86-64",
};
const PE_ARM64: Binary = Binary::Pe {
    machine: 0xaa64,
    cpu: "ARM64",
};
const PE_I386: Binary = Binary::Pe {
    machine: 0x014c,
    cpu: "Intel 386",
};
const MACHO_ARM64: Binary = Binary::MachO {
    cpu_type: 0x0100_000c,
    cpu: "arm64",
};
const MACHO_X86_64: Binary = Binary::MachO {
    cpu_type: 0x0100_0007,
    cpu: "x86_64",
};

/// The oldest macOS Rust's standard library supports on Apple silicon (the
/// first release that ran on it) and on Intel Macs. Without a deployment
/// target, zig links for a recent macOS, and the binary would not start on
/// older ones.
const MACOS_ARM64_LOWEST: Version = Version::new(11, 0);
const MACOS_X86_64_LOWEST: Version = Version::new(10, 12);

pub(super) const X86_64_LINUX_GNU: TargetSpec = TargetSpec {
    triple: "x86_64-unknown-linux-gnu",
    os: Os::Linux,
    binary: ELF_X86_64,
    uname_machines: &["x86_64", "amd64"],
    debian_arch: Some("amd64"),
    rpm_arch: Some("x86_64"),
    static_binary: false,
    linker: Linker::HostCc,
    c_compiler: CCompiler::Gcc("cc"),
    min_glibc: Some(Version::new(2, 17)),
    min_macos: None,
    runner: Runner::Native,
    tools: &[links_with("cc", "gcc"), ZIG, ZIGBUILD],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const AARCH64_LINUX_GNU: TargetSpec = TargetSpec {
    triple: "aarch64-unknown-linux-gnu",
    os: Os::Linux,
    binary: ELF_AARCH64,
    uname_machines: &["aarch64", "arm64"],
    debian_arch: Some("arm64"),
    rpm_arch: Some("aarch64"),
    static_binary: false,
    linker: Linker::CrossGcc("aarch64-linux-gnu-gcc"),
    c_compiler: CCompiler::Gcc("aarch64-linux-gnu-gcc"),
    min_glibc: Some(Version::new(2, 17)),
    min_macos: None,
    runner: Runner::Qemu {
        program: "qemu-aarch64",
        sysroot: Some("/usr/aarch64-linux-gnu"),
    },
    tools: &[
        links_with("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"),
        links_against(
            "/usr/aarch64-linux-gnu/lib/Scrt1.o",
            "libc6-dev-arm64-cross",
        ),
        runs_with("qemu-aarch64", "qemu-user"),
        ZIG,
        ZIGBUILD,
    ],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const ARMV7_LINUX_GNUEABIHF: TargetSpec = TargetSpec {
    triple: "armv7-unknown-linux-gnueabihf",
    os: Os::Linux,
    binary: ELF_ARM,
    uname_machines: &["armv7l", "armv8l"],
    debian_arch: Some("armhf"),
    rpm_arch: Some("armv7hl"),
    static_binary: false,
    linker: Linker::CrossGcc("arm-linux-gnueabihf-gcc"),
    c_compiler: CCompiler::Gcc("arm-linux-gnueabihf-gcc"),
    min_glibc: Some(Version::new(2, 17)),
    min_macos: None,
    runner: Runner::Qemu {
        program: "qemu-arm",
        sysroot: Some("/usr/arm-linux-gnueabihf"),
    },
    tools: &[
        links_with("arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf"),
        links_against(
            "/usr/arm-linux-gnueabihf/lib/Scrt1.o",
            "libc6-dev-armhf-cross",
        ),
        runs_with("qemu-arm", "qemu-user"),
        ZIG,
        ZIGBUILD,
    ],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const RISCV64GC_LINUX_GNU: TargetSpec = TargetSpec {
    triple: "riscv64gc-unknown-linux-gnu",
    os: Os::Linux,
    binary: ELF_RISCV64,
    uname_machines: &["riscv64"],
    debian_arch: Some("riscv64"),
    rpm_arch: Some("riscv64"),
    static_binary: false,
    linker: Linker::CrossGcc("riscv64-linux-gnu-gcc"),
    c_compiler: CCompiler::Gcc("riscv64-linux-gnu-gcc"),
    min_glibc: Some(Version::new(2, 27)),
    min_macos: None,
    runner: Runner::Qemu {
        program: "qemu-riscv64",
        sysroot: Some("/usr/riscv64-linux-gnu"),
    },
    tools: &[
        links_with("riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu"),
        links_against(
            "/usr/riscv64-linux-gnu/lib/Scrt1.o",
            "libc6-dev-riscv64-cross",
        ),
        runs_with("qemu-riscv64", "qemu-user"),
        ZIG,
        ZIGBUILD,
    ],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const POWERPC64LE_LINUX_GNU: TargetSpec = TargetSpec {
    triple: "powerpc64le-unknown-linux-gnu",
    os: Os::Linux,
    binary: ELF_PPC64LE,
    uname_machines: &["ppc64le"],
    debian_arch: Some("ppc64el"),
    rpm_arch: Some("ppc64le"),
    static_binary: false,
    linker: Linker::CrossGcc("powerpc64le-linux-gnu-gcc"),
    c_compiler: CCompiler::Gcc("powerpc64le-linux-gnu-gcc"),
    // Rust's standard library would run on 2.17, but zig, which links
    // the release against the floor, builds ppc64le C with IEEE 128-bit
    // long double, whose printf symbols glibc has from 2.32.
    min_glibc: Some(Version::new(2, 32)),
    min_macos: None,
    runner: Runner::Qemu {
        program: "qemu-ppc64le",
        sysroot: Some("/usr/powerpc64le-linux-gnu"),
    },
    tools: &[
        links_with("powerpc64le-linux-gnu-gcc", "gcc-powerpc64le-linux-gnu"),
        links_against(
            "/usr/powerpc64le-linux-gnu/lib/Scrt1.o",
            "libc6-dev-ppc64el-cross",
        ),
        runs_with("qemu-ppc64le", "qemu-user"),
        ZIG,
        ZIGBUILD,
    ],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const I686_LINUX_GNU: TargetSpec = TargetSpec {
    triple: "i686-unknown-linux-gnu",
    os: Os::Linux,
    binary: ELF_I386,
    uname_machines: &["i686", "i586", "i386"],
    debian_arch: Some("i386"),
    rpm_arch: Some("i686"),
    static_binary: false,
    linker: Linker::CrossGcc("i686-linux-gnu-gcc"),
    c_compiler: CCompiler::Gcc("i686-linux-gnu-gcc"),
    min_glibc: Some(Version::new(2, 17)),
    min_macos: None,
    // The build machine's CPU could run it, but its dynamic loader is not
    // installed where the binary expects it; qemu's -L finds the cross one.
    runner: Runner::Qemu {
        program: "qemu-i386",
        sysroot: Some("/usr/i686-linux-gnu"),
    },
    tools: &[
        links_with("i686-linux-gnu-gcc", "gcc-i686-linux-gnu"),
        links_against("/usr/i686-linux-gnu/lib/Scrt1.o", "libc6-dev-i386-cross"),
        runs_with("qemu-i386", "qemu-user"),
        ZIG,
        ZIGBUILD,
    ],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const S390X_LINUX_GNU: TargetSpec = TargetSpec {
    triple: "s390x-unknown-linux-gnu",
    os: Os::Linux,
    binary: ELF_S390X,
    uname_machines: &["s390x"],
    debian_arch: Some("s390x"),
    rpm_arch: Some("s390x"),
    static_binary: false,
    linker: Linker::CrossGcc("s390x-linux-gnu-gcc"),
    c_compiler: CCompiler::Gcc("s390x-linux-gnu-gcc"),
    min_glibc: Some(Version::new(2, 17)),
    min_macos: None,
    // IBM Z is big-endian: its tests are where byte-order mistakes show.
    runner: Runner::Qemu {
        program: "qemu-s390x",
        sysroot: Some("/usr/s390x-linux-gnu"),
    },
    tools: &[
        links_with("s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu"),
        links_against("/usr/s390x-linux-gnu/lib/Scrt1.o", "libc6-dev-s390x-cross"),
        runs_with("qemu-s390x", "qemu-user"),
        ZIG,
        ZIGBUILD,
    ],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const X86_64_LINUX_MUSL: TargetSpec = TargetSpec {
    triple: "x86_64-unknown-linux-musl",
    os: Os::Linux,
    binary: ELF_X86_64,
    uname_machines: &["x86_64", "amd64"],
    debian_arch: Some("amd64"),
    rpm_arch: Some("x86_64"),
    static_binary: true,
    linker: Linker::RustLld,
    c_compiler: CCompiler::Zig("x86_64-linux-musl"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::Native,
    tools: &[ZIG],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const AARCH64_LINUX_MUSL: TargetSpec = TargetSpec {
    triple: "aarch64-unknown-linux-musl",
    os: Os::Linux,
    binary: ELF_AARCH64,
    uname_machines: &["aarch64", "arm64"],
    debian_arch: Some("arm64"),
    rpm_arch: Some("aarch64"),
    static_binary: true,
    linker: Linker::RustLld,
    c_compiler: CCompiler::Zig("aarch64-linux-musl"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::Qemu {
        program: "qemu-aarch64",
        sysroot: None,
    },
    tools: &[runs_with("qemu-aarch64", "qemu-user"), ZIG],
    release_rustflags: &[],
    import_libs: None,
};

/// 32-bit x86 with musl: static, so the x86_64 build machine runs it
/// directly (its kernel runs 32-bit programs), and nothing else is needed.
pub(super) const I686_LINUX_MUSL: TargetSpec = TargetSpec {
    triple: "i686-unknown-linux-musl",
    os: Os::Linux,
    binary: ELF_I386,
    uname_machines: &["i686", "i586", "i386"],
    debian_arch: Some("i386"),
    rpm_arch: Some("i686"),
    static_binary: true,
    linker: Linker::RustLld,
    c_compiler: CCompiler::Zig("x86-linux-musl"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::Native,
    tools: &[ZIG],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const X86_64_WINDOWS_GNU: TargetSpec = TargetSpec {
    triple: "x86_64-pc-windows-gnu",
    os: Os::Windows,
    binary: PE_X86_64,
    uname_machines: &[],
    debian_arch: None,
    rpm_arch: None,
    static_binary: false,
    linker: Linker::CrossGcc("x86_64-w64-mingw32-gcc"),
    c_compiler: CCompiler::Gcc("x86_64-w64-mingw32-gcc"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::Wine,
    tools: &[
        links_with("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"),
        // aws-lc-sys (under rustls 0.23's default crypto provider, and
        // aws-lc-rs) assembles its x86_64 Windows code with NASM, and
        // stops without it. Debian packages it; it is small.
        links_with("nasm", "nasm"),
        runs_with("wine", "wine"),
        Tool {
            role: Role::Runner,
            probe: Probe::File("/usr/lib/wine/wine64"),
            source: Source::Apt("wine64"),
        },
    ],
    release_rustflags: &["-Clink-arg=-Wl,--no-insert-timestamp"],
    import_libs: Some("/usr/x86_64-w64-mingw32/lib"),
};

/// Windows on ARM, with the LLVM flavour of MinGW (`gnullvm`): zig links
/// it (PE32+ ARM64) and compiles its C. Debian's wine runs no ARM64 code
/// on x86_64, so it is build-only here; wixl makes no ARM64 `.msi`, so it
/// ships a zip ([`platforms::msi_arch`]).
pub(super) const AARCH64_WINDOWS_GNULLVM: TargetSpec = TargetSpec {
    triple: "aarch64-pc-windows-gnullvm",
    os: Os::Windows,
    binary: PE_ARM64,
    uname_machines: &[],
    debian_arch: None,
    rpm_arch: None,
    static_binary: false,
    linker: Linker::ZigCc("aarch64-windows-gnu"),
    c_compiler: CCompiler::ZigCc("aarch64-windows-gnu"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::None {
        why: "wine on x86_64 runs no ARM64 code; a Windows on ARM machine runs them",
    },
    tools: &[ZIG, ZIGBUILD],
    // The PE header's time stamp becomes a hash of the contents
    // (lld's /Brepro), not the time of the link.
    release_rustflags: &["-Clink-arg=-Wl,-Brepro"],
    import_libs: None,
};

/// FreeBSD: zig links against its own copy of FreeBSD's libc. Build-only,
/// as the Rust cross-compilation guides have it: nothing on Linux runs a
/// FreeBSD binary short of a FreeBSD virtual machine.
pub(super) const X86_64_FREEBSD: TargetSpec = TargetSpec {
    triple: "x86_64-unknown-freebsd",
    os: Os::FreeBsd,
    binary: ELF_X86_64,
    uname_machines: &["amd64", "x86_64"],
    debian_arch: None,
    rpm_arch: None,
    static_binary: false,
    linker: Linker::ZigCc("x86_64-freebsd"),
    c_compiler: CCompiler::ZigCc("x86_64-freebsd"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::None {
        why: "Linux runs no FreeBSD binary; a FreeBSD machine or VM runs them",
    },
    tools: &[ZIG, ZIGBUILD],
    release_rustflags: &[],
    import_libs: None,
};

pub(super) const AARCH64_APPLE_DARWIN: TargetSpec = macos_with_zig(
    "aarch64-apple-darwin",
    MACHO_ARM64,
    &["arm64"],
    MACOS_ARM64_LOWEST,
);

pub(super) const X86_64_APPLE_DARWIN: TargetSpec = macos_with_zig(
    "x86_64-apple-darwin",
    MACHO_X86_64,
    &["x86_64"],
    MACOS_X86_64_LOWEST,
);

pub(super) const WASM32_WASIP1: TargetSpec = TargetSpec {
    triple: "wasm32-wasip1",
    os: Os::Wasi,
    binary: Binary::Wasm,
    uname_machines: &[],
    debian_arch: None,
    rpm_arch: None,
    static_binary: true,
    linker: Linker::Builtin,
    c_compiler: CCompiler::Zig("wasm32-wasi"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::Wasmtime,
    tools: &[
        Tool {
            role: Role::Runner,
            probe: Probe::PythonModule("wasmtime"),
            source: Source::Pip(&pins::WASMTIME),
        },
        ZIG,
    ],
    release_rustflags: &[],
    import_libs: None,
};

/// The tools every Cortex-M row needs: QEMU's system emulator, whose
/// boards boot the images. rust-lld, which links them, ships with Rust.
const QEMU_SYSTEM_ARM: &[Tool] = &[runs_with("qemu-system-arm", "qemu-system-arm")];

/// A Cortex-M row: no OS, rust-lld links (with cortex-m-rt's script, which
/// the firmware's build script passes), and a board QEMU emulates boots
/// the image.
const fn cortex_m(triple: &'static str, machine: &'static str) -> TargetSpec {
    TargetSpec {
        triple,
        os: Os::BareMetal,
        binary: ELF_ARM,
        uname_machines: &[],
        debian_arch: None,
        rpm_arch: None,
        static_binary: true,
        linker: Linker::Builtin,
        c_compiler: CCompiler::Gcc("arm-none-eabi-gcc"),
        min_glibc: None,
        min_macos: None,
        runner: Runner::QemuSystem { machine },
        tools: QEMU_SYSTEM_ARM,
        release_rustflags: &[],
        import_libs: None,
    }
}

/// Cortex-M3 (ARMv7-M), on the Stellaris LM3S6965 board the Rust Embedded
/// Book uses.
const THUMBV7M_NONE_EABI: TargetSpec =
    cortex_m("thumbv7m-none-eabi", "-cpu cortex-m3 -machine lm3s6965evb");

/// Cortex-M33 (ARMv8-M Mainline), on Arm's MPS2 board with the AN505 image.
const THUMBV8M_MAIN_NONE_EABI: TargetSpec =
    cortex_m("thumbv8m.main-none-eabi", "-machine mps2-an505");

/// The tools of the browser's row: wasm-bindgen-cli, whose
/// `wasm-bindgen` writes the JavaScript bindings and whose test runner runs
/// the tests (at exactly the version of the `wasm-bindgen` crate); and
/// Chromium with its WebDriver server, the browser the tests also run in.
const WASM_BINDGEN_TOOLS: &[Tool] = &[
    Tool {
        role: Role::Linker,
        probe: Probe::Command("wasm-bindgen"),
        source: Source::Cargo(&pins::WASM_BINDGEN_CLI),
    },
    runs_with("chromium", "chromium"),
    runs_with("chromedriver", "chromium-driver"),
];

/// The browser, and Node.js: rustc links the module itself, wasm-bindgen
/// gives it JavaScript bindings, and wasm-bindgen-test-runner runs its tests.
const WASM32_UNKNOWN_UNKNOWN: TargetSpec = TargetSpec {
    triple: "wasm32-unknown-unknown",
    os: Os::Browser,
    binary: Binary::Wasm,
    uname_machines: &[],
    debian_arch: None,
    rpm_arch: None,
    static_binary: true,
    linker: Linker::Builtin,
    // What cc-rs runs for this target. Nothing installs it, as nothing
    // installs arm-none-eabi-gcc for the firmware: the web package has no C.
    c_compiler: CCompiler::Gcc("clang"),
    min_glibc: None,
    min_macos: None,
    runner: Runner::WasmBindgen,
    tools: WASM_BINDGEN_TOOLS,
    release_rustflags: &[],
    import_libs: None,
};

/// Every target the xtask can build, test and package.
pub const KNOWN_TARGETS: &[TargetSpec] = &[
    X86_64_LINUX_GNU,
    AARCH64_LINUX_GNU,
    ARMV7_LINUX_GNUEABIHF,
    RISCV64GC_LINUX_GNU,
    POWERPC64LE_LINUX_GNU,
    I686_LINUX_GNU,
    S390X_LINUX_GNU,
    X86_64_LINUX_MUSL,
    AARCH64_LINUX_MUSL,
    I686_LINUX_MUSL,
    X86_64_WINDOWS_GNU,
    AARCH64_WINDOWS_GNULLVM,
    X86_64_WINDOWS_MSVC,
    AARCH64_WINDOWS_MSVC,
    I686_WINDOWS_MSVC,
    X86_64_FREEBSD,
    AARCH64_APPLE_DARWIN,
    X86_64_APPLE_DARWIN,
    WASM32_WASIP1,
    THUMBV7M_NONE_EABI,
    THUMBV8M_MAIN_NONE_EABI,
    WASM32_UNKNOWN_UNKNOWN,
];

/// The MSVC targets: what Windows users mostly get from Rust projects.
/// Visual Studio links them, on Windows, so nothing here builds or runs
/// them: a Windows runner builds and tests them with plain cargo, and
/// `dist --prebuilt` packages its binaries here like any other target's.
const fn msvc(triple: &'static str, binary: Binary) -> TargetSpec {
    TargetSpec {
        triple,
        os: Os::Windows,
        binary,
        uname_machines: &[],
        debian_arch: None,
        rpm_arch: None,
        static_binary: false,
        linker: Linker::Msvc,
        c_compiler: CCompiler::Msvc,
        min_glibc: None,
        min_macos: None,
        runner: Runner::None {
            why: "it is built and tested on a Windows runner; this machine packages its binary",
        },
        tools: &[],
        release_rustflags: &[],
        import_libs: None,
    }
}

pub(super) const X86_64_WINDOWS_MSVC: TargetSpec = msvc("x86_64-pc-windows-msvc", PE_X86_64);
pub(super) const AARCH64_WINDOWS_MSVC: TargetSpec = msvc("aarch64-pc-windows-msvc", PE_ARM64);
pub(super) const I686_WINDOWS_MSVC: TargetSpec = msvc("i686-pc-windows-msvc", PE_I386);

/// A macOS target built on Linux: zig links it and nothing runs it.
///
/// Release flags: `-S` keeps debug-map paths, and with them the clone's
/// location, out of the Mach-O UUID; `-x` drops the local symbols of the
/// objects linked. rustc's own strip is off (`-Cstrip=none`): it runs
/// LLVM's objcopy, which crashes on some of zig's arm64 output, depending
/// on where the checkout is, and rustc only warns. dist strips what is left
/// itself, the same way everywhere, and signs again
/// (`binary/macho_strip.rs`).
const fn macos_with_zig(
    triple: &'static str,
    binary: Binary,
    uname_machines: &'static [&'static str],
    min_macos: Version,
) -> TargetSpec {
    TargetSpec {
        triple,
        os: Os::Darwin,
        binary,
        uname_machines,
        debian_arch: None,
        rpm_arch: None,
        static_binary: false,
        linker: Linker::Zig,
        c_compiler: CCompiler::Zigbuild,
        min_glibc: None,
        min_macos: Some(min_macos),
        runner: Runner::None {
            why: "Linux runs no Mach-O binary; a macOS runner tests them (`cargo xtask plan`)",
        },
        tools: &[ZIG, ZIGBUILD],
        release_rustflags: &["-Clink-arg=-Wl,-S", "-Clink-arg=-Wl,-x", "-Cstrip=none"],
        import_libs: None,
    }
}
