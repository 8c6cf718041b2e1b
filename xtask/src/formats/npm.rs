//! npm packages, as `npm pack` makes them: a gzipped tarball whose files
//! sit under `package/`, with a package.json that says what the package is
//! and which file is its entry point.
//!
//! Two kinds ship:
//! - a web package's: wasm-bindgen's bindings (the ES module, its
//!   TypeScript types, the `.wasm` it loads), the README and licenses.
//!   [`check`] reads one back as verify does: its package.json against the
//!   release, and its module against what the JavaScript calls.
//! - a program's, as Biome ships its CLI: one package per platform holding
//!   the binary (`os`, `cpu` and `libc` say where npm may install it), and
//!   a root package users install, whose `optionalDependencies` name them
//!   all and whose script runs the one npm installed. Nothing is
//!   downloaded at install time.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::ShippedBinary;
use super::archive::{self, Entry};
use crate::binary::wasm;
use crate::formats::program::Program;
use crate::targets::TargetSpec;
use crate::targets::platforms::NpmPlatform;

/// What wasm-bindgen wrote for a module named `<name>`, in one folder.
#[derive(Debug)]
pub struct Bindings {
    /// The folder.
    pub dir: PathBuf,
    /// The ES module pages import (`<name>.js`).
    pub entry: String,
    /// Its TypeScript types (`<name>.d.ts`).
    pub types: String,
    /// The WebAssembly module it loads (`<name>_bg.wasm`).
    pub module: String,
    /// Every file, by its path in the folder, in order.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Where `npm pack` puts every file.
const PREFIX: &str = "package/";

/// Refuses a name the npm registry would: npm's rules for new packages
/// (lowercase, at most 214 characters, URL-safe, not starting with `.` or
/// `_`), scoped (`@scope/name`) or not.
pub fn check_name(name: &str) -> Result<()> {
    let problem = if name.len() > 214 {
        Some("is longer than 214 characters")
    } else if name.chars().any(|c| c.is_ascii_uppercase()) {
        Some("has capital letters")
    } else if name.starts_with('.') || name.starts_with('_') {
        Some("starts with . or _")
    } else {
        let bare = match name
            .strip_prefix('@')
            .and_then(|scoped| scoped.split_once('/'))
        {
            Some((scope, rest)) if !scope.is_empty() => format!("{scope}{rest}"),
            _ => name.to_owned(),
        };
        let url_safe = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
        match bare.is_empty() || !bare.chars().all(url_safe) {
            true => Some("has characters other than a-z, 0-9, and - . _ ~ (or a scope's @ and /)"),
            false => None,
        }
    };
    match problem {
        Some(problem) => bail!(
            "`{name}` {problem}, and the npm registry refuses such package names. Rename the \
             package (its Cargo.toml `name`), e.g. to `{}`.",
            name.to_ascii_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        ),
        None => Ok(()),
    }
}

/// The package.json of `package` at `version`, whose files are `files`
/// (the bindings and the included files) and whose entry point and types
/// are the bindings'.
pub fn package_json(
    package: &Program,
    version: &str,
    bindings: &Bindings,
    files: &[&str],
) -> Value {
    let mut manifest = described(package, &package.name, version);
    let fields = json!({
        "type": "module",
        "main": bindings.entry,
        "types": bindings.types,
        "exports": {
            ".": { "types": format!("./{}", bindings.types), "default": format!("./{}", bindings.entry) },
            format!("./{}", bindings.module): format!("./{}", bindings.module),
            "./package.json": "./package.json",
        },
        "files": files,
        "sideEffects": false,
    });
    merge(&mut manifest, fields);
    manifest
}

/// The package.json fields of `name` at `version` that describe `package`:
/// description, license, homepage, repository.
fn described(package: &Program, name: &str, version: &str) -> Value {
    let mut manifest = json!({ "name": name, "version": version });
    let optional = [
        ("description", &package.description),
        ("license", &package.license),
        ("homepage", &package.homepage),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            manifest[key] = json!(value);
        }
    }
    if let Some(url) = &package.repository {
        manifest["repository"] = json!({ "type": "git", "url": url });
    }
    manifest
}

/// Adds the fields of `more` to `manifest`.
fn merge(manifest: &mut Value, more: Value) {
    if let (Some(into), Value::Object(more)) = (manifest.as_object_mut(), more) {
        into.extend(more);
    }
}

/// The name of the package of `package`'s binaries for `platform`:
/// `app-linux-x64`, `app-linux-x64-musl`, `app-win32-arm64`.
pub fn platform_package_name(package: &str, platform: &NpmPlatform) -> String {
    format!("{package}-{}", platform.suffix())
}

/// What every platform package of a program shares: its npm name, and the
/// package.json fields that describe it.
#[derive(Debug, Clone)]
pub struct NpmMetadata {
    name: String,
    described: Value,
}

impl NpmMetadata {
    /// `package`'s, at `version`; an error if npm would refuse its name.
    pub fn new(package: &Program, version: &str) -> Result<NpmMetadata> {
        check_name(&package.name)?;
        Ok(NpmMetadata {
            name: package.name.clone(),
            described: described(package, &package.name, version),
        })
    }

    /// The package of `binaries` (for `spec`, which runs on `platform`),
    /// with the `included` files: what npm installs on that platform only.
    pub fn platform_package(
        &self,
        (spec, platform): (&TargetSpec, &NpmPlatform),
        binaries: &[ShippedBinary],
        included: &[(String, Vec<u8>)],
        mtime: u64,
    ) -> Result<Vec<u8>> {
        let mut files: Vec<(String, Vec<u8>)> = included.to_vec();
        for binary in binaries {
            let path = format!("bin/{}", spec.exe_name(&binary.name));
            files.push((path, binary.data.clone()));
        }
        let listed: Vec<&String> = files.iter().map(|(path, _)| path).collect();
        let mut manifest = self.described.clone();
        merge(
            &mut manifest,
            json!({
                "name": platform_package_name(&self.name, platform),
                "os": [platform.os],
                "cpu": [platform.cpu],
                "files": listed,
            }),
        );
        if let Some(libc) = platform.libc {
            manifest["libc"] = json!([libc]);
        }
        tarball(&manifest, &files, mtime)
    }
}

/// The root package of `package` at `version`: a script per binary in
/// `bin/` that runs it from the platform package for this machine, among
/// `platforms` (each with its binaries' file names).
pub fn root_package(
    package: &Program,
    version: &str,
    platforms: &[(NpmPlatform, Vec<String>)],
    mtime: u64,
) -> Result<Vec<u8>> {
    let mut optional = serde_json::Map::new();
    let mut chooser = serde_json::Map::new();
    for (platform, exes) in platforms {
        let name = platform_package_name(&package.name, platform);
        optional.insert(name.clone(), json!(version));
        let key = format!(
            "{} {} {}",
            platform.os,
            platform.cpu,
            platform.libc.unwrap_or("-")
        );
        chooser.insert(key, json!({ "package": name, "binaries": exes }));
    }
    let mut files = Vec::new();
    let mut bins = serde_json::Map::new();
    for bin in &package.bins {
        let script = format!("bin/{bin}.js");
        bins.insert(bin.clone(), json!(script));
        files.push((
            script,
            run_script(bin, &Value::Object(chooser.clone())).into_bytes(),
        ));
    }
    let mut manifest = described(package, &package.name, version);
    let listed: Vec<&String> = files.iter().map(|(path, _)| path).collect();
    merge(
        &mut manifest,
        json!({ "bin": bins, "files": listed, "optionalDependencies": optional }),
    );
    tarball(&manifest, &files, mtime)
}

/// The script that runs `bin` from the platform package chosen by
/// `process.platform`, `process.arch` and the C library, among `choices`.
/// A glibc Linux falls back to a musl build, which is static and runs
/// there too.
fn run_script(bin: &str, choices: &Value) -> String {
    let choices = serde_json::to_string_pretty(choices).expect("JSON values serialize");
    format!(
        r#"#!/usr/bin/env node
// Runs {bin} from the platform package npm installed for this machine (one
// of this package's optionalDependencies); nothing is downloaded.
"use strict";
const {{ spawnSync }} = require("node:child_process");
const path = require("node:path");
const CHOICES = {choices};
const {{ platform, arch }} = process;
const header = platform === "linux" ? process.report.getReport().header : {{}};
const libcs = platform !== "linux" ? ["-"] : header.glibcVersionRuntime ? ["glibc", "musl"] : ["musl"];
const keys = libcs.map((libc) => `${{platform}} ${{arch}} ${{libc}}`);
const choice = keys.map((key) => CHOICES[key]).find(Boolean);
if (!choice) {{
  console.error(`{bin}: no build for ${{keys[0]}}; builds exist for ${{Object.keys(CHOICES).join(", ")}}`);
  process.exit(1);
}}
const exe = choice.binaries.find((name) => name.replace(/\.exe$/, "") === "{bin}");
let binary;
try {{
  binary = path.join(path.dirname(require.resolve(`${{choice.package}}/package.json`)), "bin", exe);
}} catch {{
  console.error(`{bin}: ${{choice.package}} is not installed; install again without --omit=optional`);
  process.exit(1);
}}
const result = spawnSync(binary, process.argv.slice(2), {{ stdio: "inherit" }});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
"#
    )
}

/// The `.tgz`: `manifest` as package.json, then each of `files`, under
/// `package/`, every entry stamped `mtime`; what is in `bin/` executable.
pub fn tarball(manifest: &Value, files: &[(String, Vec<u8>)], mtime: u64) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(manifest)?;
    json.push(b'\n');
    let mut entries = vec![Entry::file(format!("{PREFIX}package.json"), json)];
    for (path, data) in files {
        let entry = match path.starts_with("bin/") {
            true => Entry::executable(format!("{PREFIX}{path}"), data.clone()),
            false => Entry::file(format!("{PREFIX}{path}"), data.clone()),
        };
        entries.push(entry);
    }
    archive::tar_gz(&entries, mtime)
}

/// Checks the npm package `bytes` is the release's `name` at `version`:
/// everything under `package/`, a package.json that names it and the files
/// it lists, and a WebAssembly module that exports every function the
/// JavaScript calls and imports only what the JavaScript provides.
pub fn check(bytes: &[u8], name: &str, version: &str) -> Result<String> {
    let entries = archive::read_tar_gz(bytes)?;
    let file = |path: &str| {
        entries
            .iter()
            .find(|entry| entry.path == format!("{PREFIX}{path}"))
            .and_then(|entry| entry.data.as_deref())
            .with_context(|| format!("has no {PREFIX}{path}"))
    };
    if let Some(stray) = entries.iter().find(|e| !e.path.starts_with(PREFIX)) {
        bail!(
            "has {} outside {PREFIX}, where npm does not look",
            stray.path
        );
    }
    let manifest: Value =
        serde_json::from_slice(file("package.json")?).context("its package.json is not JSON")?;
    for (key, expected) in [("name", name), ("version", version)] {
        if manifest[key] != expected {
            bail!(
                "its package.json says {key} {}, the release {expected}",
                manifest[key]
            );
        }
    }
    let listed = manifest["files"]
        .as_array()
        .context("its package.json lists no files")?;
    for path in listed.iter().chain([&manifest["main"], &manifest["types"]]) {
        file(
            path.as_str()
                .context("package.json names a file with no string")?,
        )?;
    }
    let entry = manifest["main"].as_str().unwrap_or_default();
    let glue = String::from_utf8_lossy(file(entry)?);
    let module_path = listed
        .iter()
        .filter_map(Value::as_str)
        .find(|path| path.ends_with(".wasm"))
        .context("lists no .wasm module")?;
    let module = wasm::read(file(module_path)?).with_context(|| module_path.to_owned())?;
    check_bindings_match(&glue, &module, entry, module_path)?;
    Ok(format!(
        "npm package {name}@{version}: {entry} and {module_path} (valid, {} exports, each it calls \
         present)",
        module.exports.len()
    ))
}

/// The `name` and `version` its package.json gives an npm package.
pub fn name_and_version(bytes: &[u8]) -> Result<(String, String)> {
    let entries = archive::read_tar_gz(bytes)?;
    let manifest = manifest_of(&entries)?;
    let field = |key: &str| manifest[key].as_str().map(str::to_owned);
    field("name")
        .zip(field("version"))
        .context("its package.json has no name or version")
}

/// The package.json among `entries`.
fn manifest_of(entries: &[Entry]) -> Result<Value> {
    let json = entries
        .iter()
        .find(|entry| entry.path == format!("{PREFIX}package.json"))
        .and_then(|entry| entry.data.as_deref())
        .with_context(|| format!("has no {PREFIX}package.json"))?;
    serde_json::from_slice(json).context("its package.json is not JSON")
}

/// Checks a platform package is `name` at `version`, for `platform`
/// (`os`, `cpu`, `libc`), with every file it lists; returns its files,
/// whose binaries verify then checks against the target.
pub fn check_platform(
    bytes: &[u8],
    name: &str,
    version: &str,
    platform: &NpmPlatform,
) -> Result<(Vec<Entry>, Option<String>)> {
    let entries = archive::read_tar_gz(bytes)?;
    let manifest = manifest_of(&entries)?;
    let expected = [
        ("name", json!(name)),
        ("version", json!(version)),
        ("os", json!([platform.os])),
        ("cpu", json!([platform.cpu])),
    ];
    for (key, value) in expected {
        if manifest[key] != value {
            bail!(
                "its package.json says {key} {}, where {value} was expected",
                manifest[key]
            );
        }
    }
    if platform.libc.is_some() && manifest["libc"] != json!([platform.libc]) {
        bail!(
            "its package.json says libc {}, not [{:?}]",
            manifest["libc"],
            platform.libc
        );
    }
    let listed = manifest["files"]
        .as_array()
        .context("its package.json lists no files")?;
    for path in listed.iter().filter_map(Value::as_str) {
        if !entries
            .iter()
            .any(|entry| entry.path == format!("{PREFIX}{path}"))
        {
            bail!("its package.json lists {path}, which it does not hold");
        }
    }
    let line = format!("npm package {name}@{version} for {}", platform.suffix());
    Ok((entries, Some(line)))
}

/// Checks the root package is `name` at `version`, that every package it
/// names in `optionalDependencies` is among `shipped` (name, version) at
/// that version, and that each of its `bin` scripts is there.
pub fn check_root(
    bytes: &[u8],
    name: &str,
    version: &str,
    shipped: &[(String, String)],
) -> Result<String> {
    let entries = archive::read_tar_gz(bytes)?;
    let manifest = manifest_of(&entries)?;
    if manifest["name"] != name || manifest["version"] != version {
        bail!(
            "its package.json names {}@{}, the release {name}@{version}",
            manifest["name"],
            manifest["version"]
        );
    }
    let optional = manifest["optionalDependencies"]
        .as_object()
        .context("its package.json has no optionalDependencies")?;
    for (dependency, wanted) in optional {
        let found = shipped.iter().any(|(n, v)| n == dependency && wanted == v);
        if !found {
            bail!("it depends on {dependency}@{wanted}, which the release does not ship");
        }
    }
    let bins = manifest["bin"]
        .as_object()
        .context("its package.json has no bin")?;
    for script in bins.values().filter_map(Value::as_str) {
        if !entries
            .iter()
            .any(|entry| entry.path == format!("{PREFIX}{script}"))
        {
            bail!("its bin script {script} is missing");
        }
    }
    Ok(format!(
        "npm package {name}@{version}, choosing among {} platform packages",
        optional.len()
    ))
}

/// Refuses JavaScript that calls a function the module does not export
/// (`wasm.<name>`), or a module that imports what the JavaScript does not
/// give it: bindings and module from different builds.
fn check_bindings_match(glue: &str, module: &wasm::Module, entry: &str, path: &str) -> Result<()> {
    for called in called_exports(glue) {
        if !module.exports.contains(&called) {
            bail!("{entry} calls wasm.{called}, which {path} does not export");
        }
    }
    for (from, name) in &module.imports {
        if !glue.contains(&format!("{name}:")) {
            bail!("{path} imports {name} from {from}, which {entry} does not give it");
        }
    }
    Ok(())
}

/// The names the bindings call as `wasm.<name>`.
fn called_exports(glue: &str) -> Vec<&str> {
    let mut called: Vec<&str> = glue
        .match_indices("wasm.")
        .filter(|(at, _)| {
            // Not the tail of another name, like `initWasm.x`.
            !glue[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.')
        })
        .map(|(at, _)| {
            let rest = &glue[at + 5..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| !name.is_empty())
        .collect();
    called.sort_unstable();
    called.dedup();
    called
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_npm_would_refuse_are_refused_with_a_fix() {
        for good in ["web", "my-tool", "@acme/web", "a.b_c~d"] {
            check_name(good).unwrap();
        }
        for (bad, why) in [
            ("Web", "capital letters"),
            ("_web", "starts with"),
            ("web app", "characters other than"),
            ("@/web", "characters other than"),
        ] {
            let err = check_name(bad).unwrap_err().to_string();
            assert!(err.contains(why) && err.contains("Rename"), "{bad}: {err}");
        }
        assert!(check_name(&"a".repeat(215)).is_err());
    }

    #[test]
    fn the_functions_the_bindings_call_are_found() {
        let glue = "const ret = wasm.humanBytes(x);\nwasm.__wbindgen_free(a, b);\n\
                    initWasm.notThis(); wasm = instance.exports; wasm.humanBytes(y)";
        assert_eq!(called_exports(glue), ["__wbindgen_free", "humanBytes"]);
    }
}
