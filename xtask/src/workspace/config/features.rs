//! Which cargo features a package's release build turns on.
//!
//! The keys are cargo-dist's, in cargo-dist's places, so that a project
//! configured for cargo-dist keeps its settings: `features`,
//! `default-features` and `all-features` in `[workspace.metadata.dist]`
//! (every shipped package) and in `[package.metadata.dist]` (that package,
//! key by key over the workspace's). cargo-deb's `features` and
//! `default-features` in `[package.metadata.deb]` are honoured too, and
//! refused only where they contradict the dist setting: every format holds
//! the one binary the release build makes.

use anyhow::{Result, bail};
use serde::Deserialize;

use super::tables::{self, FeatureKeys, MetadataPackage};
use crate::util::suggest::did_you_mean;

/// The features of one package's release build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    /// Features turned on besides the defaults (`--features`).
    pub features: Vec<String>,
    /// Whether the package's default features are on (else
    /// `--no-default-features`).
    pub default_features: bool,
    /// Whether every feature is on (`--all-features`).
    pub all_features: bool,
}

impl Default for Features {
    fn default() -> Features {
        Features {
            features: Vec::new(),
            default_features: true,
            all_features: false,
        }
    }
}

impl Features {
    /// The arguments that give cargo these features (`build`, `tree`).
    pub fn cargo_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if self.all_features {
            args.push("--all-features".to_owned());
        }
        if !self.default_features {
            args.push("--no-default-features".to_owned());
        }
        if !self.features.is_empty() {
            args.push("--features".to_owned());
            args.push(self.features.join(","));
        }
        args
    }

    /// Whether these are cargo's defaults, so nothing need be said.
    pub fn is_default(&self) -> bool {
        *self == Features::default()
    }

    /// The features of `package`, from `workspace` (`[workspace.metadata.dist]`'s
    /// keys), `own` (its `[package.metadata.dist]`'s, key by key over the
    /// workspace's) and its cargo-deb table, each feature checked against
    /// what the package declares.
    pub fn of_package(
        workspace: FeatureKeys<'_>,
        own: FeatureKeys<'_>,
        package: &MetadataPackage,
    ) -> Result<Features> {
        let name = package.name.as_str();
        let mut features = Features::default();
        features.set(workspace);
        features.set(own);
        let dist_says = [workspace, own].iter().any(FeatureKeys::says_any);
        if let Some(deb) = package.table("deb") {
            let place = format!("[package.metadata.deb] of `{name}`");
            let deb: DebFeatures = tables::read(deb, &place)?;
            if deb.features.is_some() {
                features = reconcile_with_deb(features, dist_says, deb, name)?;
            }
        }
        check_declared(&features.features, package)?;
        Ok(features)
    }

    /// Sets what `keys` say, over what was set before.
    fn set(&mut self, keys: FeatureKeys<'_>) {
        if let Some(list) = keys.features {
            self.features = list.to_vec();
        }
        if let Some(on) = keys.default_features {
            self.default_features = on;
        }
        if let Some(on) = keys.all_features {
            self.all_features = on;
        }
    }
}

impl FeatureKeys<'_> {
    fn says_any(&self) -> bool {
        self.features.is_some() || self.default_features.is_some() || self.all_features.is_some()
    }
}

/// cargo-deb's feature keys in `[package.metadata.deb]`, among its others.
#[derive(Debug, Deserialize)]
struct DebFeatures {
    features: Option<Vec<String>>,
    #[serde(rename = "default-features")]
    default_features: Option<bool>,
}

/// cargo-deb's `features` (and `default-features`, true unless set) for
/// `package`: adopted where dist says nothing, else required to agree.
fn reconcile_with_deb(
    dist: Features,
    dist_says: bool,
    deb: DebFeatures,
    package: &str,
) -> Result<Features> {
    let place = format!("[package.metadata.deb] of `{package}`");
    let from_deb = Features {
        features: deb.features.unwrap_or_default(),
        default_features: deb.default_features.unwrap_or(true),
        all_features: false,
    };
    if !dist_says {
        return Ok(from_deb);
    }
    let sorted = |features: &Features| {
        let mut list = features.features.clone();
        list.sort();
        (list, features.default_features)
    };
    if dist.all_features || sorted(&dist) != sorted(&from_deb) {
        bail!(
            "{place} builds with features {:?} (default features {}), but the dist configuration \
             builds `{package}` with {:?} (default features {}{}). dist makes one binary for \
             every format, so the .deb cannot differ: remove `features` from [package.metadata.deb], \
             or make it the same as the dist setting.",
            from_deb.features,
            on_off(from_deb.default_features),
            dist.features,
            on_off(dist.default_features),
            if dist.all_features {
                ", all features"
            } else {
                ""
            },
        );
    }
    Ok(dist)
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

/// Refuses a feature `package` does not declare, before anything is
/// built: cargo's own error would come only after the other targets'
/// builds. `dep/feature` names a dependency's feature, so only the
/// dependency is checked.
fn check_declared(features: &[String], package: &MetadataPackage) -> Result<()> {
    let name = &package.name;
    let declared: Vec<&str> = package.features.keys().map(String::as_str).collect();
    let dependencies: Vec<&str> = (package.dependencies.iter())
        .map(|dep| dep.rename.as_deref().unwrap_or(&dep.name))
        .collect();
    for feature in features {
        let known = match feature.split_once('/') {
            Some((dependency, _)) => dependencies.contains(&dependency.trim_end_matches('?')),
            None => declared.contains(&feature.as_str()),
        };
        if !known {
            let list = match declared.is_empty() {
                true => "it declares none".to_owned(),
                false => format!("it declares {}", declared.join(", ")),
            };
            bail!(
                "the release build of `{name}` asks for the feature `{feature}`, which `{name}` \
                 does not have ({list}). {}Correct the name in `features`, or add the feature to \
                 [features] in its Cargo.toml.",
                did_you_mean(feature, &declared)
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::config::tables::{DistTable, PackageTable};
    use serde_json::{Value, json};

    fn package(metadata: Value) -> MetadataPackage {
        serde_json::from_value(json!({
            "name": "tool",
            "version": "1.0.0",
            "manifest_path": "/tool/Cargo.toml",
            "features": { "default": ["fast"], "fast": [], "tls": ["dep:openssl"], "openssl": [] },
            "dependencies": [{ "name": "openssl" }, { "name": "regex-lite", "rename": "regex" }],
            "metadata": metadata,
        }))
        .unwrap()
    }

    /// The features of `package` with `workspace` as `[workspace.metadata.dist]`.
    fn of(workspace: Value, package: &MetadataPackage) -> Result<Features> {
        let workspace: DistTable = tables::read(&workspace, "[workspace.metadata.dist]")?;
        let own: PackageTable = match package.table("dist") {
            Some(own) => tables::read(own, "[package.metadata.dist]")?,
            None => PackageTable::default(),
        };
        Features::of_package(workspace.feature_keys(), own.feature_keys(), package)
    }

    #[test]
    fn nothing_set_is_cargo_default() {
        let features = of(json!({}), &package(json!({}))).unwrap();
        assert!(features.is_default());
        assert!(features.cargo_args().is_empty());
    }

    #[test]
    fn package_keys_override_the_workspace_key_by_key() {
        let workspace = json!({ "features": ["fast"], "default-features": false });
        let own = json!({ "dist": { "features": ["tls", "regex/unicode"] } });
        let features = of(workspace, &package(own)).unwrap();
        assert_eq!(
            features.cargo_args(),
            ["--no-default-features", "--features", "tls,regex/unicode"]
        );
        let all = json!({ "dist": { "all-features": true } });
        let features = of(json!({}), &package(all)).unwrap();
        assert_eq!(features.cargo_args(), ["--all-features"]);
    }

    #[test]
    fn cargo_deb_features_are_adopted_or_must_agree() {
        let deb = json!({ "deb": { "features": ["tls"], "default-features": false } });
        let adopted = of(json!({}), &package(deb.clone())).unwrap();
        assert_eq!(adopted.features, ["tls"]);
        assert!(!adopted.default_features);
        let same = json!({ "features": ["tls"], "default-features": false });
        assert_eq!(of(same, &package(deb.clone())).unwrap(), adopted);
        let other = json!({ "features": ["fast"] });
        let err = of(other, &package(deb)).unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.contains("[package.metadata.deb] of `tool`"),
            "{message}"
        );
        assert!(
            message.contains("[\"tls\"]") && message.contains("[\"fast\"]"),
            "{message}"
        );
    }

    #[test]
    fn unknown_features_and_wrong_types_are_refused() {
        let typo = json!({ "features": ["tsl"] });
        let err = of(typo, &package(json!({}))).unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("`tsl`"), "{message}");
        assert!(message.contains("Did you mean `tls`?"), "{message}");
        let dependency = json!({ "features": ["serde/derive"] });
        assert!(of(dependency, &package(json!({}))).is_err());
        let not_a_list = json!({ "features": "tls" });
        let err = format!("{:#}", of(not_a_list, &package(json!({}))).unwrap_err());
        assert!(
            err.contains("`features` must be a list of feature names"),
            "{err}"
        );
        let not_a_bool = json!({ "all-features": "yes" });
        let err = format!("{:#}", of(not_a_bool, &package(json!({}))).unwrap_err());
        assert!(
            err.contains("`all-features` must be true or false"),
            "{err}"
        );
    }
}
