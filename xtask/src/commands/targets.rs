//! `cargo xtask targets`: the configured targets, as a table or as JSON.

use anyhow::Result;
use serde_json::{Value, json};

use crate::cli::JsonOutput;
use crate::workspace::Workspace;
use crate::workspace::config::Configured;

pub fn run(ws: &Workspace, args: &JsonOutput) -> Result<()> {
    if args.json {
        let list: Vec<Value> = ws.config.targets.iter().map(to_json).collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    println!(
        "{:<32} {:<14} {:<9} {:<8} {:<12} linker",
        "target", "formats", "runner", "builder", "debian_arch"
    );
    for configured in &ws.config.targets {
        let spec = configured.spec;
        let formats: Vec<&str> = configured
            .formats
            .iter()
            .map(|format| format.name())
            .collect();
        println!(
            "{:<32} {:<14} {:<9} {:<8} {:<12} {}",
            spec.triple,
            formats.join(","),
            spec.runner.kind(),
            spec.builder().name(),
            spec.debian_arch.unwrap_or("-"),
            spec.linker
        );
    }
    Ok(())
}

/// The JSON object of one target, as `targets --json` prints it.
pub fn to_json(configured: &Configured) -> Value {
    let spec = configured.spec;
    let mut object = json!({
        "triple": spec.triple,
        "formats": configured.formats.iter().map(|format| format.name()).collect::<Vec<_>>(),
        "runner": spec.runner.kind(),
        "builder": spec.builder().name(),
        "linker": spec.linker.to_string(),
    });
    if let Some(arch) = spec.debian_arch {
        object["debian_arch"] = json!(arch);
    }
    let (linker, runner) = spec.cargo_config();
    object["cargo_config"] = json!({ "linker": linker, "runner": runner });
    object
}
