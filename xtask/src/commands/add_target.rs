//! `cargo xtask add-target TRIPLE`: puts a target everywhere it must be,
//! from the same target table the rest of the xtask uses:
//!
//! - `Cargo.toml`: `targets` in `[workspace.metadata.dist]`;
//! - `rust-toolchain.toml`: the toolchain's `targets`, so rustup installs
//!   its standard library;
//! - `.cargo/config.toml`: a `[target.TRIPLE]` table with its linker and
//!   runner, when cargo's defaults are not enough.
//!
//! Edits keep each file's comments and layout; `remove-target` takes the
//! target out again, giving back the same bytes.

use anyhow::Result;
use toml_edit::{Item, Table, value};

use crate::cli::TripleArg;
use crate::targets;
use crate::workspace::Workspace;
use crate::workspace::toml_file::{self, CONFIGURED_TARGETS, TOOLCHAIN_TARGETS, TomlFile};

pub fn run(ws: &Workspace, args: &TripleArg) -> Result<()> {
    let triple = args.triple.as_str();
    let spec = targets::resolve(&ws.toolchain.host, triple, &ws.toolchain.known_targets)?;
    if ws.config.is_configured(triple) {
        eprintln!("{triple} is already a configured target; nothing to change.");
        return Ok(());
    }
    let root = &ws.config.root;
    let mut manifest = TomlFile::load(&root.join("Cargo.toml"))?;
    toml_file::push_string(manifest.array_mut(&CONFIGURED_TARGETS)?, triple);
    let mut toolchain = TomlFile::load(&root.join("rust-toolchain.toml"))?;
    if !toolchain
        .array_mut(&TOOLCHAIN_TARGETS)?
        .iter()
        .any(|v| v.as_str() == Some(triple))
    {
        toml_file::push_string(toolchain.array_mut(&TOOLCHAIN_TARGETS)?, triple);
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
# Added by `cargo xtask add-target` from xtask/src/targets/table.rs.
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
