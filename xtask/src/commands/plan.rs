//! `cargo xtask plan`: the CI build matrix, the release plan's view of
//! where each target is built ([`crate::plan::ci`]), so that no workflow
//! keeps a second list of targets. The JSON is a list for a workflow's
//! `matrix: include: ${{ fromJSON(...) }}`. With `--check-gitlab` and
//! `--write-gitlab`, the GitLab pipeline's list of targets is checked
//! against the configuration, or rewritten.

use anyhow::{Context, Result, bail};

use crate::cli::PlanArgs;
use crate::plan::{self, Selection};
use crate::util::atomic;
use crate::util::progress;
use crate::workspace::Workspace;
use crate::workspace::config::Configured;
use crate::workspace::gitlab_ci;

pub fn run(ws: &Workspace, args: &PlanArgs) -> Result<()> {
    if args.check_gitlab || args.write_gitlab {
        return gitlab(ws, args.write_gitlab);
    }
    let selection = Selection {
        targets: &[],
        prebuilt: None,
        target_dir: &ws.config.target_dir,
    };
    let (plan, _) = plan::make(ws, &selection)?;
    if args.output.json {
        // One line: workflows put it in $GITHUB_OUTPUT.
        println!("{}", serde_json::to_string(&plan.ci)?);
        return Ok(());
    }
    println!(
        "{:<32} {:<14} {:<11} {:<9} formats",
        "target", "runner", "test", "builder"
    );
    for job in &plan.ci {
        println!(
            "{:<32} {:<14} {:<11} {:<9} {}",
            job.target,
            job.runner,
            job.test,
            job.builder,
            job.formats.join(",")
        );
    }
    Ok(())
}

/// Checks, or with `write` rewrites, the GitLab pipeline's dist matrix
/// against the configured targets.
pub fn gitlab(ws: &Workspace, write: bool) -> Result<()> {
    let configured: Vec<&str> = ws.config.targets.iter().map(Configured::triple).collect();
    let path = ws.config.root.join(gitlab_ci::FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}: the workspace has no GitLab pipeline to check",
            path.display()
        )
    })?;
    if write {
        let updated =
            gitlab_ci::with_targets(&text, &configured, &ws.config.hosted_packages().join(" "))?;
        if updated != text {
            atomic::write(&path, updated.as_bytes())?;
        }
        progress::summary(format_args!(
            "{}: the dist matrix lists {}",
            gitlab_ci::FILE,
            configured.join(", ")
        ));
        return Ok(());
    }
    let listed = gitlab_ci::listed(&text)?;
    if listed != configured {
        let missing: Vec<&str> = configured
            .iter()
            .copied()
            .filter(|triple| !listed.iter().any(|l| l == triple))
            .collect();
        let extra: Vec<&str> = listed
            .iter()
            .map(String::as_str)
            .filter(|triple| !configured.contains(triple))
            .collect();
        let mut differences = Vec::new();
        if !missing.is_empty() {
            differences.push(format!("it lacks {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            differences.push(format!(
                "it has {}, which Cargo.toml does not configure",
                extra.join(", ")
            ));
        }
        if differences.is_empty() {
            differences.push("it lists them in another order".to_owned());
        }
        bail!(
            "{}'s dist matrix is not the configured targets: {}. The pipeline would build \
             other targets than a dist does. Run `cargo xtask plan --write-gitlab` and commit \
             the result (add-target and remove-target keep it in step).",
            gitlab_ci::FILE,
            differences.join("; ")
        );
    }
    if gitlab_ci::with_targets(&text, &configured, &ws.config.hosted_packages().join(" "))? != text
    {
        bail!(
            "{}'s Windows or macOS job is not the one the configured targets need: it would \
             build other targets on Windows than dist packages, or check other targets on a Mac \
             than dist builds. Run `cargo xtask plan --write-gitlab` and commit the result \
             (add-target and remove-target keep it in step).",
            gitlab_ci::FILE
        );
    }
    progress::summary(format_args!(
        "{}: the dist matrix lists the {} configured targets",
        gitlab_ci::FILE,
        configured.len()
    ));
    Ok(())
}
