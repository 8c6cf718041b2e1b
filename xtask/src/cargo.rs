//! How the xtask asks cargo to build, test and run for a target.
//!
//! Linkers and runners come from `.cargo/config.toml`, so the same command
//! typed by hand does the same thing.

use xshell::{Cmd, Shell, cmd};

use crate::targets::{Builder, TargetSpec};

/// The shipped crates: everything but the xtask, which only runs here.
pub const SHIPPED_CRATES: [&str; 3] = ["--workspace", "--exclude", "xtask"];

/// `cargo <subcommand> --target T`, or `cargo zigbuild --target T` in place
/// of `cargo build` for zig-linked targets.
pub fn command<'a>(sh: &'a Shell, spec: &TargetSpec, subcommand: &str) -> Cmd<'a> {
    let subcommand = match (spec.builder(), subcommand) {
        (Builder::Zigbuild, "build") => "zigbuild",
        _ => subcommand,
    };
    let triple = spec.triple;
    cmd!(sh, "cargo {subcommand} --target {triple}")
}
