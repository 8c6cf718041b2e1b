//! The npm packages of the program: one per platform, and the root package
//! that names them all. npm itself installs the root package and the build
//! machine's platform package from a local folder, offline, and the command
//! it puts in `node_modules/.bin` runs. Each platform package says, to npm,
//! the platform its binary is for.

use super::*;

/// The root package of the primary program, unless `installers` leaves it
/// out.
fn root_package() -> Option<PathBuf> {
    let roots: Vec<&Value> = manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == "npm.tgz" && of_primary(artifact))
        .collect();
    assert!(roots.len() <= 1, "{roots:?}");
    let root = roots.first()?;
    Some(dist_dir().join(root["name"].as_str().unwrap()))
}

/// The package.json inside an npm tarball, read with tar.
fn package_json(tarball: &Path) -> Value {
    let json = run(Command::new("tar")
        .args(["-xzOf"])
        .arg(tarball)
        .arg("package/package.json"));
    serde_json::from_str(&json).unwrap()
}

#[test]
#[ignore = "installs with npm; run by `cargo xtask ci`"]
fn npm_installs_the_root_and_this_machines_package_offline_and_the_command_runs() {
    let Some((platform_package, target)) = artifacts("tgz")
        .into_iter()
        .find(|(_, target)| target["runner"] == "native" && target["static_binary"] == false)
    else {
        eprintln!("skipped: no glibc target runs natively here");
        return;
    };
    let Some(root) = root_package() else {
        eprintln!("skipped: `installers` leaves the npm root package out");
        return;
    };
    let folder = Scratch::new("npm-local-folder");
    for package in [&root, &platform_package] {
        std::fs::copy(package, folder.path().join(package.file_name().unwrap())).unwrap();
    }
    let project = Scratch::new("npm-project");
    run(Command::new("npm")
        .args(["init", "--yes"])
        .current_dir(project.path()));
    let mut install = Command::new("npm");
    install
        .args(["install", "--offline", "--no-audit", "--no-fund"])
        .current_dir(project.path());
    for package in std::fs::read_dir(folder.path()).unwrap() {
        install.arg(package.unwrap().path());
    }
    run(&mut install);
    let triple = target["triple"].as_str().unwrap();
    let said =
        run(Command::new(project.path().join("node_modules/.bin").join(app())).arg("--version"));
    assert!(said.contains(&version_line(triple)), "{said}");
}

#[test]
fn the_root_names_each_platform_package_and_each_says_its_platform() {
    let root = root_package().map(|root| package_json(&root));
    for (tarball, target) in artifacts("tgz") {
        let package = package_json(&tarball);
        let name = package["name"].as_str().unwrap();
        assert_eq!(package["version"], manifest()["version"], "{name}");
        if let Some(root) = &root {
            let optional = &root["optionalDependencies"];
            assert_eq!(optional[name], package["version"], "{name}");
        }
        let triple = target["triple"].as_str().unwrap();
        let os = match triple {
            t if t.contains("linux") => "linux",
            t if t.contains("windows") => "win32",
            t if t.contains("darwin") => "darwin",
            t if t.contains("freebsd") => "freebsd",
            other => panic!("an npm package for {other}"),
        };
        assert_eq!(package["os"], serde_json::json!([os]), "{triple}");
        let libc = match (os, target["static_binary"] == true) {
            ("linux", true) => serde_json::json!(["musl"]),
            ("linux", false) => serde_json::json!(["glibc"]),
            _ => Value::Null,
        };
        assert_eq!(package["libc"], libc, "{triple}");
    }
}
