//! The shipped binaries themselves: run where they run, static where they
//! should be, on their macOS floor, and refused by verify under another
//! target's name.

use super::*;

/// Unpacked with tar, the binary of every target this machine runs
/// natively starts and names its target.
#[test]
fn native_binaries_unpacked_with_tar_run() {
    let mut ran = 0;
    for (tarball, target) in artifacts("tar.gz") {
        if target["runner"] != "native" {
            continue;
        }
        let triple = target["triple"].as_str().unwrap();
        let unpacked = untar(&tarball);
        let binary = unpacked.path().join(stem(&tarball, ".tar.gz")).join(app());
        let version = run(Command::new(binary).arg("--version"));
        assert_eq!(version.trim(), version_line(triple));
        ran += 1;
    }
    if ran == 0 {
        eprintln!("skipped: no configured target runs natively here");
    }
}

#[test]
fn static_binaries_are_static() {
    for (tarball, target) in artifacts("tar.gz") {
        if target["static_binary"] != true || target["debian_arch"].is_null() {
            continue;
        }
        let unpacked = untar(&tarball);
        let binary = unpacked.path().join(stem(&tarball, ".tar.gz")).join(app());
        let description = run(Command::new("file").arg(&binary));
        assert!(
            description.contains("statically linked") || description.contains("static-pie"),
            "{description}"
        );
    }
}

/// Nothing here runs a Mach-O binary, so llvm-objdump reads the oldest
/// macOS each one starts on (its minimum version load command): its floor,
/// and not the recent macOS zig links for by default.
#[test]
fn macos_binaries_start_on_their_floor() {
    for (tarball, target) in artifacts("tar.gz") {
        let Some(floor) = target["macos_floor"].as_str() else {
            continue;
        };
        let unpacked = untar(&tarball);
        let binary = unpacked.path().join(stem(&tarball, ".tar.gz")).join(app());
        let headers = run(Command::new("llvm-objdump")
            .args(["--macho", "--private-headers"])
            .arg(&binary));
        // LC_BUILD_VERSION says `minos 11.0`; the older LC_VERSION_MIN_MACOSX,
        // which linkers still write for floors below 10.14, `version 10.12`.
        let mut minos: Vec<&str> = Vec::new();
        let mut in_version_min = false;
        for line in headers.lines().map(str::trim) {
            if line.starts_with("cmd ") {
                in_version_min = line == "cmd LC_VERSION_MIN_MACOSX";
            } else if let Some(version) = line.strip_prefix("minos ") {
                minos.push(version);
            } else if let Some(version) = line.strip_prefix("version ").filter(|_| in_version_min) {
                minos.push(version);
            }
        }
        assert_eq!(minos, [floor], "{}:\n{headers}", tarball.display());
    }
}

/// verify reads every shipped binary's header: each real binary of one
/// target, packed under another target's name (an x86_64 binary in the
/// aarch64 tarball, a Windows one in a Linux one), is refused, and so is
/// each with its header's first bytes wiped.
#[test]
fn verify_refuses_a_binary_of_the_wrong_target_or_with_a_broken_header() {
    let binaries = shipped_binaries();
    assert!(!binaries.is_empty(), "{:?}", chosen_targets());
    let ws = Scratch::new("wrong-binaries");
    let refused = |triple: &str, binary: &[u8], why: &str| {
        let out = ws.path().join(format!("{why}-{triple}"));
        release_of_one_binary(&out, "1.0.0", triple, binary, "");
        let output = xtask(&repo_root(), &["verify", out.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success(),
            "{why} under {triple} passed:\n{stderr}"
        );
        assert!(stderr.contains("failed verification"), "{stderr}");
        stderr.into_owned()
    };
    for (i, (target, binary)) in binaries.iter().enumerate() {
        let (other, _) = &binaries[(i + 1) % binaries.len()];
        let (triple, other_triple) = (
            target["triple"].as_str().unwrap(),
            other["triple"].as_str().unwrap(),
        );
        let same_kind = |t: &Value| {
            (
                t["triple"]
                    .as_str()
                    .unwrap()
                    .split('-')
                    .next()
                    .map(str::to_owned),
                t["exe_suffix"].clone(),
                t["static_binary"].clone(),
            )
        };
        if same_kind(target) != same_kind(other) {
            let stderr = refused(other_triple, binary, "packed");
            assert!(
                stderr.contains(&format!("{app}-1.0.0-{other_triple}/{app} ", app = app())),
                "{stderr}"
            );
        }
        let mut wiped = binary.clone();
        wiped[..4].fill(0);
        let stderr = refused(triple, &wiped, "wiped");
        assert!(stderr.contains("holds no executable"), "{stderr}");
    }
}
