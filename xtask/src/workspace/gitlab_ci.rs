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

const MACOS_BEGIN: &str = "# begin: macos job";
const MACOS_END: &str = "# end: macos job";

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

/// `text` with the dist matrix listing `targets`, the Windows job
/// building those of them that are MSVC, with the cargo arguments that
/// select the hosted packages (`packages`), and the Mac job checking those
/// that are macOS.
pub fn with_targets(text: &str, targets: &[&str], packages: &str) -> Result<String> {
    let (first, end, indent) = block(text)?;
    let listed: Vec<String> = targets
        .iter()
        .map(|triple| format!("{indent}- {triple}"))
        .collect();
    let mut text = replaced(text, first, end, &listed);
    for job in &TARGET_JOBS {
        text = with_job(&text, job, targets, packages)?;
    }
    Ok(text)
}

/// A job that the pipeline has only for some kinds of target, written
/// between two marker comments.
struct TargetJob {
    /// What it does, for the message when its markers are missing.
    role: &'static str,
    begin: &'static str,
    end: &'static str,
    /// Whether a target's triple is one the job is for.
    wants: fn(&str) -> bool,
    /// The job's lines before its list of targets, and after it (where
    /// `{packages}` stands for the hosted packages' cargo arguments).
    head: &'static str,
    tail: &'static str,
}

const TARGET_JOBS: [TargetJob; 2] = [
    TargetJob {
        role: "builds them on a Windows runner",
        begin: WINDOWS_BEGIN,
        end: WINDOWS_END,
        wants: |triple| {
            targets::lookup(triple).is_some_and(|spec| spec.built_elsewhere().is_some())
        },
        head: WINDOWS_JOB_HEAD,
        tail: WINDOWS_JOB_TAIL,
    },
    TargetJob {
        role: "checks them on a Mac",
        begin: MACOS_BEGIN,
        end: MACOS_END,
        wants: |triple| targets::lookup(triple).is_some_and(|spec| spec.os == targets::Os::Darwin),
        head: MACOS_JOB_HEAD,
        tail: MACOS_JOB_TAIL,
    },
];

/// `text` with `job` written between its markers for those of `targets`
/// it wants, or emptied when it wants none.
fn with_job(text: &str, job: &TargetJob, targets: &[&str], packages: &str) -> Result<String> {
    let wanted: Vec<&str> = targets.iter().copied().filter(|t| (job.wants)(t)).collect();
    match marked(text, job.begin, job.end) {
        Some((first, end, _)) => Ok(replaced(
            text,
            first,
            end,
            &job_lines(job, &wanted, packages),
        )),
        None if wanted.is_empty() => Ok(text.to_owned()),
        None => bail!(
            "{FILE} has no `{}` … `{}` comments, where the job that {} goes ({}). Put them \
             back, at the top level, after the dist job (see the template's {FILE}).",
            job.begin,
            job.end,
            job.role,
            wanted.join(", ")
        ),
    }
}

/// The lines of `job` for the `wanted` targets; none when there are none.
fn job_lines(job: &TargetJob, wanted: &[&str], packages: &str) -> Vec<String> {
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<String> = job.head.lines().map(str::to_owned).collect();
    lines.extend(wanted.iter().map(|triple| format!("          - {triple}")));
    let tail = job.tail.replace("{packages}", packages);
    lines.extend(tail.lines().map(str::to_owned));
    lines
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

/// The job that tests and builds the MSVC targets with Visual Studio on
/// GitLab's hosted Windows runner, in PowerShell, and hands the binaries
/// to the dist job.
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

/// The job that checks the macOS parts on a Mac, wherever they were
/// built, as the GitHub workflow's `macos` job does: each binary starts
/// and prints the release's version (`verify --run`), and Apple's tools
/// accept its signature and read what it links. GitLab's hosted Mac
/// runners come with its paid tiers, so the job is there only where the
/// CI/CD variable MACOS_RUNNER_TAG names a Mac runner's tag; the release
/// jobs then need it.
const MACOS_JOB_HEAD: &str = r#"macos:
  stage: verify
  needs: [dist]
  # Set MACOS_RUNNER_TAG (a CI/CD variable) to a Mac runner's tag, such as
  # saas-macos-medium-m1, and a Mac checks every macOS part before release.
  rules:
    - if: $MACOS_RUNNER_TAG
  tags: [$MACOS_RUNNER_TAG]
  parallel:
    matrix:
      - TARGET:"#;

const MACOS_JOB_TAIL: &str = r#"  script:
    - cargo xtask verify "parts/$TARGET" --run
    - scripts/apple-tools-check "parts/$TARGET""#;

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
        let with_mac = format!("{PIPELINE}# begin: macos job\n# end: macos job\n");
        let mac = with_targets(&with_mac, &["aarch64-apple-darwin", "a-b-c"], HOSTED).unwrap();
        assert!(
            mac.contains("      - TARGET:\n          - aarch64-apple-darwin\n  script:"),
            "{mac}"
        );
        assert!(mac.contains("tags: [$MACOS_RUNNER_TAG]"), "{mac}");
        assert!(mac.contains("scripts/apple-tools-check"), "{mac}");
        assert_eq!(
            with_targets(&mac, &["a-b-c", "d-e-f"], HOSTED).unwrap(),
            with_mac
        );
        let err = with_targets(PIPELINE, &["x86_64-apple-darwin"], HOSTED)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no `# begin: macos job`") && err.contains("checks them on a Mac"),
            "{err}"
        );
        let err = listed("dist: {}\n").unwrap_err().to_string();
        assert!(
            err.contains("has no `# begin: configured targets`"),
            "{err}"
        );
    }
}
