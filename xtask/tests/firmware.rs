//! Firmware: the packages `[workspace.metadata.dist.firmware]` names,
//! built only for its targets (Cortex-M, no OS), tested on an emulated
//! board, and shipped as `.elf`, `.bin` and `.hex`.
//!
//! - plain `cargo test --target thumbv7m-none-eabi -p <firmware>` boots the
//!   tests under qemu-system-arm through `.cargo/config.toml` alone; a test
//!   broken on purpose, and one that hangs, turn the run red;
//! - dist ships the images, and tools the user would use read them:
//!   `arm-none-eabi-objcopy` turns the `.elf` and the `.hex` into the same
//!   bytes as the `.bin`, `sha256sum -c` passes, and QEMU boots the shipped
//!   `.elf` to print the release's version;
//! - configuration that mixes the two kinds of target, and a memory layout
//!   too small for the image, are refused with what to do.

mod support;

use std::path::Path;
use std::process::Command;

use support::adoption::succeed;
use support::*;

/// The firmware package and targets of the workspace in `dir`, as its
/// configuration names them.
fn firmware_of(dir: &Path) -> (String, Vec<String>) {
    let dist = dist_table(dir);
    let firmware = dist["firmware"].as_table().expect("a firmware table");
    let strings = |key: &str| -> Vec<String> {
        firmware[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    (strings("packages").remove(0), strings("targets"))
}

/// `cargo ARGS` in `dir`: its combined output, and whether it succeeded.
fn cargo_output(dir: &Path, args: &[&str]) -> (bool, String) {
    let output = cargo_in(dir, args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
#[ignore = "boots the firmware's tests under qemu-system-arm; run by `cargo xtask ci`"]
fn plain_cargo_tests_the_firmware_on_each_board_and_a_failure_or_a_hang_is_red() {
    let copy = copy_of_workspace("firmware-tests");
    let dir = copy.path();
    let (package, targets) = firmware_of(dir);
    for triple in &targets {
        let (passed, said) = cargo_output(dir, &["test", "--target", triple, "-p", &package]);
        assert!(passed, "{said}");
        assert!(said.contains("tests passed"), "{said}");
    }
    let triple = targets[0].as_str();
    let test = format!("{package}/tests/on_target.rs");
    edit(dir, &test, "(4096, \"4.0 KiB\")", "(4096, \"4.1 KiB\")");
    let (passed, said) = cargo_output(dir, &["test", "--target", triple, "-p", &package]);
    assert!(!passed, "a failing test passed:\n{said}");
    assert!(said.contains("4.1 KiB"), "{said}");
    edit(dir, &test, "(4096, \"4.1 KiB\")", "(4096, \"4.0 KiB\")");

    // A test that never exits is ended by the runner's timeout (made short
    // here), and fails.
    edit(
        dir,
        ".cargo/config.toml",
        "timeout 60 qemu",
        "timeout 5 qemu",
    );
    edit(
        dir,
        &test,
        "    sizes_format_as_on_the_host();\n",
        "    sizes_format_as_on_the_host();\n    loop {}\n",
    );
    let (passed, said) = cargo_output(dir, &["test", "--target", triple, "-p", &package]);
    assert!(!passed, "a hung test passed:\n{said}");
    assert!(said.contains("exit status: 124"), "{said}");
}

#[test]
#[ignore = "builds the firmware for every firmware target; run by `cargo xtask ci`"]
fn dist_ships_images_that_objcopy_and_qemu_read_as_the_elf() {
    let (package, targets) = firmware_of(&repo_root());
    let out = Scratch::new("firmware-dist");
    let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
    dist(out.path(), &targets);
    succeed(xtask(
        &repo_root(),
        &["verify", out.path().to_str().unwrap()],
    ));
    run_in_dir(out.path(), "sha256sum", &["-c", "SHA256SUMS"]);
    for triple in targets {
        let stem = format!("{package}-{}-{triple}", version());
        let file = |ext: &str| out.path().join(format!("{stem}.{ext}"));
        let bin = std::fs::read(file("bin")).unwrap();
        for (input, format) in [("elf", "elf32-littlearm"), ("hex", "ihex")] {
            let flat = out.path().join(format!("from-{input}.bin"));
            run_in_dir(
                out.path(),
                "arm-none-eabi-objcopy",
                &[
                    "-I",
                    format,
                    "-O",
                    "binary",
                    file(input).to_str().unwrap(),
                    flat.to_str().unwrap(),
                ],
            );
            assert!(
                std::fs::read(&flat).unwrap() == bin,
                "objcopy reads {stem}.{input} as other bytes than {stem}.bin"
            );
        }
        let header = run_in_dir(
            out.path(),
            "arm-none-eabi-readelf",
            &["-h", file("elf").to_str().unwrap()],
        );
        assert!(
            header.contains("Machine:                           ARM"),
            "{header}"
        );
        let booted = boot(triple, &file("elf"));
        assert!(
            booted.contains(&format!("{package} {}", version())),
            "{booted}"
        );
    }
}

/// What the firmware image `elf` prints when QEMU boots it, with the
/// runner `.cargo/config.toml` gives its target.
fn boot(triple: &str, elf: &Path) -> String {
    let targets = configured_targets();
    let target = targets.iter().find(|t| t["triple"] == triple).unwrap();
    let runner = target["cargo_config"]["runner"].as_str().unwrap();
    let mut words = runner.split_whitespace();
    let output = Command::new(words.next().unwrap())
        .args(words)
        .arg(elf)
        .output()
        .expect("the runner starts");
    succeed(output)
}

#[test]
fn a_firmware_target_among_the_hosted_ones_or_the_reverse_is_refused() {
    let copy = copy_of_workspace("firmware-mixed");
    let dir = copy.path();
    let (package, targets) = firmware_of(dir);
    let hosted = configured_triples()
        .into_iter()
        .find(|t| !targets.contains(t))
        .unwrap();
    edit_dist(dir, |dist| {
        let list = dist["targets"].as_array_mut().unwrap();
        list.push(targets[0].as_str());
    });
    assert_refused(
        dir,
        &["dist"],
        &[
            &targets[0],
            "is one of targets with no OS",
            "[workspace.metadata.dist.firmware]",
        ],
    );
    edit_dist(dir, |dist| {
        // Moved from the hosted list to the firmware's.
        let list = dist["targets"].as_array_mut().unwrap();
        list.retain(|t| ![targets[0].as_str(), hosted.as_str()].contains(&t.as_str().unwrap()));
        let firmware = dist["firmware"]["targets"].as_array_mut().unwrap();
        firmware.push(hosted.as_str());
    });
    assert_refused(dir, &["dist"], &[&hosted, "is one of targets with an OS"]);
    edit_dist(dir, |dist| {
        let firmware = dist["firmware"]["targets"].as_array_mut().unwrap();
        firmware.retain(|t| t.as_str() != Some(hosted.as_str()));
        dist["targets"]
            .as_array_mut()
            .unwrap()
            .push(hosted.as_str());
        dist.insert(
            "packages",
            toml_edit::value(toml_edit::Array::from_iter([
                shipped_package(dir)["name"].as_str().unwrap(),
                package.as_str(),
            ])),
        );
        dist.remove("package");
    });
    assert_refused(dir, &["dist"], &[&package, "named both"]);
}

#[test]
fn a_firmware_target_needs_a_firmware_package() {
    let copy = copy_of_workspace("firmware-none");
    let dir = copy.path();
    let (_, targets) = firmware_of(dir);
    edit_dist(dir, |dist| {
        dist.remove("firmware");
    });
    let before = std::fs::read(dir.join("Cargo.toml")).unwrap();
    assert_refused(
        dir,
        &["add-target", &targets[0]],
        &[
            "names no firmware package",
            "[workspace.metadata.dist.firmware]",
        ],
    );
    assert!(std::fs::read(dir.join("Cargo.toml")).unwrap() == before);
}

#[test]
#[ignore = "links the firmware; run by `cargo xtask ci`"]
fn a_memory_layout_too_small_for_the_image_is_refused_and_ships_nothing() {
    let copy = copy_of_workspace("firmware-flash");
    let dir = copy.path();
    let (package, targets) = firmware_of(dir);
    let layout = format!("{package}/memory/{}.x", targets[0]);
    let text = std::fs::read_to_string(dir.join(&layout)).unwrap();
    let small = text
        .lines()
        .map(|line| match line.trim_start().starts_with("FLASH") {
            true => format!("{}LENGTH = 2K", line.split("LENGTH").next().unwrap()),
            false => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join(&layout), small).unwrap();
    let out = dir.join("out");
    let output = xtask(
        dir,
        &[
            "dist",
            "--target",
            &targets[0],
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_fails_with(
        &output,
        &["does not fit its memory", "region FLASH", "LENGTH"],
    );
    assert!(artifacts_in(&out).is_empty(), "{:?}", artifacts_in(&out));
}

#[test]
#[ignore = "builds the firmware; run by `cargo xtask ci`"]
fn verify_refuses_a_bin_that_is_not_the_elf() {
    let (package, targets) = firmware_of(&repo_root());
    let out = Scratch::new("firmware-tampered");
    dist(out.path(), &[&targets[0]]);
    let bin = out
        .path()
        .join(format!("{package}-{}-{}.bin", version(), targets[0]));
    let mut bytes = std::fs::read(&bin).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&bin, bytes).unwrap();
    let output = xtask(&repo_root(), &["verify", out.path().to_str().unwrap()]);
    assert_fails_with(&output, &["differ from the loadable segments"]);
}
