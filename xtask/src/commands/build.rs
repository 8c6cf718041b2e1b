//! `cargo xtask build`: compile the workspace for each selected target.

use anyhow::Result;

use crate::build::cargo;
use crate::cli::BuildArgs;
use crate::report::{Outcome, Report};
use crate::util::progress;
use crate::workspace::Workspace;
use crate::workspace::config::Configured;

pub fn run(ws: &Workspace, args: &BuildArgs) -> Result<()> {
    let targets = ws.select(&args.selection.targets)?;
    ws.provision(&targets, &[], args.install.no_install)?;
    let mut report = Report::default();
    for configured in targets {
        report.push(
            configured.triple(),
            build_one(ws, configured, &args.profile),
        );
    }
    report.finish("build")
}

fn build_one(ws: &Workspace, configured: &Configured, profile: &str) -> Outcome {
    let spec = configured.spec;
    if let Some(reason) = spec.built_elsewhere() {
        return Outcome::NotHere(reason);
    }
    progress::step(format_args!(
        "building {} ({profile}) with {}",
        spec.triple, spec.linker
    ));
    let build = cargo::command(&ws.sh, spec, "build")
        .args(ws.config.cargo_packages(spec))
        .args(["--profile", profile]);
    Outcome::of(cargo::run(build, spec), Outcome::Built)
}
