//! `cargo xtask`: this workspace's automation, written in Rust.
//!
//! Builds every configured target, runs each target's tests under the right
//! runner (natively, under qemu-user, wine or wasmtime), packages each into
//! checksummed, reproducible artifacts (tar.gz, zip, .deb, .rpm, SBOMs, a
//! universal macOS binary, install.sh, Homebrew and Scoop installers, man
//! pages and completions), signs and verifies them, plans and merges
//! releases built on several CI runners (GitHub and GitLab), and edits the
//! workspace when a target is added or removed or the program renamed; `init`
//! brings all of it into an existing project. It checks that the machine
//! has what each job takes, installing it if allowed.
//!
//! The folders say what it is made of:
//! - [`cli`]: the command line, as types; [`commands`]: one module per
//!   subcommand;
//! - [`targets`]: what the xtask knows about each triple, as data;
//! - [`workspace`]: the configuration in `Cargo.toml`, and edits to it;
//! - [`machine`]: the build machine's toolchain and tools, and installing
//!   what is missing;
//! - the pipeline of a release, in order: plan → build → check → package →
//!   release. [`plan`] decides everything that needs no build, refusals
//!   included, into one value (`dist --dry-run` prints it); [`build`]
//!   makes the release binaries (cargo,
//!   flags, reproducibility); [`binary`] reads and checks them (ELF,
//!   Mach-O, headers, signatures); [`formats`] packs them (tar.gz, zip,
//!   .deb, .rpm, man pages); [`release`] makes the artifacts one release
//!   (names, SBOMs, installers, checksums, manifest, signing, publishing,
//!   verifying);
//! - [`report`]: the per-target summary that build, test and dist end
//!   with;
//! - [`pins`]: the exact version of every tool the xtask installs;
//! - [`vocab`]: the types every part shares (artifact formats, tools,
//!   pinned versions), in a leaf module that does no work;
//! - [`util`]: small helpers: atomic writes, hex digests, temporary
//!   folders, did-you-mean.
//!
//! The xtask orchestrates and cargo does the work: linkers and runners come
//! from `.cargo/config.toml`, so `cargo test --target T` by hand behaves the
//! same as `cargo xtask test --target T`.

mod binary;
mod build;
mod cli;
mod commands;
mod formats;
mod machine;
mod pins;
mod plan;
mod release;
mod report;
mod targets;
mod util;
mod vocab;
mod workspace;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, Command};
use crate::commands::{
    add_target, bench, ci, dist, doctor, init, merge, remove_target, rename, test, verify,
};
use crate::workspace::Workspace;

fn main() -> ExitCode {
    die_quietly_on_closed_pipe();
    let cli = Cli::parse();
    util::progress::set_quiet(cli.quiet);
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask targets | head -1` closes the pipe early. Rust ignores
/// SIGPIPE, so the next `println!` would panic; with the signal's default
/// action the xtask ends quietly, as `cat` or `ls` would (status 141 in the
/// shell; `cargo run` execs the xtask, so nothing stands between).
fn die_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default, before any
    // thread is started, is async-signal-safe and affects only this process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(command: Command) -> Result<()> {
    // A downloaded release is verified without a toolchain or a workspace.
    if let Command::Verify(args) = &command {
        return verify::run(Workspace::load, args);
    }
    let ws = Workspace::load()?;
    match command {
        Command::Targets(args) => commands::targets::run(&ws, &args),
        Command::Doctor => doctor::run(&ws),
        Command::Build(args) => commands::build::run(&ws, &args),
        Command::Test(args) => test::run(&ws, &args),
        Command::Dist(args) => dist::run(&ws, &args),
        Command::Plan(args) => commands::plan::run(&ws, &args),
        Command::Merge(args) => merge::run(&ws, &args),
        Command::Verify(_) => unreachable!("verify runs without loading the workspace first"),
        Command::Rename(args) => rename::run(&ws, &args),
        Command::AddTarget(args) => add_target::run(&ws, &args),
        Command::RemoveTarget(args) => remove_target::run(&ws, &args),
        Command::Init(args) => init::run(&ws, &args),
        Command::Wxs(args) => commands::wxs::run(&ws, &args),
        Command::Bench(args) => bench::run(&ws, &args),
        Command::Ci(args) => ci::run(&ws, &args),
        Command::Book(args) => commands::book::run(&ws, &args),
    }
}
