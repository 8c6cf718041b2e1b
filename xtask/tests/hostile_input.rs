//! Hostile and unusual input: configuration text that would run a command
//! on every user's machine if pasted into an installer unquoted, and valid
//! TOML that cargo accepts in shapes the xtask must not trip over. Each
//! gets correct handling or a clear error, and no half-written file.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

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
#[ignore = "needs ruby and shellcheck, which `cargo xtask ci` installs; run by it"]
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

/// `.cargo/config.toml` with `target` and `env` as inline tables, valid
/// TOML that cargo reads like the usual `[target.…]` and `[env]` tables:
/// add-target and remove-target edit them in place, and remove-target
/// takes a removed target's C compiler variables out of the inline `env`.
#[test]
fn inline_target_and_env_tables_are_edited_in_place() {
    let ws = fixture_workspace("inline-tables");
    let dir = ws.path();
    let path = dir.join(".cargo/config.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    for key in ["target", "env"] {
        let table = doc.remove(key).unwrap().into_table().unwrap();
        let mut inline = table.into_inline_table();
        inline.fmt();
        doc.insert(key, toml_edit::value(inline));
    }
    let before = doc.to_string();
    std::fs::write(&path, &before).unwrap();

    let added = addable_qemu_target(dir);
    let added = added["triple"].as_str().unwrap();
    let output = xtask(dir, &["add-target", added]);
    assert!(output.status.success(), "add-target: {output:?}");
    let config: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    assert!(config["target"][added]["linker"].is_str(), "{config}");
    let output = xtask(dir, &["remove-target", added]);
    assert!(output.status.success(), "remove-target: {output:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);

    // A target whose C compiler zig is: its CC_ and AR_ go with it.
    let zig_built = "x86_64-unknown-linux-musl";
    let env_name = zig_built.replace('-', "_");
    assert!(before.contains(&format!("CC_{env_name}")), "{before}");
    let output = xtask(dir, &["remove-target", zig_built]);
    assert!(output.status.success(), "remove-target: {output:?}");
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(!after.contains(&env_name), "left behind:\n{after}");
    after.parse::<toml_edit::DocumentMut>().unwrap();
}

/// Makes a folder immutable (`chattr +i`: even root cannot create files in
/// it) for as long as it lives; `None` where the file system has no such
/// flag.
struct Immutable(PathBuf);

impl Immutable {
    fn new(dir: &Path) -> Option<Immutable> {
        let set = Command::new("chattr").arg("+i").arg(dir).output().ok()?;
        set.status.success().then(|| Immutable(dir.to_owned()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// add-target and remove-target write several files. When one cannot be
/// written (here `.cargo/config.toml`, whose folder is made immutable, the
/// third of four), the files written before it get their bytes back.
#[test]
fn a_workspace_edit_that_fails_halfway_changes_nothing() {
    let ws = fixture_workspace("edit-fails");
    let dir = ws.path();
    let files = [
        "Cargo.toml",
        "rust-toolchain.toml",
        ".cargo/config.toml",
        ".gitlab-ci.yml",
    ];
    let before: Vec<Option<Vec<u8>>> = files
        .iter()
        .map(|f| std::fs::read(dir.join(f)).ok())
        .collect();
    let Some(_locked) = Immutable::new(&dir.join(".cargo")) else {
        eprintln!("skipped: chattr +i does not work on {}", dir.display());
        return;
    };
    let added = addable_qemu_target(dir);
    let added = added["triple"].as_str().unwrap();
    let removed = FIXTURE_TARGETS[1];
    for (args, what) in [
        (["add-target", added], format!("adding {added} failed")),
        (
            ["remove-target", removed],
            format!("removing {removed} failed"),
        ),
    ] {
        let output = xtask(dir, &args);
        assert_fails_with(
            &output,
            &[&what, "nothing was changed: every file is back as it was"],
        );
        let after: Vec<Option<Vec<u8>>> = files
            .iter()
            .map(|f| std::fs::read(dir.join(f)).ok())
            .collect();
        assert!(before == after, "{args:?} changed a file");
    }
}

/// Sets `key` of the shipped package's `[package.metadata.deb]` in the
/// workspace `dir` to `value`.
fn set_deb_key(dir: &Path, key: &str, value: toml_edit::Item) {
    let path = shipped_manifest(dir);
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    doc["package"]["metadata"]["deb"][key] = value;
    std::fs::write(&path, doc.to_string()).unwrap();
}

/// cargo-deb keys a user brings along are acted on or refused by name:
/// a typo gets a did-you-mean, `maintainer-scripts` is refused before
/// building, and `assets` and a `depends` list work as cargo-deb
/// documents them, as dpkg-deb reads the package.
#[test]
fn cargo_deb_keys_are_acted_on_or_refused_by_name() {
    let ws = fixture_workspace("deb-keys");
    let dir = ws.path();
    let out = dir.join("out");
    let native = FIXTURE_TARGETS[0];
    let dist = ["dist", "--target", native, "--out", out.to_str().unwrap()];
    set_deb_key(dir, "maintainer-script", toml_edit::value("debian/"));
    assert_refused(
        dir,
        &dist,
        &[
            "has a key `maintainer-script`",
            "Did you mean `maintainer-scripts`?",
        ],
    );
    set_deb_key(dir, "maintainer-scripts", toml_edit::value("debian/"));
    let path = shipped_manifest(dir);
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    doc["package"]["metadata"]["deb"]
        .as_table_like_mut()
        .unwrap()
        .remove("maintainer-script");
    std::fs::write(&path, doc.to_string()).unwrap();
    assert_refused(
        dir,
        &dist,
        &[
            "cargo-deb's `maintainer-scripts`",
            "build the .deb with cargo-deb",
        ],
    );
    assert!(!out.exists());

    let bin = set_assets_and_depends(dir);
    let deb = shipped_deb(dir, &dist, &out);
    let contents = Command::new("dpkg-deb")
        .arg("--contents")
        .arg(&deb)
        .output()
        .unwrap();
    let contents = String::from_utf8_lossy(&contents.stdout);
    let line_of = |path: &str| {
        contents
            .lines()
            .find(|line| line.ends_with(path))
            .unwrap_or_else(|| panic!("no {path} in:\n{contents}"))
            .to_owned()
    };
    assert!(line_of(&format!("./usr/libexec/tool/{bin}")).starts_with("-rwxr-x---"));
    assert!(line_of("./usr/share/doc/tool-notes/NOTES").starts_with("-rw-r--r--"));
    assert!(
        !contents.contains(&format!("./usr/bin/{bin}")),
        "{contents}"
    );
    let depends = Command::new("dpkg-deb")
        .arg("--field")
        .arg(&deb)
        .arg("Depends")
        .output()
        .unwrap();
    let depends = String::from_utf8_lossy(&depends.stdout);
    assert!(depends.contains("libc6"), "{depends}");
    assert!(
        depends.trim_end().ends_with(", ca-certificates"),
        "{depends}"
    );
}

/// Replaces `maintainer-scripts` with cargo-deb `assets` that install the
/// binary in /usr/libexec (mode 750) and a note, and a `depends` list;
/// returns the binary's name.
fn set_assets_and_depends(dir: &Path) -> String {
    let path = shipped_manifest(dir);
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    doc["package"]["metadata"]["deb"]
        .as_table_like_mut()
        .unwrap()
        .remove("maintainer-scripts");
    std::fs::write(&path, doc.to_string()).unwrap();
    let bin = shipped_bin(dir);
    std::fs::write(path.parent().unwrap().join("NOTES.txt"), "read me\n").unwrap();
    let assets: toml_edit::Array = [
        toml_edit::Array::from_iter([
            format!("target/release/{bin}"),
            "usr/libexec/tool/".into(),
            "750".into(),
        ]),
        toml_edit::Array::from_iter(["NOTES.txt", "usr/share/doc/tool-notes/NOTES", "644"]),
    ]
    .into_iter()
    .collect();
    set_deb_key(dir, "assets", toml_edit::value(assets));
    set_deb_key(
        dir,
        "depends",
        toml_edit::value(toml_edit::Array::from_iter(["$auto", "ca-certificates"])),
    );
    bin
}

/// Runs `dist` in `dir`, and returns the shipped package's .deb in `out`
/// (other packages may ship too).
fn shipped_deb(dir: &Path, dist: &[&str], out: &Path) -> PathBuf {
    let output = xtask(dir, dist);
    assert!(output.status.success(), "dist: {output:?}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("dist-manifest.json")).unwrap()).unwrap();
    let package = shipped_package(dir)["name"].clone();
    manifest["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|artifact| artifact["format"] == "deb" && artifact["package"] == package)
        .map(|artifact| out.join(artifact["name"].as_str().unwrap()))
        .expect("dist made a .deb")
}
