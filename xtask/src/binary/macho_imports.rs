//! What a Mach-O binary imports, checked against what Apple's libraries
//! export.
//!
//! A macOS binary names each library it loads (`LC_LOAD_DYLIB`) and, in
//! the two-level namespace every modern linker writes, each undefined
//! symbol's library by ordinal (`n_desc`). dyld refuses to start a binary
//! whose symbol its library lacks ("Symbol not found"), and nothing on
//! Linux can start one to find out. So after the link, every import from a
//! library of the record ([`apple_libraries`]) must be one the record lists,
//! and every library loaded must be libSystem (zig's own stub) or in the
//! record.

use anyhow::{Result, anyhow, bail};
use object::macho::MH_TWOLEVEL;
use object::read::macho::{MachHeader, MachOFile64};
use object::{LittleEndian, Object};

use crate::targets::apple_libraries;

/// libSystem and the libraries it re-exports, which zig's own stub covers.
const LIBSYSTEM: [&str; 2] = ["/usr/lib/libSystem.B.dylib", "/usr/lib/system/"];

/// Each import of the thin Mach-O `binary`: `(library install name, symbol)`.
pub fn imports(binary: &[u8]) -> Result<Vec<(String, String)>> {
    let file = MachOFile64::<LittleEndian>::parse(binary)?;
    if file.macho_header().flags(LittleEndian) & MH_TWOLEVEL == 0 {
        bail!(
            "binds its imports in the flat namespace (its header lacks MH_TWOLEVEL): dyld looks \
             each one up in every library loaded, so nothing can check where it comes from. \
             Link without -flat_namespace"
        );
    }
    let imports = file.imports().map_err(|err| {
        anyhow!(
            "binds an import to no library it loads ({err}): a symbol left to \
             `-undefined dynamic_lookup`, which dyld resolves only at run time, if at all. Link \
             without it, so that the linker finds every symbol"
        )
    })?;
    Ok(imports
        .iter()
        .map(|import| {
            let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
            (text(import.library()), text(import.name()))
        })
        .collect())
}

/// Fails, naming each, if the thin Mach-O `binary` (`what`, in the
/// message) imports a symbol from a library of the record that the record
/// does not list, or loads a library that is neither libSystem nor in the
/// record. Returns how many imports it checked.
pub fn check(what: &str, binary: &[u8]) -> Result<usize> {
    let imports = imports(binary).map_err(|err| anyhow!("{what} {err:#}"))?;
    let mut missing = Vec::new();
    for (library, symbol) in &imports {
        // An empty library is the binary itself (ordinal 0, "self").
        if library.is_empty() || LIBSYSTEM.iter().any(|system| library.starts_with(system)) {
            continue;
        }
        match apple_libraries::by_install_name(library)? {
            Some(known) if known.symbols.contains(symbol.as_str()) => {}
            Some(known) => missing.push(format!("{symbol} from {}", known.name)),
            None => missing.push(format!(
                "{symbol} from {library}, a library the record lacks"
            )),
        }
    }
    if !missing.is_empty() {
        bail!(
            "{what} imports what the record of Apple's libraries (xtask/apple-frameworks.txt) \
             does not list: {}. dyld would refuse to start it if the library lacks it. Add the \
             crate that declares it to scripts/apple-frameworks-record and run \
             `scripts/apple-frameworks-record > xtask/apple-frameworks.txt`, link with a real \
             macOS SDK (SDKROOT), or build the target on the macOS runner `cargo xtask plan` \
             puts it on.",
            missing.join(", ")
        );
    }
    Ok(imports.len())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use object::macho::{LC_DYSYMTAB, LC_LOAD_DYLIB, LC_SYMTAB, MH_EXECUTE, MH_MAGIC_64};

    /// A thin arm64 Mach-O that loads `library` and imports `symbols` from
    /// it (library ordinal 1), as a two-level-namespace linker writes them:
    /// a header, LC_LOAD_DYLIB, LC_SYMTAB and LC_DYSYMTAB, the undefined
    /// symbols and their names.
    pub(crate) fn importing(library: &str, symbols: &[&str]) -> Vec<u8> {
        linked(library, symbols, MH_TWOLEVEL, 1)
    }

    /// As [`importing`], with the header's `flags` and the symbols'
    /// library `ordinal`.
    fn linked(library: &str, symbols: &[&str], flags: u32, ordinal: u16) -> Vec<u8> {
        let u32s = |values: &[u32]| {
            values
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>()
        };
        let mut name = library.as_bytes().to_vec();
        name.resize((name.len() + 1).next_multiple_of(8), 0);
        let dylib_size = 24 + name.len() as u32;
        let commands = dylib_size + 24 + 80;
        let symtab_at = 32 + commands;
        let strings_at = symtab_at + 16 * symbols.len() as u32;
        let mut strings = vec![0u8];
        let mut nlists = Vec::new();
        for symbol in symbols {
            nlists.extend((strings.len() as u32).to_le_bytes());
            nlists.extend([0x01, 0]); // N_UNDF | N_EXT, no section
            nlists.extend((ordinal << 8).to_le_bytes()); // the library ordinal
            nlists.extend(0u64.to_le_bytes());
            strings.extend(symbol.as_bytes());
            strings.push(0);
        }
        let mut data = u32s(&[
            MH_MAGIC_64,
            0x0100_000c,
            0,
            MH_EXECUTE,
            3,
            commands,
            flags,
            0,
        ]);
        data.extend(u32s(&[
            LC_LOAD_DYLIB,
            dylib_size,
            24,
            0,
            0x07b3_0000,
            0x0096_0000,
        ]));
        data.extend(name);
        data.extend(u32s(&[
            LC_SYMTAB,
            24,
            symtab_at,
            symbols.len() as u32,
            strings_at,
            strings.len() as u32,
        ]));
        let mut dysymtab = vec![LC_DYSYMTAB, 80, 0, 0, 0, 0, 0, symbols.len() as u32];
        dysymtab.resize(20, 0);
        data.extend(u32s(&dysymtab));
        data.extend(nlists);
        data.extend(strings);
        data
    }

    const CORE_FOUNDATION: &str =
        "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation";

    #[test]
    fn imports_the_record_lists_pass() {
        let binary = importing(CORE_FOUNDATION, &["_CFRelease", "_CFTimeZoneCopySystem"]);
        assert_eq!(
            imports(&binary).unwrap(),
            [
                (CORE_FOUNDATION.to_owned(), "_CFRelease".to_owned()),
                (
                    CORE_FOUNDATION.to_owned(),
                    "_CFTimeZoneCopySystem".to_owned()
                )
            ]
        );
        assert_eq!(check("app", &binary).unwrap(), 2);
        let system = importing("/usr/lib/libSystem.B.dylib", &["_write"]);
        assert_eq!(check("app", &system).unwrap(), 1);
    }

    #[test]
    fn an_import_the_record_lacks_is_named_with_its_library_and_the_fix() {
        let binary = importing(CORE_FOUNDATION, &["_CFRelease", "_CFNoSuchFunction"]);
        let err = check("app (aarch64-apple-darwin)", &binary)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("_CFNoSuchFunction from CoreFoundation"),
            "{err}"
        );
        assert!(!err.contains("_CFRelease"), "{err}");
        assert!(err.contains("scripts/apple-frameworks-record"), "{err}");
        let metal = importing(
            "/System/Library/Frameworks/Metal.framework/Versions/A/Metal",
            &["_MTLCreateSystemDefaultDevice"],
        );
        let err = check("app", &metal).unwrap_err().to_string();
        assert!(err.contains("a library the record lacks"), "{err}");
    }

    #[test]
    fn flat_and_dynamic_lookup_bindings_are_refused() {
        let flat = linked(CORE_FOUNDATION, &["_CFRelease"], 0, 1);
        let err = check("app", &flat).unwrap_err().to_string();
        assert!(
            err.contains("app binds its imports in the flat namespace"),
            "{err}"
        );
        // DYNAMIC_LOOKUP_ORDINAL: `-undefined dynamic_lookup`.
        let dynamic = linked(CORE_FOUNDATION, &["_CFRelease"], MH_TWOLEVEL, 0xfe);
        let err = check("app", &dynamic).unwrap_err().to_string();
        assert!(
            err.contains("app binds an import to no library it loads"),
            "{err}"
        );
        assert!(err.contains("dynamic_lookup"), "{err}");
    }
}
