//! `cargo xtask remove-target TRIPLE`: undoes `add-target`, taking the
//! target out of `Cargo.toml` (with its format and CI-runner overrides),
//! `rust-toolchain.toml` and the GitLab pipeline's matrix, and out of
//! `.cargo/config.toml` what still reads as `add-target` writes it, all or
//! nothing. A table or `[env]` variable edited or written by hand stays,
//! and the command says so.

use anyhow::{Context, Result, bail};
use toml_edit::Item;

use crate::cli::TripleArg;
use crate::targets;
use crate::util::progress;
use crate::workspace::config::Kind;
use crate::workspace::toml_file::{self, TOOLCHAIN_TARGETS, TomlFile};
use crate::workspace::{self, Workspace, cargo_config, gitlab_ci};

pub fn run(ws: &Workspace, args: &TripleArg) -> Result<()> {
    let triple = args.triple.as_str();
    if !ws.config.is_configured(triple) {
        bail!(
            "{triple} is not a configured target, so there is nothing to remove. `cargo xtask \
             targets` lists the configured ones."
        );
    }
    let spec = targets::resolve(&ws.toolchain.host, triple, &ws.toolchain.known_targets)?;
    // The firmware and web packages may ship for no target; the programs
    // need one.
    if Kind::of_target(spec) == Kind::Program && ws.config.targets_like(spec).count() == 1 {
        bail!(
            "{triple} is the only configured target; a workspace needs at least one. Add \
             another first."
        );
    }
    let root = &ws.config.root;
    let mut manifest = TomlFile::load(&root.join("Cargo.toml"))?;
    toml_file::remove_string(manifest.array_mut(ws.config.target_list(spec)?)?, triple);
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
    // What add-target would write for it, from the table; a triple the
    // table no longer knows has nothing of ours to take back.
    let changes = match targets::lookup(triple) {
        Some(spec) => cargo_config::remove(&mut cargo_config.doc, triple, &spec.cargo_config()),
        None => cargo_config::Changes::default(),
    };
    let remaining: Vec<&str> = ws
        .config
        .targets
        .iter()
        .map(|t| t.triple())
        .filter(|t| *t != triple)
        .collect();
    let pipeline = workspace::save_target_edits(
        &ws.config,
        [&manifest, &toolchain, &cargo_config],
        &remaining,
    )
    .with_context(|| format!("removing {triple} failed"))?;
    progress::summary(format_args!(
        "removed {triple} from Cargo.toml and rust-toolchain.toml"
    ));
    progress::summary(format_args!("  {}: {pipeline}", gitlab_ci::FILE));
    for line in &changes.done {
        progress::summary(format_args!("  and from .cargo/config.toml: {line}"));
    }
    for line in &changes.left_alone {
        progress::summary(format_args!("  note: {line}"));
    }
    Ok(())
}
