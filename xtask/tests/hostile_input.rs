//! Hostile and unusual input: configuration text that would run a command
//! on every user's machine if pasted into an installer unquoted, and valid
//! TOML that cargo accepts in shapes the xtask must not trip over. Each
//! gets correct handling or a clear error, and no half-written file.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

/// The manifest of the shipped package in the workspace `dir`, as `cargo
/// metadata` finds it (wherever the adopter moved it).
fn shipped_manifest(dir: &Path) -> PathBuf {
    let output = cargo_in(dir, &["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .unwrap();
    assert!(output.status.success(), "cargo metadata: {output:?}");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|package| package["name"] == app())
        .expect("the shipped package is a member");
    PathBuf::from(package["manifest_path"].as_str().unwrap())
}

/// Sets `key` of `[workspace.metadata.dist]` (or, with `package`, of the
/// shipped package's `[package]`) in the workspace `dir` to `value`.
fn set_string(dir: &Path, package: bool, key: &str, value: &str) {
    let path = match package {
        true => shipped_manifest(dir),
        false => dir.join("Cargo.toml"),
    };
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let table = match package {
        true => &mut doc["package"],
        false => &mut doc["workspace"]["metadata"]["dist"],
    };
    table[key] = toml_edit::value(value);
    std::fs::write(&path, doc.to_string()).unwrap();
}

/// The file in `dir` whose name ends with `suffix`.
fn file_ending(dir: &Path, suffix: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no *{suffix} in {}", dir.display()))
}

/// A base URL, description and license that each try to run `touch` when
/// pasted unquoted into sh or a Ruby string, and the installers made from
/// them: no marker file appears when the script runs or the formula is
/// evaluated, shellcheck finds nothing, and the script says the URL as it
/// was written.
#[test]
fn installer_text_from_the_configuration_stays_text() {
    let ws = copy_of_workspace("hostile-installers");
    let dir = ws.path();
    let base_url =
        "https://127.0.0.1:9/$(touch${IFS}sh-dollar)/`touch${IFS}sh-tick`/\"'\\}/v{version}";
    set_string(dir, false, "base-url", base_url);
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(dir.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    doc["workspace"]["metadata"]["dist"]["installers"] =
        toml_edit::value(toml_edit::Array::from_iter(["shell", "homebrew"]));
    std::fs::write(dir.join("Cargo.toml"), doc.to_string()).unwrap();
    set_string(
        dir,
        true,
        "description",
        "A tool\" + `touch ruby-tick` + \"#{system('touch ruby-interpolated')}",
    );

    let scratch = Scratch::new("hostile-installers-run");
    let part = scratch.path().join("part");
    make_release(&part, version(), "x86_64-unknown-linux-gnu");
    let out = scratch.path().join("out");
    let output = xtask(
        dir,
        &[
            "merge",
            part.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "merge: {output:?}");

    let script = file_ending(&out, "-installer.sh");
    let checked = Command::new("shellcheck")
        .args(["--shell=sh", "--severity=style"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(checked.status.success(), "shellcheck: {checked:?}");
    let ran = Command::new("sh")
        .arg(&script)
        .arg("--prefix")
        .arg(scratch.path().join("bin"))
        .current_dir(scratch.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&ran.stderr);
    let expected_url = base_url.replace("{version}", version());
    assert!(
        said.contains(&expected_url),
        "the script changed the URL:\n{said}"
    );
    assert!(!ran.status.success(), "nothing listens there:\n{said}");

    let formula = file_ending(&out, ".rb");
    let parsed = Command::new("ruby")
        .arg("-c")
        .arg(&formula)
        .output()
        .unwrap();
    assert!(parsed.status.success(), "ruby -c: {parsed:?}");
    // Evaluate the formula's class body as Homebrew would, with every DSL
    // call answered by a stub that runs its block (but `test`'s, which
    // runs the installed program): its strings are built, so an
    // interpolation in them would run.
    let evaluated = Command::new("ruby")
        .arg("-e")
        .arg(
            "class Formula\n\
               def self.method_missing(*) = (yield if block_given?)\n\
               def self.test(*) = nil\n\
             end\n\
             load ARGV[0]",
        )
        .arg(&formula)
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert!(evaluated.status.success(), "ruby: {evaluated:?}");

    for marker in ["sh-dollar", "sh-tick", "ruby-tick", "ruby-interpolated"] {
        assert!(
            !scratch.path().join(marker).exists(),
            "configuration text ran `touch {marker}`"
        );
    }
}
