//! Cloning the template: `rename` turns it into someone's project, and
//! `add-target` / `remove-target` put a target everywhere it must go and
//! take it out again. Both work on copies of the workspace and build in
//! them, so they are ignored by default; `cargo xtask ci` runs them.

mod support;

use std::path::Path;
use std::process::Command;

use support::*;

/// The files add-target edits.
const TARGET_FILES: [&str; 3] = ["Cargo.toml", "rust-toolchain.toml", ".cargo/config.toml"];

fn succeed(output: std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "failed:\n{text}");
    text
}

/// Every file under `dir` (but `target/`) with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() == "target" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                walk(root, &entry.path(), out);
            } else {
                let name = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string();
                out.push((name, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
#[ignore = "builds a renamed copy of the workspace; run by `cargo xtask ci`"]
fn renamed_template_builds_artifacts_under_the_new_name() {
    let ws = copy_of_workspace("rename");
    let dir = ws.path();
    // A name the workspace does not have yet, whatever it is called now.
    let new = format!("{}-renamed", app());
    let ident = new.replace('-', "_");
    let said = succeed(xtask(dir, &["rename", &new]));
    assert!(
        said.contains(&format!("renamed {} to {new}", app())),
        "{said}"
    );

    // A second run with the same name changes nothing.
    let after_first = tree(dir);
    let said = succeed(xtask(dir, &["rename", &new]));
    assert!(said.contains("nothing to change"), "{said}");
    assert!(tree(dir) == after_first, "the second rename changed files");

    let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
    assert!(read("app/Cargo.toml").contains(&format!("name = \"{new}\"")));
    assert!(read("Cargo.toml").contains(&format!("package = \"{new}\"")));
    assert!(
        read("Cargo.toml").contains("members = [\"app\", \"platform\", \"xtask\"]"),
        "folders keep their names"
    );
    assert!(read("Cargo.lock").contains(&format!("name = \"{new}\"")));
    assert!(read("app/src/main.rs").contains(&format!("{ident}::run")));
    assert!(read("README.md").contains(&format!("{new} info")));

    // The renamed workspace tests and ships under the new name.
    let tests = Command::new("cargo")
        .args(["test", "--workspace", "--exclude", "xtask", "--locked"])
        .current_dir(dir)
        .output()
        .unwrap();
    succeed(tests);
    let out = dir.join("out");
    succeed(xtask(
        dir,
        &[
            "dist",
            "--target",
            "x86_64-unknown-linux-gnu",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let tarball = format!("{new}-0.1.0-x86_64-unknown-linux-gnu.tar.gz");
    let names = artifacts_in(&out);
    for expected in [tarball.clone(), format!("{new}_0.1.0-1_amd64.deb")] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    let unpacked = Scratch::new("rename-untar");
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(out.join(&tarball))
        .arg("-C")
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(tar.success());
    let binary = unpacked
        .path()
        .join(format!("{new}-0.1.0-x86_64-unknown-linux-gnu"))
        .join(&new);
    let version = succeed(Command::new(binary).arg("--version").output().unwrap());
    assert_eq!(
        version.trim(),
        format!("{new} 0.1.0 (x86_64-unknown-linux-gnu)")
    );
}

/// A rename that fails after it started writing (here: cargo cannot update
/// Cargo.lock, because its registry setting is broken) puts every file
/// back, byte for byte.
#[test]
fn rename_that_fails_halfway_leaves_the_workspace_as_it_was() {
    let ws = copy_of_workspace("rename-halfway");
    let before = tree(ws.path());
    let new = format!("{}-next", app());
    let output = xtask_command(ws.path(), &["rename", &new])
        .env("CARGO_REGISTRIES_CRATES_IO_PROTOCOL", "bogus")
        .output()
        .unwrap();
    assert_fails_with(
        &output,
        &[
            &format!("renaming to `{new}` failed, and every file is back as it was"),
            "could not update Cargo.lock",
        ],
    );
    assert!(tree(ws.path()) == before, "a failed rename changed files");
}

#[test]
fn rename_refuses_names_debian_or_cargo_cannot_take() {
    let ws = copy_of_workspace("rename-bad");
    let before = tree(ws.path());
    assert_fails_with(
        &xtask(ws.path(), &["rename", "MyTool"]),
        &["Debian package names are lowercase"],
    );
    assert_fails_with(
        &xtask(ws.path(), &["rename", "9lives"]),
        &["cannot start with a digit"],
    );
    assert_fails_with(
        &xtask(ws.path(), &["rename", "my_tool"]),
        &["cannot contain `_`"],
    );
    assert_fails_with(
        &xtask(ws.path(), &["rename", "gen"]),
        &["`gen` is a Rust keyword"],
    );
    assert_fails_with(
        &xtask(ws.path(), &["rename", "platform"]),
        &["already the name of another crate in this workspace"],
    );
    assert_fails_with(
        &xtask(ws.path(), &["rename"]),
        &["required arguments were not provided", "<NEW_NAME>"],
    );
    assert!(tree(ws.path()) == before, "a refused rename changed files");
}

#[test]
#[ignore = "installs a cross toolchain and builds for ppc64el; run by `cargo xtask ci`"]
fn added_target_tests_under_qemu_packages_and_removes_cleanly() {
    let ws = copy_of_workspace("add-target");
    let dir = ws.path();
    let triple = "powerpc64le-unknown-linux-gnu";
    let before: Vec<Vec<u8>> = TARGET_FILES
        .iter()
        .map(|file| std::fs::read(dir.join(file)).unwrap())
        .collect();

    succeed(xtask(dir, &["add-target", triple]));
    let config = std::fs::read_to_string(dir.join(".cargo/config.toml")).unwrap();
    assert!(config.contains("[target.powerpc64le-unknown-linux-gnu]\nlinker = \"powerpc64le-linux-gnu-gcc\"\nrunner = \"qemu-ppc64le -L /usr/powerpc64le-linux-gnu\""), "{config}");
    for file in ["Cargo.toml", "rust-toolchain.toml"] {
        assert!(
            std::fs::read_to_string(dir.join(file))
                .unwrap()
                .contains(&format!("\"{triple}\"")),
            "{file}"
        );
    }

    let tested = succeed(xtask(dir, &["test", "--target", triple]));
    assert!(
        tested.contains("under qemu (qemu-ppc64le -L /usr/powerpc64le-linux-gnu)"),
        "{tested}"
    );
    assert!(
        tested.contains("machine: ppc64le"),
        "the app ran under qemu:\n{tested}"
    );

    let out = dir.join("out");
    succeed(xtask(
        dir,
        &["dist", "--target", triple, "--out", out.to_str().unwrap()],
    ));
    let deb = out.join(format!("{}_0.1.0-1_ppc64el.deb", app()));
    let arch = Command::new("dpkg-deb")
        .arg("--field")
        .arg(&deb)
        .arg("Architecture")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&arch.stdout).trim(), "ppc64el");

    succeed(xtask(dir, &["remove-target", triple]));
    for (file, original) in TARGET_FILES.iter().zip(&before) {
        assert!(
            &std::fs::read(dir.join(file)).unwrap() == original,
            "{file} did not come back to what it was"
        );
    }
}

#[test]
fn add_target_refuses_what_it_cannot_configure() {
    let ws = copy_of_workspace("add-target-bad");
    let before = tree(ws.path());
    assert_fails_with(
        &xtask(ws.path(), &["add-target", "aarch64-unknown-linux-gnux"]),
        &["Did you mean `aarch64-unknown-linux-gnu`"],
    );
    assert_fails_with(
        &xtask(ws.path(), &["add-target", "s390x-unknown-linux-gnu"]),
        &[
            "rustc knows s390x-unknown-linux-gnu",
            "KNOWN_TARGETS in xtask/src/targets/table.rs",
        ],
    );
    assert_fails_with(
        &xtask(
            ws.path(),
            &["remove-target", "powerpc64le-unknown-linux-gnu"],
        ),
        &["not a configured target"],
    );
    assert!(tree(ws.path()) == before, "a refused edit changed files");
    let said = succeed(xtask(
        ws.path(),
        &["add-target", "x86_64-unknown-linux-gnu"],
    ));
    assert!(said.contains("already a configured target"), "{said}");
    assert!(
        tree(ws.path()) == before,
        "adding a configured target changed files"
    );
}

/// `.cargo/config.toml` carries, for every configured target, the linker,
/// runner and C compiler the target table says: the two descriptions cannot
/// drift apart.
#[test]
fn cargo_config_agrees_with_the_target_table() {
    let text = std::fs::read_to_string(repo_root().join(".cargo/config.toml")).unwrap();
    let config: toml_edit::DocumentMut = text.parse().unwrap();
    for target in configured_targets() {
        let triple = target["triple"].as_str().unwrap();
        let wanted = &target["cargo_config"];
        for key in ["linker", "runner"] {
            let written = config
                .get("target")
                .and_then(|targets| targets.get(triple))
                .and_then(|table| table.get(key))
                .and_then(|item| item.as_str());
            assert_eq!(
                written,
                wanted[key].as_str(),
                "{key} of {triple} in .cargo/config.toml"
            );
        }
        for (name, value) in wanted["env"].as_object().unwrap() {
            let written = config.get("env").and_then(|env| env.get(name));
            let written = written
                .and_then(|item| item.as_str())
                .or_else(|| written.and_then(|item| item.get("value")?.as_str()));
            assert_eq!(
                written,
                value.as_str(),
                "[env] {name} for {triple} in .cargo/config.toml"
            );
        }
    }
}

/// cargo-generate takes this repository as a template: it copies the files
/// untouched (see cargo-generate.toml) and its hook runs `cargo xtask
/// rename`. Needs cargo-generate, which `cargo xtask ci` installs.
#[test]
#[ignore = "needs cargo-generate and compiles the xtask in the new project; run by `cargo xtask ci`"]
fn cargo_generate_makes_a_renamed_project() {
    let installed = Command::new("cargo")
        .args(["generate", "--version"])
        .output()
        .map(|o| o.status.success());
    assert!(
        installed.unwrap_or(false),
        "cargo-generate is not installed: run this through `cargo xtask ci`, which installs it, \
         or `cargo install cargo-generate@0.23.14 --locked`"
    );
    // A clean clone: cargo-generate copies everything it is given, target/ too.
    let scratch = Scratch::new("cargo-generate");
    let template = scratch.path().join("template");
    let cloned = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(repo_root())
        .arg(&template)
        .status()
        .unwrap();
    assert!(cloned.success());
    let output = Command::new("cargo")
        .args([
            "generate",
            "--silent",
            "--allow-commands",
            "--name",
            "gen-tool",
            "--path",
        ])
        .arg(&template)
        .arg("--destination")
        .arg(scratch.path())
        .output()
        .unwrap();
    succeed(output);

    let project = scratch.path().join("gen-tool");
    let read = |file: &str| std::fs::read_to_string(project.join(file)).unwrap();
    assert!(read("app/Cargo.toml").contains("name = \"gen-tool\""));
    assert!(read("Cargo.toml").contains("package = \"gen-tool\""));
    assert!(read("README.md").contains("gen-tool info"));
    assert_eq!(
        read(".github/workflows/release.yml"),
        std::fs::read_to_string(template.join(".github/workflows/release.yml")).unwrap()
    );
    assert!(
        !project.join("cargo-generate.toml").exists(),
        "cargo-generate's own files are not copied"
    );
    let targets = succeed(xtask(&project, &["targets"]));
    assert!(targets.contains("x86_64-unknown-linux-gnu"), "{targets}");
}
