//! What dist adds to cargo's own work: a dist of the configured targets
//! (or those `--target` selects) against the bare cargo builds of the
//! same binaries: the invocations of the same release plan.
//!
//! Both start cold, each in a target folder of its own, so that neither
//! reuses the other's builds. The dist runs first, as a child `cargo
//! xtask dist` with its own target folder, and prints its stages (build,
//! SBOM, smoke run, each format, image, installers, sums); zig's cache is
//! then warm for the bare builds, which favours them: if anything, the
//! ratio is overstated. The goal is 1.05x at most.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use xshell::cmd;

use crate::build::{cargo, reproducible};
use crate::plan::{self, BuildStep, PrintedBy, ReleasePlan, Selection, Work};
use crate::targets;
use crate::util::tempdir::TempDir;
use crate::workspace::Workspace;
use crate::workspace::config::Kind;

/// The ratio a dist should stay under.
const GOAL: f64 = 1.05;

/// Benchmarks a dist of `targets` (every configured one if none).
pub fn run(ws: &Workspace, targets: &[String]) -> Result<()> {
    let scratch = TempDir::new_in(&ws.config.target_dir, "bench-dist")?;
    cmd!(ws.sh, "cargo fetch --quiet --locked").run()?;
    let whole = cold_dist(ws, targets, scratch.path())?;
    let bare = bare_builds(ws, targets, &scratch.path().join("bare-target"))?;
    println!(
        "dist of {} {:.1} s, bare cargo builds of the same binaries {:.1} s: {:.3}x (goal: \
         {GOAL:.2}x; dist's stages are listed above)",
        match targets {
            [] => "the configured targets".to_owned(),
            _ => targets.join(", "),
        },
        whole.as_secs_f64(),
        bare.as_secs_f64(),
        whole.as_secs_f64() / bare.as_secs_f64().max(f64::EPSILON)
    );
    Ok(())
}

/// A whole `cargo xtask dist` of `targets` from a cold target folder,
/// sharing the installed tools; it prints its own stages.
fn cold_dist(ws: &Workspace, targets: &[String], scratch: &Path) -> Result<Duration> {
    let xtask = std::env::current_exe().context("cannot find the xtask's own executable")?;
    let (out, target_dir) = (scratch.join("release"), scratch.join("dist-target"));
    let selection: Vec<String> = targets.iter().map(|t| format!("--target={t}")).collect();
    let started = Instant::now();
    cmd!(ws.sh, "{xtask} dist --out {out} {selection...}")
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("XTASK_TOOLS_DIR", &ws.tools_dir)
        .run()
        .context("the benchmark's dist failed")?;
    Ok(started.elapsed())
}

/// Every cargo build the release plan of `targets` asks for, run bare
/// from a cold `target_dir`: the builds dist's time is measured against.
fn bare_builds(ws: &Workspace, targets: &[String], target_dir: &Path) -> Result<Duration> {
    let selection = Selection {
        targets,
        prebuilt: None,
        target_dir,
    };
    let (plan, _) = plan::make(ws, &selection)?;
    let _target_dir = ws.sh.push_env("CARGO_TARGET_DIR", target_dir);
    let mut took = Duration::ZERO;
    for (triple, kind, bins, invocation) in planned_builds(ws, &plan) {
        let spec = targets::lookup(triple).context("a planned target is in the table")?;
        reproducible::prepare_target_dir(target_dir, spec)?;
        let started = Instant::now();
        match kind {
            Kind::Web => drop(cargo::build_wasm_module(
                invocation.cmd(&ws.sh),
                spec,
                &bins[0],
            )?),
            _ => drop(cargo::build(invocation.cmd(&ws.sh), spec, bins)?),
        }
        took += started.elapsed();
    }
    Ok(took)
}

/// Each cargo build of `plan`: the target, the package's kind and
/// binaries, and the invocation.
fn planned_builds<'a>(
    ws: &'a Workspace,
    plan: &'a ReleasePlan,
) -> Vec<(&'a str, Kind, &'a [String], &'a cargo::Invocation)> {
    let package = |name: &str| ws.config.packages.iter().find(|p| p.name == name);
    let mut builds = Vec::new();
    for target in &plan.targets {
        let Work::Build { packages, .. } = &target.work else {
            continue;
        };
        for planned in packages {
            if let (BuildStep::Cargo(invocation), Some(package)) =
                (&planned.build, package(&planned.package))
            {
                builds.push((target.target, package.kind, &package.bins[..], invocation));
            }
        }
    }
    for docs in &plan.printed_docs {
        if let (PrintedBy::HostBuild(invocation), Some(package)) =
            (&docs.by, package(&docs.package))
        {
            builds.push((
                ws.toolchain.host.as_str(),
                package.kind,
                &package.bins[..],
                invocation,
            ));
        }
    }
    builds
}
