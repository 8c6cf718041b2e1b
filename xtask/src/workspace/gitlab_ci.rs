//! The dist matrix of `.gitlab-ci.yml`: the configured targets, one a line,
//! between two marker comments.
//!
//! A GitHub workflow builds its matrix from `cargo xtask plan --json` as it
//! runs. A GitLab pipeline can only do that with a child pipeline, which
//! gitlab-ci-local (what runs the pipeline in the tests) cannot run; so the
//! list is written into the file, as `.cargo/config.toml` is: `add-target`
//! and `remove-target` rewrite it, `cargo xtask plan --write-gitlab`
//! rewrites it from Cargo.toml, and `plan --check-gitlab`, the pipeline's
//! first job, fails when it differs.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::workspace::edit::Edits;

/// The pipeline's file, at the workspace root.
pub const FILE: &str = ".gitlab-ci.yml";

const BEGIN: &str = "# begin: configured targets";
const END: &str = "# end: configured targets";

/// The lines between the markers: `(first line index, end line index,
/// indentation)`.
fn block(text: &str) -> Result<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let begin = lines.iter().position(|line| line.trim() == BEGIN);
    let end = lines.iter().position(|line| line.trim() == END);
    match (begin, end) {
        (Some(begin), Some(end)) if begin < end => {
            let indent = lines[begin].len() - lines[begin].trim_start().len();
            Ok((begin + 1, end, lines[begin][..indent].to_owned()))
        }
        _ => bail!(
            "{FILE} has no `{BEGIN}` … `{END}` comments around the dist job's list of \
             targets, so the xtask cannot tell which targets it builds. Put them back around \
             the `TARGET:` list (see the template's {FILE})."
        ),
    }
}

/// The targets the file's dist matrix lists.
pub fn listed(text: &str) -> Result<Vec<String>> {
    let (first, end, _) = block(text)?;
    text.lines()
        .take(end)
        .skip(first)
        .filter(|line| !line.trim().is_empty() && !line.trim().starts_with('#'))
        .map(|line| {
            line.trim()
                .strip_prefix("- ")
                .map(|triple| triple.trim().to_owned())
                .with_context(|| {
                    format!(
                        "{FILE}: `{}` in the list of targets is not `- <triple>`",
                        line.trim()
                    )
                })
        })
        .collect()
}

/// `text` with the dist matrix listing `targets`.
pub fn with_targets(text: &str, targets: &[&str]) -> Result<String> {
    let (first, end, indent) = block(text)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = lines[..first].iter().map(|line| line.to_string()).collect();
    out.extend(targets.iter().map(|triple| format!("{indent}- {triple}")));
    out.extend(lines[end..].iter().map(|line| line.to_string()));
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    Ok(joined)
}

/// The new text of the workspace's `.gitlab-ci.yml` for `targets`, or
/// `None` if the workspace has no such file (it does not use GitLab).
pub fn updated(root: &Path, targets: &[&str]) -> Result<Option<String>> {
    let path = root.join(FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    with_targets(&text, targets).map(Some)
}

/// Adds the pipeline's new text to `edits`, if the workspace has one and
/// its list could be found, and says what will happen to it.
pub fn stage(edits: &mut Edits, updated: Result<Option<String>>) -> String {
    match updated {
        Ok(Some(text)) => {
            edits.set(FILE, text);
            "the dist matrix".to_owned()
        }
        Ok(None) => "none in this workspace".to_owned(),
        Err(err) => format!("left alone: {err:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIPELINE: &str = "dist:\n  parallel:\n    matrix:\n      - TARGET:\n          # begin: configured targets\n          - a-b-c\n          - d-e-f\n          # end: configured targets\n  script: [x]\n";

    #[test]
    fn the_list_reads_and_rewrites_in_place() {
        assert_eq!(listed(PIPELINE).unwrap(), ["a-b-c", "d-e-f"]);
        let rewritten = with_targets(PIPELINE, &["x-y-z"]).unwrap();
        assert_eq!(listed(&rewritten).unwrap(), ["x-y-z"]);
        assert!(
            rewritten.contains("\n          - x-y-z\n          # end"),
            "{rewritten}"
        );
        assert_eq!(
            with_targets(&rewritten, &["a-b-c", "d-e-f"]).unwrap(),
            PIPELINE
        );
        let err = listed("dist: {}\n").unwrap_err().to_string();
        assert!(
            err.contains("has no `# begin: configured targets`"),
            "{err}"
        );
    }
}
