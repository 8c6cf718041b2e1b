//! A PE (Windows) executable's headers, read with the `object` crate: what
//! `dist` and `verify` check (the machine, the subsystem, a leftover
//! symbol table or debug sections) and whether the file carries an
//! Authenticode signature. One reader serves both.

use anyhow::{Result, anyhow};
use object::LittleEndian as LE;
use object::pe::{self, ImageDosHeader, ImageNtHeaders32, ImageNtHeaders64};
use object::read::pe::{ImageNtHeaders, ImageOptionalHeader};

/// Whether `data` starts as a PE file does (with a DOS header).
pub(super) fn is_pe(data: &[u8]) -> bool {
    data.starts_with(b"MZ")
}

/// What the checks need from a PE file's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PeHeaders {
    /// The COFF header's machine (`IMAGE_FILE_MACHINE_*`).
    pub machine: u16,
    /// The optional header's subsystem: 3 is a console program.
    pub subsystem: u16,
    /// Whether the COFF header points at a symbol table, which a stripped
    /// file does not have.
    pub has_symbol_table: bool,
    /// The section names, as the section table spells them.
    pub section_names: Vec<String>,
    /// The size of the certificate table, where Authenticode signatures
    /// are: 0 in an unsigned file.
    pub certificate_table_size: u32,
}

impl PeHeaders {
    /// Reads the headers of the PE32 or PE32+ file `data`.
    pub fn read(data: &[u8]) -> Result<PeHeaders> {
        let read = match object::read::pe::optional_header_magic(data) {
            Ok(pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC) => read_as::<ImageNtHeaders64>(data),
            Ok(_) => read_as::<ImageNtHeaders32>(data),
            Err(err) => Err(err),
        };
        read.map_err(|err| anyhow!("its PE headers are cut short or damaged ({err})"))
    }
}

fn read_as<Nt: ImageNtHeaders>(data: &[u8]) -> object::read::Result<PeHeaders> {
    let mut offset = ImageDosHeader::parse(data)?.nt_headers_offset().into();
    let (nt, directories) = Nt::parse(data, &mut offset)?;
    let file = nt.file_header();
    let section_names = nt
        .sections(data, offset)?
        .iter()
        .map(|section| String::from_utf8_lossy(section.raw_name()).into_owned())
        .collect();
    let certificate_table_size = directories
        .get(pe::IMAGE_DIRECTORY_ENTRY_SECURITY)
        .map_or(0, |directory| directory.size.get(LE));
    Ok(PeHeaders {
        machine: file.machine.get(LE),
        subsystem: nt.optional_header().subsystem(),
        has_symbol_table: file.pointer_to_symbol_table.get(LE) != 0
            || file.number_of_symbols.get(LE) != 0,
        section_names,
        certificate_table_size,
    })
}
