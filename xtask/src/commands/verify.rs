//! `cargo xtask verify [DIR]`: is this dist folder complete and intact?
//! Reports every problem [`crate::release::verify`] finds, not just the
//! first.
//!
//! A release downloaded to any folder is checked without rustc, cargo or a
//! workspace: the workspace is loaded only to find the default folder (its
//! target folder), or to install minisign for `--key` or msiextract for an
//! .msi where they are missing.

use anyhow::{Result, bail};

use crate::cli::VerifyArgs;
use crate::machine::tools;
use crate::release::{publish, signing, verify};
use crate::vocab::{Probe, Tool};
use crate::workspace::Workspace;

pub fn run(load_workspace: impl Fn() -> Result<Workspace>, args: &VerifyArgs) -> Result<()> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => publish::default_out_dir(&load_workspace()?.config.target_dir),
    };
    // Only a release with an .msi needs a tool; the workspace is loaded
    // only to install it where it is missing.
    let tools = verify::tools_needed(&dir);
    let sh = xshell::Shell::new()?;
    let missing = |tool: &Tool| match tool.probe {
        Probe::Command(program) => tools::find_program(&sh, program).is_none(),
        _ => true,
    };
    if tools.iter().any(|(tool, _)| missing(tool)) {
        load_workspace()?.provision(&[], &tools, false)?;
    }
    let findings = verify::check(&dir, args.windows_ca.as_deref())?;
    for binary in &findings.binaries {
        eprintln!("  {binary}");
    }
    let mut problems = findings.problems;
    match &args.key {
        Some(key) => {
            let ws = load_workspace()?;
            ws.provision(&[], &[signing::MINISIGN], false)?;
            match signing::verify(&ws.sh, &dir, key) {
                Ok(comment) => eprintln!(
                    "  {}: good signature of SHA256SUMS by the given key ({comment})",
                    signing::SIGNATURE_FILE
                ),
                Err(err) => problems.push(format!("{err:#}")),
            }
        }
        None if dir.join(signing::SIGNATURE_FILE).exists() => eprintln!(
            "  {}: present, not checked (pass --key to check it)",
            signing::SIGNATURE_FILE
        ),
        None => eprintln!("  signature: none (the release is not signed)"),
    }
    if problems.is_empty() {
        eprintln!(
            "{} verified: every artifact matches SHA256SUMS and opens cleanly, and every binary's \
             header matches its target",
            dir.display()
        );
        return Ok(());
    }
    for problem in &problems {
        eprintln!("  {problem}");
    }
    bail!(
        "{} failed verification ({} problems, listed above). Do not publish it; run \
         `cargo xtask dist` again to rebuild it.",
        dir.display(),
        problems.len()
    )
}
