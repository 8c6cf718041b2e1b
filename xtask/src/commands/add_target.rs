//! `cargo xtask add-target TRIPLE`: puts a target everywhere it must be,
//! from the same target table the rest of the xtask uses:
//!
//! - `Cargo.toml`: `targets` in `[workspace.metadata.dist]`, or in its
//!   `firmware` table for a target with no OS;
//! - `rust-toolchain.toml`: the toolchain's `targets`, so rustup installs
//!   its standard library;
//! - `.cargo/config.toml`: a `[target.TRIPLE]` table with its linker and
//!   runner, when cargo's defaults are not enough, and the `[env]` lines
//!   that give cc-rs its C compiler where Debian has none;
//! - `.gitlab-ci.yml`, if there is one: the dist job's matrix.
//!
//! Edits keep each file's comments and layout, and are written all or
//! nothing; `remove-target` takes the target out again, giving back the
//! same bytes.

use anyhow::{Context, Result};

use crate::cli::TripleArg;
use crate::targets;
use crate::util::progress;
use crate::workspace::config::Kind;
use crate::workspace::toml_file::{self, TOOLCHAIN_TARGETS, TomlFile};
use crate::workspace::{self, Workspace, cargo_config, gitlab_ci};

pub fn run(ws: &Workspace, args: &TripleArg) -> Result<()> {
    let triple = args.triple.as_str();
    let spec = targets::resolve(&ws.toolchain.host, triple, &ws.toolchain.known_targets)?;
    if ws.config.is_configured(triple) {
        progress::summary(format_args!(
            "{triple} is already a configured target; nothing to change."
        ));
        return Ok(());
    }
    let root = &ws.config.root;
    let mut manifest = TomlFile::load(&root.join("Cargo.toml"))?;
    toml_file::push_string(manifest.array_mut(ws.config.target_list(spec)?)?, triple);
    let mut toolchain = TomlFile::load(&root.join("rust-toolchain.toml"))?;
    if !toolchain
        .array_mut(&TOOLCHAIN_TARGETS)?
        .iter()
        .any(|v| v.as_str() == Some(triple))
    {
        toml_file::push_string(toolchain.array_mut(&TOOLCHAIN_TARGETS)?, triple);
    }
    let mut cargo_config = TomlFile::load(&root.join(".cargo/config.toml"))?;
    // The file is written for the reference build machine, whichever this is.
    let recorded = targets::lookup(triple).unwrap_or(spec).cargo_config();
    let changes = cargo_config::insert(&mut cargo_config.doc, triple, &recorded);
    // In the configuration's order, the programs' targets before the
    // firmware's, and those before the browser's: the new one goes after
    // the last of its own kind or an earlier one.
    let mut configured: Vec<&str> = ws.config.targets.iter().map(|t| t.triple()).collect();
    let ends_its_kind = ws
        .config
        .targets
        .iter()
        .rposition(|t| Kind::of_target(t.spec) <= Kind::of_target(spec))
        .map_or(configured.len(), |last| last + 1);
    configured.insert(ends_its_kind, triple);

    // Written only once every edit has succeeded in memory, and all or
    // nothing.
    let pipeline = workspace::save_target_edits(
        &ws.config,
        [&manifest, &toolchain, &cargo_config],
        &configured,
    )
    .with_context(|| format!("adding {triple} failed"))?;
    progress::summary(format_args!("added {triple}:"));
    progress::summary(format_args!(
        "  Cargo.toml           [workspace.metadata.dist] targets"
    ));
    progress::summary(format_args!("  rust-toolchain.toml  [toolchain] targets"));
    if changes.done.is_empty() {
        progress::summary(format_args!(
            "  .cargo/config.toml   nothing: cargo's defaults link and run it"
        ));
    }
    for line in &changes.done {
        progress::summary(format_args!("  .cargo/config.toml   {line}"));
    }
    for line in &changes.left_alone {
        progress::summary(format_args!("  .cargo/config.toml   {line}"));
    }
    progress::summary(format_args!("  {:<20} {pipeline}", gitlab_ci::FILE));
    match spec.build_only_reason() {
        _ if spec.built_elsewhere().is_some() => progress::summary(format_args!(
            "{triple} is built and tested on Windows: `cargo xtask plan` puts it on a Windows \
             runner, and `cargo xtask dist --target {triple} --prebuilt DIR` packages what it \
             built."
        )),
        None => progress::summary(format_args!(
            "`cargo xtask test --target {triple}` installs what it needs and runs its tests {}.",
            spec.runner
        )),
        Some(why) => progress::summary(format_args!(
            "`cargo xtask test --target {triple}` installs what it needs and compiles its \
             tests; it is build-only here ({why})."
        )),
    }
    Ok(())
}
