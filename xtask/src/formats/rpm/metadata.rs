//! What an `.rpm` says about its package: the .deb's metadata, with
//! `[package.metadata.generate-rpm]`'s overrides, checked before anything
//! is built.

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;

use super::names::{self, Requirement, check_package_name, rpm_version};
use crate::formats::program::Program;
use crate::util::suggest::did_you_mean;

/// The keys of `[package.metadata.generate-rpm]` this reads.
pub const KEYS: [&str; 7] = [
    "name", "release", "summary", "license", "url", "group", "requires",
];

/// What an `.rpm` says about its package, checked before anything is built.
#[derive(Debug, Clone)]
pub struct RpmMetadata {
    pub name: String,
    /// The RPM version: the Cargo version in RPM's notation.
    pub version: String,
    pub release: String,
    pub summary: String,
    pub description: String,
    pub license: String,
    pub url: Option<String>,
    pub packager: Option<String>,
    /// The `Group` tag: openSUSE's rpmlint wants one from its list,
    /// Fedora ignores it.
    pub group: String,
    /// `requires` from `[package.metadata.generate-rpm]`: `(name, flags,
    /// version)`, added to what the binary needs.
    pub requires: Vec<Requirement>,
}

impl RpmMetadata {
    /// Reads and checks the RPM metadata of `package`.
    pub fn from_package(package: &Program) -> Result<RpmMetadata> {
        let rpm = &package.generate_rpm;
        refuse_unknown_keys(rpm)?;
        let rpm_text = |key: &str| text(rpm, "generate-rpm", key);
        let deb_text = |key: &str| text(&package.deb, "deb", key);

        let name = rpm_text("name")?.unwrap_or_else(|| package.name.clone());
        check_package_name(&name)?;
        let version = rpm_version(&package.version)?;
        let release = match rpm_text("release")? {
            Some(release) => release,
            None => deb_text("revision")?.unwrap_or_else(|| "1".to_owned()),
        };
        names::check_release(&release)?;
        let summary = match rpm_text("summary")? {
            Some(summary) => summary,
            None => summary_of(package)?,
        };
        let license = rpm_text("license")?
            .or_else(|| package.license.clone())
            .context(
                "an .rpm needs a license, and the package has no `license`. Set `license` (an SPDX \
             expression) in its Cargo.toml.",
            )?;
        Ok(RpmMetadata {
            description: wrap_long_lines(
                &deb_text("extended-description")?.unwrap_or_else(|| summary.clone()),
                DESCRIPTION_WIDTH,
            ),
            url: rpm_text("url")?
                .or_else(|| package.homepage.clone())
                .or_else(|| package.repository.clone()),
            packager: deb_text("maintainer")?.or_else(|| package.authors.first().cloned()),
            group: rpm_text("group")?.unwrap_or_else(|| "Applications/System".to_owned()),
            requires: requires(rpm)?,
            name,
            version,
            release,
            summary,
            license,
        })
    }

    /// The `.rpm` file name: `{name}-{version}-{release}.{arch}.rpm`.
    pub fn file_name(&self, arch: &str) -> String {
        format!("{}-{}-{}.{arch}.rpm", self.name, self.version, self.release)
    }
}

/// Refuses a key of `[package.metadata.generate-rpm]` that this does not
/// read, rather than ignore what the user meant to set.
fn refuse_unknown_keys(rpm: &serde_json::Map<String, Json>) -> Result<()> {
    if let Some(key) = rpm.keys().find(|key| !KEYS.contains(&key.as_str())) {
        bail!(
            "[package.metadata.generate-rpm] has `{key}`, which `cargo xtask dist` does not \
             read. {}It reads only {}. The files an .rpm installs are the binary, the \
             included files, man pages and completions. Correct or remove `{key}`.",
            did_you_mean(key, &KEYS),
            KEYS.join(", ")
        );
    }
    Ok(())
}

/// The string at `key` of the `[package.metadata.{section}]` table.
fn text(table: &serde_json::Map<String, Json>, section: &str, key: &str) -> Result<Option<String>> {
    match table.get(key) {
        None => Ok(None),
        Some(Json::String(value)) => Ok(Some(value.clone())),
        Some(_) => bail!("[package.metadata.{section}] `{key}` must be a string."),
    }
}

/// The first line of the package's description.
fn summary_of(package: &Program) -> Result<String> {
    package
        .description
        .as_deref()
        .and_then(|text| text.lines().next())
        .map(|line| line.trim().to_owned())
        .context(
            "an .rpm needs a summary, and the package has no `description`. Set `description` \
             in its Cargo.toml.",
        )
}

/// `requires` of `[package.metadata.generate-rpm]`, each checked.
fn requires(rpm: &serde_json::Map<String, Json>) -> Result<Vec<Requirement>> {
    match rpm.get("requires") {
        None => Ok(Vec::new()),
        Some(Json::Object(table)) => table
            .iter()
            .map(|(name, constraint)| match constraint {
                Json::String(constraint) => names::requirement(name, constraint),
                _ => bail!(
                    "[package.metadata.generate-rpm.requires] `{name}` must be a string: \
                     \"*\" for any version, or like \">= 1.2\"."
                ),
            })
            .collect(),
        Some(_) => bail!(
            "[package.metadata.generate-rpm] `requires` must be a table, like \
             requires = {{ bash = \"*\", openssl = \">= 3.0\" }}."
        ),
    }
}

/// The longest description line rpmlint accepts.
const DESCRIPTION_WIDTH: usize = 79;

/// `text` with each line longer than `width` broken at spaces (keeping its
/// indentation); shorter lines, and a word longer than `width`, stay as
/// they are. A description written for Debian (which allows longer lines)
/// or lengthened by a rename still fits RPM's convention.
fn wrap_long_lines(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let mut current = String::new();
        for word in line.split_whitespace() {
            if !current.is_empty() && current.len() + 1 + word.len() > width {
                out.push_str(&current);
                out.push('\n');
                current.clear();
            }
            if current.is_empty() {
                current.push_str(indent);
            } else {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&current);
        out.push('\n');
    }
    out.truncate(out.trim_end_matches('\n').len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_description_lines_are_broken_at_spaces_and_short_ones_kept() {
        let text = "short line\n\n  an indented line that goes on and on past the width\nlast";
        let wrapped = wrap_long_lines(text, 20);
        assert_eq!(
            wrapped,
            "short line\n\n  an indented line\n  that goes on and\n  on past the width\nlast"
        );
        assert!(wrapped.lines().all(|line| line.len() <= 20));
        assert_eq!(
            wrap_long_lines("averyveryverylongword x", 5),
            "averyveryverylongword\nx"
        );
    }
}
