//! The winget manifest set, checked as winget-pkgs' validation would: each
//! file parsed as YAML by another parser (Ruby's) and validated against the
//! schema Microsoft publishes for its manifest type (vendored in
//! `tests/data/winget-schemas`) by the `jsonschema` library; the installer
//! file's URLs, SHA-256s and ProductCodes against the artifacts themselves,
//! the ProductCode as msiinfo reads it from each .msi.

use super::*;

/// Every winget manifest of the primary package, by file name.
fn manifests() -> Vec<PathBuf> {
    manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == "yaml" && of_primary(artifact))
        .map(|artifact| dist_dir().join(artifact["name"].as_str().unwrap()))
        .collect()
}

/// A YAML file as JSON, read by Ruby's YAML parser.
fn yaml_as_json(path: &Path) -> Value {
    let json = run(Command::new("ruby")
        .args([
            "-ryaml",
            "-rjson",
            "-e",
            "puts JSON.generate(YAML.safe_load(File.read(ARGV[0])))",
        ])
        .arg(path));
    serde_json::from_str(&json).unwrap()
}

#[test]
#[ignore = "needs ruby and jsonschema, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
fn each_manifest_is_valid_against_winget_s_published_schema() {
    let manifests = manifests();
    if !chosen_targets()
        .iter()
        .any(|t| t["triple"].as_str().unwrap().contains("windows"))
    {
        eprintln!("skipped: no Windows target is configured");
        return;
    }
    assert_eq!(manifests.len(), 3, "{manifests:?}");
    let schemas = repo_root().join("xtask/tests/data/winget-schemas");
    let python = std::env::var_os("XTASK_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/xtask-tools"))
        .join("bin/python3");
    for path in &manifests {
        let manifest = yaml_as_json(path);
        let kind = manifest["ManifestType"].as_str().unwrap();
        let version = manifest["ManifestVersion"].as_str().unwrap();
        assert_eq!(
            manifest["PackageVersion"],
            *manifest_version(),
            "{}",
            path.display()
        );
        let schema = schemas.join(format!("manifest.{kind}.{version}.json"));
        let as_json = path.with_extension("json-for-schema");
        std::fs::write(&as_json, manifest.to_string()).unwrap();
        let said = run(Command::new(&python)
            .arg("-c")
            .arg(
                "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             jsonschema.Draft7Validator(schema).validate(json.load(open(sys.argv[2])))\n\
             print('valid')\n",
            )
            .arg(&schema)
            .arg(&as_json));
        std::fs::remove_file(&as_json).unwrap();
        assert_eq!(said.trim(), "valid", "{}", path.display());
    }
}

/// The release's version.
fn manifest_version() -> &'static Value {
    &manifest()["version"]
}

#[test]
#[ignore = "needs msiinfo and ruby, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
fn installers_name_the_artifacts_with_their_sha256_and_product_code() {
    let Some(installer) = manifests()
        .into_iter()
        .find(|path| path.to_string_lossy().ends_with(".installer.yaml"))
    else {
        eprintln!("skipped: no Windows target is configured");
        return;
    };
    let manifest = yaml_as_json(&installer);
    let installers = manifest["Installers"].as_array().unwrap();
    assert!(!installers.is_empty());
    for entry in installers {
        let url = entry["InstallerUrl"].as_str().unwrap();
        let name = url.rsplit('/').next().unwrap();
        let file = dist_dir().join(name);
        let sum = run(Command::new("sha256sum").arg(&file));
        let sha256 = entry["InstallerSha256"]
            .as_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(sum.starts_with(&sha256), "{name}: {sum} vs {sha256}");
        if name.ends_with(".msi") {
            let table = run(Command::new("msiinfo")
                .args(["export"])
                .arg(&file)
                .arg("Property"));
            let code = table
                .lines()
                .find_map(|line| line.strip_prefix("ProductCode\t"))
                .unwrap();
            assert_eq!(entry["ProductCode"], code.trim(), "{name}");
        } else {
            let nested = entry["NestedInstallerFiles"][0]["RelativeFilePath"]
                .as_str()
                .unwrap();
            let listed = run(Command::new("unzip").arg("-Z1").arg(&file));
            assert!(
                listed.lines().any(|line| line == nested),
                "{nested} not in {name}:\n{listed}"
            );
        }
    }
}
