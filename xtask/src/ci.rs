//! `cargo xtask ci`: everything CI checks, in the order that fails fastest.

use std::collections::BTreeSet;

use anyhow::Result;
use xshell::cmd;

use crate::cli::Options;
use crate::test;
use crate::workspace::Workspace;

pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let sh = &ws.sh;
    let all = Options {
        no_install: options.no_install,
        ..Options::default()
    };
    let targets = ws.select(&[])?;
    ws.provision(&targets, options.no_install)?;

    eprintln!("==> formatting");
    cmd!(sh, "cargo fmt --all --check").run()?;

    // cfg-gated code only compiles, and so only lints, for its own OS: lint
    // once per OS among the configured targets (the host covers the xtask).
    eprintln!("==> clippy");
    cmd!(
        sh,
        "cargo clippy --workspace --all-targets --locked -- -D warnings"
    )
    .run()?;
    let mut linted_os = BTreeSet::new();
    for configured in &targets {
        if linted_os.insert(format!("{:?}", configured.spec.os)) {
            let triple = configured.triple();
            cmd!(sh, "cargo clippy --target {triple} --workspace --exclude xtask --all-targets --locked -- -D warnings").run()?;
        }
    }

    eprintln!("==> the xtask's own tests");
    cmd!(sh, "cargo test --package xtask --locked").run()?;

    test::run(ws, &all)
}
