//! The container image: an OCI image layout archive that skopeo reads and
//! copies (checking every digest), whose per-platform images umoci unpacks,
//! and whose binaries run from the unpacked root filesystems. Tampering
//! with a layer is caught by skopeo and by `verify`.

use super::*;

/// The image's platforms, by the triple whose binary each holds: every
/// chosen target that `targets --json` puts in the image.
fn image_platforms() -> Vec<(&'static str, &'static str)> {
    chosen_targets()
        .iter()
        .filter_map(|target| {
            Some((
                target["triple"].as_str()?,
                target.get("container_platform")?.as_str()?,
            ))
        })
        .collect()
}

/// The image's manifest entry, if the release has one.
fn image_artifact() -> Option<&'static Value> {
    manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|artifact| artifact["format"] == "oci.tar")
}

fn skopeo(args: &[&str]) -> std::process::Output {
    Command::new("skopeo")
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("skopeo: {err}"))
}

#[test]
fn skopeo_and_umoci_read_the_image_and_its_binaries_run() {
    let platforms = image_platforms();
    let Some(artifact) = image_artifact() else {
        assert!(
            platforms.is_empty(),
            "no image, but {platforms:?} go in one"
        );
        eprintln!("skipped: no static Linux target, or `container-image = false`");
        return;
    };
    let archive = dist_dir().join(artifact["name"].as_str().unwrap());
    assert!(artifact["name"].as_str().unwrap().ends_with("-oci.tar"));
    let source = format!("oci-archive:{}", archive.display());

    // The index skopeo reads is the one the manifest names, with one image
    // per platform and the release's annotations.
    let raw = skopeo(&["inspect", "--raw", &source]);
    assert!(
        raw.status.success(),
        "{}",
        String::from_utf8_lossy(&raw.stderr)
    );
    let raw_file = Scratch::new("oci-index");
    std::fs::write(raw_file.path().join("index"), &raw.stdout).unwrap();
    let digest = run(Command::new("sha256sum").arg(raw_file.path().join("index")));
    assert_eq!(
        artifact["image_digest"].as_str().unwrap(),
        format!("sha256:{}", digest.split_whitespace().next().unwrap())
    );
    let index: Value = serde_json::from_slice(&raw.stdout).unwrap();
    let listed: Vec<String> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|image| {
            let platform = &image["platform"];
            ["os", "architecture", "variant"]
                .iter()
                .filter_map(|key| platform[key].as_str())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    let expected: Vec<&str> = platforms.iter().map(|(_, platform)| *platform).collect();
    assert_eq!(listed, expected);
    let annotations = &index["annotations"];
    let annotation = |key: &str| annotations[format!("org.opencontainers.image.{key}")].clone();
    assert_eq!(annotation("version"), manifest()["version"]);
    assert_eq!(annotation("title"), shipped_package(&repo_root())["name"]);
    if manifest()["git_commit"].is_string() {
        assert_eq!(annotation("revision"), manifest()["git_commit"]);
    }
    // `created` is the release's SOURCE_DATE_EPOCH, as GNU date writes it.
    let epoch = format!("@{}", manifest()["source_date_epoch"]);
    let created = run(Command::new("date").args(["-u", "-d", &epoch, "+%Y-%m-%dT%H:%M:%SZ"]));
    assert_eq!(annotation("created"), created.trim());

    // `copy --all` checks every blob's digest as it copies.
    let copied = Scratch::new("oci-copy");
    let all = format!("oci:{}:all", copied.path().display());
    let output = skopeo(&["copy", "--quiet", "--all", &source, &all]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    for (triple, platform) in platforms {
        let target = chosen_targets()
            .iter()
            .find(|t| t["triple"] == triple)
            .unwrap();
        let mut parts = platform.split('/').skip(1);
        let (arch, variant) = (parts.next().unwrap(), parts.next());
        let mut args = vec!["--override-os", "linux", "--override-arch", arch];
        if let Some(variant) = variant {
            args.extend(["--override-variant", variant]);
        }
        let one = format!("oci:{}:{arch}", copied.path().display());
        args.extend(["copy", "--quiet", &source, &one]);
        let output = skopeo(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );

        let bundle = copied.path().join(format!("bundle-{arch}"));
        run(Command::new("umoci")
            .args(["unpack", "--rootless", "--image"])
            .arg(format!("{}:{arch}", copied.path().display()))
            .arg(&bundle));
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(bundle.join("config.json")).unwrap())
                .unwrap();
        assert_eq!(config["process"]["user"]["uid"], 65532, "{platform}");
        let binary = bundle.join("rootfs/usr/local/bin").join(app());
        assert_eq!(
            config["process"]["args"][0].as_str(),
            Some(format!("/usr/local/bin/{}", app()).as_str())
        );
        let version = version_under_runner(target, &binary);
        assert_eq!(version.trim(), version_line(triple), "{platform}");
        let docs = bundle
            .join("rootfs/usr/share/doc")
            .join(shipped_package(&repo_root())["name"].as_str().unwrap());
        for file in included_files() {
            assert!(
                docs.join(&file).is_file(),
                "{platform}: no {file} in {}",
                docs.display()
            );
        }
    }
}

#[test]
fn a_tampered_layer_is_refused_by_skopeo_and_verify() {
    let Some(artifact) = image_artifact() else {
        eprintln!("skipped: the release has no container image");
        return;
    };
    let copy = Scratch::new("oci-tampered");
    for entry in std::fs::read_dir(dist_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    let name = artifact["name"].as_str().unwrap();
    let path = copy.path().join(name);
    let mut bytes = std::fs::read(&path).unwrap();
    // A layer is the archive's only gzip data (JSON has no 0x1f 0x8b).
    let layer = bytes
        .windows(3)
        .position(|w| w == [0x1f, 0x8b, 0x08])
        .expect("a gzip'd layer");
    bytes[layer + 1000] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    // The outer sums are made to agree, so only the blob digests can tell.
    let old = artifact["sha256"].as_str().unwrap();
    let new = run(Command::new("sha256sum").arg(&path));
    let new = new.split_whitespace().next().unwrap();
    for file in [
        "SHA256SUMS",
        &format!("{name}.sha256"),
        "dist-manifest.json",
    ] {
        let text = std::fs::read_to_string(copy.path().join(file)).unwrap();
        std::fs::write(copy.path().join(file), text.replace(old, new)).unwrap();
    }

    let target = Scratch::new("oci-tampered-copy");
    let output = skopeo(&[
        "copy",
        "--all",
        &format!("oci-archive:{}", path.display()),
        &format!("oci:{}:x", target.path().display()),
    ]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "skopeo copied a tampered image");
    assert!(
        said.to_lowercase().contains("digest did not match"),
        "{said}"
    );

    let output = xtask(&repo_root(), &["verify", copy.path().to_str().unwrap()]);
    assert_fails_with(
        &output,
        &[
            &format!("{name}: cannot be opened"),
            "does not match its digest",
        ],
    );
}
