//! Finding the tools a target needs: programs on `PATH`, files that
//! packages install, Python modules in the xtask's own environment.

use std::path::{Path, PathBuf};

use anyhow::Result;
use xshell::{Shell, cmd};

use crate::targets::{Probe, TargetSpec, Tool};

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
