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
        "codesign --verify",
        "otool -L",
        "dyld_info -imports",
    ] {
        assert!(
            macos.contains(needle),
            "the macos job lacks {needle}:\n{macos}"
        );
    }
    let publish = job("publish");
    assert!(
        publish.contains("needs: [build, package, macos]"),
        "publish does not wait for the Mac:\n{publish}"
    );
}
