//! `cargo xtask wxs [--target T]`: the WiX source a Windows target's
//! `.msi` is built from, as dist writes it, so that it can be read and
//! checked without building anything.

use anyhow::{Result, bail};

use crate::cli::WxsArgs;
use crate::release::layout::ReleaseLayout;
use crate::vocab::Format;
use crate::workspace::Workspace;

pub fn run(ws: &Workspace, args: &WxsArgs) -> Result<()> {
    let with_msi: Vec<&str> = ws
        .config
        .targets
        .iter()
        .filter(|configured| configured.formats.contains(&Format::Msi))
        .map(|configured| configured.triple())
        .collect();
    let triple = match (&args.target, with_msi.first()) {
        (Some(asked), _) if with_msi.contains(&asked.as_str()) => asked.as_str(),
        (Some(asked), _) => bail!(
            "`{asked}` is not a configured target with an .msi, so it has no WiX source. \
             Targets with one: {}. A Windows target gets an .msi by default; \
             [workspace.metadata.dist.formats] may have left it out.",
            if with_msi.is_empty() {
                "none".to_owned()
            } else {
                with_msi.join(", ")
            }
        ),
        (None, Some(first)) => first,
        (None, None) => bail!(
            "no configured target makes an .msi: add a Windows target with `cargo xtask \
             add-target x86_64-pc-windows-gnu`, or give one \"msi\" in \
             [workspace.metadata.dist.formats]."
        ),
    };
    let configured = ws
        .config
        .targets
        .iter()
        .find(|configured| configured.triple() == triple)
        .expect("chosen among the configured targets");
    let spec = configured.spec;
    // The layouts dist packages with, so each source is the one it builds:
    // one .msi per shipped package.
    let layouts = ReleaseLayout::all(&ws.config, 0)?;
    for layout in layouts
        .iter()
        .filter(|layout| !layout.artifacts(spec).is_empty())
    {
        print!("{}", layout.msi_source(spec)?);
    }
    Ok(())
}
