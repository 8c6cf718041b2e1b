//! `dependencies`: the Debian packages a program's build needs, in
//! cargo-dist's shape (`[workspace.metadata.dist.dependencies.apt]`, each
//! package with a version, or a table of `version`, `stage` and
//! `targets`).
//!
//! cargo-dist installs them on each Linux runner, which builds for its own
//! architecture. Here one machine builds every Linux target, so a package
//! is installed for the architecture that uses it: a library's development
//! package (Debian names them `-dev`, and makes them `Multi-Arch: same`) for
//! the target's, through Debian's multiarch (`libudev-dev:arm64`); a tool
//! (`cmake`, `pkg-config`) for the build machine's. A glibc target that
//! links such a library needs the glibc Debian built it against, so its
//! floor is raised to that ([`crate::machine::debian_glibc`]). A musl
//! target cannot link it at all: a library package given to every Linux
//! target is for the glibc ones, and one named for a musl target is
//! refused by the plan.
//!
//! cargo-dist's Homebrew and Chocolatey packages are for the Mac and
//! Windows runners it builds on; here they are set aside, with the reason.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Deserialize;
use serde_json::Value;

use super::IgnoredKey;
use crate::machine;
use crate::targets::{Os, TargetSpec, Version};
use crate::util::suggest::did_you_mean;

/// `[workspace.metadata.dist.dependencies]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependenciesTable {
    #[serde(default)]
    pub apt: BTreeMap<String, SystemDependency>,
    /// cargo-dist's, set aside with a reason whatever their shape (so any
    /// JSON value).
    pub homebrew: Option<Value>,
    pub chocolatey: Option<Value>,
}

/// One package: its version (`"*"` for any), or a table.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SystemDependency {
    Version(String),
    Detailed(DetailedDependency),
}

/// `{ version = "…", stage = ["build", "run"], targets = […] }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailedDependency {
    pub version: Option<String>,
    /// When it is needed: to build (the default), to run, or both.
    #[serde(default)]
    pub stage: Vec<Stage>,
    /// The targets it is for; every Linux target where empty.
    #[serde(default)]
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Build,
    Run,
}

/// A Debian package one target's build needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptPackage {
    pub name: String,
    /// The exact Debian version asked for; `None` for any.
    pub version: Option<String>,
}

impl AptPackage {
    /// Whether it is a library's development package, installed for the
    /// target's architecture and linked into its binaries.
    pub fn is_library(&self) -> bool {
        self.name.ends_with("-dev")
    }

    /// How apt names it for a build for `debian_arch`: a library for that
    /// architecture, a tool for the machine's own.
    pub fn apt_spec(&self, debian_arch: &str) -> String {
        let name = match self.is_library() {
            true => format!("{}:{debian_arch}", self.name),
            false => self.name.clone(),
        };
        match &self.version {
            Some(version) => format!("{name}={version}"),
            None => name,
        }
    }
}

/// The packages `dependencies.apt` installs for building for `spec`.
pub fn apt_for(table: Option<&DependenciesTable>, spec: &TargetSpec) -> Vec<AptPackage> {
    let Some(table) = table else {
        return Vec::new();
    };
    if spec.os != Os::Linux {
        return Vec::new();
    }
    let mut packages = Vec::new();
    for (name, dependency) in &table.apt {
        let (version, for_build, targets) = match dependency {
            SystemDependency::Version(version) => (version.as_str(), true, &[][..]),
            SystemDependency::Detailed(detailed) => (
                detailed.version.as_deref().unwrap_or("*"),
                detailed.stage.is_empty() || detailed.stage.contains(&Stage::Build),
                detailed.targets.as_slice(),
            ),
        };
        if !for_build || !(targets.is_empty() || targets.iter().any(|t| t == spec.triple)) {
            continue;
        }
        let package = AptPackage {
            name: name.clone(),
            version: (version != "*").then(|| version.to_owned()),
        };
        // A musl binary links no shared library: a library given to every
        // Linux target is for the glibc ones. Named for a musl target, it
        // stays, and the plan refuses the target.
        if spec.min_glibc.is_none() && package.is_library() && targets.is_empty() {
            continue;
        }
        packages.push(package);
    }
    packages
}

/// The glibc floor of a target whose build needs `apt`: `floor`, raised
/// to the glibc of this machine's Debian where one of them is a library,
/// since Debian built it against that glibc. Where Debian cannot say (no
/// dpkg), the floor stays: such a machine cannot install the packages,
/// which provisioning says.
pub fn floor_with_libraries(floor: Option<Version>, apt: &[AptPackage]) -> Option<Version> {
    let floor = floor?;
    if !apt.iter().any(AptPackage::is_library) {
        return Some(floor);
    }
    match machine::debian_glibc() {
        Some(debian) if debian > floor => Some(debian),
        _ => Some(floor),
    }
}

/// Refuses a package for a target that is not configured, which would be
/// ignored.
pub fn check_targets(table: Option<&DependenciesTable>, triples: &[&str]) -> Result<()> {
    let Some(table) = table else {
        return Ok(());
    };
    for (name, dependency) in &table.apt {
        let SystemDependency::Detailed(detailed) = dependency else {
            continue;
        };
        if let Some(triple) = detailed
            .targets
            .iter()
            .find(|t| !triples.contains(&t.as_str()))
        {
            bail!(
                "[workspace.metadata.dist.dependencies.apt] `{name}` is for `{triple}`, which is \
                 not in `targets`, so it would never be installed. {}Fix the name or remove it.",
                did_you_mean(triple, triples)
            );
        }
    }
    Ok(())
}

/// cargo-dist's package managers that mean nothing here, each with why.
pub fn set_aside(table: Option<&DependenciesTable>, place: &str) -> Vec<IgnoredKey> {
    let Some(table) = table else {
        return Vec::new();
    };
    let mut ignored = Vec::new();
    if table.homebrew.is_some() {
        ignored.push(IgnoredKey {
            table: place.to_owned(),
            key: "dependencies.homebrew",
            why: "macOS targets link here against the record of Apple's libraries or \
                  SDKROOT, and no Homebrew package is linked into a release",
        });
    }
    if table.chocolatey.is_some() {
        ignored.push(IgnoredKey {
            table: place.to_owned(),
            key: "dependencies.chocolatey",
            why: "Windows targets are built here with MinGW, which Chocolatey packages do not \
                  serve",
        });
    }
    ignored
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets;

    fn table(value: serde_json::Value) -> DependenciesTable {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn libraries_are_for_the_targets_architecture_and_tools_for_the_machines() {
        let table = table(serde_json::json!({
            "apt": {
                "libudev-dev": "*",
                "cmake": "3.25.1-1",
                "gcc-aarch64-linux-gnu": { "targets": ["aarch64-unknown-linux-gnu"] },
                "libcue2": { "stage": ["run"] },
            },
            "homebrew": { "cmake": "*" },
        }));
        let spec = |triple| targets::lookup(triple).unwrap();
        let arm = apt_for(Some(&table), spec("aarch64-unknown-linux-gnu"));
        let specs: Vec<String> = arm.iter().map(|p| p.apt_spec("arm64")).collect();
        assert_eq!(
            specs,
            [
                "cmake=3.25.1-1",
                "gcc-aarch64-linux-gnu",
                "libudev-dev:arm64"
            ]
        );
        let x86 = apt_for(Some(&table), spec("x86_64-unknown-linux-gnu"));
        assert_eq!(x86.len(), 2);
        let musl = apt_for(Some(&table), spec("x86_64-unknown-linux-musl"));
        assert_eq!(
            musl,
            [AptPackage {
                name: "cmake".into(),
                version: Some("3.25.1-1".into())
            }]
        );
        assert!(apt_for(Some(&table), spec("x86_64-pc-windows-gnu")).is_empty());
        let ignored = set_aside(Some(&table), "[workspace.metadata.dist]");
        assert_eq!(ignored[0].key, "dependencies.homebrew");
    }

    #[test]
    fn a_package_for_a_target_not_configured_is_refused() {
        let table = table(serde_json::json!({
            "apt": { "libudev-dev": { "targets": ["aarch64-unknown-linux-gn"] } },
        }));
        let err = check_targets(Some(&table), &["aarch64-unknown-linux-gnu"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`libudev-dev` is for `aarch64-unknown-linux-gn`"),
            "{err}"
        );
        assert!(
            err.contains("Did you mean `aarch64-unknown-linux-gnu`?"),
            "{err}"
        );
    }
}
