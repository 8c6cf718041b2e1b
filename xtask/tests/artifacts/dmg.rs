//! The macOS disk images, read by tools that are not the xtask's: 7-Zip
//! tests each one (the UDIF container and its checksums, the HFS+ volume)
//! and extracts it, and every file it holds is the same bytes as in the
//! tarball of its target, the binaries still executable; dmg2img turns one
//! into the raw disk, which 7-Zip reads as an HFS+ volume.
//!
//! No tool here can check an HFS+ volume as fsck_hfs would: Debian's
//! hfsplus 1.0.4 (hpfsck, hpmount) reads only volumes inside an HFS
//! wrapper, and this machine's kernel has no hfsplus module to mount one.

use super::*;

#[test]
#[ignore = "needs 7z and dmg2img, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
fn seven_zip_extracts_each_disk_image_as_its_tarball() {
    let images: Vec<PathBuf> = manifest()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == "dmg" && of_primary(artifact))
        .map(|artifact| dist_dir().join(artifact["name"].as_str().unwrap()))
        .collect();
    if !chosen_targets()
        .iter()
        .any(|t| t["triple"].as_str().unwrap().contains("apple"))
    {
        eprintln!("skipped: no macOS target is configured");
        return;
    }
    assert!(!images.is_empty(), "no disk image in the release");
    for image in &images {
        let tested = run(Command::new("7z").arg("t").arg(image));
        assert!(tested.contains("Everything is Ok"), "{tested}");
        let out = Scratch::new("dmg-extract");
        run(Command::new("7z")
            .arg("x")
            .arg(format!("-o{}", out.path().display()))
            .arg(image));
        let name = image.file_name().unwrap().to_str().unwrap();
        let tarball = dist_dir().join(name.replace(".dmg", ".tar.gz"));
        let unpacked = untar(&tarball);
        let folder = stem(&tarball, ".tar.gz");
        let extracted = out.path().join(&folder);
        let mut files = 0;
        for entry in std::fs::read_dir(&extracted).unwrap() {
            let entry = entry.unwrap();
            let from_tarball = unpacked.path().join(&folder).join(entry.file_name());
            assert!(
                std::fs::read(entry.path()).unwrap() == std::fs::read(&from_tarball).unwrap(),
                "{name}: {:?} differs from the tarball's",
                entry.file_name()
            );
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o111;
            assert_eq!(
                mode(&entry.path()),
                mode(&from_tarball),
                "{:?}",
                entry.file_name()
            );
            files += 1;
        }
        assert!(files >= 1, "{name} holds nothing");
        let raw = out.path().join("disk.img");
        run(Command::new("dmg2img").arg(image).arg(&raw));
        let listed = run(Command::new("7z").arg("l").arg(&raw));
        assert!(
            listed.contains("Type = HFS") && listed.contains("Method = HFS+"),
            "{listed}"
        );
    }
}
