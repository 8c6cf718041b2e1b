//! WebAssembly modules, read and validated with wasmparser: what a WASI
//! binary or a web package's module imports, exports and still carries.

use anyhow::{Context, Result};
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// What the xtask checks of a module.
#[derive(Debug, Default)]
pub struct Module<'a> {
    /// The names it exports.
    pub exports: Vec<&'a str>,
    /// What it imports, as (module, name).
    pub imports: Vec<(&'a str, &'a str)>,
    /// The names of its custom sections (`name`, `.debug_info`, `producers`).
    pub custom_sections: Vec<&'a str>,
}

/// Whether `data` starts as a WebAssembly module does.
pub fn is_wasm(data: &[u8]) -> bool {
    data.starts_with(b"\0asm")
}

/// Validates `data` as an engine would before running it (every function
/// body type-checked, with the features browsers and wasmtime have on by
/// default), and reads its imports, exports and custom sections.
pub fn read(data: &[u8]) -> Result<Module<'_>> {
    Validator::new_with_features(WasmFeatures::default())
        .validate_all(data)
        .context("is not a valid WebAssembly module")?;
    let mut module = Module::default();
    for payload in Parser::new(0).parse_all(data) {
        match payload? {
            Payload::ExportSection(exports) => {
                for export in exports {
                    module.exports.push(export?.name);
                }
            }
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    let import = import?;
                    module.imports.push((import.module, import.name));
                }
            }
            Payload::CustomSection(section) => module.custom_sections.push(section.name()),
            _ => {}
        }
    }
    Ok(module)
}

impl Module<'_> {
    /// The custom sections that only a debugger reads: `name` (function
    /// names) and DWARF's `.debug_*`.
    pub fn debug_sections(&self) -> Vec<&str> {
        self.custom_sections
            .iter()
            .copied()
            .filter(|name| *name == "name" || name.starts_with(".debug"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module exporting `f`, importing `env.g`, with a `name` section.
    const MODULE: &[u8] = &[
        0, b'a', b's', b'm', 1, 0, 0, 0, // magic, version 1
        1, 4, 1, 0x60, 0, 0, // type section: () -> ()
        2, 9, 1, 3, b'e', b'n', b'v', 1, b'g', 0, 0, // import env.g, func type 0
        3, 2, 1, 0, // function section: one function of type 0
        7, 5, 1, 1, b'f', 0, 1, // export "f" = function 1
        10, 4, 1, 2, 0, 0x0b, // code: an empty body
        0, 5, 4, b'n', b'a', b'm', b'e', // custom section "name", empty
    ];

    #[test]
    fn imports_exports_and_debug_sections_are_read() {
        let module = read(MODULE).unwrap();
        assert_eq!(module.exports, ["f"]);
        assert_eq!(module.imports, [("env", "g")]);
        assert_eq!(module.debug_sections(), ["name"]);
    }

    #[test]
    fn a_module_an_engine_would_refuse_is_refused() {
        // Its one function leaves an i32 its type, () -> (), does not return.
        const INVALID: &[u8] = &[
            0, b'a', b's', b'm', 1, 0, 0, 0, // magic, version 1
            1, 4, 1, 0x60, 0, 0, // type section: () -> ()
            3, 2, 1, 0, // function section: one function of type 0
            10, 6, 1, 4, 0, 0x41, 0, 0x0b, // code: i32.const 0, end
        ];
        let err = read(INVALID).unwrap_err();
        assert!(
            format!("{err:#}").contains("not a valid WebAssembly module"),
            "{err:#}"
        );
        assert!(read(&MODULE[..20]).is_err());
    }
}
