//! The bill of materials (`Bom`) of a macOS installer package: Apple's
//! BOMStore, which lists every path the payload installs with its mode,
//! owner, size and checksum. Installer keeps it as the receipt that
//! `pkgutil --files` and `lsbom` read.
//!
//! The layout is the one bomutils' mkbom writes (its `bom.h` documents
//! each structure), byte for byte, and Apple's Installer reads it: a
//! 512-byte header; the named variables (`BomInfo`, `Paths`, `HLIndex`,
//! `VIndex`, `Size64`); the blocks they point to; and the index of every
//! block's address and length. All numbers are big-endian. The paths sit in
//! one B-tree leaf in breadth-first order, each folder's children sorted by
//! name, so a payload is limited to [`MAX_PATHS`] paths.

use anyhow::{Context, Result, bail};

/// The paths one B-tree leaf holds; mkbom starts a second leaf after them.
pub const MAX_PATHS: usize = 256;

/// One path of the payload: `.`, `./bin`, `./bin/tool`.
pub struct BomPath<'a> {
    pub path: &'a str,
    /// The mode with its file type bits (`0o040755`, `0o100755`).
    pub mode: u32,
    /// A file's contents; empty for a folder.
    pub data: &'a [u8],
}

/// The blocks of a BOMStore and its named variables, as they are added.
#[derive(Default)]
struct Store {
    blocks: Vec<Vec<u8>>,
    vars: Vec<(&'static str, u32)>,
}

impl Store {
    /// Adds a block; its index (the first is 1: index 0 is the null block).
    fn block(&mut self, data: Vec<u8>) -> u32 {
        self.blocks.push(data);
        self.blocks.len() as u32
    }

    fn var(&mut self, name: &'static str, data: Vec<u8>) {
        let index = self.block(data);
        self.vars.push((name, index));
    }

    /// The file: header, variables, blocks, then the block index and an
    /// empty free list (with the two spare entries mkbom leaves).
    fn bytes(self) -> Vec<u8> {
        let mut vars = be(&[self.vars.len() as u32]);
        for (name, index) in &self.vars {
            vars.extend_from_slice(&index.to_be_bytes());
            vars.push(name.len() as u8);
            vars.extend_from_slice(name.as_bytes());
        }
        let blocks_start = 512 + vars.len();
        let mut index = be(&[self.blocks.len() as u32 + 1, 0, 0]);
        let mut address = blocks_start;
        for block in &self.blocks {
            index.extend_from_slice(&be(&[address as u32, block.len() as u32]));
            address += block.len();
        }
        index.extend_from_slice(&be(&[0, 0, 0, 0, 0]));
        let mut out = b"BOMStore".to_vec();
        out.extend_from_slice(&be(&[
            1,
            self.blocks.len() as u32,
            address as u32,
            index.len() as u32,
            512,
            vars.len() as u32,
        ]));
        out.resize(512, 0);
        out.extend_from_slice(&vars);
        for block in &self.blocks {
            out.extend_from_slice(block);
        }
        out.extend_from_slice(&index);
        out
    }
}

fn be(numbers: &[u32]) -> Vec<u8> {
    numbers.iter().flat_map(|n| n.to_be_bytes()).collect()
}

/// The Bom of `paths` (which hold `.` and each path's parent), every one
/// owned by root and stamped `mtime`.
pub fn write(paths: &[BomPath<'_>], mtime: u32) -> Result<Vec<u8>> {
    if paths.len() > MAX_PATHS {
        bail!(
            "a .pkg installs at most {MAX_PATHS} paths here, and this one would install {}",
            paths.len()
        );
    }
    let mut store = Store::default();
    let mut info = be(&[1, paths.len() as u32 + 1, 1]);
    info.resize(info.len() + 16, 0);
    store.var("BomInfo", info);

    let mut leaf = Vec::new();
    for (id, parent, name, path) in breadth_first(paths)? {
        let info2 = store.block(path_info(path, mtime));
        let info1 = store.block(be(&[id, info2]));
        let mut file = be(&[parent]);
        file.extend_from_slice(name.as_bytes());
        file.push(0);
        leaf.extend_from_slice(&be(&[info1, store.block(file)]));
    }
    let leaf = store.block(tree_node(paths.len(), &leaf));
    store.var("Paths", tree(leaf, 4096, paths.len()));

    let empty = store.block(tree_node(0, &[]));
    store.var("HLIndex", tree(empty, 4096, 0));
    let empty = store.block(tree_node(0, &[]));
    let v_tree = store.block(tree(empty, 128, 0));
    let mut v_index = be(&[1, v_tree, 0]);
    v_index.push(0);
    store.var("VIndex", v_index);
    let empty = store.block(tree_node(0, &[]));
    store.var("Size64", tree(empty, 4096, 0));
    Ok(store.bytes())
}

/// Each path with its id (from 1), its parent's id (0 for `.`) and its
/// name, in the order mkbom numbers them: breadth first, each folder's
/// children sorted by name.
fn breadth_first<'a>(
    paths: &'a [BomPath<'a>],
) -> Result<Vec<(u32, u32, &'a str, &'a BomPath<'a>)>> {
    let root = paths
        .iter()
        .find(|path| path.path == ".")
        .context("a Bom's paths start at `.`")?;
    let mut order = vec![(1, 0, ".", root)];
    let mut next = 0;
    while let Some(&(id, _, _, folder)) = order.get(next) {
        let prefix = format!("{}/", folder.path);
        let mut children: Vec<(&str, &BomPath<'_>)> = paths
            .iter()
            .filter_map(|path| {
                let name = path.path.strip_prefix(&prefix)?;
                (!name.contains('/')).then_some((name, path))
            })
            .collect();
        children.sort_by_key(|(name, _)| name.as_bytes());
        for (name, path) in children {
            order.push((order.len() as u32 + 1, id, name, path));
        }
        next += 1;
    }
    if order.len() != paths.len() {
        bail!("a Bom's paths must each sit in a folder it lists");
    }
    Ok(order)
}

/// BOMPathInfo2: type, mode, owner, time, size and checksum of one path.
fn path_info(path: &BomPath<'_>, mtime: u32) -> Vec<u8> {
    let is_dir = path.mode & 0o170000 == 0o040000;
    let (kind, size, checksum) = match is_dir {
        true => (2, 0, 0),
        false => (1, path.data.len() as u32, cksum(path.data)),
    };
    // type, 1, architecture (3, as mkbom writes), mode.
    let mut info = vec![kind, 1, 0, 3];
    info.extend_from_slice(&(path.mode as u16).to_be_bytes());
    info.extend_from_slice(&be(&[0, 0, mtime, size]));
    info.push(1);
    info.extend_from_slice(&be(&[checksum, 0]));
    info
}

/// A B-tree leaf (BOMPaths) of `count` index pairs.
fn tree_node(count: usize, indices: &[u8]) -> Vec<u8> {
    let mut node = vec![0, 1];
    node.extend_from_slice(&(count as u16).to_be_bytes());
    node.extend_from_slice(&be(&[0, 0]));
    node.extend_from_slice(indices);
    node
}

/// A BOMTree: its root node's block, its node size and its path count.
fn tree(child: u32, block_size: u32, paths: usize) -> Vec<u8> {
    let mut tree = b"tree".to_vec();
    tree.extend_from_slice(&be(&[1, child, block_size, paths as u32]));
    tree.push(0);
    tree
}

/// The checksum POSIX `cksum` prints (a CRC-32 of the data and then its
/// length), which a Bom lists for each file.
pub fn cksum(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0; 256];
        let mut i = 0;
        while i < 256 {
            let mut crc = (i as u32) << 24;
            let mut bit = 0;
            while bit < 8 {
                crc = match crc & 0x8000_0000 {
                    0 => crc << 1,
                    _ => (crc << 1) ^ 0x04c1_1db7,
                };
                bit += 1;
            }
            table[i] = crc;
            i += 1;
        }
        table
    };
    let feed = |crc: u32, byte: u8| TABLE[usize::from((crc >> 24) as u8 ^ byte)] ^ (crc << 8);
    let mut crc = data.iter().fold(0, |crc, &byte| feed(crc, byte));
    let mut length = data.len();
    while length > 0 {
        crc = feed(crc, length as u8);
        length >>= 8;
    }
    !crc
}

/// The paths a Bom lists, as `(path, mode, size)`, read through its
/// `Paths` tree.
pub fn read(bom: &[u8]) -> Result<Vec<(String, u32, u32)>> {
    if bom.get(..8) != Some(b"BOMStore") {
        bail!("the Bom does not start with BOMStore");
    }
    let word = |at: usize| -> Result<u32> {
        let bytes = bom.get(at..at + 4).context("the Bom is cut short")?;
        Ok(u32::from_be_bytes(bytes.try_into()?))
    };
    let (index_at, vars_at) = (word(16)? as usize, word(24)? as usize);
    let block = |index: u32| -> Result<&[u8]> {
        let entry = index_at + 4 + 8 * index as usize;
        let (address, length) = (word(entry)? as usize, word(entry + 4)? as usize);
        bom.get(address..address + length)
            .context("a Bom block lies outside the file")
    };
    let mut paths_var = None;
    let mut at = vars_at + 4;
    for _ in 0..word(vars_at)? {
        let length = usize::from(*bom.get(at + 4).context("the Bom is cut short")?);
        if bom.get(at + 5..at + 5 + length) == Some(b"Paths") {
            paths_var = Some(word(at)?);
        }
        at += 5 + length;
    }
    let tree = block(paths_var.context("the Bom has no Paths tree")?)?;
    let leaf = block(u32::from_be_bytes(tree[8..12].try_into()?))?;
    let field = |bytes: &[u8], at: usize| -> Result<u32> {
        let word = bytes.get(at..at + 4).context("a Bom block is cut short")?;
        Ok(u32::from_be_bytes(word.try_into()?))
    };
    let count = usize::from(u16::from_be_bytes([leaf[2], leaf[3]]));
    let mut by_id: Vec<(u32, String)> = vec![(0, String::new())];
    let mut paths = Vec::new();
    for i in 0..count {
        let (info1, file) = (
            block(field(leaf, 12 + 8 * i)?)?,
            block(field(leaf, 16 + 8 * i)?)?,
        );
        let info2 = block(field(info1, 4)?)?;
        let (parent, name) = (field(file, 0)?, &file[4..file.len() - 1]);
        let (_, parent_path) = by_id
            .iter()
            .find(|(id, _)| *id == parent)
            .context("a Bom path's parent is listed after it")?;
        let path = match parent {
            0 => String::from_utf8_lossy(name).into_owned(),
            _ => format!("{parent_path}/{}", String::from_utf8_lossy(name)),
        };
        by_id.push((field(info1, 0)?, path.clone()));
        let mode = u32::from(u16::from_be_bytes([info2[4], info2[5]]));
        paths.push((path, mode, field(info2, 18)?));
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOL: &[u8] = b"#!/bin/sh\necho tool\n";
    const README: &[u8] = b"# tool\n";

    /// The tree `mkbom-tool.bom.hex` (beside this file) was made of, in
    /// another order.
    fn tree() -> Vec<BomPath<'static>> {
        let folder = |path| BomPath {
            path,
            mode: 0o040755,
            data: &[],
        };
        vec![
            folder("./share/doc/tool"),
            BomPath {
                path: "./share/doc/tool/README.md",
                mode: 0o100644,
                data: README,
            },
            folder("."),
            folder("./share"),
            BomPath {
                path: "./bin/tool",
                mode: 0o100755,
                data: TOOL,
            },
            folder("./bin"),
            folder("./share/doc"),
        ]
    }

    /// The same bytes as bomutils' mkbom writes of the same tree (made with
    /// `mkbom -u 0 -g 0 root mkbom-tool.bom`, every file stamped
    /// 1700000000; its lsbom lists it as `./bin/tool 100755 0/0 20
    /// 1349717306`, …). The file beside this one is that Bom as `xxd -p`
    /// prints it: the template's files stay text, which `init` copies.
    #[test]
    fn writes_what_mkbom_writes() {
        let hex: Vec<u8> = include_str!("mkbom-tool.bom.hex")
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .collect();
        let expected: Vec<u8> = hex
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect();
        assert_eq!(expected.len(), 1418);
        let written = write(&tree(), 1_700_000_000).unwrap();
        assert_eq!(written, expected);
    }

    #[test]
    fn reads_its_paths_back_breadth_first() {
        let written = write(&tree(), 1_700_000_000).unwrap();
        let paths = read(&written).unwrap();
        let names: Vec<&str> = paths.iter().map(|(path, ..)| path.as_str()).collect();
        assert_eq!(
            names,
            [
                ".",
                "./bin",
                "./share",
                "./bin/tool",
                "./share/doc",
                "./share/doc/tool",
                "./share/doc/tool/README.md",
            ]
        );
        assert_eq!(paths[3].1, 0o100755);
        assert_eq!(paths[3].2, TOOL.len() as u32);
    }

    #[test]
    fn refuses_what_one_leaf_cannot_hold_and_orphans() {
        let names: Vec<String> = (0..MAX_PATHS).map(|i| format!("./f{i}")).collect();
        let mut paths: Vec<BomPath<'_>> = names
            .iter()
            .map(|path| BomPath {
                path,
                mode: 0o100644,
                data: b"",
            })
            .collect();
        paths.push(BomPath {
            path: ".",
            mode: 0o040755,
            data: &[],
        });
        let err = write(&paths, 0).unwrap_err().to_string();
        assert!(err.contains("at most 256 paths"), "{err}");
        paths.truncate(1);
        paths.push(BomPath {
            path: "./lost/file",
            mode: 0o100644,
            data: b"",
        });
        paths.push(BomPath {
            path: ".",
            mode: 0o040755,
            data: &[],
        });
        let err = write(&paths, 0).unwrap_err().to_string();
        assert!(err.contains("each sit in a folder"), "{err}");
    }

    /// POSIX cksum's check value (`printf 123456789 | cksum` prints
    /// 930766865), and the empty input's.
    #[test]
    fn cksum_is_the_posix_one() {
        assert_eq!(cksum(b"123456789"), 930_766_865);
        assert_eq!(cksum(b""), 0xffff_ffff);
        assert_eq!(cksum(TOOL), 1_349_717_306);
    }
}
