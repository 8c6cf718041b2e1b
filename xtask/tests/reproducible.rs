//! Two clean clones of the same commit, at different paths, built at
//! different times, produce byte-identical artifacts.
//!
//! Ignored by default (it builds two workspaces from scratch, a few minutes
//! on two cores); `cargo xtask ci` runs it. It clones the last commit, so
//! uncommitted changes are not part of what it checks.

mod support;

use std::path::Path;
use std::process::Command;

use support::*;

/// One target per kind of linker: host cc, cross gcc, rust-lld, MinGW, zig.
const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "aarch64-unknown-linux-musl",
    "x86_64-pc-windows-gnu",
    "aarch64-apple-darwin",
];

fn clone_and_dist(into: &Path) -> String {
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks"])
        .arg(repo_root())
        .arg(into)
        .status()
        .unwrap();
    assert!(status.success(), "git clone failed");
    let mut args = vec!["xtask", "dist"];
    for target in TARGETS {
        args.extend(["--target", target]);
    }
    let mut command = Command::new("cargo");
    command
        .args(&args)
        .current_dir(into)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CARGO_TARGET_DIR");
    // Share the zig install rather than downloading it twice.
    let tools = repo_root().join("target/xtask-tools");
    if tools.exists() {
        command.env("XTASK_TOOLS_DIR", tools);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "dist in {} failed:\n{}",
        into.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(into.join("target/distrib/SHA256SUMS")).unwrap()
}

#[test]
#[ignore = "builds two clones from scratch; run by `cargo xtask ci`"]
fn two_clones_build_identical_artifacts() {
    let first = Scratch::new("repro-a");
    let second = Scratch::new("repro-b");
    let sums_a = clone_and_dist(&first.path().join("ws"));
    // A different depth and name, and some seconds later.
    let sums_b = clone_and_dist(&second.path().join("nested/other-name"));
    assert_eq!(sums_a.lines().count(), 7, "{sums_a}");
    assert_eq!(sums_a, sums_b, "SHA256SUMS differ between the two clones");
}
