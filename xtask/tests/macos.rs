//! macOS binaries, which nothing here can run: what macOS on Apple silicon
//! would check at launch is checked by reading them. Every arm64 slice
//! carries an ad hoc code signature that matches its bytes, and `verify`
//! refuses one that does not.

mod support;

use std::path::Path;

use support::*;

/// The configured macOS target on Apple silicon, if there is one.
fn arm64_macos_target() -> Option<String> {
    configured_triples()
        .into_iter()
        .find(|triple| triple.starts_with("aarch64-apple-"))
}

/// The binary of the one tarball of `triple` in the release `dir`.
fn binary_of(dir: &Path, triple: &str) -> Vec<u8> {
    let tarball = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.to_string_lossy()
                .ends_with(&format!("-{triple}.tar.gz"))
        })
        .expect("dist made a tarball");
    let unpacked = Scratch::new("macos-unpacked");
    run_in_dir(unpacked.path(), "tar", &["-xzf", tarball.to_str().unwrap()]);
    let folder = tarball
        .file_name()
        .unwrap()
        .to_string_lossy()
        .replace(".tar.gz", "");
    std::fs::read(unpacked.path().join(folder).join(shipped_bin(&repo_root()))).unwrap()
}

/// A byte changed inside the signed range of an arm64 binary (its checksums
/// made to match, as an attacker or a careless post-processing step would)
/// is refused by `verify`, by name; the same release unchanged verifies.
#[test]
fn verify_refuses_an_arm64_binary_whose_signature_does_not_match() {
    let Some(triple) = arm64_macos_target() else {
        eprintln!("skipped: no aarch64-apple-* target is configured");
        return;
    };
    let scratch = Scratch::new("macos-signature");
    let built = scratch.path().join("built");
    dist(&built, &[&triple]);
    let binary = binary_of(&built, &triple);

    let intact = scratch.path().join("intact");
    release_of_one_binary(&intact, version(), &triple, &binary, "");
    let output = xtask(&repo_root(), &["verify", intact.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("Mach-O arm64") && said.contains(", signed ("),
        "{said}"
    );

    // The middle of the file is code or data, well before the signature at
    // its end.
    let mut changed = binary.clone();
    let middle = changed.len() / 2;
    changed[middle] ^= 0x01;
    let tampered = scratch.path().join("tampered");
    release_of_one_binary(&tampered, version(), &triple, &changed, "");
    let output = xtask(&repo_root(), &["verify", tampered.to_str().unwrap()]);
    assert_fails_with(
        &output,
        &[
            &format!("-{triple}.tar.gz"),
            "(arm64 slice) its code signature does not match page",
            "Killed: 9",
        ],
    );
}
