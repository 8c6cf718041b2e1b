//! The payload of an RPM: a cpio archive in the "new ASCII" (`newc`)
//! format, as `man 5 cpio` describes it. Each member is a 110-byte header
//! of `070701` and thirteen 8-digit hex fields, the NUL-terminated path,
//! padding to 4 bytes, the data, padding to 4 bytes; a member named
//! `TRAILER!!!` ends the archive.

use anyhow::{Context, Result, bail};

const MAGIC: &[u8; 6] = b"070701";
const TRAILER: &str = "TRAILER!!!";

/// One member to write: a path (`./usr/bin/app`), its mode with the file
/// type bits, and its data (empty for a folder).
pub(super) struct Member<'a> {
    pub path: &'a str,
    pub mode: u32,
    pub data: &'a [u8],
    /// Its inode number, which the RPM header repeats.
    pub inode: u32,
}

/// A cpio archive of `members`, every one owned by root and stamped `mtime`.
pub fn write(members: &[Member<'_>], mtime: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for member in members {
        let is_dir = member.mode & 0o170000 == 0o040000;
        let nlink = if is_dir { 2 } else { 1 };
        append(
            &mut out,
            member.path,
            member.inode,
            member.mode,
            nlink,
            mtime,
            member.data,
        );
    }
    append(&mut out, TRAILER, 0, 0, 1, 0, &[]);
    out
}

fn append(
    out: &mut Vec<u8>,
    path: &str,
    inode: u32,
    mode: u32,
    nlink: u32,
    mtime: u32,
    data: &[u8],
) {
    let fields = [
        inode,
        mode,
        0, // uid
        0, // gid
        nlink,
        mtime,
        data.len() as u32,
        0, // devmajor
        0, // devminor
        0, // rdevmajor
        0, // rdevminor
        path.len() as u32 + 1,
        0, // check: only the `070702` format has a checksum
    ];
    out.extend_from_slice(MAGIC);
    for field in fields {
        out.extend_from_slice(format!("{field:08x}").as_bytes());
    }
    out.extend_from_slice(path.as_bytes());
    out.push(0);
    out.resize(out.len().next_multiple_of(4), 0);
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// The members of a `newc` archive, as `(path, mode, data)`.
pub fn read(bytes: &[u8]) -> Result<Vec<(String, u32, Vec<u8>)>> {
    let mut members = Vec::new();
    let mut at = 0;
    loop {
        let header = bytes
            .get(at..at + 110)
            .context("the cpio payload ends before its trailer")?;
        if &header[..6] != MAGIC {
            bail!("a cpio member does not start with {MAGIC:?}");
        }
        let field = |i: usize| -> Result<usize> {
            let hex = std::str::from_utf8(&header[6 + i * 8..14 + i * 8])?;
            Ok(usize::from_str_radix(hex, 16)?)
        };
        let (mode, size, name_size) = (field(1)? as u32, field(6)?, field(11)?);
        let name_end = at + 110 + name_size;
        let name = bytes
            .get(at + 110..name_end - 1)
            .context("a cpio member's name is cut short")?;
        let name = String::from_utf8_lossy(name).into_owned();
        let data_start = name_end.next_multiple_of(4);
        let data = bytes
            .get(data_start..data_start + size)
            .context("a cpio member's data is cut short")?;
        at = (data_start + size).next_multiple_of(4);
        if name == TRAILER {
            return Ok(members);
        }
        members.push((name, mode, data.to_vec()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is written reads back, under newc headers whose fields are
    /// the hex text the format prescribes (GNU cpio reads real payloads in
    /// the .rpm tests: `rpm2cpio | cpio -idm`).
    #[test]
    fn members_read_back_under_newc_headers() {
        let members = [
            Member {
                path: "./usr",
                mode: 0o040755,
                data: &[],
                inode: 1,
            },
            Member {
                path: "./usr/tool",
                mode: 0o100755,
                data: b"#!/bin/sh\n",
                inode: 2,
            },
        ];
        let bytes = write(&members, 1_700_000_000);
        let read_back = read(&bytes).unwrap();
        assert_eq!(
            read_back[1],
            ("./usr/tool".to_owned(), 0o100755, b"#!/bin/sh\n".to_vec())
        );
        // magic, then c_ino, c_mode, c_uid, c_gid, c_nlink, c_mtime.
        let header = String::from_utf8_lossy(&bytes[..54]);
        assert_eq!(&header[..6], "070701");
        assert!(header[14..22].eq_ignore_ascii_case(&format!("{:08x}", 0o040755)));
        assert!(header[46..54].eq_ignore_ascii_case(&format!("{:08x}", 1_700_000_000)));
        assert_eq!(bytes.len() % 4, 0, "newc pads to 4 bytes");
    }
}
