//! What the xtask knows about each target triple, as data.
//!
//! Everything that differs between targets — the linker, how tests run, the
//! Debian architecture, the default archive formats, which system packages
//! provide the tools — is a field of a [`TargetSpec`] row in the
//! [`table`]. The rest of the xtask asks the table instead of matching on
//! triples, so supporting a new target means adding one row there (and, for
//! plain `cargo` to find its linker and runner, the matching lines in
//! `.cargo/config.toml`). [`ci_runners`] says which CI machines can build
//! which targets, [`triple`] tells a typo from a real triple, and
//! [`unsupported`] says what the targets left without a row need.
//!
//! The rows are written for an x86_64 Linux build machine, the common CI
//! case: x86_64 Linux targets run natively, other Linux architectures under
//! qemu-user, Windows under wine. `.cargo/config.toml` records that machine.
//! Other build machines (aarch64 Linux, macOS) have rows of their own where
//! theirs differ, and [`TargetSpec::cargo_overrides`] tells cargo about the difference.

pub mod apple_libraries;
pub mod ci_runners;
mod hosts;
pub mod platforms;
mod table;
pub mod triple;
pub mod unsupported;
mod version;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::vocab::{Format, Tool};
pub use hosts::{OTHER_HOSTS, REFERENCE_HOST};
pub use table::{KNOWN_TARGETS, runs_with};
pub use version::Version;

/// One row of the target table.
#[derive(Debug)]
pub struct TargetSpec {
    /// The rustc target triple.
    pub triple: &'static str,
    /// The operating system family, which decides file names and formats.
    pub os: Os,
    /// What its executables' headers say: format and CPU.
    pub binary: Binary,
    /// What `uname -m` prints on a machine that runs its binaries natively
    /// (for Linux and macOS targets): how the shell installer picks one.
    pub uname_machines: &'static [&'static str],
    /// Debian's name for the architecture (`dpkg --print-architecture`), for
    /// Linux targets that can be packaged as a `.deb`.
    pub debian_arch: Option<&'static str>,
    /// RPM's name for the architecture (`rpm --eval %_target_cpu` on a
    /// Fedora or openSUSE machine of it), for Linux targets that can be
    /// packaged as an `.rpm`.
    pub rpm_arch: Option<&'static str>,
    /// Whether the binary is statically linked (musl): a `.deb` of it
    /// depends on nothing.
    pub static_binary: bool,
    /// What links the target's binaries.
    pub linker: Linker,
    /// What compiles C for it: the cc crate's compiler, and so every
    /// `-sys` crate's.
    pub c_compiler: CCompiler,
    /// For glibc targets, the lowest glibc a release can be linked against
    /// on this architecture (what Rust's standard library supports, or zig
    /// where it knows less): the default floor `dist` links against.
    pub min_glibc: Option<Version>,
    /// For macOS targets, the oldest macOS a release runs on (what Rust's
    /// standard library supports on the architecture): the default
    /// deployment target `dist` builds for.
    pub min_macos: Option<Version>,
    /// What runs the target's binaries on the build machine.
    pub runner: Runner,
    /// The tools the linker and runner need, and where they come from.
    pub tools: &'static [Tool],
    /// rustc flags `dist` passes for release builds only: what makes them
    /// byte-reproducible or fully stripped where `[profile.dist]` alone
    /// does not (they cost debug builds something).
    pub release_rustflags: &'static [&'static str],
    /// Where the linker finds the system's import libraries (MinGW's), which
    /// `dist` links through the target folder so that their place in the
    /// import table does not depend on where the checkout is.
    pub import_libs: Option<&'static str>,
}

/// The executable format of a target and the CPU its header names, which
/// `verify` checks every shipped binary against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// ELF: `e_machine`, class (32 or 64 bits) and byte order.
    Elf {
        machine: u16,
        cpu: &'static str,
        bits: u8,
        big_endian: bool,
    },
    /// PE (Windows): the COFF header's machine.
    Pe { machine: u16, cpu: &'static str },
    /// Mach-O: the CPU type of its slice.
    MachO { cpu_type: u32, cpu: &'static str },
    /// WebAssembly: a module, with no CPU.
    Wasm,
}

/// Operating system families the xtask packages differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Linux,
    Windows,
    Darwin,
    FreeBsd,
    /// WebAssembly System Interface: no OS underneath, a runtime instead.
    Wasi,
    /// No OS at all: a microcontroller (`thumbv7m-none-eabi`). Only the
    /// firmware packages are built for these, and they ship as images
    /// (`.elf`, `.bin`, `.hex`), not archives.
    BareMetal,
    /// A web page or Node.js (`wasm32-unknown-unknown`): no OS, and what
    /// the module needs from outside comes through JavaScript. Only the
    /// web packages are built for it, and they ship as npm packages.
    Browser,
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
    /// zig for the zig target named (`x86_64-freebsd`), through the script
    /// `scripts/<triple>-cc` that `.cargo/config.toml` names, so that plain
    /// `cargo build` links it too. The script runs cargo-zigbuild's `zig
    /// cc`, which knows each target's quirks.
    ZigCc(&'static str),
    /// The linker rustc uses for this target by default, shipped with the
    /// toolchain (rust-lld as wasm-ld for WebAssembly): nothing to configure.
    Builtin,
    /// Microsoft's `link.exe`, against the Visual C++ runtime and the
    /// Windows SDK: they come with Visual Studio, on Windows, so these
    /// targets are built on a Windows machine (a CI runner) and packaged
    /// here ([`TargetSpec::built_elsewhere`]).
    Msvc,
}

/// What compiles a target's C code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CCompiler {
    /// A gcc that cc-rs finds by its usual name for the target: the build
    /// machine's `cc`, or a cross gcc such as `aarch64-linux-gnu-gcc`.
    Gcc(&'static str),
    /// zig's clang, for the zig target named (`x86_64-linux-musl`), through
    /// `scripts/<triple>-cc`, which calls `scripts/zig-cc` with it:
    /// `.cargo/config.toml` points cc-rs at it, since Debian has no cross
    /// gcc for these targets.
    Zig(&'static str),
    /// zig's clang as `cargo zigbuild` sets it up for the target.
    Zigbuild,
    /// The same `scripts/<triple>-cc` as [`Linker::ZigCc`].
    ZigCc(&'static str),
    /// The build machine's own compiler (Apple's clang on a Mac).
    Host,
    /// Visual Studio's `cl.exe`, on the Windows machine that builds it.
    Msvc,
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
    /// Booted on a board qemu-system-arm emulates (`machine` is its
    /// `-machine` and `-cpu` options), with semihosting on: the image's
    /// output comes to the terminal and its exit call is QEMU's exit code.
    /// `timeout` ends an image that hangs.
    QemuSystem { machine: &'static str },
    /// Under the wasmtime WASI runtime, through `scripts/wasi-runner`.
    Wasmtime,
    /// By `wasm-bindgen-test-runner` (from wasm-bindgen-cli), in Node.js;
    /// in headless Chromium when `WASM_BINDGEN_USE_BROWSER` is set.
    WasmBindgen,
    /// Nothing here can run it: the target is build-only, for the reason
    /// given (what it would take).
    None { why: &'static str },
}

/// Whether a binary is built by `cargo build` or `cargo zigbuild`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    Cargo,
    Zigbuild,
}

/// What to do about a triple rustc knows but the table lacks: which fields
/// its row needs.
fn missing_row_message(triple: &str) -> String {
    format!(
        "rustc knows {triple}, but the xtask's target table does not, so it cannot say how to \
         link, run or package it. Add a row for it to KNOWN_TARGETS in \
         xtask/src/targets/table.rs: `os`; `debian_arch` (Debian's name for the architecture, \
         if it has one); `static_binary`; `linker` (the cross C compiler, e.g. \
         `CrossGcc(\"...-gcc\")`); `runner` (e.g. `Qemu {{ program: \"qemu-...\", sysroot: \
         Some(\"/usr/...\") }}`, or `None` if nothing here runs it); `tools` (each program or \
         file with the Debian package that provides it)."
    )
}

/// Debian's architectures and their multiarch folders, as
/// `dpkg-architecture -q DEB_HOST_MULTIARCH` names them.
const MULTIARCH: [(&str, &str); 7] = [
    ("amd64", "x86_64-linux-gnu"),
    ("arm64", "aarch64-linux-gnu"),
    ("armhf", "arm-linux-gnueabihf"),
    ("riscv64", "riscv64-linux-gnu"),
    ("ppc64el", "powerpc64le-linux-gnu"),
    ("i386", "i386-linux-gnu"),
    ("s390x", "s390x-linux-gnu"),
];

/// The table row for `triple` on the reference build machine (x86_64
/// Linux): what `.cargo/config.toml` records, whatever machine this is.
pub fn lookup(triple: &str) -> Option<&'static TargetSpec> {
    KNOWN_TARGETS.iter().find(|spec| spec.triple == triple)
}

/// The table row for `triple` on the build machine `host` (a rustc host
/// triple).
pub fn lookup_on(host: &str, triple: &str) -> Option<&'static TargetSpec> {
    OTHER_HOSTS
        .iter()
        .filter(|other| other.host == host)
        .flat_map(|other| other.rows)
        .find(|spec| spec.triple == triple)
        .or_else(|| lookup(triple))
}

/// Rows for a build machine other than [`REFERENCE_HOST`].
pub struct HostRows {
    /// Its rustc host triple.
    pub host: &'static str,
    /// The rows that differ there.
    pub rows: &'static [TargetSpec],
}

/// Fails unless the table has rows for `host`. Elsewhere x86_64 binaries
/// might be linked with the wrong `cc` and run without an emulator, so it is
/// refused before anything is built.
pub fn ensure_supported_host(host: &str) -> Result<()> {
    if host == REFERENCE_HOST || OTHER_HOSTS.iter().any(|other| other.host == host) {
        return Ok(());
    }
    let known: Vec<&str> = std::iter::once(REFERENCE_HOST)
        .chain(OTHER_HOSTS.iter().map(|other| other.host))
        .collect();
    bail!(
        "this build machine is {host}, and the xtask's target table describes how to build \
         and run targets only from {}, so here it would link and run them the wrong way. \
         Build on one of those (a container or CI runner will do), or give the table rows \
         for this host in xtask/src/targets/table.rs, as ON_AARCH64_LINUX_HOST does for \
         aarch64 Linux.",
        known.join(", ")
    )
}

/// The row for `triple` on `host`, or an error that says which of the two
/// ways it is wrong: a triple rustc does not know (with the closest real
/// ones), or one the table lacks (with the fields its row needs).
pub fn resolve(host: &str, triple: &str, rustc_targets: &[String]) -> Result<&'static TargetSpec> {
    if let Some(spec) = lookup_on(host, triple) {
        return Ok(spec);
    }
    triple::ensure_known(triple, rustc_targets)?;
    if let Some(needs) = unsupported::needs(triple) {
        bail!("the xtask's target table has no row for {triple} on purpose: it needs {needs}.");
    }
    bail!("{}", missing_row_message(triple))
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
            (Os::Linux, false) => &[Format::TarGz, Format::Deb, Format::Rpm],
            (Os::Linux, true) => &[Format::TarGz],
            (Os::Windows, _) if platforms::msi_arch(self).is_some() => &[Format::Zip, Format::Msi],
            (Os::Windows, _) => &[Format::Zip],
            (Os::Darwin, _) => &[Format::TarGz, Format::Dmg, Format::Pkg],
            (Os::FreeBsd | Os::Wasi, _) => &[Format::TarGz],
            (Os::BareMetal, _) => &Format::FIRMWARE,
            (Os::Browser, _) => &[Format::Npm],
        }
    }

    /// The formats `[workspace.metadata.dist.formats]` can choose for this
    /// target.
    pub fn choosable_formats(&self) -> &'static [Format] {
        match self.os {
            Os::BareMetal => &Format::FIRMWARE,
            Os::Browser => &[Format::Npm],
            _ => &Format::PACKAGES,
        }
    }

    /// The file name of the binary `name` on this target.
    pub fn exe_name(&self, name: &str) -> String {
        match self.os {
            Os::Windows => format!("{name}.exe"),
            Os::Wasi => format!("{name}.wasm"),
            // The module wasm-bindgen writes beside its bindings.
            Os::Browser => format!("{name}_bg.wasm"),
            Os::Linux | Os::Darwin | Os::FreeBsd | Os::BareMetal => name.to_owned(),
        }
    }

    /// What `.cargo/config.toml` says about this target, so that plain
    /// cargo links, runs and compiles C for it.
    pub fn cargo_config(&self) -> CargoConfig {
        let linker = match self.linker {
            Linker::CrossGcc(program) => Some(program.to_owned()),
            Linker::RustLld => Some("rust-lld".to_owned()),
            Linker::ZigCc(_) => Some(self.zig_cc_script()),
            Linker::HostCc | Linker::Zig | Linker::Builtin | Linker::Msvc => None,
        };
        let runner = match self.runner {
            Runner::Qemu {
                program,
                sysroot: Some(sysroot),
            } => Some(qemu_with_sysroot(program, sysroot)),
            Runner::Qemu {
                program,
                sysroot: None,
            } => Some(program.to_owned()),
            Runner::Wine => Some("scripts/wine-runner".to_owned()),
            Runner::Wasmtime => Some("scripts/wasi-runner".to_owned()),
            Runner::WasmBindgen => Some("wasm-bindgen-test-runner".to_owned()),
            Runner::QemuSystem { machine } => Some(qemu_system_command(machine)),
            Runner::Native | Runner::None { .. } => None,
        };
        let env = match self.c_compiler {
            CCompiler::Zig(_) => {
                let suffix = self.triple.replace('-', "_");
                vec![
                    EnvVar::path(format!("CC_{suffix}"), &self.zig_cc_script()),
                    EnvVar::path(format!("AR_{suffix}"), "scripts/zig-ar"),
                ]
            }
            CCompiler::ZigCc(_) => {
                let suffix = self.triple.replace('-', "_");
                vec![
                    EnvVar::path(format!("CC_{suffix}"), &self.zig_cc_script()),
                    EnvVar::path(format!("AR_{suffix}"), "scripts/zig-ar"),
                ]
            }
            CCompiler::Gcc(_) | CCompiler::Zigbuild | CCompiler::Host | CCompiler::Msvc => {
                self.pkg_config_env()
            }
        };
        CargoConfig {
            linker,
            runner,
            env,
        }
    }

    /// The `CARGO_TARGET_<TRIPLE>_*` variables that make cargo link and run
    /// this row's way where `.cargo/config.toml`, written for the reference
    /// host, says otherwise: on an aarch64 build machine, say, x86_64 needs a
    /// cross gcc and qemu, and aarch64 runs directly. Relative runner paths
    /// are taken from the workspace `root`. Empty on the reference host.
    pub fn cargo_overrides(&self, root: &Path) -> Vec<(String, String)> {
        let here = self.cargo_config();
        let recorded = lookup(self.triple)
            .map(TargetSpec::cargo_config)
            .unwrap_or_default();
        let prefix = format!(
            "CARGO_TARGET_{}",
            self.triple.to_uppercase().replace(['-', '.'], "_")
        );
        let mut overrides = Vec::new();
        if here.linker != recorded.linker {
            // A host row always names its linker where the reference row
            // does: none of them falls back to cargo's default `cc`.
            let linker = here.linker.clone().unwrap_or_else(|| "cc".to_owned());
            overrides.push((format!("{prefix}_LINKER"), linker));
        }
        if here.runner != recorded.runner {
            // cargo cannot be told "no runner" over a configured one, so a
            // native run goes through a script that only execs the binary.
            let runner = here
                .runner_command(root)
                .map(|words| words.join(" "))
                .unwrap_or_else(|| root.join("scripts/native-runner").display().to_string());
            overrides.push((format!("{prefix}_RUNNER"), runner));
        }
        overrides
    }

    /// Where pkg-config finds a glibc target's libraries when a cross gcc
    /// links it: the `.pc` files of Debian's packages for its architecture
    /// (`libudev-dev:arm64` puts them in /usr/lib/aarch64-linux-gnu/pkgconfig),
    /// and no others, so that the build machine's own are never linked
    /// into another architecture's binary. The sysroot is `/`, where
    /// multiarch installs them; setting it also tells the pkg-config crate
    /// that the cross build is set up.
    fn pkg_config_env(&self) -> Vec<EnvVar> {
        let (Os::Linux, Linker::CrossGcc(_), Some(multiarch)) =
            (self.os, self.linker, self.debian_multiarch())
        else {
            return Vec::new();
        };
        let suffix = self.triple.replace('-', "_");
        vec![
            EnvVar::text(
                format!("PKG_CONFIG_LIBDIR_{suffix}"),
                format!("/usr/lib/{multiarch}/pkgconfig:/usr/share/pkgconfig"),
            ),
            EnvVar::text(format!("PKG_CONFIG_SYSROOT_DIR_{suffix}"), "/".to_owned()),
        ]
    }

    /// Debian's multiarch folder name for its architecture
    /// (`DEB_HOST_MULTIARCH`): where Debian installs the libraries of
    /// that architecture, under /usr/lib.
    pub fn debian_multiarch(&self) -> Option<&'static str> {
        let arch = self.debian_arch?;
        MULTIARCH
            .iter()
            .find(|(debian, _)| *debian == arch)
            .map(|(_, multiarch)| *multiarch)
    }

    /// Where Debian installs the shared libraries of its architecture, for
    /// glibc targets: what their binaries load beside glibc is read from
    /// there (/usr/lib/aarch64-linux-gnu).
    pub fn debian_libraries(&self) -> Option<PathBuf> {
        self.min_glibc?;
        Some(Path::new("/usr/lib").join(self.debian_multiarch()?))
    }

    /// The script that links and compiles C for a [`Linker::ZigCc`]
    /// target, relative to the workspace root.
    pub fn zig_cc_script(&self) -> String {
        format!("scripts/{}-cc", self.triple)
    }

    /// Whether the target's binaries can run here, so its tests can too.
    pub fn is_runnable(&self) -> bool {
        self.build_only_reason().is_none()
    }

    /// Why the target is not built on a Linux or macOS machine, and where it
    /// is: an MSVC target, whose linker and libraries come with Visual
    /// Studio. `dist --prebuilt` packages what a Windows machine built.
    pub fn built_elsewhere(&self) -> Option<String> {
        (self.linker == Linker::Msvc).then(|| {
            format!(
                "{} is linked by MSVC's link.exe against the Visual C++ runtime and the Windows \
                 SDK, which come with Visual Studio on Windows and cannot be installed here. \
                 Build and test it on Windows with plain cargo (`cargo xtask plan` puts it on a \
                 {} runner), then package that binary here with `cargo xtask dist --target {} \
                 --prebuilt DIR`; `cargo xtask merge` adds the part to the release",
                self.triple,
                ci_runners::WINDOWS_RUNNER,
                self.triple
            )
        })
    }

    /// Why nothing here runs the target's binaries, for a build-only one.
    pub fn build_only_reason(&self) -> Option<&'static str> {
        match self.runner {
            Runner::None { why } => Some(why),
            _ => None,
        }
    }
}

/// A target's part of `.cargo/config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CargoConfig {
    /// `linker` in `[target.<triple>]`; `None` where cargo's default is right.
    pub linker: Option<String>,
    /// `runner` in `[target.<triple>]`; `None` where binaries run directly.
    pub runner: Option<String>,
    /// Lines of `[env]`: the C compiler, archiver and flags cc-rs uses.
    pub env: Vec<EnvVar>,
}

impl CargoConfig {
    /// The runner as a command line, the way cargo reads it: words split on
    /// spaces, and a relative program path taken from the workspace `root`.
    /// `None` where binaries run directly.
    pub fn runner_command(&self, root: &Path) -> Option<Vec<String>> {
        let mut words = self
            .runner
            .as_deref()?
            .split_whitespace()
            .map(str::to_owned);
        let program = words.next()?;
        let program = if program.contains('/') {
            root.join(program).display().to_string()
        } else {
            program
        };
        Some(std::iter::once(program).chain(words).collect())
    }
}

/// One `[env]` variable for build scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// A path relative to the workspace root (`{ value = …, relative = true }`).
    pub relative: bool,
}

impl EnvVar {
    fn path(name: String, value: &str) -> EnvVar {
        EnvVar {
            name,
            value: value.to_owned(),
            relative: true,
        }
    }

    fn text(name: String, value: String) -> EnvVar {
        EnvVar {
            name,
            value,
            relative: false,
        }
    }
}

/// qemu-user running a glibc binary against the cross libc in `sysroot`
/// (`/usr/aarch64-linux-gnu`). `-L` makes that libc's loader the binary's;
/// the library path makes its libc the loader's too. Without it the loader
/// reads the build machine's /etc/ld.so.cache, which lists Debian's own
/// libc for that architecture once any multiarch package is installed
/// (`libudev-dev:arm64` brings `libc6:arm64`): a loader and a libc of two
/// builds, under which the first thread a program starts never returns.
/// Libraries the cross libc lacks (`libudev.so.1`) are still found through
/// the cache.
fn qemu_with_sysroot(program: &str, sysroot: &str) -> String {
    format!("{program} -L {sysroot} -E LD_LIBRARY_PATH={sysroot}/lib")
}

/// How cargo boots a firmware image on the board `machine`: the runner
/// line `.cargo/config.toml` gives a bare-metal target. A hung image is
/// ended after a minute, so a test that never exits fails instead.
pub fn qemu_system_command(machine: &str) -> String {
    format!(
        "timeout 60 qemu-system-arm {machine} -nographic -semihosting-config \
         enable=on,target=native -kernel"
    )
}

impl Runner {
    /// The short name used in reports and in `dist-manifest.json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Runner::Native => "native",
            Runner::Qemu { .. } => "qemu",
            Runner::Wine => "wine",
            Runner::Wasmtime => "wasmtime",
            Runner::WasmBindgen => "node",
            Runner::QemuSystem { .. } => "qemu-system",
            Runner::None { .. } => "none",
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
            } => write!(f, "under qemu ({})", qemu_with_sysroot(program, sysroot)),
            Runner::Qemu {
                program,
                sysroot: None,
            } => write!(f, "under qemu ({program})"),
            Runner::Wine => f.write_str("under wine (scripts/wine-runner)"),
            Runner::Wasmtime => f.write_str("under wasmtime (scripts/wasi-runner)"),
            Runner::WasmBindgen => {
                f.write_str("by wasm-bindgen-test-runner, in Node.js and headless Chromium")
            }
            Runner::QemuSystem { machine } => {
                write!(f, "booted under qemu-system-arm ({machine})")
            }
            Runner::None { why } => write!(f, "not at all: {why}"),
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

impl fmt::Display for CCompiler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CCompiler::Gcc(program) => f.write_str(program),
            CCompiler::Zig(target) => write!(f, "zig ({target})"),
            CCompiler::Zigbuild => f.write_str("zig cc (cargo zigbuild)"),
            CCompiler::ZigCc(target) => write!(f, "zig cc ({target})"),
            CCompiler::Msvc => f.write_str("cl.exe (on Windows)"),
            CCompiler::Host => f.write_str("the host's cc"),
        }
    }
}

impl Linker {
    /// The kind of linker, whatever the program: `host-cc`, `cross-gcc`,
    /// `rust-lld`, `zig` or `builtin`.
    pub fn kind(&self) -> &'static str {
        match self {
            Linker::HostCc => "host-cc",
            Linker::CrossGcc(_) => "cross-gcc",
            Linker::RustLld => "rust-lld",
            Linker::Zig => "zig",
            Linker::ZigCc(_) => "zig-cc",
            Linker::Builtin => "builtin",
            Linker::Msvc => "msvc",
        }
    }
}

impl fmt::Display for Linker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Linker::HostCc => f.write_str("cc"),
            Linker::CrossGcc(program) => f.write_str(program),
            Linker::RustLld => f.write_str("rust-lld"),
            Linker::Zig => f.write_str("zig (cargo zigbuild)"),
            Linker::ZigCc(target) => write!(f, "zig cc ({target})"),
            Linker::Builtin => f.write_str("rustc's own"),
            Linker::Msvc => f.write_str("link.exe (on Windows)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Source;
    use std::process::Command;

    #[test]
    fn triples_are_unique() {
        let tables =
            std::iter::once(KNOWN_TARGETS).chain(OTHER_HOSTS.iter().map(|other| other.rows));
        for table in tables {
            for (i, spec) in table.iter().enumerate() {
                assert!(
                    table[i + 1..]
                        .iter()
                        .all(|other| other.triple != spec.triple),
                    "{} is listed twice",
                    spec.triple
                );
            }
        }
    }

    /// dpkg-architecture, Debian's own map from GNU triples to Debian
    /// architectures, agrees with every row a cross gcc links: the GNU
    /// triple is the gcc's prefix.
    #[test]
    #[ignore = "asks dpkg-architecture (dpkg-dev); run by `cargo xtask ci`"]
    fn debian_architectures_are_the_ones_dpkg_names() {
        let host_rows = OTHER_HOSTS.iter().flat_map(|other| other.rows);
        for spec in KNOWN_TARGETS.iter().chain(host_rows) {
            let Linker::CrossGcc(gcc) = spec.linker else {
                continue;
            };
            let Some(arch) = spec.debian_arch else {
                continue;
            };
            let gnu_triple = gcc.trim_end_matches("-gcc");
            let query = |variable: &str| {
                let output = Command::new("dpkg-architecture")
                    .args(["--host-type", gnu_triple, "--query", variable])
                    .env_remove(variable)
                    .output()
                    .expect("dpkg-architecture runs (package dpkg-dev)");
                assert!(output.status.success(), "{gnu_triple}: {output:?}");
                String::from_utf8_lossy(&output.stdout).trim().to_owned()
            };
            assert_eq!(query("DEB_HOST_ARCH"), arch, "{}", spec.triple);
            if spec.os == Os::Linux {
                let multiarch = spec.debian_multiarch();
                assert_eq!(multiarch, Some(query("DEB_HOST_MULTIARCH").as_str()));
            }
        }
    }

    #[test]
    fn every_linux_target_has_a_debian_architecture() {
        for spec in KNOWN_TARGETS.iter().filter(|spec| spec.os == Os::Linux) {
            assert!(spec.debian_arch.is_some(), "{}", spec.triple);
        }
    }

    #[test]
    fn hosts_the_table_was_not_written_for_are_refused() {
        for host in [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "aarch64-apple-darwin",
        ] {
            assert!(ensure_supported_host(host).is_ok(), "{host}");
        }
        let err = ensure_supported_host("riscv64gc-unknown-linux-gnu")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("this build machine is riscv64gc-unknown-linux-gnu"),
            "{err}"
        );
        assert!(err.contains("aarch64-unknown-linux-gnu"), "{err}");
    }

    #[test]
    fn an_aarch64_linux_host_runs_aarch64_natively_and_x86_64_under_qemu() {
        let host = "aarch64-unknown-linux-gnu";
        for triple in ["aarch64-unknown-linux-gnu", "aarch64-unknown-linux-musl"] {
            assert_eq!(
                lookup_on(host, triple).unwrap().runner,
                Runner::Native,
                "{triple}"
            );
        }
        let x86 = lookup_on(host, "x86_64-unknown-linux-gnu").unwrap();
        assert_eq!(
            (x86.linker, x86.runner),
            (
                Linker::CrossGcc("x86_64-linux-gnu-gcc"),
                Runner::Qemu {
                    program: "qemu-x86_64",
                    sysroot: Some("/usr/x86_64-linux-gnu")
                }
            )
        );
        let packages: Vec<&str> = x86
            .tools
            .iter()
            .filter_map(|tool| match tool.source {
                Source::Apt(package) => Some(package),
                _ => None,
            })
            .collect();
        assert_eq!(
            packages,
            ["gcc-x86-64-linux-gnu", "libc6-dev-amd64-cross", "qemu-user"]
        );
        assert!(
            lookup_on(host, "x86_64-unknown-linux-musl").unwrap().runner
                == Runner::Qemu {
                    program: "qemu-x86_64",
                    sysroot: None
                }
        );
        // Debian's arm64 wine runs no x86_64 code.
        assert!(
            !lookup_on(host, "x86_64-pc-windows-gnu")
                .unwrap()
                .is_runnable()
        );
        // Targets foreign to both hosts are built the same way on each.
        assert_eq!(
            lookup_on(host, "riscv64gc-unknown-linux-gnu")
                .unwrap()
                .runner,
            lookup("riscv64gc-unknown-linux-gnu").unwrap().runner
        );
    }

    #[test]
    fn cargo_hears_of_a_host_row_only_where_it_differs_from_the_config_file() {
        let root = Path::new("/work/ws");
        for spec in KNOWN_TARGETS {
            assert!(spec.cargo_overrides(root).is_empty(), "{}", spec.triple);
        }
        let on_arm = |triple| {
            lookup_on("aarch64-unknown-linux-gnu", triple)
                .unwrap()
                .cargo_overrides(root)
        };
        assert_eq!(
            on_arm("x86_64-unknown-linux-gnu"),
            [
                (
                    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER".to_owned(),
                    "x86_64-linux-gnu-gcc".to_owned()
                ),
                (
                    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER".to_owned(),
                    "qemu-x86_64 -L /usr/x86_64-linux-gnu -E LD_LIBRARY_PATH=/usr/x86_64-linux-gnu/lib"
                        .to_owned()
                ),
            ]
        );
        assert_eq!(
            on_arm("aarch64-unknown-linux-gnu"),
            [(
                "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER".to_owned(),
                "/work/ws/scripts/native-runner".to_owned()
            )]
        );
        assert!(on_arm("armv7-unknown-linux-gnueabihf").is_empty());
        for triple in ["aarch64-apple-darwin", "x86_64-apple-darwin"] {
            let on_mac = lookup_on("aarch64-apple-darwin", triple).unwrap();
            assert!(on_mac.cargo_overrides(root).is_empty(), "{triple}");
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
            (on_linux.builder(), on_linux.is_runnable()),
            (Builder::Zigbuild, false)
        );
        let linux_on_mac = lookup_on("aarch64-apple-darwin", "aarch64-unknown-linux-gnu").unwrap();
        assert_eq!(
            linux_on_mac.linker,
            Linker::CrossGcc("aarch64-linux-gnu-gcc")
        );
    }
}
