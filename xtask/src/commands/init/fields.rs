//! What the release's formats need of each shipped package's manifest,
//! checked before init writes anything: a .deb and an .rpm say what the
//! program is (`description`) and under which license (`license`), a .deb
//! who maintains it; a macOS .pkg is filed under a name made from the
//! package's `repository` or `homepage`, and the installers download from
//! its GitHub repository unless `base-url` says where.
//!
//! Cargo has not written `authors` since 2021, so the maintainer is filled
//! in: from git's `user.name` and `user.email`, into `[package.metadata.deb]
//! maintainer`, leaving the package's own fields as they are. And a program
//! as `cargo new` makes it prints no version, which dist's smoke run looks
//! for: where its source shows no sign of printing one, the smoke run is
//! turned off with that reason, which dist prints. For anything else
//! missing, init stops and says what to add.

use anyhow::{Result, bail};
use serde_json::Value;
use xshell::{Shell, cmd};

use crate::targets::{TargetSpec, platforms};
use crate::vocab::Format;
use crate::workspace::config::tables::MetadataPackage;

/// What init writes into a package's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fill {
    /// `[package.metadata.deb] maintainer`: `Name <email>`.
    Maintainer { package: String, maintainer: String },
    /// `[package.metadata.dist] smoke-run = { skip = SMOKE_RUN_SKIPPED }`.
    SmokeRunOff { package: String },
}

/// Why init turns a program's smoke run off.
pub const SMOKE_RUN_SKIPPED: &str = "init found nothing in its source that prints its version \
     (CARGO_PKG_VERSION, clap's `version`); set smoke-run to the arguments that print it";

impl Fill {
    pub fn package(&self) -> &str {
        match self {
            Fill::Maintainer { package, .. } | Fill::SmokeRunOff { package } => package,
        }
    }
}

impl std::fmt::Display for Fill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fill::Maintainer {
                package,
                maintainer,
            } => write!(
                f,
                "`{package}` has no authors: its .deb maintainer is git's user, {maintainer} \
                 ([package.metadata.deb] maintainer)"
            ),
            Fill::SmokeRunOff { package } => write!(
                f,
                "`{package}` shows no sign of printing its version, so dist will not smoke-run \
                 it ([package.metadata.dist] smoke-run): give the arguments that print it there \
                 once it does"
            ),
        }
    }
}

/// What the default formats of `targets` need of a package's manifest.
struct Needs {
    /// A .deb or .rpm is made: description and license.
    linux_packages: bool,
    /// A .deb is made: a maintainer.
    deb: bool,
    /// A .pkg is made: an identifier, from a URL.
    pkg: bool,
    /// An installer is made: where to download from.
    installers: bool,
}

impl Needs {
    fn of(targets: &[&TargetSpec]) -> Needs {
        let makes = |format| {
            targets
                .iter()
                .any(|t| t.default_formats().contains(&format))
        };
        let installs = Format::INSTALLERS.iter().any(|&installer| {
            targets
                .iter()
                .any(|t| platforms::serves(installer, t, t.default_formats()))
        });
        Needs {
            linux_packages: makes(Format::Deb) || makes(Format::Rpm),
            deb: makes(Format::Deb),
            pkg: makes(Format::Pkg),
            installers: installs,
        }
    }
}

/// Checks that `packages` (the ones to ship) have what the formats of
/// `targets` need, with `dist` the project's `[workspace.metadata.dist]`
/// if it has one. Returns the maintainers to fill in from `git`'s identity
/// (`None` where it has none); fails, naming every field missing and what
/// to add, if anything else is.
pub fn check(
    packages: &[MetadataPackage],
    dist: Option<&Value>,
    targets: &[&TargetSpec],
    git_identity: Option<&str>,
) -> Result<Vec<Fill>> {
    let needs = Needs::of(targets);
    let mut missing = Vec::new();
    let mut filled = Vec::new();
    for package in packages {
        let name = &package.name;
        if needs.linux_packages && package.description.is_none() {
            missing.push(format!(
                "`{name}` has no `description`, which the .deb and .rpm show: add \
                 description = \"<one line>\" to its [package]"
            ));
        }
        if needs.linux_packages && package.license.is_none() {
            missing.push(format!(
                "`{name}` has no `license`, which the .deb's copyright file and the .rpm name: \
                 add license = \"<SPDX expression, like MIT OR Apache-2.0>\" to its [package]"
            ));
        }
        let deb_maintainer = package.table("deb").and_then(|deb| deb.get("maintainer"));
        if needs.deb && package.authors.is_empty() && deb_maintainer.is_none() {
            match git_identity {
                Some(identity) => filled.push(Fill::Maintainer {
                    package: name.clone(),
                    maintainer: identity.to_owned(),
                }),
                None => missing.push(format!(
                    "`{name}` has no `authors`, and git knows no user.name and user.email, so \
                     the .deb has no maintainer: add [package.metadata.deb] maintainer = \
                     \"Name <email>\" to its Cargo.toml"
                )),
            }
        }
        let smoke_run = package.table("dist").and_then(|d| d.get("smoke-run"));
        if smoke_run.is_none() && !prints_its_version(package) {
            filled.push(Fill::SmokeRunOff {
                package: name.clone(),
            });
        }
        let url = package.repository.is_some() || package.homepage.is_some();
        let identifier = package.table("dist").and_then(|d| d.get("pkg-identifier"));
        if needs.pkg && !url && identifier.is_none() {
            missing.push(format!(
                "`{name}` has no `repository` or `homepage` to name its macOS .pkg after: add \
                 repository = \"https://…\" to its [package], or [package.metadata.dist] \
                 pkg-identifier = \"io.github.<owner>.{name}\""
            ));
        }
    }
    if let Some(problem) = installers_without_a_source(packages, dist, &needs) {
        missing.push(problem);
    }
    if !missing.is_empty() {
        bail!(
            "the configured formats need fields the project's Cargo.toml lacks, so a release \
             could not be made; nothing was written. {}. Then run init again.",
            missing.join("; ")
        );
    }
    Ok(filled)
}

/// Why the installers would not know where to download from, if they
/// would not: the primary package's repository is not on GitHub, and the
/// project sets no `base-url` and does not turn the installers off.
fn installers_without_a_source(
    packages: &[MetadataPackage],
    dist: Option<&Value>,
    needs: &Needs,
) -> Option<String> {
    let set = |key: &str| dist.and_then(|dist| dist.get(key));
    let none_wanted = set("installers").is_some_and(|list| list == &Value::Array(Vec::new()));
    let on_github = packages
        .first()?
        .repository
        .as_deref()
        .is_some_and(|url| url.starts_with("https://github.com/"));
    if !needs.installers || none_wanted || set("base-url").is_some() || on_github {
        return None;
    }
    Some(
        "the installers (install.sh, the Homebrew formula, …) download the release's files, \
         and nothing says from where: give the package a GitHub `repository`, or set \
         base-url = \"https://…/v{version}\" in [workspace.metadata.dist] (or installers = \
         [] to make none)"
            .to_owned(),
    )
}

/// Whether `package`'s source shows a sign of printing its version: the
/// version cargo gives it (`CARGO_PKG_VERSION`, clap's `crate_version!`),
/// or clap's `version` attribute.
fn prints_its_version(package: &MetadataPackage) -> bool {
    let Some(dir) = package.manifest_path.parent() else {
        return true;
    };
    let sources = rust_files(&dir.join("src"));
    sources.iter().any(|file| {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        text.contains("CARGO_PKG_VERSION")
            || text.contains("crate_version!")
            || text.lines().any(|line| {
                (line.contains("#[command(") || line.contains("#[clap("))
                    && line.contains("version")
            })
    })
}

/// The `.rs` files under `dir`.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// `Name <email>`, from git's configuration where the project is, if git
/// knows both.
pub fn git_identity(sh: &Shell) -> Option<String> {
    let read = |key: &str| {
        cmd!(sh, "git config {key}")
            .quiet()
            .ignore_stderr()
            .read()
            .ok()
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    Some(format!("{} <{}>", read("user.name")?, read("user.email")?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn package(fields: Value) -> MetadataPackage {
        let mut package = json!({
            "name": "hello",
            "version": "0.1.0",
            "manifest_path": "/p/Cargo.toml",
        });
        for (key, value) in fields.as_object().unwrap() {
            package[key] = value.clone();
        }
        serde_json::from_value(package).unwrap()
    }

    fn linux() -> Vec<&'static TargetSpec> {
        vec![crate::targets::lookup("x86_64-unknown-linux-gnu").unwrap()]
    }

    #[test]
    fn the_maintainer_comes_from_git_and_the_rest_is_asked_for() {
        let complete = package(json!({
            "description": "Says hello",
            "license": "MIT",
            "repository": "https://github.com/someone/hello",
        }));
        let filled = check(&[complete], None, &linux(), Some("A <a@example.com>")).unwrap();
        assert_eq!(
            filled,
            [
                Fill::Maintainer {
                    package: "hello".into(),
                    maintainer: "A <a@example.com>".into()
                },
                // /p/src does not exist: no sign of a version.
                Fill::SmokeRunOff {
                    package: "hello".into()
                }
            ]
        );
        let bare = package(json!({}));
        let err = check(&[bare], None, &linux(), None)
            .unwrap_err()
            .to_string();
        for needle in [
            "nothing was written",
            "has no `description`",
            "has no `license`",
            "[package.metadata.deb] maintainer",
            "base-url",
        ] {
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn what_the_project_says_already_is_enough() {
        let with_authors = package(json!({
            "description": "Says hello",
            "license": "MIT",
            "authors": ["B <b@example.com>"],
            "manifest_path": concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        }));
        let dist = json!({ "installers": [] });
        // The xtask's own source prints its version (clap's `version`).
        let filled = check(&[with_authors], Some(&dist), &linux(), None).unwrap();
        assert!(filled.is_empty(), "{filled:?}");
    }

    #[test]
    fn a_macos_package_needs_a_url_or_an_identifier() {
        let mac = vec![crate::targets::lookup("aarch64-apple-darwin").unwrap()];
        let dist = json!({ "base-url": "https://example.com/v{version}" });
        let err = check(&[package(json!({}))], Some(&dist), &mac, None).unwrap_err();
        assert!(err.to_string().contains("pkg-identifier"), "{err}");
    }
}
