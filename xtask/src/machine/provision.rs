//! Installing what the selected targets need: Rust standard libraries with
//! rustup, system packages with apt, Python tools with pip into the xtask's
//! own virtual environment, and the odd Rust tool with `cargo install` into
//! that same folder.
//!
//! Nothing is installed without saying what and why. Without permission to
//! install (`--no-install`, or not root and no passwordless sudo) the xtask
//! stops before building and prints the commands to run instead. The
//! commands it prints and the commands it runs are the same [`InstallStep`]s.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::machine::toolchain::Toolchain;
use crate::machine::tools;
use crate::targets::TargetSpec;
use crate::util::atomic;
use crate::util::progress;
use crate::vocab::{Pin, Probe, Role, Source, Tool};

/// What is missing for a set of targets, grouped by installer. Each entry
/// maps what to install to the targets (or reasons) that need it.
#[derive(Debug, Default)]
pub struct Missing {
    pub rust_std: Vec<&'static str>,
    /// Debian packages, as apt names them (`libudev-dev:arm64`).
    pub apt: BTreeMap<String, Vec<&'static str>>,
    /// The architectures dpkg must be told of first, for packages of
    /// theirs (`dpkg --add-architecture arm64`).
    pub foreign_architectures: Vec<String>,
    pub pip: Vec<(&'static Pin, Vec<&'static str>)>,
    pub cargo: Vec<(&'static Pin, Vec<&'static str>)>,
    pub npm: Vec<(&'static Pin, Vec<&'static str>)>,
}

impl Missing {
    /// Looks at the machine for each target's standard library and tools,
    /// for `extra` tools needed for the reason given beside each (e.g.
    /// CI's artifact checks), and for the Debian packages a program's
    /// build needs (`system`).
    pub fn find(
        sh: &Shell,
        tools_dir: &Path,
        toolchain: &Toolchain,
        targets: &[&TargetSpec],
        (extra, system): (&[(Tool, &'static str)], &[SystemPackage]),
    ) -> Missing {
        let mut missing = Missing::default();
        missing.add_system_packages(sh, system);
        for (tool, why) in extra {
            if !tools::is_present(sh, tools_dir, tool) {
                missing.add(*tool, why);
            }
        }
        for &spec in targets {
            if !toolchain.has_std(spec.triple) {
                missing.rust_std.push(spec.triple);
            }
            for tool in tools::missing_tools(sh, tools_dir, spec) {
                missing.add(tool, spec.triple);
            }
        }
        if !missing.pip.is_empty() {
            // pip tools go into a virtual environment; Debian's python3
            // needs python3-venv for that.
            let venv = Tool {
                role: Role::Linker,
                probe: Probe::PythonModule("ensurepip"),
                source: Source::Apt("python3-venv"),
            };
            if !tools::is_present(sh, tools_dir, &venv) {
                let needers: Vec<_> = missing
                    .pip
                    .iter()
                    .flat_map(|(_, needers)| needers.iter().copied())
                    .collect();
                for needer in needers {
                    missing.add(venv, needer);
                }
            }
        }
        missing
    }

    fn add(&mut self, tool: Tool, needer: &'static str) {
        let needers = match tool.source {
            Source::Apt(package) => self.apt.entry(package.to_owned()).or_default(),
            Source::Pip(pin) => needers_of(&mut self.pip, pin),
            Source::Cargo(pin) => needers_of(&mut self.cargo, pin),
            Source::Npm(pin) => needers_of(&mut self.npm, pin),
        };
        if !needers.contains(&needer) {
            needers.push(needer);
        }
    }

    /// The packages of `system` that dpkg does not have installed, and the
    /// architectures it is not told of yet.
    fn add_system_packages(&mut self, sh: &Shell, system: &[SystemPackage]) {
        let known = cmd!(sh, "dpkg --print-foreign-architectures")
            .quiet()
            .read()
            .unwrap_or_default();
        for package in system {
            if package.is_installed(sh) {
                continue;
            }
            if let Some(arch) = &package.foreign_architecture
                && !known.lines().any(|line| line == arch)
                && !self.foreign_architectures.contains(arch)
            {
                self.foreign_architectures.push(arch.clone());
            }
            let needers = self.apt.entry(package.apt_name.clone()).or_default();
            if !needers.contains(&package.needed_by) {
                needers.push(package.needed_by);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rust_std.is_empty()
            && self.apt.is_empty()
            && self.pip.is_empty()
            && self.cargo.is_empty()
            && self.npm.is_empty()
    }

    /// One line naming what is missing.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for triple in &self.rust_std {
            parts.push(format!("the {triple} standard library"));
        }
        parts.extend(self.apt.keys().map(|package| format!("{package} (apt)")));
        parts.extend(self.pip.iter().map(|(pin, _)| Source::Pip(pin).to_string()));
        parts.extend(
            self.cargo
                .iter()
                .map(|(pin, _)| Source::Cargo(pin).to_string()),
        );
        parts.extend(self.npm.iter().map(|(pin, _)| Source::Npm(pin).to_string()));
        parts.join(", ")
    }

    /// The commands that install everything missing, in order.
    pub fn steps(&self, tools_dir: &Path) -> Vec<InstallStep> {
        let mut steps = Vec::new();
        if !self.rust_std.is_empty() {
            steps.push(InstallStep::new(
                format!("the Rust standard library for {}", self.rust_std.join(", ")),
                "rustup",
                ["target", "add"]
                    .into_iter()
                    .chain(self.rust_std.iter().copied()),
            ));
        }
        steps.extend(self.apt_steps());
        steps.extend(self.pip_steps(tools_dir));
        let dir = tools_dir.display().to_string();
        for (pin, needers) in &self.cargo {
            steps.push(InstallStep::new(
                format!(
                    "{pin} from crates.io into {dir} ({}; this compiles it)",
                    needed_by(needers)
                ),
                "cargo",
                // Unoptimized and without debug info: these are tools a
                // test runs for a moment, and a release profile's fat LTO
                // (cargo-generate's) costs a fresh CI minutes.
                [
                    "install",
                    "--quiet",
                    "--locked",
                    "--debug",
                    "--config",
                    "profile.dev.debug=false",
                    "--root",
                    dir.as_str(),
                    &pin.crate_spec(),
                ],
            ));
        }
        for (pin, needers) in &self.npm {
            steps.push(InstallStep::new(
                format!("{pin} from npm into {dir} ({})", needed_by(needers)),
                "npm",
                [
                    "install",
                    "--global",
                    "--prefix",
                    dir.as_str(),
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    &pin.crate_spec(),
                ],
            ));
        }
        steps
    }

    /// dpkg told of each foreign architecture, `apt-get update`, then one
    /// `apt-get install` of every package.
    fn apt_steps(&self) -> Vec<InstallStep> {
        if self.apt.is_empty() {
            return Vec::new();
        }
        let packages: Vec<&str> = self.apt.keys().map(String::as_str).collect();
        let why: Vec<String> = self
            .apt
            .iter()
            .map(|(package, needers)| format!("{package} ({})", needed_by(needers)))
            .collect();
        let architectures = self.foreign_architectures.iter().map(|arch| {
            InstallStep::new(
                format!("dpkg's {arch} architecture, for the libraries of that target"),
                "dpkg",
                ["--add-architecture", arch.as_str()],
            )
            .needing_root()
        });
        architectures
            .chain([
                InstallStep::new("the apt package lists", "apt-get", ["update", "-q"])
                    .needing_root(),
                InstallStep::new(
                    format!("with apt: {}", why.join(", ")),
                    "apt-get",
                    ["install", "-y", "-q", "--no-install-recommends"]
                        .into_iter()
                        .chain(packages),
                )
                .needing_root(),
            ])
            .collect()
    }

    /// A virtual environment in `tools_dir` if there is none, then one pip
    /// install of every pinned package, hashes checked.
    fn pip_steps(&self, tools_dir: &Path) -> Vec<InstallStep> {
        if self.pip.is_empty() {
            return Vec::new();
        }
        let mut steps = Vec::new();
        let dir = tools_dir.display().to_string();
        if !tools_dir.join("bin/python3").exists() {
            steps.push(InstallStep::new(
                format!("a Python environment for the xtask's tools in {dir}"),
                "python3",
                ["-m", "venv", dir.as_str()],
            ));
        }
        let why: Vec<String> = self
            .pip
            .iter()
            .map(|(pin, needers)| format!("{pin} ({})", needed_by(needers)))
            .collect();
        let pip = tools_dir.join("bin/pip").display().to_string();
        // pip takes hashes only from a requirements file.
        let requirements = tools_dir.join("requirements.txt");
        let lines: String = self
            .pip
            .iter()
            .map(|(pin, _)| pin.requirement_line() + "\n")
            .collect();
        let file = requirements.display().to_string();
        let mut step = InstallStep::new(
            format!("from PyPI into {dir}: {}", why.join(", ")),
            &pip,
            [
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "--no-deps",
                "--requirement",
                file.as_str(),
            ],
        );
        step.writes = Some((requirements, lines));
        steps.push(step);
        steps
    }

    /// The install commands, one per line, indented, as a user would type
    /// them on a machine where they are `privilege`.
    ///
    /// Writes the files the commands read (a pip requirements file), so
    /// that the printed commands work as they stand.
    pub fn commands(&self, tools_dir: &Path, privilege: Option<Privilege>) -> String {
        self.steps(tools_dir)
            .iter()
            .map(|step| {
                if let Err(err) = step.write_input() {
                    progress::note(format_args!("{err:#}"));
                }
                format!("    {}\n", step.display_for(privilege))
            })
            .collect()
    }
}

/// The list of what needs `pin`, added to `list` if it is not there yet.
fn needers_of<'a>(
    list: &'a mut Vec<(&'static Pin, Vec<&'static str>)>,
    pin: &'static Pin,
) -> &'a mut Vec<&'static str> {
    let index = match list.iter().position(|(known, _)| *known == pin) {
        Some(index) => index,
        None => {
            list.push((pin, Vec::new()));
            list.len() - 1
        }
    };
    &mut list[index].1
}

/// One install command, as data: the same value is printed for the user and
/// run by the xtask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallStep {
    /// What it installs, for the `==> installing …` line.
    pub what: String,
    pub program: String,
    pub args: Vec<String>,
    /// Whether it needs root (apt).
    pub as_root: bool,
    /// A file the command reads, written just before it is shown or run:
    /// `(path, contents)`.
    pub writes: Option<(PathBuf, String)>,
}

impl InstallStep {
    fn new<'a>(
        what: impl Into<String>,
        program: &str,
        args: impl IntoIterator<Item = &'a str>,
    ) -> InstallStep {
        InstallStep {
            what: what.into(),
            program: program.to_owned(),
            args: args.into_iter().map(str::to_owned).collect(),
            as_root: false,
            writes: None,
        }
    }

    fn needing_root(self) -> InstallStep {
        InstallStep {
            as_root: true,
            ..self
        }
    }

    /// The command as shown to someone with `privilege` (`None`: neither
    /// root nor passwordless sudo, so they will type sudo and a password).
    fn display_for(&self, privilege: Option<Privilege>) -> impl fmt::Display + '_ {
        let sudo = self.as_root && !matches!(privilege, Some(Privilege::Root));
        Shown { step: self, sudo }
    }

    /// Writes the file the command reads, if any.
    fn write_input(&self) -> Result<()> {
        if let Some((path, contents)) = &self.writes {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            atomic::write(path, contents.as_bytes())?;
        }
        Ok(())
    }

    fn run(&self, sh: &Shell, privilege: Option<Privilege>) -> Result<()> {
        progress::step(format_args!("installing {}", self.what));
        self.write_input()?;
        let (program, args) = (&self.program, &self.args);
        let command = match (self.as_root, privilege) {
            (false, _) | (true, Some(Privilege::Root)) => cmd!(sh, "{program} {args...}"),
            (true, Some(Privilege::PasswordlessSudo)) => cmd!(sh, "sudo -n {program} {args...}"),
            (true, None) => bail!("installing {} needs root", self.what),
        };
        command
            .env("DEBIAN_FRONTEND", "noninteractive")
            .run()
            .map_err(|_| {
                if program == "rustup" {
                    return anyhow::anyhow!(
                        "cannot install {}: `{}` failed, as its output above says. \
                         \"unavailable for download\" means the toolchain's distribution \
                         server has no standard library for that target and toolchain: \
                         try another toolchain in rust-toolchain.toml, check \
                         RUSTUP_DIST_SERVER, or remove the target (`cargo xtask \
                         remove-target`).",
                        self.what,
                        self.display_for(privilege)
                    );
                }
                anyhow::anyhow!(
                    "cannot install {}: `{}` failed, as its output above says. Check that this \
                     machine reaches the package registry (proxy settings, PIP_INDEX_URL) and \
                     that the versions pinned in xtask/src/pins.rs exist there, then \
                     run the command again, or run the install command by hand.",
                    self.what,
                    self.display_for(privilege)
                )
            })
    }
}

struct Shown<'a> {
    step: &'a InstallStep,
    sudo: bool,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sudo {
            f.write_str("sudo ")?;
        }
        f.write_str(&self.step.program)?;
        for arg in &self.step.args {
            write!(f, " {arg}")?;
        }
        Ok(())
    }
}

/// A Debian package a program's build for one target needs
/// (`dependencies.apt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemPackage {
    /// As apt names it: `libudev-dev:arm64`, `cmake=3.25.1-1`.
    pub apt_name: String,
    /// The architecture it is for, where it is not the machine's own.
    pub foreign_architecture: Option<String>,
    /// The target.
    pub needed_by: &'static str,
}

impl SystemPackage {
    /// Whether dpkg has it installed (at the version asked, if one is).
    fn is_installed(&self, sh: &Shell) -> bool {
        let (name, version) = match self.apt_name.split_once('=') {
            Some((name, version)) => (name, Some(version)),
            None => (self.apt_name.as_str(), None),
        };
        let format = "${db:Status-Status} ${Version}";
        let Ok(status) = cmd!(sh, "dpkg-query --show --showformat={format} {name}")
            .quiet()
            .ignore_stderr()
            .read()
        else {
            return false;
        };
        let (state, installed) = status.split_once(' ').unwrap_or((&status, ""));
        state == "installed" && version.is_none_or(|version| version == installed)
    }
}

/// Makes sure every tool the targets need, every `extra` tool and every
/// `system` package is present, installing what is missing unless
/// `no_install` is set.
pub fn ensure(
    sh: &Shell,
    tools_dir: &Path,
    targets: &[&TargetSpec],
    (extra, system): (&[(Tool, &'static str)], &[SystemPackage]),
    no_install: bool,
) -> Result<()> {
    let toolchain = Toolchain::probe(sh)?;
    let missing = Missing::find(sh, tools_dir, &toolchain, targets, (extra, system));
    if missing.is_empty() {
        return Ok(());
    }
    let privilege = privilege(sh);
    if no_install {
        bail!(
            "this machine is missing what some targets need ({}), and --no-install forbids \
             installing it. Install it with:\n{}or run again without --no-install.",
            missing.summary(),
            missing.commands(tools_dir, privilege)
        );
    }
    if !missing.apt.is_empty() && privilege.is_none() {
        bail!(
            "this machine is missing system packages some targets need ({}), and the xtask \
             can only install them as root or with passwordless sudo. Install them with:\n{}\
             then run the command again.",
            missing.summary(),
            missing.commands(tools_dir, privilege)
        );
    }
    if !missing.rust_std.is_empty() && !toolchain.has_rustup {
        bail!(
            "the Rust standard library is missing for {}, and without rustup the xtask cannot \
             add it. Install it the way your toolchain was installed, or use rustup.",
            missing.rust_std.join(", ")
        );
    }
    for step in missing.steps(tools_dir) {
        step.run(sh, privilege)?;
    }

    let toolchain = Toolchain::probe(sh)?;
    let still_missing = Missing::find(sh, tools_dir, &toolchain, targets, (extra, system));
    if !still_missing.is_empty() {
        bail!(
            "after installing, this machine still lacks {}. Install it by hand:\n{}",
            still_missing.summary(),
            still_missing.commands(tools_dir, privilege)
        );
    }
    Ok(())
}

/// How the xtask may run apt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    Root,
    PasswordlessSudo,
}

/// Root, passwordless sudo, or neither (`None`).
pub fn privilege(sh: &Shell) -> Option<Privilege> {
    let uid = cmd!(sh, "id -u").quiet().read().ok()?;
    if uid.trim() == "0" {
        return Some(Privilege::Root);
    }
    let sudo_works = cmd!(sh, "sudo -n true")
        .quiet()
        .ignore_stderr()
        .run()
        .is_ok();
    sudo_works.then_some(Privilege::PasswordlessSudo)
}

/// "needed by a, b": why a tool is installed.
fn needed_by(needers: &[&str]) -> String {
    format!("needed by {}", needers.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing() -> Missing {
        let mut missing = Missing::default();
        missing.rust_std.push("aarch64-unknown-linux-gnu");
        missing
            .apt
            .insert("qemu-user".to_owned(), vec!["aarch64-unknown-linux-gnu"]);
        missing
            .pip
            .push((&crate::pins::ZIGLANG, vec!["aarch64-apple-darwin"]));
        missing
    }

    #[test]
    fn printed_commands_are_the_steps_that_run() {
        let missing = missing();
        let scratch = crate::util::tempdir::TempDir::new().unwrap();
        let dir = scratch.path();
        let printed = missing.commands(dir, None);
        let steps = missing.steps(dir);
        assert_eq!(printed.lines().count(), steps.len());
        for (line, step) in printed.lines().zip(&steps) {
            let mut words = vec![step.program.as_str()];
            words.extend(step.args.iter().map(String::as_str));
            let expected = words.join(" ");
            let shown = line.trim().trim_start_matches("sudo ");
            assert_eq!(shown, expected);
            assert_eq!(line.trim().starts_with("sudo "), step.as_root);
        }
        assert!(printed.contains("apt-get install -y -q --no-install-recommends qemu-user"));
        assert!(printed.contains("bin/pip install"), "{printed}");
        let requirements = std::fs::read_to_string(dir.join("requirements.txt")).unwrap();
        assert!(
            requirements.starts_with("ziglang==0.17.1 --hash=sha256:"),
            "{requirements}"
        );
    }

    #[test]
    fn a_library_for_another_architecture_comes_after_dpkg_is_told_of_it() {
        let mut missing = Missing::default();
        missing.apt.insert(
            "libudev-dev:arm64".to_owned(),
            vec!["aarch64-unknown-linux-gnu"],
        );
        missing.foreign_architectures.push("arm64".to_owned());
        let scratch = crate::util::tempdir::TempDir::new().unwrap();
        let printed = missing.commands(scratch.path(), Some(Privilege::Root));
        let lines: Vec<&str> = printed.lines().map(str::trim).collect();
        assert_eq!(
            lines,
            [
                "dpkg --add-architecture arm64",
                "apt-get update -q",
                "apt-get install -y -q --no-install-recommends libudev-dev:arm64",
            ]
        );
    }

    #[test]
    fn root_is_not_told_to_use_sudo() {
        let scratch = crate::util::tempdir::TempDir::new().unwrap();
        let printed = missing().commands(scratch.path(), Some(Privilege::Root));
        assert!(!printed.contains("sudo"), "{printed}");
    }
}
