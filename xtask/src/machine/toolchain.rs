//! The machine's Rust toolchain: which triples rustc knows, which standard
//! libraries are installed, whether rustup can add more, and the host triple.

use std::path::Path;

use anyhow::{Context, Result};
use xshell::{Shell, cmd};

/// The Rust toolchain of the machine, as rustc and rustup report it.
#[derive(Debug)]
pub struct Toolchain {
    /// `rustc --print target-list`: every triple rustc knows.
    pub known_targets: Vec<String>,
    /// The targets whose standard library is installed.
    pub installed_std: Vec<String>,
    /// Whether rustup manages the toolchain (and so can add targets).
    pub has_rustup: bool,
    /// The build machine's triple (`rustc -vV`'s `host:`).
    pub host: String,
}

impl Toolchain {
    /// Asks rustc (and rustup, if present) what is installed.
    pub fn probe(sh: &Shell) -> Result<Toolchain> {
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
        Ok(Toolchain {
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
