//! The SBOMs: valid CycloneDX 1.5 by the CycloneDX project's own validator,
//! listing what each binary is made of.

use super::*;

/// The CycloneDX project's own JSON schema validator (its Python library,
/// which `cargo xtask ci` installs into the tools environment) accepts
/// every SBOM as CycloneDX 1.5.
#[test]
#[ignore = "needs the cyclonedx validator from PyPI, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
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
