//! The workspace the xtask acts on: a shell at its root, its release
//! configuration ([`config`]), format-preserving edits of its TOML files
//! ([`toml_file`]) written all or nothing ([`edit`]), each target's part of
//! `.cargo/config.toml` ([`cargo_config`]), the GitLab pipeline's list
//! of targets ([`gitlab_ci`]), and the template's files that `init`
//! installs in a project, with their record ([`template_files`]).

pub mod cargo_config;
pub mod config;
pub mod edit;
pub mod gitlab_ci;
pub mod template_files;
pub mod toml_file;

use std::path::PathBuf;

use anyhow::Result;
use xshell::Shell;

use crate::machine::provision::SystemPackage;
use crate::machine::toolchain::Toolchain;
use crate::machine::{self, provision, tools, web_pin};
use crate::targets::Os;
use crate::vocab::Tool;

use config::{Config, Configured};
use edit::Edits;
use toml_file::TomlFile;

/// A loaded workspace.
pub struct Workspace {
    /// A shell whose current directory is the workspace root and whose
    /// `PATH` starts with the xtask's tools environment.
    pub sh: Shell,
    pub config: Config,
    /// The Rust toolchain as it was when the workspace was loaded.
    pub toolchain: Toolchain,
    /// Where the xtask installs tools from PyPI and crates.io.
    pub tools_dir: PathBuf,
}

impl Workspace {
    /// Loads the workspace that contains the current directory.
    pub fn load() -> Result<Workspace> {
        let sh = Shell::new()?;
        let toolchain = Toolchain::probe(&sh)?;
        let config = config::load(&sh, &toolchain.known_targets, &toolchain.host)?;
        sh.change_dir(&config.root);
        let tools_dir = tools::tools_dir(&config.target_dir);
        tools::add_tools_to_path(&sh, &tools_dir)?;
        Ok(Workspace {
            sh,
            config,
            toolchain,
            tools_dir,
        })
    }

    /// The configured targets named on the command line, or all of them.
    pub fn select(&self, requested: &[String]) -> Result<Vec<&Configured>> {
        self.config.select(requested, &self.toolchain.known_targets)
    }

    /// Installs what `targets` need, plus `extra` tools for the reason
    /// beside each, or says what to install.
    pub fn provision(
        &self,
        targets: &[&Configured],
        extra: &[(Tool, &'static str)],
        no_install: bool,
    ) -> Result<()> {
        let specs: Vec<_> = targets.iter().map(|configured| configured.spec).collect();
        // What would be installed for the browser must fit the crate the
        // web packages are built with, so a mismatch stops before either.
        if specs.iter().any(|spec| spec.os == Os::Browser) {
            web_pin::check_versions(&self.config.root)?;
        }
        let system = system_packages(targets);
        provision::ensure(
            &self.sh,
            &self.tools_dir,
            &specs,
            (extra, &system),
            no_install,
        )
    }
}

/// The Debian packages the targets' builds need (`dependencies.apt`), as
/// apt names them on this machine.
pub fn system_packages(targets: &[&Configured]) -> Vec<SystemPackage> {
    let machine = machine::debian_architecture();
    let mut packages = Vec::new();
    for configured in targets {
        let Some(arch) = configured.spec.debian_arch else {
            continue;
        };
        for package in &configured.apt {
            let foreign = package.is_library() && machine.as_deref() != Some(arch);
            packages.push(SystemPackage {
                apt_name: package.apt_spec(arch),
                foreign_architecture: foreign.then(|| arch.to_owned()),
                needed_by: configured.triple(),
            });
        }
    }
    packages
}

/// Writes what adding or removing a target edited, all or nothing: the
/// TOML `files` and, where the workspace has a GitLab pipeline, its list of
/// `targets`, whose Windows job builds `config`'s hosted packages. Returns
/// what became of the pipeline, for the report.
pub fn save_target_edits(
    config: &Config,
    files: [&TomlFile; 3],
    targets: &[&str],
) -> Result<String> {
    let root = config.root.as_path();
    let packages = config.hosted_packages().join(" ");
    let mut edits = Edits::default();
    for file in files {
        let relative = file.path.strip_prefix(root).unwrap_or(&file.path);
        edits.set(relative, file.doc.to_string());
    }
    let pipeline = gitlab_ci::stage(&mut edits, gitlab_ci::updated(root, targets, &packages));
    edits.apply(root, &[], || Ok(()))?;
    Ok(pipeline)
}
