//! The configuration as Cargo.toml writes it, read with serde: what
//! `cargo metadata` says of the workspace ([`Metadata`]), its
//! `[workspace.metadata.dist]` ([`DistTable`]) and each package's
//! `[package.metadata.dist]` ([`PackageTable`]).
//!
//! These types only read; what the values mean, and the refusals that need
//! more than one key, are the other modules'. Maps stay maps where their
//! keys are the user's (target triples, package names, the tables other
//! tools keep under `metadata`). A key the xtask does not know, or a value
//! of the wrong shape, is refused by [`read`] with the key's place, what it
//! must be, and the nearest known key.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use super::dependencies::DependenciesTable;
use crate::util::serde_table::{self, Shapes};

/// What `cargo metadata --no-deps` says of the workspace.
#[derive(Debug, Deserialize)]
pub struct Metadata {
    pub workspace_root: PathBuf,
    pub target_directory: PathBuf,
    pub packages: Vec<MetadataPackage>,
    /// `[workspace.metadata]`: tables of many tools, of which the xtask
    /// reads `dist`.
    #[serde(default)]
    pub metadata: Option<Value>,
}

/// One workspace member, as cargo resolves its manifest (inheritance
/// included).
#[derive(Debug, Deserialize)]
pub struct MetadataPackage {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    pub license: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub homepage: Option<String>,
    pub repository: Option<String>,
    pub manifest_path: PathBuf,
    #[serde(default)]
    pub targets: Vec<CargoTarget>,
    /// `[features]`: each feature and what it turns on.
    #[serde(default)]
    pub features: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// `[package.metadata]`: tables of many tools (`dist`, cargo-deb's
    /// `deb`, cargo-generate-rpm's `generate-rpm`, others').
    #[serde(default)]
    pub metadata: Option<Value>,
}

impl MetadataPackage {
    /// The table `[package.metadata.<name>]`, if the package has one.
    pub fn table(&self, name: &str) -> Option<&Value> {
        self.metadata.as_ref()?.get(name)
    }

    /// The names of its cargo targets of `kind` (`bin`, `cdylib`).
    pub fn targets_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> {
        self.targets
            .iter()
            .filter(move |target| target.kind.iter().any(|k| k == kind))
            .map(|target| target.name.as_str())
    }
}

/// One cargo target of a package: a binary, a library, a test.
#[derive(Debug, Deserialize)]
pub struct CargoTarget {
    pub name: String,
    pub kind: Vec<String>,
    /// Its root source file.
    #[serde(default)]
    pub src_path: PathBuf,
}

/// One dependency of a package, by the name its code uses.
#[derive(Debug, Deserialize)]
pub struct Dependency {
    pub name: String,
    pub rename: Option<String>,
}

/// `[workspace.metadata.dist]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DistTable {
    pub package: Option<String>,
    pub packages: Option<Vec<String>>,
    /// The binaries each package ships, by package (every one where
    /// absent).
    #[serde(default)]
    pub bins: BTreeMap<String, Vec<String>>,
    pub include: Option<Vec<String>>,
    #[serde(default)]
    pub targets: Vec<String>,
    /// Each target's formats, by triple (its OS's defaults where absent).
    #[serde(default)]
    pub formats: BTreeMap<String, Vec<String>>,
    /// Each target's CI runner label, by triple.
    #[serde(default)]
    pub ci_runner: BTreeMap<String, String>,
    pub min_glibc: Option<String>,
    pub min_macos: Option<String>,
    pub universal2: Option<bool>,
    pub container_image: Option<bool>,
    pub sbom: Option<bool>,
    pub pypi: Option<bool>,
    pub npm: Option<bool>,
    pub installers: Option<Vec<String>>,
    pub base_url: Option<String>,
    pub profile: Option<String>,
    pub firmware: Option<KindTable>,
    pub web: Option<KindTable>,
    pub features: Option<Vec<String>>,
    pub default_features: Option<bool>,
    pub all_features: Option<bool>,
    /// The Debian packages the build needs (cargo-dist's key).
    pub dependencies: Option<DependenciesTable>,
}

/// `[workspace.metadata.dist.firmware]` and `.web]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindTable {
    pub packages: Vec<String>,
    #[serde(default)]
    pub targets: Vec<String>,
}

/// cargo-dist's feature keys, as `[workspace.metadata.dist]` (every
/// shipped package), `[package.metadata.dist]` (that one) and cargo-deb's
/// `[package.metadata.deb]` set them.
#[derive(Debug, Default, Clone, Copy)]
pub struct FeatureKeys<'a> {
    pub features: Option<&'a [String]>,
    pub default_features: Option<bool>,
    pub all_features: Option<bool>,
}

impl DistTable {
    /// Its feature keys.
    pub fn feature_keys(&self) -> FeatureKeys<'_> {
        FeatureKeys {
            features: self.features.as_deref(),
            default_features: self.default_features,
            all_features: self.all_features,
        }
    }
}

/// `[package.metadata.dist]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackageTable {
    pub features: Option<Vec<String>>,
    pub default_features: Option<bool>,
    pub all_features: Option<bool>,
    pub smoke_run: Option<SmokeRunSetting>,
    /// The arguments that print each kind of file, by kind (`man`, …).
    pub generate: Option<BTreeMap<String, Vec<String>>>,
    pub pkg_identifier: Option<String>,
}

impl PackageTable {
    /// Its feature keys.
    pub fn feature_keys(&self) -> FeatureKeys<'_> {
        FeatureKeys {
            features: self.features.as_deref(),
            default_features: self.default_features,
            all_features: self.all_features,
        }
    }
}

/// `smoke-run`: the arguments, or a table that turns it off.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SmokeRunSetting {
    Args(Vec<String>),
    Off(SkipTable),
}

/// `{ skip = "why" }`, and nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipTable {
    pub skip: String,
}

/// What each key's value must be, for the error that finds another:
/// `(key, shape)`; a key of a sub-table is `table.key`, and `table.*`
/// stands for any key of a table the user names.
const SHAPES: &[(&str, &str)] = &[
    ("package", "a package name, like \"app\""),
    (
        "packages",
        "a list of package names, like [\"app\", \"appd\"]",
    ),
    (
        "bins",
        "a table of package names, like [workspace.metadata.dist.bins]",
    ),
    ("bins.*", "a list of some of its binaries, like [\"app\"]"),
    ("include", "a list of file paths, like [\"README.md\"]"),
    (
        "targets",
        "a list of target triples, like [\"x86_64-unknown-linux-gnu\"]",
    ),
    (
        "formats",
        "a table of target triples, like [workspace.metadata.dist.formats] in this template's Cargo.toml",
    ),
    ("formats.*", "a list of formats, like [\"tar.gz\"]"),
    (
        "ci-runner",
        "a table of target triples, like [workspace.metadata.dist.ci-runner] in this template's Cargo.toml",
    ),
    ("ci-runner.*", "a runner label, like \"ubuntu-latest\""),
    (
        "min-glibc",
        "a glibc version, like \"2.28\" (or left out for the lowest Rust supports)",
    ),
    (
        "min-macos",
        "a macOS version, like \"12.0\" (or left out for the lowest Rust supports)",
    ),
    (
        "installers",
        "a list of installer names, like [\"shell\", \"homebrew\", \"scoop\"], or [] for none",
    ),
    ("base-url", "an http(s) URL, with {version} for the version"),
    (
        "profile",
        "the name of a cargo profile, like \"dist\" or \"release\"",
    ),
    ("firmware", "a table, with `packages` and `targets` lists"),
    ("web", "a table, with `packages` and `targets` lists"),
    ("firmware.packages", "a list, like [\"firmware\"]"),
    ("firmware.targets", "a list, like [\"thumbv7m-none-eabi\"]"),
    ("web.packages", "a list, like [\"web\"]"),
    ("web.targets", "a list, like [\"wasm32-unknown-unknown\"]"),
    ("features", "a list of feature names, like [\"tls\"]"),
    (
        "smoke-run",
        "a list of the arguments that make the binary print its version, like [\"--version\"], or a table that turns the run off, like { skip = \"needs a display\" }",
    ),
    (
        "generate",
        "a table of the arguments that print each file, like `generate = { man = [\"--generate\", \"man\"] }`",
    ),
    (
        "generate.*",
        "a list of arguments, like [\"--generate\", \"man\"]",
    ),
    (
        "dependencies",
        "a table of package managers, like [workspace.metadata.dist.dependencies.apt]",
    ),
    (
        "dependencies.apt",
        "a table of Debian packages, each with its version (\"*\" for any) or a table like { targets = [\"aarch64-unknown-linux-gnu\"] }",
    ),
    (
        "pkg-identifier",
        "the reverse-DNS name of its macOS .pkg, like \"io.github.owner.app\"",
    ),
];

/// Reads `value`, the table `place` (`[workspace.metadata.dist]`), as `T`;
/// or says which key is unknown or has the wrong shape, and what to write.
pub fn read<T: DeserializeOwned>(value: &Value, place: &str) -> Result<T> {
    serde_table::read(
        value,
        place,
        &Shapes {
            keys: SHAPES,
            otherwise: "true or false",
            refused: &[],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(value: Value) -> String {
        let err = read::<DistTable>(&value, "[workspace.metadata.dist]").unwrap_err();
        format!("{err:#}")
    }

    #[test]
    fn an_unknown_key_is_named_with_the_nearest_and_the_list() {
        let err = error(json!({ "targest": [] }));
        assert!(
            err.contains("a key `targest` the xtask does not know"),
            "{err}"
        );
        assert!(err.contains("Did you mean `targets`?"), "{err}");
        assert!(
            err.contains("The keys are: package, packages, bins"),
            "{err}"
        );
        let err = error(json!({ "firmware": { "packages": ["f"], "target": [] } }));
        assert!(
            err.starts_with("[workspace.metadata.dist.firmware] has a key `target`"),
            "{err}"
        );
    }

    #[test]
    fn a_value_of_the_wrong_shape_names_the_key_and_what_to_write() {
        let err = error(json!({ "targets": ["x86_64-unknown-linux-gnu", 7] }));
        assert!(
            err.contains("`targets` must be a list of target triples"),
            "{err}"
        );
        assert!(err.contains("`targets[1]` is integer `7`"), "{err}");
        let err = error(json!({ "formats": { "thumbv8m.main-none-eabi": "zip" } }));
        let expected = "`formats.thumbv8m.main-none-eabi` must be a list of formats, like [\"tar.gz\"], not string";
        assert!(err.contains(expected), "{err}");
        let err = error(json!({ "dependencies": { "apt": { "libudev-dev": 3 } } }));
        assert!(
            err.contains(
                "`dependencies.apt` must be a table of Debian packages, each with its version"
            ),
            "{err}"
        );
        let err = error(json!({ "dependencies": { "yum": {} } }));
        assert!(
            err.contains("[workspace.metadata.dist.dependencies] has a key `yum`"),
            "{err}"
        );
        let err = error(json!({ "sbom": "yes" }));
        assert!(
            err.contains("`sbom` must be true or false, not string \"yes\""),
            "{err}"
        );
    }
}
