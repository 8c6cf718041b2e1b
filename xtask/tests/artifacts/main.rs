//! Release artifacts, opened with the tools a user has: tar, unzip,
//! dpkg-deb, dpkg, lintian, rpm, rpm2cpio, rpmlint, man, bash, file,
//! readelf, sha256sum, skopeo, umoci, msiinfo, msiextract, wine's msiexec,
//! osslsigncode, 7-Zip, dmg2img and bsdtar. `cargo xtask ci` installs them first and runs this
//! binary by name (`cargo test --test artifacts`); plain `cargo test` leaves
//! it out (`test = false` in xtask/Cargo.toml).
//!
//! Runs `cargo xtask dist` for one configured target of each kind (OS and
//! runner) in the real workspace (fast when `cargo xtask ci` has just built
//! them), then checks what came out against the configuration: the names,
//! formats and versions come from `cargo xtask targets --json`, `cargo
//! metadata` and the manifest, never from a list kept here, so the tests
//! follow a workspace that was renamed or given other targets.
//!
//! This file makes the one dist every test shares; each module checks one
//! kind of artifact: [`archives`], [`binaries`], [`sbom`], [`deb`], [`rpm`],
//! [`installers`], the [`msi`] packages, the [`container`] image, the
//! macOS disk images ([`dmg`]) and installer packages ([`pkg`]), Python
//! [`wheel`]s, the [`npm`] packages, the [`winget`] manifests, and the
//! [`release`] as a whole.

#[path = "../support/mod.rs"]
mod support;

mod archives;
mod binaries;
mod container;
mod deb;
mod dmg;
mod installers;
mod msi;
mod npm;
mod pkg;
mod release;
mod rpm;
mod sbom;
mod wheel;
mod winget;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use support::*;

/// One configured target per (OS, runner) pair, and each one the container
/// image holds: every kind of artifact the configuration can produce,
/// without building every target.
fn chosen_targets() -> &'static [Value] {
    static CHOSEN: OnceLock<Vec<Value>> = OnceLock::new();
    CHOSEN.get_or_init(|| {
        let mut seen = Vec::new();
        let mut chosen = Vec::new();
        for target in configured_targets() {
            let os = target["triple"]
                .as_str()
                .unwrap()
                .split('-')
                .nth(2)
                .unwrap_or_default()
                .to_owned();
            let kind = (
                os,
                target["runner"].clone(),
                target["static_binary"].clone(),
            );
            // Every target of the container image, so that dist makes it.
            if !seen.contains(&kind) || target.get("container_platform").is_some() {
                seen.push(kind);
                chosen.push(target);
            }
        }
        chosen
    })
}

/// One dist, shared by every test in this file, in the workspace's target
/// folder (replaced on each run) so nothing is left in /tmp.
fn dist_dir() -> &'static Path {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let out = repo_root().join("target/xtask-test-artifacts");
        let _ = std::fs::remove_dir_all(&out);
        let triples: Vec<&str> = chosen_targets()
            .iter()
            .map(|target| target["triple"].as_str().unwrap())
            .collect();
        let (minisign_secret, _) = release_key();
        let windows = windows_key();
        dist_with_env(
            &out,
            &triples,
            &[
                ("RPM_SIGNING_KEY", &rpm_key().secret),
                ("MINISIGN_SECRET_KEY", minisign_secret),
                ("WINDOWS_SIGNING_KEY", &windows.pkcs12_base64),
                ("WINDOWS_SIGNING_PASSWORD", WindowsKey::PASSWORD),
            ],
        );
        out
    })
}

/// The key that dist signs its .rpm packages with, which the rpm database
/// in its home trusts.
fn rpm_key() -> &'static GpgKey {
    static KEY: OnceLock<GpgKey> = OnceLock::new();
    KEY.get_or_init(|| GpgKey::generate(repo_root().join("target/xtask-test-gpg")))
}

/// A throwaway CA and a code-signing certificate it issued, which dist
/// signs the Windows executables and .msi packages with.
struct WindowsKey {
    /// `base64 -w0` of the certificate and key as PKCS#12.
    pkcs12_base64: String,
    /// The CA's certificate (PEM), which the signatures chain to.
    ca: PathBuf,
}

impl WindowsKey {
    const PASSWORD: &str = "throwaway";
}

fn windows_key() -> &'static WindowsKey {
    static KEY: OnceLock<WindowsKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = repo_root().join("target/xtask-test-authenticode");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // Each command's words; no argument holds a space.
        let openssl = |command: &str| {
            let args: Vec<&str> = command.split_whitespace().collect();
            run(Command::new("openssl").args(args).current_dir(&dir))
        };
        openssl(
            "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
             -subj /CN=throwaway-test-ca -addext basicConstraints=critical,CA:TRUE \
             -addext keyUsage=critical,keyCertSign,cRLSign",
        );
        openssl(
            "req -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr \
             -subj /CN=throwaway-test-signer",
        );
        std::fs::write(
            dir.join("signer.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
             extendedKeyUsage=codeSigning\n",
        )
        .unwrap();
        openssl(
            "x509 -req -in signer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out signer.pem \
             -days 30 -extfile signer.ext",
        );
        let password = WindowsKey::PASSWORD;
        openssl(&format!(
            "pkcs12 -export -out signer.p12 -inkey signer.key -in signer.pem -certfile ca.pem \
             -passout pass:{password}"
        ));
        let pkcs12_base64 = run(Command::new("base64")
            .args(["-w0", "signer.p12"])
            .current_dir(&dir));
        WindowsKey {
            pkcs12_base64,
            ca: dir.join("ca.pem"),
        }
    })
}

/// The minisign key that dist signs SHA256SUMS with: the secret key's
/// text and the public key file.
fn release_key() -> &'static (String, PathBuf) {
    static KEY: OnceLock<(String, PathBuf)> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = repo_root().join("target/xtask-test-minisign");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        minisign_key_pair(&dir, "release")
    })
}

/// `dist-manifest.json` of that dist.
fn manifest() -> &'static Value {
    static MANIFEST: OnceLock<Value> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        let text = std::fs::read_to_string(dist_dir().join("dist-manifest.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    })
}

/// Whether `artifact` is of the shipped package these tests check: the
/// primary one, where several ship (tests/adoptions.rs checks the others).
fn of_primary(artifact: &Value) -> bool {
    artifact["package"] == app()
}

/// Every artifact of `format` of the primary package, with its configured
/// target.
fn artifacts(format: &str) -> Vec<(PathBuf, &'static Value)> {
    manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == format && of_primary(artifact))
        .map(|artifact| {
            let target = chosen_targets()
                .iter()
                .find(|target| target["triple"] == artifact["target"])
                .expect("an artifact of a chosen target");
            (dist_dir().join(artifact["name"].as_str().unwrap()), target)
        })
        .collect()
}

/// What `--version` prints for `triple`: `<bin> <version> (<triple>)`.
fn version_line(triple: &str) -> String {
    format!(
        "{} {} ({triple})",
        app(),
        manifest()["version"].as_str().unwrap()
    )
}

/// The files `[workspace.metadata.dist] include` puts in every archive.
fn included_files() -> Vec<String> {
    let output = Command::new("cargo")
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    match metadata.pointer("/metadata/dist/include") {
        Some(list) => list
            .as_array()
            .unwrap()
            .iter()
            .map(|path| {
                let path = path.as_str().unwrap();
                path.rsplit('/').next().unwrap().to_owned()
            })
            .collect(),
        None => vec!["README.md".to_owned()],
    }
}

/// `binary --version`, run under `target`'s runner (as `.cargo/config.toml`
/// gives it: nothing for a native target, qemu for a foreign one).
fn version_under_runner(target: &Value, binary: &Path) -> String {
    let runner = target["cargo_config"]["runner"]
        .as_str()
        .unwrap_or_default();
    let mut words: Vec<String> = runner.split_whitespace().map(str::to_owned).collect();
    words.push(binary.display().to_string());
    run(Command::new(&words[0]).args(&words[1..]).arg("--version"))
}

fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{command:?}: {err}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Unpacks a tar.gz with tar into a scratch folder.
fn untar(tarball: &Path) -> Scratch {
    let scratch = Scratch::new("untar");
    run(Command::new("tar")
        .arg("-xzf")
        .arg(tarball)
        .arg("-C")
        .arg(scratch.path()));
    scratch
}

/// The archive's top folder: its file name without the extension.
fn stem(archive: &Path, extension: &str) -> String {
    let name = archive.file_name().unwrap().to_str().unwrap();
    name.strip_suffix(extension).unwrap().to_owned()
}

/// The man pages and completions a tar.gz holds, by path inside its
/// folder (`man/app.1`, `completions/app.bash`, …).
fn archived_docs(unpacked: &Path) -> Vec<String> {
    let mut docs = Vec::new();
    for folder in ["man", "completions"] {
        if let Ok(listing) = std::fs::read_dir(unpacked.join(folder)) {
            for entry in listing {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                docs.push(format!("{folder}/{name}"));
            }
        }
    }
    docs.sort();
    docs
}

/// The shipped binary of each chosen target, read out of its archive with
/// tar or unzip.
fn shipped_binaries() -> Vec<(&'static Value, Vec<u8>)> {
    let mut binaries = Vec::new();
    for (archive, target) in artifacts("tar.gz").into_iter().chain(artifacts("zip")) {
        let exe = format!("{}{}", app(), target["exe_suffix"].as_str().unwrap());
        let bytes = if archive.extension().is_some_and(|ext| ext == "zip") {
            let member = format!("{}/{exe}", stem(&archive, ".zip"));
            let output = Command::new("unzip")
                .arg("-p")
                .arg(&archive)
                .arg(member)
                .output()
                .unwrap();
            assert!(output.status.success(), "{output:?}");
            output.stdout
        } else {
            let unpacked = untar(&archive);
            std::fs::read(unpacked.path().join(stem(&archive, ".tar.gz")).join(exe)).unwrap()
        };
        binaries.push((target, bytes));
    }
    binaries
}

/// The primary package's one artifact of `format` (an installer), if the
/// release has one.
fn installer(format: &str) -> Option<PathBuf> {
    let found: Vec<&Value> = manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == format && of_primary(artifact))
        .collect();
    assert!(found.len() <= 1, "two artifacts of format {format}");
    found
        .first()
        .map(|artifact| dist_dir().join(artifact["name"].as_str().unwrap()))
}
