//! `cargo xtask remove-target TRIPLE`: undoes `add-target`, taking the
//! target out of `Cargo.toml`, `rust-toolchain.toml` and
//! `.cargo/config.toml`, along with its format and CI-runner overrides.

use anyhow::{Result, bail};
use toml_edit::Item;

use crate::cli::TripleArg;
use crate::workspace::Workspace;
use crate::workspace::toml_file::{self, CONFIGURED_TARGETS, TOOLCHAIN_TARGETS, TomlFile};

pub fn run(ws: &Workspace, args: &TripleArg) -> Result<()> {
    let triple = args.triple.as_str();
    if !ws.config.is_configured(triple) {
        bail!(
            "{triple} is not a configured target, so there is nothing to remove. `cargo xtask \
             targets` lists the configured ones."
        );
    }
    if ws.config.targets.len() == 1 {
        bail!(
            "{triple} is the only configured target; a workspace needs at least one. Add another first."
        );
    }
    let root = &ws.config.root;
    let mut manifest = TomlFile::load(&root.join("Cargo.toml"))?;
    toml_file::remove_string(manifest.array_mut(&CONFIGURED_TARGETS)?, triple);
    for overrides in ["formats", "ci-runner"] {
        let table = manifest
            .doc
            .get_mut("workspace")
            .and_then(|item| item.get_mut("metadata"))
            .and_then(|item| item.get_mut("dist"))
            .and_then(|item| item.get_mut(overrides))
            .and_then(Item::as_table_like_mut);
        if let Some(table) = table {
            table.remove(triple);
        }
    }
    let mut toolchain = TomlFile::load(&root.join("rust-toolchain.toml"))?;
    toml_file::remove_string(toolchain.array_mut(&TOOLCHAIN_TARGETS)?, triple);
    let mut cargo_config = TomlFile::load(&root.join(".cargo/config.toml"))?;
    if let Some(targets) = cargo_config
        .doc
        .get_mut("target")
        .and_then(Item::as_table_mut)
    {
        targets.remove(triple);
    }
    manifest.save()?;
    toolchain.save()?;
    cargo_config.save()?;
    eprintln!("removed {triple} from Cargo.toml, rust-toolchain.toml and .cargo/config.toml");
    Ok(())
}
