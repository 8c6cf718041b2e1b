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
        "{:<32} {:<11} {:<9} {:<6} {:<8} {:<26} linker",
        "target", "formats", "runner", "glibc", "debian", "c compiler"
    );
    for configured in &ws.config.targets {
        let spec = configured.spec;
        let formats: Vec<&str> = configured
            .formats
            .iter()
            .map(|format| format.name())
            .collect();
        let glibc = configured
            .glibc_floor
            .map_or_else(|| "-".to_owned(), |floor| floor.to_string());
        println!(
            "{:<32} {:<11} {:<9} {:<6} {:<8} {:<26} {}",
            spec.triple,
            formats.join(","),
            spec.runner.kind(),
            glibc,
            spec.debian_arch.unwrap_or("-"),
            spec.c_compiler.to_string(),
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
    let cargo_config = spec.cargo_config();
    let env: serde_json::Map<String, Value> = cargo_config
        .env
        .iter()
        .map(|var| (var.name.clone(), json!(var.value)))
        .collect();
    object["cargo_config"] = json!({
        "linker": cargo_config.linker,
        "runner": cargo_config.runner,
        "env": env,
    });
    object["c_compiler"] = json!(spec.c_compiler.to_string());
    object["linker_kind"] = json!(spec.linker.kind());
    object["static_binary"] = json!(spec.static_binary);
    if let Some(label) = &configured.ci_runner {
        object["ci_runner"] = json!(label);
    }
    object["exe_suffix"] = json!(spec.exe_name(""));
    if let Some(floor) = configured.glibc_floor {
        object["glibc_floor"] = json!(floor.to_string());
    }
    object
}
