//! cpio archives, the payloads of system packages, in the two ASCII
//! formats `man 5 cpio` describes. Each member is a header, its
//! NUL-terminated path, its data; a member named `TRAILER!!!` ends the
//! archive.
//!
//! - "new ASCII" (`newc`, an RPM's payload): a 110-byte header of `070701`
//!   and thirteen 8-digit hex fields; path and data are padded to 4 bytes.
//! - "old portable" (`odc`, a macOS .pkg's payload, which Apple's
//!   Installer reads): a 76-byte header of `070707` and octal fields, with
//!   no padding.

use anyhow::{Context, Result, bail};

const NEWC: &[u8; 6] = b"070701";
const ODC: &[u8; 6] = b"070707";
const TRAILER: &str = "TRAILER!!!";

/// One member to write: a path (`./usr/bin/app`), its mode with the file
/// type bits, and its data (empty for a folder).
pub struct Member<'a> {
    pub path: &'a str,
    pub mode: u32,
    pub data: &'a [u8],
    /// Its inode number, which the RPM header repeats.
    pub inode: u32,
}

/// A `newc` archive of `members`, every one owned by root and stamped `mtime`.
pub fn newc(members: &[Member<'_>], mtime: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for member in members {
        let is_dir = member.mode & 0o170000 == 0o040000;
        let nlink = if is_dir { 2 } else { 1 };
        append_newc(
            &mut out,
            member.path,
            member.inode,
            member.mode,
            nlink,
            mtime,
            member.data,
        );
    }
    append_newc(&mut out, TRAILER, 0, 0, 1, 0, &[]);
    out
}

fn append_newc(
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
    out.extend_from_slice(NEWC);
    for field in fields {
        out.extend_from_slice(format!("{field:08x}").as_bytes());
    }
    out.extend_from_slice(path.as_bytes());
    out.push(0);
    out.resize(out.len().next_multiple_of(4), 0);
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// An `odc` archive of `members`, every one owned by root (uid 0, group
/// 0, `wheel` on macOS) and stamped `mtime`.
pub fn odc(members: &[Member<'_>], mtime: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for member in members {
        let is_dir = member.mode & 0o170000 == 0o040000;
        let nlink = if is_dir { 2 } else { 1 };
        append_odc(&mut out, member, nlink, mtime);
    }
    let trailer = Member {
        path: TRAILER,
        mode: 0,
        data: &[],
        inode: 0,
    };
    append_odc(&mut out, &trailer, 1, 0);
    out
}

fn append_odc(out: &mut Vec<u8>, member: &Member<'_>, nlink: u32, mtime: u32) {
    out.extend_from_slice(ODC);
    // dev, ino, mode, uid, gid, nlink, rdev: six octal digits each.
    for field in [0, member.inode, member.mode, 0, 0, nlink, 0] {
        out.extend_from_slice(format!("{field:06o}").as_bytes());
    }
    out.extend_from_slice(format!("{mtime:011o}").as_bytes());
    out.extend_from_slice(format!("{:06o}", member.path.len() + 1).as_bytes());
    out.extend_from_slice(format!("{:011o}", member.data.len()).as_bytes());
    out.extend_from_slice(member.path.as_bytes());
    out.push(0);
    out.extend_from_slice(member.data);
}

/// Where a member's fields sit, in one of the two formats.
struct Layout {
    header: usize,
    /// The radix of its fields.
    radix: u32,
    /// `(offset, width)` of the mode, the name's size and the data's size.
    mode: (usize, usize),
    name_size: (usize, usize),
    size: (usize, usize),
    /// What the path and the data are padded to.
    align: usize,
}

const NEWC_LAYOUT: Layout = Layout {
    header: 110,
    radix: 16,
    mode: (14, 8),
    name_size: (94, 8),
    size: (54, 8),
    align: 4,
};

const ODC_LAYOUT: Layout = Layout {
    header: 76,
    radix: 8,
    mode: (18, 6),
    name_size: (59, 6),
    size: (65, 11),
    align: 1,
};

/// The members of a `newc` or `odc` archive, as `(path, mode, data)`.
pub fn read(bytes: &[u8]) -> Result<Vec<(String, u32, Vec<u8>)>> {
    let mut members = Vec::new();
    let mut at = 0;
    loop {
        let layout = match bytes.get(at..at + 6) {
            Some(magic) if magic == NEWC => &NEWC_LAYOUT,
            Some(magic) if magic == ODC => &ODC_LAYOUT,
            Some(_) => bail!("a cpio member starts with neither 070701 (newc) nor 070707 (odc)"),
            None => bail!("the cpio archive ends before its trailer"),
        };
        let header = bytes
            .get(at..at + layout.header)
            .context("the cpio archive ends before its trailer")?;
        let field = |(offset, width): (usize, usize)| -> Result<usize> {
            let digits = std::str::from_utf8(&header[offset..offset + width])?;
            Ok(usize::from_str_radix(digits, layout.radix)?)
        };
        let (mode, size, name_size) = (
            field(layout.mode)? as u32,
            field(layout.size)?,
            field(layout.name_size)?,
        );
        let name_end = at + layout.header + name_size;
        let name = bytes
            .get(at + layout.header..name_end.saturating_sub(1))
            .context("a cpio member's name is cut short")?;
        let name = String::from_utf8_lossy(name).into_owned();
        let data_start = name_end.next_multiple_of(layout.align);
        let data = bytes
            .get(data_start..data_start + size)
            .context("a cpio member's data is cut short")?;
        at = (data_start + size).next_multiple_of(layout.align);
        if name == TRAILER {
            return Ok(members);
        }
        members.push((name, mode, data.to_vec()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder `.` and a script in it.
    const MEMBERS: [Member<'static>; 2] = [
        Member {
            path: ".",
            mode: 0o040755,
            data: &[],
            inode: 1,
        },
        Member {
            path: "./tool",
            mode: 0o100755,
            data: b"#!/bin/sh\n",
            inode: 2,
        },
    ];

    /// What is written reads back, under newc headers whose fields are
    /// the hex text the format prescribes (GNU cpio reads real payloads in
    /// the .rpm tests: `rpm2cpio | cpio -idm`).
    #[test]
    fn members_read_back_under_newc_headers() {
        let bytes = newc(&MEMBERS, 1_700_000_000);
        let read_back = read(&bytes).unwrap();
        assert_eq!(
            read_back[1],
            ("./tool".to_owned(), 0o100755, b"#!/bin/sh\n".to_vec())
        );
        // magic, then c_ino, c_mode, c_uid, c_gid, c_nlink, c_mtime.
        let header = String::from_utf8_lossy(&bytes[..54]);
        assert_eq!(&header[..6], "070701");
        assert!(header[14..22].eq_ignore_ascii_case(&format!("{:08x}", 0o040755)));
        assert!(header[46..54].eq_ignore_ascii_case(&format!("{:08x}", 1_700_000_000)));
        assert_eq!(bytes.len() % 4, 0, "newc pads to 4 bytes");
    }

    /// An `odc` archive reads back, with the octal fields `man 5 cpio`
    /// gives it and no padding (GNU cpio reads real payloads in the .pkg
    /// tests).
    #[test]
    fn odc_members_read_back_under_octal_headers() {
        let bytes = odc(&MEMBERS, 1_700_000_000);
        let read_back = read(&bytes).unwrap();
        assert_eq!(read_back.len(), 2);
        assert_eq!(
            read_back[1],
            ("./tool".to_owned(), 0o100755, b"#!/bin/sh\n".to_vec())
        );
        let header = String::from_utf8_lossy(&bytes[..76]);
        // magic, dev, ino, mode, uid, gid, nlink, rdev, mtime, namesize, filesize.
        assert_eq!(&header[..24], "070707000000000001040755");
        assert_eq!(&header[48..59], format!("{:011o}", 1_700_000_000));
        assert_eq!(&header[59..76], "00000200000000000");
        assert_eq!(&bytes[76..78], b".\0", "no padding after the name");
    }
}
