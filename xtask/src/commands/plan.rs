//! `cargo xtask plan`: the CI build matrix, derived from the configured
//! targets, so that no workflow keeps a second list of targets.
//!
//! Each target gets the GitHub-hosted runner it builds on: Linux, Windows
//! (MinGW) and WASI targets on Ubuntu, macOS targets natively on macOS
//! (`[workspace.metadata.dist.ci-runner]` can choose another label). The
//! JSON is a list for a workflow's `matrix: include: ${{ fromJSON(...) }}`.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::cli::PlanArgs;
use crate::targets::ci_runners::{self, CiRunner};
use crate::targets::{self, Linker};
use crate::util::atomic;
use crate::util::progress;
use crate::workspace::Workspace;
use crate::workspace::config::{Config, Configured};
use crate::workspace::gitlab_ci;

pub fn run(ws: &Workspace, args: &PlanArgs) -> Result<()> {
    let jobs = plan(&ws.config)?;
    if args.check_gitlab || args.write_gitlab {
        return gitlab(ws, args.write_gitlab);
    }
    if args.output.json {
        // One line: workflows put it in $GITHUB_OUTPUT.
        println!("{}", serde_json::to_string(&jobs)?);
        return Ok(());
    }
    println!(
        "{:<32} {:<14} {:<11} {:<9} formats",
        "target", "runner", "test", "builder"
    );
    for job in &jobs {
        let formats: Vec<&str> = job["formats"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        println!(
            "{:<32} {:<14} {:<11} {:<9} {}",
            job["target"].as_str().unwrap_or_default(),
            job["runner"].as_str().unwrap_or_default(),
            job["test"].as_str().unwrap_or_default(),
            job["builder"].as_str().unwrap_or_default(),
            formats.join(",")
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

/// One matrix entry per configured target.
pub fn plan(config: &Config) -> Result<Vec<Value>> {
    let hosted = config.hosted_packages().join(" ");
    config
        .targets
        .iter()
        .map(|configured| job(configured, &hosted))
        .collect()
}

/// A target's job. An MSVC target is built and tested on a Windows runner
/// (`runner`) with plain cargo, and its binary packaged by dist on
/// `packaged_on`, with `cargo_packages` (`hosted`) selecting what plain
/// cargo builds there; every other target's job runs dist on its runner.
fn job(configured: &Configured, hosted: &str) -> Result<Value> {
    let triple = configured.triple();
    let runner = placed_runner(configured)?;
    let formats: Vec<&str> = configured.formats.iter().map(|f| f.name()).collect();
    if runner.is_windows() {
        return Ok(json!({
            "target": triple,
            "runner": runner.label,
            "formats": formats,
            "test": "native",
            "builder": "cargo",
            "packaged_on": ci_runners::PACKAGING_RUNNER,
            "cargo_packages": hosted,
            "macos": false,
        }));
    }
    // How the target is built and tested on that runner, not on this machine.
    let there = targets::lookup_on(runner.host, triple).unwrap_or(configured.spec);
    Ok(json!({
        "target": triple,
        "runner": runner.label,
        "formats": formats,
        "test": there.runner.kind(),
        "builder": there.builder().name(),
        // The release workflow's Mac job checks these targets' parts.
        "macos": configured.spec.os == targets::Os::Darwin,
    }))
}

/// The CI runner `configured` builds on: the configuration's, or its
/// default; refused where it cannot build the target.
fn placed_runner(configured: &Configured) -> Result<&'static CiRunner> {
    let triple = configured.triple();
    let spec = configured.spec;
    let label = configured
        .ci_runner
        .as_deref()
        .unwrap_or_else(|| ci_runners::default_runner(spec));
    let fix = "Fix [workspace.metadata.dist.ci-runner] in Cargo.toml.";
    let Some(runner) = ci_runners::find(label) else {
        let known: Vec<&str> = ci_runners::CI_RUNNERS
            .iter()
            .map(|runner| runner.label)
            .collect();
        bail!(
            "plan cannot place {triple} on CI runner `{label}`: the xtask knows how to run on {}. \
             {fix}",
            known.join(", ")
        );
    };
    let msvc = spec.linker == Linker::Msvc;
    if msvc && !runner.is_windows() {
        bail!(
            "plan cannot place {triple} on `{label}`: MSVC targets need Visual Studio, which only \
             a Windows runner has ({}). {fix}",
            ci_runners::WINDOWS_RUNNER
        );
    }
    if runner.is_windows() && !msvc {
        bail!(
            "plan cannot place {triple} on `{label}`: Windows runners build only the MSVC \
             targets; {triple} is built on Linux (MinGW or zig). {fix}"
        );
    }
    if !runner.builds.contains(&spec.os) {
        bail!(
            "plan cannot place {triple} on `{label}`: that runner cannot build {:?} targets (their \
             cross toolchains install with apt). Put it on an Ubuntu runner. {fix}",
            spec.os
        );
    }
    Ok(runner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Format;

    fn configured(triple: &str, ci_runner: Option<&str>) -> Configured {
        let spec = targets::lookup(triple).unwrap();
        Configured {
            spec,
            formats: vec![Format::TarGz],
            ci_runner: ci_runner.map(str::to_owned),
            glibc_floor: spec.min_glibc,
            macos_floor: spec.min_macos,
            apt: Vec::new(),
        }
    }

    #[test]
    fn macos_builds_natively_on_a_mac_and_the_rest_on_ubuntu() {
        let mac = job(
            &configured("aarch64-apple-darwin", None),
            "--workspace --exclude xtask",
        )
        .unwrap();
        assert_eq!(
            (
                mac["runner"].as_str(),
                mac["test"].as_str(),
                mac["builder"].as_str()
            ),
            (Some("macos-latest"), Some("native"), Some("cargo"))
        );
        let arm = job(
            &configured("aarch64-unknown-linux-gnu", None),
            "--workspace --exclude xtask",
        )
        .unwrap();
        assert_eq!(
            (arm["runner"].as_str(), arm["test"].as_str()),
            (Some("ubuntu-latest"), Some("qemu"))
        );
        let windows = job(
            &configured("x86_64-pc-windows-gnu", None),
            "--workspace --exclude xtask",
        )
        .unwrap();
        assert_eq!(
            (windows["runner"].as_str(), windows["test"].as_str()),
            (Some("ubuntu-latest"), Some("wine"))
        );
    }

    #[test]
    fn config_can_move_macos_to_ubuntu_where_it_is_build_only() {
        let mac = job(
            &configured("x86_64-apple-darwin", Some("ubuntu-latest")),
            "--workspace --exclude xtask",
        )
        .unwrap();
        assert_eq!(
            (mac["test"].as_str(), mac["builder"].as_str()),
            (Some("none"), Some("zigbuild"))
        );
    }

    #[test]
    fn config_can_put_arm64_linux_on_an_arm_runner_where_it_runs_natively() {
        for triple in ["aarch64-unknown-linux-gnu", "aarch64-unknown-linux-musl"] {
            let arm = job(
                &configured(triple, Some("ubuntu-24.04-arm")),
                "--workspace --exclude xtask",
            )
            .unwrap();
            assert_eq!(
                (arm["runner"].as_str(), arm["test"].as_str()),
                (Some("ubuntu-24.04-arm"), Some("native")),
                "{triple}"
            );
        }
        let x86 = job(
            &configured("x86_64-unknown-linux-gnu", Some("ubuntu-24.04-arm")),
            "--workspace --exclude xtask",
        )
        .unwrap();
        assert_eq!(x86["test"].as_str(), Some("qemu"));
    }

    #[test]
    fn unknown_runner_cannot_be_placed() {
        let err = job(
            &configured("x86_64-pc-windows-gnu", Some("windows-2019")),
            "--workspace --exclude xtask",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("cannot place x86_64-pc-windows-gnu on CI runner `windows-2019`"),
            "{err}"
        );
    }

    #[test]
    fn msvc_builds_on_a_windows_runner_and_is_packaged_on_ubuntu() {
        for triple in ["x86_64-pc-windows-msvc", "i686-pc-windows-msvc"] {
            let msvc = job(&configured(triple, None), "--workspace --exclude xtask").unwrap();
            assert_eq!(
                (
                    msvc["runner"].as_str(),
                    msvc["test"].as_str(),
                    msvc["packaged_on"].as_str()
                ),
                (
                    Some("windows-latest"),
                    Some("native"),
                    Some("ubuntu-latest")
                ),
                "{triple}"
            );
            // Plain cargo there builds what dist would, without the xtask.
            assert_eq!(
                msvc["cargo_packages"].as_str(),
                Some("--workspace --exclude xtask")
            );
        }
        let mingw = job(
            &configured("x86_64-pc-windows-gnu", None),
            "--workspace --exclude xtask",
        )
        .unwrap();
        assert!(mingw.get("packaged_on").is_none());
    }

    #[test]
    fn msvc_on_linux_and_mingw_on_windows_are_refused() {
        let err = job(
            &configured("x86_64-pc-windows-msvc", Some("ubuntu-latest")),
            "--workspace --exclude xtask",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("MSVC targets need Visual Studio"), "{err}");
        let err = job(
            &configured("x86_64-pc-windows-gnu", Some("windows-latest")),
            "--workspace --exclude xtask",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("Windows runners build only the MSVC targets"),
            "{err}"
        );
    }

    #[test]
    fn linux_target_on_a_mac_runner_is_refused() {
        let err = job(
            &configured("aarch64-unknown-linux-gnu", Some("macos-latest")),
            "--workspace --exclude xtask",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("cannot build Linux targets"), "{err}");
    }
}
