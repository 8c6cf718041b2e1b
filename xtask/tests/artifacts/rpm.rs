//! The .rpm packages, opened with rpm, rpm2cpio and cpio, checked by rpmlint,
//! and installed into a scratch root.

use super::*;

/// Every .rpm passes `rpm -K` (digests and the signature, against the
/// imported key), names itself as its file name says, is for its target's
/// architecture, and lists the binary and the man pages the archives carry.
#[test]
fn rpms_pass_rpm_checks_and_carry_true_metadata() {
    let rpms = artifacts("rpm");
    for (rpm, target) in &rpms {
        let file_name = rpm.file_name().unwrap().to_str().unwrap();
        let checked = run(rpm_command().arg("-Kv").arg(rpm));
        for line in [
            "Header V4 RSA/SHA256 Signature, key ID",
            "Header SHA256 digest: OK",
            "Payload SHA256 digest: OK",
            "MD5 digest: OK",
        ] {
            assert!(checked.contains(line), "{line}:\n{checked}");
        }
        assert!(
            !checked.contains("NOT OK") && !checked.contains("NOKEY"),
            "{checked}"
        );
        let named = run(rpm_command()
            .args([
                "-qp",
                "--queryformat",
                "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm",
            ])
            .arg(rpm));
        assert_eq!(named, file_name);
        let arch = run(rpm_command()
            .args(["-qp", "--queryformat", "%{ARCH}"])
            .arg(rpm));
        assert_eq!(arch, target["rpm_arch"].as_str().unwrap(), "{file_name}");
        let info = run(rpm_command().arg("-qip").arg(rpm));
        for field in ["Summary     : ", "License     : ", "Description :"] {
            assert!(info.contains(field), "{field} missing:\n{info}");
        }
        let listed = run(rpm_command().arg("-qlp").arg(rpm));
        assert!(
            listed
                .lines()
                .any(|line| line == format!("/usr/bin/{}", app())),
            "{listed}"
        );
        let unpacked = untar(&dist_dir().join(format!(
            "{}-{}-{}.tar.gz",
            app(),
            manifest()["version"].as_str().unwrap(),
            target["triple"].as_str().unwrap()
        )));
        let folder = unpacked.path().join(format!(
            "{}-{}-{}",
            app(),
            manifest()["version"].as_str().unwrap(),
            target["triple"].as_str().unwrap()
        ));
        for doc in archived_docs(&folder) {
            if let Some(page) = doc.strip_prefix("man/") {
                let section = page.rsplit_once('.').unwrap().1;
                let installed = format!("/usr/share/man/man{section}/{page}.gz");
                assert!(
                    listed.lines().any(|line| line == installed),
                    "{installed}:\n{listed}"
                );
            }
        }
    }
    let expected = chosen_targets()
        .iter()
        .filter(|target| {
            target["formats"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "rpm")
        })
        .count();
    assert_eq!(rpms.len(), expected);
}

/// Requires is what rpm's own dependency generator (`elfdeps`) finds in
/// the packaged binary, plus the rpmlib features of the format.
#[test]
fn rpm_requires_are_what_rpms_own_generator_finds() {
    for (rpm, _) in artifacts("rpm") {
        let unpacked = unpack_rpm(&rpm);
        let binary = unpacked.path().join(format!("usr/bin/{}", app()));
        let found = run(Command::new("/usr/lib/rpm/elfdeps")
            .arg("--requires")
            .arg(&binary));
        let mut expected: Vec<&str> = found.lines().collect();
        expected.sort();
        let requires = run(rpm_command().args(["-qp", "--requires"]).arg(&rpm));
        let mut listed: Vec<&str> = requires
            .lines()
            .filter(|line| !line.starts_with("rpmlib("))
            .collect();
        listed.sort();
        assert_eq!(listed, expected, "{}", rpm.display());
        assert!(
            requires.contains("rpmlib(CompressedFileNames)"),
            "{requires}"
        );
    }
}

/// rpmlint finds no errors. (Its warnings are explained in docs/shipping/linux-packages.md.)
#[test]
fn rpmlint_reports_no_errors() {
    for (rpm, _) in artifacts("rpm") {
        let output = Command::new("rpmlint")
            .env("HOME", &rpm_key().home)
            .arg(&rpm)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            report.contains(" 0 errors, "),
            "rpmlint errors in {}:\n{report}{}",
            rpm.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Each .rpm installs into a scratch root with `rpm --root -i`, and the
/// installed binary runs, under its runner for a foreign architecture.
#[test]
fn rpms_install_into_a_scratch_root_and_run() {
    for (rpm, target) in artifacts("rpm") {
        let root = Scratch::new("rpm-root");
        let with_root = |args: &[&str]| {
            let mut command = rpm_command();
            command.arg("--root").arg(root.path()).args(args);
            command
        };
        run(&mut with_root(&["--initdb"]));
        // The scratch root has no glibc package recorded (the machine
        // provides it), and is not of the package's architecture.
        run(with_root(&["-i", "--nodeps", "--ignorearch", "--nosignature"]).arg(&rpm));
        let name = run(rpm_command()
            .args(["-qp", "--queryformat", "%{NAME}"])
            .arg(&rpm));
        let installed = run(&mut with_root(&["-q", &name]));
        assert!(installed.starts_with(&name), "{installed}");
        let binary = root.path().join(format!("usr/bin/{}", app()));
        let version = version_under_runner(target, &binary);
        assert_eq!(
            version.trim(),
            version_line(target["triple"].as_str().unwrap())
        );
    }
}

/// `rpm` with the database in the test key's home, which trusts that key.
fn rpm_command() -> Command {
    let mut command = Command::new("rpm");
    command.env("HOME", &rpm_key().home);
    command
}

/// Unpacks an .rpm's payload with rpm2cpio and GNU cpio.
fn unpack_rpm(rpm: &Path) -> Scratch {
    let scratch = Scratch::new("rpm2cpio");
    let cpio = Command::new("rpm2cpio").arg(rpm).output().unwrap();
    assert!(cpio.status.success(), "rpm2cpio {}", rpm.display());
    let mut child = Command::new("cpio")
        .args(["-idm", "--quiet"])
        .current_dir(scratch.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&cpio.stdout).unwrap();
    assert!(child.wait().unwrap().success());
    scratch
}
