//! `cargo xtask doctor`: can this machine build and test every configured
//! target? Installs nothing; says exactly what to run.

use anyhow::{Result, bail};

use crate::build::apple_frameworks;
use crate::machine::provision::{self, Missing};
use crate::machine::tools::{self, Presence};
use crate::targets::{self, Builder, Os};
use crate::vocab::Role;
use crate::workspace::config::Configured;
use crate::workspace::{self, Workspace};

pub fn run(ws: &Workspace) -> Result<()> {
    let targets: Vec<&Configured> = ws.config.targets.iter().collect();
    println!(
        "{:<32} {:<8} {:<8} {:<8} notes",
        "target", "std", "linker", "runner"
    );
    for configured in &targets {
        print_row(ws, configured);
    }
    print_host_overrides(ws, &targets);
    if let Some(sdk) = apple_sdk(&targets) {
        println!("\n{sdk}");
        if apple_frameworks::not_an_sdk().is_some() {
            bail!("the macOS targets cannot be linked here with SDKROOT as it is (see above)");
        }
    }
    let specs: Vec<_> = targets.iter().map(|configured| configured.spec).collect();
    let system = workspace::system_packages(&targets);
    let missing = Missing::find(&ws.sh, &ws.tools_dir, &ws.toolchain, &specs, (&[], &system));
    if missing.is_empty() {
        println!("\nEvery configured target can be built, and every runnable one tested.");
        return Ok(());
    }
    bail!(
        "some configured targets cannot be built or tested on this machine. Install what they \
         need with:\n{}(`cargo xtask build` and `cargo xtask test` do this themselves when run as \
         root or with passwordless sudo.)",
        missing.commands(&ws.tools_dir, provision::privilege(&ws.sh))
    )
}

/// One target's row: its standard library, linker and runner, and what
/// it lacks.
fn print_row(ws: &Workspace, configured: &Configured) {
    let spec = configured.spec;
    let missing = tools::missing_tools(&ws.sh, &ws.tools_dir, spec);
    let state = |role: Role| match missing.iter().any(|tool| tool.role == role) {
        true => "MISSING",
        false => "ok",
    };
    let runner = match spec.is_runnable() {
        true => state(Role::Runner),
        false => "none",
    };
    let mut notes: Vec<String> = missing
        .iter()
        .map(|tool| match tools::presence(&ws.sh, &ws.tools_dir, tool) {
            Presence::WrongVersion { installed } => {
                format!("{tool} is {installed}, but the pin is {}", tool.source)
            }
            _ => format!("needs {tool}"),
        })
        .collect();
    if let Some(why) = spec.build_only_reason() {
        notes.push(format!("build-only: {why}"));
    }
    let std = match ws.toolchain.has_std(spec.triple) {
        true => "ok",
        false => "MISSING",
    };
    println!(
        "{:<32} {std:<8} {:<8} {runner:<8} {}",
        spec.triple,
        state(Role::Linker),
        notes.join("; ")
    );
}

/// What plain cargo needs exported on a build machine other than the one
/// .cargo/config.toml is written for.
fn print_host_overrides(ws: &Workspace, targets: &[&Configured]) {
    let overrides: Vec<(String, String)> = targets
        .iter()
        .flat_map(|configured| configured.spec.cargo_overrides(&ws.config.root))
        .collect();
    if overrides.is_empty() {
        return;
    }
    println!(
        "\nThis machine is {}, and .cargo/config.toml is written for {}. cargo xtask tells \
         cargo the difference; for plain cargo, export it too:",
        ws.toolchain.host,
        targets::REFERENCE_HOST
    );
    for (name, value) in &overrides {
        println!("  export {name}='{value}'");
    }
}

/// What zig links the macOS targets against, if zig links any here:
/// the user's SDK (`SDKROOT`), or stubs made from the record.
fn apple_sdk(targets: &[&Configured]) -> Option<String> {
    let zig_links: Vec<&str> = targets
        .iter()
        .filter(|t| t.spec.os == Os::Darwin && t.spec.builder() == Builder::Zigbuild)
        .map(|t| t.triple())
        .collect();
    if zig_links.is_empty() {
        return None;
    }
    let targets = zig_links.join(", ");
    Some(
        match (apple_frameworks::not_an_sdk(), std::env::var("SDKROOT")) {
            (Some(problem), _) => format!("{targets}: {problem}."),
            (None, Ok(root)) if !root.is_empty() => format!(
                "{targets}: zig links Apple's libraries from the SDK in SDKROOT ({root}); their \
             imports are not checked against the record."
            ),
            _ => format!(
                "{targets}: SDKROOT is not set, so zig links Apple's frameworks against stubs made \
             from xtask/apple-frameworks.txt, and dist checks every import against it."
            ),
        },
    )
}
