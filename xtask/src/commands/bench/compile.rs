//! How long a fresh clone waits before the xtask runs: a cold debug build
//! of the xtask, against a cold build of the `regex` crate on the same
//! machine in the same run, each in a target folder of its own. The budget
//! is 4× regex.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use xshell::cmd;

use crate::util::tempdir::TempDir;
use crate::workspace::Workspace;

/// The yardstick's version, so the ratio means the same from run to run.
const REGEX: &str = "=1.13.2";

pub fn run(ws: &Workspace) -> Result<()> {
    let sh = &ws.sh;
    let scratch = TempDir::new_in(&ws.config.target_dir, "bench-compile")?;
    let yardstick = scratch.path().join("yardstick");
    std::fs::create_dir_all(yardstick.join("src"))?;
    std::fs::write(
        yardstick.join("Cargo.toml"),
        format!(
            "[package]\nname = \"yardstick\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nregex = \"{REGEX}\"\n\n[workspace]\n"
        ),
    )?;
    std::fs::write(yardstick.join("src/main.rs"), "fn main() {}\n")?;
    let manifest = yardstick.join("Cargo.toml");
    // Downloads are not compile time: fetch first.
    cmd!(sh, "cargo fetch --quiet --manifest-path {manifest}")
        .run()
        .context("cannot fetch the regex crate from crates.io")?;
    cmd!(sh, "cargo fetch --quiet --locked").run()?;

    let regex_dir = scratch.path().join("regex-target");
    let regex = timed(|| {
        cmd!(
            sh,
            "cargo build --quiet --manifest-path {manifest} --target-dir {regex_dir}"
        )
        .run()
    })?;
    let xtask_dir = scratch.path().join("xtask-target");
    let xtask = timed(|| {
        cmd!(
            sh,
            "cargo build --quiet --locked --package xtask --target-dir {xtask_dir}"
        )
        .run()
    })?;
    println!("cold debug builds, fresh target folders, this machine:");
    println!("  regex {REGEX:<10} {:>6.1} s", regex.as_secs_f64());
    println!("  xtask            {:>6.1} s", xtask.as_secs_f64());
    println!(
        "  ratio            {:>6.2}x  (budget: 4.00x)",
        xtask.as_secs_f64() / regex.as_secs_f64()
    );
    Ok(())
}

fn timed(job: impl FnOnce() -> Result<(), xshell::Error>) -> Result<Duration> {
    let start = Instant::now();
    job()?;
    Ok(start.elapsed())
}
