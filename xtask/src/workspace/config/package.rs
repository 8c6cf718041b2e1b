//! The shipped package: what `cargo metadata` says of it, and its
//! `[package.metadata.deb]` and `.generate-rpm]` tables.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::str_field;

/// The shipped package, as cargo resolves its manifest.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    /// The binary's name (the package's one `[[bin]]`).
    pub bin: String,
    pub version: String,
    pub description: Option<String>,
    pub license: Option<String>,
    pub authors: Vec<String>,
    pub homepage: Option<String>,
    pub repository: Option<String>,
    /// The folder of the package's Cargo.toml.
    pub dir: PathBuf,
    /// `[package.metadata.deb]`, or an empty table.
    pub deb: serde_json::Map<String, Value>,
    /// `[package.metadata.generate-rpm]`, or an empty table.
    pub generate_rpm: serde_json::Map<String, Value>,
}

impl Package {
    pub(super) fn from_metadata(package: &Value) -> Result<Package> {
        let name = str_field(package, "name")?.to_owned();
        let bins: Vec<&str> = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|target| {
                target["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
            })
            .filter_map(|target| target["name"].as_str())
            .collect();
        let bin = match bins.as_slice() {
            [bin] => (*bin).to_owned(),
            [] => bail!(
                "package `{name}` has no binary to ship. Give it a src/main.rs or a [[bin]] target."
            ),
            _ => bail!(
                "package `{name}` has several binaries ({}); the xtask ships exactly one. \
                 Keep one [[bin]] target in the shipped package.",
                bins.join(", ")
            ),
        };
        let optional = |key: &str| package[key].as_str().map(str::to_owned);
        Ok(Package {
            bin,
            version: str_field(package, "version")?.to_owned(),
            description: optional("description"),
            license: optional("license"),
            authors: package["authors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|author| author.as_str().map(str::to_owned))
                .collect(),
            homepage: optional("homepage"),
            repository: optional("repository"),
            dir: Path::new(str_field(package, "manifest_path")?)
                .parent()
                .context("a manifest path has a folder")?
                .to_owned(),
            deb: package
                .pointer("/metadata/deb")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            generate_rpm: package
                .pointer("/metadata/generate-rpm")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            name,
        })
    }
}
