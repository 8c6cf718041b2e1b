//! The artifact formats, each in its own room and each written
//! byte-reproducibly: [`archive`] (tar.gz and zip), [`deb`] and [`rpm`]
//! (Linux packages, written and read back without dpkg or rpm, their
//! payloads [`cpio`] archives), [`msi`]
//! (Windows Installer packages, built with wixl), [`oci`] (container image
//! layouts), [`dmg`] and [`pkg`] (macOS disk images and installer
//! packages), [`firmware`] (flat images), [`npm`] (npm packages of web
//! packages), [`wheel`] (Python wheels that install the program), [`checksum`]
//! (`sha256sum` lists). [`docs`] makes the man pages and shell
//! completions they ship.

pub mod archive;
pub mod checksum;
pub mod cpio;
pub mod deb;
pub mod dmg;
pub mod docs;
pub mod firmware;
pub mod msi;
pub mod npm;
pub mod oci;
pub mod pkg;
pub mod program;
pub mod rpm;
pub mod wheel;

/// One binary of a package, as built for a target: what every format packs.
#[derive(Debug, Clone)]
pub struct ShippedBinary {
    /// Its name without the target's suffix (`app`, not `app.exe`).
    pub name: String,
    pub data: Vec<u8>,
}
