//! Where each planned target is built in CI: the runner of its job in the
//! release workflow's matrix, and how the target is built and tested on
//! that runner, which `cargo xtask plan` prints for the workflows.
//!
//! Linux, Windows (MinGW) and WASI targets build on Ubuntu, macOS targets
//! natively on macOS, and MSVC targets with plain cargo on Windows, their
//! binaries then packaged by dist on Ubuntu
//! (`[workspace.metadata.dist.ci-runner]` can choose another label).

use anyhow::{Result, bail};
use serde::Serialize;

use crate::targets::ci_runners::{self, CiRunner};
use crate::targets::{self, Linker};
use crate::workspace::config::Configured;

/// One job of the CI matrix, as the workflows read it
/// (`matrix: include: ${{ fromJSON(...) }}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CiJob {
    pub target: &'static str,
    /// The runner label.
    pub runner: &'static str,
    pub formats: Vec<&'static str>,
    /// The runner kind its tests run under there (`native`, `qemu`, …).
    pub test: &'static str,
    /// `cargo` or `zigbuild`.
    pub builder: &'static str,
    /// For an MSVC target: the runner dist packages its binaries on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packaged_on: Option<&'static str>,
    /// For an MSVC target: what plain cargo builds on Windows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cargo_packages: Option<String>,
    /// Whether the release workflow's Mac job checks its part.
    pub macos: bool,
}

/// The job of `configured`. An MSVC target is built and tested on a
/// Windows runner with plain cargo, and its binary packaged by dist on
/// [`ci_runners::PACKAGING_RUNNER`], with `hosted` selecting what plain
/// cargo builds there; every other target's job runs dist on its runner.
pub fn job(configured: &Configured, hosted: &str) -> Result<CiJob> {
    let triple = configured.triple();
    let runner = placed_runner(configured)?;
    let formats: Vec<&'static str> = configured.formats.iter().map(|f| f.name()).collect();
    if runner.is_windows() {
        return Ok(CiJob {
            target: triple,
            runner: runner.label,
            formats,
            test: "native",
            builder: "cargo",
            packaged_on: Some(ci_runners::PACKAGING_RUNNER),
            cargo_packages: Some(hosted.to_owned()),
            macos: false,
        });
    }
    // How the target is built and tested on that runner, not on this machine.
    let there = targets::lookup_on(runner.host, triple).unwrap_or(configured.spec);
    Ok(CiJob {
        target: triple,
        runner: runner.label,
        formats,
        test: there.runner.kind(),
        builder: there.builder().name(),
        packaged_on: None,
        cargo_packages: None,
        macos: configured.spec.os == targets::Os::Darwin,
    })
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
    use serde_json::Value;

    /// The job as the workflows read it.
    fn job(configured: &Configured, hosted: &str) -> Result<Value> {
        Ok(serde_json::to_value(super::job(configured, hosted)?)?)
    }

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
