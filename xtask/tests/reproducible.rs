//! Two clean clones of the same commit, built at different times, produce
//! byte-identical artifacts, wherever they are: one clone sits under /tmp
//! and one under /var/tmp, on either side of /usr, where the system's
//! libraries are (linkers have ordered their inputs by path). One of them
//! builds with the xtask's `dist`, the other with the GitLab pipeline, run
//! by gitlab-ci-local: one job per target, then merge and verify.
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

/// The xtask of this commit, run in the clones rather than compiled again
/// in each (`cargo xtask` in a fresh clone is a cold build of the xtask,
/// which is not what these tests are about); the GitLab pipeline's jobs
/// build their own, as CI does.
const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

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

/// A clone of the last commit in `into`, configured with only `targets`
/// (by `cargo xtask remove-target`, as a user would drop the others).
fn clone_with_targets(into: &Path, targets: &[String]) {
    git_clone(into);
    for triple in configured_triples() {
        if !targets.contains(&triple) {
            let output = in_clone(into, XTASK, &["remove-target", &triple], &[])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "remove-target {triple}: {output:?}"
            );
        }
    }
}

fn git_clone(into: &Path) {
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks"])
        .arg(repo_root())
        .arg(into)
        .status()
        .unwrap();
    assert!(status.success(), "git clone failed");
}

/// `program args` in a clone, as on a fresh machine: no SOURCE_DATE_EPOCH
/// or CARGO_TARGET_DIR from this process, and the tools folder shared
/// (zig is 100 MB), with its programs first on PATH.
fn in_clone(clone: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
    let tools = repo_root().join("target/xtask-tools");
    let mut paths = vec![tools.join("bin")];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(clone)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CARGO_TARGET_DIR")
        .env("PATH", std::env::join_paths(paths).unwrap())
        .envs(env.iter().copied());
    if tools.exists() {
        command.env("XTASK_TOOLS_DIR", tools);
    }
    command
}

fn clone_and_dist(into: &Path, targets: &[String], env: &[(&str, &str)]) -> String {
    git_clone(into);
    let mut args = vec!["dist"];
    for target in targets {
        args.extend(["--target", target.as_str()]);
    }
    let output = in_clone(into, XTASK, &args, env).output().unwrap();
    assert!(
        output.status.success(),
        "dist in {} failed:\n{}",
        into.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(into.join("target/distrib/SHA256SUMS")).unwrap()
}

/// The targets the pipeline test builds: one for each kind of release
/// linker on each OS, one for each runner (native, qemu, wine, wasmtime,
/// none for macOS), and every one of the container image, whose merged
/// image must equal dist's, in the configured order.
fn pipeline_targets() -> Vec<String> {
    let mut chosen = one_per_linker_kind();
    for target in configured_targets() {
        if target.get("container_platform").is_some() {
            chosen.push(target["triple"].as_str().unwrap().to_owned());
        }
    }
    let mut runners: Vec<String> = Vec::new();
    for target in configured_targets() {
        let triple = target["triple"].as_str().unwrap().to_owned();
        let runner = target["runner"].as_str().unwrap().to_owned();
        if chosen.contains(&triple) {
            runners.push(runner);
        }
    }
    for target in configured_targets() {
        let runner = target["runner"].as_str().unwrap().to_owned();
        if !runners.contains(&runner) {
            runners.push(runner);
            chosen.push(target["triple"].as_str().unwrap().to_owned());
        }
    }
    configured_triples()
        .into_iter()
        .filter(|triple| chosen.contains(triple))
        .collect()
}

/// The clone under /tmp builds with `cargo xtask dist`; the one under
/// /var/tmp (another depth and name, and minutes later) with the GitLab
/// pipeline, every job in its own copy of the clone (--shell-isolation),
/// one at a time, the parts passed from the dist jobs to merge as
/// artifacts; its jobs share one target folder, as a CI cache would. Both
/// drop the other targets with `remove-target`, so the pipeline's matrix
/// follows the configuration with no hand edit (its plan job checks it).
#[test]
#[ignore = "builds two clones from scratch and runs a GitLab pipeline; run by `cargo xtask ci`"]
fn gitlab_pipeline_in_one_clone_ships_what_dist_ships_in_another() {
    let targets = pipeline_targets();
    let before_usr = Under::new("/tmp", "repro");
    let after_usr = Under::new("/var/tmp", "repro");

    let one_go = before_usr.0.join("ws");
    clone_with_targets(&one_go, &targets);
    let output = in_clone(&one_go, XTASK, &["dist"], &[]).output().unwrap();
    assert!(
        output.status.success(),
        "dist: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let piped = after_usr.0.join("nested/other-name");
    clone_with_targets(&piped, &targets);
    let target_dir = format!("CARGO_TARGET_DIR={}", piped.join("target").display());
    let started = std::time::Instant::now();
    let args = [
        "--shell-isolation",
        "--concurrency",
        "1",
        "--no-color",
        "--variable",
        &target_dir,
    ];
    let output = in_clone(&piped, "gitlab-ci-local", &args, &[])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the GitLab pipeline failed:\n{said}"
    );
    eprintln!(
        "the GitLab pipeline took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    for target in &targets {
        assert!(
            said.contains(&format!("PASS  dist: [{target}]")),
            "no dist job passed for {target}:\n{said}"
        );
    }
    for job in ["plan", "merge", "verify"] {
        assert!(said.contains(&format!("PASS  {job}")), "{job}:\n{said}");
    }

    assert_same_files(
        &one_go.join("target/distrib"),
        &piped.join("release"),
        &format!("dist under /tmp and the pipeline under /var/tmp ({targets:?})"),
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
