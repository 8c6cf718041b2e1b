//! What an `.rpm` says about its package: the .deb's metadata, with
//! `[package.metadata.generate-rpm]`'s overrides, checked before anything
//! is built.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::names::{self, Requirement, check_package_name, rpm_version};
use crate::formats::program::Program;
use crate::util::serde_table::{self, Shapes};

/// `[package.metadata.generate-rpm]`: the keys this reads. The files an
/// .rpm installs are the binary, the included files, man pages and
/// completions, so cargo-generate-rpm's `assets` is not among them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RpmTable {
    pub name: Option<String>,
    pub release: Option<String>,
    pub summary: Option<String>,
    pub license: Option<String>,
    pub url: Option<String>,
    pub group: Option<String>,
    /// Package names (the user's, so a map), each with a version
    /// constraint: `"*"` or like `">= 1.2"`.
    pub requires: Option<BTreeMap<String, String>>,
}

const SHAPES: Shapes = Shapes {
    keys: &[(
        "requires",
        "a table of package names, each with \"*\" or a version like \">= 1.2\", like requires = { bash = \"*\", openssl = \">= 3.0\" }",
    )],
    otherwise: "a string",
    refused: &UNSUPPORTED,
};

/// cargo-generate-rpm keys this does not implement, each with why.
const UNSUPPORTED: [(&str, &str); 1] = [(
    "assets",
    "the files an .rpm installs are the binary, the included files, man pages and completions",
)];

/// The keys of cargo-deb's `[package.metadata.deb]` an .rpm takes its
/// defaults from; the .deb reads (and checks) the rest.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct DebDefaults {
    revision: Option<String>,
    extended_description: Option<String>,
    maintainer: Option<String>,
}

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
        let place = "[package.metadata.generate-rpm]";
        let given = &package.generate_rpm;
        if let Some((key, why)) = UNSUPPORTED.iter().find(|(key, _)| given.contains_key(*key)) {
            bail!(
                "{place} has cargo-generate-rpm's `{key}`, which `cargo xtask dist` does not \
                 support: {why}. Remove `{key}`, or leave \"rpm\" out of the target's formats."
            );
        }
        let rpm: RpmTable = serde_table::read(&table(given), place, &SHAPES)?;
        let deb: DebDefaults =
            serde_table::read(&table(&package.deb), "[package.metadata.deb]", &SHAPES)?;
        let name = rpm.name.unwrap_or_else(|| package.name.clone());
        check_package_name(&name)?;
        let version = rpm_version(&package.version)?;
        let release = rpm
            .release
            .or(deb.revision)
            .unwrap_or_else(|| "1".to_owned());
        names::check_release(&release)?;
        let summary = match rpm.summary {
            Some(summary) => summary,
            None => summary_of(package)?,
        };
        let license = rpm.license.or_else(|| package.license.clone()).context(
            "an .rpm needs a license, and the package has no `license`. Set `license` (an SPDX \
             expression) in its Cargo.toml.",
        )?;
        let description = deb.extended_description.unwrap_or_else(|| summary.clone());
        Ok(RpmMetadata {
            description: wrap_long_lines(&description, DESCRIPTION_WIDTH),
            url: rpm
                .url
                .or_else(|| package.homepage.clone())
                .or_else(|| package.repository.clone()),
            packager: deb.maintainer.or_else(|| package.authors.first().cloned()),
            group: rpm
                .group
                .unwrap_or_else(|| "Applications/System".to_owned()),
            requires: requires(rpm.requires.unwrap_or_default())?,
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

/// A tool's table of Cargo.toml, as serde reads it.
fn table(table: &Map<String, Value>) -> Value {
    Value::Object(table.clone())
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
fn requires(table: BTreeMap<String, String>) -> Result<Vec<Requirement>> {
    table
        .iter()
        .map(|(name, constraint)| names::requirement(name, constraint))
        .collect()
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
    use serde_json::json;

    fn error_of(rpm: Value) -> String {
        let program = Program {
            description: Some("A tool".to_owned()),
            license: Some("MIT".to_owned()),
            generate_rpm: rpm.as_object().unwrap().clone(),
            ..Program::for_tests("tool")
        };
        format!("{:#}", RpmMetadata::from_package(&program).unwrap_err())
    }

    #[test]
    fn the_table_is_read_by_its_types_with_the_key_and_the_fix() {
        let err = error_of(json!({ "sumary": "x" }));
        assert!(
            err.contains("[package.metadata.generate-rpm] has a key `sumary`"),
            "{err}"
        );
        assert!(err.contains("Did you mean `summary`?"), "{err}");
        let err = error_of(json!({ "group": 7 }));
        assert!(
            err.contains("`group` must be a string, not integer `7`"),
            "{err}"
        );
        let err = error_of(json!({ "requires": { "bash": 1 } }));
        assert!(
            err.contains("`requires` must be a table of package names")
                && err.contains("`requires.bash` is integer `1`"),
            "{err}"
        );
        let err = error_of(json!({ "asets": [] }));
        assert!(err.contains("Did you mean `assets`?"), "{err}");
        let err = error_of(json!({ "assets": [] }));
        assert!(
            err.contains("cargo-generate-rpm's `assets`") && err.contains("man pages"),
            "{err}"
        );
    }

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
