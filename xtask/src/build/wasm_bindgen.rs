//! wasm-bindgen: the JavaScript bindings of a web package's module.
//!
//! rustc builds the package's cdylib into a `.wasm` module whose exported
//! functions take numbers and pointers; `wasm-bindgen --target web` reads
//! the description the `wasm-bindgen` crate embedded in it and writes the
//! JavaScript that turns strings and errors into what a page expects, the
//! TypeScript types, and the module it loads. The crate and the CLI share
//! that embedded schema, which changes between releases, so their versions
//! must be equal; `machine::web_pin` refuses a mismatch before anything is
//! built.

use std::path::Path;

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

pub use crate::formats::npm::Bindings;

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
