//! What the xtask knows about each target triple, as data.
//!
//! Everything that differs between targets — the linker, how tests run, the
//! Debian architecture, the default archive formats, which system packages
//! provide the tools — is a field of a [`TargetSpec`] row in [`KNOWN_TARGETS`].
//! The rest of the xtask asks this table instead of matching on triples, so
//! supporting a new target means adding one row here (and, for plain `cargo`
//! to find its linker and runner, the matching lines in `.cargo/config.toml`).
//!
//! The runners assume an x86_64 Linux build machine, the common CI case:
//! x86_64 Linux targets run natively, other Linux architectures under
//! qemu-user, Windows under wine.

use std::fmt;

/// One row of the target table.
#[derive(Debug)]
pub struct TargetSpec {
    /// The rustc target triple.
    pub triple: &'static str,
    /// The operating system family, which decides file names and formats.
    pub os: Os,
    /// Debian's name for the architecture (`dpkg --print-architecture`), for
    /// Linux targets that can be packaged as a `.deb`.
    pub debian_arch: Option<&'static str>,
    /// Whether the binary is statically linked (musl): a `.deb` of it
    /// depends on nothing.
    pub static_binary: bool,
    /// What links the target's binaries.
    pub linker: Linker,
    /// What runs the target's binaries on the build machine.
    pub runner: Runner,
    /// The tools the linker and runner need, and where they come from.
    pub tools: &'static [Tool],
    /// Linker arguments that make release builds byte-reproducible, passed
    /// by `dist` only (they cost debug builds something).
    pub reproducible_link_args: &'static [&'static str],
}

/// Operating system families the xtask packages differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Linux,
    Windows,
    Darwin,
    /// WebAssembly System Interface: no OS underneath, a runtime instead.
    Wasi,
}

/// How the target's binaries are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linker {
    /// The build machine's own C compiler driver (`cc`).
    HostCc,
    /// A cross C compiler driver, as named in `.cargo/config.toml`.
    CrossGcc(&'static str),
    /// The `rust-lld` that ships with the toolchain: no system package needed.
    RustLld,
    /// zig, driven by `cargo zigbuild` instead of `cargo build`.
    Zig,
    /// The linker rustc uses for this target by default, shipped with the
    /// toolchain (rust-lld as wasm-ld for WebAssembly): nothing to configure.
    Builtin,
}

/// How the target's binaries are run on the build machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// Directly: the build machine's CPU and OS run it.
    Native,
    /// Under qemu user-mode emulation; `sysroot` is the `-L` prefix where
    /// the target's dynamic loader and libc live (none for static binaries).
    Qemu {
        program: &'static str,
        sysroot: Option<&'static str>,
    },
    /// Under wine, through `scripts/wine-runner`.
    Wine,
    /// Under the wasmtime WASI runtime, through `scripts/wasi-runner`.
    Wasmtime,
    /// Nothing here can run it: the target is build-only.
    None,
}

/// Whether a binary is built by `cargo build` or `cargo zigbuild`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    Cargo,
    Zigbuild,
}

/// Release archive formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    TarGz,
    Zip,
    Deb,
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
    /// A PyPI package, installed into the xtask's own virtual environment.
    Pip(&'static str),
    /// A crate (`name@version`), built with `cargo install` into the same
    /// folder, whose `bin/` the xtask puts on `PATH`.
    Cargo(&'static str),
}

/// A linker-side program from a Debian package.
const fn links_with(program: &'static str, package: &'static str) -> Tool {
    Tool {
        role: Role::Linker,
        probe: Probe::Command(program),
        source: Source::Apt(package),
    }
}

/// A linker-side file from a Debian package (a cross libc's startup files).
const fn links_against(path: &'static str, package: &'static str) -> Tool {
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

/// zig and cargo-zigbuild, from PyPI: what links Mach-O binaries here.
const ZIG_TOOLS: &[Tool] = &[
    Tool {
        role: Role::Linker,
        probe: Probe::PythonModule("ziglang"),
        source: Source::Pip("ziglang"),
    },
    Tool {
        role: Role::Linker,
        probe: Probe::Command("cargo-zigbuild"),
        source: Source::Pip("cargo-zigbuild"),
    },
];

/// Every target the xtask can build, test and package.
pub const KNOWN_TARGETS: &[TargetSpec] = &[
    TargetSpec {
        triple: "x86_64-unknown-linux-gnu",
        os: Os::Linux,
        debian_arch: Some("amd64"),
        static_binary: false,
        linker: Linker::HostCc,
        runner: Runner::Native,
        tools: &[links_with("cc", "gcc")],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "aarch64-unknown-linux-gnu",
        os: Os::Linux,
        debian_arch: Some("arm64"),
        static_binary: false,
        linker: Linker::CrossGcc("aarch64-linux-gnu-gcc"),
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
        ],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "armv7-unknown-linux-gnueabihf",
        os: Os::Linux,
        debian_arch: Some("armhf"),
        static_binary: false,
        linker: Linker::CrossGcc("arm-linux-gnueabihf-gcc"),
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
        ],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "riscv64gc-unknown-linux-gnu",
        os: Os::Linux,
        debian_arch: Some("riscv64"),
        static_binary: false,
        linker: Linker::CrossGcc("riscv64-linux-gnu-gcc"),
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
        ],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "powerpc64le-unknown-linux-gnu",
        os: Os::Linux,
        debian_arch: Some("ppc64el"),
        static_binary: false,
        linker: Linker::CrossGcc("powerpc64le-linux-gnu-gcc"),
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
        ],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "i686-unknown-linux-gnu",
        os: Os::Linux,
        debian_arch: Some("i386"),
        static_binary: false,
        linker: Linker::CrossGcc("i686-linux-gnu-gcc"),
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
        ],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "x86_64-unknown-linux-musl",
        os: Os::Linux,
        debian_arch: Some("amd64"),
        static_binary: true,
        linker: Linker::RustLld,
        runner: Runner::Native,
        tools: &[],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "aarch64-unknown-linux-musl",
        os: Os::Linux,
        debian_arch: Some("arm64"),
        static_binary: true,
        linker: Linker::RustLld,
        runner: Runner::Qemu {
            program: "qemu-aarch64",
            sysroot: None,
        },
        tools: &[runs_with("qemu-aarch64", "qemu-user")],
        reproducible_link_args: &[],
    },
    TargetSpec {
        triple: "x86_64-pc-windows-gnu",
        os: Os::Windows,
        debian_arch: None,
        static_binary: false,
        linker: Linker::CrossGcc("x86_64-w64-mingw32-gcc"),
        runner: Runner::Wine,
        tools: &[
            links_with("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"),
            runs_with("wine", "wine"),
            Tool {
                role: Role::Runner,
                probe: Probe::File("/usr/lib/wine/wine64"),
                source: Source::Apt("wine64"),
            },
        ],
        reproducible_link_args: &["-Wl,--no-insert-timestamp"],
    },
    macos_with_zig("aarch64-apple-darwin"),
    macos_with_zig("x86_64-apple-darwin"),
    TargetSpec {
        triple: "wasm32-wasip1",
        os: Os::Wasi,
        debian_arch: None,
        static_binary: true,
        linker: Linker::Builtin,
        runner: Runner::Wasmtime,
        tools: &[Tool {
            role: Role::Runner,
            probe: Probe::PythonModule("wasmtime"),
            source: Source::Pip("wasmtime"),
        }],
        reproducible_link_args: &[],
    },
];

/// Rows that replace [`KNOWN_TARGETS`]' on a Mac build machine (a macOS CI
/// runner, say), where Apple's own toolchain links macOS binaries and the
/// machine runs them: no zig, and tests run natively (x86_64 via Rosetta).
pub const ON_MACOS_HOST: &[TargetSpec] = &[
    macos_native("aarch64-apple-darwin"),
    macos_native("x86_64-apple-darwin"),
];

/// A macOS target built on Linux: zig links it (its `-S` keeps debug-map
/// paths, and with them the clone's location, out of the Mach-O UUID) and
/// nothing runs it.
const fn macos_with_zig(triple: &'static str) -> TargetSpec {
    TargetSpec {
        triple,
        os: Os::Darwin,
        debian_arch: None,
        static_binary: false,
        linker: Linker::Zig,
        runner: Runner::None,
        tools: ZIG_TOOLS,
        reproducible_link_args: &["-Wl,-S"],
    }
}

/// A macOS target built on a Mac: Apple's toolchain links it, the Mac runs it.
const fn macos_native(triple: &'static str) -> TargetSpec {
    TargetSpec {
        triple,
        os: Os::Darwin,
        debian_arch: None,
        static_binary: false,
        linker: Linker::HostCc,
        runner: Runner::Native,
        tools: &[],
        reproducible_link_args: &[],
    }
}

/// What to do about a triple rustc knows but the table lacks: which fields
/// its row needs.
pub fn missing_row_message(triple: &str) -> String {
    format!(
        "rustc knows {triple}, but the xtask's target table does not, so it cannot say how to \
         link, run or package it. Add a row for it to KNOWN_TARGETS in xtask/src/target.rs: \
         `os`; `debian_arch` (Debian's name for the architecture, if it has one); \
         `static_binary`; `linker` (the cross C compiler, e.g. `CrossGcc(\"...-gcc\")`); \
         `runner` (e.g. `Qemu {{ program: \"qemu-...\", sysroot: Some(\"/usr/...\") }}`, or \
         `None` if nothing here runs it); `tools` (each program or file with the Debian \
         package that provides it)."
    )
}

/// The table row for `triple` on an x86_64 Linux build machine, if the xtask
/// knows it.
pub fn lookup(triple: &str) -> Option<&'static TargetSpec> {
    KNOWN_TARGETS.iter().find(|spec| spec.triple == triple)
}

/// The table row for `triple` on the build machine `host` (a rustc host
/// triple).
pub fn lookup_on(host: &str, triple: &str) -> Option<&'static TargetSpec> {
    let host_rows = if host.ends_with("-apple-darwin") {
        ON_MACOS_HOST
    } else {
        &[]
    };
    host_rows
        .iter()
        .find(|spec| spec.triple == triple)
        .or_else(|| lookup(triple))
}

impl TargetSpec {
    /// `cargo build` or `cargo zigbuild`.
    pub fn builder(&self) -> Builder {
        match self.linker {
            Linker::Zig => Builder::Zigbuild,
            _ => Builder::Cargo,
        }
    }

    /// The formats a target is released in unless the configuration says
    /// otherwise.
    pub fn default_formats(&self) -> &'static [Format] {
        match (self.os, self.static_binary) {
            (Os::Linux, false) => &[Format::TarGz, Format::Deb],
            (Os::Linux, true) => &[Format::TarGz],
            (Os::Windows, _) => &[Format::Zip],
            (Os::Darwin | Os::Wasi, _) => &[Format::TarGz],
        }
    }

    /// The file name of the binary `name` on this target.
    pub fn exe_name(&self, name: &str) -> String {
        match self.os {
            Os::Windows => format!("{name}.exe"),
            Os::Wasi => format!("{name}.wasm"),
            Os::Linux | Os::Darwin => name.to_owned(),
        }
    }

    /// The `linker` and `runner` of this target's `[target.<triple>]` table
    /// in `.cargo/config.toml`; `None` where cargo's default is right.
    pub fn cargo_config(&self) -> (Option<String>, Option<String>) {
        let linker = match self.linker {
            Linker::CrossGcc(program) => Some(program.to_owned()),
            Linker::RustLld => Some("rust-lld".to_owned()),
            Linker::HostCc | Linker::Zig | Linker::Builtin => None,
        };
        let runner = match self.runner {
            Runner::Qemu {
                program,
                sysroot: Some(sysroot),
            } => Some(format!("{program} -L {sysroot}")),
            Runner::Qemu {
                program,
                sysroot: None,
            } => Some(program.to_owned()),
            Runner::Wine => Some("scripts/wine-runner".to_owned()),
            Runner::Wasmtime => Some("scripts/wasi-runner".to_owned()),
            Runner::Native | Runner::None => None,
        };
        (linker, runner)
    }

    /// Whether the target's binaries can run here, so its tests can too.
    pub fn is_runnable(&self) -> bool {
        self.runner != Runner::None
    }
}

impl Runner {
    /// The short name used in reports and in `dist-manifest.json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Runner::Native => "native",
            Runner::Qemu { .. } => "qemu",
            Runner::Wine => "wine",
            Runner::Wasmtime => "wasmtime",
            Runner::None => "none",
        }
    }
}

impl fmt::Display for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Runner::Native => f.write_str("natively"),
            Runner::Qemu {
                program,
                sysroot: Some(sysroot),
            } => write!(f, "under qemu ({program} -L {sysroot})"),
            Runner::Qemu {
                program,
                sysroot: None,
            } => write!(f, "under qemu ({program})"),
            Runner::Wine => f.write_str("under wine (scripts/wine-runner)"),
            Runner::Wasmtime => f.write_str("under wasmtime (scripts/wasi-runner)"),
            Runner::None => f.write_str("not at all: nothing on this machine runs it"),
        }
    }
}

impl Builder {
    /// The name used in `targets --json`.
    pub fn name(&self) -> &'static str {
        match self {
            Builder::Cargo => "cargo",
            Builder::Zigbuild => "zigbuild",
        }
    }
}

impl Format {
    /// Every format, in the order artifacts are listed.
    pub const ALL: [Format; 3] = [Format::TarGz, Format::Zip, Format::Deb];

    /// The name used in configuration and reports, which is also the file
    /// extension.
    pub fn name(&self) -> &'static str {
        match self {
            Format::TarGz => "tar.gz",
            Format::Zip => "zip",
            Format::Deb => "deb",
        }
    }

    /// The format of an artifact, from its file name's extension.
    pub fn of_file_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| {
            name.strip_suffix(format.name())
                .is_some_and(|stem| stem.ends_with('.'))
        })
    }

    /// Parses a name as written in `Cargo.toml`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Linker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Linker::HostCc => f.write_str("cc"),
            Linker::CrossGcc(program) => f.write_str(program),
            Linker::RustLld => f.write_str("rust-lld"),
            Linker::Zig => f.write_str("zig (cargo zigbuild)"),
            Linker::Builtin => f.write_str("rustc's own"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triples_are_unique() {
        for (i, spec) in KNOWN_TARGETS.iter().enumerate() {
            assert!(
                KNOWN_TARGETS[i + 1..]
                    .iter()
                    .all(|other| other.triple != spec.triple),
                "{} is listed twice",
                spec.triple
            );
        }
    }

    #[test]
    fn debian_architectures_follow_debian_names() {
        let arch = |triple| lookup(triple).and_then(|spec| spec.debian_arch);
        assert_eq!(arch("x86_64-unknown-linux-gnu"), Some("amd64"));
        assert_eq!(arch("aarch64-unknown-linux-gnu"), Some("arm64"));
        assert_eq!(arch("armv7-unknown-linux-gnueabihf"), Some("armhf"));
        assert_eq!(arch("riscv64gc-unknown-linux-gnu"), Some("riscv64"));
        assert_eq!(arch("i686-unknown-linux-gnu"), Some("i386"));
        assert_eq!(arch("powerpc64le-unknown-linux-gnu"), Some("ppc64el"));
        assert_eq!(arch("x86_64-pc-windows-gnu"), None);
    }

    #[test]
    fn every_linux_target_has_a_debian_architecture() {
        for spec in KNOWN_TARGETS.iter().filter(|spec| spec.os == Os::Linux) {
            assert!(spec.debian_arch.is_some(), "{}", spec.triple);
        }
    }

    #[test]
    fn default_formats_follow_the_os() {
        let formats = |triple| lookup(triple).unwrap().default_formats();
        assert_eq!(
            formats("x86_64-unknown-linux-gnu"),
            [Format::TarGz, Format::Deb]
        );
        assert_eq!(formats("x86_64-unknown-linux-musl"), [Format::TarGz]);
        assert_eq!(formats("x86_64-pc-windows-gnu"), [Format::Zip]);
        assert_eq!(formats("aarch64-apple-darwin"), [Format::TarGz]);
    }

    #[test]
    fn only_zig_linked_targets_use_zigbuild() {
        for spec in KNOWN_TARGETS {
            assert_eq!(
                spec.builder() == Builder::Zigbuild,
                spec.linker == Linker::Zig
            );
        }
    }

    #[test]
    fn a_mac_builds_macos_targets_natively() {
        let on_mac = lookup_on("aarch64-apple-darwin", "x86_64-apple-darwin").unwrap();
        assert_eq!(
            (on_mac.builder(), on_mac.runner),
            (Builder::Cargo, Runner::Native)
        );
        let on_linux = lookup_on("x86_64-unknown-linux-gnu", "x86_64-apple-darwin").unwrap();
        assert_eq!(
            (on_linux.builder(), on_linux.runner),
            (Builder::Zigbuild, Runner::None)
        );
        let linux_on_mac = lookup_on("aarch64-apple-darwin", "aarch64-unknown-linux-gnu").unwrap();
        assert_eq!(
            linux_on_mac.linker,
            Linker::CrossGcc("aarch64-linux-gnu-gcc")
        );
    }

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
