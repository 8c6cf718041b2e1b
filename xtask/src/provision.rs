//! Installing what the selected targets need: Rust standard libraries with
//! rustup, system packages with apt, Python tools with pip into the xtask's
//! own virtual environment, and the odd Rust tool with `cargo install` into
//! that same folder.
//!
//! Nothing is installed without saying what and why. Without permission to
//! install (`--no-install`, or not root and no passwordless sudo) the xtask
//! stops before building and prints the commands to run instead.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, bail};
use xshell::{Shell, cmd};

use crate::config::Configured;
use crate::target::{Probe, Role, Source, Tool};
use crate::toolchain::{self, Rust};

/// What is missing for a set of targets, grouped by installer. Each entry
/// maps what to install to the targets that need it.
#[derive(Debug, Default)]
pub struct Missing {
    pub rust_std: Vec<&'static str>,
    pub apt: BTreeMap<&'static str, Vec<&'static str>>,
    pub pip: BTreeMap<&'static str, Vec<&'static str>>,
    pub cargo: BTreeMap<&'static str, Vec<&'static str>>,
}

impl Missing {
    /// Looks at the machine for each target's standard library and tools.
    pub fn find(sh: &Shell, rust: &Rust, targets: &[&Configured]) -> Missing {
        Missing::find_with(sh, rust, targets, &[])
    }

    /// [`Missing::find`], plus `extra` tools needed for the reason given
    /// beside each (e.g. CI's artifact checks).
    pub fn find_with(
        sh: &Shell,
        rust: &Rust,
        targets: &[&Configured],
        extra: &[(Tool, &'static str)],
    ) -> Missing {
        let mut missing = Missing::default();
        for (tool, why) in extra {
            if !toolchain::is_present(sh, tool) {
                missing.add(*tool, why);
            }
        }
        for configured in targets {
            let spec = configured.spec;
            if !rust.has_std(spec.triple) {
                missing.rust_std.push(spec.triple);
            }
            for tool in toolchain::missing_tools(sh, spec) {
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
            if !toolchain::is_present(sh, &venv) {
                let needers: Vec<_> = missing.pip.values().flatten().copied().collect();
                for triple in needers {
                    missing.add(venv, triple);
                }
            }
        }
        missing
    }

    fn add(&mut self, tool: Tool, triple: &'static str) {
        let needers = match tool.source {
            Source::Apt(package) => self.apt.entry(package).or_default(),
            Source::Pip(package) => self.pip.entry(package).or_default(),
            Source::Cargo(krate) => self.cargo.entry(krate).or_default(),
        };
        if !needers.contains(&triple) {
            needers.push(triple);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rust_std.is_empty()
            && self.apt.is_empty()
            && self.pip.is_empty()
            && self.cargo.is_empty()
    }

    /// The commands that install everything missing, one per line.
    pub fn commands(&self, tools_dir: &Path) -> String {
        let mut text = String::new();
        if !self.rust_std.is_empty() {
            let _ = writeln!(text, "    rustup target add {}", self.rust_std.join(" "));
        }
        if !self.apt.is_empty() {
            let packages: Vec<&str> = self.apt.keys().copied().collect();
            let _ = writeln!(
                text,
                "    sudo apt-get install --no-install-recommends {}",
                packages.join(" ")
            );
        }
        if !self.pip.is_empty() {
            let packages: Vec<&str> = self.pip.keys().copied().collect();
            let dir = tools_dir.display();
            let _ = writeln!(
                text,
                "    python3 -m venv {dir} && {dir}/bin/pip install {}",
                packages.join(" ")
            );
        }
        for krate in self.cargo.keys() {
            let _ = writeln!(
                text,
                "    cargo install --locked --root {} {krate}",
                tools_dir.display()
            );
        }
        text
    }
}

/// Makes sure every tool the targets need, and every `extra` tool, is
/// present, installing what is missing unless `no_install` is set.
pub fn ensure(
    sh: &Shell,
    rust: &Rust,
    tools_dir: &Path,
    targets: &[&Configured],
    extra: &[(Tool, &'static str)],
    no_install: bool,
) -> Result<()> {
    let missing = Missing::find_with(sh, rust, targets, extra);
    if missing.is_empty() {
        return Ok(());
    }
    if no_install {
        bail!(
            "this machine is missing what some targets need ({}), and --no-install forbids \
             installing it. Install it with:\n{}or run again without --no-install.",
            summary(&missing),
            missing.commands(tools_dir)
        );
    }
    let apt_prefix = if missing.apt.is_empty() {
        None
    } else {
        match privilege(sh) {
            Some(prefix) => Some(prefix),
            None => bail!(
                "this machine is missing system packages some targets need ({}), and the xtask \
                 can only install them as root or with passwordless sudo. Install them with:\n{}\
                 then run the command again.",
                summary(&missing),
                missing.commands(tools_dir)
            ),
        }
    };

    if !missing.rust_std.is_empty() {
        if !rust.has_rustup {
            bail!(
                "the Rust standard library is missing for {}, and without rustup the xtask cannot \
                 add it. Install it the way your toolchain was installed, or use rustup.",
                missing.rust_std.join(", ")
            );
        }
        let targets = &missing.rust_std;
        eprintln!(
            "==> installing the Rust standard library for {}",
            targets.join(", ")
        );
        cmd!(sh, "rustup target add {targets...}").run()?;
    }
    if let Some(prefix) = apt_prefix {
        for (package, needers) in &missing.apt {
            eprintln!(
                "==> installing {package} with apt (needed by {})",
                needers.join(", ")
            );
        }
        let packages: Vec<&str> = missing.apt.keys().copied().collect();
        prefix.apt_get(sh).args(["update", "-q"]).run()?;
        prefix
            .apt_get(sh)
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages)
            .run()?;
    }
    if !missing.pip.is_empty() {
        for (package, needers) in &missing.pip {
            eprintln!(
                "==> installing {package} from PyPI into {} (needed by {})",
                tools_dir.display(),
                needers.join(", ")
            );
        }
        if !tools_dir.join("bin/python3").exists() {
            cmd!(sh, "python3 -m venv {tools_dir}").run()?;
        }
        let packages: Vec<&str> = missing.pip.keys().copied().collect();
        let pip = tools_dir.join("bin/pip");
        cmd!(
            sh,
            "{pip} install --quiet --disable-pip-version-check {packages...}"
        )
        .run()?;
    }

    for (krate, needers) in &missing.cargo {
        eprintln!(
            "==> installing {krate} from crates.io into {} (needed by {}; this compiles it)",
            tools_dir.display(),
            needers.join(", ")
        );
        cmd!(
            sh,
            "cargo install --quiet --locked --root {tools_dir} {krate}"
        )
        .run()?;
    }

    let still_missing = Missing::find_with(sh, &Rust::probe(sh)?, targets, extra);
    if !still_missing.is_empty() {
        bail!(
            "after installing, this machine still lacks {}. Install it by hand:\n{}",
            summary(&still_missing),
            still_missing.commands(tools_dir)
        );
    }
    Ok(())
}

/// One line naming what is missing.
fn summary(missing: &Missing) -> String {
    let mut parts = Vec::new();
    for triple in &missing.rust_std {
        parts.push(format!("the {triple} standard library"));
    }
    parts.extend(
        missing
            .apt
            .keys()
            .map(|package| format!("apt package {package}")),
    );
    parts.extend(
        missing
            .pip
            .keys()
            .map(|package| format!("PyPI package {package}")),
    );
    parts.extend(missing.cargo.keys().map(|krate| format!("crate {krate}")));
    parts.join(", ")
}

/// How the xtask may run apt.
#[derive(Debug, Clone, Copy)]
enum Privilege {
    Root,
    PasswordlessSudo,
}

impl Privilege {
    fn apt_get<'a>(self, sh: &'a Shell) -> xshell::Cmd<'a> {
        let apt_get = match self {
            Privilege::Root => cmd!(sh, "apt-get"),
            Privilege::PasswordlessSudo => cmd!(sh, "sudo apt-get"),
        };
        apt_get.env("DEBIAN_FRONTEND", "noninteractive")
    }
}

/// Root, passwordless sudo, or neither (`None`).
fn privilege(sh: &Shell) -> Option<Privilege> {
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
