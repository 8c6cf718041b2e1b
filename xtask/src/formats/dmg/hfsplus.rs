//! A read-only HFS+ volume holding a few files in its root folder: what
//! a disk image of a command-line program needs, and what macOS mounts
//! without help. Debian packages no mkfs.hfsplus, so the xtask writes it.
//!
//! The layout, in 4 KiB allocation blocks: block 0 holds the volume header
//! (at byte 1024); then the allocation bitmap, the extents overflow B-tree
//! (a header node: nothing overflows), the catalog B-tree (a header node
//! and one leaf), each file's data in one extent, and the last block, whose
//! end holds the alternate volume header. Every time is the release's, and
//! the volume's identifier is derived from the files, so one input gives
//! one image. Reference: Apple's Technical Note TN1150, "HFS Plus Volume
//! Format".

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// The allocation block size.
const BLOCK: usize = 4096;
/// The catalog B-tree's node size (TN1150: at least 4 KiB; Apple's is 8).
const CATALOG_NODE: usize = 8192;
/// The extents overflow B-tree's node size.
const EXTENTS_NODE: usize = 4096;
/// Seconds from 1904-01-01 (HFS+ dates) to 1970-01-01 (Unix time).
const HFS_EPOCH_OFFSET: u64 = 2_082_844_800;
/// The catalog node IDs of the root folder's parent and of the root.
const ROOT_PARENT_ID: u32 = 1;
const ROOT_FOLDER_ID: u32 = 2;
/// The first catalog node ID of a user file.
const FIRST_USER_ID: u32 = 16;

/// A file of the volume's root folder.
pub struct File<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    pub executable: bool,
}

/// The volume named `name` holding `files`, every date `mtime` (Unix time).
pub fn volume(name: &str, files: &[File<'_>], mtime: u64) -> Result<Vec<u8>> {
    for file_name in std::iter::once(name).chain(files.iter().map(|f| f.name)) {
        if file_name.is_empty() || !file_name.is_ascii() || file_name.contains([':', '/']) {
            bail!(
                "`{file_name}` cannot be named in the disk image: names are ASCII, without : or /"
            );
        }
    }
    let date = u32::try_from(mtime + HFS_EPOCH_OFFSET).unwrap_or(u32::MAX);
    let mut files: Vec<&File<'_>> = files.iter().collect();
    // The catalog orders a folder's entries by name, case folded.
    files.sort_by_key(|file| file.name.to_ascii_lowercase());
    let plan = Plan::new(&files);
    let mut image = vec![0u8; plan.total_blocks as usize * BLOCK];
    let place = |image: &mut Vec<u8>, block: u32, data: &[u8]| {
        let at = block as usize * BLOCK;
        image[at..at + data.len()].copy_from_slice(data);
    };
    place(&mut image, plan.bitmap.0, &plan.bitmap_bytes());
    place(&mut image, plan.extents.0, &extents_tree());
    place(
        &mut image,
        plan.catalog.0,
        &catalog_tree(name, &files, &plan, date)?,
    );
    for (file, &(start, _)) in files.iter().zip(&plan.data) {
        place(&mut image, start, file.data);
    }
    let header = volume_header(&plan, files.len(), date, &volume_id(name, &files));
    image[1024..1536].copy_from_slice(&header);
    let alternate = image.len() - 1024;
    image[alternate..alternate + 512].copy_from_slice(&header);
    Ok(image)
}

/// Where each part of the volume goes: (first block, block count).
struct Plan {
    total_blocks: u32,
    bitmap: (u32, u32),
    extents: (u32, u32),
    catalog: (u32, u32),
    data: Vec<(u32, u32)>,
}

impl Plan {
    fn new(files: &[&File<'_>]) -> Plan {
        let blocks = |bytes: usize| bytes.div_ceil(BLOCK) as u32;
        let data_blocks: u32 = files.iter().map(|f| blocks(f.data.len())).sum();
        let extents_blocks = blocks(EXTENTS_NODE);
        let catalog_blocks = blocks(2 * CATALOG_NODE);
        // Block 0 and the last block (alternate header), then the rest.
        let fixed = 2 + extents_blocks + catalog_blocks + data_blocks;
        let bitmap_blocks = blocks((fixed as usize).div_ceil(8)).max(1);
        let bitmap_blocks =
            blocks(((fixed + bitmap_blocks) as usize).div_ceil(8)).max(bitmap_blocks);
        let total_blocks = fixed + bitmap_blocks;
        let bitmap = (1, bitmap_blocks);
        let extents = (bitmap.0 + bitmap.1, extents_blocks);
        let catalog = (extents.0 + extents.1, catalog_blocks);
        let mut next = catalog.0 + catalog.1;
        let data = files
            .iter()
            .map(|file| {
                let extent = (next, blocks(file.data.len()));
                next += extent.1;
                extent
            })
            .collect();
        Plan {
            total_blocks,
            bitmap,
            extents,
            catalog,
            data,
        }
    }

    /// The allocation bitmap: every block is in use (the volume is full
    /// by design: it is read-only).
    fn bitmap_bytes(&self) -> Vec<u8> {
        let mut bitmap = vec![0u8; self.bitmap.1 as usize * BLOCK];
        for block in 0..self.total_blocks as usize {
            bitmap[block / 8] |= 0x80 >> (block % 8);
        }
        bitmap
    }
}

/// A volume identifier from the content, where a formatter would pick a
/// random one.
fn volume_id(name: &str, files: &[&File<'_>]) -> [u8; 8] {
    let mut digest = Sha256::new();
    digest.update(name);
    for file in files {
        digest.update(file.name);
        digest.update(Sha256::digest(file.data));
    }
    digest.finalize()[..8].try_into().expect("8 bytes")
}

/// The 512-byte volume header.
fn volume_header(plan: &Plan, file_count: usize, date: u32, id: &[u8; 8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(512);
    h.extend(b"H+");
    h.extend(4u16.to_be_bytes());
    // Cleanly unmounted, and locked: the image is read-only.
    h.extend(((1u32 << 8) | (1 << 15)).to_be_bytes());
    h.extend(b"10.0");
    h.extend(0u32.to_be_bytes()); // journal info block: none
    for stamp in [date, date, 0, date] {
        h.extend(stamp.to_be_bytes()); // created, modified, backed up, checked
    }
    h.extend((file_count as u32).to_be_bytes());
    h.extend(0u32.to_be_bytes()); // folders besides the root
    h.extend((BLOCK as u32).to_be_bytes());
    h.extend(plan.total_blocks.to_be_bytes());
    h.extend(0u32.to_be_bytes()); // free blocks
    h.extend(plan.total_blocks.to_be_bytes()); // next allocation
    h.extend(65536u32.to_be_bytes()); // resource fork clump
    h.extend(65536u32.to_be_bytes()); // data fork clump
    h.extend((FIRST_USER_ID + file_count as u32).to_be_bytes());
    h.extend(1u32.to_be_bytes()); // write count
    h.extend(1u64.to_be_bytes()); // encodings: MacRoman
    h.extend([0u8; 24]); // Finder info: nothing blessed
    h.extend(id); // Finder info words 6 and 7: the volume's identifier
    let fork = |(start, count): (u32, u32)| fork_data(count as u64 * BLOCK as u64, start, count);
    h.extend(fork(plan.bitmap));
    h.extend(fork(plan.extents));
    h.extend(fork(plan.catalog));
    h.extend([0u8; 80]); // attributes file: none
    h.extend([0u8; 80]); // startup file: none
    debug_assert_eq!(h.len(), 512);
    h
}

/// An HFSPlusForkData of one extent.
fn fork_data(logical_size: u64, start: u32, blocks: u32) -> Vec<u8> {
    let mut fork = Vec::with_capacity(80);
    fork.extend(logical_size.to_be_bytes());
    fork.extend(0u32.to_be_bytes()); // clump size
    fork.extend(blocks.to_be_bytes());
    fork.extend(start.to_be_bytes());
    fork.extend(blocks.to_be_bytes());
    fork.resize(80, 0);
    fork
}

/// The extents overflow B-tree: only its header node, since every fork
/// fits in its first extent.
fn extents_tree() -> Vec<u8> {
    let header = BTreeHeader {
        depth: 0,
        root: 0,
        leaf_records: 0,
        first_leaf: 0,
        last_leaf: 0,
        node_size: EXTENTS_NODE,
        max_key_length: 10,
        total_nodes: 1,
        key_compare: 0,
        attributes: 2, // big keys
    };
    header.node()
}

/// The catalog B-tree: its header node, then one leaf with the root
/// folder, each file, and their threads.
fn catalog_tree(name: &str, files: &[&File<'_>], plan: &Plan, date: u32) -> Result<Vec<u8>> {
    let mut records = vec![
        record(ROOT_PARENT_ID, name, folder_record(files.len(), date)),
        record(ROOT_FOLDER_ID, "", thread_record(3, ROOT_PARENT_ID, name)),
    ];
    for (i, (file, &(start, blocks))) in files.iter().zip(&plan.data).enumerate() {
        let id = FIRST_USER_ID + i as u32;
        records.push(record(
            ROOT_FOLDER_ID,
            file.name,
            file_record(id, file, start, blocks, date),
        ));
    }
    for (i, file) in files.iter().enumerate() {
        let id = FIRST_USER_ID + i as u32;
        records.push(record(id, "", thread_record(4, ROOT_FOLDER_ID, file.name)));
    }
    let header = BTreeHeader {
        depth: 1,
        root: 1,
        leaf_records: records.len() as u32,
        first_leaf: 1,
        last_leaf: 1,
        node_size: CATALOG_NODE,
        max_key_length: 516,
        total_nodes: 2,
        key_compare: 0xCF, // case folding
        attributes: 2 | 4, // big keys, variable-length index keys
    };
    let mut tree = header.node();
    tree.extend(leaf_node(&records)?);
    Ok(tree)
}

/// A catalog record: its key (parent ID and name) and its data.
fn record(parent: u32, name: &str, data: Vec<u8>) -> Vec<u8> {
    let units: Vec<u16> = name.encode_utf16().collect();
    let mut record = Vec::new();
    record.extend((6 + 2 * units.len() as u16).to_be_bytes());
    record.extend(parent.to_be_bytes());
    record.extend(unicode_name(name));
    record.extend(data);
    record
}

/// An HFSUniStr255: length, then UTF-16 big-endian.
fn unicode_name(name: &str) -> Vec<u8> {
    let units: Vec<u16> = name.encode_utf16().collect();
    let mut bytes = (units.len() as u16).to_be_bytes().to_vec();
    bytes.extend(units.iter().flat_map(|unit| unit.to_be_bytes()));
    bytes
}

/// The BSD owner, group and mode of a catalog record: root's, read-only
/// to everyone else.
fn permissions(mode: u16) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16);
    bytes.extend(0u32.to_be_bytes()); // owner
    bytes.extend(0u32.to_be_bytes()); // group
    bytes.extend([0u8, 0]); // admin and owner flags
    bytes.extend(mode.to_be_bytes());
    bytes.extend(0u32.to_be_bytes()); // link count / device
    bytes
}

/// The root folder's record (kHFSPlusFolderRecord).
fn folder_record(valence: usize, date: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity(88);
    data.extend(1i16.to_be_bytes());
    data.extend(0u16.to_be_bytes()); // flags
    data.extend((valence as u32).to_be_bytes());
    data.extend(ROOT_FOLDER_ID.to_be_bytes());
    for stamp in [date, date, date, date, 0] {
        data.extend(stamp.to_be_bytes());
    }
    data.extend(permissions(0o040_755));
    data.extend([0u8; 32]); // Finder info
    data.extend([0u8; 8]); // text encoding, reserved
    data
}

/// A file's record (kHFSPlusFileRecord), its data fork one extent.
fn file_record(id: u32, file: &File<'_>, start: u32, blocks: u32, date: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity(248);
    data.extend(2i16.to_be_bytes());
    data.extend(2u16.to_be_bytes()); // flags: it has a thread record
    data.extend(0u32.to_be_bytes());
    data.extend(id.to_be_bytes());
    for stamp in [date, date, date, date, 0] {
        data.extend(stamp.to_be_bytes());
    }
    let mode = if file.executable {
        0o100_755
    } else {
        0o100_644
    };
    data.extend(permissions(mode));
    data.extend([0u8; 32]); // Finder info
    data.extend([0u8; 8]); // text encoding, reserved
    data.extend(fork_data(file.data.len() as u64, start, blocks));
    data.extend([0u8; 80]); // resource fork: empty
    data
}

/// A thread record: folder (3) or file (4), naming its parent and name.
fn thread_record(kind: i16, parent: u32, name: &str) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend(kind.to_be_bytes());
    data.extend(0i16.to_be_bytes());
    data.extend(parent.to_be_bytes());
    data.extend(unicode_name(name));
    data
}

/// The one leaf node holding `records`, in order.
fn leaf_node(records: &[Vec<u8>]) -> Result<Vec<u8>> {
    let mut node = node_descriptor(-1, 1, records.len());
    let mut offsets = Vec::new();
    for record in records {
        offsets.push(node.len() as u16);
        node.extend(record);
    }
    offsets.push(node.len() as u16); // where the free space starts
    if node.len() + 2 * offsets.len() > CATALOG_NODE {
        bail!(
            "the disk image would hold more files than its catalog's one leaf node fits; \
             include fewer files"
        );
    }
    node.resize(CATALOG_NODE, 0);
    for (i, offset) in offsets.iter().enumerate() {
        let at = CATALOG_NODE - 2 * (i + 1);
        node[at..at + 2].copy_from_slice(&offset.to_be_bytes());
    }
    Ok(node)
}

/// A node descriptor: no siblings, of `kind` (-1 leaf, 1 header) at
/// `height`, with `records` records.
fn node_descriptor(kind: i8, height: u8, records: usize) -> Vec<u8> {
    let mut descriptor = Vec::with_capacity(14);
    descriptor.extend(0u32.to_be_bytes());
    descriptor.extend(0u32.to_be_bytes());
    descriptor.push(kind as u8);
    descriptor.push(height);
    descriptor.extend((records as u16).to_be_bytes());
    descriptor.extend(0u16.to_be_bytes());
    descriptor
}

/// A B-tree's header record (BTHeaderRec).
struct BTreeHeader {
    depth: u16,
    root: u32,
    leaf_records: u32,
    first_leaf: u32,
    last_leaf: u32,
    node_size: usize,
    max_key_length: u16,
    total_nodes: u32,
    key_compare: u8,
    attributes: u32,
}

impl BTreeHeader {
    /// The header node: the header record, the empty user data record,
    /// and the map record marking the tree's nodes as used.
    fn node(&self) -> Vec<u8> {
        let mut node = node_descriptor(1, 0, 3);
        node.extend(self.depth.to_be_bytes());
        node.extend(self.root.to_be_bytes());
        node.extend(self.leaf_records.to_be_bytes());
        node.extend(self.first_leaf.to_be_bytes());
        node.extend(self.last_leaf.to_be_bytes());
        node.extend((self.node_size as u16).to_be_bytes());
        node.extend(self.max_key_length.to_be_bytes());
        node.extend(self.total_nodes.to_be_bytes());
        node.extend(0u32.to_be_bytes()); // free nodes
        node.extend(0u16.to_be_bytes());
        node.extend((self.total_nodes * self.node_size as u32).to_be_bytes()); // clump
        node.push(0); // B-tree type: HFS
        node.push(self.key_compare);
        node.extend(self.attributes.to_be_bytes());
        node.extend([0u8; 64]); // reserved
        node.extend([0u8; 128]); // user data record
        let map_at = node.len();
        node.resize(self.node_size, 0);
        for used in 0..self.total_nodes as usize {
            node[map_at + used / 8] |= 0x80 >> (used % 8);
        }
        let free_at = self.node_size - 8;
        for (i, offset) in [14u16, 120, 248, free_at as u16].iter().enumerate() {
            let at = self.node_size - 2 * (i + 1);
            node[at..at + 2].copy_from_slice(&offset.to_be_bytes());
        }
        node
    }
}

/// A file of the root folder, as read back.
#[derive(Debug, PartialEq, Eq)]
pub struct ReadFile {
    pub name: String,
    pub data: Vec<u8>,
    /// Its BSD mode (type and permissions).
    pub mode: u16,
}

/// The volume's name and the files of its root folder, read from the
/// catalog's leaf nodes as a mounting system would: enough to check a
/// volume [`volume`] wrote.
pub fn read_root(image: &[u8]) -> Result<(String, Vec<ReadFile>)> {
    let u16_at = |at: usize| {
        image
            .get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| {
        image
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes(b.try_into().unwrap()))
    };
    let u64_at = |at: usize| {
        image
            .get(at..at + 8)
            .map(|b| u64::from_be_bytes(b.try_into().unwrap()))
    };
    if image.get(1024..1026) != Some(b"H+".as_slice()) {
        bail!("there is no HFS+ volume header at byte 1024");
    }
    let block = u32_at(1024 + 40).context("a cut volume header")? as usize;
    // The catalog file's fork: logical size, then its first extent.
    let catalog_fork = 1024 + 112 + 2 * 80;
    let catalog = u32_at(catalog_fork + 16).context("a cut volume header")? as usize * block;
    let node_size = u16_at(catalog + 14 + 18).context("a cut catalog")? as usize;
    let mut leaf = u32_at(catalog + 14 + 10).context("a cut catalog")? as usize;
    let (mut volume, mut files) = (String::new(), Vec::new());
    while leaf != 0 {
        let node = catalog + leaf * node_size;
        let records = u16_at(node + 10).context("a cut catalog node")? as usize;
        for i in 0..records {
            let at = node + u16_at(node + node_size - 2 * (i + 1)).context("a cut node")? as usize;
            let key_length = u16_at(at).context("a cut record")? as usize;
            let parent = u32_at(at + 2).context("a cut record")?;
            let name_units = u16_at(at + 6).context("a cut record")? as usize;
            let units: Vec<u16> = (0..name_units)
                .filter_map(|j| u16_at(at + 8 + 2 * j))
                .collect();
            let name = String::from_utf16(&units).context("a name that is not UTF-16")?;
            let data = at + 2 + key_length;
            match (u16_at(data), parent) {
                (Some(1), ROOT_PARENT_ID) => volume = name,
                (Some(2), ROOT_FOLDER_ID) => {
                    let mode = u16_at(data + 32 + 10).context("a cut file record")?;
                    let fork = data + 88;
                    let size = u64_at(fork).context("a cut file record")? as usize;
                    let start = u32_at(fork + 16).context("a cut file record")? as usize * block;
                    let bytes = image
                        .get(start..start + size)
                        .context("a file past the volume")?;
                    files.push(ReadFile {
                        name,
                        data: bytes.to_vec(),
                        mode,
                    });
                }
                _ => {}
            }
        }
        leaf = u32_at(node).context("a cut catalog node")? as usize;
    }
    Ok((volume, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_volume_header_is_at_1024_and_again_at_the_end() {
        let files = [File {
            name: "app",
            data: b"\x7fELF",
            executable: true,
        }];
        let image = volume("app 1.0", &files, 1_700_000_000).unwrap();
        assert_eq!(&image[1024..1026], b"H+");
        assert_eq!(
            image[1024..1536],
            image[image.len() - 1024..image.len() - 512]
        );
        assert_eq!(image.len() % BLOCK, 0);
        assert_eq!(image, volume("app 1.0", &files, 1_700_000_000).unwrap());
        let (name, read) = read_root(&image).unwrap();
        assert_eq!(name, "app 1.0");
        let app = ReadFile {
            name: "app".to_owned(),
            data: b"\x7fELF".to_vec(),
            mode: 0o100_755,
        };
        assert_eq!(read, [app]);
    }

    #[test]
    fn names_the_catalog_cannot_hold_are_refused() {
        let files = [File {
            name: "a:b",
            data: b"",
            executable: false,
        }];
        assert!(volume("v", &files, 0).is_err());
    }
}
