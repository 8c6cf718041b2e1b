//! npm packages, as `npm pack` makes them: a gzipped tarball whose files
//! sit under `package/`, with a package.json that says what the package is
//! and which file is its entry point.
//!
//! A web package's npm package holds wasm-bindgen's bindings (the ES module,
//! its TypeScript types, the `.wasm` it loads), the README and licenses.
//! [`check`] reads one back as verify does: its package.json against the
//! release, and its module against what the JavaScript calls.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::archive::{self, Entry};
use crate::binary::wasm;
use crate::build::wasm_bindgen::Bindings;
use crate::workspace::config::Package;

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
    package: &Package,
    version: &str,
    bindings: &Bindings,
    files: &[&str],
) -> Value {
    let mut manifest = json!({
        "name": package.name,
        "version": version,
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

/// The `.tgz`: `manifest` as package.json, then each of `files`, under
/// `package/`, every entry stamped `mtime`.
pub fn tarball(manifest: &Value, files: &[(String, Vec<u8>)], mtime: u64) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(manifest)?;
    json.push(b'\n');
    let mut entries = vec![Entry::file(format!("{PREFIX}package.json"), json)];
    for (path, data) in files {
        entries.push(Entry::file(format!("{PREFIX}{path}"), data.clone()));
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
