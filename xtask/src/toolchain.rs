//! What this machine has: installed Rust standard libraries, and whether each
//! tool of the target table is present.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use xshell::{Shell, cmd};

use crate::target::{Probe, TargetSpec, Tool};

/// The Rust side of the machine, asked once per run.
#[derive(Debug)]
pub struct Rust {
    /// `rustc --print target-list`: every triple rustc knows.
    pub known_targets: Vec<String>,
    /// The targets whose standard library is installed.
    pub installed_std: Vec<String>,
    /// Whether rustup manages the toolchain (and so can add targets).
    pub has_rustup: bool,
    /// The build machine's triple (`rustc -vV`'s `host:`).
    pub host: String,
}

impl Rust {
    /// Asks rustc (and rustup, if present) what is installed.
    pub fn probe(sh: &Shell) -> Result<Rust> {
        let known_targets = cmd!(sh, "rustc --print target-list")
            .quiet()
            .read()
            .context("`rustc --print target-list` failed; is Rust installed?")?
            .lines()
            .map(str::to_owned)
            .collect();
        let sysroot = cmd!(sh, "rustc --print sysroot").quiet().read()?;
        // Looking in the sysroot works with or without rustup, and for any
        // toolchain rust-toolchain.toml selects.
        let rustlib = Path::new(&sysroot).join("lib/rustlib");
        let installed_std = std::fs::read_dir(&rustlib)
            .with_context(|| format!("cannot list {}", rustlib.display()))?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().join("lib").is_dir())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect();
        let has_rustup = cmd!(sh, "rustup --version")
            .quiet()
            .ignore_stderr()
            .read()
            .is_ok();
        let version = cmd!(sh, "rustc -vV").quiet().read()?;
        let host = version
            .lines()
            .find_map(|line| line.strip_prefix("host: "))
            .context("`rustc -vV` does not name the host")?
            .to_owned();
        Ok(Rust {
            known_targets,
            installed_std,
            has_rustup,
            host,
        })
    }

    /// Whether `triple`'s standard library is installed.
    pub fn has_std(&self, triple: &str) -> bool {
        self.installed_std
            .iter()
            .any(|installed| installed == triple)
    }
}

/// Where the xtask keeps tools it installs from PyPI: a virtual environment
/// under the target directory, unless `XTASK_TOOLS_DIR` names another (to
/// share one between clones).
pub fn tools_dir(target_dir: &Path) -> PathBuf {
    std::env::var_os("XTASK_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir.join("xtask-tools"))
}

/// Puts the tools environment's `bin/` first on the shell's `PATH`, so that
/// its `cargo-zigbuild` and `python3` are the ones found.
pub fn add_tools_to_path(sh: &Shell, tools_dir: &Path) -> Result<()> {
    let mut paths = vec![tools_dir.join("bin")];
    paths.extend(std::env::split_paths(
        &sh.var_os("PATH").unwrap_or_default(),
    ));
    sh.set_var("PATH", std::env::join_paths(paths)?);
    Ok(())
}

/// Whether `tool` is present, looking on the shell's `PATH`.
pub fn is_present(sh: &Shell, tool: &Tool) -> bool {
    match tool.probe {
        Probe::Command(program) => find_program(sh, program).is_some(),
        Probe::File(path) => Path::new(path).exists(),
        Probe::PythonModule(module) => {
            let import = format!("import {module}");
            cmd!(sh, "python3 -c {import}")
                .quiet()
                .ignore_stdout()
                .ignore_stderr()
                .run()
                .is_ok()
        }
    }
}

/// The tools of `spec` that are missing.
pub fn missing_tools(sh: &Shell, spec: &TargetSpec) -> Vec<Tool> {
    spec.tools
        .iter()
        .copied()
        .filter(|tool| !is_present(sh, tool))
        .collect()
}

/// The path of `program` on the shell's `PATH`.
pub fn find_program(sh: &Shell, program: &str) -> Option<PathBuf> {
    let path = sh.var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}
