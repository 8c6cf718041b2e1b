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

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::util::suggest::did_you_mean;

/// The feature keys, as cargo-dist names them.
pub const KEYS: [&str; 3] = ["features", "default-features", "all-features"];

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

    /// The features of `package` (`cargo metadata`'s entry of a shipped
    /// package), from `workspace` (`[workspace.metadata.dist]`), the
    /// package's own `[package.metadata.dist]` and its cargo-deb table,
    /// each feature checked against what the package declares.
    pub fn of_package(workspace: &Value, package: &Value) -> Result<Features> {
        let name = package["name"].as_str().unwrap_or_default();
        let own = package.pointer("/metadata/dist");
        let mut features = Features::default();
        for (table, place) in [
            (Some(workspace), "[workspace.metadata.dist]".to_owned()),
            (own, format!("[package.metadata.dist] of `{name}`")),
        ] {
            if let Some(table) = table.and_then(Value::as_object) {
                features.set_from(table, &place)?;
            }
        }
        let dist_says = [Some(workspace), own]
            .into_iter()
            .flatten()
            .any(|table| KEYS.iter().any(|key| table.get(key).is_some()));
        let deb = package.pointer("/metadata/deb").and_then(Value::as_object);
        if let Some(deb) = deb.filter(|deb| deb.contains_key("features")) {
            features = reconcile_with_deb(features, dist_says, deb, name)?;
        }
        check_declared(&features.features, package, name)?;
        Ok(features)
    }

    /// Sets what `table` says, over what was set before.
    fn set_from(&mut self, table: &Map<String, Value>, place: &str) -> Result<()> {
        if let Some(list) = table.get("features") {
            self.features = feature_list(list).with_context(|| {
                format!("{place} `features` must be a list of feature names, like [\"tls\"].")
            })?;
        }
        for (key, flag) in [
            ("default-features", &mut self.default_features),
            ("all-features", &mut self.all_features),
        ] {
            match table.get(key) {
                None => {}
                Some(Value::Bool(value)) => *flag = *value,
                Some(other) => bail!("{place} `{key}` is {other}, not true or false."),
            }
        }
        Ok(())
    }
}

fn feature_list(list: &Value) -> Option<Vec<String>> {
    list.as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// cargo-deb's `features` (and `default-features`, true unless set) for
/// `package`: adopted where dist says nothing, else required to agree.
fn reconcile_with_deb(
    dist: Features,
    dist_says: bool,
    deb: &Map<String, Value>,
    package: &str,
) -> Result<Features> {
    let place = format!("[package.metadata.deb] of `{package}`");
    let mut from_deb = Features::default();
    from_deb.set_from(deb, &place)?;
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
fn check_declared(features: &[String], package: &Value, name: &str) -> Result<()> {
    let declared: Vec<&str> = package["features"]
        .as_object()
        .map(|table| table.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let dependencies: Vec<&str> = package["dependencies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|dep| dep["rename"].as_str().or(dep["name"].as_str()))
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
    use serde_json::json;

    fn package(metadata: Value) -> Value {
        json!({
            "name": "tool",
            "features": { "default": ["fast"], "fast": [], "tls": ["dep:openssl"], "openssl": [] },
            "dependencies": [{ "name": "openssl" }, { "name": "regex-lite", "rename": "regex" }],
            "metadata": metadata,
        })
    }

    #[test]
    fn nothing_set_is_cargo_default() {
        let features = Features::of_package(&json!({}), &package(json!({}))).unwrap();
        assert!(features.is_default());
        assert!(features.cargo_args().is_empty());
    }

    #[test]
    fn package_keys_override_the_workspace_key_by_key() {
        let workspace = json!({ "features": ["fast"], "default-features": false });
        let own = json!({ "dist": { "features": ["tls", "regex/unicode"] } });
        let features = Features::of_package(&workspace, &package(own)).unwrap();
        assert_eq!(
            features.cargo_args(),
            ["--no-default-features", "--features", "tls,regex/unicode"]
        );
        let all = json!({ "dist": { "all-features": true } });
        let features = Features::of_package(&json!({}), &package(all)).unwrap();
        assert_eq!(features.cargo_args(), ["--all-features"]);
    }

    #[test]
    fn cargo_deb_features_are_adopted_or_must_agree() {
        let deb = json!({ "deb": { "features": ["tls"], "default-features": false } });
        let adopted = Features::of_package(&json!({}), &package(deb.clone())).unwrap();
        assert_eq!(adopted.features, ["tls"]);
        assert!(!adopted.default_features);
        let same = json!({ "features": ["tls"], "default-features": false });
        assert_eq!(
            Features::of_package(&same, &package(deb.clone())).unwrap(),
            adopted
        );
        let other = json!({ "features": ["fast"] });
        let err = Features::of_package(&other, &package(deb)).unwrap_err();
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
        let err = Features::of_package(&typo, &package(json!({}))).unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("`tsl`"), "{message}");
        assert!(message.contains("Did you mean `tls`?"), "{message}");
        let dependency = json!({ "features": ["serde/derive"] });
        assert!(Features::of_package(&dependency, &package(json!({}))).is_err());
        let not_a_list = json!({ "features": "tls" });
        assert!(Features::of_package(&not_a_list, &package(json!({}))).is_err());
        let not_a_bool = json!({ "all-features": "yes" });
        assert!(Features::of_package(&not_a_bool, &package(json!({}))).is_err());
    }
}
