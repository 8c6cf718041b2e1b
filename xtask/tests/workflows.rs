//! The GitHub Actions workflows take their targets from `cargo xtask plan`,
//! never from a list of their own.

mod support;

use support::*;

fn workflows() -> Vec<(String, String)> {
    files_in(&repo_root().join(".github/workflows"))
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn no_workflow_hard_codes_a_target() {
    let triples = configured_triples();
    let workflows = workflows();
    assert!(workflows.len() >= 2, "expected ci.yml and release.yml");
    for (name, text) in &workflows {
        for triple in &triples {
            assert!(
                !text.contains(triple),
                "{name} names target {triple}; take targets from `cargo xtask plan`"
            );
        }
        for fragment in [
            "-unknown-linux-",
            "-apple-darwin",
            "-pc-windows-",
            "wasm32-",
        ] {
            assert!(
                !text.contains(fragment),
                "{name} contains a target triple ({fragment})"
            );
        }
    }
}

#[test]
fn release_matrix_comes_from_plan() {
    let release = workflows()
        .into_iter()
        .find(|(name, _)| name == "release.yml")
        .expect("release.yml")
        .1;
    assert!(release.contains("cargo xtask plan --json"));
    assert!(release.contains("fromJSON(needs.plan.outputs.matrix)"));
    assert!(release.contains("cargo xtask dist --target"));
    assert!(release.contains("cargo xtask merge"));
}

#[test]
fn ci_workflow_runs_the_readme_test_command() {
    let ci = workflows()
        .into_iter()
        .find(|(name, _)| name == "ci.yml")
        .expect("ci.yml")
        .1;
    assert!(ci.contains("run: cargo xtask ci"));
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(readme.contains("cargo xtask ci"));
}

/// A Mac checks the macOS parts before anything is published: it smoke-runs
/// each binary natively (`verify --run`), and Apple's own tools check its
/// signature and what it links. `publish` waits for it.
#[test]
fn a_mac_checks_the_macos_parts_before_publish() {
    let release = workflows()
        .into_iter()
        .find(|(name, _)| name == "release.yml")
        .expect("release.yml")
        .1;
    // A job is its `  name:` line and the lines up to the next job's.
    let lines: Vec<&str> = release.lines().collect();
    let is_job =
        |line: &&str| line.starts_with("  ") && !line.starts_with("   ") && line.ends_with(':');
    let job = |name: &str| -> String {
        let start = lines
            .iter()
            .position(|line| *line == format!("  {name}:"))
            .unwrap_or_else(|| panic!("release.yml has no {name} job"));
        let end = lines[start + 1..]
            .iter()
            .position(is_job)
            .map_or(lines.len(), |at| start + 1 + at);
        lines[start..end].join("\n")
    };
    let macos = job("macos");
    for needle in [
        "runs-on: macos-latest",
        "needs.plan.outputs.macos",
        "cargo xtask verify part --run",
        "scripts/apple-tools-check part",
    ] {
        assert!(
            macos.contains(needle),
            "the macos job lacks {needle}:\n{macos}"
        );
    }
    let check = std::fs::read_to_string(repo_root().join("scripts/apple-tools-check")).unwrap();
    for needle in ["codesign --verify", "otool -L", "dyld_info -imports"] {
        assert!(check.contains(needle), "apple-tools-check lacks {needle}");
    }
    let publish = job("publish");
    assert!(
        publish.contains("needs: [build, package, macos]"),
        "publish does not wait for the Mac:\n{publish}"
    );
}

/// GitLab's pipeline has the same Mac job for each macOS target (none
/// without one), there where MACOS_RUNNER_TAG names a Mac runner, and every
/// release job waits for it when it runs.
#[test]
fn a_mac_checks_the_macos_parts_before_a_gitlab_release() {
    let pipeline = std::fs::read_to_string(repo_root().join(".gitlab-ci.yml")).unwrap();
    let macos: Vec<String> = configured_triples()
        .into_iter()
        .filter(|triple| triple.ends_with("-apple-darwin"))
        .collect();
    let job = pipeline
        .split("\nmacos:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n# end: macos job").next());
    // With no macOS target, there is no job to wait for.
    let Some(job) = job.filter(|_| !macos.is_empty()) else {
        assert_eq!(job.is_some(), !macos.is_empty(), "{pipeline}");
        return;
    };
    for needle in [
        "if: $MACOS_RUNNER_TAG",
        "tags: [$MACOS_RUNNER_TAG]",
        "cargo xtask verify \"parts/$TARGET\" --run",
        "scripts/apple-tools-check \"parts/$TARGET\"",
    ] {
        assert!(job.contains(needle), "the macos job lacks {needle}:\n{job}");
    }
    for triple in &macos {
        assert!(job.contains(&format!("- {triple}\n")), "{triple}:\n{job}");
    }
    for release_job in ["release", "pypi", "npm", "container"] {
        let needs = pipeline
            .split(&format!("\n{release_job}:\n"))
            .nth(1)
            .and_then(|rest| {
                rest.lines()
                    .find(|line| line.trim_start().starts_with("needs:"))
            })
            .unwrap_or_else(|| panic!("{release_job} has no needs"));
        assert!(
            needs.contains("{job: macos, optional: true}"),
            "{release_job} does not wait for the Mac: {needs}"
        );
    }
}

/// Every shell script under scripts/, which init copies into adopted
/// projects and the pipelines run, passes shellcheck.
#[test]
#[ignore = "needs shellcheck, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
fn every_script_passes_shellcheck() {
    let mut checked = 0;
    for (name, bytes) in files_in(&repo_root().join("scripts")) {
        if !bytes.starts_with(b"#!/bin/sh") && !bytes.starts_with(b"#!/bin/bash") {
            continue;
        }
        let path = repo_root().join("scripts").join(&name);
        let output = std::process::Command::new("shellcheck")
            .arg(&path)
            .output()
            .expect("shellcheck (cargo xtask ci installs it)");
        assert!(
            output.status.success(),
            "shellcheck finds fault with scripts/{name}:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} shell scripts under scripts/");
}
