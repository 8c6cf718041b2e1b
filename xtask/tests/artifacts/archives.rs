//! Archives and checksums: every format made, SHA256SUMS read by sha256sum,
//! tarballs and zips opened with tar and unzip, and the man pages and
//! completions they hold.

use super::*;

#[test]
fn every_chosen_target_made_each_of_its_formats() {
    for target in chosen_targets() {
        let made: Vec<&str> = manifest()["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|artifact| {
                artifact["target"] == target["triple"]
                    && artifact["package"] == target["packages"][0]
            })
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
