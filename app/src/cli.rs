//! The command-line interface's definition, and nothing else: `build.rs`
//! compiles this same file to write the man page and shell completions, so
//! they always describe the program that ships with them.

use clap::{Arg, ArgAction, Command};

/// The interface, with `long_version` as what `--version` prints after the
/// program name.
pub fn command(long_version: &'static str) -> Command {
    Command::new(env!("CARGO_PKG_NAME"))
        .about(env!("CARGO_PKG_DESCRIPTION"))
        .version(long_version)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("info")
                .about("Print the OS's report on this machine")
                .arg(
                    Arg::new("json")
                        .long("json")
                        .action(ArgAction::SetTrue)
                        .help("Print JSON instead of text"),
                ),
        )
}
