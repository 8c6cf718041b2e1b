//! The release-wide part of the plan: what is made from the targets'
//! artifacts once they are built. Each step asks the module that makes it
//! what it would make of the planned artifacts (`universal::wanted`,
//! `container::wanted`, `installers::wanted`), so the plan and the release
//! cannot disagree.

use anyhow::Result;
use serde::Serialize;

use super::{TargetPlan, Work};
use crate::formats::checksum::SUMS_FILE;
use crate::release::manifest::{self, Artifact, Facts};
use crate::release::signing;
use crate::release::{container, installers, universal};
use crate::vocab::Format;
use crate::workspace::config::Config;

/// One release-wide step, in the order they run.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case", tag = "step")]
pub enum ReleaseStep {
    /// One fat binary of both macOS slices, packed as they are.
    Universal2 {
        package: String,
        from: [String; 2],
        artifacts: Vec<String>,
    },
    /// The multi-platform image of the static Linux tarballs.
    ContainerImage { from: Vec<String>, artifact: String },
    /// Configured, but this run lacks a tarball it needs.
    NoContainerImage { why: String },
    /// One installer of one package, by the name `installers` gives it.
    Installer {
        package: String,
        kind: &'static str,
        artifacts: Vec<String>,
    },
    /// `SHA256SUMS` signed with the minisign key given.
    SignSums { artifact: &'static str },
    /// The sums and the manifest, written last, and everything moved into
    /// the output folder.
    Publish { files: [&'static str; 2] },
}

impl ReleaseStep {
    /// The artifacts it adds to the release (the sums and manifest are
    /// not artifacts).
    pub fn artifacts(&self) -> Vec<String> {
        match self {
            ReleaseStep::Universal2 { artifacts, .. }
            | ReleaseStep::Installer { artifacts, .. } => artifacts.clone(),
            ReleaseStep::ContainerImage { artifact, .. } => vec![artifact.clone()],
            ReleaseStep::NoContainerImage { .. }
            | ReleaseStep::SignSums { .. }
            | ReleaseStep::Publish { .. } => Vec::new(),
        }
    }
}

/// The release-wide steps for the artifacts `targets` plan.
pub fn plan(config: &Config, targets: &[TargetPlan]) -> Result<Vec<ReleaseStep>> {
    from_artifacts(config, planned_artifacts(targets))
}

/// The release-wide steps for the targets' `artifacts`, planned or made:
/// `merge` plans them from the parts' manifests.
pub fn from_artifacts(config: &Config, mut artifacts: Vec<Artifact>) -> Result<Vec<ReleaseStep>> {
    let mut steps = Vec::new();
    if config.universal2 {
        let (made, wanted) = universal_steps(&artifacts);
        steps.extend(made);
        artifacts.extend(wanted);
    }
    match container::wanted(config, &artifacts) {
        Some((name, tarballs)) => {
            let from = tarballs.iter().map(|(_, _, a)| a.name.clone()).collect();
            let image = placeholder(&name, container::TARGET, Format::OciImage, ("", &[]));
            steps.push(ReleaseStep::ContainerImage {
                from,
                artifact: name,
            });
            artifacts.push(image);
        }
        None => steps.extend(container::missing(config, &artifacts).map(|triple| {
            ReleaseStep::NoContainerImage {
                why: format!(
                    "this run has no tarball of {triple}; `cargo xtask merge` makes the image \
                     from the parts of every target"
                ),
            }
        })),
    }
    for (package, kind, names) in installers::wanted(config, &artifacts)? {
        steps.push(ReleaseStep::Installer {
            package,
            kind: kind.installer_name().unwrap_or(kind.name()),
            artifacts: names,
        });
    }
    if signing::key_given() {
        steps.push(ReleaseStep::SignSums {
            artifact: signing::SIGNATURE_FILE,
        });
    }
    steps.push(ReleaseStep::Publish {
        files: [SUMS_FILE, manifest::FILE],
    });
    Ok(steps)
}

/// The universal steps, and the artifacts they add.
fn universal_steps(artifacts: &[Artifact]) -> (Vec<ReleaseStep>, Vec<Artifact>) {
    let mut steps = Vec::new();
    let mut made = Vec::new();
    for wanted in universal::wanted(artifacts) {
        let package = wanted.arm64.package.clone();
        let files = wanted.files();
        for (format, name) in &files {
            made.push(placeholder(
                name,
                universal::TARGET,
                *format,
                (&package, &[]),
            ));
        }
        steps.push(ReleaseStep::Universal2 {
            package,
            from: [wanted.x86_64.name.clone(), wanted.arm64.name.clone()],
            artifacts: files.into_iter().map(|(_, name)| name).collect(),
        });
    }
    (steps, made)
}

/// What the targets will make, as the release-wide steps see artifacts:
/// by name, target, format and package (no bytes yet).
fn planned_artifacts(targets: &[TargetPlan]) -> Vec<Artifact> {
    let mut artifacts = Vec::new();
    for plan in targets {
        let Work::Build { packages, .. } = &plan.work else {
            continue;
        };
        for package in packages {
            for planned in &package.artifacts {
                let binaries: Vec<String> =
                    package.binaries.iter().map(|b| b.name.clone()).collect();
                artifacts.push(placeholder(
                    &planned.name,
                    plan.target,
                    planned.format,
                    (&package.package, &binaries),
                ));
            }
        }
    }
    artifacts
}

fn placeholder(name: &str, target: &str, format: Format, of: (&str, &[String])) -> Artifact {
    Artifact::new(name.to_owned(), target, format, &[], of, Facts::NONE)
}
