//! The dist matrix of `.gitlab-ci.yml`: the configured targets, one a line,
//! between two marker comments; and, between two more, the job that builds
//! the MSVC targets on a Windows runner, for the dist job to package
//! (`dist --prebuilt`), which is there only when some target is MSVC.
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

use crate::targets;
use crate::workspace::edit::Edits;

/// The pipeline's file, at the workspace root.
pub const FILE: &str = ".gitlab-ci.yml";

const BEGIN: &str = "# begin: configured targets";
const END: &str = "# end: configured targets";

const WINDOWS_BEGIN: &str = "# begin: windows job";
const WINDOWS_END: &str = "# end: windows job";

/// The lines between the markers `begin` and `end`: `(first line index,
/// end line index, indentation)`, or `None` if they are not both there.
fn marked(text: &str, begin: &str, end: &str) -> Option<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let begin_at = lines.iter().position(|line| line.trim() == begin)?;
    let end_at = lines.iter().position(|line| line.trim() == end)?;
    let indent = lines[begin_at].len() - lines[begin_at].trim_start().len();
    (begin_at < end_at).then(|| (begin_at + 1, end_at, lines[begin_at][..indent].to_owned()))
}

/// The lines between the dist matrix's markers.
fn block(text: &str) -> Result<(usize, usize, String)> {
    match marked(text, BEGIN, END) {
        Some(block) => Ok(block),
        None => bail!(
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

/// `text` with the dist matrix listing `targets`, and the Windows job
/// building those of them that are MSVC, with the cargo arguments that
/// select the hosted packages (`packages`).
pub fn with_targets(text: &str, targets: &[&str], packages: &str) -> Result<String> {
    let (first, end, indent) = block(text)?;
    let listed: Vec<String> = targets
        .iter()
        .map(|triple| format!("{indent}- {triple}"))
        .collect();
    let text = replaced(text, first, end, &listed);
    let msvc: Vec<&str> = targets
        .iter()
        .copied()
        .filter(|triple| {
            targets::lookup(triple).is_some_and(|spec| spec.built_elsewhere().is_some())
        })
        .collect();
    match marked(&text, WINDOWS_BEGIN, WINDOWS_END) {
        Some((first, end, _)) => Ok(replaced(&text, first, end, &windows_job(&msvc, packages))),
        None if msvc.is_empty() => Ok(text),
        None => bail!(
            "{FILE} has no `{WINDOWS_BEGIN}` … `{WINDOWS_END}` comments, where the job that \
             builds {} on a Windows runner goes. Put them back, at the top level, after the \
             dist job (see the template's {FILE}).",
            msvc.join(", ")
        ),
    }
}

/// `text` with the lines from `first` up to `end` replaced by `new`.
fn replaced(text: &str, first: usize, end: usize, new: &[String]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = lines[..first].iter().map(|line| line.to_string()).collect();
    out.extend(new.iter().cloned());
    out.extend(lines[end..].iter().map(|line| line.to_string()));
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// The job that tests and builds the `msvc` targets with Visual Studio on
/// GitLab's hosted Windows runner, in PowerShell, and hands the binaries
/// to the dist job; no lines when there are none.
fn windows_job(msvc: &[&str], packages: &str) -> Vec<String> {
    if msvc.is_empty() {
        return Vec::new();
    }
    let mut job: Vec<String> = WINDOWS_JOB_HEAD.lines().map(str::to_owned).collect();
    job.extend(msvc.iter().map(|triple| format!("          - {triple}")));
    let tail = WINDOWS_JOB_TAIL.replace("{packages}", packages);
    job.extend(tail.lines().map(str::to_owned));
    job
}

const WINDOWS_JOB_HEAD: &str = r#"windows:
  stage: dist
  needs: [plan]
  # GitLab's hosted Windows runners have Visual Studio, which links the
  # MSVC targets; the dist job packages what this one builds.
  tags: [saas-windows-medium-amd64]
  before_script:
    - if (-not (Get-Command cargo -ErrorAction SilentlyContinue)) { Invoke-WebRequest https://win.rustup.rs/x86_64 -OutFile rustup-init.exe; .\rustup-init.exe -y --profile minimal --default-toolchain none; $env:Path += ";$env:USERPROFILE\.cargo\bin" }
  parallel:
    matrix:
      - TARGET:"#;

const WINDOWS_JOB_TAIL: &str = r#"  script:
    - cargo test {packages} --locked --target $env:TARGET
    - cargo build {packages} --locked --profile dist --target $env:TARGET
    - New-Item -ItemType Directory -Force -Path prebuilt/$env:TARGET
    - Copy-Item target/$env:TARGET/dist/*.exe prebuilt/$env:TARGET/
  artifacts:
    paths:
      - prebuilt/$TARGET/"#;

/// The new text of the workspace's `.gitlab-ci.yml` for `targets`, or
/// `None` if the workspace has no such file (it does not use GitLab).
pub fn updated(root: &Path, targets: &[&str], packages: &str) -> Result<Option<String>> {
    let path = root.join(FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    with_targets(&text, targets, packages).map(Some)
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

    const HOSTED: &str = "--workspace --exclude xtask";
    const PIPELINE: &str = "dist:\n  parallel:\n    matrix:\n      - TARGET:\n          # begin: configured targets\n          - a-b-c\n          - d-e-f\n          # end: configured targets\n  script: [x]\n";

    #[test]
    fn the_list_reads_and_rewrites_in_place() {
        assert_eq!(listed(PIPELINE).unwrap(), ["a-b-c", "d-e-f"]);
        let rewritten = with_targets(PIPELINE, &["x-y-z"], HOSTED).unwrap();
        assert_eq!(listed(&rewritten).unwrap(), ["x-y-z"]);
        assert!(
            rewritten.contains("\n          - x-y-z\n          # end"),
            "{rewritten}"
        );
        assert_eq!(
            with_targets(&rewritten, &["a-b-c", "d-e-f"], HOSTED).unwrap(),
            PIPELINE
        );
        let with_windows = format!("{PIPELINE}# begin: windows job\n# end: windows job\n");
        let msvc =
            with_targets(&with_windows, &["x86_64-pc-windows-msvc", "a-b-c"], HOSTED).unwrap();
        assert!(
            msvc.contains("      - TARGET:\n          - x86_64-pc-windows-msvc\n  script:"),
            "{msvc}"
        );
        assert!(msvc.contains("tags: [saas-windows-medium-amd64]"), "{msvc}");
        assert_eq!(
            with_targets(&msvc, &["a-b-c", "d-e-f"], HOSTED).unwrap(),
            with_windows
        );
        let err = with_targets(PIPELINE, &["x86_64-pc-windows-msvc"], HOSTED)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no `# begin: windows job`"), "{err}");
        let err = listed("dist: {}\n").unwrap_err().to_string();
        assert!(
            err.contains("has no `# begin: configured targets`"),
            "{err}"
        );
    }
}
