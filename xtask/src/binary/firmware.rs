//! Firmware images: what the ELF file the linker wrote puts into a
//! microcontroller's memory, and the checks that it will boot.
//!
//! A Cortex-M core starts by reading two words at the start of its vector
//! table, which must sit at the flash origin: the initial stack pointer and
//! the address of the reset handler, whose lowest bit must be set (Thumb
//! code; the core faults otherwise). The loadable segments (`PT_LOAD`, at
//! their load addresses) are exactly the bytes a flashing tool writes, and
//! what the `.bin` and `.hex` images hold ([`crate::formats::firmware`]).

use anyhow::{Context, Result, bail};
use object::Endianness;
use object::elf::{FileHeader32, PT_LOAD};
use object::read::elf::{FileHeader, ProgramHeader, SectionHeader};

/// The bytes a firmware image loads, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The ELF entry point (`e_entry`): the reset handler.
    pub entry: u32,
    /// Each loadable segment with bytes in the file, by load address.
    pub segments: Vec<Segment>,
    /// The address of the `.vector_table` section, if the ELF has one.
    pub vector_table: Option<u32>,
}

/// Bytes to be written at `address` (the load address, `p_paddr`: where
/// they live in flash, even when they are copied to RAM at start, as
/// `.data` is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub address: u32,
    pub data: Vec<u8>,
}

impl Image {
    /// Reads the loadable segments of the 32-bit little-endian ELF `elf`.
    pub fn read(elf: &[u8]) -> Result<Image> {
        let header = FileHeader32::<Endianness>::parse(elf).context("not a 32-bit ELF file")?;
        let endian = header.endian()?;
        let mut segments = Vec::new();
        for program in header.program_headers(endian, elf)? {
            if program.p_type(endian) != PT_LOAD || program.p_filesz(endian) == 0 {
                continue;
            }
            let data = program
                .data(endian, elf)
                .map_err(|()| anyhow::anyhow!("a loadable segment lies outside the file"))?;
            segments.push(Segment {
                address: program.p_paddr(endian),
                data: data.to_vec(),
            });
        }
        segments.sort_by_key(|segment| segment.address);
        let sections = header.sections(endian, elf)?;
        let vector_table = sections
            .section_by_name(endian, b".vector_table")
            .map(|(_, section)| section.sh_addr(endian));
        Ok(Image {
            entry: header.e_entry(endian),
            segments,
            vector_table,
        })
    }

    /// Where the image starts: the lowest load address.
    pub fn origin(&self) -> u32 {
        self.segments.first().map_or(0, |segment| segment.address)
    }

    /// The image as one run of bytes from [`Image::origin`], gaps between
    /// segments filled with zeros: what `objcopy -O binary` writes.
    pub fn flat(&self) -> Vec<u8> {
        let origin = self.origin();
        let mut flat = Vec::new();
        for segment in &self.segments {
            let at = (segment.address - origin) as usize;
            if flat.len() < at {
                flat.resize(at, 0);
            }
            flat.truncate(at);
            flat.extend_from_slice(&segment.data);
        }
        flat
    }

    /// The word at `address`, if the image loads it.
    fn word(&self, address: u32) -> Option<u32> {
        let segment = self.segments.iter().find(|segment| {
            address >= segment.address && address - segment.address + 4 <= segment.data.len() as u32
        })?;
        let at = (address - segment.address) as usize;
        Some(u32::from_le_bytes(
            segment.data[at..at + 4].try_into().ok()?,
        ))
    }

    /// Checks that a Cortex-M core would boot it, and returns what was
    /// checked, as one line.
    pub fn check_bootable(&self) -> Result<String> {
        if self.segments.is_empty() {
            bail!("loads no bytes: it has no loadable segment with contents");
        }
        let origin = self.origin();
        let Some(table) = self.vector_table else {
            bail!(
                "has no .vector_table section, so it was not linked with cortex-m-rt's link.x: \
                 the firmware's build script must pass -Tlink.x"
            );
        };
        if table != origin {
            bail!(
                "has its vector table at {table:#010x}, not at the start of flash \
                 ({origin:#010x}), where the core reads it at reset"
            );
        }
        let (Some(stack), Some(reset)) = (self.word(origin), self.word(origin + 4)) else {
            bail!("is too short to hold a vector table");
        };
        if reset & 1 == 0 {
            bail!(
                "has the reset vector {reset:#010x}, without the Thumb bit: a Cortex-M core \
                 faults on it"
            );
        }
        if reset & !1 != self.entry & !1 {
            bail!(
                "has the reset vector {reset:#010x}, but its entry point is {:#010x}",
                self.entry
            );
        }
        if stack % 4 != 0 {
            bail!("has the initial stack pointer {stack:#010x}, which is not word-aligned");
        }
        let size = self.flat().len();
        Ok(format!(
            "vector table at {origin:#010x}, reset {reset:#010x} (Thumb), initial stack \
             {stack:#010x}, {size} bytes to flash"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vector table at 0: initial stack 0x20010000, reset handler 0x401.
    fn image(reset: u32, vector_table: Option<u32>) -> Image {
        let mut data = 0x2001_0000u32.to_le_bytes().to_vec();
        data.extend(reset.to_le_bytes());
        data.extend([0; 8]);
        Image {
            entry: 0x401,
            segments: vec![Segment { address: 0, data }],
            vector_table,
        }
    }

    #[test]
    fn a_bootable_image_is_described() {
        let said = image(0x401, Some(0)).check_bootable().unwrap();
        assert!(said.contains("reset 0x00000401 (Thumb)"), "{said}");
        assert!(said.contains("initial stack 0x20010000"), "{said}");
    }

    #[test]
    fn what_a_cortex_m_core_would_not_boot_is_refused() {
        let refused = |image: Image| image.check_bootable().unwrap_err().to_string();
        assert!(refused(image(0x400, Some(0))).contains("without the Thumb bit"));
        assert!(refused(image(0x501, Some(0))).contains("entry point is 0x00000401"));
        assert!(refused(image(0x401, None)).contains("no .vector_table section"));
        assert!(refused(image(0x401, Some(0x100))).contains("not at the start of flash"));
    }
}
