//! The context every command runs in: a shell at the workspace root, the
//! configuration, and what the machine's Rust toolchain has.

use std::path::PathBuf;

use anyhow::Result;
use xshell::Shell;

use crate::config::{self, Config, Configured};
use crate::provision;
use crate::target::Tool;
use crate::toolchain::{self, Rust};

/// A loaded workspace.
pub struct Workspace {
    /// A shell whose current directory is the workspace root and whose
    /// `PATH` starts with the xtask's tools environment.
    pub sh: Shell,
    pub config: Config,
    pub rust: Rust,
    /// The xtask's Python virtual environment (zig, cargo-zigbuild).
    pub tools_dir: PathBuf,
}

impl Workspace {
    /// Loads the workspace that contains the current directory.
    pub fn load() -> Result<Workspace> {
        let sh = Shell::new()?;
        let rust = Rust::probe(&sh)?;
        let config = config::load(&sh, &rust.known_targets, &rust.host)?;
        sh.change_dir(&config.root);
        let tools_dir = toolchain::tools_dir(&config.target_dir);
        toolchain::add_tools_to_path(&sh, &tools_dir)?;
        Ok(Workspace {
            sh,
            config,
            rust,
            tools_dir,
        })
    }

    /// The configured targets named on the command line, or all of them.
    pub fn select(&self, requested: &[String]) -> Result<Vec<&Configured>> {
        self.config.select(requested, &self.rust.known_targets)
    }

    /// Installs what `targets` need, or says what to install.
    pub fn provision(&self, targets: &[&Configured], no_install: bool) -> Result<()> {
        self.provision_with(targets, &[], no_install)
    }

    /// [`Workspace::provision`], plus `extra` tools for the reason beside each.
    ///
    /// Asks rustup afresh each time: an earlier step may have installed
    /// standard libraries since the workspace was loaded.
    pub fn provision_with(
        &self,
        targets: &[&Configured],
        extra: &[(Tool, &'static str)],
        no_install: bool,
    ) -> Result<()> {
        let rust = Rust::probe(&self.sh)?;
        provision::ensure(&self.sh, &rust, &self.tools_dir, targets, extra, no_install)
    }
}
