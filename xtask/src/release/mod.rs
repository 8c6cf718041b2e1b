//! What turns a folder of artifacts into a release, and checks one.
//!
//! [`layout`] names every artifact and lists what an archive holds;
//! [`universal`] adds the universal macOS tarball, [`container`] the
//! multi-architecture container image, and [`sbom`] a CycloneDX SBOM per
//! archive; [`installers`] writes install.sh, the Homebrew formula
//! and the Scoop manifest. SHA256SUMS (in the `sha256sum` format,
//! `formats::checksum`), [`manifest`] (`dist-manifest.json`) and
//! [`signing`] (minisign) make the set one release;
//! [`publish`] moves it into place, and [`finish`] is the one path through
//! these last steps that `dist` and `merge` share. [`verify`] checks a
//! release as a user would receive it.

pub mod container;
pub mod finish;
pub mod installers;
pub mod layout;
pub mod manifest;
pub mod publish;
pub mod sbom;
pub mod signing;
pub mod universal;
pub mod verify;
