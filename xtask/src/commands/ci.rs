//! `cargo xtask ci`: everything CI checks, in the order that fails fastest.
//!
//! 1. provision every configured target, and the tools the artifact tests
//!    open artifacts with;
//! 2. `cargo fmt --check`, actionlint on the GitHub workflows and
//!    gitlab-ci-local's check of the GitLab pipeline, clippy with
//!    warnings denied (once per OS), and `cargo doc` with warnings denied;
//! 3. every target's tests under its runner (`cargo xtask test`);
//! 4. `cargo xtask dist` of every target, then `cargo xtask verify`;
//! 5. the xtask's own tests, including the slow ones: artifacts opened with
//!    tar, unzip, dpkg-deb, lintian, rpm, rpmlint, man and sha256sum, the
//!    parts-equal-whole release test, and the reproducibility test that
//!    builds two fresh clones.

use anyhow::Result;
use xshell::cmd;

use crate::build::cargo;
use crate::cli::{DistArgs, InstallPolicy, TargetSelection, TestArgs, VerifyArgs};
use crate::commands::{dist, plan, test, verify};
use crate::pins;
use crate::release::publish;
use crate::targets::{Os, runs_with};
use crate::vocab::{Pin, Probe, Role, Source, Tool};
use crate::workspace::Workspace;

const SBOM_TESTS: &str = "validating the SBOMs in the tests";

/// A Python package from PyPI, present when `module` imports.
const fn python_module(module: &'static str, pin: &'static Pin) -> Tool {
    Tool {
        role: Role::Runner,
        probe: Probe::PythonModule(module),
        source: Source::Pip(pin),
    }
}

/// What CI checks with besides the targets' own tools: the tools a user
/// would open artifacts with, and actionlint for the workflows.
const CI_TOOLS: &[(Tool, &str)] = &[
    (runs_with("lintian", "lintian"), "the .deb tests"),
    (runs_with("unzip", "unzip"), "the zip tests"),
    (runs_with("dpkg-deb", "dpkg"), "the .deb tests"),
    (runs_with("file", "file"), "the musl test"),
    (runs_with("man", "man-db"), "the man page tests"),
    (runs_with("rpm", "rpm"), "the .rpm tests"),
    (runs_with("rpmlint", "rpmlint"), "the .rpm tests"),
    (runs_with("cpio", "cpio"), "the .rpm tests"),
    (
        runs_with("gpg", "gpg"),
        "signing the .rpm packages in the tests",
    ),
    (
        runs_with("objdump", "binutils"),
        "reading glibc versions in the tests",
    ),
    (runs_with("git", "git"), "the reproducibility test"),
    (
        runs_with("llvm-objdump", "llvm"),
        "reading Mach-O headers in the tests",
    ),
    (runs_with("minisign", "minisign"), "the signing tests"),
    (
        runs_with("shellcheck", "shellcheck"),
        "checking install.sh in the tests",
    ),
    (
        runs_with("ruby", "ruby"),
        "parsing the Homebrew formula in the tests",
    ),
    (
        runs_with("skopeo", "skopeo"),
        "reading and copying the container image in the tests",
    ),
    (
        runs_with("umoci", "umoci"),
        "unpacking the container image in the tests",
    ),
    (
        runs_with("msiinfo", "msitools"),
        "reading the .msi packages in the tests",
    ),
    (
        runs_with("osslsigncode", "osslsigncode"),
        "checking Authenticode signatures in the tests",
    ),
    (python_module("cyclonedx", &pins::CYCLONEDX), SBOM_TESTS),
    (python_module("jsonschema", &pins::JSONSCHEMA), SBOM_TESTS),
    (
        python_module(
            "jsonschema_specifications",
            &pins::JSONSCHEMA_SPECIFICATIONS,
        ),
        SBOM_TESTS,
    ),
    (python_module("referencing", &pins::REFERENCING), SBOM_TESTS),
    (python_module("rpds", &pins::RPDS_PY), SBOM_TESTS),
    (python_module("attrs", &pins::ATTRS), SBOM_TESTS),
    (
        python_module("typing_extensions", &pins::TYPING_EXTENSIONS),
        SBOM_TESTS,
    ),
    (
        runs_with("dpkg-architecture", "dpkg-dev"),
        "checking the target table's Debian architectures",
    ),
    (
        Tool {
            role: Role::Runner,
            probe: Probe::Command("actionlint"),
            source: Source::Pip(&pins::ACTIONLINT),
        },
        "checking the workflows",
    ),
    (
        Tool {
            role: Role::Runner,
            probe: Probe::Command("gitlab-ci-local"),
            source: Source::Npm(&pins::GITLAB_CI_LOCAL),
        },
        "checking and running the GitLab pipeline",
    ),
    (
        runs_with("rsync", "rsync"),
        "gitlab-ci-local, which copies the workspace for each job",
    ),
    (runs_with("npm", "npm"), "installing gitlab-ci-local"),
    (
        Tool {
            role: Role::Runner,
            probe: Probe::Command("cargo-generate"),
            source: Source::Cargo(&pins::CARGO_GENERATE),
        },
        "the cargo-generate test",
    ),
];

pub fn run(ws: &Workspace, install: &InstallPolicy) -> Result<()> {
    let sh = &ws.sh;
    let no_install = install.no_install;
    let targets = ws.select(&[])?;
    ws.provision(&targets, CI_TOOLS, no_install)?;

    eprintln!("==> formatting");
    cmd!(sh, "cargo fmt --all --check").run()?;

    eprintln!("==> workflows");
    cmd!(sh, "actionlint").run()?;
    // gitlab-ci-local checks the file against GitLab's schema as it lists
    // the jobs; plan checks its matrix is the configured targets.
    cmd!(sh, "gitlab-ci-local --list").run()?;
    plan::gitlab(ws, false)?;

    // cfg-gated code only compiles, and so only lints, for its own OS: lint
    // once per OS among the configured targets (the host covers the xtask).
    eprintln!("==> clippy");
    cmd!(
        sh,
        "cargo clippy --workspace --all-targets --locked -- -D warnings"
    )
    .run()?;
    let mut linted: Vec<Os> = Vec::new();
    for configured in &targets {
        if !linted.contains(&configured.spec.os) {
            linted.push(configured.spec.os);
            cargo::command(sh, configured.spec, "clippy")
                .args(cargo::SHIPPED_CRATES)
                .args(["--all-targets", "--locked", "--", "-D", "warnings"])
                .run()?;
        }
    }

    eprintln!("==> docs");
    cmd!(
        sh,
        "cargo doc --workspace --no-deps --document-private-items --locked"
    )
    .env("RUSTDOCFLAGS", "-D warnings")
    .run()?;

    let every_target = || TargetSelection { targets: vec![] };
    let install = || InstallPolicy { no_install };
    test::run(
        ws,
        &TestArgs {
            selection: every_target(),
            install: install(),
        },
    )?;
    dist::run(
        ws,
        &DistArgs {
            selection: every_target(),
            out: None,
            install: install(),
        },
    )?;
    let dist_dir = publish::default_out_dir(&ws.config.target_dir);
    verify::run(
        Workspace::load,
        &VerifyArgs {
            dir: Some(dist_dir),
            key: None,
            windows_ca: None,
        },
    )?;

    eprintln!("==> the xtask's own tests");
    cmd!(
        sh,
        "cargo test --package xtask --locked --no-fail-fast -- --include-ignored"
    )
    .run()?;
    Ok(())
}
