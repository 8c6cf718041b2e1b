//! `cargo xtask bench`: benchmarks, which print numbers and fail only when
//! something cannot be measured. Not tests: speed goals live here and in
//! closing notes, not in assertions.
//!
//! - [`packaging`]: the xtask's tar.gz, zip and .deb writers against the
//!   command-line tools;
//! - [`compile`]: a cold debug build of the xtask against a cold build of
//!   the `regex` crate, the budget every fresh clone pays first;
//! - [`dist`]: a cold dist of the configured targets against the bare
//!   cargo builds of the same binaries, stage by stage.

mod compile;
mod dist;
mod packaging;

use anyhow::Result;

use crate::cli::{BenchArgs, Benchmark};
use crate::workspace::Workspace;

/// The dist benchmark of `targets` alone: `cargo xtask ci` runs it for
/// one target, so that it cannot break unseen.
pub fn dist_of(ws: &Workspace, targets: &[String]) -> Result<()> {
    dist::run(ws, targets)
}

pub fn run(ws: &Workspace, args: &BenchArgs) -> Result<()> {
    let all = args.only.is_none();
    if all || args.only == Some(Benchmark::Packaging) {
        packaging::run(ws)?;
    }
    if all || args.only == Some(Benchmark::Compile) {
        compile::run(ws)?;
    }
    if all || args.only == Some(Benchmark::Dist) {
        dist::run(ws, &args.selection.targets)?;
    }
    Ok(())
}
