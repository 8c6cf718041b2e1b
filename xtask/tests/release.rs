//! Releasing from parts: `plan` for the CI matrix, `merge` to combine the
//! outputs of per-target dists, and the property that makes it trustworthy:
//! a release merged from parts equals one built in one go.

mod support;

use std::path::{Path, PathBuf};

use support::*;

/// One configured target per runner kind (native, qemu, wine, wasmtime,
/// none), whose dist builds `cargo xtask ci` has just made, every macOS
/// one and every one of the container image: with them, dist and merge
/// each make the universal macOS binary and the image.
fn one_per_runner() -> Vec<String> {
    let mut seen = Vec::new();
    let mut chosen = Vec::new();
    for target in configured_targets() {
        let macos = target["triple"]
            .as_str()
            .unwrap()
            .ends_with("-apple-darwin");
        let in_image = target.get("container_platform").is_some();
        if macos || in_image || !seen.contains(&target["runner"]) {
            seen.push(target["runner"].clone());
            chosen.push(target["triple"].as_str().unwrap().to_owned());
        }
    }
    chosen
}

#[test]
fn release_merged_from_parts_equals_release_built_in_one_go() {
    let targets = one_per_runner();
    let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
    let scratch = Scratch::new("parts");
    let whole = scratch.path().join("whole");
    dist(&whole, &targets);

    let mut parts = Vec::new();
    for target in &targets {
        let part = scratch.path().join("parts").join(target);
        dist(&part, &[target]);
        parts.push(part.to_str().unwrap().to_owned());
    }
    let merged = scratch.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    merge_dry_run_plans_what_merge_makes(&args, &merged, &whole, &parts);
    let output = xtask(&repo_root(), &args);
    assert!(
        output.status.success(),
        "merge failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let merged_files = files_in(&merged);
    let names: Vec<&str> = merged_files.iter().map(|(name, _)| name.as_str()).collect();
    assert!(
        names.contains(&"SHA256SUMS") && names.contains(&"dist-manifest.json"),
        "{names:?}"
    );
    for target in &targets {
        assert!(
            names
                .iter()
                .any(|name| name.contains(target) || name.ends_with(".deb")),
            "nothing of {target} in {names:?}"
        );
    }
    assert_same_files(&whole, &merged, "the whole and the merged release");
    // The container image, made from parts by merge as dist makes it.
    let in_image = configured_targets().iter().any(|target| {
        target.get("container_platform").is_some()
            && targets.contains(&target["triple"].as_str().unwrap())
    });
    let image = names.iter().any(|name| name.ends_with("-oci.tar"));
    assert_eq!(image, in_image, "{names:?}");

    // With both macOS targets, both made one universal binary, which
    // llvm-objdump reads as a fat file with both slices.
    let macos = targets
        .iter()
        .filter(|t| t.ends_with("-apple-darwin"))
        .count();
    let universal = names
        .iter()
        .find(|name| name.contains("universal2-apple-darwin") && name.ends_with(".tar.gz"));
    if macos < 2 {
        assert!(universal.is_none(), "{names:?}");
        return;
    }
    let universal = universal.unwrap_or_else(|| panic!("no universal2 tarball in {names:?}"));
    let unpacked = Scratch::new("universal");
    let tarball = merged.join(universal);
    run_in_dir(unpacked.path(), "tar", &["-xzf", tarball.to_str().unwrap()]);
    let binary = unpacked
        .path()
        .join(universal.trim_end_matches(".tar.gz"))
        .join(app());
    let headers = run_in_dir(
        unpacked.path(),
        "llvm-objdump",
        &["--macho", "--universal-headers", binary.to_str().unwrap()],
    );
    for line in ["nfat_arch 2", "architecture x86_64", "architecture arm64"] {
        assert!(headers.contains(line), "{line} not in:\n{headers}");
    }
    universal_pkg_installs_on_both_macs(&merged, universal);
}

/// `merge --dry-run` of the parts writes nothing, and plans every
/// release-wide artifact that the release built in one go (`whole`) holds
/// and no part does: the installers, the image, the universal binary.
fn merge_dry_run_plans_what_merge_makes(
    args: &[&str],
    merged: &Path,
    whole: &Path,
    parts: &[String],
) {
    let dry_run = xtask(&repo_root(), &[args, &["--dry-run"]].concat());
    let plan = String::from_utf8_lossy(&dry_run.stdout).into_owned();
    assert!(dry_run.status.success(), "{plan}{dry_run:?}");
    assert!(
        !merged.exists(),
        "merge --dry-run wrote {}",
        merged.display()
    );
    assert!(plan.contains("then, for the whole release:"), "{plan}");
    assert!(plan.contains("published into the output folder"), "{plan}");
    let in_parts: Vec<String> = parts
        .iter()
        .flat_map(|part| files_in(Path::new(part)))
        .map(|(name, _)| name)
        .collect();
    let release_wide = files_in(whole)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| {
            !in_parts.contains(name)
                && !name.ends_with(".sha256")
                && !name.starts_with("SHA256SUMS")
                && name != "dist-manifest.json"
        });
    for name in release_wide {
        assert!(plan.contains(&name), "{name} not planned:\n{plan}");
    }
}

/// Where both macOS targets make a .pkg, merge made the universal one,
/// which installs on both kinds of Mac (bsdtar reads the xar).
fn universal_pkg_installs_on_both_macs(merged: &Path, universal: &str) {
    let both_pkg = configured_targets()
        .iter()
        .filter(|t| t["triple"].as_str().unwrap().ends_with("-apple-darwin"))
        .all(|t| t["formats"].as_array().unwrap().iter().any(|f| f == "pkg"));
    if both_pkg {
        let pkg = merged.join(universal.replace(".tar.gz", ".pkg"));
        let distribution = run_in_dir(
            merged,
            "bsdtar",
            &["-xOf", pkg.to_str().unwrap(), "Distribution"],
        );
        assert!(
            distribution.contains("hostArchitectures=\"arm64,x86_64\""),
            "{distribution}"
        );
    }
}

#[test]
fn plan_emits_one_job_per_configured_target() {
    let plan = xtask(&repo_root(), &["plan", "--json"]);
    assert!(
        plan.status.success(),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    assert_eq!(
        plan.stdout.iter().filter(|&&byte| byte == b'\n').count(),
        1,
        "one line, for $GITHUB_OUTPUT"
    );
    let jobs: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let planned: Vec<&str> = jobs
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["target"].as_str().unwrap())
        .collect();
    assert_eq!(planned, configured_triples());
    for job in jobs.as_array().unwrap() {
        let runner = job["runner"].as_str().unwrap();
        let target = configured_targets()
            .into_iter()
            .find(|target| target["triple"] == job["target"])
            .unwrap();
        let default = if job["target"].as_str().unwrap().ends_with("apple-darwin") {
            "macos-latest"
        } else {
            "ubuntu-latest"
        };
        let expected = target["ci_runner"].as_str().unwrap_or(default);
        assert_eq!(runner, expected, "{job}");
        assert!(
            job["formats"]
                .as_array()
                .is_some_and(|formats| !formats.is_empty()),
            "{job}"
        );
    }
}

#[test]
fn plan_refuses_a_runner_it_cannot_place() {
    let triple = FIXTURE_TARGETS[0];
    let ws = fixture_workspace("plan-windows");
    edit(
        ws.path(),
        "Cargo.toml",
        "[workspace.metadata.dist.ci-runner]\n",
        &format!("[workspace.metadata.dist.ci-runner]\n{triple} = \"windows-2019\"\n"),
    );
    assert_fails_with(
        &xtask(ws.path(), &["plan", "--json"]),
        &[
            &format!("cannot place {triple} on CI runner `windows-2019`"),
            "[workspace.metadata.dist.ci-runner]",
        ],
    );
}

fn merge(dir: &Path, parts: &[&Path], out: &Path) -> std::process::Output {
    let mut args = vec!["merge".to_owned()];
    args.extend(parts.iter().map(|part| part.to_str().unwrap().to_owned()));
    args.extend(["--out".to_owned(), out.to_str().unwrap().to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    xtask(dir, &args)
}

/// Two small parts, made with tar and sha256sum, and a folder to merge
/// them into.
struct TwoParts {
    scratch: Scratch,
    a: PathBuf,
    b: PathBuf,
}

impl TwoParts {
    /// Parts of `(version, triple)` each.
    fn new(label: &str, a: (&str, &str), b: (&str, &str)) -> TwoParts {
        let scratch = Scratch::new(label);
        let (dir_a, dir_b) = (scratch.path().join("a"), scratch.path().join("b"));
        make_release(&dir_a, a.0, a.1);
        make_release(&dir_b, b.0, b.1);
        TwoParts {
            scratch,
            a: dir_a,
            b: dir_b,
        }
    }

    fn out(&self) -> PathBuf {
        self.scratch.path().join("out")
    }

    fn merge(&self) -> std::process::Output {
        self.merge_into(&self.out()).output().unwrap()
    }

    /// `cargo xtask merge` of the two parts into `out`, to be run.
    fn merge_into(&self, out: &Path) -> std::process::Command {
        let mut command = xtask_command(&repo_root(), &["merge"]);
        command.arg(&self.a).arg(&self.b).arg("--out").arg(out);
        command
    }

    /// The merge fails with every one of `needles` and writes no artifact.
    fn assert_refused(&self, needles: &[&str]) {
        assert_fails_with(&self.merge(), needles);
        assert_eq!(artifacts_in(&self.out()), Vec::<String>::new());
    }
}

#[test]
fn merge_of_a_corrupted_part_is_refused() {
    let parts = TwoParts::new(
        "merge-corrupt",
        (version(), "x86_64-unknown-linux-gnu"),
        (version(), "aarch64-unknown-linux-gnu"),
    );
    let victim = parts.b.join(format!(
        "{}-{}-aarch64-unknown-linux-gnu.tar.gz",
        app(),
        version()
    ));
    let mut bytes = std::fs::read(&victim).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&victim, bytes).unwrap();
    parts.assert_refused(&["fails verification", "SHA-256 is"]);
}

#[test]
fn merge_of_two_versions_is_refused() {
    let parts = TwoParts::new(
        "merge-versions",
        (version(), "x86_64-unknown-linux-gnu"),
        ("99.0.0", "aarch64-unknown-linux-gnu"),
    );
    parts.assert_refused(&[
        &format!("is {} 99.0.0, but this checkout releases", app()),
        "Run merge in a checkout of the commit the parts were built from",
    ]);
}

/// Parts that agree with each other but not with the checkout would get
/// installers that name the checkout's version and fetch theirs.
#[test]
fn merge_of_parts_of_another_version_than_the_checkout_is_refused() {
    let parts = TwoParts::new(
        "merge-other-checkout",
        ("99.0.0", "x86_64-unknown-linux-gnu"),
        ("99.0.0", "aarch64-unknown-linux-gnu"),
    );
    parts.assert_refused(&[
        &format!(
            "is {app} 99.0.0, but this checkout releases {app} {}",
            version(),
            app = app()
        ),
        "leave that part out",
    ]);
}

/// A part of another package (here: its manifest names another) is
/// refused by name.
#[test]
fn merge_of_a_part_of_another_package_is_refused() {
    let parts = TwoParts::new(
        "merge-other-package",
        (version(), "x86_64-unknown-linux-gnu"),
        (version(), "aarch64-unknown-linux-gnu"),
    );
    let manifest = parts.b.join("dist-manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let needle = format!(r#""package": "{}""#, app());
    assert!(text.contains(&needle), "{text}");
    std::fs::write(
        &manifest,
        text.replace(&needle, r#""package": "someone-else""#),
    )
    .unwrap();
    parts.assert_refused(&[&format!(
        "is someone-else {}, but this checkout releases {}",
        version(),
        app()
    )]);
}

#[test]
fn merge_of_the_same_artifact_twice_is_refused() {
    let parts = TwoParts::new(
        "merge-duplicate",
        (version(), "x86_64-unknown-linux-gnu"),
        (version(), "x86_64-unknown-linux-gnu"),
    );
    parts.assert_refused(&[
        &format!(
            "{}-{}-x86_64-unknown-linux-gnu.tar.gz is in part",
            app(),
            version()
        ),
        "drop the duplicate part",
    ]);
}

#[test]
fn merge_without_parts_is_refused() {
    let scratch = Scratch::new("merge-empty");
    let out = scratch.path().join("out");
    assert_fails_with(
        &merge(&repo_root(), &[], &out),
        &["required arguments were not provided", "<PART>..."],
    );
    assert!(!out.exists());
}

#[test]
fn merge_of_good_parts_verifies() {
    let parts = TwoParts::new(
        "merge-good",
        (version(), "x86_64-unknown-linux-gnu"),
        (version(), "aarch64-unknown-linux-gnu"),
    );
    let output = parts.merge();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let checked = std::process::Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(parts.out())
        .output()
        .unwrap();
    assert!(checked.status.success());
    // Both parts' tarballs, and the installers merge made for them.
    let listed = String::from_utf8_lossy(&checked.stdout).into_owned();
    for target in ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"] {
        assert!(listed.contains(&format!("{target}.tar.gz: OK")), "{listed}");
    }
    let installers_off = dist_table(&repo_root())
        .get("installers")
        .and_then(|item| item.as_array())
        .is_some_and(|list| list.is_empty());
    if installers_off {
        assert!(
            !listed.contains("-installer.sh"),
            "installers = []: {listed}"
        );
    } else {
        assert!(listed.contains("-installer.sh: OK"), "{listed}");
    }
}

/// `minisign -V` on the release in `dir`, as a user would check it.
fn minisign_accepts(dir: &Path, public: &Path) -> bool {
    std::process::Command::new("minisign")
        .arg("-V")
        .arg("-p")
        .arg(public)
        .args(["-m", "SHA256SUMS"])
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success()
}

/// With MINISIGN_SECRET_KEY set, the release gets SHA256SUMS.minisig:
/// Debian's minisign and `verify --key` accept it, the same key gives the
/// same bytes, and another key or a changed SHA256SUMS is refused by both.
#[test]
#[ignore = "needs minisign, which `cargo xtask ci` installs; run by it"]
fn merge_signs_sha256sums_and_minisign_checks_it() {
    let parts = TwoParts::new(
        "merge-signed",
        (version(), "x86_64-unknown-linux-gnu"),
        (version(), "aarch64-unknown-linux-gnu"),
    );
    let keys = parts.scratch.path();
    let (secret, public) = minisign_key_pair(keys, "release");
    let signed_merge = |out: &Path| {
        let output = parts
            .merge_into(out)
            .env("MINISIGN_SECRET_KEY", &secret)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    let out = parts.out();
    signed_merge(&out);
    assert!(
        minisign_accepts(&out, &public),
        "minisign -V refused the signature"
    );
    let verify = |key: &str| {
        xtask(
            &repo_root(),
            &["verify", out.to_str().unwrap(), "--key", key],
        )
    };
    let output = verify(public.to_str().unwrap());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "SHA256SUMS.minisig: good signature of SHA256SUMS by the given key ({} {} SHA256SUMS)",
            app(),
            version()
        )),
        "{stderr}"
    );
    // The key's base64 text works as well as its file.
    let public_text = std::fs::read_to_string(&public).unwrap();
    let base64 = public_text.lines().nth(1).unwrap();
    assert!(verify(base64).status.success());

    let again = parts.scratch.path().join("again");
    signed_merge(&again);
    assert_eq!(
        std::fs::read(out.join("SHA256SUMS.minisig")).unwrap(),
        std::fs::read(again.join("SHA256SUMS.minisig")).unwrap(),
        "the same key over the same release gives another signature"
    );

    let (_, other_public) = minisign_key_pair(keys, "other");
    assert!(!minisign_accepts(&out, &other_public));
    assert_fails_with(
        &verify(other_public.to_str().unwrap()),
        &["does not verify with the given key", "failed verification"],
    );

    let sums = out.join("SHA256SUMS");
    let text = std::fs::read_to_string(&sums).unwrap();
    std::fs::write(&sums, text.replacen(version(), "0.1.1", 1)).unwrap();
    assert!(!minisign_accepts(&out, &public));
    assert_fails_with(
        &verify(public.to_str().unwrap()),
        &["does not verify with the given key"],
    );
}

/// A release merged without a key has no signature, and one asked to be
/// checked with a key says so.
#[test]
#[ignore = "needs minisign, which `cargo xtask ci` installs; run by it"]
fn unsigned_release_checked_with_a_key_is_refused() {
    let parts = TwoParts::new(
        "merge-unsigned",
        (version(), "x86_64-unknown-linux-gnu"),
        (version(), "aarch64-unknown-linux-gnu"),
    );
    let output = parts
        .merge_into(&parts.out())
        .env_remove("MINISIGN_SECRET_KEY")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(!parts.out().join("SHA256SUMS.minisig").exists());
    let (_, public) = minisign_key_pair(parts.scratch.path(), "release");
    assert_fails_with(
        &xtask(
            &repo_root(),
            &[
                "verify",
                parts.out().to_str().unwrap(),
                "--key",
                public.to_str().unwrap(),
            ],
        ),
        &["SHA256SUMS.minisig is missing, so the release is not signed"],
    );
}

#[test]
fn malformed_signing_key_is_refused_before_anything_is_written() {
    let parts = TwoParts::new(
        "merge-bad-key",
        (version(), "x86_64-unknown-linux-gnu"),
        (version(), "aarch64-unknown-linux-gnu"),
    );
    let output = parts
        .merge_into(&parts.out())
        .env(
            "MINISIGN_SECRET_KEY",
            "untrusted comment: not a key\nAAAA\n",
        )
        .output()
        .unwrap();
    assert_fails_with(
        &output,
        &[
            "minisign cannot sign with the key in MINISIGN_SECRET_KEY",
            "minisign -G -W",
        ],
    );
    assert!(!parts.out().exists());
}

/// A release downloaded anywhere is verified with the xtask binary alone:
/// no rustc, cargo or rustup on PATH, and no workspace around it.
#[test]
fn verify_of_a_folder_needs_no_toolchain_and_no_workspace() {
    let scratch = Scratch::new("verify-bare");
    let release = scratch.path().join("downloaded");
    make_release(&release, version(), "x86_64-unknown-linux-gnu");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["verify", release.to_str().unwrap()])
        .current_dir(scratch.path())
        .env("PATH", "/usr/bin:/bin")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("verified: every artifact matches SHA256SUMS"),
        "{said}"
    );
}

/// `--quiet` leaves errors and the final summary: dist prints its results
/// and the artifacts it made, with none of its progress lines and none of
/// cargo's; verify prints its verdict alone.
#[test]
#[ignore = "runs dist for the build machine's target, which `cargo xtask ci` has just built; run by `cargo xtask ci`"]
fn quiet_prints_only_errors_and_the_summary() {
    let out = Scratch::new("quiet");
    let host = configured_targets()
        .into_iter()
        .find(|target| target["runner"] == "native")
        .expect("a target that runs here");
    let host = host["triple"].as_str().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let said = support::adoption::succeed(xtask(
        &repo_root(),
        &["dist", "--quiet", "--target", host, "--out", out_arg],
    ));
    for expected in ["dist results:", &format!("artifacts in {out_arg}:")] {
        assert!(said.contains(expected), "{expected}:\n{said}");
    }
    for noise in ["==> ", "$ cargo", "Compiling", "Finished", "    -> "] {
        assert!(!said.contains(noise), "{noise}:\n{said}");
    }
    let said = support::adoption::succeed(xtask(&repo_root(), &["verify", "--quiet", out_arg]));
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("verified: every artifact matches SHA256SUMS"),
        "{said}"
    );
    // A failure still prints its error.
    let output = xtask(&repo_root(), &["verify", "--quiet", "/nonexistent/release"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("error: "));
}
