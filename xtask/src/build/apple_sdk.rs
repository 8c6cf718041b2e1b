//! A stub macOS SDK, for linking programs that need Apple frameworks on a
//! machine that has no SDK.
//!
//! A linker needs only a library's interface: its install name, versions
//! and exported symbols. Apple's SDKs ship those as text-based stubs (TBD
//! files, "TBD Format Reference" in Apple's tapi; LLVM's TextAPI reads and
//! writes them), and zig's linker reads TBD version 4. This writes one per
//! library a program asks for, from the record in
//! [`apple_libraries`], beside zig's own
//! `libSystem.tbd`, laid out as an SDK is (`usr/lib`,
//! `System/Library/Frameworks`), so that `SDKROOT` pointing at it links
//! as a real SDK would. A real `SDKROOT` set by the user takes precedence.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use xshell::{Shell, cmd};

use crate::targets::apple_libraries::{self, AppleLibrary};
use crate::util::atomic;

/// The architectures every stub exports for: the two macOS targets (zig
/// matches `arm64` against zig's own `arm64e` libSystem stub).
const TARGETS: &str = "[ x86_64-macos, arm64-macos, arm64e-macos ]";

/// Where the stub SDK lives: under the tools folder, one per set of
/// libraries, so that two programs' SDKs never mix.
pub fn folder(tools_dir: &Path, libraries: &[&AppleLibrary]) -> PathBuf {
    let names: Vec<&str> = libraries.iter().map(|library| library.name).collect();
    tools_dir.join("apple-stub-sdk").join(names.join("+"))
}

/// Writes the stub SDK at `dir`: zig's libSystem and SDK settings, and a
/// stub of each library of the record named in `libraries`. `sh` runs in
/// the workspace root, whose `scripts/zig` says where zig's files are
/// (zig is in the tools folder, `tools_dir`).
pub fn write(sh: &Shell, tools_dir: &Path, dir: &Path, libraries: &[&str]) -> Result<()> {
    let darwin = zig_darwin_files(sh, tools_dir)?;
    for file in ["usr/lib/libSystem.tbd", "SDKSettings.json"] {
        let from = darwin.join(Path::new(file).file_name().unwrap());
        let bytes = std::fs::read(&from)
            .with_context(|| format!("cannot read zig's {}", from.display()))?;
        put(&dir.join(file), &bytes)?;
    }
    for name in libraries {
        let library = apple_libraries::by_name(name)?
            .with_context(|| format!("the record of Apple's libraries has no {name}"))?;
        put(&dir.join(stub_path(library)), tbd(library).as_bytes())?;
    }
    Ok(())
}

/// Writes `bytes` to `path`, making its folder first.
fn put(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot make {}", folder.display()))?;
    }
    atomic::write(path, bytes)
}

/// Where zig keeps its Darwin stubs (`lib/libc/darwin`), from `zig env`.
fn zig_darwin_files(sh: &Shell, tools_dir: &Path) -> Result<PathBuf> {
    let env = cmd!(sh, "scripts/zig env")
        .env("XTASK_TOOLS_DIR", tools_dir)
        .quiet()
        .read()
        .context("`scripts/zig env` failed: zig is not installed (`cargo xtask doctor`)")?;
    let zig = env
        .lines()
        .find_map(|line| line.trim().strip_prefix(".zig_exe = \""))
        .and_then(|rest| rest.strip_suffix("\","))
        .context("`zig env` names no .zig_exe")?;
    let dir = Path::new(zig).parent().unwrap_or(Path::new("."));
    Ok(dir.join("lib/libc/darwin"))
}

/// Where a library's stub goes in the SDK: a framework's in its bundle,
/// a plain library's in `usr/lib`.
fn stub_path(library: &AppleLibrary) -> PathBuf {
    if library.is_framework() {
        let name = library.name;
        PathBuf::from(format!(
            "System/Library/Frameworks/{name}.framework/{name}.tbd"
        ))
    } else {
        PathBuf::from(format!("usr/lib/lib{}.tbd", library.name))
    }
}

/// The library as a TBD v4 document.
pub fn tbd(library: &AppleLibrary) -> String {
    let quoted = |names: &mut dyn Iterator<Item = &&str>| {
        names
            .map(|name| format!("'{name}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!(
        "--- !tapi-tbd\ntbd-version: 4\ntargets: {TARGETS}\n\
         install-name: '{}'\ncurrent-version: {}\ncompatibility-version: {}\n\
         exports:\n  - targets: {TARGETS}\n    symbols: [ {} ]\n",
        library.install_name,
        library.current_version,
        library.compatibility_version,
        quoted(&mut library.symbols.iter()),
    );
    if !library.objc_classes.is_empty() {
        text.push_str(&format!(
            "    objc-classes: [ {} ]\n",
            quoted(&mut library.objc_classes.iter())
        ));
    }
    text.push_str("...\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_framework_stub_is_tbd_v4_in_its_bundle() {
        let library = apple_libraries::for_request("framework CoreFoundation")
            .unwrap()
            .unwrap();
        let text = tbd(library);
        assert!(
            text.starts_with("--- !tapi-tbd\ntbd-version: 4\n"),
            "{text}"
        );
        assert!(text.contains(
            "install-name: '/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation'"
        ));
        assert!(text.contains("compatibility-version: 150\n"));
        assert!(text.contains("'_CFRelease'"));
        assert!(text.ends_with("...\n"));
        assert_eq!(
            stub_path(library),
            Path::new("System/Library/Frameworks/CoreFoundation.framework/CoreFoundation.tbd")
        );
        let objc = apple_libraries::for_request("library objc")
            .unwrap()
            .unwrap();
        assert_eq!(stub_path(objc), Path::new("usr/lib/libobjc.tbd"));
    }
}
