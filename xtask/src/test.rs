//! `cargo xtask test`: run each target's tests where they can run.
//!
//! cargo does the work: `cargo test --target T` runs every test binary through
//! the runner that `.cargo/config.toml` gives T (qemu, wine). Targets nothing
//! here can run (macOS) have their tests compiled but not run, and the report
//! says so.

use anyhow::Result;

use crate::build;
use crate::cli::Options;
use crate::config::Configured;
use crate::report::{Outcome, Report};
use crate::workspace::Workspace;

pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let targets = ws.select(&options.targets)?;
    ws.provision(&targets, options.no_install)?;
    let mut report = Report::default();
    for configured in targets {
        report.push(configured.triple(), test_one(ws, configured));
    }
    report.finish("test")
}

fn test_one(ws: &Workspace, configured: &Configured) -> Outcome {
    let spec = configured.spec;
    if !spec.is_runnable() {
        eprintln!(
            "==> {}: build-only; compiling its tests, which nothing here can run",
            spec.triple
        );
        return match build::cargo(&ws.sh, spec, "build")
            .arg("--all-targets")
            .run()
        {
            Ok(()) => Outcome::BuildOnly,
            Err(err) => Outcome::Failed(err.to_string()),
        };
    }
    eprintln!("==> testing {} {}", spec.triple, spec.runner);
    if let Err(err) = build::cargo(&ws.sh, spec, "test")
        .args(build::WORKSPACE)
        .run()
    {
        return Outcome::Failed(err.to_string());
    }
    // The app's own report, through the same runner: the log shows what the
    // tests ran on (the emulated machine under qemu, Windows under wine).
    let package = &ws.config.package.name;
    let triple = spec.triple;
    let shown = xshell::cmd!(
        ws.sh,
        "cargo run --quiet --target {triple} --package {package} -- info"
    )
    .run();
    match shown {
        Ok(()) => Outcome::Passed,
        Err(err) => Outcome::Failed(err.to_string()),
    }
}
