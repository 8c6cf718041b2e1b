//! What a shipped package is, by what it runs on, and the tables that say
//! so: `[workspace.metadata.dist.firmware]` and `.web]`.
//!
//! Targets are per kind of package. The programs (`package`/`packages`)
//! ship for `targets`, which all have an OS. The firmware packages ship for
//! `firmware.targets`, which have none (`thumbv7m-none-eabi`); the web
//! packages for `web.targets`, the browser (`wasm32-unknown-unknown`). No
//! kind is ever built for another's targets: a no_std image has nothing to
//! do on Linux, a program that needs std cannot be built for a Cortex-M,
//! and a browser module has neither a `main` nor an OS.

use anyhow::{Result, bail};

use super::tables::DistTable;
use crate::targets::{Os, TargetSpec};

/// What a shipped package is, in the order the configuration lists each
/// kind's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A program with an OS under it (`package`/`packages`).
    Program,
    /// A no_std image for a microcontroller.
    Firmware,
    /// A WebAssembly module for web pages and Node.js, with JavaScript
    /// bindings from wasm-bindgen.
    Web,
}

impl Kind {
    /// The kinds that have a table of their own, in the order their
    /// packages and targets follow the programs'.
    pub const TABLED: [Kind; 2] = [Kind::Firmware, Kind::Web];

    /// The kind of package built for `spec`.
    pub fn of_target(spec: &TargetSpec) -> Kind {
        match spec.os {
            Os::BareMetal => Kind::Firmware,
            Os::Browser => Kind::Web,
            _ => Kind::Program,
        }
    }

    /// Its key under `[workspace.metadata.dist]`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Program => "",
            Kind::Firmware => "firmware",
            Kind::Web => "web",
        }
    }

    /// Where its packages and targets are listed, as errors spell it.
    pub fn table(self) -> String {
        match self {
            Kind::Program => "[workspace.metadata.dist]".to_owned(),
            _ => format!("[workspace.metadata.dist.{}]", self.key()),
        }
    }

    /// Its targets, as errors describe them.
    fn targets_are(self) -> &'static str {
        match self {
            Kind::Program => "targets with an OS (like x86_64-unknown-linux-gnu)",
            Kind::Firmware => "targets with no OS (like thumbv7m-none-eabi)",
            Kind::Web => "the browser's target, wasm32-unknown-unknown",
        }
    }

    /// An example package name, for errors.
    fn example(self) -> &'static str {
        match self {
            Kind::Program => "app",
            Kind::Firmware => "firmware",
            Kind::Web => "web",
        }
    }
}

/// What a kind's table lists.
#[derive(Debug, Default)]
pub struct KindLists<'a> {
    /// Its `packages`.
    pub packages: Vec<&'a str>,
    /// Its `targets`.
    pub targets: Vec<&'a str>,
}

/// Reads the table of `kind` (not [`Kind::Program`]): no table means no
/// package of that kind.
pub fn lists(dist: &DistTable, kind: Kind) -> Result<KindLists<'_>> {
    let table = match kind {
        Kind::Program => None,
        Kind::Firmware => dist.firmware.as_ref(),
        Kind::Web => dist.web.as_ref(),
    };
    let Some(table) = table else {
        return Ok(KindLists::default());
    };
    if table.packages.is_empty() {
        bail!(
            "{} names no package in `packages`. Name the package it ships, like \
             [\"{}\"], or remove the table.",
            kind.table(),
            kind.example()
        );
    }
    // No targets is a package kept in the workspace but not shipped: it is
    // still kept out of the programs' builds.
    Ok(KindLists {
        packages: table.packages.iter().map(String::as_str).collect(),
        targets: table.targets.iter().map(String::as_str).collect(),
    })
}

/// Refuses a target listed in the table of a kind that is not built for
/// it: one with no OS among the programs' `targets`, one with an OS among
/// the firmware's, the browser's anywhere but the web table.
pub fn check_target_kind(spec: &TargetSpec, listed_as: Kind) -> Result<()> {
    let triple = spec.triple;
    let belongs = Kind::of_target(spec);
    if belongs == listed_as {
        return Ok(());
    }
    let listed_in = listed_as.table();
    let move_to = belongs.table();
    bail!(
        "`{triple}` is listed in {listed_in} `targets`, whose packages are built for {}, but it \
         is one of {}. Move it to `targets` in {move_to}, whose packages are built for it \
         (`cargo xtask remove-target {triple}`, then `cargo xtask add-target {triple}` does \
         this).",
        listed_as.targets_are(),
        belongs.targets_are()
    )
}

/// Refuses a package named in the lists of two kinds: it would be built
/// for both kinds of target.
pub fn check_named_once(named: &[(Kind, &str)]) -> Result<()> {
    for (i, (kind, name)) in named.iter().enumerate() {
        if let Some((other, _)) = named[..i].iter().find(|(_, earlier)| earlier == name) {
            if other == kind {
                bail!("{} names package `{name}` twice. Remove one.", kind.table());
            }
            bail!(
                "package `{name}` is named both in {} and in {} `packages`, so it would be \
                 built for {} and for {} alike. Keep it in one.",
                other.table(),
                kind.table(),
                other.targets_are(),
                kind.targets_are()
            );
        }
    }
    Ok(())
}
