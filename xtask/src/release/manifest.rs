//! `dist-manifest.json`: what a dist produced, for people and for `verify`
//! (and `merge`) to check against.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

pub use crate::build::smoke::SmokeResult;
use crate::targets::Version;
use crate::vocab::Format;

/// The manifest's file name.
pub const FILE: &str = "dist-manifest.json";

/// One artifact of a dist.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub rustflags: Vec<String>,
    /// For a container image, `sha256:…` of its multi-architecture image
    /// index: the digest a registry shows for the pushed tag.
    pub image_digest: Option<String>,
    /// The shipped package it is of, and the binaries it holds; for what
    /// serves the whole release (the image), the primary package and none.
    pub package: String,
    pub binaries: Vec<String>,
}

impl Artifact {
    /// `bytes`, shipped as `name`, made for `target` in `format` from
    /// `package`'s `binaries`; nothing else is recorded (not smoke-run, no
    /// floors, flags or image digest) until the maker sets it.
    pub fn new(
        name: String,
        target: &str,
        format: Format,
        bytes: &[u8],
        package: &str,
        binaries: &[String],
    ) -> Artifact {
        Artifact {
            name,
            target: target.to_owned(),
            format,
            size: bytes.len() as u64,
            sha256: crate::util::digest::sha256_hex(bytes),
            smoke_run: SmokeResult::NotRun,
            glibc_floor: None,
            macos_floor: None,
            rustflags: Vec::new(),
            image_digest: None,
            package: package.to_owned(),
            binaries: binaries.to_vec(),
        }
    }
}

impl Artifact {
    /// One entry of a manifest's `artifacts`, of the release of `package`.
    fn from_json(item: &Value, package: &str) -> Result<Artifact> {
        let format = string(item, "format")?;
        let smoke_run = string(item, "smoke_run")?;
        Ok(Artifact {
            name: string(item, "name")?,
            target: string(item, "target")?,
            format: Format::from_name(&format)
                .with_context(|| format!("unknown format {format}"))?,
            size: number(item, "size")?,
            sha256: string(item, "sha256")?,
            smoke_run: SmokeResult::from_name(&smoke_run)
                .with_context(|| format!("unknown smoke run `{smoke_run}`"))?,
            glibc_floor: version(item, "glibc_floor")?,
            macos_floor: version(item, "macos_floor")?,
            rustflags: optional_strings(item, "rustflags")?,
            image_digest: item["image_digest"].as_str().map(str::to_owned),
            // Manifests from before several packages could ship have
            // neither: their one package is the release's.
            package: match &item["package"] {
                Value::Null => package.to_owned(),
                _ => string(item, "package")?,
            },
            binaries: optional_strings(item, "binaries")?,
        })
    }
}

fn string(value: &Value, key: &str) -> Result<String> {
    value[key]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("`{key}` is missing or not a string"))
}

fn number(value: &Value, key: &str) -> Result<u64> {
    value[key]
        .as_u64()
        .with_context(|| format!("`{key}` is missing or not a number"))
}

fn version(value: &Value, key: &str) -> Result<Option<Version>> {
    match &value[key] {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.parse().with_context(|| format!("`{key}`"))?)),
        _ => bail!("`{key}` is not a version string"),
    }
}

/// A list of strings, empty where the key is absent.
fn optional_strings(value: &Value, key: &str) -> Result<Vec<String>> {
    match &value[key] {
        Value::Null => Ok(Vec::new()),
        listed => listed
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .with_context(|| format!("`{key}` is not a list of strings")),
    }
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub package: String,
    pub version: String,
    pub source_date_epoch: u64,
    /// The git commit built, if the workspace is a git checkout.
    pub git_commit: Option<String>,
    /// Whether the work tree had uncommitted changes to tracked files.
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

    pub fn to_json(&self) -> String {
        let artifacts: Vec<Value> = self
            .artifacts
            .iter()
            .map(|artifact| {
                let mut entry = json!({
                    "name": artifact.name,
                    "target": artifact.target,
                    "format": artifact.format.name(),
                    "size": artifact.size,
                    "sha256": artifact.sha256,
                    "smoke_run": artifact.smoke_run.name(),
                    "glibc_floor": artifact.glibc_floor.map(|floor| floor.to_string()),
                    "macos_floor": artifact.macos_floor.map(|floor| floor.to_string()),
                    "rustflags": artifact.rustflags,
                    "package": artifact.package,
                    "binaries": artifact.binaries,
                });
                // Only images have one; other entries stay as they were.
                if let Some(digest) = &artifact.image_digest {
                    entry["image_digest"] = json!(digest);
                }
                entry
            })
            .collect();
        let value = json!({
            "package": self.package,
            "version": self.version,
            "source_date_epoch": self.source_date_epoch,
            "git_commit": self.git_commit,
            "git_dirty": self.git_dirty,
            "artifacts": artifacts,
        });
        serde_json::to_string_pretty(&value).expect("JSON values serialize") + "\n"
    }

    pub fn from_json(text: &str) -> Result<Manifest> {
        let value: Value = serde_json::from_str(text).context("not valid JSON")?;
        let package = string(&value, "package")?;
        let artifacts = value["artifacts"]
            .as_array()
            .context("`artifacts` is missing")?
            .iter()
            .map(|item| Artifact::from_json(item, &package))
            .collect::<Result<Vec<_>>>()?;
        if artifacts
            .windows(2)
            .any(|pair| pair[0].name >= pair[1].name)
        {
            bail!("`artifacts` is not sorted by name, or lists a name twice");
        }
        Ok(Manifest {
            package,
            version: string(&value, "version")?,
            source_date_epoch: number(&value, "source_date_epoch")?,
            git_commit: value["git_commit"].as_str().map(str::to_owned),
            git_dirty: value["git_dirty"].as_bool().unwrap_or(false),
            artifacts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                image_digest: None,
                package: "app".into(),
                binaries: vec!["app".into()],
            }],
        };
        assert_eq!(Manifest::from_json(&manifest.to_json()).unwrap(), manifest);
    }

    #[test]
    fn missing_fields_are_named() {
        let err = Manifest::from_json("{\"artifacts\": []}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`package`"), "{err}");
    }
}
