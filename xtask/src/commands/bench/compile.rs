//! How long a fresh clone waits before the xtask runs: a cold debug build
//! of the xtask, against a cold build of the `regex` crate on the same
//! machine in the same run, each in a target folder of its own. The budget
//! is 6× regex.
//!
//! A shared CI machine's speed drifts by tens of percent from minute to
//! minute, so the two builds alternate, three times over, and the median
//! of the three ratios is the result. Beside the wall-clock ratio (the
//! budget's), the ratio of CPU time the builds used, which waiting for a
//! busy machine does not inflate, shows how much of a change is noise.

use std::time::Instant;

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

    let mut ratios = Vec::new();
    let mut cpu_ratios = Vec::new();
    println!("cold debug builds, fresh target folders, this machine:");
    for round in 1..=ROUNDS {
        let regex_dir = scratch.path().join(format!("regex-target-{round}"));
        let regex = timed(|| {
            cmd!(
                sh,
                "cargo build --quiet --manifest-path {manifest} --target-dir {regex_dir}"
            )
            .run()
        })?;
        let xtask_dir = scratch.path().join(format!("xtask-target-{round}"));
        let xtask = timed(|| {
            cmd!(
                sh,
                "cargo build --quiet --locked --package xtask --target-dir {xtask_dir}"
            )
            .run()
        })?;
        let ratio = xtask.wall / regex.wall;
        print!(
            "  round {round}: regex {REGEX} {:>5.1} s, xtask {:>5.1} s, ratio {ratio:.2}x",
            regex.wall, xtask.wall
        );
        ratios.push(ratio);
        if let (Some(regex_cpu), Some(xtask_cpu)) = (regex.cpu, xtask.cpu) {
            let cpu_ratio = xtask_cpu / regex_cpu;
            print!(" (CPU {regex_cpu:.1} s and {xtask_cpu:.1} s, {cpu_ratio:.2}x)");
            cpu_ratios.push(cpu_ratio);
        }
        println!();
        // Each round's folders go, so the disk holds one build at a time.
        let _ = std::fs::remove_dir_all(&regex_dir);
        let _ = std::fs::remove_dir_all(&xtask_dir);
    }
    println!(
        "  median ratio {:.2}x  (budget: 6.00x)",
        median(&mut ratios)
    );
    if !cpu_ratios.is_empty() {
        println!("  median CPU-time ratio {:.2}x", median(&mut cpu_ratios));
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// How many times each build runs.
const ROUNDS: usize = 3;

/// How long a build took, by the clock and, where /proc says, in CPU time
/// of the processes it ran.
struct Timing {
    wall: f64,
    cpu: Option<f64>,
}

fn timed(job: impl FnOnce() -> Result<(), xshell::Error>) -> Result<Timing> {
    let cpu_before = children_cpu_seconds();
    let start = Instant::now();
    job()?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = match (cpu_before, children_cpu_seconds()) {
        (Some(before), Some(after)) => Some(after - before),
        _ => None,
    };
    Ok(Timing { wall, cpu })
}

/// The user and system CPU time of this process's finished children
/// (`cutime` and `cstime`, fields 16 and 17 of `/proc/self/stat`, in clock
/// ticks of 1/100 s on Linux).
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold
    // spaces: the state is field 3.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |field: usize| fields.get(field - 3)?.parse::<f64>().ok();
    Some((ticks(16)? + ticks(17)?) / 100.0)
}
