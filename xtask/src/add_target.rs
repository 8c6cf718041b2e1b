//! `cargo xtask add-target TRIPLE` and `remove-target TRIPLE`: one command
//! puts a target everywhere it must be, from the same target table the rest
//! of the xtask uses, and the other takes it out again:
//!
//! - `Cargo.toml`: `targets` in `[workspace.metadata.dist]`;
//! - `rust-toolchain.toml`: the toolchain's `targets`, so rustup installs
//!   its standard library;
//! - `.cargo/config.toml`: a `[target.TRIPLE]` table with its linker and
//!   runner, when cargo's defaults are not enough.
//!
//! Edits keep each file's comments and layout; adding then removing a target
//! gives back the same bytes.

use anyhow::{Result, bail};
use toml_edit::{Item, Table, value};

use crate::config::{self, Config};
use crate::target::{self, TargetSpec};
use crate::toml_file::{self, TomlFile};
use crate::workspace::Workspace;

const CONFIGURED: [&str; 4] = ["workspace", "metadata", "dist", "targets"];
const TOOLCHAIN: [&str; 2] = ["toolchain", "targets"];

pub fn add(ws: &Workspace, triple: &str) -> Result<()> {
    let spec = known(ws, triple)?;
    if is_configured(&ws.config, triple) {
        eprintln!("{triple} is already a configured target; nothing to change.");
        return Ok(());
    }
    let root = &ws.config.root;
    let mut manifest = TomlFile::load(&root.join("Cargo.toml"))?;
    toml_file::push_string(manifest.array_mut(&CONFIGURED)?, triple);
    let mut toolchain = TomlFile::load(&root.join("rust-toolchain.toml"))?;
    if !toolchain
        .array_mut(&TOOLCHAIN)?
        .iter()
        .any(|v| v.as_str() == Some(triple))
    {
        toml_file::push_string(toolchain.array_mut(&TOOLCHAIN)?, triple);
    }
    let mut cargo_config = TomlFile::load(&root.join(".cargo/config.toml"))?;
    let (linker, runner) = spec.cargo_config();
    let has_table = cargo_config
        .doc
        .get("target")
        .and_then(|targets| targets.get(triple))
        .is_some();
    if (linker.is_some() || runner.is_some()) && !has_table {
        let mut table = Table::new();
        if let Some(linker) = &linker {
            table.insert("linker", value(linker.as_str()));
        }
        if let Some(runner) = &runner {
            table.insert("runner", value(runner.as_str()));
        }
        table.decor_mut().set_prefix(
            "
# Added by `cargo xtask add-target` from xtask/src/target.rs.
",
        );
        let targets = cargo_config.doc.entry("target").or_insert_with(|| {
            let mut parent = Table::new();
            parent.set_implicit(true);
            Item::Table(parent)
        });
        let targets = targets.as_table_mut().expect("[target] is a table");
        targets.set_implicit(true);
        targets.insert(triple, Item::Table(table));
    }

    // Written only once every edit has succeeded in memory.
    manifest.save()?;
    toolchain.save()?;
    cargo_config.save()?;
    eprintln!("added {triple}:");
    eprintln!("  Cargo.toml           [workspace.metadata.dist] targets");
    eprintln!("  rust-toolchain.toml  [toolchain] targets");
    match (linker, runner) {
        (None, None) => {
            eprintln!("  .cargo/config.toml   nothing: cargo's defaults link and run it")
        }
        (linker, runner) => eprintln!(
            "  .cargo/config.toml   [target.{triple}] linker = {}, runner = {}",
            linker.as_deref().unwrap_or("default"),
            runner.as_deref().unwrap_or("none")
        ),
    }
    eprintln!(
        "`cargo xtask test --target {triple}` installs what it needs and runs its tests {}.",
        spec.runner
    );
    Ok(())
}

pub fn remove(ws: &Workspace, triple: &str) -> Result<()> {
    if !is_configured(&ws.config, triple) {
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
    toml_file::remove_string(manifest.array_mut(&CONFIGURED)?, triple);
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
    toml_file::remove_string(toolchain.array_mut(&TOOLCHAIN)?, triple);
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

/// The table row of `triple`, or why there is none.
fn known(ws: &Workspace, triple: &str) -> Result<&'static TargetSpec> {
    if !ws.rust.known_targets.iter().any(|known| known == triple) {
        bail!(
            "{}",
            config::unknown_triple_message(triple, &ws.rust.known_targets)
        );
    }
    match target::lookup_on(&ws.rust.host, triple) {
        Some(spec) => Ok(spec),
        None => bail!(
            "{} Then run `cargo xtask add-target {triple}` again.",
            target::missing_row_message(triple)
        ),
    }
}

fn is_configured(config: &Config, triple: &str) -> bool {
    config
        .targets
        .iter()
        .any(|configured| configured.triple() == triple)
}
