//! The macOS installer packages, read by tools that are not the xtask's:
//! 7-Zip tests each one (the xar's SHA-1s) and bsdtar (libarchive) unpacks
//! it; Python's XML parser reads its Distribution and PackageInfo; gzip
//! and GNU cpio unpack its payload, where each program and document is the
//! same bytes as in the tarball of its target and each man page and
//! completion is where macOS's man and shells look; and the Bom, read by
//! the apple-bom crate, lists exactly what cpio unpacked: each path's
//! mode, owner and size, and each file's POSIX `cksum` as coreutils
//! prints it. (lsbom is macOS's, and Debian has no bomutils; the unit
//! tests compare the xtask's Bom with the bytes bomutils' mkbom writes.)

use super::*;

/// What Python's XML parser reads of an unpacked `.pkg`: the Distribution's
/// architectures, floor and component reference, and PackageInfo's
/// identifier, version, install location and file count.
fn installer_facts(unpacked: &Path, component: &str) -> Value {
    let script = r#"
import json, sys, xml.etree.ElementTree as ET
distribution = ET.parse(sys.argv[1]).getroot()
info = ET.parse(sys.argv[2]).getroot()
version = distribution.find("volume-check/allowed-os-versions/os-version")
ref = [r for r in distribution.findall("pkg-ref") if r.text][0]
print(json.dumps({
    "architectures": distribution.find("options").get("hostArchitectures"),
    "floor": None if version is None else version.get("min"),
    "component": ref.text,
    "ref_id": ref.get("id"),
    "identifier": info.get("identifier"),
    "version": info.get("version"),
    "install_location": info.get("install-location"),
    "files": info.find("payload").get("numberOfFiles"),
}))
"#;
    let out = run(Command::new("python3")
        .args(["-c", script])
        .arg(unpacked.join("Distribution"))
        .arg(unpacked.join(component).join("PackageInfo")));
    serde_json::from_str(&out).unwrap()
}

/// Unpacks a payload with gzip and GNU cpio; the folder, and what `cpio
/// -t` lists.
fn unpack_payload(payload: &Path) -> (Scratch, Vec<String>) {
    let scratch = Scratch::new("pkg-payload");
    let shell = |command: &str| {
        run(Command::new("sh")
            .args(["-c", command])
            .arg(payload)
            .current_dir(scratch.path()))
    };
    shell(r#"gzip -dc "$0" | cpio -idm --quiet"#);
    let listed = shell(r#"gzip -dc "$0" | cpio -t --quiet"#);
    (scratch, listed.lines().map(str::to_owned).collect())
}

#[test]
#[ignore = "needs 7z, bsdtar and cpio, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
fn installer_packages_unpack_with_bsdtar_and_cpio_into_the_tarballs_files() {
    if !chosen_targets()
        .iter()
        .any(|t| t["triple"].as_str().unwrap().contains("apple"))
    {
        eprintln!("skipped: no macOS target is configured");
        return;
    }
    let packages: Vec<&Value> = manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == "pkg" && of_primary(artifact))
        .collect();
    assert!(!packages.is_empty(), "no .pkg in the release");
    for artifact in packages {
        let name = artifact["name"].as_str().unwrap();
        let path = dist_dir().join(name);
        let tested = run(Command::new("7z").arg("t").arg(&path));
        assert!(tested.contains("Everything is Ok"), "{tested}");

        let unpacked = Scratch::new("pkg-xar");
        run(Command::new("bsdtar")
            .arg("-xf")
            .arg(&path)
            .arg("-C")
            .arg(unpacked.path()));
        let component = format!("{}.pkg", artifact["package"].as_str().unwrap());
        let facts = installer_facts(unpacked.path(), &component);
        check_installer_facts(&facts, artifact, &component);

        let (root, listed) = unpack_payload(&unpacked.path().join(&component).join("Payload"));
        assert_eq!(
            facts["files"].as_str().unwrap(),
            listed.len().to_string(),
            "PackageInfo counts what the payload holds: {listed:?}"
        );
        let tarball = dist_dir().join(name.replace(".pkg", ".tar.gz"));
        check_payload_against_tarball(root.path(), &tarball, artifact);
        check_bom(
            root.path(),
            &listed,
            &unpacked.path().join(&component).join("Bom"),
        );
    }
}

fn check_installer_facts(facts: &Value, artifact: &Value, component: &str) {
    let identifier = facts["identifier"].as_str().unwrap();
    let labels: Vec<&str> = identifier.split('.').collect();
    assert!(
        labels.len() >= 2
            && labels
                .iter()
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')),
        "not reverse-DNS: {identifier}"
    );
    assert_eq!(facts["ref_id"], facts["identifier"]);
    assert_eq!(facts["component"], format!("#{component}"));
    assert_eq!(facts["install_location"], "/usr/local");
    assert_eq!(facts["version"], manifest()["version"]);
    let expected = match artifact["target"].as_str().unwrap() {
        t if t.starts_with("universal2") => "arm64,x86_64",
        t if t.starts_with("aarch64") => "arm64",
        _ => "x86_64",
    };
    assert_eq!(facts["architectures"], expected);
    assert_eq!(facts["floor"], artifact["macos_floor"], "{facts}");
}

/// Each file of the tarball's folder is in the payload where macOS looks:
/// executables in `bin/`, the rest in `share/doc/<package>/`, man pages in
/// `share/man/man<section>/`, completions in each shell's folder.
fn check_payload_against_tarball(root: &Path, tarball: &Path, artifact: &Value) {
    let unpacked = untar(tarball);
    let folder = unpacked.path().join(stem(tarball, ".tar.gz"));
    let package = artifact["package"].as_str().unwrap();
    let mut compared = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            continue;
        }
        use std::os::unix::fs::PermissionsExt;
        let executable = entry.metadata().unwrap().permissions().mode() & 0o111 != 0;
        let installed = match executable {
            true => root.join("bin").join(&name),
            false => root.join("share/doc").join(package).join(&name),
        };
        assert_eq!(
            std::fs::read(&installed).unwrap_or_default(),
            std::fs::read(entry.path()).unwrap(),
            "{name} is not installed as the tarball has it, at {}",
            installed.display()
        );
        let mode = std::fs::metadata(&installed).unwrap().permissions().mode();
        assert_eq!(mode & 0o111 != 0, executable, "{name}'s mode is {mode:o}");
        compared += 1;
    }
    assert!(compared >= 2, "the tarball held {compared} files");
    for doc in archived_docs(&folder) {
        let (kind, file) = doc.split_once('/').unwrap();
        let installed = match kind {
            "man" => format!("share/man/man{}/{file}", file.rsplit('.').next().unwrap()),
            _ if file.ends_with(".bash") => format!(
                "share/bash-completion/completions/{}",
                file.trim_end_matches(".bash")
            ),
            _ if file.ends_with(".fish") => format!("share/fish/vendor_completions.d/{file}"),
            _ => format!("share/zsh/site-functions/{file}"),
        };
        assert_eq!(
            std::fs::read(root.join(&installed)).unwrap_or_default(),
            std::fs::read(folder.join(&doc)).unwrap(),
            "{doc} is not at {installed}"
        );
    }
}

/// The Bom, as apple-bom reads it, lists exactly the paths cpio
/// unpacked, each with its mode, root as owner, its size and (for a file)
/// the checksum `cksum` prints.
fn check_bom(root: &Path, listed: &[String], bom: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let data = std::fs::read(bom).unwrap();
    let parsed = apple_bom::ParsedBom::parse(&data).unwrap();
    let mut in_bom: Vec<String> = Vec::new();
    for entry in parsed.paths().unwrap() {
        let path = entry.path().to_owned();
        let on_disk = root.join(&path);
        let metadata = std::fs::symlink_metadata(&on_disk)
            .unwrap_or_else(|_| panic!("the Bom lists {path}, which cpio did not unpack"));
        let mode = u32::from(entry.file_mode());
        assert_eq!(
            mode & 0o7777,
            metadata.permissions().mode() & 0o7777,
            "{path}"
        );
        assert_eq!((entry.user_id(), entry.group_id()), (0, 0), "{path}");
        if metadata.is_file() {
            assert_eq!(entry.size() as u64, metadata.len(), "{path}");
            let printed = run(Command::new("cksum").arg(&path).current_dir(root));
            let sum: u32 = printed.split_whitespace().next().unwrap().parse().unwrap();
            assert_eq!(
                entry.crc32(),
                Some(sum),
                "{path}: the Bom's checksum is not cksum's"
            );
        }
        in_bom.push(path);
    }
    let mut unpacked = listed.to_vec();
    unpacked.sort();
    in_bom.sort();
    assert_eq!(in_bom, unpacked, "the Bom and the payload list other paths");
}
