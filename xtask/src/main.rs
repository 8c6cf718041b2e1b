//! `cargo xtask`: this workspace's automation, written in Rust.
//!
//! Builds every configured target, runs each target's tests under the right
//! runner (natively, under qemu-user, wine or wasmtime), packages each into
//! checksummed, reproducible tar.gz / zip / .deb artifacts, plans and merges
//! releases built on several CI runners, and edits the workspace when a
//! target is added or the program renamed. It checks that the machine has
//! what each job takes, installing it if allowed. The configured targets are
//! listed once, in `[workspace.metadata.dist]` of the workspace `Cargo.toml`;
//! what the xtask knows about each triple is in [`target`].
//!
//! The xtask orchestrates and cargo does the work: linkers and runners come
//! from `.cargo/config.toml`, so `cargo test --target T` by hand behaves the
//! same as `cargo xtask test --target T`.

mod add_target;
mod archive;
mod atomic;
mod bench;
mod build;
mod checksum;
mod ci;
mod cli;
mod config;
mod deb;
mod dist;
mod doctor;
mod manifest;
mod merge;
mod plan;
mod provision;
mod rename;
mod report;
mod reproducible;
mod target;
mod targets;
mod tempdir;
mod test;
mod toml_file;
mod toolchain;
mod verify;
mod workspace;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Command;
use crate::workspace::Workspace;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let (sub, options) = match cli::parse(std::env::args_os().skip(1))? {
        Command::Help(None) => {
            print!("{}", cli::overview());
            return Ok(());
        }
        Command::Help(Some(sub)) => {
            print!("{}", sub.help());
            return Ok(());
        }
        Command::Run(sub, options) => (sub, options),
    };
    let ws = Workspace::load()?;
    match sub.name {
        "targets" => targets::run(&ws, options.json),
        "doctor" => doctor::run(&ws),
        "build" => build::run(&ws, &options),
        "test" => test::run(&ws, &options),
        "dist" => dist::run(&ws, &options),
        "plan" => plan::run(&ws, options.json),
        "merge" => {
            let parts: Vec<_> = options.args.iter().map(std::path::PathBuf::from).collect();
            let out = options
                .out
                .clone()
                .unwrap_or_else(|| dist::default_out_dir(&ws.config.target_dir));
            merge::run(&parts, &out)
        }
        "verify" => {
            let dir = match options.args.first() {
                Some(dir) => dir.into(),
                None => dist::default_out_dir(&ws.config.target_dir),
            };
            verify::run(&dir)
        }
        "rename" => rename::run(&ws, required_arg(sub, &options)?),
        "add-target" => add_target::add(&ws, required_arg(sub, &options)?),
        "remove-target" => add_target::remove(&ws, required_arg(sub, &options)?),
        "bench" => bench::run(&ws),
        "ci" => ci::run(&ws, &options),
        name => unreachable!("subcommand {name} is listed but not dispatched"),
    }
}

/// The one positional argument `sub` requires.
fn required_arg<'a>(sub: &cli::Subcommand, options: &'a cli::Options) -> Result<&'a str> {
    match options.args.first() {
        Some(arg) => Ok(arg),
        None => anyhow::bail!(
            "`cargo xtask {}` needs {}. See `cargo xtask {} --help`.",
            sub.name,
            sub.positional.unwrap_or("an argument"),
            sub.name
        ),
    }
}
