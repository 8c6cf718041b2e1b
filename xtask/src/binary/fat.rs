//! Fat (universal) Mach-O files, as `<mach-o/fat.h>` lays them out: a
//! big-endian `FAT_MAGIC` and slice count, one `fat_arch` (CPU type and
//! subtype, offset, size, alignment as a power of two) per slice, then the
//! slices, each at an offset aligned as `lipo` aligns them (16 KiB, the
//! arm64 page size).

use anyhow::{Context, Result, bail};

use crate::binary::macho;
use crate::targets::Binary;
use crate::targets::platforms::UNIVERSAL2_SLICES;

const FAT_MAGIC: u32 = 0xcafe_babe;
const SLICE_ALIGN_LOG2: u32 = 14;

/// A fat Mach-O file holding `slices` (thin 64-bit Mach-O files), in order.
pub fn fat_binary(slices: &[&[u8]]) -> Result<Vec<u8>> {
    let align = 1usize << SLICE_ALIGN_LOG2;
    let header_size = 8 + 20 * slices.len();
    let mut offsets = Vec::new();
    let mut end = header_size;
    for slice in slices {
        let offset = end.next_multiple_of(align);
        offsets.push(offset);
        end = offset + slice.len();
    }
    let mut fat = Vec::with_capacity(end);
    fat.extend(FAT_MAGIC.to_be_bytes());
    fat.extend((slices.len() as u32).to_be_bytes());
    for (slice, &offset) in slices.iter().zip(&offsets) {
        let word = |at: usize| -> Result<u32> {
            let bytes = slice
                .get(at..at + 4)
                .context("a slice is not a Mach-O file")?;
            Ok(u32::from_le_bytes(bytes.try_into()?))
        };
        if !macho::is_macho(slice) || word(0)? == FAT_MAGIC.swap_bytes() {
            bail!("a slice of a universal binary must be a thin Mach-O file");
        }
        let size = u32::try_from(slice.len()).context("a slice over 4 GiB")?;
        let offset = u32::try_from(offset).context("a universal binary over 4 GiB")?;
        for field in [word(4)?, word(8)?, offset, size, SLICE_ALIGN_LOG2] {
            fat.extend(field.to_be_bytes());
        }
    }
    for (slice, &offset) in slices.iter().zip(&offsets) {
        fat.resize(offset, 0);
        fat.extend_from_slice(slice);
    }
    Ok(fat)
}

/// The slices a universal binary must have: the CPU of each target of
/// [`UNIVERSAL2_SLICES`], from the target table.
pub(super) fn expected_cpus() -> Vec<&'static str> {
    UNIVERSAL2_SLICES
        .iter()
        .filter_map(|triple| match crate::targets::lookup(triple)?.binary {
            Binary::MachO { cpu, .. } => Some(cpu),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thin(cpu_type: u32, filler: u8) -> Vec<u8> {
        let mut data: Vec<u8> = [0xfeed_facf, cpu_type, 3, 2, 0, 0, 0, 0]
            .iter()
            .flat_map(|w: &u32| w.to_le_bytes())
            .collect();
        data.extend([filler; 100]);
        data
    }

    #[test]
    fn slices_sit_aligned_behind_a_big_endian_header() {
        let (x86, arm) = (thin(0x0100_0007, 1), thin(0x0100_000c, 2));
        let fat = fat_binary(&[&x86, &arm]).unwrap();
        let be = |at: usize| u32::from_be_bytes(fat[at..at + 4].try_into().unwrap());
        assert_eq!((be(0), be(4)), (FAT_MAGIC, 2));
        assert_eq!(
            [be(8), be(12), be(16), be(20), be(24)],
            [0x0100_0007, 3, 16384, 132, 14]
        );
        assert_eq!([be(28), be(36)], [0x0100_000c, 32768]);
        assert_eq!(&fat[16384..16384 + 132], x86.as_slice());
        assert_eq!(&fat[32768..], arm.as_slice());
    }

    #[test]
    fn only_thin_mach_o_files_become_slices() {
        let fat = fat_binary(&[&thin(0x0100_0007, 1)]).unwrap();
        assert!(fat_binary(&[&fat]).is_err());
        assert!(fat_binary(&[b"\x7fELF....".as_slice()]).is_err());
    }
}
