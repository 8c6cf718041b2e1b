//! A Scoop manifest for the Windows zip: its URL, SHA-256 and folder for
//! each Windows architecture the release has, and the executable to put on
//! PATH. Reference: <https://github.com/ScoopInstaller/Scoop/wiki/App-Manifests>.

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::Release;

use crate::release::manifest::Artifact;
use crate::targets::{self, TargetSpec, platforms};
use crate::vocab::Format;

/// The zips of the release, with their architecture and target.
fn zips<'a>(release: &Release<'a>) -> Vec<(&'static str, &'a TargetSpec, &'a Artifact)> {
    release
        .artifacts
        .iter()
        .filter(|artifact| artifact.format == Format::Zip)
        .filter_map(|artifact| {
            let spec = targets::lookup(&artifact.target)?;
            Some((platforms::scoop(spec)?, spec, artifact))
        })
        .collect()
}

/// Whether the release has a Windows zip.
pub fn serves(release: &Release<'_>) -> bool {
    !zips(release).is_empty()
}

/// The manifest.
pub fn manifest(release: &Release<'_>) -> String {
    let mut architectures = Map::new();
    let mut exes = Vec::new();
    for (architecture, spec, artifact) in zips(release) {
        exes = release.bins.iter().map(|bin| spec.exe_name(bin)).collect();
        architectures.insert(
            architecture.to_owned(),
            json!({
                "url": release.url(&artifact.name),
                "hash": artifact.sha256,
                "extract_dir": artifact.name.trim_end_matches(".zip"),
            }),
        );
    }
    let mut manifest = Map::new();
    manifest.insert("version".into(), json!(release.version));
    if let Some(description) = release.description {
        manifest.insert(
            "description".into(),
            json!(description.lines().next().unwrap_or_default().trim()),
        );
    }
    if let Some(homepage) = release.homepage {
        manifest.insert("homepage".into(), json!(homepage));
    }
    if let Some(license) = release.license {
        manifest.insert("license".into(), json!(license));
    }
    manifest.insert("architecture".into(), Value::Object(architectures));
    // Scoop takes one binary as a string, several as a list.
    let bin = match exes.as_slice() {
        [exe] => json!(exe),
        _ => json!(exes),
    };
    manifest.insert("bin".into(), bin);
    serde_json::to_string_pretty(&Value::Object(manifest)).expect("JSON values serialize") + "\n"
}

/// `(artifact name, SHA-256)` of every architecture in a manifest.
pub(super) fn referenced(manifest: &str) -> Result<Vec<(String, String)>> {
    let value: Value = serde_json::from_str(manifest).context("is not valid JSON")?;
    let architectures = value["architecture"]
        .as_object()
        .context("has no `architecture` table")?;
    architectures
        .values()
        .map(|entry| {
            let url = entry["url"]
                .as_str()
                .context("an architecture has no url")?;
            let hash = entry["hash"]
                .as_str()
                .context("an architecture has no hash")?;
            let name = url.rsplit('/').next().unwrap_or(url);
            Ok((name.to_owned(), hash.to_owned()))
        })
        .collect()
}
