//! cargo-deb's `assets` in `[package.metadata.deb]`: which files the
//! package installs, where, and with which mode, in cargo-deb's notation,
//! so that a configuration brought from cargo-deb means the same here.
//!
//! ```toml
//! assets = [
//!     ["target/release/app", "usr/bin/", "755"],
//!     ["README.md", "usr/share/doc/app/README", "644"],
//! ]
//! ```
//!
//! Each entry is `[source, destination, mode]` (or a table with those
//! keys). A source under `target/` names the built binary, whatever the
//! profile or target (dist builds it); any other source is a file relative
//! to the package's folder. A destination ending in `/` is a folder, and
//! the source's file name is added. The mode is octal. With `assets`, the
//! package installs what it lists (which must include the binary) plus
//! what dist always adds: the copyright file, changelog, man pages and
//! completions. Globs, which cargo-deb also takes, are not expanded here.
//! An entry whose source is one of the man pages or completions dist has
//! the program print (`generate` in `[package.metadata.dist]`), as
//! ripgrep's `deployment/deb/rg.1`, is that file: dist installs it where
//! Debian's man and shells look, as it installs every man page.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::table::AssetEntry;
use crate::formats::docs::{PRINTED, printed_kind};

/// One file the package installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: Source,
    /// The installed path, without the leading `/` (`usr/bin/app`).
    pub dest: String,
    pub mode: u32,
}

/// Where an asset's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One of the binaries dist builds for the target, by name.
    Binary(String),
    /// A file of the package, read when the configuration is checked.
    File(Vec<u8>),
}

/// Reads `assets` for the package in `package_dir` whose binaries are
/// `bins`; each must be listed. `generated` names the man pages and
/// completions dist makes from the binaries.
pub fn parse(
    entries: &[AssetEntry],
    package_dir: &Path,
    bins: &[String],
    generated: &[String],
) -> Result<Vec<Asset>> {
    let mut parsed: Vec<Asset> = Vec::new();
    for entry in entries {
        let Some(asset) = parse_one(entry, package_dir, bins, generated)? else {
            continue;
        };
        if parsed.iter().any(|known| known.dest == asset.dest) {
            bail!(
                "[package.metadata.deb] `assets` installs two files as /{}. Give each its own \
                 destination.",
                asset.dest
            );
        }
        parsed.push(asset);
    }
    for bin in bins {
        if !parsed
            .iter()
            .any(|asset| asset.source == Source::Binary(bin.clone()))
        {
            bail!(
                "[package.metadata.deb] `assets` does not list the binary {bin}, so the .deb \
                 would not install it. Add [\"target/release/{bin}\", \"usr/bin/\", \"755\"] \
                 to it."
            );
        }
    }
    Ok(parsed)
}

fn parse_one(
    entry: &AssetEntry,
    package_dir: &Path,
    bins: &[String],
    generated: &[String],
) -> Result<Option<Asset>> {
    let bin = bins.first().map_or("app", String::as_str);
    let AssetEntry { source, dest, mode } = entry;
    let (source, dest) = (source.as_str(), dest.as_str());
    let mode = u32::from_str_radix(mode, 8)
        .ok()
        .filter(|mode| *mode <= 0o7777)
        .with_context(|| {
            format!(
                "[package.metadata.deb] `assets` gives {source} the mode {mode:?}, which is not \
                 an octal file mode like \"644\" or \"755\"."
            )
        })?;
    let file_name = Path::new(source)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = if source.starts_with("target/") {
        if !bins.contains(&file_name) {
            bail!(
                "[package.metadata.deb] `assets` lists {source}, a build output other than the \
                 binaries ({}); dist builds only those. List a file from the package's folder \
                 instead.",
                bins.join(", ")
            );
        }
        Source::Binary(file_name.clone())
    } else {
        let path = package_dir.join(source);
        if !path.exists() && generated.contains(&file_name) {
            return Ok(None);
        }
        if !path.exists() {
            refuse_if_printed(source, &file_name, bins)?;
        }
        let data = std::fs::read(&path).with_context(|| {
            format!(
                "[package.metadata.deb] `assets` lists {source}, which cannot be read at {}. \
                 Sources are relative to the package's folder (globs are not expanded).",
                path.display()
            )
        })?;
        Source::File(data)
    };
    let mut dest = dest.trim_start_matches('/').to_owned();
    if dest.is_empty() || dest.split('/').any(|part| part == "..") {
        bail!(
            "[package.metadata.deb] `assets` installs {file_name} at {dest:?}, which is not a \
             path inside the system. Use a path like \"usr/share/doc/{bin}/\"."
        );
    }
    if dest.ends_with('/') {
        dest.push_str(&file_name);
    }
    Ok(Some(Asset { source, dest, mode }))
}

/// Refuses the missing asset `source` (called `file_name`) if it is a
/// document one of `bins` can print, with the TOML that has dist print it.
fn refuse_if_printed(source: &str, file_name: &str, bins: &[String]) -> Result<()> {
    let Some((kind, printer)) = printed_kind(file_name, bins) else {
        return Ok(());
    };
    let [flag, argument] = PRINTED
        .iter()
        .find(|(known, ..)| *known == kind)
        .map(|(.., usual)| *usual)
        .unwrap_or_default();
    bail!(
        "[package.metadata.deb] `assets` lists {source}, which is not in the package's folder \
         but is the {kind} file {printer} can print, so tell dist how by adding to its \
         Cargo.toml\n\n[package.metadata.dist.generate]\n{kind} = [\"{flag}\", \"{argument}\"]\n\n\
         (with the arguments that make `{printer}` print it; `cargo xtask init` writes this \
         where it finds such assets)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::deb::DebTable;
    use serde_json::{Value, json};

    /// `assets` read as `[package.metadata.deb]` holds it, then parsed.
    fn parse_json(
        assets: &Value,
        dir: &Path,
        bins: &[String],
        generated: &[String],
    ) -> Result<Vec<Asset>> {
        let table = json!({ "assets": assets });
        let deb = DebTable::read(table.as_object().unwrap())?;
        parse(&deb.assets.unwrap_or_default(), dir, bins, generated)
    }

    /// ripgrep's assets name man pages and completions that its CI
    /// prints; without `generate`, the refusal says what to paste.
    #[test]
    fn a_missing_printed_document_is_refused_with_the_toml_that_prints_it() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let assets = json!([
            ["target/release/rg", "usr/bin/", "755"],
            ["deployment/deb/rg.1", "usr/share/man/man1/rg.1", "644"]
        ]);
        let err = parse_json(&assets, dir, &["rg".to_owned()], &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("is the man file rg can print"), "{err}");
        assert!(
            err.contains("[package.metadata.dist.generate]\nman = [\"--generate\", \"man\"]"),
            "{err}"
        );
        let printed = ["rg.1".to_owned()];
        let parsed = parse_json(&assets, dir, &["rg".to_owned()], &printed).unwrap();
        assert_eq!(parsed.len(), 1, "the printed page comes from generate");
    }

    #[test]
    fn cargo_deb_assets_read_as_cargo_deb_reads_them() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let assets = parse_json(
            &json!([
                ["target/release/tool", "usr/bin/", "755"],
                { "source": "Cargo.toml", "dest": "/usr/share/doc/tool/manifest", "mode": "0644" },
                ["deployment/deb/tool.1", "usr/share/man/man1/tool.1", "644"]
            ]),
            dir,
            &["tool".to_owned()],
            &["tool.1".to_owned()],
        )
        .unwrap();
        assert_eq!(assets.len(), 2, "the printed man page is dist's to install");
        assert_eq!(assets[0].source, Source::Binary("tool".to_owned()));
        assert_eq!(assets[0].dest, "usr/bin/tool");
        assert_eq!(assets[0].mode, 0o755);
        assert_eq!(
            assets[1].source,
            Source::File(std::fs::read(dir.join("Cargo.toml")).unwrap())
        );
        assert_eq!(assets[1].dest, "usr/share/doc/tool/manifest");
        assert_eq!(assets[1].mode, 0o644);
    }

    #[test]
    fn bad_assets_are_refused_by_what_is_wrong() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let error = |assets: Value| {
            parse_json(&assets, dir, &["tool".to_owned()], &[])
                .unwrap_err()
                .to_string()
        };
        let binary = json!(["target/release/tool", "usr/bin/", "755"]);
        for (assets, needle) in [
            (json!("README.md"), "must be a list"),
            (
                json!([["README.md", "usr/share/doc/"]]),
                "`assets[0]` is 2 items long",
            ),
            (
                json!([binary, ["README.md", "x/", "rw"]]),
                "not an octal file mode",
            ),
            (
                json!([binary, ["missing.md", "x/", "644"]]),
                "cannot be read at",
            ),
            (
                json!([binary, ["target/release/other", "x/", "755"]]),
                "other than the binaries",
            ),
            (
                json!([binary, ["Cargo.toml", "../etc/", "644"]]),
                "not a path inside",
            ),
            (
                json!([binary, ["Cargo.toml", "usr/bin/tool", "644"]]),
                "two files as /usr/bin/tool",
            ),
            (
                json!([["Cargo.toml", "x/", "644"]]),
                "does not list the binary",
            ),
        ] {
            let err = error(assets);
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }
}
