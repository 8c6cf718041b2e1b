//! `cargo xtask init` on a project that is not the template, and what real
//! release builds need: features, the smoke run, and man pages and
//! completions the program prints itself.
//!
//! The project is a small program of its own ([`project`]), not a copy of
//! the template: a package at the root of its folder, with a license file
//! under a name of its own, an optional dependency from crates.io behind a
//! feature, and `--version` printing `tool 1.2.3` as real programs do.
//! Each test builds for the build machine only, so the builds are quick;
//! the real programs of `real_programs.rs` cover the other targets.

mod support;

use std::path::{Path, PathBuf};

use support::adoption::succeed;
use support::*;

const HOST: &str = "x86_64-unknown-linux-gnu";

/// The program: `--version` prints `tool 1.2.3`; `--generate KIND` prints
/// a man page or a completion (or nothing, or fails, for the bad-input
/// tests); with no arguments it says which code formatted a number, which
/// the `fast-format` feature changes.
const MAIN: &str = r#"#[cfg(feature = "fast-format")]
fn formatted(n: u64) -> String {
    format!("formatted by itoa: {}", itoa::Buffer::new().format(n))
}

#[cfg(not(feature = "fast-format"))]
fn formatted(n: u64) -> String {
    format!("formatted by std: {n}")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["--version"] => println!("tool {}", env!("CARGO_PKG_VERSION")),
        ["--generate", "man"] => print!(".TH TOOL 1\n.SH NAME\ntool \\- a fixture\n"),
        ["--generate", "complete-bash"] => println!("complete -W '--version' tool"),
        ["--generate", "nothing"] => {}
        ["--generate", _] => std::process::exit(2),
        _ => println!("{}", formatted(42)),
    }
}
"#;

/// A project of one package at the root of `dir`, as `cargo init` lays it
/// out, with a comment of its own in Cargo.toml that init must keep.
fn project(label: &str) -> Scratch {
    let scratch = Scratch::new(label);
    let dir = scratch.path();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        r#"[package]
name = "tool"
version = "1.2.3"
edition = "2021"
description = "A program of someone else's, brought in with init"
license = "MIT"
authors = ["Tool Authors <tool@example.com>"]
repository = "https://github.com/example/tool"

# The project's own comment, which init keeps.
[features]
fast-format = ["dep:itoa"]

[dependencies]
itoa = { version = "1", optional = true }
"#,
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN).unwrap();
    std::fs::write(
        dir.join("LICENSE_MIT"),
        "MIT License\n\nCopyright (c) Tool Authors\n",
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "# tool\n").unwrap();
    scratch
}

/// `cargo xtask init DIR --target …`, run from the template.
fn init(dir: &Path, targets: &[&str]) -> std::process::Output {
    let mut args = vec!["init", dir.to_str().unwrap()];
    for target in targets {
        args.extend(["--target", target]);
    }
    xtask(&repo_root(), &args)
}

/// Every file below `dir` but its build output and releases, with its
/// bytes, by path.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if ["target", "release"].contains(&name.as_str()) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                files.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    files
}

/// A project brought in with init, for the build machine's target.
fn adopted(label: &str) -> Scratch {
    let scratch = project(label);
    succeed(init(scratch.path(), &[HOST]));
    scratch
}

/// Sets `key` of the package's `[package.metadata.dist]` to `value`.
fn set_package_dist(dir: &Path, key: &str, value: toml_edit::Item) {
    let path = dir.join("Cargo.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let package = doc["package"].as_table_mut().unwrap();
    let metadata = package
        .entry("metadata")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    let metadata = metadata.as_table_mut().unwrap();
    metadata.set_implicit(true);
    let dist = metadata
        .entry("dist")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    dist[key] = value;
    std::fs::write(&path, doc.to_string()).unwrap();
}

/// `dist` of the host target into `dir/release`, with the template's xtask
/// (init copied its very sources; one test builds the project's own copy).
fn dist(dir: &Path) -> (std::process::Output, PathBuf) {
    let out = dir.join("release");
    let output = xtask(dir, &["dist", "--out", out.to_str().unwrap()]);
    (output, out)
}

/// The tarball's binary, unpacked by tar, and what it prints with no
/// arguments.
fn tarball_binary(out: &Path) -> (Vec<u8>, String) {
    let unpacked = out.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let tarball = out.join(format!("tool-1.2.3-{HOST}.tar.gz"));
    run_in_dir(&unpacked, "tar", &["-xzf", tarball.to_str().unwrap()]);
    let binary = unpacked.join(format!("tool-1.2.3-{HOST}/tool"));
    let printed = run_in_dir(&unpacked, binary.to_str().unwrap(), &[]);
    (std::fs::read(&binary).unwrap(), printed)
}

#[test]
#[ignore = "runs `cargo xtask ci` in an adopted project; run by `cargo xtask ci`"]
fn init_brings_the_machinery_in_and_then_cargo_xtask_ci_passes() {
    let scratch = project("init");
    let dir = scratch.path();
    let said = succeed(init(dir, &[HOST, "x86_64-pc-windows-gnu"]));
    assert!(said.contains("files added"), "{said}");
    for file in [
        "xtask/Cargo.toml",
        "xtask/src/main.rs",
        "scripts/wine-runner",
        ".github/workflows/release.yml",
    ] {
        assert!(dir.join(file).is_file(), "{file} was not copied");
    }
    assert!(
        !dir.join("xtask/tests").exists(),
        "the template's own suite stays behind"
    );
    let xtask_manifest = std::fs::read_to_string(dir.join("xtask/Cargo.toml")).unwrap();
    assert!(
        !xtask_manifest.contains("[[test]]"),
        "the suite's test targets stay behind with it:\n{xtask_manifest}"
    );
    // The record is one sha256sum reads.
    run_in_dir(
        dir,
        "sha256sum",
        &["--check", "--quiet", "xtask/template-files.sha256"],
    );
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("# The project's own comment, which init keeps."));
    let dist = dist_table(dir);
    assert_eq!(dist["package"].as_str(), Some("tool"));
    let include: Vec<&str> = dist["include"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v.as_str())
        .collect();
    assert_eq!(include, ["LICENSE_MIT", "README.md"]);
    let config = std::fs::read_to_string(dir.join(".cargo/config.toml")).unwrap();
    assert!(
        config.contains("xtask = \"run --package xtask --\""),
        "{config}"
    );
    assert!(
        config.contains("runner = \"scripts/wine-runner\""),
        "{config}"
    );
    let toolchain = std::fs::read_to_string(dir.join("rust-toolchain.toml")).unwrap();
    assert!(toolchain.contains("x86_64-pc-windows-gnu"), "{toolchain}");

    let before = snapshot(dir);
    let said = succeed(init(dir, &[]));
    assert!(said.contains("nothing to change"), "{said}");
    assert!(snapshot(dir) == before, "a second init changed a file");

    // The project's own `cargo xtask`, built from the copied sources: its
    // whole CI, as the project's pipeline would run it (formatting, clippy,
    // docs, tests, dist, verify, the xtask's unit tests).
    let mut ci = cargo_in(dir, &["xtask", "ci"]);
    ci.env("SOURCE_DATE_EPOCH", "1700000000");
    let said = succeed(ci.output().unwrap());
    assert!(
        said.contains("tool 1.2.3"),
        "the smoke run's output is shown:\n{said}"
    );
    assert!(
        said.contains("ci steps:") && said.contains("cargo test --bins"),
        "{said}"
    );
    // actionlint checked the release workflow init installed.
    assert!(said.contains("$ actionlint"), "{said}");
    let out = dir.join("target/distrib");
    run_in_dir(&out, "sha256sum", &["--check", "SHA256SUMS"]);
}

#[test]
#[ignore = "builds the adopted project twice; run by `cargo xtask ci`"]
fn features_change_the_binary_the_deb_and_the_sbom() {
    let scratch = adopted("features");
    let dir = scratch.path();
    let (output, out) = dist(dir);
    succeed(output);
    let (plain, printed) = tarball_binary(&out);
    assert_eq!(printed.trim(), "formatted by std: 42");
    let sbom = std::fs::read_to_string(out.join(format!("tool-1.2.3-{HOST}.cdx.json"))).unwrap();
    assert!(!sbom.contains("pkg:cargo/itoa@"), "{sbom}");

    set_package_dist(
        dir,
        "features",
        toml_edit::value(toml_edit::Array::from_iter(["fast-format"])),
    );
    let (output, out) = dist(dir);
    let said = succeed(output);
    assert!(said.contains("--features fast-format"), "{said}");
    let (featured, printed) = tarball_binary(&out);
    assert_eq!(printed.trim(), "formatted by itoa: 42");
    assert_ne!(plain, featured);
    let sbom = std::fs::read_to_string(out.join(format!("tool-1.2.3-{HOST}.cdx.json"))).unwrap();
    assert!(
        sbom.contains("pkg:cargo/itoa@"),
        "the SBOM lists the feature's crate:\n{sbom}"
    );
    // The .deb holds the same binary, as dpkg-deb unpacks it.
    let deb = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .expect("a .deb");
    let root = out.join("deb-root");
    run_in_dir(
        &out,
        "dpkg-deb",
        &["-x", deb.to_str().unwrap(), root.to_str().unwrap()],
    );
    assert_eq!(std::fs::read(root.join("usr/bin/tool")).unwrap(), featured);
}

#[test]
#[ignore = "builds the adopted project; run by `cargo xtask ci`"]
fn cargo_deb_features_are_taken_and_a_contradiction_is_refused() {
    let scratch = adopted("deb-features");
    let dir = scratch.path();
    edit(
        dir,
        "Cargo.toml",
        "[features]",
        "[package.metadata.deb]\nfeatures = [\"fast-format\"]\n\n[features]",
    );
    let (output, out) = dist(dir);
    succeed(output);
    assert_eq!(tarball_binary(&out).1.trim(), "formatted by itoa: 42");
    let sums = std::fs::read(out.join("SHA256SUMS")).unwrap();
    set_package_dist(dir, "default-features", toml_edit::value(false));
    let (output, out) = dist(dir);
    let stderr = assert_fails_with(
        &output,
        &[
            "[package.metadata.deb] of `tool`",
            "\"fast-format\"",
            "one binary for every format",
        ],
    );
    assert!(!stderr.contains("Compiling"), "{stderr}");
    assert_eq!(
        std::fs::read(out.join("SHA256SUMS")).unwrap(),
        sums,
        "the release is as it was"
    );
}

#[test]
#[ignore = "builds the adopted project; run by `cargo xtask ci`"]
fn the_smoke_run_wants_the_release_version_or_a_reason_to_skip() {
    let scratch = adopted("smoke");
    let dir = scratch.path();
    edit(
        dir,
        "src/main.rs",
        "println!(\"tool {}\", env!(\"CARGO_PKG_VERSION\"))",
        "println!(\"tool 9.9.9\")",
    );
    let (output, out) = dist(dir);
    assert_fails_with(&output, &["printed \"tool 9.9.9\"", "version 1.2.3"]);
    assert!(!out.join("SHA256SUMS").exists(), "nothing was published");

    set_package_dist(
        dir,
        "smoke-run",
        toml_edit::value(toml_edit::InlineTable::from_iter([(
            "skip",
            "it prints a fixed version",
        )])),
    );
    let (output, out) = dist(dir);
    let said = succeed(output);
    assert!(
        said.contains("not smoke-run: it prints a fixed version"),
        "{said}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("dist-manifest.json")).unwrap()).unwrap();
    let tarball = manifest["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["format"] == "tar.gz")
        .unwrap();
    assert_eq!(tarball["smoke_run"], "skipped");
}

#[test]
#[ignore = "builds the adopted project; run by `cargo xtask ci`"]
fn printed_man_pages_and_completions_ship_and_bad_commands_are_refused() {
    let scratch = adopted("generate");
    let dir = scratch.path();
    let generate = |man: &str| {
        let mut table = toml_edit::InlineTable::new();
        table.insert(
            "man",
            toml_edit::Array::from_iter(["--generate", man]).into(),
        );
        table.insert(
            "bash",
            toml_edit::Array::from_iter(["--generate", "complete-bash"]).into(),
        );
        toml_edit::value(table)
    };
    set_package_dist(dir, "generate", generate("man"));
    let (output, out) = dist(dir);
    succeed(output);
    let tarball = out.join(format!("tool-1.2.3-{HOST}.tar.gz"));
    let listing = run_in_dir(&out, "tar", &["-tzf", tarball.to_str().unwrap()]);
    for file in ["man/tool.1", "completions/tool.bash"] {
        assert!(
            listing.contains(&format!("tool-1.2.3-{HOST}/{file}")),
            "{listing}"
        );
    }
    let deb = artifacts_in(&out)
        .into_iter()
        .find(|name| name.ends_with(".deb"))
        .unwrap();
    let contents = run_in_dir(&out, "dpkg-deb", &["-c", &deb]);
    assert!(
        contents.contains("./usr/share/man/man1/tool.1.gz"),
        "{contents}"
    );
    assert!(
        contents.contains("./usr/share/bash-completion/completions/tool"),
        "{contents}"
    );

    for (man, needle) in [("nothing", "printed nothing"), ("broken", "failed")] {
        set_package_dist(dir, "generate", generate(man));
        let out = dir.join(format!("release-{man}"));
        let output = xtask(dir, &["dist", "--out", out.to_str().unwrap()]);
        assert_fails_with(&output, &[needle, &format!("tool --generate {man}")]);
        assert!(
            artifacts_in(&out).is_empty(),
            "{man}: {:?}",
            artifacts_in(&out)
        );
    }
}

#[test]
#[ignore = "runs init on projects of its own; run by `cargo xtask ci`"]
fn init_refuses_what_it_cannot_adopt_and_writes_nothing() {
    let not_a_project = Scratch::new("init-none");
    assert_fails_with(
        &init(not_a_project.path(), &[]),
        &["is not a Cargo project", "cargo init"],
    );
    assert!(snapshot(not_a_project.path()).is_empty());

    let library = project("init-lib");
    std::fs::rename(
        library.path().join("src/main.rs"),
        library.path().join("src/lib.rs"),
    )
    .unwrap();
    let before = snapshot(library.path());
    assert_fails_with(&init(library.path(), &[]), &["has no binary to ship"]);
    assert!(snapshot(library.path()) == before);

    let conflicting = project("init-conflict");
    let dir = conflicting.path();
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(
        dir.join(".cargo/config.toml"),
        "[target.x86_64-pc-windows-gnu]\nrunner = \"my-wine\"\n",
    )
    .unwrap();
    let before = snapshot(dir);
    assert_fails_with(
        &init(dir, &[HOST, "x86_64-pc-windows-gnu"]),
        &[
            "[target.x86_64-pc-windows-gnu] runner is \"my-wine\"",
            "Nothing was changed",
        ],
    );
    assert!(snapshot(dir) == before, "a refused init wrote something");
}

#[test]
#[ignore = "runs init on a project of its own; run by `cargo xtask ci`"]
fn an_upgrade_replaces_the_template_files_but_not_an_edited_one() {
    let scratch = adopted("upgrade");
    let dir = scratch.path();
    // An older template wrote a file that the newer one changed.
    let record = dir.join("xtask/template-files.sha256");
    let older = "// an older template's version\n";
    let file = "xtask/src/util/mod.rs";
    let current = std::fs::read_to_string(dir.join(file)).unwrap();
    std::fs::write(dir.join(file), older).unwrap();
    let sum = run_in_dir(dir, "sha256sum", &[file]);
    let text = std::fs::read_to_string(&record).unwrap();
    let line = text.lines().find(|line| line.ends_with(file)).unwrap();
    std::fs::write(&record, text.replace(line, sum.trim())).unwrap();
    let said = succeed(init(dir, &[]));
    assert!(said.contains(&format!("updated  {file}")), "{said}");
    assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), current);

    // One the user edited since is refused by name, and nothing changes.
    std::fs::write(dir.join(file), format!("{current}// mine\n")).unwrap();
    std::fs::write(dir.join("xtask/src/lib_of_mine.rs"), "").unwrap();
    let before = snapshot(dir);
    let line = std::fs::read_to_string(&record)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let (_, first) = line.split_once("  ").unwrap();
    std::fs::write(dir.join(first), "edited\n").unwrap();
    let output = init(dir, &[]);
    assert_fails_with(&output, &[file, first, "Nothing was changed"]);
    let mut expected = before;
    expected
        .iter_mut()
        .find(|(name, _)| name == first)
        .unwrap()
        .1 = b"edited\n".to_vec();
    assert!(snapshot(dir) == expected);
}

#[test]
#[ignore = "runs init on a project of its own; run by `cargo xtask ci`"]
fn unknown_features_and_profiles_are_refused_before_building() {
    let scratch = adopted("unknown");
    let dir = scratch.path();
    set_package_dist(
        dir,
        "features",
        toml_edit::value(toml_edit::Array::from_iter(["fast-fromat"])),
    );
    let (output, _) = dist(dir);
    let stderr = assert_fails_with(
        &output,
        &["feature `fast-fromat`", "Did you mean `fast-format`?"],
    );
    assert_built_nothing(dir, &stderr);
    set_package_dist(dir, "features", toml_edit::Item::None);
    edit_dist(dir, |dist| {
        dist.insert("profile", toml_edit::value("shipping"));
    });
    let (output, _) = dist(dir);
    let stderr = assert_fails_with(&output, &["profile `shipping`", "[profile.shipping]"]);
    assert_built_nothing(dir, &stderr);
}

/// A virtual workspace (no root package) whose binary is a member: init
/// adds the xtask beside it, and the release configuration names it.
#[test]
#[ignore = "runs init on a project of its own; run by `cargo xtask ci`"]
fn a_virtual_workspace_gets_the_xtask_as_a_member() {
    let scratch = project("init-workspace");
    let dir = scratch.path();
    std::fs::create_dir_all(dir.join("tool")).unwrap();
    for file in ["Cargo.toml", "src"] {
        std::fs::rename(dir.join(file), dir.join("tool").join(file)).unwrap();
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        "# The workspace's own comment.\n[workspace]\nmembers = [\"tool\"]\nresolver = \"2\"\n",
    )
    .unwrap();
    succeed(init(dir, &[HOST]));
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.starts_with("# The workspace's own comment."),
        "{manifest}"
    );
    assert!(
        manifest.contains("members = [\"tool\", \"xtask\"]"),
        "{manifest}"
    );
    assert_eq!(dist_table(dir)["package"].as_str(), Some("tool"));
    // The xtask reads the project as dist will.
    let said = succeed(xtask(dir, &["targets", "--json"]));
    assert!(said.contains(HOST), "{said}");
    let before = snapshot(dir);
    succeed(init(dir, &[]));
    assert!(snapshot(dir) == before, "a second init changed a file");
}

/// A program as `cargo new` makes it (no authors, a main that prints
/// "Hello, world!"), given a license, a description and a repository, in a
/// git repository whose user init makes the .deb's maintainer.
fn cargo_new_program(label: &str) -> Scratch {
    let scratch = Scratch::new(label);
    let dir = scratch.path().join("fresh");
    succeed(
        cargo_in(scratch.path(), &["new", "--quiet", "fresh"])
            .output()
            .unwrap(),
    );
    for (key, text) in [
        ("license", "MIT"),
        ("description", "A program cargo new made"),
        ("repository", "https://github.com/someone/fresh"),
    ] {
        edit(
            &dir,
            "Cargo.toml",
            "[package]\n",
            &format!("[package]\n{key} = \"{text}\"\n"),
        );
    }
    std::fs::write(
        dir.join("LICENSE"),
        "MIT License\n\nCopyright (c) Someone\n",
    )
    .unwrap();
    for args in [
        &["config", "user.name", "Fresh Maker"][..],
        &["config", "user.email", "fresh@example.com"],
        &["add", "-A"],
        &["commit", "-qm", "cargo new"],
    ] {
        run_in_dir(&dir, "git", args);
    }
    scratch
}

/// A `cargo new` program ships on its first dist after init: init takes
/// its .deb maintainer from git and, as the program prints no version,
/// turns its smoke run off with that reason, saying both.
#[test]
#[ignore = "runs init and dist on a new project; run by `cargo xtask ci`"]
fn a_cargo_new_program_ships_on_its_first_dist() {
    let scratch = cargo_new_program("init-fresh");
    let dir = scratch.path().join("fresh");
    let said = succeed(init(&dir, &[HOST]));
    assert!(
        said.contains("git's user, Fresh Maker <fresh@example.com>"),
        "{said}"
    );
    assert!(
        said.contains("shows no sign of printing its version"),
        "{said}"
    );
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest
            .contains("[package.metadata.deb]\nmaintainer = \"Fresh Maker <fresh@example.com>\""),
        "{manifest}"
    );
    assert!(
        !manifest.contains("authors"),
        "init touched the package's own fields:\n{manifest}"
    );
    let (output, out) = dist(&dir);
    let stderr = succeed(output);
    assert!(
        stderr.contains("fresh not smoke-run: init found nothing"),
        "{stderr}"
    );
    succeed(xtask(&dir, &["verify", out.to_str().unwrap()]));
    let deb = out.join("fresh_0.1.0-1_amd64.deb");
    let maintainer = run_in_dir(
        &out,
        "dpkg-deb",
        &["-f", deb.to_str().unwrap(), "Maintainer"],
    );
    assert_eq!(maintainer.trim(), "Fresh Maker <fresh@example.com>");
}

/// What init cannot fill in stops it, each field named with what to add,
/// and nothing is written; so does a toolchain pinned below the xtask's.
#[test]
#[ignore = "runs init on new projects; run by `cargo xtask ci`"]
fn init_names_the_fields_a_release_needs_and_an_old_pinned_toolchain() {
    let scratch = Scratch::new("init-bare");
    succeed(
        cargo_in(scratch.path(), &["new", "--quiet", "--vcs", "none", "bare"])
            .output()
            .unwrap(),
    );
    let dir = scratch.path().join("bare");
    let before = snapshot(&dir);
    let err = assert_fails_with(
        &init(&dir, &[HOST]),
        &[
            "nothing was written",
            "`bare` has no `description`",
            "`bare` has no `license`",
            "base-url",
        ],
    );
    assert!(
        snapshot(&dir) == before,
        "a refused init wrote something:\n{err}"
    );

    let pinned = cargo_new_program("init-pinned");
    let dir = pinned.path().join("fresh");
    std::fs::write(
        dir.join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"1.78\"\n",
    )
    .unwrap();
    let before = snapshot(&dir);
    let needs = format!("needs Rust {} or newer", env!("CARGO_PKG_RUST_VERSION"));
    assert_fails_with(
        &init(&dir, &[HOST]),
        &["pins Rust 1.78", &needs, "Raise `channel`"],
    );
    assert!(snapshot(&dir) == before, "a refused init wrote something");
}

/// The release workflow comes with init, is the project's to keep (a file
/// of that name the user wrote is refused by name, with nothing written),
/// and `--ci none` leaves it out.
#[test]
#[ignore = "runs init on projects of its own; run by `cargo xtask ci`"]
fn the_release_workflow_comes_with_init_unless_the_project_has_its_own() {
    let ours = std::fs::read(repo_root().join(".github/workflows/release.yml")).unwrap();
    let with = project("init-workflow");
    succeed(init(with.path(), &[HOST]));
    let installed = std::fs::read(with.path().join(".github/workflows/release.yml")).unwrap();
    assert!(installed == ours, "init changed the workflow");

    let own = project("init-own-workflow");
    let workflows = own.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(workflows.join("release.yml"), "name: my release\n").unwrap();
    let before = snapshot(own.path());
    assert_fails_with(
        &init(own.path(), &[HOST]),
        &[".github/workflows/release.yml", "Nothing was changed"],
    );
    assert!(
        snapshot(own.path()) == before,
        "a refused init wrote something"
    );
    let mut args = vec!["init", own.path().to_str().unwrap(), "--target", HOST];
    args.extend(["--ci", "none"]);
    succeed(xtask(&repo_root(), &args));
    let kept = std::fs::read_to_string(workflows.join("release.yml")).unwrap();
    assert_eq!(kept, "name: my release\n");
}

/// `--ci gitlab` installs the template's GitLab pipeline with its dist
/// matrix (and Mac job) written for the project's targets: the adopted
/// project's own plan job accepts it, gitlab-ci-local lists its jobs, a
/// later init keeps it without being told, and a .gitlab-ci.yml of the
/// project's own is refused by name, with nothing written.
#[test]
#[ignore = "runs init on projects of its own; run by `cargo xtask ci`"]
fn the_gitlab_pipeline_comes_with_init_for_the_projects_targets() {
    let mac = "aarch64-apple-darwin";
    let with = project("init-gitlab");
    let mut args = vec!["init", with.path().to_str().unwrap()];
    args.extend(["--ci", "gitlab", "--target", HOST, "--target", mac]);
    succeed(xtask(&repo_root(), &args));
    let pipeline = std::fs::read_to_string(with.path().join(".gitlab-ci.yml")).unwrap();
    assert!(
        pipeline.contains(&format!(
            "# begin: configured targets\n          - {HOST}\n          - {mac}\n"
        )),
        "{pipeline}"
    );
    assert!(pipeline.contains("macos:\n  stage: verify"), "{pipeline}");
    assert!(
        !with.path().join(".github").exists(),
        "--ci gitlab wrote the GitHub workflow"
    );
    let checked = succeed(xtask(with.path(), &["plan", "--check-gitlab"]));
    assert!(
        checked.contains("lists the 2 configured targets"),
        "{checked}"
    );
    let tools = std::env::var_os("XTASK_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/xtask-tools"));
    let listed = succeed(
        std::process::Command::new(tools.join("bin/gitlab-ci-local"))
            .args(["--list", "--variable", "MACOS_RUNNER_TAG=mac"])
            .current_dir(with.path())
            .output()
            .expect("gitlab-ci-local (cargo xtask ci installs it)"),
    );
    for job in [format!("dist: [{HOST}]"), format!("macos: [{mac}]")] {
        assert!(listed.contains(&job), "{job}:\n{listed}");
    }
    let again = succeed(init(with.path(), &[]));
    assert!(again.contains("nothing to change"), "{again}");

    let own = project("init-own-gitlab");
    std::fs::write(
        own.path().join(".gitlab-ci.yml"),
        "test: {script: [true]}\n",
    )
    .unwrap();
    let before = snapshot(own.path());
    let mut args = vec!["init", own.path().to_str().unwrap()];
    args.extend(["--ci", "gitlab", "--target", HOST]);
    assert_fails_with(
        &xtask(&repo_root(), &args),
        &[".gitlab-ci.yml", "Nothing was changed", "--ci none"],
    );
    assert!(
        snapshot(own.path()) == before,
        "a refused init wrote something"
    );
}
