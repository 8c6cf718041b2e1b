//! The flat images a firmware release ships beside its `.elf`: `.bin`,
//! the raw bytes from the flash origin (`objcopy -O binary`), and `.hex`,
//! Intel HEX (`objcopy -O ihex`): text records that carry their own
//! addresses and checksums, which most flashing tools read.
//!
//! Both are made from the ELF's loadable segments ([`Image`]), and `verify`
//! reads them back and compares them with the ELF beside them.

use anyhow::{Context, Result, bail};

use crate::binary::firmware::{Image, Segment};

/// The `.bin` image of `elf`.
pub fn bin(elf: &[u8]) -> Result<Vec<u8>> {
    Ok(Image::read(elf)?.flat())
}

/// Intel HEX record types.
const DATA: u8 = 0x00;
const END_OF_FILE: u8 = 0x01;
const EXTENDED_LINEAR_ADDRESS: u8 = 0x04;
const START_LINEAR_ADDRESS: u8 = 0x05;

/// Bytes per data record, as objcopy writes them.
const RECORD_BYTES: usize = 16;

/// The `.hex` image of `elf`: its segments in 16-byte data records, an
/// extended linear address record wherever the upper 16 bits of the
/// address change, the entry point, and the end-of-file record.
pub fn hex(elf: &[u8]) -> Result<Vec<u8>> {
    Ok(hex_of(&Image::read(elf)?))
}

/// The `.hex` text of `image`.
fn hex_of(image: &Image) -> Vec<u8> {
    let mut text = String::new();
    let mut upper = None;
    for segment in &image.segments {
        for (i, chunk) in segment.data.chunks(RECORD_BYTES).enumerate() {
            let address = segment.address + (i * RECORD_BYTES) as u32;
            if upper != Some(address >> 16) {
                upper = Some(address >> 16);
                let bytes = ((address >> 16) as u16).to_be_bytes();
                record(&mut text, EXTENDED_LINEAR_ADDRESS, 0, &bytes);
            }
            record(&mut text, DATA, address as u16, chunk);
        }
    }
    record(
        &mut text,
        START_LINEAR_ADDRESS,
        0,
        &image.entry.to_be_bytes(),
    );
    record(&mut text, END_OF_FILE, 0, &[]);
    text.into_bytes()
}

/// Appends one record: `:`, length, address, type, data, and the two's
/// complement of the sum of those bytes.
fn record(text: &mut String, kind: u8, address: u16, data: &[u8]) {
    let [high, low] = address.to_be_bytes();
    let mut bytes = vec![data.len() as u8, high, low, kind];
    bytes.extend_from_slice(data);
    let sum = bytes.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte));
    bytes.push(sum.wrapping_neg());
    text.push(':');
    for byte in bytes {
        text.push_str(&format!("{byte:02X}"));
    }
    text.push('\n');
}

/// Reads an Intel HEX file back into runs of bytes by address, checking
/// each record's checksum, and its start address if it gives one.
pub fn read_hex(text: &[u8]) -> Result<(Vec<Segment>, Option<u32>)> {
    let text = std::str::from_utf8(text).context("it is not text")?;
    let mut segments: Vec<Segment> = Vec::new();
    let (mut upper, mut start, mut ended) = (0u32, None, false);
    for (number, line) in text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim_end()))
    {
        let bytes = decode_record(line).with_context(|| format!("line {number}"))?;
        let (kind, data) = (bytes[3], &bytes[4..bytes.len() - 1]);
        let address = u16::from_be_bytes([bytes[1], bytes[2]]) as u32;
        match kind {
            DATA => push_bytes(&mut segments, (upper << 16) + address, data),
            EXTENDED_LINEAR_ADDRESS if data.len() == 2 => {
                upper = u16::from_be_bytes([data[0], data[1]]) as u32;
            }
            START_LINEAR_ADDRESS if data.len() == 4 => {
                start = Some(u32::from_be_bytes([data[0], data[1], data[2], data[3]]));
            }
            END_OF_FILE => {
                ended = true;
                break;
            }
            other => bail!("line {number}: record type {other:#04x} is not one firmware uses"),
        }
    }
    if !ended {
        bail!("it has no end-of-file record: it was cut short");
    }
    Ok((segments, start))
}

/// The bytes of one record, checked: length and checksum.
fn decode_record(line: &str) -> Result<Vec<u8>> {
    let digits = line.strip_prefix(':').context("a record starts with ':'")?;
    if digits.len() % 2 != 0 || digits.len() < 10 {
        bail!("the record is too short");
    }
    let bytes = (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .context("the record is not hexadecimal")?;
    if bytes[0] as usize + 5 != bytes.len() {
        bail!(
            "the record's length byte says {}, it holds {}",
            bytes[0],
            bytes.len() - 5
        );
    }
    if bytes.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte)) != 0 {
        bail!("the record's checksum is wrong");
    }
    Ok(bytes)
}

/// Adds `data` at `address`, joining it to the run it continues.
fn push_bytes(segments: &mut Vec<Segment>, address: u32, data: &[u8]) {
    match segments.last_mut() {
        Some(last) if last.address + last.data.len() as u32 == address => {
            last.data.extend_from_slice(data);
        }
        _ => segments.push(Segment {
            address,
            data: data.to_vec(),
        }),
    }
}

/// Checks a `.bin` or `.hex` image (`is_hex`) against the `.elf` it was
/// made from, and returns what was checked, as one line.
pub fn check_against_elf(image: &[u8], is_hex: bool, elf: &[u8]) -> Result<String> {
    let expected = Image::read(elf).context("the .elf beside it cannot be read")?;
    if !is_hex {
        if image != expected.flat() {
            bail!("its bytes differ from the loadable segments of the .elf beside it");
        }
        return Ok(format!(
            "{} bytes from {:#010x}, the same as the .elf's loadable segments",
            image.len(),
            expected.origin()
        ));
    }
    let (segments, start) = read_hex(image)?;
    let mut joined: Vec<Segment> = Vec::new();
    for segment in &expected.segments {
        push_bytes(&mut joined, segment.address, &segment.data);
    }
    if segments != joined {
        bail!(
            "its records hold other bytes, or other addresses, than the .elf's loadable segments"
        );
    }
    if start.is_some_and(|start| start != expected.entry) {
        bail!("its start address differs from the .elf's entry point");
    }
    let records = segments.iter().map(|s| s.data.len()).sum::<usize>();
    Ok(format!(
        "{records} bytes in {} runs, the same addresses and bytes as the .elf's loadable segments",
        segments.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two runs of bytes, the second past a 64 KiB boundary, so the writer
    /// needs an extended linear address record.
    fn image() -> Image {
        Image {
            entry: 0x0800_0401,
            segments: vec![
                Segment {
                    address: 0x0800_0000,
                    data: (0..40).collect(),
                },
                Segment {
                    address: 0x0801_fff8,
                    data: (0..24).map(|b| b * 3).collect(),
                },
            ],
            vector_table: Some(0x0800_0000),
        }
    }

    #[test]
    fn hex_records_read_back_as_the_same_bytes_at_the_same_addresses() {
        let text = hex_of(&image());
        let lines: Vec<&str> = std::str::from_utf8(&text).unwrap().lines().collect();
        assert_eq!(lines[0], ":020000040800F2");
        assert_eq!(lines[1], ":10000000000102030405060708090A0B0C0D0E0F78");
        assert_eq!(lines.last(), Some(&":00000001FF"));
        let (segments, start) = read_hex(&text).unwrap();
        assert_eq!(segments, image().segments);
        assert_eq!(start, Some(0x0800_0401));
    }

    #[test]
    fn a_damaged_or_cut_hex_file_is_refused() {
        let text = String::from_utf8(hex_of(&image())).unwrap();
        let flipped = text.replacen(":1000000000", ":1000000001", 1);
        let err = read_hex(flipped.as_bytes()).unwrap_err();
        assert!(format!("{err:#}").contains("checksum"), "{err:#}");
        let cut = text.trim_end().rsplit_once('\n').unwrap().0;
        let err = read_hex(cut.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("no end-of-file record"), "{err}");
    }

    #[test]
    fn the_flat_image_fills_gaps_with_zeros_from_the_origin() {
        let flat = image().flat();
        assert_eq!(flat.len(), 0x1fff8 + 24);
        assert_eq!(&flat[..3], &[0, 1, 2]);
        assert!(flat[40..0x1fff8].iter().all(|&b| b == 0));
        assert_eq!(&flat[0x1fff8..0x1fffb], &[0, 3, 6]);
    }
}
