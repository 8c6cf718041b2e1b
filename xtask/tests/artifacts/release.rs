//! The release as a whole: verify accepts it and catches a flipped byte, and
//! the manifest records every artifact.

use super::*;

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
        // An installer or the image is for the whole release, not a target.
        let target = chosen_targets()
            .iter()
            .find(|target| target["triple"] == artifact["target"]);
        match target {
            Some(target) => {
                assert_eq!(artifact["smoke_run"], target["runner"], "{artifact}");
                assert_eq!(artifact["glibc_floor"], target["glibc_floor"], "{artifact}");
            }
            None => {
                // The container image holds several targets.
                let whole_release = ["installer", "oci"];
                assert!(
                    whole_release.contains(&artifact["target"].as_str().unwrap()),
                    "{artifact}"
                );
                assert_eq!(artifact["smoke_run"], "none", "{artifact}");
            }
        }
        let size = std::fs::metadata(dist_dir().join(artifact["name"].as_str().unwrap()))
            .unwrap()
            .len();
        assert_eq!(artifact["size"].as_u64(), Some(size));
    }
}

/// The release's manifest is what its published JSON Schema says, as the
/// `jsonschema` validator from PyPI (which `cargo xtask ci` installs for
/// the SBOM tests) reads the schema; and a manifest the schema refuses (a
/// format it does not know) is refused by it too.
#[test]
#[ignore = "needs jsonschema from PyPI, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
fn the_manifest_passes_its_published_schema() {
    let tools = std::env::var_os("XTASK_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/xtask-tools"));
    let schema = repo_root().join("xtask/dist-manifest.schema.json");
    let manifest = dist_dir().join("dist-manifest.json");
    let validate = |manifest: &Path| {
        run(Command::new(tools.join("bin/python3")).arg("-c").arg(
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             jsonschema.Draft202012Validator.check_schema(schema)\n\
             errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))\n\
             print('valid' if not errors else errors[0].message)\n",
        ).arg(&schema).arg(manifest))
    };
    assert_eq!(validate(&manifest).trim(), "valid");
    let bad = Scratch::new("manifest-schema");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let path = bad.path().join("dist-manifest.json");
    std::fs::write(&path, text.replacen("\"format\": \"", "\"format\": \"x", 1)).unwrap();
    assert!(
        validate(&path).contains("is not one of"),
        "the schema took a bad format"
    );
}
