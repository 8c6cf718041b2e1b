//! `cargo xtask plan`: the CI build matrix, derived from the configured
//! targets, so that no workflow keeps a second list of targets.
//!
//! Each target gets the GitHub-hosted runner it builds on: Linux, Windows
//! (MinGW) and WASI targets on Ubuntu, macOS targets natively on macOS
//! (`[workspace.metadata.dist.ci-runner]` can choose another label). The
//! JSON is a list for a workflow's `matrix: include: ${{ fromJSON(...) }}`.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::cli::JsonOutput;
use crate::targets::{self, ci_runners};
use crate::workspace::Workspace;
use crate::workspace::config::{Config, Configured};

pub fn run(ws: &Workspace, args: &JsonOutput) -> Result<()> {
    let jobs = plan(&ws.config)?;
    if args.json {
        // One line: workflows put it in $GITHUB_OUTPUT.
        println!("{}", serde_json::to_string(&jobs)?);
        return Ok(());
    }
    println!(
        "{:<32} {:<14} {:<10} {:<9} formats",
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
            "{:<32} {:<14} {:<10} {:<9} {}",
            job["target"].as_str().unwrap_or_default(),
            job["runner"].as_str().unwrap_or_default(),
            job["test"].as_str().unwrap_or_default(),
            job["builder"].as_str().unwrap_or_default(),
            formats.join(",")
        );
    }
    Ok(())
}

/// One matrix entry per configured target.
pub fn plan(config: &Config) -> Result<Vec<Value>> {
    config.targets.iter().map(job).collect()
}

fn job(configured: &Configured) -> Result<Value> {
    let triple = configured.triple();
    let label = configured
        .ci_runner
        .as_deref()
        .unwrap_or_else(|| ci_runners::default_runner(configured.spec.os));
    let Some(runner) = ci_runners::find(label) else {
        let known: Vec<&str> = ci_runners::CI_RUNNERS
            .iter()
            .map(|runner| runner.label)
            .collect();
        bail!(
            "plan cannot place {triple} on CI runner `{label}`: the xtask knows how to run on {}. \
             (Windows runners are not among them: Windows targets build on Linux with MinGW.) \
             Fix [workspace.metadata.dist.ci-runner] in Cargo.toml.",
            known.join(", ")
        );
    };
    if !runner.builds.contains(&configured.spec.os) {
        bail!(
            "plan cannot place {triple} on `{label}`: that runner cannot build {:?} targets (their \
             cross toolchains install with apt). Put it on an Ubuntu runner in \
             [workspace.metadata.dist.ci-runner].",
            configured.spec.os
        );
    }
    // How the target is built and tested on that runner, not on this machine.
    let there = targets::lookup_on(runner.host, triple).unwrap_or(configured.spec);
    Ok(json!({
        "target": triple,
        "runner": runner.label,
        "formats": configured.formats.iter().map(|format| format.name()).collect::<Vec<_>>(),
        "test": there.runner.kind(),
        "builder": there.builder().name(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Format;

    fn configured(triple: &str, ci_runner: Option<&str>) -> Configured {
        let spec = targets::lookup(triple).unwrap();
        Configured {
            spec,
            formats: vec![Format::TarGz],
            ci_runner: ci_runner.map(str::to_owned),
            glibc_floor: spec.min_glibc,
            macos_floor: spec.min_macos,
        }
    }

    #[test]
    fn macos_builds_natively_on_a_mac_and_the_rest_on_ubuntu() {
        let mac = job(&configured("aarch64-apple-darwin", None)).unwrap();
        assert_eq!(
            (
                mac["runner"].as_str(),
                mac["test"].as_str(),
                mac["builder"].as_str()
            ),
            (Some("macos-latest"), Some("native"), Some("cargo"))
        );
        let arm = job(&configured("aarch64-unknown-linux-gnu", None)).unwrap();
        assert_eq!(
            (arm["runner"].as_str(), arm["test"].as_str()),
            (Some("ubuntu-latest"), Some("qemu"))
        );
        let windows = job(&configured("x86_64-pc-windows-gnu", None)).unwrap();
        assert_eq!(
            (windows["runner"].as_str(), windows["test"].as_str()),
            (Some("ubuntu-latest"), Some("wine"))
        );
    }

    #[test]
    fn config_can_move_macos_to_ubuntu_where_it_is_build_only() {
        let mac = job(&configured("x86_64-apple-darwin", Some("ubuntu-latest"))).unwrap();
        assert_eq!(
            (mac["test"].as_str(), mac["builder"].as_str()),
            (Some("none"), Some("zigbuild"))
        );
    }

    #[test]
    fn config_can_put_arm64_linux_on_an_arm_runner_where_it_runs_natively() {
        for triple in ["aarch64-unknown-linux-gnu", "aarch64-unknown-linux-musl"] {
            let arm = job(&configured(triple, Some("ubuntu-24.04-arm"))).unwrap();
            assert_eq!(
                (arm["runner"].as_str(), arm["test"].as_str()),
                (Some("ubuntu-24.04-arm"), Some("native")),
                "{triple}"
            );
        }
        let x86 = job(&configured(
            "x86_64-unknown-linux-gnu",
            Some("ubuntu-24.04-arm"),
        ))
        .unwrap();
        assert_eq!(x86["test"].as_str(), Some("qemu"));
    }

    #[test]
    fn unknown_runner_cannot_be_placed() {
        let err = job(&configured("x86_64-pc-windows-gnu", Some("windows-latest")))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cannot place x86_64-pc-windows-gnu on CI runner `windows-latest`"),
            "{err}"
        );
    }

    #[test]
    fn linux_target_on_a_mac_runner_is_refused() {
        let err = job(&configured(
            "aarch64-unknown-linux-gnu",
            Some("macos-latest"),
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("cannot build Linux targets"), "{err}");
    }
}
