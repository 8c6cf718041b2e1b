//! Reading what an ELF binary needs from the system: the shared libraries
//! it loads (DT_NEEDED) and the symbol versions it asks of each
//! (`.gnu.version_r`). Package dependencies are derived from this.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use object::read::elf::{Dyn as _, FileHeader};

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
