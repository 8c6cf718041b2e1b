//! Cloning the template: `rename` turns it into someone's project, and
//! `add-target` / `remove-target` put a target everywhere it must go and
//! take it out again. Both work on copies of the workspace and build in
//! them, so they are ignored by default; `cargo xtask ci` runs them.

mod support;

use std::path::Path;
use std::process::Command;

use support::adoption::*;
use support::*;

/// The files add-target edits.
const TARGET_FILES: [&str; 3] = ["Cargo.toml", "rust-toolchain.toml", ".cargo/config.toml"];

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

/// The adoption the template is made for, done as a user would: add a
/// target from the table (and check add/remove round-trips to the byte),
/// drop two configured ones, rename, and replace the app with another
/// program. Then `dist` ships exactly the targets it now configures, and
/// the copy's own tests, the xtask's suite included, pass in it.
#[test]
#[ignore = "adopts a copy of the template and builds every target in it; run by `cargo xtask ci`"]
fn adopted_template_passes_its_own_tests_and_ships_its_targets() {
    let ws = AdoptionCopy::new();
    let dir = ws.path();
    let configured: Vec<String> = known_targets(dir)
        .iter()
        .filter(|target| target["configured"] == true)
        .map(|target| target["triple"].as_str().unwrap().to_owned())
        .collect();
    let added_target = addable_qemu_target(dir);
    let added = added_target["triple"].as_str().unwrap();
    add_and_remove_round_trip(dir, &added_target);
    succeed(xtask(dir, &["add-target", added]));

    // Drop up to two of the configured targets (keeping one), those with
    // another of their kind first, so that what stays is as varied as
    // what was configured.
    let dropped = droppable(dir, &configured);
    for triple in &dropped {
        succeed(xtask(dir, &["remove-target", triple]));
    }

    let new = format!("{}-adopted", app());
    rename_twice(dir, &new);

    // Replace the sample with another program, which uses a C library.
    replace_program(dir);
    succeed(cargo_in(dir, &["fetch"]).output().unwrap());

    // The GitLab pipeline's matrix followed the added and removed targets.
    let checked = succeed(xtask(dir, &["plan", "--check-gitlab"]));
    assert!(checked.contains("the dist matrix lists the"), "{checked}");

    let out = ws.release_dir();
    succeed(xtask(dir, &["dist", "--out", out.to_str().unwrap()]));
    check_shipped(&out, (&configured, &dropped), &added_target, &new);
    check_added_binary_runs(&out, &added_target, &new);

    // Its own tests, after dist, so that the suite's dists of the copy's
    // targets find their builds warm: the program's, the xtask's suite,
    // and the added target's under qemu.
    let cargo_test = |args: &[&str]| succeed(cargo_in(dir, args).output().unwrap());
    // Plain `cargo test` acts on the default members: the programs and
    // their libraries, not the xtask or the firmware.
    let tested = cargo_test(&["test", "--locked"]);
    assert!(
        tested.contains("counts_lines_words_and_bytes ... ok"),
        "{tested}"
    );
    own_suite_passes(dir);
    let tested = succeed(xtask(dir, &["test", "--target", added]));
    assert!(
        tested.contains("counts_lines_words_and_bytes ... ok"),
        "{tested}"
    );
}

/// Adds `added_target` from the table, checks every file got its part,
/// and removes it again: the files are back to the byte.
fn add_and_remove_round_trip(dir: &Path, added_target: &serde_json::Value) {
    let added = added_target["triple"].as_str().unwrap();
    let before: Vec<Vec<u8>> = TARGET_FILES
        .iter()
        .map(|file| std::fs::read(dir.join(file)).unwrap())
        .collect();
    succeed(xtask(dir, &["add-target", added]));
    let config = std::fs::read_to_string(dir.join(".cargo/config.toml")).unwrap();
    let wanted = &added_target["cargo_config"];
    let table = format!(
        "[target.{added}]\nlinker = \"{}\"\nrunner = \"{}\"",
        wanted["linker"].as_str().unwrap(),
        wanted["runner"].as_str().unwrap()
    );
    assert!(config.contains(&table), "{table} not in:\n{config}");
    for file in ["Cargo.toml", "rust-toolchain.toml"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(text.contains(&format!("\"{added}\"")), "{file}");
    }
    succeed(xtask(dir, &["remove-target", added]));
    for (file, original) in TARGET_FILES.iter().zip(&before) {
        assert!(
            &std::fs::read(dir.join(file)).unwrap() == original,
            "{file} did not come back to what it was"
        );
    }
}

/// Renames the program to `new`; a second run with the same name changes
/// nothing.
fn rename_twice(dir: &Path, new: &str) {
    let said = succeed(xtask(dir, &["rename", new]));
    assert!(
        said.contains(&format!("renamed {} to {new}", app())),
        "{said}"
    );
    let after_first = tree(dir);
    let said = succeed(xtask(dir, &["rename", new]));
    assert!(said.contains("nothing to change"), "{said}");
    assert!(tree(dir) == after_first, "the second rename changed files");
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
    let manifest = std::fs::read_to_string(shipped_manifest(dir)).unwrap();
    assert!(manifest.contains(&format!("name = \"{new}\"")));
    assert!(read("Cargo.toml").contains(&format!("package = \"{new}\"")));
    assert!(read("Cargo.lock").contains(&format!("name = \"{new}\"")));
}

/// The release in `out` ships exactly the configured targets but the
/// `dropped` ones, under the `new` name, and the added target's .deb is of
/// its Debian architecture.
fn check_shipped(
    out: &Path,
    (configured, dropped): (&[String], &[String]),
    added_target: &serde_json::Value,
    new: &str,
) {
    let names = artifacts_in(out);
    let shipped = |triple: &str| names.iter().any(|name| name.contains(triple));
    for triple in dropped {
        assert!(
            !shipped(triple),
            "{triple} was removed but shipped: {names:?}"
        );
    }
    for triple in configured.iter().filter(|t| !dropped.contains(*t)) {
        assert!(shipped(triple), "{triple} not shipped: {names:?}");
    }
    let debian_arch = added_target["debian_arch"].as_str().unwrap();
    let deb = names
        .iter()
        .find(|name| {
            name.starts_with(&format!("{new}_")) && name.ends_with(&format!("_{debian_arch}.deb"))
        })
        .map(|name| out.join(name))
        .unwrap_or_else(|| panic!("no {debian_arch} .deb in {names:?}"));
    let arch = Command::new("dpkg-deb")
        .arg("--field")
        .arg(&deb)
        .arg("Architecture")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&arch.stdout).trim(), debian_arch);
}

/// The shipped binary of the added target is the new program: it counts
/// lines, words and bytes under the target's runner, and ships without a
/// man page, as its build script writes none.
fn check_added_binary_runs(out: &Path, added_target: &serde_json::Value, new: &str) {
    let added = added_target["triple"].as_str().unwrap();
    let wanted = &added_target["cargo_config"];
    let unpacked = Scratch::new("adopt-untar");
    let tarball = format!("{new}-{}-{added}.tar.gz", version());
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(out.join(&tarball))
        .arg("-C")
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(tar.success(), "{tarball}");
    let folder = unpacked.path().join(tarball.trim_end_matches(".tar.gz"));
    // A program whose build script writes no man page ships without one.
    assert!(!folder.join("man").exists(), "{tarball} has a man folder");
    let binary = folder.join(new);
    let runner: Vec<&str> = wanted["runner"].as_str().unwrap().split(' ').collect();
    let mut run = Command::new(runner[0]);
    run.args(&runner[1..])
        .arg(&binary)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = run.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"one two\nthree\n")
        .unwrap();
    let counted = succeed(child.wait_with_output().unwrap());
    assert_eq!(counted.trim(), "2 3 14");
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
            &format!(
                "renaming to `{new}` failed: nothing was changed: every file is back as it was"
            ),
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
    // Another member of the workspace (the xtask is one in every copy).
    let output = cargo_in(
        ws.path(),
        &["metadata", "--no-deps", "--format-version", "1"],
    )
    .output()
    .unwrap();
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let other = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| package["name"].as_str().unwrap().to_owned())
        .find(|name| name != app())
        .expect("the workspace has another member");
    assert_fails_with(
        &xtask(ws.path(), &["rename", &other]),
        &["already the name of another crate in this workspace"],
    );
    assert_fails_with(
        &xtask(ws.path(), &["rename"]),
        &["required arguments were not provided", "<NEW_NAME>"],
    );
    assert!(tree(ws.path()) == before, "a refused rename changed files");
}

#[test]
fn add_target_refuses_what_it_cannot_configure() {
    let ws = copy_of_workspace("add-target-bad");
    let before = tree(ws.path());
    assert_fails_with(
        &xtask(ws.path(), &["add-target", "aarch64-unknown-linux-gnux"]),
        &["Did you mean `aarch64-unknown-linux-gnu`"],
    );
    for (triple, needle) in [
        ("aarch64-linux-android", "ANDROID_NDK_HOME"),
        ("aarch64-apple-ios", "SDKROOT"),
        ("armv7-unknown-linux-musleabihf", "unavailable for download"),
    ] {
        assert_fails_with(
            &xtask(ws.path(), &["add-target", triple]),
            &[&format!("no row for {triple} on purpose"), needle],
        );
    }
    assert_fails_with(
        &xtask(ws.path(), &["add-target", "sparc64-unknown-linux-gnu"]),
        &[
            "rustc knows sparc64-unknown-linux-gnu",
            "KNOWN_TARGETS in xtask/src/targets/table.rs",
        ],
    );
    let unconfigured = addable_qemu_target(ws.path());
    assert_fails_with(
        &xtask(
            ws.path(),
            &["remove-target", unconfigured["triple"].as_str().unwrap()],
        ),
        &["not a configured target"],
    );
    assert!(tree(ws.path()) == before, "a refused edit changed files");
    let configured = configured_triples();
    let said = succeed(xtask(ws.path(), &["add-target", &configured[0]]));
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
            // A triple with a dot (thumbv8m.main-none-eabi) is a table
            // inside a table, as cargo reads it.
            let written = triple
                .split('.')
                .try_fold(config.get("target"), |table, part| {
                    Some(table.and_then(|table| table.get(part)))
                })
                .flatten()
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
    let manifest = std::fs::read_to_string(shipped_manifest(&project)).unwrap();
    assert!(manifest.contains("name = \"gen-tool\""), "{manifest}");
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
    for triple in configured_triples() {
        assert!(
            targets.contains(&triple),
            "{triple} missing from:\n{targets}"
        );
    }
}
