//! `dist-manifest.json`: what a dist produced, for people and for `verify`
//! (and `merge`) to check against. Written and read through serde; its
//! shape is published as a JSON Schema, `xtask/dist-manifest.schema.json`,
//! which a test keeps equal to these types and validates real manifests
//! against, so a user's release tooling can depend on it.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

pub use crate::build::smoke::SmokeResult;
use crate::targets::Version;
use crate::vocab::Format;

/// The manifest's file name.
pub const FILE: &str = "dist-manifest.json";

/// One artifact of a dist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// The file name, relative to the dist folder.
    pub name: String,
    /// The target triple it was built for.
    pub target: String,
    pub format: Format,
    pub size: u64,
    pub sha256: String,
    /// How its binaries were smoke-run.
    pub smoke_run: SmokeResult,
    /// For glibc targets, the newest glibc its binary may need; `verify`
    /// checks the binary against it.
    pub glibc_floor: Option<Version>,
    /// For macOS targets, the oldest macOS its binary starts on; `verify`
    /// checks the binary against it.
    pub macos_floor: Option<Version>,
    /// The rustflags its binary was built with, the user's and dist's, with
    /// the build machine's paths written as `<workspace>` and the like.
    #[serde(default)]
    pub rustflags: Vec<String>,
    /// For macOS binaries that zig linked against stubs made from the
    /// record of Apple's libraries (`xtask/apple-frameworks.txt`): `verify`
    /// checks each of their imports against the record, as dist did.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub apple_stubs: bool,
    /// For a container image, `sha256:…` of its multi-architecture image
    /// index: the digest a registry shows for the pushed tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_digest: Option<String>,
    /// The shipped package it is of, and the binaries it holds; for what
    /// serves the whole release (the image), the primary package and none.
    /// Manifests from before several packages could ship have neither:
    /// their one package is the release's.
    #[serde(default)]
    pub package: String,
    #[serde(default)]
    pub binaries: Vec<String>,
}

/// What is known of an artifact besides its bytes: how its binaries were
/// built and checked, and, for the image, its digest. An artifact that
/// holds no binary of its own checked here (an installer, an SBOM) has
/// [`Facts::NONE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub smoke_run: SmokeResult,
    pub glibc_floor: Option<Version>,
    pub macos_floor: Option<Version>,
    pub rustflags: Vec<String>,
    pub apple_stubs: bool,
    pub image_digest: Option<String>,
}

impl Facts {
    /// Not smoke-run, no floors, flags, stubs or digest.
    pub const NONE: Facts = Facts {
        smoke_run: SmokeResult::NotRun,
        glibc_floor: None,
        macos_floor: None,
        rustflags: Vec::new(),
        apple_stubs: false,
        image_digest: None,
    };
}

impl Artifact {
    /// `bytes`, shipped as `name`, made for `target` in `format` from
    /// `package`'s `binaries`, with what else is known of it (`facts`).
    pub fn new(
        name: String,
        target: &str,
        format: Format,
        bytes: &[u8],
        (package, binaries): (&str, &[String]),
        facts: Facts,
    ) -> Artifact {
        let Facts {
            smoke_run,
            glibc_floor,
            macos_floor,
            rustflags,
            apple_stubs,
            image_digest,
        } = facts;
        Artifact {
            name,
            target: target.to_owned(),
            format,
            size: bytes.len() as u64,
            sha256: crate::util::digest::sha256_hex(bytes),
            smoke_run,
            glibc_floor,
            macos_floor,
            rustflags,
            apple_stubs,
            image_digest,
            package: package.to_owned(),
            binaries: binaries.to_vec(),
        }
    }
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub package: String,
    pub version: String,
    pub source_date_epoch: u64,
    /// The git commit built, if the workspace is a git checkout.
    pub git_commit: Option<String>,
    /// Whether the work tree had uncommitted changes to tracked files.
    #[serde(default)]
    pub git_dirty: bool,
    /// Sorted by name.
    pub artifacts: Vec<Artifact>,
}

impl Manifest {
    /// The text of the release's `SHA256SUMS`: every artifact's SHA-256.
    pub fn sums_file(&self) -> String {
        let sums: std::collections::BTreeMap<String, String> = self
            .artifacts
            .iter()
            .map(|artifact| (artifact.name.clone(), artifact.sha256.clone()))
            .collect();
        crate::formats::checksum::sums_file(&sums)
    }

    /// The manifest as JSON, its keys sorted, with a final newline.
    pub fn to_json(&self) -> String {
        // Through a `Value`, whose objects sort their keys: the order
        // readers and diffs have always seen.
        let value = serde_json::to_value(self).expect("a manifest serializes");
        serde_json::to_string_pretty(&value).expect("JSON values serialize") + "\n"
    }

    /// Fails if the release holds other artifacts than `planned` (every
    /// name its plan gives, sorted): `--dry-run` must show what is made.
    pub fn check_holds(&self, planned: &[String]) -> Result<()> {
        let mut made: Vec<String> = self.artifacts.iter().map(|a| a.name.clone()).collect();
        made.sort();
        if made != planned {
            let only = |a: &[String], b: &[String]| -> Vec<String> {
                a.iter().filter(|name| !b.contains(name)).cloned().collect()
            };
            bail!(
                "the release differs from its plan, which is a bug in the xtask: unplanned \
                 {:?}, planned but not made {:?}",
                only(&made, planned),
                only(planned, &made)
            );
        }
        Ok(())
    }

    /// Reads a manifest, refusing one whose artifacts are not sorted by
    /// name or list a name twice.
    pub fn from_json(text: &str) -> Result<Manifest> {
        let mut manifest: Manifest = serde_json::from_str(text).context("not a dist manifest")?;
        if manifest
            .artifacts
            .windows(2)
            .any(|pair| pair[0].name >= pair[1].name)
        {
            bail!("`artifacts` is not sorted by name, or lists a name twice");
        }
        for artifact in &mut manifest.artifacts {
            if artifact.package.is_empty() {
                artifact.package = manifest.package.clone();
            }
        }
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    /// The published schema of the manifest.
    const SCHEMA: &str = include_str!("../../dist-manifest.schema.json");

    /// A manifest with every field that can be absent present.
    const MANIFEST: &str = r#"{
      "package": "app", "version": "1.0.0", "source_date_epoch": 1,
      "git_commit": "abc", "git_dirty": true,
      "artifacts": [{
        "name": "app-1.0.0-oci.tar", "target": "oci", "format": "oci.tar",
        "size": 3, "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
        "smoke_run": "none", "glibc_floor": "2.17", "macos_floor": "11.0",
        "rustflags": ["-Cx"], "apple_stubs": true, "image_digest": "sha256:00", "package": "app",
        "binaries": ["app"]
      }]
    }"#;

    fn keys(value: &Value) -> BTreeSet<String> {
        value.as_object().unwrap().keys().cloned().collect()
    }

    fn strings(value: &Value) -> BTreeSet<String> {
        let items = value.as_array().unwrap().iter();
        items.map(|v| v.as_str().unwrap().to_owned()).collect()
    }

    /// The schema names every field the types write, requires those they
    /// always write, and lists every format and smoke run they know.
    #[test]
    fn the_schema_is_the_types() {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let artifact_schema = &schema["$defs"]["artifact"];
        let full = serde_json::to_value(Manifest::from_json(MANIFEST).unwrap()).unwrap();
        assert_eq!(keys(&full), keys(&schema["properties"]));
        let full_artifact = &full["artifacts"][0];
        assert_eq!(keys(full_artifact), keys(&artifact_schema["properties"]));
        let mut minimal = Manifest::from_json(MANIFEST).unwrap();
        minimal.git_commit = None;
        minimal.artifacts[0].image_digest = None;
        minimal.artifacts[0].apple_stubs = false;
        let minimal = serde_json::to_value(minimal).unwrap();
        assert_eq!(keys(&minimal), strings(&schema["required"]));
        let written = keys(&minimal["artifacts"][0]);
        assert_eq!(written, strings(&artifact_schema["required"]));
        let formats: BTreeSet<String> = Format::ALL.iter().map(|f| f.name().to_owned()).collect();
        assert_eq!(
            formats,
            strings(&artifact_schema["properties"]["format"]["enum"])
        );
        for smoke_run in strings(&artifact_schema["properties"]["smoke_run"]["enum"]) {
            let result = SmokeResult::from_name(&smoke_run).unwrap();
            assert_eq!(result.name(), smoke_run);
        }
    }

    #[test]
    fn a_manifest_from_before_several_packages_is_of_the_releases_package() {
        let old = MANIFEST.replace(
            r#", "package": "app",
        "binaries": ["app"]"#,
            "",
        );
        let manifest = Manifest::from_json(&old).unwrap();
        assert_eq!(manifest.artifacts[0].package, "app");
        assert!(manifest.artifacts[0].binaries.is_empty());
    }

    #[test]
    fn round_trips() {
        let manifest = Manifest {
            package: "app".into(),
            version: "1.0.0".into(),
            source_date_epoch: 1,
            git_commit: Some("abc".into()),
            git_dirty: false,
            artifacts: vec![Artifact {
                name: "app-1.0.0-x.tar.gz".into(),
                target: "x".into(),
                format: Format::TarGz,
                size: 3,
                sha256: "00".repeat(32),
                smoke_run: SmokeResult::Ran("native"),
                glibc_floor: Some(Version::new(2, 17)),
                macos_floor: None,
                rustflags: vec!["--remap-path-prefix=<workspace>=.".into()],
                apple_stubs: false,
                image_digest: None,
                package: "app".into(),
                binaries: vec!["app".into()],
            }],
        };
        assert_eq!(Manifest::from_json(&manifest.to_json()).unwrap(), manifest);
    }

    #[test]
    fn missing_fields_are_named() {
        let err = Manifest::from_json("{\"artifacts\": []}").unwrap_err();
        let err = format!("{err:#}");
        assert!(err.contains("missing field `package`"), "{err}");
        let unknown = Manifest::from_json(&MANIFEST.replace("\"size\"", "\"sise\"")).unwrap_err();
        let unknown = format!("{unknown:#}");
        assert!(unknown.contains("unknown field `sise`"), "{unknown}");
    }
}
