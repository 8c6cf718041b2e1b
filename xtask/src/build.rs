//! `cargo xtask build`: compile the workspace for each selected target.

use anyhow::Result;
use xshell::{Cmd, Shell, cmd};

use crate::cli::Options;
use crate::config::Configured;
use crate::report::{Outcome, Report};
use crate::target::{Builder, TargetSpec};
use crate::workspace::Workspace;

/// The shipped crates: everything but the xtask, which only runs here.
pub const WORKSPACE: [&str; 3] = ["--workspace", "--exclude", "xtask"];

pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let targets = ws.select(&options.targets)?;
    ws.provision(&targets, options.no_install)?;
    let profile = options.profile.as_deref().unwrap_or("dev");
    let mut report = Report::default();
    for configured in targets {
        report.push(configured.triple(), build_one(ws, configured, profile));
    }
    report.finish("build")
}

fn build_one(ws: &Workspace, configured: &Configured, profile: &str) -> Outcome {
    let spec = configured.spec;
    eprintln!(
        "==> building {} ({profile}) with {}",
        spec.triple, spec.linker
    );
    let build = cargo(&ws.sh, spec, "build")
        .args(WORKSPACE)
        .args(["--profile", profile]);
    match build.run() {
        Ok(()) => Outcome::Built,
        Err(err) => Outcome::Failed(err.to_string()),
    }
}

/// `cargo <subcommand> --target T`, or `cargo zigbuild --target T` in place
/// of `cargo build` for zig-linked targets.
///
/// Linkers and runners come from `.cargo/config.toml`, so the same command
/// typed by hand does the same thing.
pub fn cargo<'a>(sh: &'a Shell, spec: &TargetSpec, subcommand: &str) -> Cmd<'a> {
    let subcommand = match (spec.builder(), subcommand) {
        (Builder::Zigbuild, "build") => "zigbuild",
        _ => subcommand,
    };
    let triple = spec.triple;
    cmd!(sh, "cargo {subcommand} --target {triple}")
}
