//! `cargo xtask targets`: the configured targets, as a table or as JSON.

use anyhow::Result;
use serde_json::{Value, json};

use crate::cli::TargetsArgs;
use crate::targets::{self, KNOWN_TARGETS, platforms};
use crate::vocab::Format;
use crate::workspace::Workspace;
use crate::workspace::config::Configured;

/// A target's row as JSON, with what this workspace does with it: whether
/// it is configured, the packages built for it (the firmware's, or the
/// programs'), whether dist writes its SBOM, and where its binary sits in
/// the release's container image.
fn in_this_workspace(ws: &Workspace, configured: &Configured) -> Value {
    let mut object = to_json(configured);
    object["configured"] = json!(ws.config.is_configured(configured.triple()));
    let packages: Vec<&str> = ws
        .config
        .packages_for(configured.spec)
        .map(|(_, package)| package.name.as_str())
        .collect();
    object["packages"] = json!(packages);
    object["sbom"] = json!(ws.config.sbom);
    let in_image = ws.config.container_image && configured.formats.contains(&Format::TarGz);
    if let Some(platform) = platforms::container(configured.spec).filter(|_| in_image) {
        object["container_platform"] = json!(platform.to_string());
    }
    object
}

pub fn run(ws: &Workspace, args: &TargetsArgs) -> Result<()> {
    let known;
    let listed: Vec<&Configured> = if args.known {
        known = known_targets(ws);
        known.iter().collect()
    } else {
        ws.config.targets.iter().collect()
    };
    if args.output.json {
        let list: Vec<Value> = listed
            .iter()
            .map(|configured| in_this_workspace(ws, configured))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    println!(
        "{:<32} {:<23} {:<11} {:<6} {:<8} {:<8} {:<26} linker",
        "target", "formats", "runner", "glibc", "debian", "rpm", "c compiler"
    );
    let mut released_otherwise = Vec::new();
    for configured in listed {
        let spec = configured.spec;
        let formats: Vec<&str> = configured
            .formats
            .iter()
            .map(|format| format.name())
            .collect();
        let glibc = configured
            .glibc_floor
            .map_or_else(|| "-".to_owned(), |floor| floor.to_string());
        let mark = if args.known && ws.config.is_configured(spec.triple) {
            "*"
        } else {
            ""
        };
        println!(
            "{:<32} {:<23} {:<11} {:<6} {:<8} {:<8} {:<26} {}",
            format!("{}{mark}", spec.triple),
            formats.join(","),
            spec.runner.kind(),
            glibc,
            spec.debian_arch.unwrap_or("-"),
            spec.rpm_arch.unwrap_or("-"),
            spec.c_compiler.to_string(),
            spec.linker
        );
        if let Some(release) = configured.release_toolchain() {
            released_otherwise.push(format!("  {:<30} {release}", spec.triple));
        }
    }
    if !released_otherwise.is_empty() {
        println!(
            "\nThe C compiler and linker above build and test; `cargo xtask dist` releases these \
             with others:"
        );
        for line in released_otherwise {
            println!("{line}");
        }
    }
    if args.known {
        println!("\n* configured; `cargo xtask add-target TRIPLE` adds another.");
    }
    Ok(())
}

/// Every row of the table as this build machine sees it, configured ones
/// as configured and the rest with the defaults `add-target` would give.
fn known_targets(ws: &Workspace) -> Vec<Configured> {
    KNOWN_TARGETS
        .iter()
        .map(|reference| {
            let spec =
                targets::lookup_on(&ws.toolchain.host, reference.triple).unwrap_or(reference);
            match ws.config.targets.iter().find(|c| c.triple() == spec.triple) {
                Some(configured) => Configured {
                    spec,
                    formats: configured.formats.clone(),
                    ci_runner: configured.ci_runner.clone(),
                    glibc_floor: configured.glibc_floor,
                    macos_floor: configured.macos_floor,
                    apt: configured.apt.clone(),
                },
                None => Configured {
                    spec,
                    formats: spec.default_formats().to_vec(),
                    ci_runner: None,
                    glibc_floor: spec.min_glibc,
                    macos_floor: spec.min_macos,
                    apt: Vec::new(),
                },
            }
        })
        .collect()
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
    if let Some(arch) = spec.rpm_arch {
        object["rpm_arch"] = json!(arch);
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
    if let Some(release) = configured.release_toolchain() {
        object["release_toolchain"] = json!(release);
    }
    object["linker_kind"] = json!(spec.linker.kind());
    object["static_binary"] = json!(spec.static_binary);
    if let Some(label) = &configured.ci_runner {
        object["ci_runner"] = json!(label);
    }
    object["exe_suffix"] = json!(spec.exe_name(""));
    if let Some(floor) = configured.macos_floor {
        object["macos_floor"] = json!(floor.to_string());
    }
    if let Some(floor) = configured.glibc_floor {
        object["glibc_floor"] = json!(floor.to_string());
    }
    object
}
