//! The shipped package: what `cargo metadata` says of it, its release
//! build's settings (`[package.metadata.dist]`), and its
//! `[package.metadata.deb]` and `.generate-rpm]` tables.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::features::{self, Features};
use super::generate::Generate;
use super::kinds::Kind;
use super::smoke::SmokeRun;
use super::str_field;
use crate::formats::program::Program;
use crate::util::suggest::did_you_mean;

/// The keys `[package.metadata.dist]` may have.
const PACKAGE_DIST_KEYS: [&str; 6] = [
    features::KEYS[0],
    features::KEYS[1],
    features::KEYS[2],
    "smoke-run",
    "generate",
    "pkg-identifier",
];

/// The shipped package, as cargo resolves its manifest.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    /// The binaries it ships: every `[[bin]]`, or those
    /// `[workspace.metadata.dist.bins]` names, in the package's order.
    pub bins: Vec<String>,
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
    /// The features its release build turns on.
    pub features: Features,
    /// How dist smoke-runs its binaries.
    pub smoke_run: SmokeRun,
    /// The commands of its binaries that print man pages and completions.
    pub generate: Generate,
    /// `pkg-identifier`: the reverse-DNS name of its macOS .pkg, if set
    /// (else one is made from its repository or homepage).
    pub pkg_identifier: Option<String>,
    /// What it is: a program, firmware (`[workspace.metadata.dist.firmware]`)
    /// or a web package (`.web]`), each built only for its own targets.
    pub kind: Kind,
}

impl Package {
    /// What its package formats are told of it.
    pub fn program(&self) -> Program {
        Program {
            name: self.name.clone(),
            bins: self.bins.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            license: self.license.clone(),
            authors: self.authors.clone(),
            homepage: self.homepage.clone(),
            repository: self.repository.clone(),
            dir: self.dir.clone(),
            deb: self.deb.clone(),
            generate_rpm: self.generate_rpm.clone(),
            pkg_identifier: self.pkg_identifier.clone(),
            generated: self.generate.outputs(&self.bins),
        }
    }

    /// The package as `cargo metadata` describes it, shipping the binaries
    /// `narrowed` names (`[workspace.metadata.dist.bins]`), or every one,
    /// built as `dist` (`[workspace.metadata.dist]`) and its own
    /// `[package.metadata.dist]` say.
    pub(super) fn from_metadata(
        package: &Value,
        narrowed: Option<&Value>,
        dist: &Value,
        kind: Kind,
    ) -> Result<Package> {
        let name = str_field(package, "name")?.to_owned();
        check_package_dist_keys(package, &name)?;
        let bins = match kind {
            Kind::Web => vec![web_module(package, &name)?.to_owned()],
            _ => shipped_bins(&name, &binaries(package, &name)?, narrowed)?,
        };
        let optional = |key: &str| package[key].as_str().map(str::to_owned);
        Ok(Package {
            bins,
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
            features: Features::of_package(dist, package)?,
            smoke_run: SmokeRun::from_setting(package.pointer("/metadata/dist/smoke-run"), &name)?,
            generate: Generate::from_setting(package.pointer("/metadata/dist/generate"), &name)?,
            pkg_identifier: pkg_identifier(package, &name)?,
            kind,
            name,
        })
    }
}

/// `pkg-identifier` of `package`'s `[package.metadata.dist]`, a string if
/// set (whether it is reverse-DNS is checked where a .pkg is planned).
fn pkg_identifier(package: &Value, name: &str) -> Result<Option<String>> {
    match package.pointer("/metadata/dist/pkg-identifier") {
        None => Ok(None),
        Some(Value::String(identifier)) => Ok(Some(identifier.clone())),
        Some(other) => bail!(
            "[package.metadata.dist] of `{name}` sets `pkg-identifier` to {other}, not a \
             string. Give the reverse-DNS name of its macOS .pkg, like \"io.github.owner.{name}\"."
        ),
    }
}

/// The names of `package`'s binaries, of which it must have one.
fn binaries<'a>(package: &'a Value, name: &str) -> Result<Vec<&'a str>> {
    let all: Vec<&str> = targets_of_kind(package, "bin").collect();
    if all.is_empty() {
        bail!(
            "package `{name}` has no binary to ship. Give it a src/main.rs or a [[bin]] \
             target, or take it out of `packages` in [workspace.metadata.dist]."
        );
    }
    Ok(all)
}

/// The name of a web package's WebAssembly module: its library, which must
/// be a cdylib (what rustc makes a `.wasm` module of).
fn web_module<'a>(package: &'a Value, name: &str) -> Result<&'a str> {
    targets_of_kind(package, "cdylib").next().with_context(|| {
        format!(
            "package `{name}` is named in [workspace.metadata.dist.web], but its library is not \
             a cdylib, so no .wasm module is built for wasm-bindgen to read. Add `[lib] \
             crate-type = [\"cdylib\", \"rlib\"]` to its Cargo.toml."
        )
    })
}

/// The names of `package`'s cargo targets of `kind` (`bin`, `cdylib`).
fn targets_of_kind<'a>(package: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a str> {
    package["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |target| {
            target["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == kind))
        })
        .filter_map(|target| target["name"].as_str())
}

/// The binaries `narrowed` (`[workspace.metadata.dist.bins]` of package
/// `name`) lists, in the package's own order, or `all` of them.
fn shipped_bins(name: &str, all: &[&str], narrowed: Option<&Value>) -> Result<Vec<String>> {
    let bins = match narrowed {
        None => all.iter().map(|bin| (*bin).to_owned()).collect(),
        Some(list) => {
            let listed: Vec<&str> = list
                .as_array()
                .and_then(|list| list.iter().map(Value::as_str).collect())
                .filter(|listed: &Vec<&str>| !listed.is_empty())
                .with_context(|| {
                    format!(
                        "[workspace.metadata.dist.bins] `{name}` must be a list of some of its \
                         binaries, like [\"{}\"].",
                        all[0]
                    )
                })?;
            for bin in &listed {
                if !all.contains(bin) {
                    bail!(
                        "[workspace.metadata.dist.bins] lists `{bin}` for package `{name}`, \
                         which has no such binary. {}Its binaries: {}.",
                        did_you_mean(bin, all),
                        all.join(", ")
                    );
                }
            }
            // In the package's own order, so the list's order does not matter.
            all.iter()
                .filter(|bin| listed.contains(bin))
                .map(|bin| (*bin).to_owned())
                .collect()
        }
    };
    Ok(bins)
}

/// Refuses a key of `[package.metadata.dist]` dist would ignore.
fn check_package_dist_keys(package: &Value, name: &str) -> Result<()> {
    let Some(table) = package.pointer("/metadata/dist") else {
        return Ok(());
    };
    let table = table
        .as_object()
        .with_context(|| format!("[package.metadata.dist] of `{name}` must be a table."))?;
    for key in table.keys() {
        if !PACKAGE_DIST_KEYS.contains(&key.as_str()) {
            bail!(
                "[package.metadata.dist] of `{name}` has a key `{key}` the xtask does not know, \
                 so it would be ignored. {}The keys are: {}.",
                did_you_mean(key, &PACKAGE_DIST_KEYS),
                PACKAGE_DIST_KEYS.join(", ")
            );
        }
    }
    Ok(())
}

impl Package {
    /// What its artifacts are named after: its binary, if it ships one,
    /// else the package (`app-1.0-<target>.tar.gz`, `app-installer.sh`).
    pub fn artifact_name(&self) -> &str {
        match self.bins.as_slice() {
            [bin] => bin,
            _ => &self.name,
        }
    }
}
