//! What dist adds to cargo's own work: a dist of the configured targets
//! against the bare cargo builds of the same binaries, with the same
//! profile, features and flags.
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

use crate::build::reproducible;
use crate::commands::dist;
use crate::util::tempdir::TempDir;
use crate::workspace::Workspace;

/// The ratio a dist should stay under.
const GOAL: f64 = 1.05;

pub fn run(ws: &Workspace) -> Result<()> {
    let scratch = TempDir::new_in(&ws.config.target_dir, "bench-dist")?;
    cmd!(ws.sh, "cargo fetch --quiet --locked").run()?;
    let whole = cold_dist(ws, scratch.path())?;
    let bare = bare_builds(ws, &scratch.path().join("bare-target"))?;
    println!(
        "dist of the configured targets {:.1} s, bare cargo builds of the same binaries {:.1} s: \
         {:.3}x (goal: {GOAL:.2}x; dist's stages are listed above)",
        whole.as_secs_f64(),
        bare.as_secs_f64(),
        whole.as_secs_f64() / bare.as_secs_f64().max(f64::EPSILON)
    );
    Ok(())
}

/// A whole `cargo xtask dist` from a cold target folder, sharing the
/// installed tools; it prints its own stages.
fn cold_dist(ws: &Workspace, scratch: &Path) -> Result<Duration> {
    let xtask = std::env::current_exe().context("cannot find the xtask's own executable")?;
    let (out, target_dir) = (scratch.join("release"), scratch.join("dist-target"));
    let started = Instant::now();
    cmd!(ws.sh, "{xtask} dist --out {out}")
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("XTASK_TOOLS_DIR", &ws.tools_dir)
        .run()
        .context("the benchmark's dist failed")?;
    Ok(started.elapsed())
}

/// The release build of every shipped package for every configured target
/// dist builds here, as dist asks cargo for it, from a cold `target_dir`.
fn bare_builds(ws: &Workspace, target_dir: &Path) -> Result<Duration> {
    let _target_dir = ws.sh.push_env("CARGO_TARGET_DIR", target_dir);
    let mut took = Duration::ZERO;
    for configured in ws.select(&[])? {
        if dist::why_not_here(ws, configured, None)?.is_some() {
            continue;
        }
        let flags = reproducible::release_flags(&ws.config.root, target_dir, configured.spec)?;
        for (_, package) in ws.config.packages_for(configured.spec) {
            let started = Instant::now();
            dist::build_release_binaries(ws, package, configured, &flags)?;
            took += started.elapsed();
        }
    }
    Ok(took)
}
