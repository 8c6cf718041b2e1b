//! A CycloneDX 1.5 SBOM (software bill of materials) for each target's
//! binary: every crate compiled into it, with its version, license, package
//! URL and, for crates from a registry, the SHA-256 Cargo.lock pins.
//!
//! The crates are the ones `cargo tree` resolves for the shipped package on
//! that target (`--target <triple> --package <app> -e normal,no-proc-macro`,
//! with the release build's features): the dependency graph and features of
//! the release build, so
//! another platform's crates (no Windows crate in the Linux SBOM, and the
//! reverse), build scripts' and tests' crates and procedural macros, none of
//! which are in the binary, are left out. (`cargo metadata
//! --filter-platform` would also filter by platform, but it unifies features
//! across every workspace member, so the xtask's own needs would show up as
//! the app's.) The format is the CycloneDX JSON schema, 1.5
//! (<https://cyclonedx.org/docs/1.5/json/>); there is no timestamp or random
//! serial number, so it is as reproducible as the binary.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use xshell::{Shell, cmd};

use crate::workspace::config::Package;

/// The SBOM of the release binary of `package` for `triple`.
pub fn for_target(sh: &Shell, package: &Package, triple: &str) -> Result<Vec<u8>> {
    let format = "{p}|{l}";
    let name = &package.name;
    let features = package.features.cargo_args();
    let tree = cmd!(
        sh,
        "cargo tree --locked --target {triple} --package {name} -e normal,no-proc-macro
         --prefix depth --format {format} {features...}"
    )
    .quiet()
    .read()
    .with_context(|| {
        format!(
            "cannot make the SBOM of {triple}: `cargo tree --target {triple}` failed (its error \
             is above). Fix what it names (a Cargo.lock out of date: run `cargo update -w`), or \
             set `sbom = false` in [workspace.metadata.dist] to release without SBOMs"
        )
    })?;
    let lock = std::fs::read_to_string(sh.current_dir().join("Cargo.lock"))
        .context("cannot read Cargo.lock for the crates' checksums")?;
    let bom = from_tree(&tree, &lock_checksums(&lock)?, triple)?;
    Ok((serde_json::to_string_pretty(&bom)? + "\n").into_bytes())
}

/// `(name, version)` → the SHA-256 Cargo.lock records for registry crates.
fn lock_checksums(lock: &str) -> Result<BTreeMap<(String, String), String>> {
    let doc: toml_edit::DocumentMut = lock.parse().context("Cargo.lock is not valid TOML")?;
    let mut sums = BTreeMap::new();
    let packages = doc
        .get("package")
        .and_then(|item| item.as_array_of_tables());
    for entry in packages.into_iter().flatten() {
        let text = |key: &str| {
            entry
                .get(key)
                .and_then(|item| item.as_str())
                .map(str::to_owned)
        };
        if let (Some(name), Some(version), Some(sum)) =
            (text("name"), text("version"), text("checksum"))
        {
            sums.insert((name, version), sum);
        }
    }
    Ok(sums)
}

/// One crate of the tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Crate {
    name: String,
    version: String,
    license: Option<String>,
}

impl Crate {
    fn purl(&self) -> String {
        format!("pkg:cargo/{}@{}", self.name, self.version)
    }
}

/// Parses one line of `cargo tree --prefix depth --format {p}|{l}`:
/// `2memchr v2.8.3|Unlicense OR MIT`, with ` (/path)` after a path crate's
/// version and ` (*)` after one already shown.
fn parse_line(line: &str) -> Option<(usize, Crate)> {
    let digits = line.find(|c: char| !c.is_ascii_digit())?;
    let depth = line[..digits].parse().ok()?;
    let (package, license) = line[digits..].split_once('|')?;
    let mut words = package.split_whitespace();
    let name = words.next()?.to_owned();
    let version = words.next()?.strip_prefix('v')?.to_owned();
    let license = license.trim().trim_end_matches("(*)").trim();
    let license = (!license.is_empty()).then(|| license.to_owned());
    Some((
        depth,
        Crate {
            name,
            version,
            license,
        },
    ))
}

/// The SBOM, from `cargo tree` output and the checksums of Cargo.lock.
fn from_tree(
    tree: &str,
    checksums: &BTreeMap<(String, String), String>,
    triple: &str,
) -> Result<Value> {
    let mut root: Option<Crate> = None;
    let mut crates: BTreeSet<Crate> = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The crate last seen at each depth: the parent of the next one deeper.
    let mut path: Vec<Crate> = Vec::new();
    for line in tree.lines().filter(|line| !line.trim().is_empty()) {
        let (depth, krate) =
            parse_line(line).with_context(|| format!("cannot read `cargo tree` line {line:?}"))?;
        if depth > path.len() {
            bail!("`cargo tree` skipped a level at {line:?}");
        }
        path.truncate(depth);
        match path.last() {
            Some(parent) => {
                edges.entry(parent.purl()).or_default().insert(krate.purl());
                crates.insert(krate.clone());
            }
            None if root.is_none() => root = Some(krate.clone()),
            None => bail!("`cargo tree` printed two roots"),
        }
        edges.entry(krate.purl()).or_default();
        path.push(krate);
    }
    let root = root.context("`cargo tree` printed nothing")?;
    crates.remove(&root);

    let component = |krate: &Crate, kind: &str| -> Value {
        let mut component = json!({
            "type": kind,
            "bom-ref": krate.purl(),
            "name": krate.name,
            "version": krate.version,
            "purl": krate.purl(),
        });
        if let Some(license) = &krate.license {
            component["licenses"] = json!([{ "expression": license }]);
        }
        if let Some(sum) = checksums.get(&(krate.name.clone(), krate.version.clone())) {
            component["hashes"] = json!([{ "alg": "SHA-256", "content": sum }]);
        }
        component
    };
    let dependencies: Vec<Value> = edges
        .iter()
        .map(|(from, to)| json!({ "ref": from, "dependsOn": to }))
        .collect();
    Ok(json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "component": component(&root, "application"),
            "properties": [{ "name": "cargo:target", "value": triple }],
        },
        "components": crates.iter().map(|krate| component(krate, "library")).collect::<Vec<_>>(),
        "dependencies": dependencies,
    }))
}

/// What `verify` checks of an SBOM artifact itself: that it is CycloneDX
/// JSON about an application. (The tests validate it against the schema
/// with an independent validator.)
pub fn check(bytes: &[u8]) -> Result<String> {
    let bom: Value = serde_json::from_slice(bytes).context("it is not JSON")?;
    if bom["bomFormat"] != "CycloneDX" {
        bail!(
            "it is not a CycloneDX document (bomFormat is {})",
            bom["bomFormat"]
        );
    }
    let subject = &bom["metadata"]["component"];
    let (Some(name), Some(version)) = (subject["name"].as_str(), subject["version"].as_str())
    else {
        bail!("it names no application (metadata.component)");
    };
    let count = bom["components"].as_array().map_or(0, Vec::len);
    Ok(format!(
        "CycloneDX {} SBOM of {name} {version}: {count} crates",
        bom["specVersion"].as_str().unwrap_or("?")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `cargo tree` prints for an app with a path crate and a crate
    /// that two others use.
    const TREE: &str = "0app v1.0.0 (/home/me/app)|MIT\n\
                        1lib v1.0.0|MIT OR Apache-2.0\n\
                        2memchr v2.8.3|Unlicense OR MIT\n\
                        1platform v0.1.0 (/home/me/platform)|\n\
                        2memchr v2.8.3|Unlicense OR MIT (*)\n";

    #[test]
    fn the_sbom_lists_the_tree_with_purls_licenses_and_checksums() {
        let checksums =
            BTreeMap::from([(("memchr".to_owned(), "2.8.3".to_owned()), "ab".repeat(32))]);
        let bom = from_tree(TREE, &checksums, "x86_64-unknown-linux-gnu").unwrap();
        assert_eq!(bom["metadata"]["component"]["purl"], "pkg:cargo/app@1.0.0");
        let purls: Vec<&str> = bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["purl"].as_str().unwrap())
            .collect();
        assert_eq!(
            purls,
            [
                "pkg:cargo/lib@1.0.0",
                "pkg:cargo/memchr@2.8.3",
                "pkg:cargo/platform@0.1.0"
            ]
        );
        let memchr = &bom["components"][1];
        assert_eq!(memchr["licenses"][0]["expression"], "Unlicense OR MIT");
        assert_eq!(memchr["hashes"][0]["content"], "ab".repeat(32));
        assert!(bom["components"][2]["licenses"].is_null());
        assert_eq!(
            bom["dependencies"][0],
            json!({ "ref": "pkg:cargo/app@1.0.0",
                    "dependsOn": ["pkg:cargo/lib@1.0.0", "pkg:cargo/platform@0.1.0"] })
        );
        assert_eq!(
            bom["dependencies"][3],
            json!({ "ref": "pkg:cargo/platform@0.1.0", "dependsOn": ["pkg:cargo/memchr@2.8.3"] })
        );
        let text = serde_json::to_string(&bom).unwrap();
        assert!(!text.contains("/home/me"), "no path of the build machine");
        let checked = check(text.as_bytes()).unwrap();
        assert_eq!(checked, "CycloneDX 1.5 SBOM of app 1.0.0: 3 crates");
    }

    #[test]
    fn unreadable_trees_and_foreign_documents_are_errors() {
        assert!(from_tree("", &BTreeMap::new(), "t").is_err());
        assert!(from_tree("0app v1|MIT\n2skipped v1|MIT\n", &BTreeMap::new(), "t").is_err());
        assert!(from_tree("garbage\n", &BTreeMap::new(), "t").is_err());
        assert!(check(b"{\"bomFormat\": \"SPDX\"}").is_err());
        assert!(check(b"not json").is_err());
    }
}
