//! The .deb packages, opened with dpkg-deb, checked by lintian, and installed
//! with dpkg.

use super::*;

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
