//! The command line, as types: one [`Command`] per subcommand, each with the
//! arguments it takes. clap parses it and writes `--help`, the errors and
//! the did-you-mean suggestions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Build, test and package this workspace for every configured target.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    disable_help_subcommand = true,
    after_help = "`cargo xtask <COMMAND> --help` shows a command's options."
)]
pub struct Cli {
    /// Print only errors and the final summary: no progress lines, and
    /// none of cargo's
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand, in the order `--help` lists them.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the configured targets and how each is built, tested and packaged
    Targets(TargetsArgs),
    /// Check that this machine can build and test every configured target
    Doctor,
    /// Build configured targets, installing what is missing
    Build(BuildArgs),
    /// Run each target's tests under its runner (native, qemu, wine, wasmtime)
    Test(TestArgs),
    /// Build, smoke-run, package and checksum release artifacts
    Dist(DistArgs),
    /// The CI build matrix: which runner builds and tests each target
    Plan(PlanArgs),
    /// Combine the output folders of several dists into one release
    Merge(MergeArgs),
    /// Print the WiX source a Windows target's .msi is built from
    Wxs(WxsArgs),
    /// Check a dist folder: checksums, archives, manifest
    Verify(VerifyArgs),
    /// Rename the program: package, binary, Debian package, README, workflows
    Rename(RenameArgs),
    /// Configure a target: Cargo.toml, rust-toolchain.toml, .cargo/config.toml
    AddTarget(TripleArg),
    /// Undo add-target: take a target out of all three files
    RemoveTarget(TripleArg),
    /// Bring this template's release machinery into an existing Cargo project, or upgrade it
    Init(InitArgs),
    /// Benchmark packaging against tar, zip and dpkg-deb, the xtask's compile time, and dist against bare cargo builds
    Bench(BenchArgs),
    /// Everything CI checks: formatting, clippy, tests of every target, dist, verify
    Ci(InstallPolicy),
    /// Write the book's reference pages the code can produce (configuration keys, commands, targets)
    Book(BookArgs),
}

/// `--target`, for commands that act on some of the configured targets.
#[derive(Debug, Args)]
pub struct TargetSelection {
    /// Only this configured target (repeatable) [default: every configured target]
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
}

/// `--no-install`, for commands that install what is missing.
#[derive(Debug, Args)]
pub struct InstallPolicy {
    /// Do not install missing tools; say what to run
    #[arg(long)]
    pub no_install: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project's folder (its workspace root, or any package in it)
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// A target to configure (repeatable) [default: the project's, else the
    /// build machine's and the usual Linux, Windows and macOS ones]
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
    /// The release pipeline to install: GitHub Actions'
    /// .github/workflows/release.yml, GitLab's .gitlab-ci.yml (its dist
    /// matrix listing the project's targets), or none [default: the one an
    /// earlier init installed, else github]
    #[arg(long, value_enum, value_name = "CI")]
    pub ci: Option<Pipeline>,
}

/// The CI services whose release pipeline `init` installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Pipeline {
    Github,
    Gitlab,
    None,
}

#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// Every target the table knows on this build machine, configured or not
    #[arg(long)]
    pub known: bool,
    #[command(flatten)]
    pub output: JsonOutput,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub output: JsonOutput,
    /// Fail unless .gitlab-ci.yml's dist matrix lists exactly the configured targets
    #[arg(long, conflicts_with = "write_gitlab")]
    pub check_gitlab: bool,
    /// Rewrite .gitlab-ci.yml's dist matrix to list the configured targets
    #[arg(long)]
    pub write_gitlab: bool,
}

#[derive(Debug, Args)]
pub struct BookArgs {
    /// Write nothing; fail if a committed page differs from what the code produces
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct JsonOutput {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub selection: TargetSelection,
    /// Cargo profile to build with
    #[arg(long, value_name = "NAME", default_value = "dev")]
    pub profile: String,
    #[command(flatten)]
    pub install: InstallPolicy,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub selection: TargetSelection,
    #[command(flatten)]
    pub install: InstallPolicy,
}

#[derive(Debug, Args)]
pub struct DistArgs {
    #[command(flatten)]
    pub selection: TargetSelection,
    /// Where to write artifacts [default: target/distrib]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Package the binaries in DIR, built on another machine, instead of
    /// building (an MSVC target's, built on Windows); one --target
    #[arg(long, value_name = "DIR")]
    pub prebuilt: Option<PathBuf>,
    /// Print the release plan (every build, check and artifact) and stop,
    /// building and installing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run, print the plan as JSON
    #[arg(long, requires = "dry_run")]
    pub json: bool,
    #[command(flatten)]
    pub install: InstallPolicy,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The output folders of `cargo xtask dist --out PART` runs
    #[arg(value_name = "PART", required = true)]
    pub parts: Vec<PathBuf>,
    /// Where to write the merged release [default: target/distrib]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Check the parts and print what merging them makes, writing nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct WxsArgs {
    /// The configured Windows target [default: the first with an .msi]
    #[arg(long = "target", value_name = "TRIPLE")]
    pub target: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The dist folder to check [default: target/distrib]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Also check SHA256SUMS.minisig with this minisign public key (its
    /// base64 text, or a .pub file)
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Also check that Authenticode signatures chain to this CA certificate (PEM)
    #[arg(long, value_name = "FILE")]
    pub windows_ca: Option<PathBuf>,
    /// Also smoke-run each binary of the tarballs this machine runs natively
    /// (a Mac checking the macOS binaries built on Linux)
    #[arg(long)]
    pub run: bool,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The program's new name: lowercase letters, digits and `-`
    #[arg(value_name = "NEW_NAME")]
    pub new_name: String,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Run only this benchmark [default: all]
    #[arg(value_enum)]
    pub only: Option<Benchmark>,
    /// For `dist`: only this configured target (repeatable) [default: every
    /// configured target]
    #[command(flatten)]
    pub selection: TargetSelection,
}

/// The benchmarks `cargo xtask bench` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Benchmark {
    /// The xtask's archive and .deb writers against tar, zip and dpkg-deb
    Packaging,
    /// A cold debug build of the xtask against one of the regex crate
    Compile,
    /// A cold dist of the configured targets against the bare cargo builds
    Dist,
}

#[derive(Debug, Args)]
pub struct TripleArg {
    /// A target triple, as `rustc --print target-list` spells it
    #[arg(value_name = "TRIPLE")]
    pub triple: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn repeated_targets_accumulate() {
        let cli = Cli::try_parse_from(["xtask", "build", "--target", "a", "--target=b"]).unwrap();
        let Command::Build(args) = cli.command else {
            panic!("parsed as {:?}", cli.command);
        };
        assert_eq!(args.selection.targets, ["a", "b"]);
        assert_eq!(args.profile, "dev");
    }
}
