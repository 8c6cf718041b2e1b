//! The Python wheels, read by PyPA's own tools: `python -m wheel unpack`
//! checks every file against RECORD, auditwheel says which manylinux or
//! musllinux tag a Linux wheel's binary is consistent with (it must be the
//! one in its name), and pip installs the build machine's wheel into a
//! fresh virtual environment, where the command it installs runs.

use super::*;

/// The tools environment's Python, which `cargo xtask ci` gives auditwheel
/// and wheel.
fn tools_python() -> PathBuf {
    std::env::var_os("XTASK_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/xtask-tools"))
        .join("bin/python3")
}

/// The platform tag in a wheel's file name (`…-py3-none-<tag>.whl`).
fn platform_tag(wheel: &Path) -> String {
    let name = wheel.file_name().unwrap().to_str().unwrap();
    let stem = name.strip_suffix(".whl").unwrap();
    stem.rsplit('-').next().unwrap().to_owned()
}

#[test]
#[ignore = "needs auditwheel and wheel from PyPI, which `cargo xtask ci` installs; run by `cargo xtask ci`"]
fn wheels_unpack_against_their_record_and_linux_tags_fit_the_binary() {
    let wheels = artifacts("whl");
    assert!(!wheels.is_empty(), "no wheel in the release");
    for (wheel, _) in &wheels {
        let out = Scratch::new("wheel-unpack");
        let said = run(Command::new(tools_python())
            .args(["-m", "wheel", "unpack", "-d"])
            .arg(out.path())
            .arg(wheel));
        assert!(said.contains("OK"), "{said}");
        let tag = platform_tag(wheel);
        if tag.starts_with("manylinux") || tag.starts_with("musllinux") {
            let shown = run(Command::new(tools_python())
                .args(["-m", "auditwheel", "show"])
                .arg(wheel));
            let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                shown.contains(&format!(
                    "consistent with the following platform tag: \"{tag}\""
                )),
                "{}: {shown}",
                wheel.display()
            );
        }
    }
}

#[test]
#[ignore = "installs a wheel with pip; run by `cargo xtask ci`"]
fn pip_installs_the_build_machines_wheel_and_its_command_runs() {
    let wheels = artifacts("whl");
    let Some((wheel, target)) = wheels
        .iter()
        .find(|(_, target)| target["runner"] == "native")
    else {
        eprintln!("skipped: no configured target runs natively here");
        return;
    };
    let venv = Scratch::new("wheel-venv");
    run(Command::new(tools_python())
        .args(["-m", "venv"])
        .arg(venv.path()));
    run(Command::new(venv.path().join("bin/pip"))
        .args(["install", "--no-index", "--disable-pip-version-check"])
        .arg(wheel));
    let triple = target["triple"].as_str().unwrap();
    let said = run(Command::new(venv.path().join("bin").join(app())).arg("--version"));
    assert!(said.contains(&version_line(triple)), "{said}");
}
