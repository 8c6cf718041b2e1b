//! RPM's header structure, which holds both the signature and the package
//! metadata. Format: <https://rpm-software-management.github.io/rpm/manual/format_v4.html>
//! and rpm's `lib/header.c`.
//!
//! A header is a magic number, the count of index entries and the size of
//! the data store, then the index entries (tag, type, offset into the
//! store, count: four big-endian u32 each), then the store. Entries are
//! sorted by tag; each value is aligned in the store to its type's size.
//! Every header here is one immutable region: its first entry (the region
//! tag) points at a 16-byte trailer at the end of the store, whose offset
//! field is minus the size of the whole index.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

const MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];

/// The region tag of the signature header.
pub(super) const SIGNATURES_REGION: u32 = 62;
/// The region tag of the main header.
pub(super) const IMMUTABLE_REGION: u32 = 63;

/// A value in a header, with the type rpm stores it as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int16(Vec<u16>),
    Int32(Vec<u32>),
    String(String),
    Bin(Vec<u8>),
    StringArray(Vec<String>),
    /// A translatable string; only the `C` locale is written.
    I18nString(String),
}

impl Value {
    /// rpm's type code (`rpmTagType`) and the alignment of the type.
    fn type_and_alignment(&self) -> (u32, usize) {
        match self {
            Value::Int16(_) => (3, 2),
            Value::Int32(_) => (4, 4),
            Value::String(_) => (6, 1),
            Value::Bin(_) => (7, 1),
            Value::StringArray(_) => (8, 1),
            Value::I18nString(_) => (9, 1),
        }
    }

    /// The entry's count and its bytes in the store.
    fn count_and_bytes(&self) -> (usize, Vec<u8>) {
        let strings = |items: &[&String]| -> Vec<u8> {
            let mut bytes = Vec::new();
            for item in items {
                bytes.extend_from_slice(item.as_bytes());
                bytes.push(0);
            }
            bytes
        };
        match self {
            Value::Int16(values) => (
                values.len(),
                values.iter().flat_map(|v| v.to_be_bytes()).collect(),
            ),
            Value::Int32(values) => (
                values.len(),
                values.iter().flat_map(|v| v.to_be_bytes()).collect(),
            ),
            Value::String(text) | Value::I18nString(text) => (1, strings(&[text])),
            Value::Bin(bytes) => (bytes.len(), bytes.clone()),
            Value::StringArray(items) => (items.len(), strings(&items.iter().collect::<Vec<_>>())),
        }
    }
}

/// The entries of one header, by tag.
#[derive(Debug, Default, Clone)]
pub struct Header {
    entries: BTreeMap<u32, Value>,
}

impl Header {
    pub fn set(&mut self, tag: u32, value: Value) {
        self.entries.insert(tag, value);
    }

    pub fn get(&self, tag: u32) -> Option<&Value> {
        self.entries.get(&tag)
    }

    /// The header's bytes, as one immutable region under `region_tag`.
    pub(super) fn to_bytes(&self, region_tag: u32) -> Vec<u8> {
        let mut index: Vec<[u32; 4]> = Vec::new();
        let mut store: Vec<u8> = Vec::new();
        for (&tag, value) in &self.entries {
            let (kind, alignment) = value.type_and_alignment();
            let (count, bytes) = value.count_and_bytes();
            store.resize(store.len().next_multiple_of(alignment), 0);
            index.push([tag, kind, store.len() as u32, count as u32]);
            store.extend(bytes);
        }
        let entry_count = index.len() as u32 + 1;
        let trailer_offset = store.len() as u32;
        for field in [region_tag, 7, (-(entry_count as i32 * 16)) as u32, 16] {
            store.extend(field.to_be_bytes());
        }
        index.insert(0, [region_tag, 7, trailer_offset, 16]);

        let mut bytes = MAGIC.to_vec();
        bytes.extend(entry_count.to_be_bytes());
        bytes.extend((store.len() as u32).to_be_bytes());
        for entry in index {
            for field in entry {
                bytes.extend(field.to_be_bytes());
            }
        }
        bytes.extend(store);
        bytes
    }

    /// Reads a header from the start of `bytes`; returns it and its length.
    /// Only the types [`Value`] has are read; the region entry is skipped.
    pub fn read(bytes: &[u8]) -> Result<(Header, usize)> {
        if bytes.get(..8) != Some(&MAGIC[..]) {
            bail!("no RPM header magic where a header should start");
        }
        let word = |at: usize| -> Result<u32> {
            let slice = bytes.get(at..at + 4).context("the header is cut short")?;
            Ok(u32::from_be_bytes(slice.try_into()?))
        };
        let (entry_count, store_size) = (word(8)? as usize, word(12)? as usize);
        let store_start = 16 + entry_count * 16;
        let end = store_start + store_size;
        let store = bytes
            .get(store_start..end)
            .context("the header's data store is cut short")?;
        let mut header = Header::default();
        for i in 0..entry_count {
            let at = 16 + i * 16;
            let (tag, kind, offset, count) = (
                word(at)?,
                word(at + 4)?,
                word(at + 8)? as usize,
                word(at + 12)? as usize,
            );
            if tag == SIGNATURES_REGION || tag == IMMUTABLE_REGION {
                continue;
            }
            let data = store
                .get(offset..)
                .with_context(|| format!("tag {tag} points outside the header"))?;
            let fixed = |size: usize| -> Result<&[u8]> {
                data.get(..size * count)
                    .with_context(|| format!("tag {tag} runs past the header"))
            };
            let strings = |n: usize| -> Result<Vec<String>> {
                let mut items = data.split(|&b| b == 0).map(|s| String::from_utf8_lossy(s));
                (0..n)
                    .map(|_| items.next().map(|s| s.into_owned()))
                    .collect::<Option<_>>()
                    .with_context(|| format!("tag {tag} has fewer strings than it says"))
            };
            let value = match kind {
                3 => Value::Int16(
                    fixed(2)?
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect(),
                ),
                4 => Value::Int32(
                    fixed(4)?
                        .chunks(4)
                        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                        .collect(),
                ),
                6 => Value::String(strings(1)?.remove(0)),
                7 => Value::Bin(fixed(1)?.to_vec()),
                8 => Value::StringArray(strings(count)?),
                9 => Value::I18nString(strings(1)?.remove(0)),
                _ => continue,
            };
            header.set(tag, value);
        }
        Ok((header, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_reads_back_what_was_written_with_aligned_values() {
        let mut header = Header::default();
        header.set(1000, Value::String("app".into()));
        header.set(1030, Value::Int16(vec![0o100755, 0o40755]));
        header.set(1028, Value::Int32(vec![7, 0]));
        header.set(1117, Value::StringArray(vec!["app".into(), "doc".into()]));
        header.set(5092, Value::Bin(vec![1, 2, 3]));
        let bytes = header.to_bytes(IMMUTABLE_REGION);
        let (read, length) = Header::read(&bytes).unwrap();
        assert_eq!(length, bytes.len());
        assert_eq!(read.entries, header.entries);
        // The region entry comes first and its trailer last, pointing back
        // over the six index entries.
        assert_eq!(&bytes[16..20], &63u32.to_be_bytes());
        assert_eq!(
            &bytes[bytes.len() - 8..bytes.len() - 4],
            &(-96i32).to_be_bytes()
        );
        // The INT32 array after the 4-byte string "app\0" needs no padding;
        // the INT16 array after it starts at an even offset.
        let offset_of =
            |i: usize| u32::from_be_bytes(bytes[16 + i * 16 + 8..][..4].try_into().unwrap());
        assert_eq!(offset_of(2) % 4, 0);
        assert_eq!(offset_of(3) % 2, 0);
    }
}
