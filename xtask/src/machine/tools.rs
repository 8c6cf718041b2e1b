//! Finding the tools a target needs: programs on `PATH`, files that
//! packages install, Python modules in the xtask's own environment.

use std::path::{Path, PathBuf};

use anyhow::Result;
use xshell::{Shell, cmd};

use crate::targets::TargetSpec;
use crate::vocab::{Probe, Source, Tool};

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

/// Whether a tool is there, and at the pinned version if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    Missing,
    /// Installed, but not at the version `pins` names.
    WrongVersion {
        installed: String,
    },
}

/// Whether `tool` is present, looking on the shell's `PATH` (and, for a
/// PyPI package, in the tools environment `tools_dir`); for a pinned tool,
/// whether the pinned version is.
pub fn presence(sh: &Shell, tools_dir: &Path, tool: &Tool) -> Presence {
    let found = match tool.probe {
        Probe::Command(program) => find_program(sh, program).is_some(),
        Probe::File(path) => Path::new(path).exists(),
        Probe::PythonModule(module) => {
            let import = format!("import {module}");
            let python = python_for(tools_dir, tool);
            cmd!(sh, "{python} -c {import}")
                .quiet()
                .ignore_stdout()
                .ignore_stderr()
                .run()
                .is_ok()
        }
    };
    if !found {
        return Presence::Missing;
    }
    let pin = match tool.source {
        Source::Apt(_) => return Presence::Present,
        Source::Pip(pin) | Source::Cargo(pin) | Source::Npm(pin) => pin,
    };
    match installed_version(sh, tools_dir, tool) {
        Some(version) if version == pin.version => Presence::Present,
        Some(installed) => Presence::WrongVersion { installed },
        None => Presence::Missing,
    }
}

/// Whether `tool` is present at the right version.
pub(super) fn is_present(sh: &Shell, tools_dir: &Path, tool: &Tool) -> bool {
    presence(sh, tools_dir, tool) == Presence::Present
}

/// The Python that must import `tool`'s module: the tools environment's for
/// a PyPI package, which is installed there (a package the machine's own
/// Python happens to have does not count, since the environment does not
/// see it); the machine's for a Debian one.
fn python_for(tools_dir: &Path, tool: &Tool) -> PathBuf {
    match tool.source {
        Source::Pip(_) => tools_dir.join("bin/python3"),
        Source::Apt(_) | Source::Cargo(_) | Source::Npm(_) => PathBuf::from("python3"),
    }
}

/// The version of a pinned tool that is installed: what Python's package
/// metadata says for PyPI packages, what `<program> --version` says for
/// crates.
fn installed_version(sh: &Shell, tools_dir: &Path, tool: &Tool) -> Option<String> {
    match (tool.source, tool.probe) {
        (Source::Pip(pin), _) => {
            let script = format!(
                "import importlib.metadata as m; print(m.version({:?}))",
                pin.package
            );
            let python = python_for(tools_dir, tool);
            let version = cmd!(sh, "{python} -c {script}")
                .quiet()
                .ignore_stderr()
                .read()
                .ok()?;
            Some(version.trim().to_owned())
        }
        (Source::Cargo(_) | Source::Npm(_), Probe::Command(program)) => {
            let said = cmd!(sh, "{program} --version")
                .quiet()
                .ignore_stderr()
                .read()
                .ok()?;
            said.split_whitespace()
                .find(|word| word.starts_with(|c: char| c.is_ascii_digit()))
                .map(str::to_owned)
        }
        _ => None,
    }
}

/// The tools of `spec` that are missing, or at another version than pinned.
pub fn missing_tools(sh: &Shell, tools_dir: &Path, spec: &TargetSpec) -> Vec<Tool> {
    spec.tools
        .iter()
        .copied()
        .filter(|tool| !is_present(sh, tools_dir, tool))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pins;
    use crate::vocab::Role;

    use crate::util::tempdir::TempDir;

    /// A PyPI package counts only in the tools environment: the machine's
    /// own Python having the module (here `json`, which every Python has)
    /// does not make it importable there. A Debian package's module is
    /// looked for in the machine's Python.
    #[test]
    fn pypi_modules_are_looked_for_in_the_tools_environment_only() {
        let sh = Shell::new().unwrap();
        let empty = TempDir::new().unwrap();
        let module = |source| Tool {
            role: Role::Runner,
            probe: Probe::PythonModule("json"),
            source,
        };
        let from_pypi = module(Source::Pip(&pins::JSONSCHEMA));
        assert_eq!(presence(&sh, empty.path(), &from_pypi), Presence::Missing);
        let from_debian = module(Source::Apt("python3"));
        assert_eq!(presence(&sh, empty.path(), &from_debian), Presence::Present);
    }
}
