//! Two clean clones of the same commit, built at different times, produce
//! byte-identical artifacts, wherever they are: one clone sits under /tmp
//! and one under /var/tmp, on either side of /usr, where the system's
//! libraries are (linkers have ordered their inputs by path).
//!
//! Ignored by default (it builds two workspaces from scratch, a few minutes
//! on two cores); `cargo xtask ci` runs it. It clones the last commit, so
//! uncommitted changes are not part of what it checks.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

/// One configured target for each kind of linker its release is linked
/// with, on each OS: the targets whose builds differ in what could leak a
/// path into the binary. (Every glibc release is linked by zig, against its
/// floor, whatever links the target's debug builds.)
fn one_per_linker_kind() -> Vec<String> {
    let mut seen = Vec::new();
    let mut chosen = Vec::new();
    for target in configured_targets() {
        let release_linker = if target["glibc_floor"].is_string() {
            "zig"
        } else {
            target["linker_kind"].as_str().unwrap()
        };
        let kind = (
            release_linker.to_owned(),
            target["triple"]
                .as_str()
                .unwrap()
                .split('-')
                .nth(2)
                .unwrap_or_default()
                .to_owned(),
        );
        if !seen.contains(&kind) {
            seen.push(kind);
            chosen.push(target["triple"].as_str().unwrap().to_owned());
        }
    }
    chosen
}

/// A fresh folder under `parent` (which must exist), removed when dropped.
struct Under(PathBuf);

impl Under {
    fn new(parent: &str, label: &str) -> Under {
        let path = Path::new(parent).join(format!("xtask-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Under(path)
    }
}

impl Drop for Under {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn clone_and_dist(into: &Path, targets: &[String], env: &[(&str, &str)]) -> String {
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks"])
        .arg(repo_root())
        .arg(into)
        .status()
        .unwrap();
    assert!(status.success(), "git clone failed");
    let mut args = vec!["xtask", "dist"];
    for target in targets {
        args.extend(["--target", target.as_str()]);
    }
    let mut command = Command::new("cargo");
    command
        .args(&args)
        .current_dir(into)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CARGO_TARGET_DIR")
        .envs(env.iter().copied());
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
fn two_clones_on_either_side_of_usr_build_identical_artifacts() {
    let targets = one_per_linker_kind();
    let before_usr = Under::new("/tmp", "repro");
    let after_usr = Under::new("/var/tmp", "repro");
    let sums_a = clone_and_dist(&before_usr.0.join("ws"), &targets, &[]);
    // A different depth and name, and some seconds later.
    let sums_b = clone_and_dist(&after_usr.0.join("nested/other-name"), &targets, &[]);
    assert!(sums_a.lines().count() >= targets.len(), "{sums_a}");
    assert_eq!(
        sums_a, sums_b,
        "SHA256SUMS differ between a clone under /tmp and one under /var/tmp ({targets:?})"
    );
}

/// With the user's own RUSTFLAGS set (which makes cargo ignore every
/// rustflags config entry), dist still adds its flags: no path of the clone
/// is left in the binary, both clones give the same bytes, and the manifest
/// records the user's flag beside dist's.
#[test]
#[ignore = "builds two clones from scratch; run by `cargo xtask ci`"]
fn user_rustflags_are_kept_and_builds_stay_reproducible() {
    let native = configured_targets()
        .into_iter()
        .find(|target| target["runner"] == "native")
        .expect("a target this machine runs");
    let targets = vec![native["triple"].as_str().unwrap().to_owned()];
    let env = [("RUSTFLAGS", "-Copt-level=s")];
    let before_usr = Under::new("/tmp", "rustflags");
    let after_usr = Under::new("/var/tmp", "rustflags");
    let first = before_usr.0.join("ws");
    let sums_a = clone_and_dist(&first, &targets, &env);
    let sums_b = clone_and_dist(&after_usr.0.join("elsewhere"), &targets, &env);
    assert_eq!(sums_a, sums_b, "RUSTFLAGS made the clones differ");

    let binary = first
        .join("target")
        .join(&targets[0])
        .join("dist")
        .join(app());
    let bytes = std::fs::read(&binary).unwrap();
    let clone_path = first.display().to_string();
    assert!(
        !bytes
            .windows(clone_path.len())
            .any(|window| window == clone_path.as_bytes()),
        "{} holds the clone's path {clone_path}",
        binary.display()
    );
    let manifest =
        std::fs::read_to_string(first.join("target/distrib/dist-manifest.json")).unwrap();
    assert!(manifest.contains("\"-Copt-level=s\""), "{manifest}");
    assert!(
        manifest.contains("--remap-path-prefix=<workspace>=."),
        "{manifest}"
    );
}
