//! Stripping a Mach-O binary's local symbols, and signing it again.
//!
//! On Apple targets rustc strips after linking with `rust-objcopy
//! --strip-all`, and only warns when that fails. It does fail on some of
//! zig's arm64 output (LLVM's objcopy crashes, Debian's as well as
//! rustc's), and whether it does depends on where the checkout is: a
//! release would differ between clones. So dist turns rustc's strip off for
//! Mach-O (`-Cstrip=none`, in the target table) and strips here. A release
//! must carry no local symbols (`strip = true`): zig's `__thunk` stubs, a C
//! library's hidden helpers. An arm64 binary changed after signing must be
//! signed again, or macOS kills it at launch.
//!
//! The local symbols are the first block of the symbol table
//! (`LC_DYSYMTAB`'s `ilocalsym`, `nlocalsym`). Those a table still names
//! stay (zig's linker lists its `__thunk` stubs in the indirect symbol
//! table by index, as ring's assembly makes it do; see
//! [`macho::referenced_locals`]); the others are removed in place: the
//! remaining entries move up, the freed tail becomes zeros, every index
//! that counts symbols (the rest of `LC_DYSYMTAB`, the indirect symbol
//! table, external relocations) moves with them, and the names no symbol
//! uses any more are zeroed in the string table. No other byte moves, so
//! the file keeps its size and layout, and the code signature its place
//! and size: signing again is hashing the pages anew
//! ([`codesign::sign_again`]).
//!
//! Stripping only saves space, so it never fails a release: a binary whose
//! layout this does not understand is refused here and shipped as the
//! linker wrote it, its signature untouched and valid.
//!
//! `object` finds the load commands ([`macho::load_command_offsets`]); the
//! rewriting is this file's own, since `object` writes no Mach-O in place.

use anyhow::{Result, bail};
use object::macho::{
    INDIRECT_SYMBOL_ABS, INDIRECT_SYMBOL_LOCAL, LC_CODE_SIGNATURE, LC_DYSYMTAB, LC_SYMTAB,
    MH_MAGIC_64, N_EXT, N_STAB,
};

use crate::binary::{codesign, macho};

/// The size of a 64-bit symbol table entry (`nlist_64`).
const NLIST_64: usize = 16;

/// Removes the local symbols of the thin 64-bit Mach-O `binary` and signs
/// it again if it is signed. Returns how many symbols were removed (none:
/// the binary is unchanged).
pub fn strip_local_symbols(binary: &mut Vec<u8>) -> Result<usize> {
    // Work on a copy: a binary refused halfway stays as it was.
    let mut stripped = binary.clone();
    let removed = strip_in_place(&mut stripped)?;
    *binary = stripped;
    Ok(removed)
}

fn strip_in_place(binary: &mut [u8]) -> Result<usize> {
    if word(binary, 0) != Some(MH_MAGIC_64) {
        bail!("it is not a thin 64-bit little-endian Mach-O file");
    }
    let commands = macho::load_command_offsets(binary)?;
    let find = |wanted: u32| {
        commands
            .iter()
            .find(|(cmd, _)| *cmd == wanted)
            .map(|&(_, at)| at)
    };
    let (Some(symtab), Some(dysymtab)) = (find(LC_SYMTAB), find(LC_DYSYMTAB)) else {
        return Ok(0);
    };
    let tables = SymbolTables::read(binary, symtab, dysymtab);
    tables.check_strippable(binary)?;
    if tables.removed() == 0 {
        return Ok(0);
    }
    tables.renumber_references(binary)?;
    tables.remove_local_entries(binary)?;
    if let Some(signature) = find(LC_CODE_SIGNATURE) {
        let (offset, size) = (field(binary, signature + 8), field(binary, signature + 12));
        codesign::sign_again(binary, offset as u32, size as u32)?;
    }
    Ok(tables.removed())
}

/// Where `LC_SYMTAB` and `LC_DYSYMTAB` are, the symbol table's place and
/// counts, and the local symbols that stay.
struct SymbolTables {
    symtab: usize,
    dysymtab: usize,
    symoff: usize,
    nsyms: usize,
    ilocal: usize,
    nlocal: usize,
    /// The local symbols a table names, by index, in order.
    kept: Vec<u32>,
}

impl SymbolTables {
    fn read(binary: &[u8], symtab: usize, dysymtab: usize) -> SymbolTables {
        SymbolTables {
            symtab,
            dysymtab,
            symoff: field(binary, symtab + 8),
            nsyms: field(binary, symtab + 12),
            ilocal: field(binary, dysymtab + 8),
            nlocal: field(binary, dysymtab + 12),
            kept: macho::referenced_locals(binary, dysymtab)
                .into_iter()
                .collect(),
        }
    }

    /// How many local symbols go.
    fn removed(&self) -> usize {
        self.nlocal - self.kept.len()
    }

    fn table_end(&self) -> usize {
        self.symoff + self.nsyms * NLIST_64
    }

    /// Refuses a layout other than a linker's: local symbols first, and
    /// none of the tables only old dynamic libraries have.
    fn check_strippable(&self, binary: &[u8]) -> Result<()> {
        let (symoff, nsyms, nlocal) = (self.symoff, self.nsyms, self.nlocal);
        if binary.len() < self.table_end() || self.ilocal != 0 || nlocal > nsyms {
            bail!("its symbol table is not laid out as a linker writes one");
        }
        let kind = |index: usize| binary[symoff + index * NLIST_64 + 4];
        let is_local = |kind: u8| kind & N_STAB == 0 && kind & N_EXT == 0;
        if (0..nlocal).any(|i| !is_local(kind(i))) || (nlocal..nsyms).any(|i| is_local(kind(i))) {
            bail!("its local symbols are not the first block of its symbol table");
        }
        // The table of contents, module table and external reference
        // table belong to old dynamic libraries; an executable has none.
        if (32..56)
            .step_by(8)
            .any(|at| field(binary, self.dysymtab + at + 4) != 0)
        {
            bail!("it has a table of contents or module table, which executables do not");
        }
        Ok(())
    }

    /// `index` once the removed local symbols are gone: a kept local
    /// symbol's place among the kept ones, any other symbol's moved up by
    /// the removed count.
    fn shifted(&self, index: u32) -> Result<u32> {
        if (index as usize) >= self.nlocal {
            return Ok(index - self.removed() as u32);
        }
        match self.kept.binary_search(&index) {
            Ok(place) => Ok(place as u32),
            Err(_) => bail!("a table refers to local symbol {index}, which was not kept"),
        }
    }

    /// Moves every reference to a symbol by index up by `nlocal`: the
    /// indirect symbol table, external relocations, and where the
    /// external and undefined symbols begin.
    fn renumber_references(&self, binary: &mut [u8]) -> Result<()> {
        let dysymtab = self.dysymtab;
        let (indirect_off, indirect_count) =
            (field(binary, dysymtab + 56), field(binary, dysymtab + 60));
        for entry in 0..indirect_count {
            let at = indirect_off + entry * 4;
            let Some(index) = word(binary, at) else {
                bail!("its indirect symbol table lies outside the file");
            };
            if index & (INDIRECT_SYMBOL_LOCAL | INDIRECT_SYMBOL_ABS) == 0 {
                put(binary, at, self.shifted(index)?);
            }
        }
        let (reloc_off, reloc_count) = (field(binary, dysymtab + 64), field(binary, dysymtab + 68));
        for entry in 0..reloc_count {
            // relocation_info: r_address, then r_symbolnum:24, pcrel,
            // length:2, extern, type:4.
            let at = reloc_off + entry * 8 + 4;
            let Some(info) = word(binary, at) else {
                bail!("its external relocations lie outside the file");
            };
            if info & (1 << 27) != 0 {
                let symbol = self.shifted(info & 0x00ff_ffff)?;
                put(binary, at, (info & 0xff00_0000) | symbol);
            }
        }
        for at in [dysymtab + 16, dysymtab + 24] {
            let first = word(binary, at).unwrap_or(0);
            put(binary, at, self.shifted(first)?);
        }
        Ok(())
    }

    /// Writes the kept local entries, then the rest, from the table's
    /// start, zeroes the freed tail, and blanks the names no kept symbol
    /// uses.
    fn remove_local_entries(&self, binary: &mut [u8]) -> Result<()> {
        let (symoff, table_end) = (self.symoff, self.table_end());
        let entry = |index: usize| symoff + index * NLIST_64..symoff + (index + 1) * NLIST_64;
        let kept_locals = self.kept.iter().map(|&index| index as usize);
        let order: Vec<usize> = kept_locals.chain(self.nlocal..self.nsyms).collect();
        let entries: Vec<u8> = (order.iter())
            .flat_map(|&index| binary[entry(index)].to_vec())
            .collect();
        let kept = order.len();
        put(binary, self.dysymtab + 12, self.kept.len() as u32);
        put(binary, self.symtab + 12, kept as u32);
        binary[symoff..symoff + entries.len()].copy_from_slice(&entries);
        binary[symoff + entries.len()..table_end].fill(0);
        let names: Vec<usize> = (0..kept)
            .filter_map(|i| word(binary, symoff + i * NLIST_64))
            .map(|strx| strx as usize)
            .collect();
        let (stroff, strsize) = (
            field(binary, self.symtab + 16),
            field(binary, self.symtab + 20),
        );
        blank_unused_names(binary, stroff, strsize, &names)
    }
}

/// Zeroes every byte of the string table at `stroff` (of `strsize`
/// bytes) that is not part of a name in `names` (offsets into it), so that
/// the removed symbols' names are gone too. The table keeps its size, and
/// its first two bytes (" \0", the empty name linkers put first).
fn blank_unused_names(
    binary: &mut [u8],
    stroff: usize,
    strsize: usize,
    names: &[usize],
) -> Result<()> {
    let Some(table) = binary.get_mut(stroff..stroff + strsize) else {
        bail!("its string table lies outside the file");
    };
    let mut used = vec![false; strsize];
    used.iter_mut().take(2).for_each(|byte| *byte = true);
    for &start in names {
        let mut at = start;
        while at < strsize {
            used[at] = true;
            if table[at] == 0 {
                break;
            }
            at += 1;
        }
    }
    for (byte, used) in table.iter_mut().zip(used) {
        if !used {
            *byte = 0;
        }
    }
    Ok(())
}

/// The word at `at` as an offset or count (0 past the end: the checks
/// that follow refuse what that makes of a cut-short file).
fn field(data: &[u8], at: usize) -> usize {
    word(data, at).unwrap_or(0) as usize
}

fn word(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn put(data: &mut [u8], at: usize, value: u32) {
    data[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::macho;

    /// A Mach-O file as a linker lays one out: header, LC_BUILD_VERSION,
    /// LC_SYMTAB and LC_DYSYMTAB over `locals` local symbols, one exported
    /// and two imported, an indirect symbol table naming the imports, and,
    /// if `signed`, an ad hoc signature over all of it.
    pub fn linked(locals: u32, signed: bool) -> Vec<u8> {
        linked_edited(locals, signed, |_| {})
    }

    /// [`linked`], with `edit` made before it is signed.
    fn linked_edited(locals: u32, signed: bool, edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
        let nsyms = locals + 3;
        let commands: u32 = if signed { 4 } else { 3 };
        let sizes = 24 + 24 + 80 + if signed { 16 } else { 0 };
        let symoff = 32 + sizes;
        let indirect = symoff + nsyms * 16;
        let stroff = indirect + 8;
        let end = stroff + 16;
        let mut file: Vec<u32> = vec![MH_MAGIC_64, 0x0100_000c, 0, 2, commands, sizes, 0, 0];
        file.extend([0x32, 24, 1, 11 << 16, 11 << 16, 0]);
        file.extend([LC_SYMTAB, 24, symoff, nsyms, stroff, 16]);
        let mut dysymtab = vec![LC_DYSYMTAB, 80, 0, locals, locals, 1, locals + 1, 2];
        dysymtab.extend([0, 0, 0, 0, 0, 0, indirect, 2, 0, 0, 0, 0]);
        file.extend(dysymtab);
        if signed {
            file.extend([LC_CODE_SIGNATURE, 16, end, 0]);
        }
        let mut bytes: Vec<u8> = file.iter().flat_map(|w| w.to_le_bytes()).collect();
        for i in 0..nsyms {
            // n_strx, n_type (N_SECT, N_EXT for the last three), n_sect,
            // n_desc, n_value.
            let kind: u8 = if i < locals { 0x0e } else { 0x0f };
            let name: u32 = if i < locals { 7 } else { 1 };
            bytes.extend(name.to_le_bytes());
            bytes.extend([kind, 1, 0, 0]);
            bytes.extend(u64::from(i).to_le_bytes());
        }
        bytes.extend((locals + 1).to_le_bytes());
        bytes.extend((locals + 2).to_le_bytes());
        bytes.extend(b"\0_main\0_local\0\0\0");
        assert_eq!(bytes.len(), end as usize);
        edit(&mut bytes);
        if !signed {
            return bytes;
        }
        let (_, _, size) = codesign::tests::signed(&bytes, 12);
        let at = 32 + 24 + 24 + 80 + 12;
        bytes[at..at + 4].copy_from_slice(&size.to_le_bytes());
        codesign::tests::signed(&bytes, 12).0
    }

    #[test]
    fn local_symbols_go_and_every_index_follows() {
        let mut binary = linked(5, true);
        let before = binary.len();
        assert_eq!(macho::slices(&binary).unwrap()[0].local_symbols, 5);
        assert_eq!(strip_local_symbols(&mut binary).unwrap(), 5);
        assert_eq!(binary.len(), before);
        let slice = &macho::slices(&binary).unwrap()[0];
        assert_eq!(slice.local_symbols, 0);
        assert!(slice.unstripped.is_empty(), "{:?}", slice.unstripped);
        assert_eq!(slice.signature, Some(Ok(1)));
        let symtab = 32 + 24;
        assert_eq!(word(&binary, symtab + 12), Some(3));
        let dysymtab = symtab + 24;
        let fields: Vec<u32> = (8..32)
            .step_by(4)
            .map(|at| word(&binary, dysymtab + at).unwrap())
            .collect();
        assert_eq!(fields, [0, 0, 0, 1, 1, 2]);
        let indirect = word(&binary, dysymtab + 56).unwrap() as usize;
        assert_eq!(
            (word(&binary, indirect), word(&binary, indirect + 4)),
            (Some(1), Some(2))
        );
        // The removed symbols' names are gone; the kept ones stay.
        let stroff = word(&binary, symtab + 16).unwrap() as usize;
        assert_eq!(&binary[stroff..stroff + 16], b"\0_main\0\0\0\0\0\0\0\0\0\0");
        // The same again changes nothing.
        let stripped = binary.clone();
        assert_eq!(strip_local_symbols(&mut binary).unwrap(), 0);
        assert_eq!(binary, stripped);
    }

    /// zig's linker names its `__thunk` stubs, local symbols, by index in
    /// the indirect symbol table (ring's assembly makes it do so): those
    /// stay, renumbered, and the others go.
    #[test]
    fn a_local_symbol_a_table_names_stays_and_the_rest_go() {
        let (symtab, dysymtab) = (32 + 24, 32 + 24 + 24);
        // The indirect symbol table starts after the header, the four
        // commands and the five symbols; its first entry names local 1.
        let indirect = 32 + 24 + 24 + 80 + 16 + 5 * 16;
        let mut binary = linked_edited(2, true, |bytes| put(bytes, indirect, 1));
        assert_eq!(word(&binary, dysymtab + 56), Some(indirect as u32));
        assert_eq!(macho::slices(&binary).unwrap()[0].local_symbols, 1);
        assert_eq!(strip_local_symbols(&mut binary).unwrap(), 1);
        let slice = &macho::slices(&binary).unwrap()[0];
        assert_eq!(slice.local_symbols, 0);
        assert_eq!(slice.signature, Some(Ok(1)));
        assert_eq!(word(&binary, symtab + 12), Some(4));
        let fields: Vec<u32> = (8..32)
            .step_by(4)
            .map(|at| word(&binary, dysymtab + at).unwrap())
            .collect();
        assert_eq!(fields, [0, 1, 1, 1, 2, 2]);
        assert_eq!(
            (word(&binary, indirect), word(&binary, indirect + 4)),
            (Some(0), Some(3))
        );
        // The kept local symbol is the one the table named (n_value 1).
        let symoff = word(&binary, symtab + 8).unwrap() as usize;
        assert_eq!(binary[symoff + 8], 1);
    }

    #[test]
    fn a_layout_it_does_not_know_is_refused_and_left_as_it_was() {
        let mut binary = linked(2, false);
        let dysymtab = 32 + 24 + 24;
        put(&mut binary, dysymtab + 8, 1);
        let before = binary.clone();
        let err = strip_local_symbols(&mut binary).unwrap_err().to_string();
        assert!(err.contains("not laid out as a linker writes one"), "{err}");
        assert_eq!(binary, before);
    }
}
