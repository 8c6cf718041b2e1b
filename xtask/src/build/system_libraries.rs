//! C libraries a crate links from the system instead of compiling them,
//! and how a release gets each one for each target.
//!
//! Most `-sys` crates compile their C library when they find none for the
//! target (zstd-sys, libz-sys, curl-sys, libgit2-sys). Those in [`SYSTEM`]
//! do not: their build script looks for the target's copy of the library
//! through pkg-config, and stops after minutes of compiling when it finds
//! none. A release gets the library one of three ways, decided here before
//! anything is built:
//! - compiled into the program, where the crate can (OpenSSL's `vendored`
//!   feature, which brings in openssl-src): this works for every target;
//! - for a glibc target, Debian's shared library for its architecture,
//!   which `dependencies.apt` installs (`libssl-dev = "*"`), found through
//!   the per-target pkg-config settings of `.cargo/config.toml`, with the
//!   floor raised to the glibc Debian built it against;
//! - otherwise none, and the target is refused with both ways out. A musl
//!   binary is static and cannot load Debian's glibc-built libraries;
//!   Windows and macOS have no Debian packages.

use anyhow::Result;
use xshell::Shell;

use crate::build::cargo;
use crate::targets::{Os, TargetSpec};
use crate::workspace::config::{Configured, Package};

/// A `-sys` crate that links a system library unless told to build it.
struct SystemLibrary {
    /// The `-sys` crate.
    crate_name: &'static str,
    /// The library, as users know it.
    library: &'static str,
    /// Debian's development package of the library.
    dev_package: &'static str,
    /// The crate in the build when the library is compiled in instead, and
    /// how to ask for that; `None` where the crate cannot compile it.
    vendored: Option<Vendored>,
}

/// How a crate's library is compiled into the program.
struct Vendored {
    /// The crate in the build when it is.
    by: &'static str,
    /// The variable (after the target's upper-case name and `_`, or alone)
    /// that points the build script at a copy of the library for the
    /// target, which the user may have.
    dir_variable: &'static str,
    /// How to ask for it.
    fix: &'static str,
}

const SYSTEM: [SystemLibrary; 2] = [
    SystemLibrary {
        crate_name: "openssl-sys",
        library: "OpenSSL",
        dev_package: "libssl-dev",
        vendored: Some(Vendored {
            by: "openssl-src",
            dir_variable: "OPENSSL_DIR",
            fix: "turn on OpenSSL's `vendored` feature for the release build (`features = \
                  [\"openssl/vendored\"]` in [workspace.metadata.dist] where the package \
                  depends on openssl; a crate that brings it in has its own, like reqwest's \
                  `native-tls-vendored`), which compiles OpenSSL with the target's C compiler \
                  and needs perl and make; or use rustls instead of native-tls",
        }),
    },
    SystemLibrary {
        crate_name: "libudev-sys",
        library: "libudev",
        dev_package: "libudev-dev",
        vendored: None,
    },
];

/// Why `package` cannot be released for `configured` here, if a crate of
/// its build links a system library that the release has no way to get.
pub fn why_not_here(
    sh: &Shell,
    package: &Package,
    configured: &Configured,
) -> Result<Option<String>> {
    let triple = configured.triple();
    let lock = std::fs::read_to_string(sh.current_dir().join("Cargo.lock")).unwrap_or_default();
    let candidates: Vec<&SystemLibrary> = SYSTEM
        .iter()
        .filter(|system| lock.contains(&format!("name = \"{}\"", system.crate_name)))
        .filter(|system| !pointed_at(system, triple))
        .collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    let crates = cargo::resolved_crates(sh, package, triple)?;
    let compiled = |name: &str| {
        crates
            .iter()
            .find(|listed| listed.starts_with(&format!("{name} v")))
    };
    for system in candidates {
        let Some(found) = compiled(system.crate_name) else {
            continue;
        };
        if system
            .vendored
            .as_ref()
            .is_some_and(|v| compiled(v.by).is_some())
        {
            continue;
        }
        let installed = configured.apt.iter().any(|p| p.name == system.dev_package);
        if installed && is_glibc(configured.spec) {
            continue;
        }
        let why = WhyNot {
            system,
            found,
            package: &package.name,
            configured,
        };
        return Ok(Some(why.to_string()));
    }
    Ok(None)
}

/// Refuses a musl target that `dependencies.apt` gives a library to link:
/// its binary is static, and Debian's libraries are shared and built
/// against glibc.
pub fn musl_asked_to_link(configured: &Configured) -> Option<String> {
    let spec = configured.spec;
    if spec.os != Os::Linux || is_glibc(spec) {
        return None;
    }
    let library = configured.apt.iter().find(|p| p.is_library())?;
    Some(format!(
        "[workspace.metadata.dist.dependencies.apt] gives {} `{}`, Debian's shared library \
         built against glibc, but a musl binary is static and cannot load it. Compile the \
         library into the program instead (its `-sys` crate's `vendored` or `static` feature, \
         where it has one), and leave this target out of the package with `targets = [...]`; \
         or remove the target (`cargo xtask remove-target {}`)",
        spec.triple, library.name, spec.triple
    ))
}

fn is_glibc(spec: &TargetSpec) -> bool {
    spec.os == Os::Linux && spec.min_glibc.is_some()
}

/// Why a target has no way to get a library its build links.
struct WhyNot<'a> {
    system: &'a SystemLibrary,
    found: &'a str,
    package: &'a str,
    configured: &'a Configured,
}

impl std::fmt::Display for WhyNot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let WhyNot {
            system,
            found,
            package,
            configured,
        } = self;
        let spec = configured.spec;
        let triple = spec.triple;
        let library = system.library;
        let dev = system.dev_package;
        write!(
            f,
            "`{package}` links the system's {library} through {found}, and "
        )?;
        match (is_glibc(spec), spec.os) {
            (true, _) => write!(
                f,
                "nothing installs Debian's {library} for {triple}, so its build script would \
                 stop after minutes of compiling. To link Debian's shared {library}, add \
                 `{dev} = \"*\"` to [workspace.metadata.dist.dependencies.apt] (this raises \
                 the glibc floor to the glibc Debian built it against)"
            )?,
            (false, Os::Linux) => write!(
                f,
                "a musl binary is static, so it cannot load Debian's {library}, a shared \
                 library built against glibc"
            )?,
            _ => write!(f, "Debian has no {library} for {triple}")?,
        }
        let glibc = is_glibc(spec);
        match (&system.vendored, glibc) {
            (Some(vendored), _) => write!(
                f,
                ". {} build it in, {}. To link a copy you have for this target, set {}_{}",
                if glibc { "Or, to" } else { "To" },
                vendored.fix,
                triple.to_uppercase().replace(['-', '.'], "_"),
                vendored.dir_variable
            ),
            (None, true) => Ok(()),
            (None, false) => write!(
                f,
                ". {found} cannot compile {library} into the program: remove the target \
                 (`cargo xtask remove-target {triple}`), or turn off the feature of the crate \
                 that brings it in"
            ),
        }
    }
}

/// Whether the user points the build script at a copy of the library for
/// `triple`, as `X86_64_UNKNOWN_LINUX_GNU_OPENSSL_DIR` or `OPENSSL_DIR`.
fn pointed_at(system: &SystemLibrary, triple: &str) -> bool {
    let Some(vendored) = &system.vendored else {
        return false;
    };
    let per_target = format!(
        "{}_{}",
        triple.to_uppercase().replace(['-', '.'], "_"),
        vendored.dir_variable
    );
    [per_target.as_str(), vendored.dir_variable]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}
