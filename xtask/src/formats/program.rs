//! What the formats are told of the program they pack: the facts of its
//! Cargo manifest (name, version, description, license, authors, URLs),
//! its binaries, and the packaging tables other tools define there
//! (cargo-deb's `[package.metadata.deb]`, cargo-generate-rpm's
//! `[package.metadata.generate-rpm]`). The formats take this, never the
//! workspace's configuration: the release layer makes one from each
//! shipped package.

use std::path::PathBuf;

use serde_json::{Map, Value};

/// One shipped program, as its package formats see it.
#[derive(Debug, Clone)]
pub struct Program {
    /// The Cargo package's name.
    pub name: String,
    /// The binaries it ships, in order.
    pub bins: Vec<String>,
    pub version: String,
    pub description: Option<String>,
    /// An SPDX expression.
    pub license: Option<String>,
    pub authors: Vec<String>,
    pub homepage: Option<String>,
    pub repository: Option<String>,
    /// The folder of its Cargo.toml, where its license files and
    /// cargo-deb's assets are looked for.
    pub dir: PathBuf,
    /// `[package.metadata.deb]`, or an empty table.
    pub deb: Map<String, Value>,
    /// `[package.metadata.generate-rpm]`, or an empty table.
    pub generate_rpm: Map<String, Value>,
    /// The reverse-DNS name of its macOS .pkg, if one is set.
    pub pkg_identifier: Option<String>,
    /// The file names of the man pages and completions its binaries
    /// print, which packages may install as assets.
    pub generated: Vec<String>,
}

#[cfg(test)]
impl Program {
    /// A program named `name` with one binary of that name, in this
    /// crate's folder, and nothing else said.
    pub fn for_tests(name: &str) -> Program {
        Program {
            name: name.to_owned(),
            bins: vec![name.to_owned()],
            version: "1.0.0".to_owned(),
            description: None,
            license: None,
            authors: Vec::new(),
            homepage: None,
            repository: None,
            dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            deb: Map::new(),
            generate_rpm: Map::new(),
            pkg_identifier: None,
            generated: Vec::new(),
        }
    }
}
