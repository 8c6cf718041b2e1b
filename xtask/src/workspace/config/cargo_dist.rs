//! Living beside cargo-dist's configuration, which most adopters come from.
//!
//! cargo-dist keeps its settings in `[workspace.metadata.dist]` and
//! `[package.metadata.dist]` (the tables this tool reads), or, since 0.23,
//! in `dist-workspace.toml`'s `[dist]`. Its keys that this tool gives the
//! same meaning are read as they are (`targets`, `features`,
//! `default-features`, `all-features`, `installers`, `include`,
//! `dependencies`); the keys
//! it needs for its own work mean nothing here, and are set aside with the
//! reason, to be listed once ([`IgnoredKey`]), rather than refused.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use super::tables::Metadata;

/// cargo-dist's keys that mean nothing to this tool, each with why.
pub const IGNORED: &[(&str, &str)] = &[
    (
        "cargo-dist-version",
        "it pins cargo-dist; this tool is the xtask in the repository",
    ),
    ("cargo-dist-url-override", "it says where to get cargo-dist"),
    (
        "rust-toolchain-version",
        "rust-toolchain.toml pins the toolchain",
    ),
    (
        "dist",
        "every package named in `package` or `packages` ships",
    ),
    (
        "ci",
        "`cargo xtask init` writes the CI pipeline, and `plan` plans it",
    ),
    ("pr-run-mode", "the release workflow runs on tags"),
    (
        "allow-dirty",
        "`cargo xtask ci` checks the workflows it wrote",
    ),
    (
        "install-path",
        "install.sh installs into ~/.local/bin, or where its --prefix says",
    ),
    ("install-updater", "this tool ships no updater"),
    ("install-success-msg", "install.sh says what it installed"),
    (
        "tap",
        "the Homebrew formula is a release artifact, for any tap",
    ),
    ("formula", "the Homebrew formula is named after the package"),
    ("auto-includes", "`include` lists every file archives get"),
    (
        "msvc-crt-static",
        "MSVC targets are built on Windows with plain cargo",
    ),
    (
        "windows-archive",
        "Windows targets make a zip (and an .msi)",
    ),
    ("unix-archive", "other targets make a tar.gz"),
    ("npm-package", "npm packages are named after the package"),
    ("npm-scope", "npm packages are named after the package"),
    ("checksum", "every artifact has a SHA-256, in SHA256SUMS"),
    (
        "precise-builds",
        "dist builds each package on its own already",
    ),
    (
        "merge-tasks",
        "the release workflow builds each target in its own job",
    ),
    ("fail-fast", "dist fails when any target fails"),
    ("cache-builds", "the workflows cache what they need"),
    (
        "build-local-artifacts",
        "the release workflow builds every target",
    ),
    ("dispatch-releases", "the release workflow runs on tags"),
    ("release-branch", "the release workflow runs on tags"),
    ("plan-jobs", "the workflows are the template's own"),
    (
        "local-artifacts-jobs",
        "the workflows are the template's own",
    ),
    (
        "global-artifacts-jobs",
        "the workflows are the template's own",
    ),
    ("host-jobs", "the workflows are the template's own"),
    ("publish-jobs", "the workflows are the template's own"),
    ("post-announce-jobs", "the workflows are the template's own"),
    (
        "source-tarball",
        "GitHub and GitLab attach the source to each release",
    ),
    (
        "publish-prereleases",
        "the workflows publish what is tagged",
    ),
    ("force-latest", "the workflows publish what is tagged"),
    ("create-release", "the release workflow creates the release"),
    (
        "github-releases-repo",
        "the release goes to the repository it is built in",
    ),
    (
        "github-releases-submodule-path",
        "the release goes to the repository it is built in",
    ),
    ("github-release", "the release workflow creates the release"),
    (
        "ssldotcom-windows-sign",
        "Windows files are signed with WINDOWS_SIGNING_KEY (osslsigncode)",
    ),
    (
        "macos-sign",
        "Mach-O binaries are signed ad hoc, and notarized on a Mac",
    ),
    (
        "github-attestations",
        "the release workflow attests the build provenance of every file already",
    ),
    ("hosting", "`base-url` says where the release is"),
    ("extra-artifacts", "the workflows are the template's own"),
    (
        "github-custom-runners",
        "`ci-runner` chooses each target's runner",
    ),
    (
        "github-custom-job-permissions",
        "the workflows are the template's own",
    ),
    (
        "github-action-commits",
        "the workflows are the template's own",
    ),
    ("github-build-setup", "the workflows are the template's own"),
    ("bin-aliases", "each binary ships under its own name"),
    ("binaries", "`bins` chooses each package's binaries"),
    ("tag-namespace", "the release workflow runs on tags"),
    ("display", "the release notes are the forge's"),
    ("display-name", "the release notes are the forge's"),
    ("package-libraries", "this tool ships programs"),
    ("install-libraries", "this tool ships programs"),
    ("mac-pkg-config", "`pkg-identifier` names the .pkg"),
    ("minimum-glibc-version", "`min-glibc` sets the glibc floor"),
    (
        "cargo-auditable",
        "the SBOMs say what each binary is made of",
    ),
    (
        "cargo-cyclonedx",
        "every target gets a CycloneDX SBOM (`sbom`)",
    ),
];

/// A cargo-dist key set aside, where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredKey {
    pub table: String,
    pub key: &'static str,
    pub why: &'static str,
}

impl std::fmt::Display for IgnoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let IgnoredKey { table, key, why } = self;
        write!(
            f,
            "{table} `{key}` is cargo-dist's, and ignored here: {why}"
        )
    }
}

/// `table` (the place `place`) without cargo-dist's keys that mean
/// nothing here, and those keys. A JSON map, not a serde type: it runs
/// before serde reads the table, on keys that are another tool's.
pub fn set_aside(table: &Value, place: &str) -> (Value, Vec<IgnoredKey>) {
    let Some(map) = table.as_object() else {
        return (table.clone(), Vec::new());
    };
    let mut kept = Map::new();
    let mut ignored = Vec::new();
    for (key, value) in map {
        match IGNORED.iter().find(|(known, _)| known == key) {
            Some(&(key, why)) => ignored.push(IgnoredKey {
                table: place.to_owned(),
                key,
                why,
            }),
            None => {
                kept.insert(key.clone(), value.clone());
            }
        }
    }
    (Value::Object(kept), ignored)
}

/// The file cargo-dist 0.23 and later keep their configuration in.
pub const DIST_WORKSPACE: &str = "dist-workspace.toml";

/// `[dist]` of `dist-workspace.toml` at `root`, if there is one, as JSON.
pub fn dist_workspace_table(root: &Path) -> Result<Option<Value>> {
    let path = root.join(DIST_WORKSPACE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let doc: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    Ok(doc.get("dist").map(json_of))
}

/// The workspace's release configuration (called `place`, as errors name
/// it): `[workspace.metadata.dist]` over `dist-workspace.toml`'s `[dist]`
/// (a key both set takes Cargo.toml's value), without cargo-dist's keys
/// that mean nothing here; and those keys, each where it was found.
pub fn dist_table(metadata: &Metadata, place: &str) -> Result<(Value, Vec<IgnoredKey>)> {
    let in_cargo_toml = metadata.metadata.as_ref().and_then(|m| m.get("dist"));
    let in_dist_workspace = dist_workspace_table(&metadata.workspace_root)?;
    if in_cargo_toml.is_none() && in_dist_workspace.is_none() {
        bail!(
            "Cargo.toml has no [workspace.metadata.dist] table, so there is nothing to build. \
             Add one with `package = \"<the binary's package>\"` and `targets = [...]`, as in \
             this template's Cargo.toml."
        );
    }
    let (theirs, mut ignored) = match &in_dist_workspace {
        Some(table) => set_aside(table, &format!("{DIST_WORKSPACE} [dist]")),
        None => (Value::Object(Map::new()), Vec::new()),
    };
    let (ours, ignored_ours) = match in_cargo_toml {
        Some(table) => set_aside(table, place),
        None => (Value::Object(Map::new()), Vec::new()),
    };
    ignored.extend(ignored_ours);
    match (theirs, ours) {
        (Value::Object(mut theirs), Value::Object(ours)) => {
            theirs.extend(ours);
            Ok((Value::Object(theirs), ignored))
        }
        // Not a table: serde says so, naming the place.
        (_, ours) => Ok((ours, ignored)),
    }
}

/// A TOML item as the JSON `cargo metadata` would give for it.
fn json_of(item: &toml_edit::Item) -> Value {
    match item {
        toml_edit::Item::Value(value) => json_of_value(value),
        toml_edit::Item::Table(table) => Value::Object(
            table
                .iter()
                .map(|(key, item)| (key.to_owned(), json_of(item)))
                .collect(),
        ),
        toml_edit::Item::ArrayOfTables(tables) => Value::Array(
            tables
                .iter()
                .map(|table| json_of(&toml_edit::Item::Table(table.clone())))
                .collect(),
        ),
        toml_edit::Item::None => Value::Null,
    }
}

fn json_of_value(value: &toml_edit::Value) -> Value {
    match value {
        toml_edit::Value::String(s) => Value::String(s.value().clone()),
        toml_edit::Value::Integer(i) => Value::from(*i.value()),
        toml_edit::Value::Float(f) => Value::from(*f.value()),
        toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
        toml_edit::Value::Datetime(d) => Value::String(d.value().to_string()),
        toml_edit::Value::Array(array) => Value::Array(array.iter().map(json_of_value).collect()),
        toml_edit::Value::InlineTable(table) => Value::Object(
            table
                .iter()
                .map(|(key, value)| (key.to_owned(), json_of_value(value)))
                .collect(),
        ),
    }
}
