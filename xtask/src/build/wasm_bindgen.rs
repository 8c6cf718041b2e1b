//! wasm-bindgen: the JavaScript bindings of a web package's module.
//!
//! rustc builds the package's cdylib into a `.wasm` module whose exported
//! functions take numbers and pointers; `wasm-bindgen --target web` reads
//! the description the `wasm-bindgen` crate embedded in it and writes the
//! JavaScript that turns strings and errors into what a page expects, the
//! TypeScript types, and the module it loads. The crate and the CLI share
//! that embedded schema, which changes between releases, so their versions
//! must be equal; [`check_versions`] refuses a mismatch before anything is
//! built.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml_edit::DocumentMut;
use xshell::{Shell, cmd};

use crate::pins;

/// What wasm-bindgen wrote for a module named `<name>`, in one folder.
#[derive(Debug)]
pub struct Bindings {
    /// The folder.
    pub dir: PathBuf,
    /// The ES module pages import (`<name>.js`).
    pub entry: String,
    /// Its TypeScript types (`<name>.d.ts`).
    pub types: String,
    /// The WebAssembly module it loads (`<name>_bg.wasm`).
    pub module: String,
    /// Every file, by its path in the folder, in order.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Refuses a workspace whose `wasm-bindgen` crate (in Cargo.lock) is not
/// the release of wasm-bindgen-cli the xtask installs.
pub fn check_versions(root: &Path) -> Result<()> {
    let lock = root.join("Cargo.lock");
    let text = std::fs::read_to_string(&lock).with_context(|| {
        format!(
            "cannot read {}: run `cargo generate-lockfile`",
            lock.display()
        )
    })?;
    let versions = crate_versions(&text)?;
    let pinned = pins::WASM_BINDGEN_CLI.version;
    if versions.is_empty() {
        bail!(
            "Cargo.lock has no wasm-bindgen crate, so no web package can be given JavaScript \
             bindings. Add `wasm-bindgen = \"={pinned}\"` to the [dependencies] of each package \
             in [workspace.metadata.dist.web]."
        );
    }
    if let Some(other) = versions.iter().find(|version| *version != pinned) {
        bail!(
            "the web packages are built with the wasm-bindgen crate {other} (Cargo.lock), but \
             the xtask installs wasm-bindgen-cli {pinned} (WASM_BINDGEN_CLI in \
             xtask/src/pins.rs), and the two must be the same release: the CLI reads a \
             description the crate embeds in the module, whose form changes between releases. \
             Pin the crate with `wasm-bindgen = \"={pinned}\"` (and wasm-bindgen-test at its \
             matching release), or set the pin to {other}."
        );
    }
    Ok(())
}

/// The versions of the `wasm-bindgen` crate a Cargo.lock resolves.
fn crate_versions(lock: &str) -> Result<Vec<String>> {
    let lock: DocumentMut = lock.parse().context("Cargo.lock is not valid TOML")?;
    let packages = lock
        .get("package")
        .and_then(|item| item.as_array_of_tables());
    Ok(packages
        .into_iter()
        .flatten()
        .filter(|package| package.get("name").and_then(|n| n.as_str()) == Some("wasm-bindgen"))
        .filter_map(|package| package.get("version")?.as_str().map(str::to_owned))
        .collect())
}

/// Runs `wasm-bindgen --target web` on the cdylib `wasm`, writing into
/// `out` (emptied first) the bindings of a module named `name`.
pub fn generate(sh: &Shell, wasm: &Path, name: &str, out: &Path) -> Result<Bindings> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("cannot empty {}", out.display()))?;
    }
    // Without the name section, as `strip = true` left the cdylib: the
    // bindings would add function names back unless told not to.
    let strip = ["--remove-name-section", "--remove-producers-section"];
    cmd!(
        sh,
        "wasm-bindgen --target web {strip...} --out-dir {out} --out-name {name} {wasm}"
    )
    .run()
    .context("wasm-bindgen could not write the JavaScript bindings")?;
    let mut files = Vec::new();
    read_files(out, "", &mut files)?;
    let bindings = Bindings {
        dir: out.to_owned(),
        entry: format!("{name}.js"),
        types: format!("{name}.d.ts"),
        module: format!("{name}_bg.wasm"),
        files,
    };
    for expected in [&bindings.entry, &bindings.types, &bindings.module] {
        if !bindings.files.iter().any(|(path, _)| path == expected) {
            bail!("wasm-bindgen wrote no {expected} into {}", out.display());
        }
    }
    Ok(bindings)
}

/// Every file under `dir`, as `prefix` + its relative path, sorted so that
/// the package lists them the same way on every machine.
fn read_files(dir: &Path, prefix: &str, files: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type()?.is_dir() {
            read_files(&entry.path(), &format!("{path}/"), files)?;
        } else {
            files.push((path, std::fs::read(entry.path())?));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crates_versions_are_read_from_the_lock_file() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.129"

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.129"

[[package]]
name = "wasm-bindgen"
version = "0.2.100"
"#;
        assert_eq!(crate_versions(lock).unwrap(), ["0.2.129", "0.2.100"]);
        assert!(crate_versions("version = 4").unwrap().is_empty());
    }
}
