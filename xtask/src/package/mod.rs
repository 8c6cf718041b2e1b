//! Release artifacts: what goes into them and how each format is written,
//! byte-reproducibly, then checksummed, listed in a manifest, signed and
//! published.
//!
//! - Formats, each in its own room: [`archive`] (tar.gz, zip), [`deb`] and
//!   [`rpm`] (packages), [`sbom`] (CycloneDX), [`universal`] (the fat
//!   macOS binary), [`installers`] (install.sh, Homebrew, Scoop); [`docs`]
//!   gathers the man pages and completions they ship.
//! - Binaries: [`elf`] and [`macho`] read what a binary needs of the system
//!   it runs on, [`codesign`] checks and renews Mach-O signatures,
//!   [`macho_strip`] removes what rustc's strip left, and [`headers`]
//!   checks each shipped binary is what its target says.
//! - The release: [`layout`] names every artifact and lists what an archive
//!   holds; [`checksum`], [`manifest`], [`signing`] (minisign) and
//!   [`publish`] make it a release, and [`verify`] checks one.
//! - The build's flags: [`reproducible`] and [`rustflags`] keep build
//!   paths out of binaries.

pub mod archive;
pub mod checksum;
pub mod codesign;
pub mod deb;
pub mod docs;
pub mod elf;
pub mod headers;
pub mod installers;
pub mod layout;
pub mod macho;
pub mod macho_strip;
pub mod manifest;
pub mod publish;
pub mod reproducible;
pub mod rpm;
pub mod rustflags;
pub mod sbom;
pub mod signing;
pub mod universal;
pub mod verify;
