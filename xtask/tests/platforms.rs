//! The platforms beyond the default targets, as an adopter adds them: two
//! copies of the workspace get each with `add-target`. In the sample's,
//! plain cargo tests them through `.cargo/config.toml` alone; in one whose
//! program an adopter replaced with one that compiles C (zstd), `dist`
//! ships them, verified (its builds are cargo's, linked as that file says).
//! Tests that share a copy take turns in it.
//!
//! - s390x, the one big-endian target: its tests run under qemu, and a
//!   byte-order mistake made on purpose fails them where x86_64's pass;
//! - FreeBSD, build-only: its binary is branded for FreeBSD and names
//!   FreeBSD's loader, and verify refuses it under a Linux name;
//! - Windows on ARM (`gnullvm`), build-only: a PE ARM64 zip, no `.msi`
//!   (wixl makes none for ARM64), Scoop's `arm64`;
//! - 32-bit musl, which the build machine runs natively;
//! - MSVC, which nothing here builds: dist says where it is built, and
//!   packages a binary built there (a MinGW one stands in for it here),
//!   and merge takes that part into a release.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde_json::Value;
use support::adoption::*;
use support::*;

/// The rows this file is about.
const S390X: &str = "s390x-unknown-linux-gnu";
const FREEBSD: &str = "x86_64-unknown-freebsd";
const WINDOWS_ARM: &str = "aarch64-pc-windows-gnullvm";
const MUSL32: &str = "i686-unknown-linux-musl";
const ADDED: [&str; 4] = [S390X, MUSL32, FREEBSD, WINDOWS_ARM];
const MSVC: &str = "x86_64-pc-windows-msvc";

/// The copy of the workspace with the sample program, and the four targets
/// and MSVC added; a test holds the guard while it builds in it.
fn sample() -> MutexGuard<'static, PathBuf> {
    static COPY: OnceLock<Mutex<PathBuf>> = OnceLock::new();
    lock(COPY.get_or_init(|| Mutex::new(copy_with_the_targets("sample"))))
}

/// The copy whose program an adopter replaced with one that compiles zstd.
fn adopted() -> MutexGuard<'static, PathBuf> {
    static COPY: OnceLock<Mutex<PathBuf>> = OnceLock::new();
    lock(COPY.get_or_init(|| {
        let dir = copy_with_the_targets("adopted");
        replace_program(&dir);
        cargo_ok(&dir, &["fetch"]);
        Mutex::new(dir)
    }))
}

fn lock(copy: &'static Mutex<PathBuf>) -> MutexGuard<'static, PathBuf> {
    copy.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A copy of the workspace with [`ADDED`] and [`MSVC`] added. It is made
/// anew by each run, at one path per clone of the workspace (outside it, so
/// that cargo does not merge the clone's `.cargo/config.toml` into the
/// copy's), and left for the next run to replace: no test here knows it is
/// the last.
fn copy_with_the_targets(label: &str) -> PathBuf {
    let name = format!("xtask-platforms-{label}-{}", path_hash(&repo_root()));
    let dir = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    copy_tree(&repo_root(), &dir);
    for triple in ADDED.into_iter().chain([MSVC]) {
        let said = succeed(xtask(&dir, &["add-target", triple]));
        assert!(said.contains(&format!("added {triple}")), "{said}");
    }
    dir
}

/// `cargo ARGS` in `dir`, which must succeed; returns its output.
fn cargo_ok(dir: &Path, args: &[&str]) -> String {
    succeed(cargo_in(dir, args).output().unwrap())
}

/// Plain cargo, with nothing but what add-target wrote: the tests of s390x
/// run under qemu-s390x (the C part reports big-endian there), and those
/// of 32-bit musl natively. (The build-only targets are built by cargo in
/// the dist test.)
#[test]
#[ignore = "builds two targets in a copy of the workspace; run by `cargo xtask ci`"]
fn plain_cargo_tests_the_runnable_added_targets() {
    let ws = sample();
    let dir = ws.as_path();
    for triple in [S390X, MUSL32] {
        let tested = cargo_ok(dir, &["test", "--target", triple]);
        assert!(tested.contains("test result: ok"), "{tested}");
        assert!(!tested.contains("FAILED"), "{tested}");
    }
    cargo_ok(dir, &["build", "--target", S390X]);
    let info = Command::new("qemu-s390x")
        .args(["-L", "/usr/s390x-linux-gnu"])
        .arg(built(dir, S390X, "debug"))
        .arg("info")
        .output()
        .expect("qemu-s390x runs (qemu-user)");
    let info = succeed(info);
    if info.contains("c part") {
        assert!(info.contains("big-endian"), "{info}");
    }
}

/// A throwaway change that assumes little-endian, as code written on x86
/// does: the host's tests still pass, s390x's fail and say why.
#[test]
#[ignore = "builds s390x in a copy of the workspace; run by `cargo xtask ci`"]
fn a_byte_order_mistake_fails_only_on_s390x() {
    let ws = sample();
    let dir = ws.as_path();
    let c_part = dir.join("platform/c/c_toolchain.c");
    let detection = r#"return first == 1 ? "little-endian" : "big-endian";"#;
    let Some(original) = std::fs::read_to_string(&c_part)
        .ok()
        .filter(|text| text.contains(detection))
    else {
        eprintln!("skipped: the workspace has no platform crate that finds its byte order");
        return;
    };
    std::fs::write(
        &c_part,
        original.replace(detection, r#"return "little-endian";"#),
    )
    .unwrap();
    let host = cargo_in(dir, &["test", "-p", "platform"]).output().unwrap();
    let s390x = cargo_in(dir, &["test", "-p", "platform", "--target", S390X])
        .output()
        .unwrap();
    std::fs::write(&c_part, original).unwrap();
    succeed(host);
    let stdout = String::from_utf8_lossy(&s390x.stdout);
    assert!(!s390x.status.success(), "s390x passed:\n{stdout}");
    assert!(
        stdout.contains("c_and_rust_agree_on_the_byte_order ... FAILED")
            && stdout.contains("but this target is big-endian"),
        "{stdout}"
    );
}

/// `dist` of the four, with a program of the adopter's that compiles zstd's
/// C, then verify; each artifact opened with the tool a user would use.
#[test]
#[ignore = "builds release binaries of four targets in a copy; run by `cargo xtask ci`"]
fn dist_ships_verified_artifacts_for_each_added_target() {
    let ws = adopted();
    let dir = ws.as_path();
    let out = dist_of_the_added_targets(dir);
    let release = Release {
        manifest: serde_json::from_slice(&std::fs::read(out.join("dist-manifest.json")).unwrap())
            .unwrap(),
        unpacked: out.join("s390x"),
        app: shipped_bin(dir),
        out,
    };
    std::fs::create_dir_all(&release.unpacked).unwrap();
    release.check_s390x();
    release.check_musl32();
    release.check_windows_arm();
    release.check_freebsd();
}

/// The release of the added targets, as the checks of each read it.
struct Release {
    out: PathBuf,
    manifest: Value,
    /// Where the checks unpack archives.
    unpacked: PathBuf,
    app: String,
}

impl Release {
    /// The name of the artifact of `target` in `format`.
    fn shipped(&self, target: &str, format: &str) -> String {
        let manifest = &self.manifest;
        manifest["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["target"] == target && a["format"] == format)
            .unwrap_or_else(|| panic!("no {format} for {target}: {manifest:#}"))["name"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Big-endian zstd, round-tripped under qemu; the .deb and .rpm are
    /// of s390x.
    fn check_s390x(&self) {
        let tarball = self.shipped(S390X, "tar.gz");
        let binary = unpacked_binary(&self.out, &tarball, &self.unpacked, &self.app);
        let counted = piped(
            "qemu-s390x -L /usr/s390x-linux-gnu",
            &binary,
            "one two\nthree\n",
        );
        assert_eq!(counted.trim(), "2 3 14");
        let deb = run_in_dir(
            &self.out,
            "dpkg-deb",
            &["--field", &self.shipped(S390X, "deb"), "Architecture"],
        );
        assert_eq!(deb.trim(), "s390x");
        let rpm = run_in_dir(
            &self.out,
            "rpm",
            &["-qp", "--qf", "%{ARCH}", &self.shipped(S390X, "rpm")],
        );
        assert_eq!(rpm.trim(), "s390x");
    }

    /// 32-bit musl runs here, static.
    fn check_musl32(&self) {
        let tarball = self.shipped(MUSL32, "tar.gz");
        let binary = unpacked_binary(&self.out, &tarball, &self.unpacked, &self.app);
        assert_eq!(piped("", &binary, "a b\n").trim(), "1 2 4");
        let described = run_in_dir(&self.out, "file", &[binary.to_str().unwrap()]);
        assert!(
            described.contains("Intel 80386") && described.contains("statically"),
            "{described}"
        );
    }

    /// Windows on ARM: a zip of an ARM64 PE, no .msi, and Scoop's manifest
    /// (where the configuration has installers) names the zip.
    fn check_windows_arm(&self) {
        let zip = self.shipped(WINDOWS_ARM, "zip");
        let listing = run_in_dir(&self.out, "unzip", &["-l", &zip]);
        assert!(listing.contains(&format!("{}.exe", self.app)), "{listing}");
        run_in_dir(
            &self.unpacked,
            "unzip",
            &["-o", self.out.join(&zip).to_str().unwrap()],
        );
        let exe = self
            .unpacked
            .join(zip.trim_end_matches(".zip"))
            .join(format!("{}.exe", self.app));
        let windows = run_in_dir(&self.out, "file", &[exe.to_str().unwrap()]);
        assert!(
            windows.contains("PE32+ executable") && windows.contains("Aarch64"),
            "{windows}"
        );
        assert!(
            !self
                .manifest
                .to_string()
                .contains(&format!("{WINDOWS_ARM}.msi"))
        );
        let scoop = self.manifest["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["format"] == "json" && a["target"] == "installer");
        if let Some(scoop) = scoop {
            let path = self.out.join(scoop["name"].as_str().unwrap());
            let scoop: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
            let url = scoop["architecture"]["arm64"]["url"].as_str().unwrap();
            assert!(url.ends_with(&zip), "{scoop:#}");
        }
    }

    /// FreeBSD: a tarball of a binary file(1) knows for FreeBSD's.
    fn check_freebsd(&self) {
        let tarball = self.shipped(FREEBSD, "tar.gz");
        let binary = unpacked_binary(&self.out, &tarball, &self.unpacked, &self.app);
        let freebsd = run_in_dir(&self.out, "file", &[binary.to_str().unwrap()]);
        assert!(
            freebsd.contains("FreeBSD") && freebsd.contains("/libexec/ld-elf.so.1"),
            "{freebsd}"
        );
    }
}

/// The release of the four targets in `dir`, made once.
fn dist_of_the_added_targets(dir: &Path) -> PathBuf {
    let out = dir.join("target/platforms-release");
    if out.join("SHA256SUMS").exists() {
        return out;
    }
    let mut args = vec!["dist", "--out", out.to_str().unwrap()];
    for triple in ADDED {
        args.extend(["--target", triple]);
    }
    let said = succeed(xtask(dir, &args));
    assert!(said.contains("smoke run under qemu (qemu-s390x"), "{said}");
    succeed(xtask(dir, &["verify", out.to_str().unwrap()]));
    run_in_dir(&out, "sha256sum", &["-c", "SHA256SUMS"]);
    out
}

/// verify reads which OS and CPU a binary is for: a FreeBSD binary under a
/// Linux name, and an x86_64 PE under the ARM64 name, are refused.
#[test]
#[ignore = "builds release binaries in a copy of the workspace; run by `cargo xtask ci`"]
fn verify_refuses_relabelled_freebsd_and_windows_binaries() {
    let ws = adopted();
    let dir = ws.as_path();
    dist_of_the_added_targets(dir);
    let freebsd = std::fs::read(built(dir, FREEBSD, "dist")).unwrap();
    cargo_ok(
        dir,
        &[
            "build",
            "--profile",
            "dist",
            "--target",
            "x86_64-pc-windows-gnu",
        ],
    );
    let exe = format!(
        "{}.exe",
        built(dir, "x86_64-pc-windows-gnu", "dist").display()
    );
    let x86_64_pe = std::fs::read(exe).unwrap();
    let scratch = Scratch::new("relabelled");
    for (triple, binary, needle) in [
        ("x86_64-unknown-linux-gnu", &freebsd, "is a FreeBSD binary"),
        ("x86_64-unknown-linux-musl", &freebsd, "is a FreeBSD binary"),
        (WINDOWS_ARM, &x86_64_pe, "but this target is ARM64 (0xaa64)"),
    ] {
        let out = scratch.path().join(triple);
        release_of_one_binary(&out, "1.0.0", triple, binary, "");
        let output = xtask(&repo_root(), &["verify", out.to_str().unwrap()]);
        assert_fails_with(&output, &["failed verification", needle]);
    }
}

/// Where plain cargo put the shipped binary for `triple` and `profile`.
fn built(dir: &Path, triple: &str, profile: &str) -> PathBuf {
    dir.join("target")
        .join(triple)
        .join(profile)
        .join(shipped_bin(dir))
}

/// Runs `binary` under `runner` (words, or empty for none) with `input` on
/// its standard input; returns what it printed.
fn piped(runner: &str, binary: &Path, input: &str) -> String {
    use std::io::Write;
    let mut words: Vec<PathBuf> = runner.split_whitespace().map(PathBuf::from).collect();
    words.push(binary.to_owned());
    let mut child = Command::new(&words[0])
        .args(&words[1..])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    succeed(child.wait_with_output().unwrap())
}

/// A release build of the x86_64 MinGW binary, by plain cargo.
fn mingw_release_binary(dir: &Path) -> PathBuf {
    let mingw = "x86_64-pc-windows-gnu";
    cargo_ok(dir, &["build", "--profile", "dist", "--target", mingw]);
    PathBuf::from(format!("{}.exe", built(dir, mingw, "dist").display()))
}

/// Nothing here builds an MSVC target: dist says so and where it is built,
/// and refuses `--prebuilt` where it cannot apply, each before building.
#[test]
#[ignore = "uses the copy of the workspace the other tests build in; run by `cargo xtask ci`"]
fn msvc_is_refused_here_with_where_it_is_built() {
    let ws = adopted();
    let dir = ws.as_path();
    let out = dir.join("target/msvc-refused");
    let out_arg = out.to_str().unwrap();
    let stderr = assert_fails_with(
        &xtask(dir, &["dist", "--target", MSVC, "--out", out_arg]),
        &[
            "nothing to build here",
            "MSVC's link.exe",
            "windows-latest",
            &format!("cargo xtask dist --target {MSVC} --prebuilt DIR"),
        ],
    );
    assert!(!stderr.contains("Compiling"), "{stderr}");
    refuses_prebuilt_where_it_cannot_apply(dir, out_arg);
    assert!(!out.join("SHA256SUMS").exists());
    ships_the_others_beside_msvc(dir);
    ci_builds_msvc_on_windows(dir);
}

/// `--prebuilt` is refused for a target dist builds itself, for several
/// targets, and for a folder that is missing or holds no binary.
fn refuses_prebuilt_where_it_cannot_apply(dir: &Path, out_arg: &str) {
    let empty = dir.join("target/empty-prebuilt");
    std::fs::create_dir_all(&empty).unwrap();
    let empty_arg = empty.to_str().unwrap();
    for (args, needle) in [
        (
            vec!["--target", S390X, "--prebuilt", empty_arg],
            "is built here, by dist itself",
        ),
        (
            vec!["--target", MSVC, "--target", S390X, "--prebuilt", empty_arg],
            "but 2 are selected",
        ),
        (
            vec!["--target", MSVC, "--prebuilt", "/nonexistent/folder"],
            "no such folder",
        ),
        (vec!["--target", MSVC, "--prebuilt", empty_arg], "has no "),
    ] {
        let mut all = vec!["dist", "--out", out_arg];
        all.extend(args);
        let stderr = assert_fails_with(&xtask(dir, &all), &[needle]);
        assert!(!stderr.contains("Compiling"), "{stderr}");
    }
}

/// dist of the MSVC target with one it builds ships the other, and says
/// where the MSVC one is built.
fn ships_the_others_beside_msvc(dir: &Path) {
    let mixed = dir.join("target/msvc-and-musl");
    let said = succeed(xtask(
        dir,
        &[
            "dist",
            "--target",
            MSVC,
            "--target",
            MUSL32,
            "--out",
            mixed.to_str().unwrap(),
        ],
    ));
    assert!(
        said.contains(&format!("not built here: {MSVC} is linked by MSVC")),
        "{said}"
    );
    let shipped = artifacts_in(&mixed);
    assert!(
        shipped.iter().any(|name| name.contains(MUSL32)),
        "{shipped:?}"
    );
    assert!(
        !shipped.iter().any(|name| name.contains(MSVC)),
        "{shipped:?}"
    );
}

/// The CI matrix builds the MSVC target on a Windows runner and packages
/// it on Linux; the GitLab pipeline has its Windows job; doctor says it.
fn ci_builds_msvc_on_windows(dir: &Path) {
    let plan = xtask(dir, &["plan", "--json"]);
    assert!(plan.status.success(), "{plan:?}");
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    let job = plan
        .as_array()
        .unwrap()
        .iter()
        .find(|job| job["target"] == MSVC)
        .unwrap();
    assert_eq!(
        (job["runner"].as_str(), job["packaged_on"].as_str()),
        (Some("windows-latest"), Some("ubuntu-latest")),
        "{job}"
    );
    succeed(xtask(dir, &["plan", "--check-gitlab"]));
    let pipeline = std::fs::read_to_string(dir.join(".gitlab-ci.yml")).unwrap();
    assert!(pipeline.contains("windows:\n  stage: dist"), "{pipeline}");
    let doctor = String::from_utf8_lossy(&xtask(dir, &["doctor"]).stdout).into_owned();
    assert!(
        doctor
            .lines()
            .any(|line| line.starts_with(MSVC) && line.contains("Windows")),
        "{doctor}"
    );
}

/// The part a Windows runner's binary makes: a real MinGW-built PE stands
/// in for the MSVC one. dist packages it as a zip and an .msi, and merge
/// takes it with the release of the other targets.
#[test]
#[ignore = "builds release binaries in a copy of the workspace; run by `cargo xtask ci`"]
fn a_prebuilt_msvc_part_is_packaged_and_merged() {
    let ws = adopted();
    let dir = ws.as_path();
    let others = dist_of_the_added_targets(dir);
    let prebuilt = dir.join("target/prebuilt-msvc");
    std::fs::create_dir_all(&prebuilt).unwrap();
    let exe = format!("{}.exe", shipped_bin(dir));
    std::fs::copy(mingw_release_binary(dir), prebuilt.join(&exe)).unwrap();
    let part = dir.join("target/msvc-part");
    succeed(xtask(
        dir,
        &[
            "dist",
            "--target",
            MSVC,
            "--prebuilt",
            prebuilt.to_str().unwrap(),
            "--out",
            part.to_str().unwrap(),
        ],
    ));
    let names = artifacts_in(&part);
    let zip = names
        .iter()
        .find(|n| n.ends_with(&format!("{MSVC}.zip")))
        .expect("a zip");
    let listing = run_in_dir(&part, "unzip", &["-l", zip]);
    assert!(listing.contains(&exe), "{listing}");
    if let Some(msi) = names.iter().find(|n| n.ends_with(".msi")) {
        let unpacked = part.join("msi");
        std::fs::create_dir_all(&unpacked).unwrap();
        let files = run_in_dir(&unpacked, "msiextract", &[part.join(msi).to_str().unwrap()]);
        assert!(files.contains(&exe), "{files}");
    }
    let merged = dir.join("target/merged-with-msvc");
    succeed(xtask(
        dir,
        &[
            "merge",
            others.to_str().unwrap(),
            part.to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
    ));
    succeed(xtask(dir, &["verify", merged.to_str().unwrap()]));
    run_in_dir(&merged, "sha256sum", &["-c", "SHA256SUMS"]);
    let all = artifacts_in(&merged);
    assert!(all.contains(zip), "{all:?}");
    assert!(all.iter().any(|n| n.contains(S390X)), "{all:?}");
}

/// The binary `app` of the tarball `tarball` in `out`, unpacked with tar
/// into `into`.
fn unpacked_binary(out: &Path, tarball: &str, into: &Path, app: &str) -> PathBuf {
    run_in_dir(into, "tar", &["-xzf", out.join(tarball).to_str().unwrap()]);
    into.join(tarball.trim_end_matches(".tar.gz")).join(app)
}
