//! xar archives, the container of every macOS installer package.
//!
//! A xar file is a 28-byte header, a table of contents (XML, compressed
//! with zlib) and a heap. The heap starts with the SHA-1 of the compressed
//! table, which the table points to as its checksum, and then holds each
//! file's data. The table lists each file: name, type, mode, owner, times,
//! and where its data lies in the heap, with SHA-1s. Files are stored as
//! they are (`application/octet-stream`): a package's payload is gzip data
//! already. Signing (`productsign`) adds a signature to the table later, on
//! a Mac.

use std::io::{Read, Write};

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use sha1::{Digest, Sha1};

use crate::formats::archive;
use crate::util::digest::hex;

const MAGIC: &[u8; 4] = b"xar!";
const HEADER_SIZE: u16 = 28;
/// The header's code for SHA-1 table checksums.
const CHECKSUM_SHA1: u32 = 1;

/// One entry of the archive: a file or a folder of entries.
pub enum Node<'a> {
    File {
        name: &'a str,
        data: &'a [u8],
    },
    Folder {
        name: &'a str,
        children: Vec<Node<'a>>,
    },
}

/// The archive of `nodes`, every one owned by root and stamped `mtime`.
pub fn write(nodes: &[Node<'_>], mtime: u64) -> Result<Vec<u8>> {
    let mut toc = Toc {
        xml: String::new(),
        heap: Vec::new(),
        next_id: 1,
        time: archive::rfc3339(mtime),
    };
    // The table's own checksum comes first in the heap; it is written last.
    toc.heap.resize(20, 0);
    for node in nodes {
        toc.node(node, 2);
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xar>\n <toc>\n  \
         <checksum style=\"sha1\">\n   <offset>0</offset>\n   <size>20</size>\n  \
         </checksum>\n  <creation-time>{}</creation-time>\n{} </toc>\n</xar>\n",
        toc.time, toc.xml
    );
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::best());
    zlib.write_all(xml.as_bytes())?;
    let compressed = zlib.finish()?;
    toc.heap[..20].copy_from_slice(&Sha1::digest(&compressed));

    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&HEADER_SIZE.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&(compressed.len() as u64).to_be_bytes());
    out.extend_from_slice(&(xml.len() as u64).to_be_bytes());
    out.extend_from_slice(&CHECKSUM_SHA1.to_be_bytes());
    out.extend_from_slice(&compressed);
    out.extend_from_slice(&toc.heap);
    Ok(out)
}

/// The table of contents as it is written, and the heap it describes.
struct Toc {
    xml: String,
    heap: Vec<u8>,
    next_id: u32,
    time: String,
}

impl Toc {
    fn node(&mut self, node: &Node<'_>, depth: usize) {
        let pad = " ".repeat(depth);
        let id = self.next_id;
        self.next_id += 1;
        let (name, kind, mode) = match node {
            Node::File { name, .. } => (name, "file", "0644"),
            Node::Folder { name, .. } => (name, "directory", "0755"),
        };
        self.xml.push_str(&format!("{pad}<file id=\"{id}\">\n"));
        if let Node::File { data, .. } = node {
            self.data(data, &pad);
        }
        let time = &self.time;
        self.xml.push_str(&format!(
            "{pad} <ctime>{time}</ctime>\n{pad} <mtime>{time}</mtime>\n\
             {pad} <atime>{time}</atime>\n{pad} <group>wheel</group>\n{pad} <gid>0</gid>\n\
             {pad} <user>root</user>\n{pad} <uid>0</uid>\n{pad} <mode>{mode}</mode>\n\
             {pad} <type>{kind}</type>\n{pad} <name>{}</name>\n",
            escape(name)
        ));
        if let Node::Folder { children, .. } = node {
            for child in children {
                self.node(child, depth + 1);
            }
        }
        self.xml.push_str(&format!("{pad}</file>\n"));
    }

    /// A file's `<data>`: its place in the heap, stored as it is.
    fn data(&mut self, data: &[u8], pad: &str) {
        let offset = self.heap.len();
        self.heap.extend_from_slice(data);
        let sha1 = hex(&Sha1::digest(data));
        let length = data.len();
        self.xml.push_str(&format!(
            "{pad} <data>\n{pad}  <length>{length}</length>\n{pad}  <offset>{offset}</offset>\n\
             {pad}  <size>{length}</size>\n\
             {pad}  <encoding style=\"application/octet-stream\"/>\n\
             {pad}  <extracted-checksum style=\"sha1\">{sha1}</extracted-checksum>\n\
             {pad}  <archived-checksum style=\"sha1\">{sha1}</archived-checksum>\n\
             {pad} </data>\n"
        ));
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The files of an archive this xtask wrote, as `(path, data)` with paths
/// joined by `/`: the table checked against its SHA-1, each file against
/// its own.
pub fn read(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    if bytes.get(..4) != Some(MAGIC) || bytes.len() < usize::from(HEADER_SIZE) {
        bail!("it is not a xar archive (no `xar!` header at its start)");
    }
    let header = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
    let length = u64::from_be_bytes(bytes[8..16].try_into()?) as usize;
    let compressed = bytes
        .get(header..header + length)
        .context("the xar table of contents is cut short")?;
    let heap = &bytes[header + compressed.len()..];
    if heap.get(..20) != Some(&Sha1::digest(compressed)[..]) {
        bail!("the xar table of contents does not match its SHA-1");
    }
    let mut xml = String::new();
    flate2::read::ZlibDecoder::new(compressed)
        .read_to_string(&mut xml)
        .context("the xar table of contents is not zlib-compressed XML")?;
    let mut files = Vec::new();
    for listed in listed_files(&xml)? {
        let data = heap
            .get(listed.offset..listed.offset + listed.size)
            .with_context(|| format!("{}'s data lies outside the xar heap", listed.path))?;
        if hex(&Sha1::digest(data)) != listed.sha1 {
            bail!(
                "{} does not match the SHA-1 the xar table lists",
                listed.path
            );
        }
        files.push((listed.path, data.to_vec()));
    }
    Ok(files)
}

/// A file the table of contents lists, and where its data lies.
#[derive(Default)]
struct Listed {
    path: String,
    offset: usize,
    size: usize,
    sha1: String,
}

/// The files a table of contents (as [`write()`] lays it out, one element a
/// line, each name before its folder's children) lists.
fn listed_files(xml: &str) -> Result<Vec<Listed>> {
    // The open `<file>` elements: a name, and the data of a file.
    let mut open: Vec<(String, Option<Listed>)> = Vec::new();
    let mut files = Vec::new();
    for line in xml.lines().map(str::trim) {
        let value = |tag: &str| {
            line.strip_prefix(tag)
                .and_then(|rest| rest.split('<').next())
        };
        if line.starts_with("<file ") {
            open.push((String::new(), None));
        } else if line == "</file>" {
            let (name, data) = open
                .pop()
                .context("the xar table closes a file it did not open")?;
            if let Some(mut listed) = data {
                let folders: Vec<&str> = open.iter().map(|(name, _)| name.as_str()).collect();
                listed.path = [folders.as_slice(), &[name.as_str()]].concat().join("/");
                files.push(listed);
            }
        } else if let Some((name, data)) = open.last_mut() {
            if let Some(text) = value("<name>") {
                *name = text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&");
            } else if line == "<data>" {
                *data = Some(Listed::default());
            } else if let (Some(text), Some(data)) = (value("<offset>"), data.as_mut()) {
                data.offset = text.parse()?;
            } else if let (Some(text), Some(data)) = (value("<size>"), data.as_mut()) {
                data.size = text.parse()?;
            } else if let (Some(text), Some(data)) =
                (value("<extracted-checksum style=\"sha1\">"), data.as_mut())
            {
                data.sha1 = text.to_owned();
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let nodes = [
            Node::File {
                name: "Distribution",
                data: b"<installer-gui-script/>",
            },
            Node::Folder {
                name: "a&b.pkg",
                children: vec![Node::File {
                    name: "Payload",
                    data: b"payload bytes",
                }],
            },
        ];
        write(&nodes, 1_700_000_000).unwrap()
    }

    #[test]
    fn files_read_back_with_their_folders() {
        let bytes = sample();
        assert_eq!(&bytes[..4], b"xar!");
        assert_eq!(
            read(&bytes).unwrap(),
            [
                (
                    "Distribution".to_owned(),
                    b"<installer-gui-script/>".to_vec()
                ),
                ("a&b.pkg/Payload".to_owned(), b"payload bytes".to_vec()),
            ]
        );
        assert_eq!(sample(), bytes, "the same input gives the same bytes");
    }

    #[test]
    fn damage_to_a_file_or_the_table_is_found() {
        let mut damaged = sample();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        let err = read(&damaged).unwrap_err().to_string();
        assert!(
            err.contains("a&b.pkg/Payload does not match the SHA-1"),
            "{err}"
        );
        let mut damaged = sample();
        damaged[40] ^= 1;
        let err = read(&damaged).unwrap_err().to_string();
        assert!(err.contains("table of contents does not match"), "{err}");
        let err = read(b"PK\x03\x04").unwrap_err().to_string();
        assert!(err.contains("not a xar archive"), "{err}");
    }
}
