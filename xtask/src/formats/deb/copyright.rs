//! The machine-readable (DEP-5) `/usr/share/doc/<name>/copyright` file.
//! Format: <https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/>

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::control::continuation_lines;
use crate::formats::program::Program;

/// The machine-readable (DEP-5) copyright file.
pub(super) fn copyright_file(
    package: &Program,
    holder: &str,
    license: &str,
    root: &Path,
) -> Result<String> {
    let dep5_license = dep5_expression(license);
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
    let dirs = [root, package.dir.as_path()];
    let names = license_names(&dep5_license);
    let only = names.len() == 1;
    for name in names {
        let _ = write!(
            text,
            "\nLicense: {name}\n{}",
            continuation_lines(&license_text(&name, &dirs, only)?)
        );
    }
    Ok(text)
}

/// Fails, saying which file to add, unless the text of every license in
/// Cargo's `license` expression is Debian's or one of the project's files
/// in `dirs`: what the copyright file needs, checked before a release (by
/// `init`) rather than when the first .deb is made.
pub fn check_license_texts(license: &str, dirs: &[&Path]) -> Result<()> {
    let names = license_names(&dep5_expression(license));
    let only = names.len() == 1;
    for name in names {
        license_text(&name, dirs, only)?;
    }
    Ok(())
}

/// Cargo's license expression as DEP-5 writes it: `or`, `and` and
/// `with <id> exception` in lower case, and the `/` of Cargo's old
/// syntax (`MIT/Apache-2.0`) read as the `or` it means.
fn dep5_expression(license: &str) -> String {
    let mut words = Vec::new();
    let mut tokens = license.split_whitespace().flat_map(|word| {
        let parts: Vec<&str> = word.split('/').collect();
        let last = parts.len() - 1;
        parts
            .into_iter()
            .enumerate()
            .flat_map(move |(i, part)| [Some(part), (i < last).then_some("OR")])
            .flatten()
    });
    while let Some(token) = tokens.next() {
        match token {
            "OR" | "AND" => words.push(token.to_lowercase()),
            "WITH" => {
                let exception = tokens.next().unwrap_or_default();
                let keyword = exception
                    .trim_end_matches(')')
                    .trim_end_matches("-exception");
                let closing = &exception[exception.trim_end_matches(')').len()..];
                words.push(format!("with {keyword} exception{closing}"));
            }
            _ => words.push(token.to_owned()),
        }
    }
    words.join(" ")
}

/// Each license named in a DEP-5 expression, exception and all
/// (`Apache-2.0 with LLVM exception`), once.
fn license_names(expression: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for alternative in expression.split(['(', ')']) {
        for name in alternative
            .split(" or ")
            .flat_map(|part| part.split(" and "))
        {
            let name = name.trim();
            if !name.is_empty() && !names.iter().any(|known| known == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// A license's text for the copyright file: a pointer to Debian's copy for
/// licenses in /usr/share/common-licenses, else the project's own file,
/// looked for in `dirs` under the names projects give them
/// (`LICENSE-MIT`, `LICENSE_MIT`, `UNLICENSE`, `LICENSE-MIT.md`, …), and,
/// where it is the `only` license, `LICENSE` or `COPYING`.
fn license_text(name: &str, dirs: &[&Path], only: bool) -> Result<String> {
    if let Some((base, keyword)) = name
        .split_once(" with ")
        .map(|(base, rest)| (base, rest.trim_end_matches(" exception")))
    {
        return Ok(format!(
            "{}\n\nWith the {keyword} exception: \
             https://spdx.org/licenses/{keyword}-exception.html",
            license_text(base, dirs, only)?
        ));
    }
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
    if let Some((_, file)) = COMMON.iter().find(|(spdx, _)| *spdx == name) {
        return Ok(format!(
            "On Debian systems, the complete text of this license can be found in\n\
             \"/usr/share/common-licenses/{file}\"."
        ));
    }
    let short = name.split('-').next().unwrap_or(name).to_uppercase();
    let mut stems = vec![
        format!("LICENSE-{name}"),
        format!("LICENSE-{short}"),
        format!("LICENSE_{name}"),
        format!("LICENSE_{short}"),
        name.to_uppercase(),
    ];
    if only {
        stems.extend(["LICENSE", "LICENCE", "COPYING"].map(str::to_owned));
    }
    // `LICENSE-MIT` is both spellings of MIT: name it once.
    let mut seen = Vec::new();
    stems.retain(|stem| {
        let new = !seen.contains(stem);
        seen.push(stem.clone());
        new
    });
    for dir in dirs {
        for stem in &stems {
            for candidate in [stem.clone(), format!("{stem}.md"), format!("{stem}.txt")] {
                let path = dir.join(&candidate);
                if path.is_file() {
                    return std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()));
                }
            }
        }
    }
    bail!(
        "the .deb's copyright file needs the text of the {name} license, and the project has no \
         file of it ({}). Add one at the workspace root.",
        stems.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_license_expressions_in_dep5() {
        for (cargo, dep5) in [
            ("MIT OR Apache-2.0", "MIT or Apache-2.0"),
            ("MIT/Apache-2.0", "MIT or Apache-2.0"),
            ("Unlicense OR MIT", "Unlicense or MIT"),
            (
                "CC0-1.0 OR Apache-2.0 OR Apache-2.0 WITH LLVM-exception",
                "CC0-1.0 or Apache-2.0 or Apache-2.0 with LLVM exception",
            ),
            (
                "(MIT OR Apache-2.0) AND BSD-3-Clause",
                "(MIT or Apache-2.0) and BSD-3-Clause",
            ),
        ] {
            assert_eq!(dep5_expression(cargo), dep5, "{cargo}");
        }
        assert_eq!(
            license_names("CC0-1.0 or Apache-2.0 or Apache-2.0 with LLVM exception"),
            ["CC0-1.0", "Apache-2.0", "Apache-2.0 with LLVM exception"]
        );
        assert_eq!(
            license_names("(MIT or Apache-2.0) and BSD-3-Clause"),
            ["MIT", "Apache-2.0", "BSD-3-Clause"]
        );
    }

    #[test]
    fn license_files_under_the_names_projects_give_them() {
        let dir = crate::util::tempdir::TempDir::new().unwrap();
        std::fs::write(
            dir.path().join("UNLICENSE"),
            "This is free and unencumbered",
        )
        .unwrap();
        std::fs::write(dir.path().join("LICENSE_MIT.md"), "MIT text").unwrap();
        let dirs = [dir.path()];
        assert!(
            license_text("Unlicense", &dirs, false)
                .unwrap()
                .starts_with("This is free")
        );
        assert_eq!(license_text("MIT", &dirs, false).unwrap(), "MIT text");
        let with = license_text("Apache-2.0 with LLVM exception", &dirs, false).unwrap();
        assert!(with.contains("common-licenses/Apache-2.0") && with.contains("LLVM exception"));
        let err = license_text("BSD-3-Clause", &dirs, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("LICENSE-BSD-3-Clause"), "{err}");
        // A project of one license often keeps it as plain LICENSE.
        std::fs::write(dir.path().join("LICENSE"), "BSD text").unwrap();
        assert!(license_text("BSD-3-Clause", &dirs, false).is_err());
        assert_eq!(
            license_text("BSD-3-Clause", &dirs, true).unwrap(),
            "BSD text"
        );
    }
}
