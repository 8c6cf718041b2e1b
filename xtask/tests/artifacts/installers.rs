//! The installers: install.sh run by dash and bash against a local web
//! server, the Homebrew formula parsed by ruby, the Scoop manifest by a JSON
//! reader.

use super::*;

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
