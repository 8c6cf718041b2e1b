//! The .msi packages: msiinfo reads the tables and properties the
//! configuration says, msiextract gives the zip's binary, wine's msiexec
//! installs (on PATH), runs and removes it, and osslsigncode accepts the
//! Authenticode signatures against the test CA and refuses a changed file.

use super::*;

/// Runs `program` with `args`, returning what it printed.
fn output_of(program: &str, args: &[&str]) -> String {
    run(Command::new(program).args(args))
}

/// A GUID as the book (docs/shipping/windows.md) says the xtask derives it: the first 16 bytes of
/// the SHA-256 of the parts joined by NUL, marked as an RFC 9562 version 8
/// UUID; computed here with sha256sum.
fn derived_guid(parts: &[&str]) -> String {
    let scratch = Scratch::new("guid");
    let file = scratch.path().join("name");
    std::fs::write(&file, parts.join("\0")).unwrap();
    let sum = output_of("sha256sum", &[file.to_str().unwrap()]);
    let mut hex: Vec<char> = sum[..32].to_uppercase().chars().collect();
    hex[12] = '8';
    let variant = u8::from_str_radix(&hex[16].to_string(), 16).unwrap();
    hex[16] = format!("{:X}", (variant & 0x3) | 0x8)
        .chars()
        .next()
        .unwrap();
    let hex: String = hex.into_iter().collect();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The package's `Property` table, by name.
fn properties(msi: &Path) -> Vec<(String, String)> {
    output_of("msiinfo", &["export", msi.to_str().unwrap(), "Property"])
        .lines()
        .skip(3)
        .filter_map(|line| {
            let (name, value) = line.trim_end_matches('\r').split_once('\t')?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The zip of `triple`'s executable, unpacked with unzip: the scratch
/// folder holding it, and its path.
fn zipped_exe(triple: &str) -> (Scratch, PathBuf) {
    let zip = dist_dir().join(format!(
        "{}-{}-{triple}.zip",
        app(),
        manifest()["version"].as_str().unwrap()
    ));
    let unzipped = Scratch::new("msi-zip");
    run(Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(unzipped.path()));
    let exe = unzipped
        .path()
        .join(stem(&zip, ".zip"))
        .join(format!("{}.exe", app()));
    (unzipped, exe)
}

fn msis() -> Vec<(PathBuf, &'static Value)> {
    let msis = artifacts("msi");
    if msis.is_empty() {
        eprintln!("skipped: no configured target makes an .msi");
    }
    msis
}

#[test]
fn msiinfo_reads_the_tables_and_properties_of_the_configuration() {
    let package = shipped_package(&repo_root());
    let name = package["name"].as_str().unwrap();
    for (msi, target) in msis() {
        let path = msi.to_str().unwrap();
        let tables = output_of("msiinfo", &["tables", path]);
        for table in [
            "File",
            "Component",
            "Directory",
            "Environment",
            "Upgrade",
            "Property",
        ] {
            assert!(
                tables.lines().any(|line| line == table),
                "no {table} in {tables}"
            );
        }
        let property = |key: &str| {
            properties(&msi)
                .into_iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value)
                .unwrap_or_default()
        };
        let version = manifest()["version"].as_str().unwrap();
        let numeric = version.split(['-', '+']).next().unwrap();
        let triple = target["triple"].as_str().unwrap();
        assert_eq!(property("ProductName"), name);
        assert_eq!(property("ProductVersion"), numeric);
        let first_author = package["authors"][0].as_str().unwrap_or(name);
        let publisher = first_author.split(" <").next().unwrap();
        assert_eq!(property("Manufacturer"), publisher);
        assert_eq!(property("UpgradeCode"), derived_guid(&["upgrade", name]));
        assert_eq!(
            property("ProductCode"),
            derived_guid(&["product", name, version, triple])
        );
        // The install folder is appended to the system PATH, and taken out
        // again on uninstall.
        let environment = output_of("msiinfo", &["export", path, "Environment"]);
        assert!(
            environment.contains("=-*PATH\t[~];[INSTALLDIR]"),
            "{environment}"
        );
        // What `cargo xtask wxs` prints is what it was built from.
        let wxs = xtask(&repo_root(), &["wxs", "--target", triple]);
        let wxs = String::from_utf8(wxs.stdout).unwrap();
        assert!(wxs.contains(&property("ProductCode")), "{wxs}");
    }
}

#[test]
fn msiextract_gives_the_binary_of_the_zip() {
    for (msi, target) in msis() {
        let triple = target["triple"].as_str().unwrap();
        let extracted = Scratch::new("msiextract");
        let listed = output_of(
            "msiextract",
            &[
                "-C",
                extracted.path().to_str().unwrap(),
                msi.to_str().unwrap(),
            ],
        );
        let exe = format!("{}.exe", app());
        let installed = listed
            .lines()
            .find(|line| line.ends_with(&format!("/{exe}")))
            .unwrap_or_else(|| panic!("no {exe} in {listed}"));
        for file in included_files() {
            assert!(
                listed
                    .lines()
                    .any(|line| line.ends_with(&format!("/{file}"))),
                "{listed}"
            );
        }
        let (_unzipped, zipped) = zipped_exe(triple);
        let from_zip = std::fs::read(zipped).unwrap();
        let from_msi = std::fs::read(extracted.path().join(installed)).unwrap();
        assert!(
            from_zip == from_msi,
            "{installed} differs from the zip's {exe}"
        );
    }
}

/// wine's msiexec installs the package unattended into a fresh prefix: the
/// program lands in Program Files, runs from the PATH the package set, and
/// `msiexec /x` removes both again.
#[test]
fn wine_msiexec_installs_runs_and_uninstalls_it() {
    for (msi, target) in msis() {
        let prefix = Scratch::new("wine-msi");
        let dlls = repo_root().join("target/wine/dlls");
        let wine = |args: &[&str]| {
            let mut command = Command::new(args[0]);
            command
                .args(&args[1..])
                .env("WINEPREFIX", prefix.path())
                .env("WINEDEBUG", "-all")
                .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
                .env("WINEPATH", &dlls);
            command
        };
        // A new prefix, made by wineboot; once in a while (two test
        // binaries starting wine at once) it comes out without its system
        // files, and everything after fails to load kernel32.dll, so it is
        // made again until it has them (three tries).
        let kernel32 = prefix.path().join("drive_c/windows/system32/kernel32.dll");
        for _ in 0..3 {
            let _ = wine(&["wineboot", "--init"]).output();
            run(&mut wine(&["wineserver", "--wait"]));
            if kernel32.exists() {
                break;
            }
        }
        let package = msi.to_str().unwrap();
        run(&mut wine(&["wine", "msiexec", "/i", package, "/qn"]));
        let name = shipped_package(&repo_root())["name"]
            .as_str()
            .unwrap()
            .to_owned();
        let folder = prefix.path().join("drive_c/Program Files").join(&name);
        assert!(
            folder.join(format!("{}.exe", app())).is_file(),
            "not installed in {}",
            folder.display()
        );
        // A new cmd reads the machine PATH the package changed.
        let version = run(&mut wine(&["wine", "cmd", "/c", app(), "--version"]));
        assert_eq!(
            version.trim(),
            version_line(target["triple"].as_str().unwrap())
        );
        run(&mut wine(&["wine", "msiexec", "/x", package, "/qn"]));
        run(&mut wine(&["wineserver", "--wait"]));
        assert!(
            !folder.exists(),
            "{} is left after uninstalling",
            folder.display()
        );
        let path = run(&mut wine(&[
            "wine",
            "reg",
            "query",
            r"HKLM\System\CurrentControlSet\Control\Session Manager\Environment",
            "/v",
            "PATH",
        ]));
        assert!(
            !path.contains(&name),
            "PATH still names the program: {path}"
        );
    }
}

/// osslsigncode accepts the signatures against the throwaway CA, in the
/// zip's executable and on the .msi, and refuses an executable with a
/// byte changed; `cargo xtask verify --windows-ca` checks the same.
#[test]
fn authenticode_signatures_verify_and_a_changed_byte_is_refused() {
    let ca = windows_key().ca.to_str().unwrap();
    for (msi, target) in msis() {
        let triple = target["triple"].as_str().unwrap();
        let (_unzipped, exe) = zipped_exe(triple);
        for signed in [exe.to_str().unwrap(), msi.to_str().unwrap()] {
            let checked = output_of("osslsigncode", &["verify", "-CAfile", ca, "-in", signed]);
            assert!(
                checked.contains("Signature verification: ok"),
                "{signed}: {checked}"
            );
        }
        let mut bytes = std::fs::read(&exe).unwrap();
        bytes[4096] ^= 0x01;
        std::fs::write(&exe, &bytes).unwrap();
        let refused = Command::new("osslsigncode")
            .args(["verify", "-CAfile", ca, "-in", exe.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            !refused.status.success(),
            "osslsigncode accepted a changed executable"
        );
        assert!(String::from_utf8_lossy(&refused.stdout).contains("MISMATCH"));
    }
    if msis().is_empty() {
        return;
    }
    let ok = xtask(
        &repo_root(),
        &["verify", dist_dir().to_str().unwrap(), "--windows-ca", ca],
    );
    let said = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{said}");
    assert!(said.contains("valid, chains to the given CA"), "{said}");
    let other_ca = repo_root().join("target/xtask-test-authenticode/signer.pem");
    let wrong = xtask(
        &repo_root(),
        &[
            "verify",
            dist_dir().to_str().unwrap(),
            "--windows-ca",
            other_ca.to_str().unwrap(),
        ],
    );
    assert_fails_with(&wrong, &["does not chain to"]);
}
