//! Bad input: each mistake gets a clear error naming the problem and the
//! fix, a non-zero exit, and nothing built or half-written.

mod support;

use std::path::{Path, PathBuf};

use support::adoption::succeed;
use support::*;

#[test]
fn nonsense_target_is_refused_before_building() {
    let ws = fixture_workspace("nonsense");
    assert_refused(
        ws.path(),
        &["test", "--target", "nonsense"],
        &[
            "`nonsense` is not a target triple rustc knows",
            "rustc --print target-list",
        ],
    );
}

#[test]
fn typo_in_target_suggests_the_real_triple() {
    let ws = fixture_workspace("typo");
    assert_refused(
        ws.path(),
        &["build", "--target", "aarch64-unknown-linux-gnux"],
        &["Did you mean `aarch64-unknown-linux-gnu`"],
    );
}

#[test]
fn unconfigured_target_is_refused_with_the_list() {
    let ws = fixture_workspace("unconfigured");
    let unconfigured = addable_qemu_target(ws.path());
    let triple = unconfigured["triple"].as_str().unwrap();
    assert_refused(
        ws.path(),
        &["build", "--target", triple],
        &[
            &format!("`{triple}` is not a configured target"),
            FIXTURE_TARGETS[0],
            "[workspace.metadata.dist]",
        ],
    );
}

#[test]
fn configured_triple_unknown_to_rustc_is_refused() {
    let ws = fixture_workspace("unknown-configured");
    edit_dist(ws.path(), |dist| {
        dist["targets"]
            .as_array_mut()
            .unwrap()
            .push("x86_64-unknown-linux-gnux");
    });
    assert_refused(
        ws.path(),
        &["build"],
        &[
            "lists `x86_64-unknown-linux-gnux` in [workspace.metadata.dist] `targets`",
            "is not a target triple rustc knows",
            "Did you mean",
        ],
    );
}

#[test]
fn missing_linker_and_runner_with_no_install_name_the_packages() {
    let ws = fixture_workspace("no-install");
    let bin = bare_path();
    let output = xtask_command(
        ws.path(),
        &[
            "test",
            "--target",
            "aarch64-unknown-linux-gnu",
            "--no-install",
        ],
    )
    .env("PATH", bin.path())
    .output()
    .unwrap();
    let stderr = assert_fails_with(
        &output,
        &[
            "--no-install forbids installing",
            "apt-get install",
            "gcc-aarch64-linux-gnu",
            "qemu-user",
        ],
    );
    assert_built_nothing(ws.path(), &stderr);
}

/// `doctor` fails when a configured target cannot be built or tested here,
/// and prints the commands that fix it.
#[test]
fn doctor_fails_and_says_what_to_install() {
    let ws = fixture_workspace("doctor");
    let bin = bare_path();
    let output = xtask_command(ws.path(), &["doctor"])
        .env("PATH", bin.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("aarch64-unknown-linux-gnu") && stdout.contains("MISSING"),
        "{stdout}"
    );
    assert_fails_with(
        &output,
        &[
            "cannot be built or tested on this machine",
            "apt-get install",
            "qemu-user",
        ],
    );
}

#[test]
fn unknown_command_and_option_are_refused() {
    let ws = fixture_workspace("cli");
    assert_fails_with(
        &xtask(ws.path(), &["bulid"]),
        &[
            "unrecognized subcommand 'bulid'",
            "a similar subcommand exists: 'build'",
        ],
    );
    assert_fails_with(
        &xtask(ws.path(), &["test", "--profile", "dist"]),
        &[
            "unexpected argument '--profile'",
            "cargo xtask test [OPTIONS]",
        ],
    );
}

#[test]
fn unknown_format_is_a_config_error() {
    let ws = fixture_workspace("format");
    edit(
        ws.path(),
        "Cargo.toml",
        "[workspace.metadata.dist.formats]\n",
        "[workspace.metadata.dist.formats]\nx86_64-unknown-linux-gnu = [\"apk\"]\n",
    );
    let out = ws.path().join("out");
    assert_refused(
        ws.path(),
        &["dist", "--out", out.to_str().unwrap()],
        &["format `apk`", "tar.gz, zip, deb, rpm"],
    );
    assert_eq!(artifacts_in(&out), Vec::<String>::new());
}

#[test]
fn duplicate_artifact_names_are_a_config_error() {
    let ws = fixture_workspace("duplicate");
    // glibc and musl x86_64 both map to Debian's amd64.
    edit_dist(ws.path(), |dist| {
        let formats: toml_edit::Array = ["tar.gz", "deb"].into_iter().collect();
        dist["formats"]["x86_64-unknown-linux-musl"] = toml_edit::value(formats);
    });
    let out = ws.path().join("out");
    assert_refused(
        ws.path(),
        &[
            "dist",
            "--target",
            "x86_64-unknown-linux-musl",
            "--out",
            out.to_str().unwrap(),
        ],
        &[
            &format!("would both produce {}_", app()),
            "_amd64.deb",
            "[workspace.metadata.dist.formats]",
        ],
    );
    assert!(!out.exists());
}

#[test]
fn version_debian_cannot_express_is_a_config_error() {
    let ws = fixture_workspace("version");
    let path = shipped_manifest(ws.path());
    let mut manifest: toml_edit::DocumentMut =
        std::fs::read_to_string(&path).unwrap().parse().unwrap();
    manifest["package"]["metadata"]["deb"]["revision"] = toml_edit::value("beta_1");
    std::fs::write(&path, manifest.to_string()).unwrap();
    let out = ws.path().join("out");
    assert_refused(
        ws.path(),
        &["dist", "--out", out.to_str().unwrap()],
        &["revision \"beta_1\" is not a Debian revision"],
    );
    assert!(!out.exists());
}

/// RPM metadata RPM cannot express, or that dist would ignore, is refused
/// before anything is built, with what to change.
#[test]
fn rpm_metadata_rpm_cannot_express_is_a_config_error() {
    let cases: [(&str, toml_edit::Item, &str); 4] = [
        (
            "name",
            toml_edit::value("my app"),
            "`my app` is not a valid RPM package name",
        ),
        ("release", toml_edit::value("1-2"), "with no `-`"),
        (
            "assets",
            toml_edit::value("[]"),
            "has cargo-generate-rpm's `assets`, which `cargo xtask dist` does not support",
        ),
        (
            "requires",
            toml_edit::value("bash"),
            "`requires` must be a table",
        ),
    ];
    for (key, value, needle) in cases {
        let ws = fixture_workspace("rpm-metadata");
        let path = shipped_manifest(ws.path());
        let mut manifest: toml_edit::DocumentMut =
            std::fs::read_to_string(&path).unwrap().parse().unwrap();
        manifest["package"]["metadata"]["generate-rpm"][key] = value;
        std::fs::write(&path, manifest.to_string()).unwrap();
        let out = ws.path().join("out");
        assert_refused(
            ws.path(),
            &["dist", "--out", out.to_str().unwrap()],
            &[needle],
        );
        assert!(!out.exists(), "{key}: {out:?} was created");
    }
}

/// Installers that could not work are refused before anything is built:
/// no base URL to download from, an installer the xtask cannot make, and
/// one with no artifact of the configured targets to install.
#[test]
fn installers_without_a_source_or_an_artifact_are_config_errors() {
    fn set_dist(doc: &mut toml_edit::DocumentMut, key: &str, value: toml_edit::Item) {
        doc["workspace"]["metadata"]["dist"][key] = value;
    }
    fn only_fixture_targets(doc: &mut toml_edit::DocumentMut) {
        let targets: toml_edit::Array = FIXTURE_TARGETS.iter().copied().collect();
        set_dist(doc, "targets", toml_edit::value(targets));
    }
    type Change = Box<dyn Fn(&mut toml_edit::DocumentMut)>;
    let cases: [(Change, &str); 3] = [
        (
            // Wherever `repository` was, the package's own entry wins.
            Box::new(|doc: &mut toml_edit::DocumentMut| {
                set_dist(doc, "base-url", toml_edit::Item::None);
            }),
            "nothing says from where",
        ),
        (
            Box::new(|doc: &mut toml_edit::DocumentMut| {
                let names: toml_edit::Array = ["shell", "nsis"].into_iter().collect();
                set_dist(doc, "installers", toml_edit::value(names));
            }),
            "names `nsis`, which the xtask cannot make",
        ),
        (
            Box::new(|doc: &mut toml_edit::DocumentMut| {
                only_fixture_targets(doc);
                let names: toml_edit::Array = ["scoop"].into_iter().collect();
                set_dist(doc, "installers", toml_edit::value(names));
            }),
            "no configured target has an artifact it could install: it needs a zip of a Windows target",
        ),
    ];
    for (i, (change, needle)) in cases.into_iter().enumerate() {
        let ws = fixture_workspace("installers");
        let path = ws.path().join("Cargo.toml");
        let mut doc: toml_edit::DocumentMut =
            std::fs::read_to_string(&path).unwrap().parse().unwrap();
        change(&mut doc);
        std::fs::write(&path, doc.to_string()).unwrap();
        if i == 0 {
            let manifest = shipped_manifest(ws.path());
            let mut package: toml_edit::DocumentMut =
                std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
            package["package"]["repository"] = toml_edit::value("https://gitlab.com/example/tool");
            std::fs::write(&manifest, package.to_string()).unwrap();
        }
        let out = ws.path().join("out");
        assert_refused(
            ws.path(),
            &["dist", "--out", out.to_str().unwrap()],
            &[needle],
        );
        assert!(!out.exists(), "{needle}: {out:?} was created");
    }
}

#[test]
fn unwritable_out_dir_is_refused_before_building() {
    let ws = fixture_workspace("unwritable");
    // A path under a regular file cannot be created, even by root.
    std::fs::write(ws.path().join("a-file"), "").unwrap();
    let out = ws.path().join("a-file/out");
    assert_refused(
        ws.path(),
        &[
            "dist",
            "--target",
            "x86_64-unknown-linux-gnu",
            "--out",
            out.to_str().unwrap(),
        ],
        &["cannot write artifacts to", "--out DIR"],
    );
}

#[test]
fn missing_include_file_is_a_config_error() {
    let ws = fixture_workspace("include");
    let included = dist_table(ws.path())["include"][0]
        .as_str()
        .expect("the workspace includes a file")
        .to_owned();
    std::fs::remove_file(ws.path().join(&included)).unwrap();
    assert_refused(
        ws.path(),
        &["dist", "--target", "x86_64-unknown-linux-gnu"],
        &[
            &format!("`include` lists {included}"),
            "Create it or remove it",
        ],
    );
}

#[test]
fn dist_outside_git_without_source_date_epoch_says_what_to_set() {
    let ws = fixture_workspace("no-git");
    let output = xtask_command(ws.path(), &["dist", "--target", "x86_64-unknown-linux-gnu"])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let stderr = assert_fails_with(&output, &["not a git checkout", "set SOURCE_DATE_EPOCH"]);
    assert_built_nothing(ws.path(), &stderr);
}

#[test]
fn malformed_source_date_epoch_is_refused() {
    let ws = fixture_workspace("bad-epoch");
    let output = xtask_command(ws.path(), &["dist"])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    let stderr = assert_fails_with(&output, &["SOURCE_DATE_EPOCH is \"yesterday\""]);
    assert_built_nothing(ws.path(), &stderr);
}

#[test]
fn verify_without_sums_says_the_folder_is_incomplete() {
    let ws = fixture_workspace("verify-empty");
    let dir = ws.path().join("empty");
    std::fs::create_dir(&dir).unwrap();
    assert_fails_with(
        &xtask(ws.path(), &["verify", dir.to_str().unwrap()]),
        &["has no readable SHA256SUMS", "cargo xtask dist"],
    );
}

/// A build that fails halfway leaves the previous release exactly as it
/// was: no new file under a final name, no staging folder left behind.
#[test]
fn failed_build_leaves_the_previous_release_untouched() {
    let ws = fixture_workspace("failed-build");
    let out = ws.path().join("release");
    make_release(&out, "0.0.9", "x86_64-unknown-linux-gnu");
    let before = files_in(&out);

    // Whatever the program is, this makes its build fail.
    let package = shipped_package(ws.path());
    let main_rs = package["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|target| target["kind"][0] == "bin")
        .map(|target| PathBuf::from(target["src_path"].as_str().unwrap()))
        .unwrap();
    let mut source = std::fs::read_to_string(&main_rs).unwrap();
    source.push_str("\ncompile_error!(\"a build that fails halfway\");\n");
    std::fs::write(&main_rs, source).unwrap();
    let output = xtask(
        ws.path(),
        &[
            "dist",
            "--target",
            "x86_64-unknown-linux-gnu",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_fails_with(&output, &["dist failed for x86_64-unknown-linux-gnu"]);

    assert_eq!(files_in(&out), before, "the previous release changed");
    let verified = xtask(ws.path(), &["verify", out.to_str().unwrap()]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

#[test]
fn malformed_or_too_low_glibc_floor_is_refused_before_building() {
    let ws = fixture_workspace("glibc-malformed");
    edit(
        ws.path(),
        "Cargo.toml",
        "[workspace.metadata.dist]\n",
        "[workspace.metadata.dist]\nmin-glibc = \"2.seventeen\"\n",
    );
    assert_refused(
        ws.path(),
        &["dist"],
        &["`min-glibc` is \"2.seventeen\", which is not a glibc version"],
    );

    let ws = fixture_workspace("glibc-too-low");
    edit(
        ws.path(),
        "Cargo.toml",
        "[workspace.metadata.dist]\n",
        "[workspace.metadata.dist]\nmin-glibc = \"2.12\"\n",
    );
    assert_refused(
        ws.path(),
        &["build"],
        &["`min-glibc` is 2.12", "needs glibc 2.17 or newer on"],
    );
}

/// verify opens each artifact and reads the glibc its binary needs. The
/// xtask binary cargo built for this test links against this machine's
/// glibc, far above the floor its manifest entry claims.
#[test]
fn verify_refuses_a_binary_above_its_glibc_floor() {
    let ws = fixture_workspace("glibc-above");
    let out = ws.path().join("release");
    let binary = std::fs::read(env!("CARGO_BIN_EXE_xtask")).unwrap();
    release_of_one_binary(
        &out,
        "1.0.0",
        "x86_64-unknown-linux-gnu",
        &binary,
        r#", "glibc_floor": "2.17""#,
    );
    let stderr = assert_fails_with(
        &xtask(ws.path(), &["verify", out.to_str().unwrap()]),
        &[
            &format!(
                "{app}-1.0.0-x86_64-unknown-linux-gnu/{app} needs glibc 2.",
                app = app()
            ),
            "is bound to GLIBC_2.",
            "above the release's floor of 2.17",
        ],
    );
    assert!(stderr.contains("failed verification"), "{stderr}");
}

/// A macOS binary built for a newer macOS than its floor (what zig does
/// without MACOSX_DEPLOYMENT_TARGET) is refused by verify. The binary is a
/// Mach-O header with one LC_BUILD_VERSION load command saying macOS 15.0,
/// laid out as in <mach-o/loader.h>.
#[test]
fn verify_refuses_a_macos_binary_above_its_floor() {
    let ws = fixture_workspace("macos-above");
    let out = ws.path().join("release");
    let words: [u32; 14] = [
        0xfeed_facf,
        0x0100_000c,
        0,
        2,
        1,
        24,
        0,
        0, // mach_header_64: arm64, 1 command
        0x32,
        24,
        1,
        15 << 16,
        15 << 16,
        0, // LC_BUILD_VERSION: macos, minos 15.0
    ];
    let binary: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
    release_of_one_binary(
        &out,
        "1.0.0",
        "aarch64-apple-darwin",
        &binary,
        r#", "macos_floor": "11.0""#,
    );
    assert_fails_with(
        &xtask(ws.path(), &["verify", out.to_str().unwrap()]),
        &[
            &format!(
                "{app}-1.0.0-aarch64-apple-darwin/{app} (arm64) needs macOS 15.0",
                app = app()
            ),
            "above the release's floor of 11.0",
            "MACOSX_DEPLOYMENT_TARGET",
        ],
    );
}

/// Without the `[env]` line that gives the aarch64 musl target its C
/// compiler, the cc crate looks for a musl gcc Debian does not have. The
/// summary says so, and what the table says to use instead.
#[test]
fn missing_c_compiler_is_named_in_the_summary() {
    let ws = fixture_workspace("no-c-compiler");
    edit(
        ws.path(),
        ".cargo/config.toml",
        "CC_aarch64_unknown_linux_musl = { value = \"scripts/aarch64-unknown-linux-musl-cc\", relative = true }\n",
        "",
    );
    let output = xtask(
        ws.path(),
        &["build", "--target", "aarch64-unknown-linux-musl"],
    );
    assert_fails_with(
        &output,
        &[
            "FAILED: aarch64-unknown-linux-musl: a crate's build script looked for the C compiler \
             `aarch64-linux-musl-gcc`",
            "`zig (aarch64-linux-musl)`",
            "cargo xtask doctor",
        ],
    );
}

/// A pinned tool that cannot be installed (here: PyPI unreachable) stops
/// with what failed and where the pins live.
#[test]
fn pinned_tool_that_cannot_be_installed_is_named() {
    let ws = fixture_workspace("pin-unreachable");
    let tools = ws.path().join("fresh-tools");
    // Under `cargo xtask ci` this process's PATH starts with the real tools
    // environment; without it, nothing of the pinned tools is installed.
    let path = std::env::var_os("PATH").unwrap();
    let path = std::env::join_paths(
        std::env::split_paths(&path).filter(|dir| !dir.ends_with("xtask-tools/bin")),
    )
    .unwrap();
    let output = xtask_command(ws.path(), &["build", "--target", "wasm32-wasip1"])
        .env("PATH", path)
        .env("XTASK_TOOLS_DIR", &tools)
        .env("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
        .env("PIP_RETRIES", "0")
        .env("PIP_TIMEOUT", "2")
        .output()
        .unwrap();
    let stderr = assert_fails_with(
        &output,
        &[
            "cannot install from PyPI",
            "wasmtime 50.0.1",
            "ziglang 0.17.1",
            "xtask/src/pins.rs",
        ],
    );
    assert_built_nothing(ws.path(), &stderr);
}

/// A malformed MINISIGN_SECRET_KEY stops dist before it builds anything.
#[test]
fn malformed_signing_key_stops_dist_before_building() {
    let ws = fixture_workspace("bad-key");
    let out = ws.path().join("out");
    let output = xtask_command(
        ws.path(),
        &[
            "dist",
            "--target",
            FIXTURE_TARGETS[0],
            "--out",
            out.to_str().unwrap(),
        ],
    )
    .env("MINISIGN_SECRET_KEY", "not a key")
    .output()
    .unwrap();
    let stderr = assert_fails_with(
        &output,
        &["minisign cannot sign with the key in MINISIGN_SECRET_KEY"],
    );
    assert_built_nothing(ws.path(), &stderr);
    assert_eq!(artifacts_in(&out), Vec::<String>::new());
}

/// A dependency graph cargo cannot resolve as locked (a dependency added
/// without updating Cargo.lock) stops dist at the SBOM, before building.
#[test]
fn sbom_that_cannot_be_made_stops_dist_before_building() {
    let ws = fixture_workspace("sbom-unresolvable");
    let path = shipped_manifest(ws.path());
    let mut manifest: toml_edit::DocumentMut =
        std::fs::read_to_string(&path).unwrap().parse().unwrap();
    manifest["dependencies"]["itoa"] = toml_edit::value("1");
    std::fs::write(&path, manifest.to_string()).unwrap();
    let out = ws.path().join("out");
    let stderr = assert_fails_with(
        &xtask(
            ws.path(),
            &[
                "dist",
                "--target",
                FIXTURE_TARGETS[0],
                "--out",
                out.to_str().unwrap(),
            ],
        ),
        &[
            &format!("cannot make the SBOM of {}", FIXTURE_TARGETS[0]),
            "sbom = false",
        ],
    );
    assert_built_nothing(ws.path(), &stderr);
    assert_eq!(artifacts_in(&out), Vec::<String>::new());
}

/// `cargo xtask targets --json | head -1`: the reader goes away before the
/// xtask has written, and the xtask ends quietly (killed by SIGPIPE, 141 in
/// a shell) instead of panicking on its next line of output.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::os::unix::process::ExitStatusExt;
    for args in [&["targets", "--json"][..], &["doctor"], &["plan"]] {
        let mut child = xtask_command(&repo_root(), args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() || output.status.signal() == Some(13),
            "{args:?} ended with {:?}:\n{stderr}",
            output.status
        );
        assert!(!stderr.contains("panicked"), "{args:?}:\n{stderr}");
    }
}

/// What the .msi cannot hold is refused before anything is built: a
/// package for a target wixl cannot build for, and a version beyond
/// Windows Installer's 255.255.65535.
#[test]
fn msi_for_a_non_windows_target_or_an_unmappable_version_is_refused() {
    let ws = fixture_workspace("msi");
    configure_windows(ws.path());
    edit_dist(ws.path(), |dist| {
        let formats: toml_edit::Array = ["tar.gz", "msi"].into_iter().collect();
        dist["formats"]["x86_64-unknown-linux-gnu"] = toml_edit::value(formats);
    });
    let out = ws.path().join("out");
    let dist = [
        "dist",
        "--target",
        "x86_64-pc-windows-gnu",
        "--out",
        out.to_str().unwrap(),
    ];
    assert_refused(
        ws.path(),
        &dist,
        &[
            "an .msi of `x86_64-unknown-linux-gnu`",
            "only for x86 and x64 Windows",
        ],
    );
    edit_dist(ws.path(), |dist| {
        dist["formats"]
            .as_table_like_mut()
            .unwrap()
            .remove("x86_64-unknown-linux-gnu");
    });
    let path = shipped_manifest(ws.path());
    let mut manifest: toml_edit::DocumentMut =
        std::fs::read_to_string(&path).unwrap().parse().unwrap();
    manifest["package"]["version"] = toml_edit::value("256.0.0");
    std::fs::write(&path, manifest.to_string()).unwrap();
    assert_refused(
        ws.path(),
        &dist,
        &["256.0.0 cannot be an MSI version", "255.255.65535"],
    );
    assert!(!out.exists());
    assert_refused(
        ws.path(),
        &["wxs", "--target", "x86_64-unknown-linux-gnu"],
        &[
            "not a configured target with an .msi",
            "x86_64-pc-windows-gnu",
        ],
    );
}

/// `wxs` prints the WiX source of each package that makes an .msi, and
/// passes over the workspace's firmware and web packages, which make none.
#[test]
fn wxs_prints_the_source_of_each_package_that_makes_an_msi() {
    let output = xtask(&repo_root(), &["wxs"]);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(printed.matches("<Wix ").count(), 1, "{printed}");
}

/// A signing key that is not base64 is refused before anything is built;
/// one whose password is wrong fails the target, and nothing is published.
#[test]
fn bad_windows_signing_keys_are_refused() {
    let ws = fixture_workspace("authenticode");
    configure_windows(ws.path());
    let out = ws.path().join("out");
    let dist = [
        "dist",
        "--target",
        "x86_64-pc-windows-gnu",
        "--out",
        out.to_str().unwrap(),
    ];
    let output = xtask_command(ws.path(), &dist)
        .env("WINDOWS_SIGNING_KEY", "%%% not base64 %%%")
        .output()
        .unwrap();
    let said = assert_fails_with(
        &output,
        &["WINDOWS_SIGNING_KEY is not base64", "base64 -w0"],
    );
    assert_built_nothing(ws.path(), &said);
    let output = xtask_command(ws.path(), &dist)
        .env("WINDOWS_SIGNING_KEY", "bm90IGEgcGtjczEyIGZpbGU=")
        .env("WINDOWS_SIGNING_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_fails_with(
        &output,
        &["osslsigncode cannot sign", "WINDOWS_SIGNING_PASSWORD"],
    );
    assert_eq!(artifacts_in(&out), Vec::<String>::new());
}

/// Configures the Windows target in `ws` the way an adopter would, unless
/// it is configured already.
fn configure_windows(ws: &Path) {
    let triple = "x86_64-pc-windows-gnu";
    let targets = dist_table(ws)["targets"].clone();
    let listed = targets
        .as_array()
        .is_some_and(|list| list.iter().any(|t| t.as_str() == Some(triple)));
    if !listed {
        let added = xtask(ws, &["add-target", triple]);
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
    }
}

/// A wheel asked for a target PyPI has no platform tag for (riscv64: PyPI
/// refuses `manylinux_*_riscv64` wheels) is refused before building, with
/// the reason; so is one asked for while `pypi = false`.
#[test]
fn a_wheel_no_pypi_tag_covers_is_refused() {
    let ws = fixture_workspace("wheel-no-tag");
    let riscv = "riscv64gc-unknown-linux-gnu";
    if !configured_in(ws.path())
        .iter()
        .any(|t| t["triple"] == riscv)
    {
        succeed(xtask(ws.path(), &["add-target", riscv]));
    }
    edit_dist(ws.path(), |dist| {
        dist["formats"][riscv] = toml_edit::value(toml_edit::Array::from_iter(["tar.gz", "whl"]));
    });
    let out = ws.path().join("out");
    let output = xtask(ws.path(), &["dist", "--out", out.to_str().unwrap()]);
    let stderr = assert_fails_with(
        &output,
        &[
            riscv,
            "PyPI has no platform tag for its architecture (riscv64)",
            "Remove \"whl\"",
        ],
    );
    assert_built_nothing(ws.path(), &stderr);
    edit_dist(ws.path(), |dist| {
        dist["formats"][riscv] = toml_edit::value(toml_edit::Array::from_iter(["tar.gz"]));
        dist["formats"][FIXTURE_TARGETS[0]] =
            toml_edit::value(toml_edit::Array::from_iter(["tar.gz", "whl"]));
        dist["pypi"] = toml_edit::value(false);
    });
    assert_refused(ws.path(), &["dist"], &["`pypi = false` turns those off"]);
}

/// A program whose name PyPI or npm would refuse, shipped through that
/// channel, is refused before anything is built, with the fix.
#[test]
fn package_names_pypi_or_npm_refuse_are_refused_before_building() {
    for (name, format, needles) in [
        (
            "App",
            "tgz",
            ["has capital letters", "npm registry refuses"],
        ),
        ("app_", "whl", ["not a name PyPI accepts", "`pypi = false`"]),
    ] {
        let ws = fixture_workspace("channel-names");
        let triples = configured_in(ws.path());
        let old = shipped_package(ws.path())["name"]
            .as_str()
            .unwrap()
            .to_owned();
        let manifest = shipped_manifest(ws.path());
        let text = std::fs::read_to_string(&manifest).unwrap();
        let text = text.replacen(
            &format!("name = \"{old}\""),
            &format!("name = \"{name}\""),
            1,
        );
        std::fs::write(&manifest, text).unwrap();
        edit_dist(ws.path(), |dist| {
            match dist.get_mut("packages").and_then(|p| p.as_array_mut()) {
                Some(list) => drop(list.replace(0, name)),
                None => dist["package"] = toml_edit::value(name),
            }
            // Only the channel's format where the target has it, so that no
            // other format's check of the name comes first.
            let programs = triples
                .iter()
                .filter(|t| t["packages"].to_string().contains(&old));
            for target in programs.filter(|t| t["formats"].to_string().contains(format)) {
                dist["formats"][target["triple"].as_str().unwrap()] =
                    toml_edit::value(toml_edit::Array::from_iter(["tar.gz", format]));
            }
        });
        let out = ws.path().join("out");
        let output = xtask(ws.path(), &["dist", "--out", out.to_str().unwrap()]);
        let mut needles = needles.to_vec();
        needles.push(name);
        let stderr = assert_fails_with(&output, &needles);
        assert_built_nothing(ws.path(), &stderr);
    }
}

/// The targets the workspace in `dir` configures, as `targets --json`
/// describes them.
fn configured_in(dir: &Path) -> Vec<serde_json::Value> {
    let output = xtask(dir, &["targets", "--json"]);
    let targets: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    targets
        .into_iter()
        .filter(|t| t["configured"] == true)
        .collect()
}

/// A .pkg identifier that is not reverse-DNS, a `pkg-identifier` that is
/// not a string, and a program with neither one nor a repository or
/// homepage to make one from are refused before anything is built, each
/// with its fix; and a .pkg asked of a target that is not macOS.
#[test]
fn a_pkg_identifier_that_is_not_reverse_dns_is_refused_before_building() {
    let ws = fixture_workspace("pkg-identifier");
    let macos = "aarch64-apple-darwin";
    if !configured_in(ws.path())
        .iter()
        .any(|t| t["triple"] == macos)
    {
        succeed(xtask(ws.path(), &["add-target", macos]));
    }
    edit_dist(ws.path(), |dist| {
        dist["formats"][macos] = toml_edit::value(toml_edit::Array::from_iter(["tar.gz", "pkg"]));
    });
    let manifest = shipped_manifest(ws.path());
    let edit_package = |change: &dyn Fn(&mut toml_edit::Table)| {
        let text = std::fs::read_to_string(&manifest).unwrap();
        let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
        change(doc["package"].as_table_mut().unwrap());
        std::fs::write(&manifest, doc.to_string()).unwrap();
    };
    let out = ws.path().join("out");
    let dist = ["dist", "--out", out.to_str().unwrap()];
    edit_package(&|package| {
        package["metadata"]["dist"]["pkg-identifier"] = toml_edit::value("com.example.my app");
    });
    assert_refused(
        ws.path(),
        &dist,
        &[
            "`pkg-identifier = \"com.example.my app\"`",
            "not a reverse-DNS name",
            "' ' is not a letter",
        ],
    );
    edit_package(&|package| {
        package["metadata"]["dist"]["pkg-identifier"] = toml_edit::value(7);
    });
    assert_refused(
        ws.path(),
        &dist,
        &[
            "`pkg-identifier` must be the reverse-DNS name of its macOS .pkg, like \"io.github.owner.app\", not integer `7`",
        ],
    );
    edit_package(&|package| {
        package["metadata"]["dist"]
            .as_table_like_mut()
            .unwrap()
            .remove("pkg-identifier");
        package.remove("repository");
        package.remove("homepage");
    });
    // The installers would need a URL too, which is their own error.
    edit_dist(ws.path(), |dist| {
        dist["base-url"] = toml_edit::value("https://downloads.example.com/v{version}");
    });
    assert_refused(
        ws.path(),
        &dist,
        &["it has neither", "Set `pkg-identifier`"],
    );
    assert!(!out.exists(), "an out folder was made");

    edit_dist(ws.path(), |dist| {
        dist["formats"][macos] = toml_edit::value(toml_edit::Array::from_iter(["tar.gz"]));
        dist["formats"][FIXTURE_TARGETS[0]] =
            toml_edit::value(toml_edit::Array::from_iter(["tar.gz", "pkg"]));
    });
    assert_refused(
        ws.path(),
        &dist,
        &[
            FIXTURE_TARGETS[0],
            "for macOS targets only",
            "Remove \"pkg\"",
        ],
    );
}

/// An SDKROOT that is not a macOS SDK is named before anything is built,
/// with the two ways out, and no artifact is written.
#[test]
fn an_sdkroot_that_is_not_an_sdk_is_refused_for_macos() {
    let ws = copy_of_workspace("bad-sdkroot");
    let not_an_sdk = ws.path().join("docs");
    let output = xtask_command(ws.path(), &["dist", "--target", "aarch64-apple-darwin"])
        .env("SDKROOT", &not_an_sdk)
        .output()
        .unwrap();
    let stderr = assert_fails_with(
        &output,
        &[
            "nothing to build here",
            &format!(
                "SDKROOT is {}, which is not a macOS SDK",
                not_an_sdk.display()
            ),
            "unset it to link against stubs",
        ],
    );
    assert_built_nothing(ws.path(), &stderr);
    let doctor = xtask_command(ws.path(), &["doctor"])
        .env("SDKROOT", &not_an_sdk)
        .output()
        .unwrap();
    assert_fails_with(&doctor, &["cannot be linked here with SDKROOT as it is"]);
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(said.contains("which is not a macOS SDK"), "{said}");
}
