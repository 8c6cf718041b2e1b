//! The command line: which subcommand, with which options.
//!
//! Each subcommand is a row of [`SUBCOMMANDS`] naming the options it takes, so
//! parsing, validation and `--help` all read the same data.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Result, bail};

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print help: for one subcommand, or the overview.
    Help(Option<&'static Subcommand>),
    /// Run a subcommand.
    Run(&'static Subcommand, Options),
}

/// Everything a subcommand can be given. Which of these a subcommand accepts
/// is in its [`Subcommand::options`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--target T`, repeatable: act on these instead of every configured target.
    pub targets: Vec<String>,
    /// `--profile P`: the cargo profile to build with.
    pub profile: Option<String>,
    /// `--out DIR`: where artifacts go.
    pub out: Option<PathBuf>,
    /// `--json`: machine-readable output.
    pub json: bool,
    /// `--no-install`: report what is missing instead of installing it.
    pub no_install: bool,
    /// Positional arguments.
    pub args: Vec<String>,
}

/// One `cargo xtask` subcommand.
#[derive(Debug, PartialEq, Eq)]
pub struct Subcommand {
    pub name: &'static str,
    /// One line for the overview.
    pub about: &'static str,
    /// The options it accepts, by long name.
    pub options: &'static [&'static str],
    /// Positional arguments, as shown in usage (`[DIR]`), if any.
    pub positional: Option<&'static str>,
    /// How many positional arguments it takes at most.
    pub max_args: usize,
}

/// The options every subcommand may know, with their help text.
const OPTION_HELP: &[(&str, &str)] = &[
    (
        "target",
        "--target <TRIPLE>  Only this configured target (repeatable)",
    ),
    (
        "profile",
        "--profile <NAME>   Cargo profile to build with [default: dev]",
    ),
    (
        "out",
        "--out <DIR>        Where to write artifacts [default: target/distrib]",
    ),
    ("json", "--json             Print JSON"),
    (
        "no-install",
        "--no-install       Do not install missing tools; say what to run",
    ),
];

/// Every subcommand, in the order `--help` lists them.
pub const SUBCOMMANDS: &[Subcommand] = &[
    Subcommand {
        name: "targets",
        about: "List the configured targets and how each is built, tested and packaged",
        options: &["json"],
        positional: None,
        max_args: 0,
    },
    Subcommand {
        name: "doctor",
        about: "Check that this machine can build and test every configured target",
        options: &[],
        positional: None,
        max_args: 0,
    },
    Subcommand {
        name: "build",
        about: "Build configured targets, installing what is missing",
        options: &["target", "profile", "no-install"],
        positional: None,
        max_args: 0,
    },
    Subcommand {
        name: "test",
        about: "Run each target's tests under its runner (native, qemu, wine, wasmtime)",
        options: &["target", "no-install"],
        positional: None,
        max_args: 0,
    },
    Subcommand {
        name: "dist",
        about: "Build, smoke-run, package and checksum release artifacts",
        options: &["target", "out", "no-install"],
        positional: None,
        max_args: 0,
    },
    Subcommand {
        name: "plan",
        about: "The CI build matrix: which runner builds and tests each target",
        options: &["json"],
        positional: None,
        max_args: 0,
    },
    Subcommand {
        name: "merge",
        about: "Combine the output folders of several dists into one release",
        options: &["out"],
        positional: Some("PART..."),
        max_args: usize::MAX,
    },
    Subcommand {
        name: "verify",
        about: "Check a dist folder: checksums, archives, manifest [default: target/distrib]",
        options: &[],
        positional: Some("[DIR]"),
        max_args: 1,
    },
    Subcommand {
        name: "rename",
        about: "Rename the program: package, binary, Debian package, README, workflows",
        options: &[],
        positional: Some("NEW_NAME"),
        max_args: 1,
    },
    Subcommand {
        name: "add-target",
        about: "Configure a target: Cargo.toml, rust-toolchain.toml, .cargo/config.toml",
        options: &[],
        positional: Some("TRIPLE"),
        max_args: 1,
    },
    Subcommand {
        name: "remove-target",
        about: "Undo add-target: take a target out of all three files",
        options: &[],
        positional: Some("TRIPLE"),
        max_args: 1,
    },
    Subcommand {
        name: "bench",
        about: "Benchmark the packaging writers against tar, zip and dpkg-deb",
        options: &[],
        positional: None,
        max_args: 0,
    },
    Subcommand {
        name: "ci",
        about: "Everything CI checks: formatting, clippy, tests of every target, dist, verify",
        options: &["no-install"],
        positional: None,
        max_args: 0,
    },
];

impl Subcommand {
    /// The `--help` text of this subcommand.
    pub fn help(&self) -> String {
        let positional = self
            .positional
            .map(|arg| format!(" {arg}"))
            .unwrap_or_default();
        let mut text = format!(
            "{}\n\nUsage: cargo xtask {} [OPTIONS]{positional}\n\nOptions:\n",
            self.about, self.name
        );
        for (name, help) in OPTION_HELP {
            if self.options.contains(name) {
                text.push_str(&format!("  {help}\n"));
            }
        }
        text.push_str("  -h, --help         Print help\n");
        text
    }
}

/// The overview printed by `cargo xtask --help`.
pub fn overview() -> String {
    let mut text = String::from(
        "Build, test and package this workspace for every configured target.\n\n\
         Usage: cargo xtask <COMMAND> [OPTIONS]\n\nCommands:\n",
    );
    for sub in SUBCOMMANDS {
        text.push_str(&format!("  {:<14} {}\n", sub.name, sub.about));
    }
    text.push_str("\n`cargo xtask <COMMAND> --help` shows a command's options.\n");
    text
}

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let sub = match parser.next()? {
        None | Some(Long("help") | Short('h')) => return Ok(Command::Help(None)),
        Some(Value(name)) => {
            let name = name.string()?;
            let Some(sub) = SUBCOMMANDS.iter().find(|sub| sub.name == name) else {
                bail!(
                    "`{name}` is not an xtask command. Run `cargo xtask --help` to see the commands."
                );
            };
            sub
        }
        Some(other) => bail!(
            "{}. The command comes first: `cargo xtask <COMMAND> [OPTIONS]`.",
            other.unexpected()
        ),
    };

    let mut options = Options::default();
    while let Some(arg) = parser.next()? {
        let name = match &arg {
            Long("help") | Short('h') => return Ok(Command::Help(Some(sub))),
            Long(name) => *name,
            Value(value) if options.args.len() < sub.max_args => {
                options.args.push(value.clone().string()?);
                continue;
            }
            _ => bail!(
                "{} for `cargo xtask {}`; see its --help.",
                arg.unexpected(),
                sub.name
            ),
        };
        if !sub.options.contains(&name) {
            bail!(
                "`cargo xtask {}` does not take --{name}; see `cargo xtask {} --help`.",
                sub.name,
                sub.name
            );
        }
        match name {
            "target" => options.targets.push(parser.value()?.string()?),
            "profile" => options.profile = Some(parser.value()?.string()?),
            "out" => options.out = Some(parser.value()?.into()),
            "json" => options.json = true,
            "no-install" => options.no_install = true,
            _ => unreachable!("--{name} is listed for a subcommand but not parsed"),
        }
    }
    Ok(Command::Run(sub, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command> {
        parse(line.split_whitespace().map(OsString::from))
    }

    fn options_of(line: &str) -> Options {
        match parse_str(line).unwrap() {
            Command::Run(_, options) => options,
            Command::Help(_) => panic!("{line} parsed as help"),
        }
    }

    #[test]
    fn repeated_targets_accumulate() {
        let options = options_of("build --target a --target=b --profile dist");
        assert_eq!(options.targets, ["a", "b"]);
        assert_eq!(options.profile.as_deref(), Some("dist"));
    }

    #[test]
    fn help_is_per_subcommand() {
        let Command::Help(Some(sub)) = parse_str("test --help").unwrap() else {
            panic!("expected help");
        };
        assert_eq!(sub.name, "test");
        assert!(sub.help().contains("--target <TRIPLE>"));
        assert!(!sub.help().contains("--profile"));
        assert_eq!(parse_str("").unwrap(), Command::Help(None));
    }

    #[test]
    fn options_of_other_subcommands_are_refused() {
        let err = parse_str("test --profile dist").unwrap_err().to_string();
        assert!(err.contains("does not take --profile"), "{err}");
    }

    #[test]
    fn unknown_subcommand_is_named() {
        let err = parse_str("bulid").unwrap_err().to_string();
        assert!(err.contains("`bulid` is not an xtask command"), "{err}");
    }

    #[test]
    fn missing_option_value_is_an_error() {
        assert!(parse_str("build --target").is_err());
    }

    #[test]
    fn stray_positional_is_refused() {
        assert!(parse_str("targets extra").is_err());
    }

    #[test]
    fn every_listed_option_has_help() {
        for sub in SUBCOMMANDS {
            for option in sub.options {
                assert!(
                    OPTION_HELP.iter().any(|(name, _)| name == option),
                    "--{option}"
                );
            }
        }
    }
}
