//! `cargo xtask test`: run each target's tests where they can run.
//!
//! cargo does the work: `cargo test --target T` runs every test binary through
//! the runner that `.cargo/config.toml` gives T (qemu, wine). Targets nothing
//! here can run (macOS) have their tests compiled but not run, and the report
//! says so.

use anyhow::{Context, Result};

use crate::build::cargo;
use crate::cli::TestArgs;
use crate::machine::tools::find_program;
use crate::report::{Outcome, Report};
use crate::targets::{Runner, TargetSpec};
use crate::util::progress;
use crate::workspace::Workspace;
use crate::workspace::config::{Configured, Kind};

pub fn run(ws: &Workspace, args: &TestArgs) -> Result<()> {
    let targets = ws.select(&args.selection.targets)?;
    ws.provision(&targets, &[], args.install.no_install)?;
    let mut report = Report::default();
    for configured in targets {
        report.push(configured.triple(), test_one(ws, configured));
    }
    report.finish("test")
}

fn test_one(ws: &Workspace, configured: &Configured) -> Outcome {
    let spec = configured.spec;
    if let Some(reason) = spec.built_elsewhere() {
        return Outcome::NotHere(reason);
    }
    if let Some(why) = spec.build_only_reason() {
        progress::step(format_args!(
            "{}: build-only ({why}); compiling its tests",
            spec.triple
        ));
        let build = cargo::command(&ws.sh, spec, "build").arg("--all-targets");
        return Outcome::of(cargo::run(build, spec), Outcome::BuildOnly);
    }
    progress::step(format_args!("testing {} {}", spec.triple, spec.runner));
    let test = || cargo::command(&ws.sh, spec, "test").args(ws.config.cargo_packages(spec));
    if let Err(err) = cargo::run(test(), spec) {
        return Outcome::Failed(format!("{err:#}"));
    }
    if spec.runner == Runner::WasmBindgen {
        return Outcome::of(in_headless_chromium(ws, spec, test()), Outcome::Passed);
    }
    // The sample app's own report, through the same runner: the log shows
    // what the tests ran on (the emulated machine under qemu, Windows under
    // wine) and which compiler built its C. A display, not a test: your
    // own program may have no `info` command.
    // Its stdin is empty, so a program that reads it does not wait.
    let Some((_, shown)) = ws.config.packages_for(spec).next() else {
        return Outcome::Passed;
    };
    let (package, bin) = (&shown.name, &shown.bins[0]);
    // Firmware takes no arguments: booting it is its report.
    let args: &[&str] = match shown.kind {
        Kind::Firmware => &[],
        _ => &["info"],
    };
    let shown = cargo::command(&ws.sh, spec, "run")
        .args(["--quiet", "--package", package, "--bin", bin, "--"])
        .args(args)
        .stdin("")
        .run();
    if shown.is_err() {
        progress::detail(format_args!(
            "(`{bin}` did not run; the tests above are what counts)"
        ));
    }
    Outcome::Passed
}

/// The web packages' tests again, in headless Chromium: the same test
/// binaries, which wasm-bindgen-test-runner serves to the browser that
/// chromedriver starts, when `WASM_BINDGEN_USE_BROWSER` is set.
fn in_headless_chromium(ws: &Workspace, spec: &TargetSpec, test: xshell::Cmd<'_>) -> Result<()> {
    let driver = find_program(&ws.sh, "chromedriver").context(
        "chromedriver is not on PATH, and the web packages' tests run in Chromium through it: \
         install chromium and chromium-driver (`cargo xtask ci` or `cargo xtask doctor` does)",
    )?;
    progress::step(format_args!("testing {} in headless Chromium", spec.triple));
    cargo::run(
        test.env("WASM_BINDGEN_USE_BROWSER", "1")
            .env("CHROMEDRIVER", driver),
        spec,
    )
}
