//! The artifact formats, each in its own room and each written
//! byte-reproducibly: [`archive`] (tar.gz and zip), [`deb`] and [`rpm`]
//! (Linux packages, written and read back without dpkg or rpm), [`msi`]
//! (Windows Installer packages, built with wixl), [`oci`] (container image
//! layouts). [`docs`] makes the man pages and shell
//! completions they ship.

pub mod archive;
pub mod deb;
pub mod docs;
pub mod msi;
pub mod oci;
pub mod rpm;
