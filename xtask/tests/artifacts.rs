//! Release artifacts, opened with the tools a user has: tar, unzip,
//! dpkg-deb, dpkg, lintian and sha256sum. Runs `cargo xtask dist` for a few
//! targets of the real workspace (fast when `cargo xtask ci` has just built
//! them), then checks what came out.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use support::*;

const VERSION: &str = "0.1.0";

/// `{app}-{version}-{triple}.{extension}`.
fn archive(triple: &str, extension: &str) -> String {
    format!("{}-{VERSION}-{triple}.{extension}", app())
}

/// `{app}_{version}-1_{arch}.deb`.
fn deb(arch: &str) -> String {
    format!("{}_{VERSION}-1_{arch}.deb", app())
}

/// One dist, shared by every test in this file, in the workspace's target
/// folder (replaced on each run) so nothing is left in /tmp.
fn dist_dir() -> &'static Path {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let out = repo_root().join("target/xtask-test-artifacts");
        let _ = std::fs::remove_dir_all(&out);
        dist(
            &out,
            &[
                "x86_64-unknown-linux-gnu",
                "aarch64-unknown-linux-gnu",
                "x86_64-unknown-linux-musl",
                "x86_64-pc-windows-gnu",
            ],
        );
        out
    })
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

#[test]
fn sha256sum_checks_every_artifact() {
    let dir = dist_dir();
    let checked = run(Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(dir));
    assert_eq!(checked.lines().count(), 6, "{checked}");
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
    assert_eq!(
        names,
        [
            &archive("aarch64-unknown-linux-gnu", "tar.gz"),
            &archive("x86_64-pc-windows-gnu", "zip"),
            &archive("x86_64-unknown-linux-gnu", "tar.gz"),
            &archive("x86_64-unknown-linux-musl", "tar.gz"),
            &deb("amd64"),
            &deb("arm64"),
        ]
    );
}

#[test]
fn tarball_holds_one_folder_with_the_binary_and_docs() {
    let stem = format!("{}-{VERSION}-x86_64-unknown-linux-gnu", app());
    let tarball = dist_dir().join(format!("{stem}.tar.gz"));
    let listing = run(Command::new("tar").arg("-tvzf").arg(&tarball));
    let mut paths = Vec::new();
    for line in listing.lines() {
        assert!(line.contains(" root/root "), "owner: {line}");
        let path = line.rsplit(' ').next().unwrap();
        assert!(path.starts_with(&format!("{stem}/")), "top folder: {line}");
        if path.ends_with(&format!("/{}", app())) {
            assert!(line.starts_with("-rwxr-xr-x"), "binary mode: {line}");
        } else if !path.ends_with('/') {
            assert!(line.starts_with("-rw-r--r--"), "file mode: {line}");
        }
        paths.push(path.to_owned());
    }
    for file in [app(), "README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(
            paths.contains(&format!("{stem}/{file}")),
            "{file} missing:\n{listing}"
        );
    }

    // Unpacked with tar, the binary runs and names its target.
    let scratch = Scratch::new("untar");
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(scratch.path()));
    let version = run(Command::new(scratch.path().join(&stem).join(app())).arg("--version"));
    assert_eq!(
        version.trim(),
        format!("{} 0.1.0 (x86_64-unknown-linux-gnu)", app())
    );
}

#[test]
fn musl_binary_is_static() {
    let stem = format!("{}-{VERSION}-x86_64-unknown-linux-musl", app());
    let scratch = Scratch::new("musl");
    run(Command::new("tar")
        .arg("-xzf")
        .arg(dist_dir().join(format!("{stem}.tar.gz")))
        .arg("-C")
        .arg(scratch.path()));
    let binary = scratch.path().join(&stem).join(app());
    let description = run(Command::new("file").arg(&binary));
    assert!(
        description.contains("statically linked") || description.contains("static-pie"),
        "{description}"
    );
}

#[test]
fn zip_passes_unzip_and_holds_the_exe() {
    let zip = dist_dir().join(archive("x86_64-pc-windows-gnu", "zip"));
    let tested = run(Command::new("unzip").arg("-t").arg(&zip));
    assert!(tested.contains("No errors detected"), "{tested}");
    let listing = run(Command::new("unzip").arg("-Z").arg(&zip));
    assert!(
        listing.contains(&format!(
            "{0}-{VERSION}-x86_64-pc-windows-gnu/{0}.exe",
            app()
        )),
        "{listing}"
    );
    let exe_line = listing
        .lines()
        .find(|line| line.ends_with(&format!("{}.exe", app())))
        .unwrap();
    assert!(exe_line.starts_with("-rwxr-xr-x"), "{exe_line}");
    let bytes = run(Command::new("unzip").arg("-p").arg(&zip).arg(format!(
        "{0}-{VERSION}-x86_64-pc-windows-gnu/{0}.exe",
        app()
    )));
    assert!(bytes.starts_with("MZ"), "a PE executable");
}

#[test]
fn deb_reads_with_dpkg_deb_and_has_true_metadata() {
    let deb = dist_dir().join(deb("arm64"));
    let info = run(Command::new("dpkg-deb").arg("--info").arg(&deb));
    for field in [
        &format!("Package: {}", app()),
        "Version: 0.1.0-1",
        "Architecture: arm64",
        "Maintainer: ",
        "Installed-Size: ",
        "Section: utils",
        "Priority: optional",
        "Homepage: ",
        "Description: ",
    ] {
        assert!(info.contains(field), "{field} missing:\n{info}");
    }
    let depends = run(Command::new("dpkg-deb")
        .args(["--field"])
        .arg(&deb)
        .arg("Depends"));
    // Linked against the glibc floor, the binary asks for no newer libc6.
    let floor = configured_targets()
        .into_iter()
        .find(|target| target["triple"] == "aarch64-unknown-linux-gnu")
        .and_then(|target| target["glibc_floor"].as_str().map(str::to_owned))
        .expect("aarch64-unknown-linux-gnu has a glibc floor");
    let libc6 = depends
        .split(", ")
        .find_map(|part| part.strip_prefix("libc6 (>= "))
        .and_then(|rest| rest.strip_suffix(')').or(rest.strip_suffix(")\n")))
        .unwrap_or_else(|| panic!("no libc6 dependency: {depends}"));
    let version =
        |text: &str| -> Vec<u32> { text.split('.').map(|n| n.parse().unwrap()).collect() };
    assert!(
        version(libc6.trim()) <= version(&floor),
        "Depends asks for libc6 {libc6}, above the floor {floor}"
    );

    let contents = run(Command::new("dpkg-deb").arg("--contents").arg(&deb));
    let mut paths = Vec::new();
    for line in contents.lines() {
        assert!(line.contains(" root/root "), "owner: {line}");
        let path = line.rsplit(' ').next().unwrap();
        assert!(path.starts_with("./"), "path: {line}");
        let mode = &line[..10];
        let expected = if path.ends_with('/') || *path == format!("./usr/bin/{}", app()) {
            "rwxr-xr-x"
        } else {
            "rw-r--r--"
        };
        assert_eq!(&mode[1..], expected, "{line}");
        paths.push(path.to_owned());
    }
    for path in [
        format!("./usr/bin/{}", app()),
        format!("./usr/share/doc/{}/copyright", app()),
        format!("./usr/share/doc/{}/changelog.Debian.gz", app()),
    ] {
        assert!(paths.contains(&path), "{path} missing:\n{contents}");
    }

    let scratch = Scratch::new("deb-extract");
    run(Command::new("dpkg-deb")
        .arg("--extract")
        .arg(&deb)
        .arg(scratch.path()));
    let copyright = std::fs::read_to_string(
        scratch
            .path()
            .join(format!("usr/share/doc/{}/copyright", app())),
    )
    .unwrap();
    assert!(
        copyright.starts_with(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
        )
    );
    assert!(
        copyright.contains("License: MIT or Apache-2.0"),
        "{copyright}"
    );
}

#[test]
fn deb_depends_names_the_package_of_every_needed_library() {
    // Depends must name the package of every library `readelf` reports as
    // NEEDED in the packaged binary.
    let scratch = Scratch::new("deb-needed");
    let deb = dist_dir().join(deb("amd64"));
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
    for library in needed {
        let package = if library.starts_with("libgcc_s") {
            "libgcc-s1"
        } else {
            "libc6"
        };
        assert!(
            depends.contains(package),
            "{library} needs {package}: {depends}"
        );
    }
}

#[test]
fn lintian_reports_no_errors() {
    for name in [&deb("amd64"), &deb("arm64")] {
        let output = Command::new("lintian")
            .arg(dist_dir().join(name))
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        let errors: Vec<&str> = report
            .lines()
            .filter(|line| line.starts_with("E:"))
            .collect();
        assert!(errors.is_empty(), "lintian errors in {name}:\n{report}");
        // Exit 2 means lintian itself failed, not that it found something.
        assert_ne!(
            output.status.code(),
            Some(2),
            "lintian failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn amd64_deb_installs_with_dpkg_and_runs() {
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
        .arg(dist_dir().join(deb("amd64"))));
    let listed = run(Command::new("dpkg")
        .arg(format!("--root={}", root.path().display()))
        .args(["-s", app()]));
    assert!(listed.contains("Status: install ok installed"), "{listed}");
    let version =
        run(Command::new(root.path().join(format!("usr/bin/{}", app()))).arg("--version"));
    assert_eq!(
        version.trim(),
        format!("{} 0.1.0 (x86_64-unknown-linux-gnu)", app())
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
    let victim = copy.path().join(archive("x86_64-pc-windows-gnu", "zip"));
    let mut bytes = std::fs::read(&victim).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&victim, bytes).unwrap();
    let output = xtask(&repo_root(), &["verify", copy.path().to_str().unwrap()]);
    assert_fails_with(
        &output,
        &[
            &format!("{}: SHA-256 is", archive("x86_64-pc-windows-gnu", "zip")),
            "failed verification",
        ],
    );
}

#[test]
fn manifest_records_every_artifact_and_how_it_was_smoke_run() {
    let text = std::fs::read_to_string(dist_dir().join("dist-manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(manifest["version"], VERSION);
    assert!(manifest["source_date_epoch"].as_u64().unwrap() > 1_600_000_000);
    let artifacts = manifest["artifacts"].as_array().unwrap();
    assert_eq!(artifacts.len(), 6);
    let smoke = |name: &str| {
        artifacts.iter().find(|a| a["name"] == name).unwrap()["smoke_run"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(smoke(&deb("arm64")), "qemu");
    assert_eq!(smoke(&archive("x86_64-pc-windows-gnu", "zip")), "wine");
    assert_eq!(
        smoke(&archive("x86_64-unknown-linux-gnu", "tar.gz")),
        "native"
    );
    for artifact in artifacts {
        let size = std::fs::metadata(dist_dir().join(artifact["name"].as_str().unwrap()))
            .unwrap()
            .len();
        assert_eq!(artifact["size"].as_u64(), Some(size));
    }
}
