//! Reading, and in two places rewriting, the built executables.
//!
//! [`elf`], [`pe`] and [`macho`] read a binary's headers with the `object`
//! crate, and what it needs of the system it runs on; [`headers`] checks that each shipped binary is what its target says
//! (format, CPU, OS floor, stripped, signed). The rewrites: for Mach-O,
//! [`macho_strip`] removes the local symbols rustc's strip leaves,
//! [`codesign`] checks and renews the ad hoc signature, and [`fat`] joins
//! two thin binaries into a universal one; for Windows, [`authenticode`]
//! signs executables and packages when a key is given, and checks them.
//! [`macho_imports`] checks what a macOS binary imports against the
//! record of Apple's libraries. [`wasm`] reads and validates WebAssembly modules. Running a binary (its
//! smoke run, the documentation it prints) is the build's business
//! (`build::smoke`, `build::generated_docs`).

pub mod authenticode;
pub mod codesign;
pub mod elf;
pub mod fat;
pub mod firmware;
pub mod headers;
pub mod macho;
pub mod macho_imports;
pub mod macho_strip;
pub mod pe;
pub mod wasm;
