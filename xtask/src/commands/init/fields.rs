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

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;
use xshell::{Shell, cmd};

use crate::formats::deb;
use crate::formats::docs::{PRINTED, printed_kind};
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
    /// `[package.metadata.dist.generate]`, with the usual arguments for
    /// each kind of document cargo-deb's or cargo-generate-rpm's assets
    /// name but the package's folder lacks (a man page the program prints).
    Generate {
        package: String,
        /// The binary that prints them.
        bin: String,
        kinds: Vec<&'static str>,
    },
}

/// Why init turns a program's smoke run off.
pub const SMOKE_RUN_SKIPPED: &str = "init found nothing in its source that prints its version \
     (CARGO_PKG_VERSION, clap's `version`); set smoke-run to the arguments that print it";

impl Fill {
    pub fn package(&self) -> &str {
        match self {
            Fill::Maintainer { package, .. }
            | Fill::SmokeRunOff { package }
            | Fill::Generate { package, .. } => package,
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
            Fill::Generate {
                package,
                bin,
                kinds,
            } => write!(
                f,
                "`{package}`'s packaging assets name {} that its folder lacks, which `{bin}` \
                 prints: dist will run `{bin} --generate …` for them \
                 ([package.metadata.dist.generate]); check that those are its arguments",
                kinds.join(", ")
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
/// if it has one and `root` its workspace root (where license files are). Returns the maintainers to fill in from `git`'s identity
/// (`None` where it has none); fails, naming every field missing and what
/// to add, if anything else is.
pub fn check(
    root: &Path,
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
        match &package.license {
            None if needs.linux_packages => missing.push(format!(
                "`{name}` has no `license`, which the .deb's copyright file and the .rpm name: \
                 add license = \"<SPDX expression, like MIT OR Apache-2.0>\" to its [package]"
            )),
            Some(license) if needs.deb => {
                let package_dir = package.manifest_path.parent().unwrap_or(root);
                if let Err(err) = deb::check_license_texts(license, &[root, package_dir]) {
                    missing.push(format!("`{name}`: {err:#}"));
                }
            }
            _ => {}
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
        filled.extend(printed_assets(package));
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

/// The documents cargo-deb's and cargo-generate-rpm's `assets` of
/// `package` name that its folder lacks and one of its binaries would
/// print (ripgrep's `deployment/deb/rg.1`), where it has no `generate`.
fn printed_assets(package: &MetadataPackage) -> Option<Fill> {
    let has_generate = package.table("dist").and_then(|d| d.get("generate"));
    let dir = package.manifest_path.parent()?;
    let bins: Vec<String> = package.targets_of_kind("bin").map(str::to_owned).collect();
    let sources = ["deb", "generate-rpm"]
        .into_iter()
        .filter_map(|tool| package.table(tool)?.get("assets")?.as_array())
        .flatten()
        .filter_map(|asset| asset.get(0).or_else(|| asset.get("source"))?.as_str());
    let mut kinds = Vec::new();
    let mut printer = None;
    for source in sources.filter(|source| !dir.join(source).exists()) {
        let file_name = source.rsplit('/').next().unwrap_or(source);
        if let Some((kind, bin)) = printed_kind(file_name, &bins) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
            printer = Some(bin.to_owned());
        }
    }
    let bin = printer.filter(|_| has_generate.is_none())?;
    // Guess only what the source shows: a `generate` flag and the value
    // for each kind, as a string (ripgrep's "complete-bash") or a clap
    // value enum's variant (`CompleteBash`). A program that prints its
    // documents otherwise (bottom's build script) gets dist's refusal,
    // which shows the TOML to write.
    let sources = source_texts(package);
    let shows = |value: &str| sources.iter().any(|text| shows_value(text, value));
    let has_flag = sources.iter().any(|text| text.contains("generate"));
    kinds.retain(|kind| {
        let usual = PRINTED.iter().find(|(known, ..)| known == kind);
        has_flag && usual.is_some_and(|(.., [_, value])| shows(value))
    });
    if kinds.is_empty() {
        return None;
    }
    kinds.sort_by_key(|kind| PRINTED.iter().position(|(known, ..)| known == kind));
    Some(Fill::Generate {
        package: package.name.clone(),
        bin,
        kinds,
    })
}

/// Whether `package`'s source shows a sign of printing its version: the
/// version cargo gives it (`CARGO_PKG_VERSION`, clap's `crate_version!`),
/// or clap's `version` attribute.
fn prints_its_version(package: &MetadataPackage) -> bool {
    let sources = source_texts(package);
    if sources.is_empty() {
        return true;
    }
    sources.iter().any(|text| {
        text.contains("CARGO_PKG_VERSION")
            || text.contains("crate_version!")
            || text.lines().any(|line| {
                (line.contains("#[command(") || line.contains("#[clap("))
                    && line.contains("version")
            })
    })
}

/// Whether Rust source `text` names the argument `value` (`complete-bash`):
/// as a string, or as the variant a clap value enum derives it from
/// (`CompleteBash`), a word of its own.
fn shows_value(text: &str, value: &str) -> bool {
    let variant: String = value
        .split('-')
        .map(|part| part[..1].to_uppercase() + &part[1..])
        .collect();
    let is_word = |at: usize| {
        let before = text[..at].chars().next_back();
        let after = text[at + variant.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    text.contains(&format!("\"{value}\""))
        || text.match_indices(&variant).any(|(at, _)| is_word(at))
}

/// The text of each `.rs` file in the folders of `package`'s binaries
/// and library.
fn source_texts(package: &MetadataPackage) -> Vec<String> {
    let folders = package
        .targets
        .iter()
        .filter(|target| {
            target
                .kind
                .iter()
                .any(|kind| kind == "bin" || kind == "lib")
        })
        .filter_map(|target| target.src_path.parent());
    let files: Vec<std::path::PathBuf> = folders.flat_map(rust_files).collect();
    files
        .iter()
        .map(|file| std::fs::read_to_string(file).unwrap_or_default())
        .collect()
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
    use crate::util::tempdir::TempDir;
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

    /// A workspace root with the MIT license's text, as the packages'
    /// `license` needs for the .deb.
    fn with_mit_license() -> TempDir {
        let root = TempDir::new().unwrap();
        std::fs::write(root.path().join("LICENSE-MIT"), "MIT License\n").unwrap();
        root
    }

    fn linux() -> Vec<&'static TargetSpec> {
        vec![crate::targets::lookup("x86_64-unknown-linux-gnu").unwrap()]
    }

    #[test]
    fn the_maintainer_comes_from_git_and_the_rest_is_asked_for() {
        let mit = with_mit_license();
        let complete = package(json!({
            "description": "Says hello",
            "license": "MIT",
            "repository": "https://github.com/someone/hello",
        }));
        let filled = check(
            mit.path(),
            &[complete],
            None,
            &linux(),
            Some("A <a@example.com>"),
        )
        .unwrap();
        // It has no source to read, so nothing says it prints no version.
        assert_eq!(
            filled,
            [Fill::Maintainer {
                package: "hello".into(),
                maintainer: "A <a@example.com>".into()
            }]
        );
        let bare = package(json!({}));
        let err = check(mit.path(), &[bare], None, &linux(), None)
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
        let mit = with_mit_license();
        let with_authors = package(json!({
            "description": "Says hello",
            "license": "MIT",
            "authors": ["B <b@example.com>"],
            "manifest_path": concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
            "targets": [{
                "name": "xtask",
                "kind": ["bin"],
                "src_path": concat!(env!("CARGO_MANIFEST_DIR"), "/src/main.rs"),
            }],
        }));
        let dist = json!({ "installers": [] });
        // The xtask's own source prints its version (clap's `version`).
        let filled = check(mit.path(), &[with_authors], Some(&dist), &linux(), None).unwrap();
        assert!(filled.is_empty(), "{filled:?}");
    }

    /// ripgrep's cargo-deb assets name its printed man page and
    /// completions, which its folder lacks; init guesses the arguments
    /// that print them where the source shows them.
    #[test]
    fn printed_documents_the_assets_name_become_generate() {
        let dir = crate::util::tempdir::TempDir::new().unwrap();
        std::fs::write(dir.path().join("FAQ.md"), "").unwrap();
        let rg = package(json!({
            "manifest_path": dir.path().join("Cargo.toml"),
            "targets": [{ "name": "rg", "kind": ["bin"], "src_path": dir.path().join("main.rs") }],
            "metadata": { "deb": { "assets": [
                ["target/release/rg", "usr/bin/", "755"],
                ["FAQ.md", "usr/share/doc/ripgrep/FAQ", "644"],
                ["deployment/deb/_rg", "usr/share/zsh/vendor-completions/", "644"],
                ["deployment/deb/rg.1", "usr/share/man/man1/rg.1", "644"]
            ] } },
        }));
        // Its source has no `--generate` flag yet: nothing is guessed.
        std::fs::write(dir.path().join("main.rs"), "fn main() {}").unwrap();
        assert_eq!(printed_assets(&rg), None);
        // ripgrep's flag, with the man page's value but not zsh's.
        let flag = r#"fn name_long(&self) -> &'static str { "generate" } // "man""#;
        assert!(shows_value(
            "enum Mode { Man, CompleteBash }",
            "complete-bash"
        ));
        assert!(!shows_value("struct Manager;", "man"));
        std::fs::write(dir.path().join("main.rs"), flag).unwrap();
        let man_only = Fill::Generate {
            package: "hello".into(),
            bin: "rg".into(),
            kinds: vec!["man"],
        };
        assert_eq!(printed_assets(&rg), Some(man_only));
        let both = format!("{flag}\nconst ZSH: &str = \"complete-zsh\";");
        std::fs::write(dir.path().join("main.rs"), both).unwrap();
        assert_eq!(
            printed_assets(&rg),
            Some(Fill::Generate {
                package: "hello".into(),
                bin: "rg".into(),
                kinds: vec!["man", "zsh"],
            })
        );
    }

    #[test]
    fn a_macos_package_needs_a_url_or_an_identifier() {
        let mit = with_mit_license();
        let mac = vec![crate::targets::lookup("aarch64-apple-darwin").unwrap()];
        let dist = json!({ "base-url": "https://example.com/v{version}" });
        let err = check(mit.path(), &[package(json!({}))], Some(&dist), &mac, None).unwrap_err();
        assert!(err.to_string().contains("pkg-identifier"), "{err}");
    }

    #[test]
    fn a_license_without_its_text_is_asked_for_before_anything_is_written() {
        let empty = TempDir::new().unwrap();
        let package = package(json!({
            "description": "Says hello",
            "license": "MIT",
            "authors": ["B <b@example.com>"],
            "repository": "https://github.com/someone/hello",
        }));
        let err = check(empty.path(), &[package], None, &linux(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("nothing was written"), "{err}");
        assert!(err.contains("needs the text of the MIT license"), "{err}");
        assert!(
            err.contains("(LICENSE-MIT, LICENSE_MIT, MIT, LICENSE, LICENCE, COPYING)"),
            "{err}"
        );
    }
}
