//! `[workspace.metadata.dist.firmware]`: the packages built only for
//! microcontrollers, and the targets they are built for.
//!
//! Targets are per package. The hosted packages (`package`/`packages`)
//! ship for `targets`, which all have an OS; the firmware packages ship for
//! `firmware.targets`, which have none (`thumbv7m-none-eabi`). Neither kind
//! is ever built for the other's targets: a no_std image has nothing to do
//! on Linux, and a program that needs std cannot be built for a Cortex-M.

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::targets::{Os, TargetSpec};

/// The table's name, as errors spell it.
pub const TABLE: &str = "[workspace.metadata.dist.firmware]";

/// What `[workspace.metadata.dist.firmware]` lists.
#[derive(Debug, Default)]
pub struct FirmwareLists<'a> {
    /// Its `packages`.
    pub packages: Vec<&'a str>,
    /// Its `targets`.
    pub targets: Vec<&'a str>,
}

/// Reads the table: no table means no firmware.
pub fn lists(dist: &Value) -> Result<FirmwareLists<'_>> {
    let Some(table) = dist.get("firmware") else {
        return Ok(FirmwareLists::default());
    };
    let table = table.as_object().with_context(|| {
        format!("{TABLE} must be a table, with `packages` and `targets` lists.")
    })?;
    if let Some(key) = table
        .keys()
        .find(|key| !["packages", "targets"].contains(&key.as_str()))
    {
        bail!("{TABLE} has a key `{key}` the xtask does not know. Its keys are packages, targets.");
    }
    let list = |key: &str, example: &str| -> Result<Vec<&str>> {
        table
            .get(key)
            .and_then(Value::as_array)
            .and_then(|list| list.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .with_context(|| format!("{TABLE} `{key}` must be a list, like [{example}]."))
    };
    let packages = list("packages", "\"firmware\"")?;
    if packages.is_empty() {
        bail!(
            "{TABLE} names no package in `packages`. Name the no_std package it ships, like \
             [\"firmware\"], or remove the table."
        );
    }
    // No targets is a firmware kept in the workspace but not shipped: it
    // is still kept out of the hosted builds.
    Ok(FirmwareLists {
        packages,
        targets: list("targets", "\"thumbv7m-none-eabi\"")?,
    })
}

/// Refuses a target listed with the wrong kind of package: one with no OS
/// among the hosted `targets`, or one with an OS among the firmware's.
pub fn check_target_kind(spec: &TargetSpec, listed_as_firmware: bool) -> Result<()> {
    let triple = spec.triple;
    match (spec.os == Os::BareMetal, listed_as_firmware) {
        (true, false) => bail!(
            "`{triple}` is listed in [workspace.metadata.dist] `targets`, which the hosted \
             packages are built for, but it is a firmware target with no OS, and they need one. \
             Move it to `targets` in {TABLE}, whose packages are built for it (`cargo xtask \
             remove-target {triple}`, then `cargo xtask add-target {triple}` does this)."
        ),
        (false, true) => bail!(
            "`{triple}` is listed in {TABLE} `targets`, but it is a hosted target: firmware \
             packages are built only for targets with no OS (like thumbv7m-none-eabi). Move it \
             to `targets` in [workspace.metadata.dist], whose packages are built for it."
        ),
        _ => Ok(()),
    }
}

/// Refuses a package named both as hosted and as firmware: it would be
/// built for both kinds of target.
pub fn check_not_both(hosted: &[&str], firmware: &[&str]) -> Result<()> {
    if let Some(name) = firmware.iter().find(|name| hosted.contains(name)) {
        bail!(
            "package `{name}` is named both in [workspace.metadata.dist] `packages` and in \
             {TABLE} `packages`, so it would be built for hosted and firmware targets alike. \
             Keep it in one: firmware in {TABLE}, programs with an OS in the other."
        );
    }
    Ok(())
}
