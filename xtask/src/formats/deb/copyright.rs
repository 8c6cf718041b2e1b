//! The machine-readable (DEP-5) `/usr/share/doc/<name>/copyright` file.
//! Format: <https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/>

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::control::continuation_lines;
use crate::workspace::config::Package;

/// The machine-readable (DEP-5) copyright file.
pub(super) fn copyright_file(
    package: &Package,
    holder: &str,
    license: &str,
    root: &Path,
) -> Result<String> {
    let dep5_license = license.replace(" OR ", " or ").replace(" AND ", " and ");
    let mut text = String::from(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
    );
    let _ = writeln!(text, "Upstream-Name: {}", package.name);
    if let Some(source) = package.repository.as_ref().or(package.homepage.as_ref()) {
        let _ = writeln!(text, "Source: {source}");
    }
    let _ = write!(
        text,
        "\nFiles: *\nCopyright: {holder}\nLicense: {dep5_license}\n"
    );
    let ids: Vec<&str> = dep5_license
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|word| !word.is_empty() && !matches!(*word, "or" | "and" | "with" | "WITH"))
        .collect();
    for id in ids {
        let _ = write!(
            text,
            "\nLicense: {id}\n{}",
            continuation_lines(&license_text(id, root)?)
        );
    }
    Ok(text)
}

/// A license's text for the copyright file: a pointer to Debian's copy for
/// licenses in /usr/share/common-licenses, else the workspace's
/// `LICENSE-<ID>` file.
fn license_text(id: &str, root: &Path) -> Result<String> {
    const COMMON: &[(&str, &str)] = &[
        ("Apache-2.0", "Apache-2.0"),
        ("GPL-2.0-only", "GPL-2"),
        ("GPL-2.0-or-later", "GPL-2"),
        ("GPL-3.0-only", "GPL-3"),
        ("GPL-3.0-or-later", "GPL-3"),
        ("LGPL-2.1-only", "LGPL-2.1"),
        ("LGPL-2.1-or-later", "LGPL-2.1"),
        ("LGPL-3.0-only", "LGPL-3"),
        ("LGPL-3.0-or-later", "LGPL-3"),
        ("MPL-2.0", "MPL-2.0"),
        ("CC0-1.0", "CC0-1.0"),
    ];
    if let Some((_, file)) = COMMON.iter().find(|(spdx, _)| *spdx == id) {
        return Ok(format!(
            "On Debian systems, the complete text of this license can be found in\n\
             \"/usr/share/common-licenses/{file}\"."
        ));
    }
    let short = id.split('-').next().unwrap_or(id).to_uppercase();
    for candidate in [format!("LICENSE-{id}"), format!("LICENSE-{short}")] {
        let path = root.join(&candidate);
        if path.is_file() {
            return std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()));
        }
    }
    bail!(
        "the .deb's copyright file needs the text of the {id} license, and the workspace has no \
         LICENSE-{id} or LICENSE-{short} file. Add one at the workspace root."
    )
}
