//! The build machine: what its Rust toolchain has, whether each tool a
//! target needs is present, and installing what is missing; and that the
//! wasm-bindgen CLI it would install fits the workspace ([`web_pin`]);
//! and the glibc its Debian builds libraries against ([`debian_glibc`]).

pub mod provision;
pub mod toolchain;
pub mod tools;
pub mod web_pin;

use crate::targets::Version;

/// The glibc of this machine's Debian (or Ubuntu): the version of its
/// `libc6` package, which every library Debian ships for any architecture
/// was built against. `None` where dpkg cannot say.
pub fn debian_glibc() -> Option<Version> {
    let output = std::process::Command::new("dpkg-query")
        .args(["--show", "--showformat=${Version}", "libc6"])
        .output()
        .ok()?;
    let version = String::from_utf8(output.stdout).ok()?;
    // "2.36-9+deb12u14": the upstream version is before the Debian revision.
    let upstream = version.split(['-', '+', '~']).next()?;
    upstream.parse().ok()
}

/// dpkg's name for this machine's architecture (`amd64`), if it has dpkg.
pub fn debian_architecture() -> Option<String> {
    let output = std::process::Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .ok()?;
    Some(String::from_utf8(output.stdout).ok()?.trim().to_owned())
}
