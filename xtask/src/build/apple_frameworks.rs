//! What a macOS build asks Apple's linker for beyond libSystem: frameworks
//! (`-framework Foundation`) and `-lobjc`, and which crates ask.
//!
//! zig links Mach-O binaries against its own stubs of libSystem and has no
//! Apple frameworks. A program that needs one links here against stubs made
//! from the record of Apple's libraries ([`apple_libraries`]), or against a
//! macOS SDK made on a Mac (`SDKROOT`, which cargo-zigbuild passes to zig,
//! and which takes precedence). A program that asks for a library the
//! record lacks is not built for macOS here: dist says why, before
//! building, while its other targets ship.
//!
//! The requests are read from the source of every crate `cargo tree`
//! resolves for the target: `#[link(name = "X", kind = "framework")]`
//! (also inside `cfg_attr`), `link(name = "objc")`, and a build script's
//! `rustc-link-lib=framework=X`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::Value;
use xshell::{Shell, cmd};

use crate::build::cargo;
use crate::targets::apple_libraries::{self, AppleLibrary};
use crate::workspace::config::Package;

/// Libraries libSystem's stubs lack, which a crate may link by name.
const NOT_IN_LIBSYSTEM: [&str; 1] = ["objc"];

/// One thing a crate asks the linker for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Request {
    /// `name version`, as cargo prints it (`objc2 v0.6.5`).
    pub by: String,
    /// `framework Foundation`, or `library objc`.
    pub what: String,
}

/// How a macOS build of a package links what it asks for beyond libSystem.
#[derive(Debug)]
pub enum Linking {
    /// As zig links by itself: it asks for nothing more, or `SDKROOT`
    /// names the user's own SDK, which has everything.
    Plain,
    /// Against stubs of these libraries, made from the record
    /// ([`apple_libraries`]), in a stub SDK.
    Stubs(Vec<&'static AppleLibrary>),
    /// Not here, for this reason: it asks for a library the record lacks.
    Refused(String),
}

/// Whether `SDKROOT` names the user's own macOS SDK.
pub fn user_sdk() -> bool {
    std::env::var_os("SDKROOT").is_some_and(|root| !root.is_empty())
}

/// Why `SDKROOT`, if set, is not a macOS SDK: it has neither the
/// `SDKSettings.json` an SDK made on a Mac has nor `usr/lib/libSystem.tbd`.
pub fn not_an_sdk() -> Option<String> {
    let root = std::env::var_os("SDKROOT").filter(|root| !root.is_empty())?;
    let root = PathBuf::from(root);
    let looks_like_one = ["SDKSettings.json", "usr/lib/libSystem.tbd"]
        .iter()
        .any(|file| root.join(file).is_file());
    (!looks_like_one).then(|| {
        format!(
            "SDKROOT is {}, which is not a macOS SDK (it has no SDKSettings.json or \
             usr/lib/libSystem.tbd), so zig would link against nothing there. Point it at an SDK \
             made on a Mac (MacOSX.sdk), or unset it to link against stubs made from the record \
             of Apple's libraries",
            root.display()
        )
    })
}

/// How `package`'s build for the macOS target `triple` links here.
pub fn linking(sh: &Shell, package: &Package, triple: &str) -> Result<Linking> {
    if user_sdk() {
        return Ok(Linking::Plain);
    }
    // Read first, so that a damaged record fails every macOS plan, not
    // only a framework user's.
    apple_libraries::libraries()?;
    let requests = requests(sh, package, triple)?;
    let mut known: Vec<&'static AppleLibrary> = Vec::new();
    let mut unknown: Vec<&Request> = Vec::new();
    for request in &requests {
        match apple_libraries::for_request(&request.what)? {
            Some(library) => known.push(library),
            None => unknown.push(request),
        }
    }
    if !unknown.is_empty() {
        return Ok(Linking::Refused(refusal(package, &unknown)));
    }
    let mut libraries = known;
    libraries.sort_by_key(|library| library.name);
    libraries.dedup_by_key(|library| library.name);
    Ok(match libraries.is_empty() {
        true => Linking::Plain,
        false => Linking::Stubs(libraries),
    })
}

/// Why `package` is not built here: what it asks for that the record lacks.
fn refusal(package: &Package, unknown: &[&Request]) -> String {
    let wanted: BTreeSet<&str> = unknown.iter().map(|r| r.what.as_str()).collect();
    let asking: Vec<String> = unknown
        .iter()
        .map(|request| format!("{} ({})", request.by, request.what))
        .collect();
    format!(
        "`{}` links Apple's {} on macOS, which neither zig nor the record of Apple's libraries \
         (xtask/apple-frameworks.txt) has: asked for by {}. Add the crate that binds it to \
         scripts/apple-frameworks-record and run the script, set SDKROOT to a macOS SDK (made \
         on a Mac, as cargo-zigbuild documents), or build the macOS targets on the macOS runner \
         `cargo xtask plan` puts them on",
        package.name,
        wanted.into_iter().collect::<Vec<_>>().join(", "),
        asking.join(", ")
    )
}

/// What the crates of `package`'s build for `triple` ask the linker for.
fn requests(sh: &Shell, package: &Package, triple: &str) -> Result<Vec<Request>> {
    let crates = cargo::resolved_crates(sh, package, triple)?;
    let json = cmd!(
        sh,
        "cargo metadata --locked --format-version 1 --filter-platform {triple}"
    )
    .quiet()
    .read()?;
    let metadata: Value = serde_json::from_str(&json)?;
    let mut found = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let id = format!(
            "{} v{}",
            package["name"].as_str().unwrap_or_default(),
            package["version"].as_str().unwrap_or_default()
        );
        if !crates.iter().any(|listed| listed.starts_with(&id)) {
            continue;
        }
        let dir = Path::new(package["manifest_path"].as_str().unwrap_or_default())
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for what in asked_for_in(&dir)? {
            found.push(Request {
                by: id.clone(),
                what,
            });
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The frameworks and libraries the Rust sources below `dir` link.
fn asked_for_in(dir: &Path) -> Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    for file in rust_sources(dir)? {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        found.extend(link_requests(&text));
    }
    Ok(found)
}

/// `src/` and `build.rs`: what is compiled into the crate or run to build
/// it (tests, examples and benches are not).
fn rust_sources(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let build_script = dir.join("build.rs");
    if build_script.is_file() {
        files.push(build_script);
    }
    let mut pending = vec![dir.join("src")];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// The link requests in one source file's text.
fn link_requests(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("link(") {
        let attribute = &text[at..];
        let attribute = &attribute[..attribute.find(')').unwrap_or(attribute.len())];
        let Some(name) = quoted_after(attribute, "name = \"") else {
            continue;
        };
        if attribute.contains("kind = \"framework\"") {
            found.push(format!("framework {name}"));
        } else if NOT_IN_LIBSYSTEM.contains(&name) {
            found.push(format!("library {name}"));
        }
    }
    for (at, _) in text.match_indices("rustc-link-lib=framework=") {
        let rest = &text[at + "rustc-link-lib=framework=".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0 {
            found.push(format!("framework {}", &rest[..end]));
        }
    }
    found
}

fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let start = text.find(prefix)? + prefix.len();
    let end = text[start..].find('"')?;
    Some(&text[start..start + end])
}

#[cfg(test)]
mod tests {
    use super::link_requests;

    #[test]
    fn frameworks_and_objc_as_real_crates_ask_for_them() {
        // As core-foundation-sys, objc2 and a build script write them.
        let text = r#"
            #[cfg_attr(all(target_vendor = "apple"), link(name = "CoreFoundation", kind = "framework"))]
            extern "C" {}
            #[cfg_attr(not(feature = "unstable-objfw"), link(name = "objc", kind = "dylib"))]
            #[link(name = "c")]
            extern "C" {}
            fn main() { println!("cargo:rustc-link-lib=framework=IOKit"); }
        "#;
        assert_eq!(
            link_requests(text),
            [
                "framework CoreFoundation",
                "library objc",
                "framework IOKit"
            ]
        );
        assert!(link_requests("#[link(name = \"m\")] extern {}").is_empty());
    }
}
