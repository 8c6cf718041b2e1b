//! The release plan, pinned: `cargo xtask dist --dry-run` of small fixture
//! workspaces (and of the template as shipped), compared with the snapshots
//! in `tests/snapshots/`. A change to what a release builds, checks or
//! makes shows in the diff of a snapshot. After a deliberate change, run
//! `UPDATE_EXPECT=1 cargo test -p xtask --test plan` and review the diff.
//!
//! Bad configuration is refused by the dry run too, with nothing written.

mod support;

use std::path::Path;

use expect_test::expect_file;
use support::*;

/// A workspace of `packages` (`(name, extra Cargo.toml lines, lib.rs or
/// None for a program)`), with `dist` as `[workspace.metadata.dist]`'s
/// body and more tables after it.
fn workspace(label: &str, packages: &[(&str, &str, Option<&str>)], dist: &str) -> Scratch {
    let scratch = Scratch::new(label);
    let dir = scratch.path();
    let members: Vec<String> = packages.iter().map(|(n, ..)| format!("{n:?}")).collect();
    let root = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dist]\ninherits = \
         \"release\"\n\n[workspace.metadata.dist]\n{dist}\n",
        members.join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), root).unwrap();
    std::fs::write(dir.join("README.md"), "# fixture\n").unwrap();
    std::fs::write(
        dir.join("LICENSE"),
        "MIT License\n\nCopyright (c) A Person\n",
    )
    .unwrap();
    for (name, extra, lib) in packages {
        let manifest = format!(
            "[package]\nname = {name:?}\nversion = \"1.2.3\"\nedition = \"2024\"\nlicense = \
             \"MIT\"\ndescription = \"A fixture\"\nauthors = [\"A Person <a@example.com>\"]\n\
             repository = \"https://github.com/someone/{name}\"\n{extra}\n"
        );
        let src = dir.join(name).join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(dir.join(name).join("Cargo.toml"), manifest).unwrap();
        match lib {
            Some(lib) => std::fs::write(src.join("lib.rs"), lib).unwrap(),
            None => std::fs::write(src.join("main.rs"), "fn main() {}\n").unwrap(),
        }
    }
    let lock = cargo_in(dir, &["generate-lockfile", "--offline"])
        .output()
        .unwrap();
    assert!(lock.status.success(), "{lock:?}");
    scratch
}

/// The dry run's plan, with this machine's paths written as names.
fn dry_run(dir: &Path, args: &[&str]) -> String {
    dry_run_with(dir, args, &[])
}

/// [`dry_run`], with the variables `env` set (a signing key, say).
fn dry_run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["dist", "--dry-run"];
    all.extend(args);
    // The tools folder (where a stub SDK goes) is the workspace's own, as
    // a user's is, not the one `cargo xtask ci` shares with its tests.
    let output = xtask_command(dir, &all)
        .env_remove("XTASK_TOOLS_DIR")
        // Keys the machine running the tests has are not the fixture's.
        .env_remove("RPM_SIGNING_KEY")
        .env_remove("MINISIGN_SECRET_KEY")
        .env_remove("WINDOWS_SIGNING_KEY")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "dist --dry-run failed:\n{stderr}");
    assert_built_nothing(dir, &stderr);
    assert!(
        !dir.join("target/distrib").exists(),
        "a dry run made the output folder"
    );
    let cargo_home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap()));
    String::from_utf8(output.stdout)
        .unwrap()
        .replace(&dir.display().to_string(), "<workspace>")
        .replace(&cargo_home, "<cargo home>")
}

const ONE_TARGET: &str = "package = \"hello\"\ntargets = [\"x86_64-unknown-linux-gnu\"]";

#[test]
fn one_target() {
    let ws = workspace("plan-one", &[("hello", "", None)], ONE_TARGET);
    expect_file!["snapshots/one-target.txt"].assert_eq(&dry_run(ws.path(), &[]));
    expect_file!["snapshots/one-target.json"].assert_eq(&dry_run(ws.path(), &["--json"]));
    // With keys given, the plan names what each one signs; a dry run
    // reads neither.
    let keys = [
        ("RPM_SIGNING_KEY", "a key"),
        ("MINISIGN_SECRET_KEY", "a key"),
    ];
    expect_file!["snapshots/one-target-signed.txt"].assert_eq(&dry_run_with(ws.path(), &[], &keys));
}

#[test]
fn several_packages_with_both_macs_and_the_image() {
    let ws = workspace(
        "plan-several",
        &[("hello", "", None), ("tool", "", None)],
        "packages = [\"hello\", \"tool\"]\ntargets = [\"x86_64-unknown-linux-musl\", \
         \"aarch64-unknown-linux-musl\", \"x86_64-apple-darwin\", \"aarch64-apple-darwin\"]",
    );
    expect_file!["snapshots/several-packages.txt"].assert_eq(&dry_run(ws.path(), &[]));
}

#[test]
fn firmware_and_web_members() {
    let ws = workspace(
        "plan-kinds",
        &[
            ("hello", "", None),
            (
                "blink",
                "[[bin]]\nname = \"blink\"\npath = \"src/lib.rs\"",
                Some(""),
            ),
            (
                "page",
                "[lib]\ncrate-type = [\"cdylib\", \"rlib\"]",
                Some(""),
            ),
        ],
        "package = \"hello\"\ntargets = [\"wasm32-wasip1\"]\n\n\
         [workspace.metadata.dist.firmware]\npackages = [\"blink\"]\ntargets = \
         [\"thumbv7m-none-eabi\"]\n\n[workspace.metadata.dist.web]\npackages = [\"page\"]\n\
         targets = [\"wasm32-unknown-unknown\"]",
    );
    expect_file!["snapshots/firmware-and-web.txt"].assert_eq(&dry_run(ws.path(), &[]));
}

#[test]
fn an_msvc_target_not_here_and_prebuilt() {
    let ws = workspace(
        "plan-msvc",
        &[("hello", "", None)],
        "package = \"hello\"\ntargets = [\"x86_64-unknown-linux-gnu\", \
         \"x86_64-pc-windows-msvc\"]",
    );
    let prebuilt = ws.path().join("from-windows");
    std::fs::create_dir_all(&prebuilt).unwrap();
    let not_here = dry_run(ws.path(), &[]);
    let args = [
        "--target",
        "x86_64-pc-windows-msvc",
        "--prebuilt",
        "from-windows",
    ];
    let from_windows = dry_run(ws.path(), &args);
    // A dry run reads no key: that a key is given is enough to plan the
    // signature.
    let key = [("WINDOWS_SIGNING_KEY", "a key")];
    let signed = dry_run_with(ws.path(), &args, &key);
    expect_file!["snapshots/msvc.txt"].assert_eq(&format!(
        "{not_here}\n==== --target x86_64-pc-windows-msvc --prebuilt from-windows\n\n{from_windows}\
         \n==== the same, with WINDOWS_SIGNING_KEY set\n\n{signed}"
    ));
}

#[test]
fn an_adopted_program_with_features_and_generate() {
    let ws = workspace(
        "plan-adopted",
        &[(
            "hello",
            "[features]\nfancy = []\n\n[package.metadata.dist]\nfeatures = [\"fancy\"]\n\
             default-features = false\nsmoke-run = [\"version\"]\n\n\
             [package.metadata.dist.generate]\nman = [\"hello\", \"--man\"]\n",
            None,
        )],
        "package = \"hello\"\ntargets = [\"aarch64-unknown-linux-gnu\", \
         \"x86_64-pc-windows-gnu\"]",
    );
    expect_file!["snapshots/adopted.txt"].assert_eq(&dry_run(ws.path(), &[]));
}

/// A workspace whose program links the Apple `framework` through a crate
/// of its own.
fn framework_user(label: &str, framework: &str) -> Scratch {
    let binding = format!(
        "#[link(name = \"{framework}\", kind = \"framework\")]\nunsafe extern \"C\" {{}}\n"
    );
    workspace(
        label,
        &[
            ("hello", "[dependencies]\ncf = { path = \"../cf\" }", None),
            ("cf", "", Some(binding.as_str())),
        ],
        "package = \"hello\"\ntargets = [\"x86_64-unknown-linux-musl\", \
         \"aarch64-apple-darwin\"]",
    )
}

/// A framework the record of Apple's libraries has is linked against its
/// stub, through the stub SDK the plan names in SDKROOT.
#[test]
fn a_framework_user_links_for_macos_against_stubs_of_the_record() {
    let ws = framework_user("plan-frameworks", "CoreFoundation");
    expect_file!["snapshots/framework-user.txt"].assert_eq(&dry_run(ws.path(), &[]));
}

/// A framework the record lacks keeps the program's macOS targets from
/// being built here, and says why; its other targets are planned.
#[test]
fn a_framework_the_record_lacks_is_not_built_for_macos() {
    let ws = framework_user("plan-metal", "Metal");
    expect_file!["snapshots/framework-outside-the-record.txt"].assert_eq(&dry_run(ws.path(), &[]));
}

/// rv's dist-workspace.toml, as cargo-dist wrote it (the fixture names
/// its source), beside the `package` init adds to Cargo.toml: its targets
/// and installers are the plan's, its MSVC targets are built elsewhere, and
/// its keys that mean nothing here are listed with the reason. (Its
/// PowerShell installer, which this tool lacks, is left out; that refusal
/// is the unit tests'.)
#[test]
fn a_project_cargo_dist_configured() {
    let ws = workspace("plan-cargo-dist", &[("rv", "", None)], "package = \"rv\"");
    let fixture = include_str!("../src/workspace/config/fixtures/rv-dist-workspace.toml");
    let without_powershell = fixture.replace(", \"powershell\"", "");
    std::fs::write(ws.path().join("dist-workspace.toml"), without_powershell).unwrap();
    expect_file!["snapshots/cargo-dist.txt"].assert_eq(&dry_run(ws.path(), &[]));
}

/// The template as shipped. A clone that renames the program or changes
/// its targets has another release, which the fixtures above cover; so
/// this runs only where the program is `app` and the configured targets
/// are the ones the snapshot plans.
#[test]
fn the_template() {
    let snapshot = include_str!("snapshots/template.txt");
    let planned: Vec<&str> = snapshot
        .lines()
        .filter(|line| !line.starts_with(' ') && line.contains(':'))
        .filter_map(|line| line.split(':').next())
        .filter(|triple| triple.contains('-'))
        .collect();
    let mut configured = configured_triples();
    let mut planned_sorted: Vec<String> = planned.iter().map(|t| t.to_string()).collect();
    configured.sort();
    planned_sorted.sort();
    if app() != "app" || configured != planned_sorted {
        eprintln!("not the template's own configuration: its snapshot does not apply");
        return;
    }
    let ws = copy_of_workspace("plan-template");
    expect_file!["snapshots/template.txt"].assert_eq(&dry_run(ws.path(), &[]));
}

/// Each mistake is refused by the dry run, before anything is planned
/// further, with the fix, and nothing written.
#[test]
fn bad_configuration_is_refused_by_the_dry_run_with_nothing_written() {
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "unknown key",
            "package = \"hello\"\ntargets = [\"x86_64-unknown-linux-gnu\"]\ntarget = []",
            &["`target`", "Did you mean `targets`"],
        ),
        (
            "wrong type",
            "package = \"hello\"\ntargets = \"x86_64-unknown-linux-gnu\"",
            &["`targets`"],
        ),
        (
            "conflict",
            "package = \"hello\"\npackages = [\"hello\"]\ntargets = [\"x86_64-unknown-linux-gnu\"]",
            &["`package`", "`packages`"],
        ),
        (
            "unknown target",
            "package = \"hello\"\ntargets = [\"x86_64-unknown-linux-gnux\"]",
            &["x86_64-unknown-linux-gnux"],
        ),
    ];
    for (label, dist, needles) in cases {
        let ws = workspace("plan-bad", &[("hello", "", None)], dist);
        let output = xtask(ws.path(), &["dist", "--dry-run"]);
        let stderr = assert_fails_with(&output, needles);
        assert!(output.stdout.is_empty(), "{label}: a plan was printed");
        assert_built_nothing(ws.path(), &stderr);
        assert!(
            !ws.path().join("target").exists(),
            "{label}: a target folder was made"
        );
    }
}
