//! Man pages and completions the program prints itself (`generate` in its
//! `[package.metadata.dist]`): each command run on each binary of a build
//! that runs here, its standard output kept as the file.

use std::path::PathBuf;

use anyhow::{Result, bail};
use xshell::Shell;

use crate::util::progress;
use crate::workspace::config::Generate;

/// One printed file: `(binary, kind, bytes)`, kind as [`Generate`] names
/// it (`man`, `bash`, …).
pub type Printed = (String, &'static str, Vec<u8>);

/// Runs every command of `generate` on each of `binaries` (`(name, path)`
/// of a build that runs natively here).
pub fn print(
    sh: &Shell,
    generate: &Generate,
    binaries: &[(String, PathBuf)],
) -> Result<Vec<Printed>> {
    let mut printed = Vec::new();
    for (bin, path) in binaries {
        for (kind, args) in &generate.commands {
            let command = format!("{bin} {}", args.join(" "));
            let output = sh.cmd(path).args(args).ignore_status().output()?;
            let file = Generate::file_name(kind, bin);
            if !output.status.success() {
                bail!(
                    "`{command}`, which [package.metadata.dist.generate] `{kind}` gives to print \
                     {file}, failed ({}): {}. Fix the arguments, or remove `{kind}`.",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
            if output.stdout.iter().all(u8::is_ascii_whitespace) {
                bail!(
                    "`{command}`, which [package.metadata.dist.generate] `{kind}` gives to print \
                     {file}, printed nothing on its standard output. Give the arguments that \
                     print it, or remove `{kind}`."
                );
            }
            progress::detail(format_args!("{file}: printed by `{command}`"));
            printed.push((bin.clone(), *kind, output.stdout));
        }
    }
    Ok(printed)
}
