//! The template adopted in ways other than the sample's walk (template.rs):
//! each variant changes a copy as an adopter would, puts in a program of
//! its own that compiles C (zstd), and then the copy's own test suite, the
//! xtask's included, passes in it, and its `dist` and `verify` succeed.
//! These are the configurations the suite must not assume away: a
//! pre-release with other packaging settings, a single target nothing here
//! runs, the shipped package moved out of `app/`, and two shipped packages,
//! one with two binaries.
//!
//! The copies are [`AdoptionCopy`]s: one after the other, at one path,
//! building in one target folder, so the crates they have in common are
//! compiled once.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::adoption::*;
use support::*;

/// Configures exactly `wanted` in the copy `dir`, with the xtask's own
/// add-target and remove-target.
fn configure_targets(dir: &Path, wanted: &[String]) {
    for triple in wanted {
        if !configured_in(dir).contains(triple) {
            succeed(xtask(dir, &["add-target", triple]));
        }
    }
    for triple in configured_in(dir) {
        if !wanted.contains(&triple) {
            succeed(xtask(dir, &["remove-target", &triple]));
        }
    }
    assert_eq!(&configured_in(dir), wanted);
}

fn configured_in(dir: &Path) -> Vec<String> {
    known_targets(dir)
        .iter()
        .filter(|row| row["configured"] == true)
        .map(|row| row["triple"].as_str().unwrap().to_owned())
        .collect()
}

/// `dist` and `verify` succeed in the copy, then its own tests pass: its
/// program's, and the xtask's suite on its configuration
/// ([`own_suite_passes`]), whose dists of the copy's targets find dist's
/// builds warm. Returns the
/// release folder and dist's manifest.
fn dist_and_own_suite_pass(copy: &AdoptionCopy) -> (PathBuf, Value) {
    let dir = copy.path();
    succeed(cargo_in(dir, &["fetch"]).output().unwrap());
    let out = copy.release_dir();
    succeed(xtask(dir, &["dist", "--out", out.to_str().unwrap()]));
    succeed(xtask(dir, &["verify", out.to_str().unwrap()]));
    let tested = succeed(
        cargo_in(
            dir,
            &[
                "test",
                "--workspace",
                "--exclude",
                "xtask",
                "--exclude",
                "firmware",
                "--locked",
            ],
        )
        .output()
        .unwrap(),
    );
    assert!(
        tested.contains("counts_lines_words_and_bytes ... ok"),
        "{tested}"
    );
    own_suite_passes(dir);
    let manifest = std::fs::read(out.join("dist-manifest.json")).unwrap();
    (out, serde_json::from_slice(&manifest).unwrap())
}

/// Sets the shipped package's version where it is kept: in its own
/// manifest, or in `[workspace.package]` it inherits from.
fn bump_version(dir: &Path, version: &str) {
    let manifest = shipped_manifest(dir);
    let mut doc: toml_edit::DocumentMut =
        std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
    if doc["package"]["version"].is_str() {
        doc["package"]["version"] = toml_edit::value(version);
        std::fs::write(&manifest, doc.to_string()).unwrap();
        return;
    }
    let root = dir.join("Cargo.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&root).unwrap().parse().unwrap();
    doc["workspace"]["package"]["version"] = toml_edit::value(version);
    std::fs::write(&root, doc.to_string()).unwrap();
}

/// The triple of the table's row that `pick` chooses, preferring the
/// template's configured targets (so that the variants build what its CI
/// has just built), last first.
fn pick_target(pick: impl Fn(&Value) -> bool) -> String {
    let known = known_targets(&repo_root());
    let configured = known.iter().filter(|row| row["configured"] == true);
    let any = known.iter();
    configured
        .rev()
        .find(|row| pick(row))
        .or_else(|| any.rev().find(|row| pick(row)))
        .and_then(|row| row["triple"].as_str())
        .expect("the table has such a target")
        .to_owned()
}

fn native_glibc(row: &Value) -> bool {
    row["runner"] == "native" && row["triple"].as_str().unwrap().ends_with("-linux-gnu")
}

/// A pre-release, with another include list and every optional output
/// turned off: dist ships what that configuration says, and the packages
/// carry the pre-release in their own notation.
#[test]
#[ignore = "adopts a copy and builds two targets in it; run by `cargo xtask ci`"]
fn a_prerelease_with_other_packaging_settings() {
    let ws = AdoptionCopy::new();
    let dir = ws.path();
    let targets = vec![
        pick_target(native_glibc),
        pick_target(|row| row["runner"] == "qemu" && row["linker_kind"] == "cross-gcc"),
    ];
    configure_targets(dir, &targets);
    replace_program(dir);
    bump_version(dir, "2.0.0-rc.1");
    std::fs::write(dir.join("NOTICE"), "Third-party notices.\n").unwrap();
    let mut include: Vec<String> = Vec::new();
    edit_dist(dir, |dist| {
        let listed = dist["include"].as_array().unwrap();
        include = listed
            .iter()
            .filter_map(|name| name.as_str())
            .filter(|name| *name != "LICENSE-MIT")
            .map(str::to_owned)
            .chain(["NOTICE".to_owned()])
            .collect();
        dist["include"] = toml_edit::value(include.iter().collect::<toml_edit::Array>());
        dist["sbom"] = toml_edit::value(false);
        dist["installers"] = toml_edit::value(toml_edit::Array::new());
        dist["universal2"] = toml_edit::value(false);
    });

    let (out, manifest) = dist_and_own_suite_pass(&ws);
    let names = artifacts_in(&out);
    let package = shipped_package(dir);
    let name = package["name"].as_str().unwrap();
    assert!(
        !names.iter().any(|n| n.ends_with(".cdx.json")),
        "sbom = false: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.ends_with("-installer.sh")),
        "installers = []: {names:?}"
    );
    assert_eq!(manifest["version"], "2.0.0-rc.1");
    for triple in &targets {
        let tarball = format!("{name}-2.0.0-rc.1-{triple}.tar.gz");
        assert!(names.contains(&tarball), "{tarball} not in {names:?}");
        let unpacked = Scratch::new("adopt-prerelease-untar");
        run_in_dir(
            unpacked.path(),
            "tar",
            &["-xzf", out.join(&tarball).to_str().unwrap()],
        );
        let folder = unpacked.path().join(tarball.trim_end_matches(".tar.gz"));
        for file in &include {
            assert!(folder.join(file).is_file(), "{file} not in {tarball}");
        }
        assert!(
            !folder.join("LICENSE-MIT").exists(),
            "{tarball} has LICENSE-MIT"
        );
    }
    // Debian and RPM spell a pre-release with `~`, which sorts before 2.0.0.
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("{name}_2.0.0~rc.1-")) && n.ends_with(".deb")),
        "{names:?}"
    );
    let rpm = names
        .iter()
        .find(|n| n.starts_with(&format!("{name}-2.0.0~rc.1-")) && n.ends_with(".rpm"))
        .unwrap_or_else(|| panic!("no .rpm in {names:?}"));
    // Unsigned, as by default: rpmlint's one error is the missing signature.
    let linted = std::process::Command::new("rpmlint")
        .arg(out.join(rpm))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&linted.stdout);
    let errors: Vec<&str> = report
        .lines()
        .filter(|line| line.contains(": E: "))
        .collect();
    assert_eq!(errors.len(), 1, "{report}");
    assert!(errors[0].ends_with("E: no-signature"), "{report}");
}

/// One configured target, which nothing on this machine runs: the suite
/// and dist get by without a runnable or native target.
#[test]
#[ignore = "adopts a copy and builds one target in it; run by `cargo xtask ci`"]
fn a_single_target_this_machine_cannot_run() {
    let ws = AdoptionCopy::new();
    let dir = ws.path();
    let target = pick_target(|row| row["runner"] == "none");
    configure_targets(dir, std::slice::from_ref(&target));
    replace_program(dir);
    let (out, manifest) = dist_and_own_suite_pass(&ws);
    let artifacts = manifest["artifacts"].as_array().unwrap();
    assert!(
        artifacts
            .iter()
            .any(|a| a["target"] == target.as_str() && a["smoke_run"] == "none"),
        "{manifest}"
    );
    assert!(
        artifacts_in(&out)
            .iter()
            .any(|n| n.ends_with(&format!("-{target}.tar.gz")))
    );
}

/// The shipped package moved to `crates/my-tool/`, with `app/` gone, as a
/// workspace of several crates lays itself out.
#[test]
#[ignore = "adopts a copy and builds one target in it; run by `cargo xtask ci`"]
fn the_shipped_package_moved_out_of_app() {
    let ws = AdoptionCopy::new();
    let dir = ws.path();
    let target = pick_target(|row| row["static_binary"] == true && row["runner"] == "native");
    configure_targets(dir, std::slice::from_ref(&target));
    replace_program(dir);
    let old = shipped_manifest(dir).parent().unwrap().to_owned();
    let old_member = old.strip_prefix(dir).unwrap().to_str().unwrap().to_owned();
    std::fs::create_dir_all(dir.join("crates")).unwrap();
    std::fs::rename(&old, dir.join("crates/my-tool")).unwrap();
    let root = dir.join("Cargo.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&root).unwrap().parse().unwrap();
    for list in ["members", "default-members"] {
        if let Some(members) = doc["workspace"][list].as_array_mut() {
            for member in members.iter_mut() {
                if member.as_str() == Some(old_member.as_str()) {
                    *member = "crates/my-tool".into();
                }
            }
        }
    }
    std::fs::write(&root, doc.to_string()).unwrap();
    // Paths in the moved manifest are one folder deeper now.
    let moved = dir.join("crates/my-tool/Cargo.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&moved).unwrap().parse().unwrap();
    if let Some(readme) = doc["package"]["readme"].as_str().map(str::to_owned) {
        doc["package"]["readme"] = toml_edit::value(format!("../{readme}"));
    }
    std::fs::write(&moved, doc.to_string()).unwrap();
    assert!(!dir.join(&old_member).exists());
    assert_eq!(shipped_manifest(dir), dir.join("crates/my-tool/Cargo.toml"));

    let (out, _) = dist_and_own_suite_pass(&ws);
    assert!(
        artifacts_in(&out)
            .iter()
            .any(|n| n.ends_with(&format!("-{target}.tar.gz")))
    );
}

/// Two shipped packages: the program, and `toolbox`, a second member with
/// two binaries, one compiling C. Every binary is in every format of every
/// target, as the users' own tools read them, the installers install both
/// tools, the container image holds all three, and a release merged from
/// per-target parts is the same as one built in one go.
#[test]
#[ignore = "adopts a copy and builds three targets of two packages in it; run by `cargo xtask ci`"]
fn two_packages_one_with_two_binaries() {
    let ws = AdoptionCopy::new();
    let dir = ws.path();
    let glibc = pick_target(native_glibc);
    let windows = pick_target(|row| row["runner"] == "wine");
    let musl = pick_target(|row| row["static_binary"] == true && row["runner"] == "native");
    // In the table's order, which is the order they are configured in.
    let known = known_targets(dir);
    let mut targets = vec![glibc.clone(), windows.clone(), musl.clone()];
    targets.sort_by_key(|triple| {
        known
            .iter()
            .position(|row| row["triple"] == triple.as_str())
    });
    configure_targets(dir, &targets);
    replace_program(dir);
    add_toolbox(dir);
    let (out, manifest) = dist_and_own_suite_pass(&ws);
    let tools = ["fetch", "stash"];
    check_archives(&out, (&glibc, &windows), tools);
    check_linux_packages(dir, &out, &glibc, tools);
    check_msi_and_sbom(&out, (&windows, &musl), tools);
    // The manifest says which package and binaries each artifact holds.
    for artifact in manifest["artifacts"].as_array().unwrap() {
        if artifact["name"].as_str().unwrap().starts_with("toolbox") {
            assert_eq!(artifact["package"], "toolbox", "{artifact}");
            assert_eq!(artifact["binaries"], serde_json::json!(tools), "{artifact}");
        }
    }

    check_installers(dir, &out, tools);
    check_image(dir, &out, &musl);
    check_merged_parts(dir, &out, &targets);
}

/// Each archive holds both tools; tar and unzip list them.
fn check_archives(out: &Path, (glibc, windows): (&str, &str), tools: [&str; 2]) {
    let names = artifacts_in(out);
    let has = |name: &str| assert!(names.iter().any(|n| n == name), "no {name} in {names:?}");
    let tarball = format!("toolbox-0.3.0-{glibc}.tar.gz");
    has(&tarball);
    let listed = run_in_dir(out, "tar", &["-tzf", &tarball]);
    for tool in tools {
        assert!(
            listed.contains(&format!("toolbox-0.3.0-{glibc}/{tool}\n")),
            "{listed}"
        );
    }
    let zip = format!("toolbox-0.3.0-{windows}.zip");
    has(&zip);
    let listed = run_in_dir(out, "unzip", &["-l", &zip]);
    for tool in tools {
        assert!(listed.contains(&format!("{tool}.exe")), "{listed}");
    }
}

/// The .deb and .rpm install both tools, as dpkg-deb and rpm read them.
fn check_linux_packages(dir: &Path, out: &Path, glibc: &str, tools: [&str; 2]) {
    let names = artifacts_in(out);
    let has = |name: &str| assert!(names.iter().any(|n| n == name), "no {name} in {names:?}");
    let glibc_row = known_targets(dir)
        .into_iter()
        .find(|row| row["triple"] == glibc)
        .unwrap();
    let deb = format!(
        "toolbox_0.3.0-1_{}.deb",
        glibc_row["debian_arch"].as_str().unwrap()
    );
    has(&deb);
    let listed = run_in_dir(out, "dpkg-deb", &["-c", &deb]);
    let rpm = format!(
        "toolbox-0.3.0-1.{}.rpm",
        glibc_row["rpm_arch"].as_str().unwrap()
    );
    has(&rpm);
    let rpm_listed = run_in_dir(out, "rpm", &["-qlp", &rpm]);
    for tool in tools {
        assert!(listed.contains(&format!("./usr/bin/{tool}\n")), "{listed}");
        assert!(
            rpm_listed.contains(&format!("/usr/bin/{tool}\n")),
            "{rpm_listed}"
        );
    }
    let depends = run_in_dir(out, "dpkg-deb", &["-f", &deb, "Depends"]);
    assert!(depends.contains("libc6"), "{depends}");
}

/// The .msi installs both tools (msiextract lists them), and the SBOM of
/// the package with the C dependency lists it.
fn check_msi_and_sbom(out: &Path, (windows, musl): (&str, &str), tools: [&str; 2]) {
    let names = artifacts_in(out);
    let has = |name: &str| assert!(names.iter().any(|n| n == name), "no {name} in {names:?}");
    let msi = format!("toolbox-0.3.0-{windows}.msi");
    has(&msi);
    let extracted = Scratch::new("several-msi");
    let listed = run_in_dir(
        out,
        "msiextract",
        &["-C", extracted.path().to_str().unwrap(), &msi],
    );
    for tool in tools {
        assert!(listed.contains(&format!("{tool}.exe")), "{listed}");
    }
    let sbom = std::fs::read_to_string(out.join(format!("toolbox-0.3.0-{musl}.cdx.json"))).unwrap();
    assert!(
        sbom.contains("pkg:cargo/zstd@"),
        "no zstd in the toolbox SBOM"
    );
}

/// install.sh of the toolbox installs both tools from the release;
/// Homebrew and Scoop list both.
fn check_installers(dir: &Path, out: &Path, tools: [&str; 2]) {
    let names = artifacts_in(out);
    let has = |name: &str| assert!(names.iter().any(|n| n == name), "no {name} in {names:?}");
    has("toolbox-installer.sh");
    let bin_dir = dir.join("installed");
    let installed = std::process::Command::new("sh")
        .arg(out.join("toolbox-installer.sh"))
        .args(["--prefix", bin_dir.to_str().unwrap()])
        .env(
            "TOOLBOX_INSTALL_BASE_URL",
            format!("file://{}", out.display()),
        )
        .output()
        .unwrap();
    succeed(installed);
    for tool in tools {
        let version = run_in_dir(dir, bin_dir.join(tool).to_str().unwrap(), &["--version"]);
        assert!(version.starts_with(&format!("{tool} 0.3.0 (")), "{version}");
    }
    let formula = std::fs::read_to_string(out.join("toolbox.rb")).unwrap();
    run_in_dir(out, "ruby", &["-c", "toolbox.rb"]);
    let scoop: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("toolbox.json")).unwrap()).unwrap();
    assert_eq!(scoop["bin"], serde_json::json!(["fetch.exe", "stash.exe"]));
    for tool in tools {
        assert!(
            formula.contains(&format!("bin.install \"{tool}\"")),
            "{formula}"
        );
    }
}

/// The container image holds the program and both tools, as skopeo and
/// umoci unpack it.
fn check_image(dir: &Path, out: &Path, musl: &str) {
    let names = artifacts_in(out);
    let musl_row = known_targets(dir)
        .into_iter()
        .find(|row| row["triple"] == musl)
        .unwrap();
    let platform = musl_row["container_platform"]
        .as_str()
        .expect("the musl target is in the image");
    let arch = platform.split('/').nth(1).unwrap();
    let image = names
        .iter()
        .find(|name| name.ends_with("-oci.tar"))
        .expect("a container image");
    let layout = dir.join("oci");
    let source = format!("oci-archive:{}", out.join(image).display());
    let copy = ["--override-arch", arch, "copy", "--quiet", &source];
    let dest = format!("oci:{}:one", layout.display());
    run_in_dir(dir, "skopeo", &[&copy[..], &[dest.as_str()]].concat());
    let bundle = dir.join("bundle");
    let image_ref = format!("{}:one", layout.display());
    run_in_dir(
        dir,
        "umoci",
        &[
            "unpack",
            "--rootless",
            "--image",
            &image_ref,
            bundle.to_str().unwrap(),
        ],
    );
    for tool in ["fetch", "stash", app()] {
        assert!(
            bundle.join("rootfs/usr/local/bin").join(tool).is_file(),
            "no {tool} in the image"
        );
    }
}

/// A release merged from one part per target is the same as the one
/// built in one go, in `out`.
fn check_merged_parts(dir: &Path, out: &Path, targets: &[String]) {
    let parts = dir.join("parts");
    let mut merge = vec!["merge".to_owned()];
    for target in targets {
        let part = parts.join(target);
        succeed(xtask(
            dir,
            &["dist", "--target", target, "--out", part.to_str().unwrap()],
        ));
        merge.push(part.to_str().unwrap().to_owned());
    }
    let merged = dir.join("merged");
    merge.extend(["--out".to_owned(), merged.to_str().unwrap().to_owned()]);
    let merge: Vec<&str> = merge.iter().map(String::as_str).collect();
    succeed(xtask(dir, &merge));
    assert_same_files(
        out,
        &merged,
        "one dist and the merged parts of two packages",
    );
}
