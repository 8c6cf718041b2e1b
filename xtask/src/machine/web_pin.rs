//! The wasm-bindgen CLI the xtask installs must be the release of the
//! `wasm-bindgen` crate the web packages are built with: the CLI reads a
//! description the crate embeds in the module, whose form changes between
//! releases. [`check_versions`] refuses a mismatch before anything is
//! installed or built.

use std::path::Path;

use anyhow::{Context, Result, bail};
use toml_edit::DocumentMut;

use crate::pins;

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
