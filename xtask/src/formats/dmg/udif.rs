//! UDIF, the container of a `.dmg`: the disk's sectors in zlib-compressed
//! chunks (hdiutil's UDZO), an XML property list whose `blkx` table says
//! where each chunk goes, and a 512-byte `koly` trailer pointing at both,
//! with CRC-32 checksums of the data and of the disk. The disk here is one
//! HFS+ volume without a partition map (`hdiutil create -layout NONE`).

use anyhow::{Context, Result, bail};
use base64::Engine;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use sha2::{Digest, Sha256};
use std::io::Write;

/// Sectors per chunk: 1 MiB, as hdiutil writes them.
const CHUNK_SECTORS: usize = 2048;
const SECTOR: usize = 512;
/// Chunk types of the blkx table.
const ZLIB: u32 = 0x8000_0005;
const TERMINATOR: u32 = 0xFFFF_FFFF;
/// The checksum type of UDIF: CRC-32.
const CRC32: u32 = 2;

/// The `.dmg` of the disk `disk` (a whole number of sectors).
pub fn image(disk: &[u8]) -> Result<Vec<u8>> {
    if !disk.len().is_multiple_of(SECTOR) {
        bail!("a disk image holds whole 512-byte sectors");
    }
    let sectors = (disk.len() / SECTOR) as u64;
    let mut data_fork = Vec::new();
    let mut chunks = Vec::new();
    for (i, chunk) in disk.chunks(CHUNK_SECTORS * SECTOR).enumerate() {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(chunk)?;
        let compressed = encoder.finish()?;
        chunks.push(Chunk {
            kind: ZLIB,
            sector: (i * CHUNK_SECTORS) as u64,
            sectors: (chunk.len() / SECTOR) as u64,
            offset: data_fork.len() as u64,
            length: compressed.len() as u64,
        });
        data_fork.extend(compressed);
    }
    chunks.push(Chunk {
        kind: TERMINATOR,
        sector: sectors,
        sectors: 0,
        offset: data_fork.len() as u64,
        length: 0,
    });
    let disk_crc = crc32fast::hash(disk);
    let mish = mish(sectors, disk_crc, &chunks);
    let xml = plist(&mish);
    let trailer = Koly {
        data_fork_length: data_fork.len() as u64,
        data_crc: crc32fast::hash(&data_fork),
        xml_offset: data_fork.len() as u64,
        xml_length: xml.len() as u64,
        // The CRC-32 of the partitions' checksums, here the one.
        master_crc: crc32fast::hash(&disk_crc.to_be_bytes()),
        sectors,
        segment_id: Sha256::digest(disk)[..16].try_into().expect("16 bytes"),
    };
    let mut dmg = data_fork;
    dmg.extend(xml.as_bytes());
    dmg.extend(trailer.bytes());
    Ok(dmg)
}

/// One entry of the blkx table.
struct Chunk {
    kind: u32,
    sector: u64,
    sectors: u64,
    offset: u64,
    length: u64,
}

/// A UDIFChecksum: type, bits, and 32 words, the first the CRC.
fn checksum(crc: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(136);
    bytes.extend(CRC32.to_be_bytes());
    bytes.extend(32u32.to_be_bytes());
    bytes.extend(crc.to_be_bytes());
    bytes.resize(136, 0);
    bytes
}

/// The `mish` block table of the one partition.
fn mish(sectors: u64, disk_crc: u32, chunks: &[Chunk]) -> Vec<u8> {
    let mut table = Vec::new();
    table.extend(b"mish");
    table.extend(1u32.to_be_bytes());
    table.extend(0u64.to_be_bytes()); // first sector
    table.extend(sectors.to_be_bytes());
    table.extend(0u64.to_be_bytes()); // data offset
    table.extend(((CHUNK_SECTORS + 8) as u32).to_be_bytes()); // buffers needed
    table.extend(0u32.to_be_bytes()); // block descriptors
    table.extend([0u8; 24]);
    table.extend(checksum(disk_crc));
    table.extend((chunks.len() as u32).to_be_bytes());
    for chunk in chunks {
        table.extend(chunk.kind.to_be_bytes());
        table.extend(0u32.to_be_bytes()); // comment
        table.extend(chunk.sector.to_be_bytes());
        table.extend(chunk.sectors.to_be_bytes());
        table.extend(chunk.offset.to_be_bytes());
        table.extend(chunk.length.to_be_bytes());
    }
    table
}

/// The property list with the `blkx` resource.
fn plist(mish: &[u8]) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(mish);
    let name = "whole disk (Apple_HFS : 0)";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n<dict>\n\t<key>resource-fork</key>\n\t<dict>\n\
         \t\t<key>blkx</key>\n\t\t<array>\n\t\t\t<dict>\n\
         \t\t\t\t<key>Attributes</key>\n\t\t\t\t<string>0x0050</string>\n\
         \t\t\t\t<key>CFName</key>\n\t\t\t\t<string>{name}</string>\n\
         \t\t\t\t<key>Data</key>\n\t\t\t\t<data>{data}</data>\n\
         \t\t\t\t<key>ID</key>\n\t\t\t\t<string>-1</string>\n\
         \t\t\t\t<key>Name</key>\n\t\t\t\t<string>{name}</string>\n\
         \t\t\t</dict>\n\t\t</array>\n\t</dict>\n</dict>\n</plist>\n"
    )
}

/// The `koly` trailer's fields that vary.
struct Koly {
    data_fork_length: u64,
    data_crc: u32,
    xml_offset: u64,
    xml_length: u64,
    master_crc: u32,
    sectors: u64,
    segment_id: [u8; 16],
}

impl Koly {
    fn bytes(&self) -> Vec<u8> {
        let mut k = Vec::with_capacity(512);
        k.extend(b"koly");
        k.extend(4u32.to_be_bytes()); // version
        k.extend(512u32.to_be_bytes()); // header size
        k.extend(1u32.to_be_bytes()); // flags: flattened
        k.extend(0u64.to_be_bytes()); // running data fork offset
        k.extend(0u64.to_be_bytes()); // data fork offset
        k.extend(self.data_fork_length.to_be_bytes());
        k.extend(0u64.to_be_bytes()); // resource fork offset
        k.extend(0u64.to_be_bytes()); // resource fork length
        k.extend(1u32.to_be_bytes()); // segment number
        k.extend(1u32.to_be_bytes()); // segment count
        k.extend(self.segment_id);
        k.extend(checksum(self.data_crc));
        k.extend(self.xml_offset.to_be_bytes());
        k.extend(self.xml_length.to_be_bytes());
        k.extend([0u8; 120]);
        k.extend(checksum(self.master_crc));
        k.extend(1u32.to_be_bytes()); // image variant
        k.extend(self.sectors.to_be_bytes());
        k.extend([0u8; 12]);
        debug_assert_eq!(k.len(), 512);
        k
    }
}

/// Reads a `.dmg` back: checks the trailer, the data fork's CRC-32, and
/// each chunk, and returns the disk (what verify compares with the
/// tarball's files).
pub fn read(dmg: &[u8]) -> Result<Vec<u8>> {
    let trailer = dmg
        .len()
        .checked_sub(512)
        .map(|at| &dmg[at..])
        .filter(|trailer| trailer.starts_with(b"koly"))
        .context("has no koly trailer: it is not a UDIF disk image")?;
    let u64_at =
        |bytes: &[u8], at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().unwrap());
    let u32_at =
        |bytes: &[u8], at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    let data_length = u64_at(trailer, 32) as usize;
    let data = dmg
        .get(..data_length)
        .context("its data fork runs past the end")?;
    if crc32fast::hash(data) != u32_at(trailer, 88) {
        bail!("its data fork does not match the CRC-32 in its trailer");
    }
    let (xml_at, xml_length) = (u64_at(trailer, 216) as usize, u64_at(trailer, 224) as usize);
    let xml = dmg
        .get(xml_at..xml_at + xml_length)
        .context("its property list runs past the end")?;
    let xml = String::from_utf8_lossy(xml);
    let encoded = xml
        .split("<data>")
        .nth(1)
        .and_then(|rest| rest.split("</data>").next())
        .context("its property list has no blkx data")?;
    let encoded: String = encoded.split_whitespace().collect();
    let mish = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|err| anyhow::anyhow!("its blkx data is not base64: {err}"))?;
    if !mish.starts_with(b"mish") {
        bail!("its blkx table is not a mish block");
    }
    let mut disk = Vec::new();
    for entry in mish[204..].chunks_exact(40) {
        let kind = u32_at(entry, 0);
        let (offset, length) = (u64_at(entry, 24) as usize, u64_at(entry, 32) as usize);
        match kind {
            ZLIB => {
                let compressed = data
                    .get(offset..offset + length)
                    .context("a chunk runs past the data")?;
                let mut decoder = flate2::read::ZlibDecoder::new(compressed);
                std::io::Read::read_to_end(&mut decoder, &mut disk)?;
            }
            TERMINATOR => break,
            other => bail!("it has a chunk of type {other:#x}, which this reader does not know"),
        }
    }
    if crc32fast::hash(&disk) != u32_at(&mish, 72) {
        bail!("its disk does not match the CRC-32 of its blkx table");
    }
    Ok(disk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_reads_back_as_its_disk_and_damage_is_found() {
        let disk: Vec<u8> = (0..3 * CHUNK_SECTORS * SECTOR)
            .map(|i| (i / 777) as u8)
            .collect();
        let dmg = image(&disk).unwrap();
        assert_eq!(read(&dmg).unwrap(), disk);
        let mut damaged = dmg.clone();
        damaged[10] ^= 1;
        assert!(read(&damaged).is_err());
        assert!(read(&dmg[..dmg.len() - 1]).is_err());
    }
}
