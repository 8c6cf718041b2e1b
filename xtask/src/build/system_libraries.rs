//! C libraries a crate links from the system instead of compiling them,
//! which a release cannot link here.
//!
//! Most `-sys` crates compile their C library when they find none for the
//! target (zstd-sys, libz-sys, curl-sys, libgit2-sys). Those in [`SYSTEM`]
//! do not: their build script looks for the target's copy of the library
//! through pkg-config, and stops after minutes of compiling when it finds
//! none. Here it would find none for another architecture, and for the
//! build machine's own it would find Debian's, built against a glibc above
//! the floor a release promises. So a package whose build for a target
//! compiles such a crate without its vendoring companion is refused for
//! that target before anything is built, with the feature that compiles
//! the library into the program.

use anyhow::Result;
use xshell::Shell;

use crate::build::cargo;
use crate::workspace::config::Package;

/// A `-sys` crate that links a system library unless told to build it.
struct SystemLibrary {
    /// The `-sys` crate.
    crate_name: &'static str,
    /// The library, as users know it.
    library: &'static str,
    /// The crate in the build when the library is compiled in instead.
    vendored_by: &'static str,
    /// The variable (after the target's upper-case name and `_`, or alone)
    /// that points the build script at a copy of the library for the
    /// target, which the user may have.
    dir_variable: &'static str,
    /// How to compile the library into the program.
    fix: &'static str,
}

const SYSTEM: [SystemLibrary; 1] = [SystemLibrary {
    crate_name: "openssl-sys",
    library: "OpenSSL",
    vendored_by: "openssl-src",
    dir_variable: "OPENSSL_DIR",
    fix: "turn on OpenSSL's `vendored` feature for the release build (`features = \
          [\"openssl/vendored\"]` in [workspace.metadata.dist] where the package depends on \
          openssl; a crate that brings it in has its own, like reqwest's \
          `native-tls-vendored`), which compiles OpenSSL with the target's C compiler and \
          needs perl and make; or use rustls instead of native-tls",
}];

/// Why `package` cannot be released for `triple` here, if a crate of its
/// build links a system library it does not compile.
pub fn why_not_here(sh: &Shell, package: &Package, triple: &str) -> Result<Option<String>> {
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
        if compiled(system.vendored_by).is_some() {
            continue;
        }
        return Ok(Some(format!(
            "`{}` links the system's {} through {found}, which finds no {} for {triple} that a \
             release can use (another architecture's is not installed, and this machine's is \
             built for a newer glibc than the release's floor), so its build script would \
             stop after minutes of compiling. To build it in, {}. To link a copy you have for \
             this target, set {}_{}",
            package.name,
            system.library,
            system.library,
            system.fix,
            triple.to_uppercase().replace(['-', '.'], "_"),
            system.dir_variable
        )));
    }
    Ok(None)
}

/// Whether the user points the build script at a copy of the library for
/// `triple`, as `X86_64_UNKNOWN_LINUX_GNU_OPENSSL_DIR` or `OPENSSL_DIR`.
fn pointed_at(system: &SystemLibrary, triple: &str) -> bool {
    let per_target = format!(
        "{}_{}",
        triple.to_uppercase().replace(['-', '.'], "_"),
        system.dir_variable
    );
    [per_target.as_str(), system.dir_variable]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}
