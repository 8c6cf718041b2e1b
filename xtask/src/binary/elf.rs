//! Reading what an ELF binary needs from the system: the shared libraries
//! it loads (DT_NEEDED), the symbol versions it asks of each
//! (`.gnu.version_r`), and the newest glibc any of its symbols needs.
//! Package dependencies and the glibc-floor check are derived from this.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use object::read::elf::{Dyn as _, FileHeader, SectionHeader as _, Sym as _};

use crate::targets::Version;

/// The newest glibc a binary needs, and one symbol that needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlibcNeed {
    pub version: Version,
    /// An imported symbol bound to that version, e.g. `__libc_start_main`.
    pub symbol: String,
}

/// Whether `data` is an ELF file.
pub fn is_elf(data: &[u8]) -> bool {
    data.starts_with(b"\x7fELF")
}

/// The newest `GLIBC_x.y` version any imported symbol of `binary` is bound
/// to; `None` for a binary that needs no glibc (static, musl).
pub fn newest_glibc(binary: &[u8]) -> Result<Option<GlibcNeed>> {
    match object::FileKind::parse(binary)? {
        object::FileKind::Elf32 => {
            glibc_need::<object::elf::FileHeader32<object::Endianness>>(binary)
        }
        object::FileKind::Elf64 => {
            glibc_need::<object::elf::FileHeader64<object::Endianness>>(binary)
        }
        other => bail!("expected an ELF binary, found {other:?}"),
    }
}

/// Fails if `binary` (called `what` in the message) needs a newer glibc
/// than `floor`, naming the symbol that does; or if a library it loads
/// from `libraries` (where Debian installs its architecture's) does.
pub fn check_glibc_floor(
    what: &str,
    binary: &[u8],
    floor: Version,
    libraries: Option<&Path>,
) -> Result<()> {
    match newest_glibc(binary).with_context(|| format!("{what} is not a readable ELF file"))? {
        Some(need) if need.version > floor => bail!(
            "{what} needs glibc {} (its symbol {} is bound to GLIBC_{}), above the release's \
             floor of {floor}: it would not start on the older systems the floor promises. \
             Build it with `cargo xtask dist`, which links against the floor, or raise \
             `min-glibc` in [workspace.metadata.dist]",
            need.version,
            need.symbol,
            need.version
        ),
        _ => {}
    }
    let Some(dir) = libraries else {
        return Ok(());
    };
    for (library, need) in library_needs(binary, dir)?.found {
        if need.version > floor {
            bail!(
                "{what} loads {library}, which needs glibc {} (its symbol {} is bound to \
                 GLIBC_{}), above the release's floor of {floor}: it would not start on the \
                 older systems the floor promises. Raise `min-glibc` in \
                 [workspace.metadata.dist] to {}, or compile the library into the program",
                need.version,
                need.symbol,
                need.version,
                need.version
            );
        }
    }
    Ok(())
}

/// What the shared libraries a binary loads besides glibc's (and gcc's
/// unwinder) need of glibc.
#[derive(Debug, Default)]
pub struct LibraryNeeds {
    /// Each one found, with the newest glibc it needs (none for a library
    /// that needs no versioned symbol).
    pub found: Vec<(String, GlibcNeed)>,
    /// Those not in the folder looked in.
    pub missing: Vec<String>,
}

/// What the libraries `binary` loads need of glibc, each read from `dir`,
/// where Debian installs the libraries of the binary's architecture
/// (/usr/lib/aarch64-linux-gnu): the floor of a binary is the newest of
/// its own needs and theirs.
pub fn library_needs(binary: &[u8], dir: &Path) -> Result<LibraryNeeds> {
    let mut needs = LibraryNeeds::default();
    for library in needed_libraries(binary)?.into_keys() {
        if is_glibc_library(&library) || library == "libgcc_s.so.1" {
            continue;
        }
        let path = dir.join(&library);
        let Ok(data) = std::fs::read(&path) else {
            needs.missing.push(library);
            continue;
        };
        let need = newest_glibc(&data)
            .with_context(|| format!("{} is not a readable ELF file", path.display()))?;
        if let Some(need) = need {
            needs.found.push((library, need));
        }
    }
    Ok(needs)
}

/// Whether `library` (a DT_NEEDED name) is glibc's own: its loader, libc
/// and the libraries glibc ships beside it.
pub fn is_glibc_library(library: &str) -> bool {
    library.starts_with("ld-linux")
        || library.starts_with("ld64.so")
        || GLIBC_LIBRARIES.contains(&library)
}

/// glibc's libraries besides the dynamic loader.
const GLIBC_LIBRARIES: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libutil.so.1",
];

fn glibc_need<Elf: FileHeader<Endian = object::Endianness>>(
    data: &[u8],
) -> Result<Option<GlibcNeed>> {
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let Some(versions) = sections.versions(endian, data)? else {
        return Ok(None);
    };
    let symbols = sections.symbols(endian, data, object::elf::SHT_DYNSYM)?;
    let mut newest: Option<GlibcNeed> = None;
    for (index, symbol) in symbols.enumerate() {
        if !symbol.is_undefined(endian) {
            continue;
        }
        let Some(version) = versions.version(versions.version_index(endian, index))? else {
            continue;
        };
        let Some(glibc) = Version::of_symbol_version(&String::from_utf8_lossy(version.name()))
        else {
            continue;
        };
        if newest.as_ref().is_none_or(|known| glibc > known.version) {
            let name = symbol.name(endian, symbols.strings())?;
            newest = Some(GlibcNeed {
                version: glibc,
                symbol: String::from_utf8_lossy(name).into_owned(),
            });
        }
    }
    Ok(newest)
}

/// Each shared library `binary` loads, with the symbol versions it needs
/// from it (`GLIBC_2.17`, `GCC_4.2.0`, …).
pub fn needed_libraries(binary: &[u8]) -> Result<BTreeMap<String, Vec<String>>> {
    match object::FileKind::parse(binary)? {
        object::FileKind::Elf32 => {
            elf_needs::<object::elf::FileHeader32<object::Endianness>>(binary)
        }
        object::FileKind::Elf64 => {
            elf_needs::<object::elf::FileHeader64<object::Endianness>>(binary)
        }
        other => bail!("expected an ELF binary, found {other:?}"),
    }
}

/// Each DT_NEEDED library with the symbol versions required from it.
fn elf_needs<Elf: FileHeader<Endian = object::Endianness>>(
    data: &[u8],
) -> Result<BTreeMap<String, Vec<String>>> {
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let mut needs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some((entries, link)) = sections.dynamic(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        for entry in entries {
            if entry.tag32(endian) == Some(object::elf::DT_NEEDED) {
                let name = entry.string(endian, strings)?;
                needs
                    .entry(String::from_utf8_lossy(name).into_owned())
                    .or_default();
            }
        }
    }
    if let Some((mut verneeds, link)) = sections.gnu_verneed(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        while let Some((verneed, mut auxes)) = verneeds.next()? {
            let file = String::from_utf8_lossy(verneed.file(endian, strings)?).into_owned();
            let versions = needs.entry(file).or_default();
            while let Some(aux) = auxes.next()? {
                versions.push(String::from_utf8_lossy(aux.name(endian, strings)?).into_owned());
            }
        }
    }
    Ok(needs)
}

/// Whether `binary` has a GNU-style symbol hash table and no SysV one, so
/// that only a dynamic loader that reads GNU hashes can load it (what rpm
/// calls `rtld(GNU_HASH)`).
pub fn has_only_gnu_hash(binary: &[u8]) -> Result<bool> {
    match object::FileKind::parse(binary)? {
        object::FileKind::Elf32 => {
            hash_sections::<object::elf::FileHeader32<object::Endianness>>(binary)
        }
        object::FileKind::Elf64 => {
            hash_sections::<object::elf::FileHeader64<object::Endianness>>(binary)
        }
        other => bail!("expected an ELF binary, found {other:?}"),
    }
}

fn hash_sections<Elf: FileHeader<Endian = object::Endianness>>(data: &[u8]) -> Result<bool> {
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let has = |kind: u32| {
        sections
            .iter()
            .any(|section| section.sh_type(endian) == kind)
    };
    Ok(has(object::elf::SHT_GNU_HASH) && !has(object::elf::SHT_HASH))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test binary itself is linked against this machine's glibc, and
    /// binutils' objdump reads the same versions independently.
    #[test]
    #[ignore = "reads the binary with objdump (binutils); run by `cargo xtask ci`"]
    fn newest_glibc_is_what_objdump_reports() {
        let exe = std::env::current_exe().unwrap();
        let need = newest_glibc(&std::fs::read(&exe).unwrap())
            .unwrap()
            .expect("a glibc binary");
        let dump = std::process::Command::new("objdump")
            .arg("-T")
            .arg(&exe)
            .output()
            .expect("objdump runs (binutils)");
        let listing = String::from_utf8_lossy(&dump.stdout);
        let newest = listing
            .split_whitespace()
            .filter_map(|word| {
                Version::of_symbol_version(word.trim_matches(|c| c == '(' || c == ')'))
            })
            .max()
            .unwrap();
        assert_eq!(need.version, newest);
        assert!(
            listing
                .lines()
                .any(|line| line.contains(&format!("GLIBC_{newest}"))
                    && line.ends_with(&need.symbol)),
            "{} is not bound to GLIBC_{newest}:\n{listing}",
            need.symbol
        );
    }
}
