//! Release artifacts, opened with the tools a user has: tar, unzip,
//! dpkg-deb, dpkg, lintian, rpm, rpm2cpio, rpmlint, man, bash, file,
//! readelf and sha256sum.
//!
//! Runs `cargo xtask dist` for one configured target of each kind (OS and
//! runner) in the real workspace (fast when `cargo xtask ci` has just built
//! them), then checks what came out against the configuration: the names,
//! formats and versions come from `cargo xtask targets --json`, `cargo
//! metadata` and the manifest, never from a list kept here, so the tests
//! follow a workspace that was renamed or given other targets.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use support::*;

/// One configured target per (OS, runner) pair: every kind of artifact the
/// configuration can produce, without building every target.
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
            if !seen.contains(&kind) {
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
        dist_with_env(
            &out,
            &triples,
            &[
                ("RPM_SIGNING_KEY", &rpm_key().secret),
                ("MINISIGN_SECRET_KEY", minisign_secret),
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

/// Every artifact of `format`, with its configured target.
fn artifacts(format: &str) -> Vec<(PathBuf, &'static Value)> {
    manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == format)
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

#[test]
fn every_chosen_target_made_each_of_its_formats() {
    for target in chosen_targets() {
        let made: Vec<&str> = manifest()["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|artifact| artifact["target"] == target["triple"])
            .map(|artifact| artifact["format"].as_str().unwrap())
            .collect();
        // Every target's packages, and its SBOM unless that is turned off.
        let configured: Vec<&str> = target["formats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|format| format.as_str().unwrap())
            .chain((target["sbom"] == true).then_some("cdx.json"))
            .collect();
        let (mut made, mut configured) = (made, configured);
        made.sort();
        configured.sort();
        assert_eq!(made, configured, "{}", target["triple"]);
    }
}

#[test]
fn sha256sum_checks_every_artifact() {
    let dir = dist_dir();
    let checked = run(Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(dir));
    assert_eq!(
        checked.lines().count(),
        manifest()["artifacts"].as_array().unwrap().len(),
        "{checked}"
    );
    assert!(
        checked.lines().all(|line| line.ends_with(": OK")),
        "{checked}"
    );
    // Each artifact's own .sha256 file checks too.
    for line in checked.lines() {
        let name = line.trim_end_matches(": OK");
        run(Command::new("sha256sum")
            .args(["-c", &format!("{name}.sha256")])
            .current_dir(dir));
    }
}

#[test]
fn sha256sums_is_sorted_and_lists_exactly_the_artifacts() {
    let sums = std::fs::read_to_string(dist_dir().join("SHA256SUMS")).unwrap();
    let names: Vec<&str> = sums
        .lines()
        .map(|line| line.split_once("  ").unwrap().1)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let mut artifacts: Vec<&str> = manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|artifact| artifact["name"].as_str().unwrap())
        .collect();
    artifacts.sort();
    assert_eq!(names, artifacts);
    let files: Vec<String> = artifacts_in(dist_dir())
        .into_iter()
        .filter(|name| !name.ends_with(".sha256") && !name.starts_with("SHA256SUMS"))
        .filter(|name| name != "dist-manifest.json")
        .collect();
    assert_eq!(files, artifacts, "files in the folder");
}

#[test]
fn tarballs_hold_one_folder_with_the_binary_and_the_included_files() {
    let included = included_files();
    for (tarball, target) in artifacts("tar.gz") {
        let stem = stem(&tarball, ".tar.gz");
        let exe = format!("{}{}", app(), target["exe_suffix"].as_str().unwrap());
        let listing = run(Command::new("tar").arg("-tvzf").arg(&tarball));
        let mut paths = Vec::new();
        for line in listing.lines() {
            assert!(line.contains(" root/root "), "owner: {line}");
            let path = line.rsplit(' ').next().unwrap();
            assert!(path.starts_with(&format!("{stem}/")), "top folder: {line}");
            if path == format!("{stem}/{exe}") {
                assert!(line.starts_with("-rwxr-xr-x"), "binary mode: {line}");
            } else if !path.ends_with('/') {
                assert!(line.starts_with("-rw-r--r--"), "file mode: {line}");
            }
            paths.push(path.to_owned());
        }
        for file in std::iter::once(&exe).chain(&included) {
            assert!(
                paths.contains(&format!("{stem}/{file}")),
                "{file} missing from {}:\n{listing}",
                tarball.display()
            );
        }
    }
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

/// Every archive ships the same man pages and completions (they describe
/// the program, not the target); `man -l` renders each page, `bash -n`
/// parses the bash completion, and each .deb installs the same pages,
/// gzipped, where `man` looks, and its completions where the shells look.
#[test]
fn man_pages_and_completions_open_with_man_and_bash() {
    let mut shipped: Option<Vec<String>> = None;
    for (tarball, _) in artifacts("tar.gz") {
        let unpacked = untar(&tarball);
        let folder = unpacked.path().join(stem(&tarball, ".tar.gz"));
        let docs = archived_docs(&folder);
        for doc in &docs {
            let path = folder.join(doc);
            if let Some(page) = doc.strip_prefix("man/") {
                let rendered = run(Command::new("man")
                    .arg("-l")
                    .arg(&path)
                    .env("MANWIDTH", "80"));
                let title = page.rsplit_once('.').unwrap().0;
                assert!(
                    rendered.contains(&format!("{title}(")),
                    "{page}:\n{rendered}"
                );
            } else if doc.ends_with(".bash") {
                run(Command::new("bash").arg("-n").arg(&path));
            }
        }
        match &shipped {
            None => shipped = Some(docs),
            Some(first) => assert_eq!(&docs, first, "{}", tarball.display()),
        }
    }
    let shipped = shipped.unwrap_or_default();
    let pages: Vec<&str> = shipped
        .iter()
        .filter_map(|doc| doc.strip_prefix("man/"))
        .collect();
    for (deb, _) in artifacts("deb") {
        let contents = run(Command::new("dpkg-deb").arg("--contents").arg(&deb));
        for page in &pages {
            let section = page.rsplit_once('.').unwrap().1;
            let installed = format!("./usr/share/man/man{section}/{page}.gz");
            assert!(contents.contains(&installed), "{installed}:\n{contents}");
        }
        if shipped.contains(&format!("completions/{}.bash", app())) {
            let installed = format!("./usr/share/bash-completion/completions/{}\n", app());
            assert!(contents.contains(&installed), "{installed}:\n{contents}");
        }
        let scratch = Scratch::new("deb-man");
        run(Command::new("dpkg-deb")
            .arg("--extract")
            .arg(&deb)
            .arg(scratch.path()));
        for page in &pages {
            let section = page.rsplit_once('.').unwrap().1;
            let path = scratch
                .path()
                .join(format!("usr/share/man/man{section}/{page}.gz"));
            run(Command::new("man").arg("-l").arg(&path));
        }
        if pages.contains(&format!("{}.1", app()).as_str()) {
            let report = String::from_utf8_lossy(
                &Command::new("lintian").arg(&deb).output().unwrap().stdout,
            )
            .into_owned();
            assert!(!report.contains("no-manual-page"), "{report}");
        }
    }
}

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

/// The CycloneDX project's own JSON schema validator (its Python library,
/// which `cargo xtask ci` installs into the tools environment) accepts
/// every SBOM as CycloneDX 1.5.
#[test]
fn sboms_pass_the_cyclonedx_schema_validator() {
    let tools = std::env::var_os("XTASK_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/xtask-tools"));
    let python = tools.join("bin/python3");
    let sboms = artifacts("cdx.json");
    if chosen_targets()
        .iter()
        .all(|target| target["sbom"] == false)
    {
        eprintln!("skipped: `sbom = false` in [workspace.metadata.dist]");
        return;
    }
    assert!(!sboms.is_empty(), "no SBOM in the release");
    for (sbom, _) in sboms {
        let validated = run(Command::new(&python).arg("-c").arg(
            "import sys\n\
             from cyclonedx.validation.json import JsonStrictValidator\n\
             from cyclonedx.schema import SchemaVersion\n\
             error = JsonStrictValidator(SchemaVersion.V1_5).validate_str(open(sys.argv[1]).read())\n\
             print('valid' if error is None else error)\n",
        ).arg(&sbom));
        assert_eq!(validated.trim(), "valid", "{}", sbom.display());
    }
}

/// Each SBOM names exactly the crates `cargo tree` resolves for its target
/// (normal dependencies, procedural macros left out), so the Windows one has
/// Windows-only crates the Linux ones lack, and the reverse; and every
/// registry crate whose source path the shipped binary itself carries (in
/// its panic locations) is among them.
#[test]
fn each_sbom_lists_what_its_target_and_its_binary_are_made_of() {
    let package = included_package();
    let binaries = shipped_binaries();
    for (sbom, target) in artifacts("cdx.json") {
        let triple = target["triple"].as_str().unwrap();
        let tree = run(Command::new("cargo")
            .args([
                "tree",
                "--locked",
                "-e",
                "normal,no-proc-macro",
                "--prefix",
                "none",
            ])
            .args(["--target", triple, "--package", &package, "--format", "{p}"])
            .current_dir(repo_root()));
        let mut expected: Vec<String> = tree
            .lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let (name, version) = (words.next()?, words.next()?.trim_start_matches('v'));
                Some(format!("pkg:cargo/{name}@{version}"))
            })
            .collect();
        expected.sort();
        expected.dedup();
        let bom: Value = serde_json::from_slice(&std::fs::read(&sbom).unwrap()).unwrap();
        let mut listed: Vec<String> = bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|component| component["purl"].as_str().unwrap().to_owned())
            .chain([bom["metadata"]["component"]["purl"]
                .as_str()
                .unwrap()
                .to_owned()])
            .collect();
        listed.sort();
        assert_eq!(listed, expected, "{}", sbom.display());

        let (_, binary) = binaries
            .iter()
            .find(|(t, _)| t["triple"] == triple)
            .unwrap_or_else(|| panic!("no binary of {triple}"));
        // (A program with no registry crate that can panic names none.)
        for purl in registry_crates_named_in(binary) {
            assert!(
                listed.contains(&purl),
                "{triple}: the binary has {purl}, the SBOM not"
            );
        }
    }
}

/// `pkg:cargo/name@version` of each crate whose registry source path
/// (`…/registry/src/<index>/<name>-<version>/…`) appears in `binary`.
fn registry_crates_named_in(binary: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(binary);
    let mut crates: Vec<String> = text
        .split("/registry/src/")
        .skip(1)
        .filter_map(|rest| {
            let folder = rest.split('/').nth(1)?;
            // The version starts at the first `-` followed by a digit.
            let at = folder
                .char_indices()
                .find(|&(i, c)| {
                    c == '-' && folder[i + 1..].starts_with(|d: char| d.is_ascii_digit())
                })?
                .0;
            Some(format!("pkg:cargo/{}@{}", &folder[..at], &folder[at + 1..]))
        })
        .collect();
    crates.sort();
    crates.dedup();
    crates
}

/// The shipped package's name, as `[workspace.metadata.dist]` gives it.
fn included_package() -> String {
    manifest()["package"].as_str().unwrap().to_owned()
}

#[test]
fn zips_pass_unzip_and_hold_the_executable() {
    for (zip, target) in artifacts("zip") {
        let stem = stem(&zip, ".zip");
        let exe = format!("{}{}", app(), target["exe_suffix"].as_str().unwrap());
        let tested = run(Command::new("unzip").arg("-t").arg(&zip));
        assert!(tested.contains("No errors detected"), "{tested}");
        let listing = run(Command::new("unzip").arg("-Z").arg(&zip));
        let exe_line = listing
            .lines()
            .find(|line| line.ends_with(&format!("{stem}/{exe}")))
            .unwrap_or_else(|| panic!("{exe} missing:\n{listing}"));
        assert!(exe_line.starts_with("-rwxr-xr-x"), "{exe_line}");
        if exe.ends_with(".exe") {
            let bytes = run(Command::new("unzip")
                .arg("-p")
                .arg(&zip)
                .arg(format!("{stem}/{exe}")));
            assert!(bytes.starts_with("MZ"), "a PE executable");
        }
    }
}

#[test]
fn debs_read_with_dpkg_deb_and_have_true_metadata() {
    for (deb, target) in artifacts("deb") {
        let file_name = deb.file_name().unwrap().to_str().unwrap().to_owned();
        let mut parts = file_name.trim_end_matches(".deb").split('_');
        let (package, version) = (parts.next().unwrap(), parts.next().unwrap());
        let arch = target["debian_arch"].as_str().unwrap();
        let info = run(Command::new("dpkg-deb").arg("--info").arg(&deb));
        for field in [
            &format!("Package: {package}"),
            &format!("Version: {version}"),
            &format!("Architecture: {arch}"),
            "Maintainer: ",
            "Installed-Size: ",
            "Section: ",
            "Priority: ",
            "Description: ",
        ] {
            assert!(info.contains(field), "{field} missing:\n{info}");
        }
        if let Some(floor) = target["glibc_floor"].as_str() {
            // Linked against the glibc floor, the binary asks for no newer
            // libc6.
            let depends = run(Command::new("dpkg-deb")
                .arg("--field")
                .arg(&deb)
                .arg("Depends"));
            let libc6 = depends
                .split(", ")
                .find_map(|part| part.trim().strip_prefix("libc6 (>= "))
                .and_then(|rest| rest.strip_suffix(')'))
                .unwrap_or_else(|| panic!("no libc6 dependency: {depends}"));
            let version =
                |text: &str| -> Vec<u32> { text.split('.').map(|n| n.parse().unwrap()).collect() };
            assert!(
                version(libc6) <= version(floor),
                "{file_name}: Depends asks for libc6 {libc6}, above the floor {floor}"
            );
        }

        let contents = run(Command::new("dpkg-deb").arg("--contents").arg(&deb));
        let mut paths = Vec::new();
        for line in contents.lines() {
            assert!(line.contains(" root/root "), "owner: {line}");
            let path = line.rsplit(' ').next().unwrap();
            assert!(path.starts_with("./"), "path: {line}");
            let expected = if path.ends_with('/') || path.starts_with("./usr/bin/") {
                "rwxr-xr-x"
            } else {
                "rw-r--r--"
            };
            assert_eq!(&line[1..10], expected, "{line}");
            paths.push(path.to_owned());
        }
        let doc = format!("./usr/share/doc/{package}/");
        assert!(
            paths.contains(&format!("./usr/bin/{}", app())),
            "{contents}"
        );
        assert!(paths.contains(&format!("{doc}copyright")), "{contents}");
        assert!(
            paths.contains(&format!("{doc}changelog.Debian.gz"))
                || paths.contains(&format!("{doc}changelog.gz")),
            "{contents}"
        );

        let scratch = Scratch::new("deb-extract");
        run(Command::new("dpkg-deb")
            .arg("--extract")
            .arg(&deb)
            .arg(scratch.path()));
        let copyright = std::fs::read_to_string(
            scratch
                .path()
                .join(format!("usr/share/doc/{package}/copyright")),
        )
        .unwrap();
        assert!(
            copyright.starts_with(
                "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
            ),
            "{copyright}"
        );
        assert!(copyright.contains("\nLicense: "), "{copyright}");
    }
}

/// The Debian package that ships the shared library `soname`, as Debian
/// 12 packages them; a library not listed fails the test, which has to
/// learn its package before it can check a Depends that names it.
fn debian_package_of(soname: &str) -> &'static str {
    const GLIBC: [&str; 8] = [
        "libc.so.6",
        "libm.so.6",
        "libpthread.so.0",
        "libdl.so.2",
        "librt.so.1",
        "libutil.so.1",
        "libresolv.so.2",
        "ld-linux",
    ];
    match soname {
        glibc if GLIBC.iter().any(|name| glibc.starts_with(name)) => "libc6",
        "libgcc_s.so.1" => "libgcc-s1",
        "libstdc++.so.6" => "libstdc++6",
        "libssl.so.3" | "libcrypto.so.3" => "libssl3",
        "libz.so.1" => "zlib1g",
        other => panic!("the binary needs {other}; which Debian package ships it?"),
    }
}

#[test]
fn deb_depends_names_the_package_of_every_needed_library() {
    // Depends must name the package of every library `readelf` reports as
    // NEEDED in the packaged binary.
    for (deb, _) in artifacts("deb") {
        let scratch = Scratch::new("deb-needed");
        run(Command::new("dpkg-deb")
            .arg("--extract")
            .arg(&deb)
            .arg(scratch.path()));
        let dynamic = run(Command::new("readelf")
            .arg("-d")
            .arg(scratch.path().join(format!("usr/bin/{}", app()))));
        let needed: Vec<&str> = dynamic
            .lines()
            .filter(|line| line.contains("(NEEDED)"))
            .map(|line| line.rsplit('[').next().unwrap().trim_end_matches(']'))
            .collect();
        let depends = run(Command::new("dpkg-deb")
            .arg("--field")
            .arg(&deb)
            .arg("Depends"));
        let relations: Vec<&str> = depends
            .split(',')
            .map(|relation| relation.split_whitespace().next().unwrap_or_default())
            .collect();
        for library in needed {
            let package = debian_package_of(library);
            assert!(
                relations.contains(&package),
                "{} needs {library}, from {package}, but Depends is: {depends}",
                deb.display()
            );
        }
    }
}

#[test]
fn lintian_reports_no_errors() {
    for (deb, _) in artifacts("deb") {
        let output = Command::new("lintian").arg(&deb).output().unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        let errors: Vec<&str> = report
            .lines()
            .filter(|line| line.starts_with("E:"))
            .collect();
        assert!(
            errors.is_empty(),
            "lintian errors in {}:\n{report}",
            deb.display()
        );
        // Exit 2 means lintian itself failed, not that it found something.
        assert_ne!(
            output.status.code(),
            Some(2),
            "lintian failed: {}",
            String::from_utf8_lossy(&output.stderr)
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

/// rpmlint finds no errors. (Its warnings are explained in README.md.)
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
        let runner = target["cargo_config"]["runner"]
            .as_str()
            .unwrap_or_default();
        let mut words: Vec<String> = runner.split_whitespace().map(str::to_owned).collect();
        words.push(binary.display().to_string());
        let version = run(Command::new(&words[0]).args(&words[1..]).arg("--version"));
        assert_eq!(
            version.trim(),
            version_line(target["triple"].as_str().unwrap())
        );
    }
}

/// The .deb of this machine's own architecture installs into a scratch
/// root with dpkg, and the installed binary runs.
#[test]
fn native_deb_installs_with_dpkg_and_runs() {
    let machine = run(Command::new("dpkg").arg("--print-architecture"));
    let Some((deb, target)) = artifacts("deb").into_iter().find(|(_, target)| {
        target["debian_arch"] == machine.trim() && target["runner"] == "native"
    }) else {
        eprintln!("no .deb for this machine's architecture is configured; nothing to install");
        return;
    };
    let package = deb
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .split('_')
        .next()
        .unwrap()
        .to_owned();
    let root = Scratch::new("dpkg-root");
    let admin = root.path().join("var/lib/dpkg");
    for dir in ["updates", "info"] {
        std::fs::create_dir_all(admin.join(dir)).unwrap();
    }
    std::fs::write(admin.join("status"), "").unwrap();
    // The scratch root has no libc6 package recorded: the host provides it.
    run(Command::new("dpkg")
        .arg(format!("--root={}", root.path().display()))
        .args(["--force-depends", "--force-not-root", "--install"])
        .arg(&deb));
    let listed = run(Command::new("dpkg")
        .arg(format!("--root={}", root.path().display()))
        .args(["-s", &package]));
    assert!(listed.contains("Status: install ok installed"), "{listed}");
    let version =
        run(Command::new(root.path().join(format!("usr/bin/{}", app()))).arg("--version"));
    assert_eq!(
        version.trim(),
        version_line(target["triple"].as_str().unwrap())
    );
}

#[test]
fn verify_accepts_the_dist_and_catches_a_flipped_byte() {
    let dir = dist_dir();
    let ok = xtask(&repo_root(), &["verify", dir.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let copy = Scratch::new("verify-corrupt");
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    let victim = manifest()["artifacts"][0]["name"].as_str().unwrap();
    let mut bytes = std::fs::read(copy.path().join(victim)).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(copy.path().join(victim), bytes).unwrap();
    let output = xtask(&repo_root(), &["verify", copy.path().to_str().unwrap()]);
    assert_fails_with(
        &output,
        &[&format!("{victim}: SHA-256 is"), "failed verification"],
    );
}

#[test]
fn manifest_records_every_artifact_and_how_it_was_smoke_run() {
    let manifest = manifest();
    assert!(manifest["source_date_epoch"].as_u64().unwrap() > 1_600_000_000);
    for artifact in manifest["artifacts"].as_array().unwrap() {
        // An installer is for the whole release, not for a target.
        let target = chosen_targets()
            .iter()
            .find(|target| target["triple"] == artifact["target"]);
        match target {
            Some(target) => {
                assert_eq!(artifact["smoke_run"], target["runner"], "{artifact}");
                assert_eq!(artifact["glibc_floor"], target["glibc_floor"], "{artifact}");
            }
            None => {
                assert_eq!(artifact["target"], "installer", "{artifact}");
                assert_eq!(artifact["smoke_run"], "none", "{artifact}");
            }
        }
        let size = std::fs::metadata(dist_dir().join(artifact["name"].as_str().unwrap()))
            .unwrap()
            .len();
        assert_eq!(artifact["size"].as_u64(), Some(size));
    }
}

/// The one artifact of `format` (an installer), if the release has one.
fn installer(format: &str) -> Option<PathBuf> {
    let found: Vec<&Value> = manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == format)
        .collect();
    assert!(found.len() <= 1, "two artifacts of format {format}");
    found
        .first()
        .map(|artifact| dist_dir().join(artifact["name"].as_str().unwrap()))
}

/// A web server on 127.0.0.1 serving `dir`, stopped when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    fn serving(dir: &Path) -> Server {
        const SERVE: &str = "import functools, http.server, sys\n\
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n\
            handler.log_message = lambda *args: None\n\
            server = http.server.HTTPServer(('127.0.0.1', 0), handler)\n\
            print(server.server_port, flush=True)\n\
            server.serve_forever()\n";
        let mut child = Command::new("python3")
            .args(["-c", SERVE])
            .arg(dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut port = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        Server {
            child,
            url: format!("http://127.0.0.1:{}", port.trim()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the shell installer with `shell` against `server`, installing
/// into `prefix`, with `path_first` (if given) ahead of PATH. Returns
/// whether it succeeded and what it said.
fn run_installer(
    shell: &str,
    script: &Path,
    server: &Server,
    prefix: &Path,
    path_first: Option<&Path>,
) -> (bool, String) {
    let prefix_variable = format!("{}_INSTALL", app().to_uppercase().replace('-', "_"));
    let mut path = std::env::var_os("PATH").unwrap();
    if let Some(first) = path_first {
        let mut joined = first.as_os_str().to_owned();
        joined.push(":");
        joined.push(&path);
        path = joined;
    }
    let output = Command::new(shell)
        .arg(script)
        .arg("--prefix")
        .arg(prefix)
        .env(format!("{prefix_variable}_BASE_URL"), &server.url)
        .env("PATH", path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), said)
}

/// A copy of the dist folder to serve, changed by `change`.
fn served_copy(change: impl FnOnce(&Path)) -> Scratch {
    let copy = Scratch::new("served");
    for entry in std::fs::read_dir(dist_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
        }
    }
    change(copy.path());
    copy
}

/// The shell installer, run by dash and by bash against a web server on
/// 127.0.0.1: it installs a binary that runs; it refuses a tampered
/// tarball, a SHA256SUMS whose signature does not match, and a missing
/// download, installing nothing; and it names a platform the release has
/// no build for. shellcheck finds nothing in it.
#[test]
fn shell_installer_installs_checks_and_refuses_under_dash_and_bash() {
    let Some(script) = installer("sh") else {
        eprintln!("no Linux or macOS tarball is configured, so there is no shell installer");
        return;
    };
    run(Command::new("shellcheck")
        .args(["--shell=sh", "--severity=style"])
        .arg(&script));
    let text = std::fs::read_to_string(&script).unwrap();
    let public_key = std::fs::read_to_string(&release_key().1).unwrap();
    assert!(
        text.contains(public_key.lines().nth(1).unwrap()),
        "the installer does not carry the release's public key"
    );
    // What this machine would get: the installer's own choice, read from
    // what it says it downloads.
    let good = Server::serving(dist_dir());
    let runs_here = artifacts("tar.gz")
        .iter()
        .any(|(_, target)| target["runner"] == "native");
    if !runs_here {
        let prefix = Scratch::new("installed");
        let (ok, said) = run_installer("dash", &script, &good, &prefix.path().join("bin"), None);
        assert!(!ok && said.contains("has no build for"), "{said}");
        eprintln!("skipped installing: no configured tarball runs on this machine");
        return;
    }
    for shell in ["dash", "bash"] {
        let prefix = Scratch::new("installed");
        let (ok, said) = run_installer(shell, &script, &good, &prefix.path().join("bin"), None);
        assert!(ok, "{shell}: {said}");
        let installed = prefix.path().join("bin").join(app());
        assert!(said.contains(&format!("installed {} ", app())), "{said}");
        assert!(said.contains(&installed.display().to_string()), "{said}");
        let version = run(Command::new(&installed).arg("--version"));
        assert!(
            version.starts_with(&format!(
                "{} {}",
                app(),
                manifest()["version"].as_str().unwrap()
            )),
            "{version}"
        );
    }
    let (_, said) = run_installer(
        "dash",
        &script,
        &good,
        &Scratch::new("probe").path().join("bin"),
        None,
    );
    let chosen = said
        .split_whitespace()
        .skip_while(|word| *word != "downloading")
        .nth(1)
        .expect("the installer names what it downloads")
        .to_owned();

    let tampered = served_copy(|dir| {
        let path = dir.join(&chosen);
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
    });
    let resigned_sums = served_copy(|dir| {
        // SHA256SUMS agrees with the tampered tarball, but is no longer
        // what the release key signed.
        let path = dir.join(&chosen);
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let hash = run(Command::new("sha256sum").arg(&path));
        let hash = hash.split_whitespace().next().unwrap();
        let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
        let sums: String = sums
            .lines()
            .map(|line| match line.ends_with(&format!("  {chosen}")) {
                true => format!("{hash}  {chosen}\n"),
                false => format!("{line}\n"),
            })
            .collect();
        std::fs::write(dir.join("SHA256SUMS"), sums).unwrap();
    });
    let missing = served_copy(|dir| std::fs::remove_file(dir.join(&chosen)).unwrap());
    let cases: [(&Scratch, &str); 3] = [
        (&tampered, "SHA256SUMS says"),
        (&resigned_sums, "does not carry a valid signature"),
        (&missing, "could not download"),
    ];
    for shell in ["dash", "bash"] {
        for (served, expected) in &cases {
            let server = Server::serving(served.path());
            let prefix = Scratch::new("refused");
            let target = prefix.path().join("bin");
            let (ok, said) = run_installer(shell, &script, &server, &target, None);
            assert!(!ok, "{shell} installed from a bad release: {said}");
            assert!(
                said.contains(expected),
                "{shell}: expected {expected:?}:\n{said}"
            );
            assert!(
                !target.exists(),
                "{shell}: {} was created: {said}",
                target.display()
            );
        }
        // A machine the release has no build for.
        let fake = Scratch::new("fake-uname");
        let uname = fake.path().join("uname");
        std::fs::write(
            &uname,
            "#!/bin/sh\ncase \"$1\" in -s) echo FreeBSD ;; *) echo riscv128 ;; esac\n",
        )
        .unwrap();
        run(Command::new("chmod").arg("755").arg(&uname));
        let target = fake.path().join("bin");
        let (ok, said) = run_installer(shell, &script, &good, &target, Some(fake.path()));
        assert!(
            !ok && said.contains("has no build for FreeBSD on riscv128"),
            "{shell}: {said}"
        );
        assert!(!target.exists());
    }
}

/// The Homebrew formula parses (`ruby -c`), and each of its URLs is an
/// artifact of the release under the base URL, with the SHA-256 sha256sum
/// computes for that file.
#[test]
fn homebrew_formula_parses_and_names_the_release_artifacts_with_their_hashes() {
    let Some(formula) = installer("rb") else {
        eprintln!("no macOS or Linux tarball for Homebrew is configured");
        return;
    };
    let checked = run(Command::new("ruby").arg("-c").arg(&formula));
    assert!(checked.contains("Syntax OK"), "{checked}");
    let text = std::fs::read_to_string(&formula).unwrap();
    let value_of = |line: &str, key: &str| -> Option<String> {
        let rest = line.trim().strip_prefix(key)?.trim();
        Some(rest.trim_matches('"').to_owned())
    };
    let urls: Vec<String> = text
        .lines()
        .filter_map(|line| value_of(line, "url "))
        .collect();
    let hashes: Vec<String> = text
        .lines()
        .filter_map(|line| value_of(line, "sha256 "))
        .collect();
    assert!(!urls.is_empty());
    assert_eq!(urls.len(), hashes.len(), "{text}");
    for (url, hash) in urls.iter().zip(&hashes) {
        let name = url.rsplit('/').next().unwrap();
        assert!(
            url.contains(&format!("/v{}/", manifest()["version"].as_str().unwrap())),
            "{url}"
        );
        let computed = run(Command::new("sha256sum").arg(dist_dir().join(name)));
        assert_eq!(computed.split_whitespace().next().unwrap(), hash, "{name}");
    }
}

/// The Scoop manifest is valid JSON (Python's parser) whose hash is the
/// zip's SHA-256 and whose extract_dir is the folder in the zip.
#[test]
fn scoop_manifest_is_json_whose_hash_and_folder_match_the_zip() {
    let Some(manifest_path) = installer("json") else {
        eprintln!("no Windows zip is configured, so there is no Scoop manifest");
        return;
    };
    run(Command::new("python3")
        .args(["-m", "json.tool"])
        .arg(&manifest_path));
    let scoop: Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    assert_eq!(scoop["version"], manifest()["version"]);
    let architectures = scoop["architecture"].as_object().unwrap();
    assert!(!architectures.is_empty());
    for entry in architectures.values() {
        let url = entry["url"].as_str().unwrap();
        let name = url.rsplit('/').next().unwrap();
        let zip = dist_dir().join(name);
        let computed = run(Command::new("sha256sum").arg(&zip));
        assert_eq!(
            entry["hash"].as_str().unwrap(),
            computed.split_whitespace().next().unwrap()
        );
        let listing = run(Command::new("unzip").arg("-Z1").arg(&zip));
        let exe = format!(
            "{}/{}",
            entry["extract_dir"].as_str().unwrap(),
            scoop["bin"].as_str().unwrap()
        );
        assert!(
            listing.lines().any(|line| line == exe),
            "{exe} not in:\n{listing}"
        );
    }
}
