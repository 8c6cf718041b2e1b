//! Opening an `.rpm` as `verify` does: every digest checked, then the
//! payload unpacked.

use anyhow::{Context, Result, bail};
use md5::Md5;
use sha2::{Digest, Sha256};

use super::header::{Header, Value};
use super::tag;
use crate::formats::archive::{self, Entry};
use crate::formats::cpio;
use crate::util::digest::hex;

/// What [`read_rpm`] finds in a package.
#[derive(Debug)]
pub struct RpmContents {
    /// The `ARCH` tag: RPM's name for the architecture.
    pub arch: String,
    /// The payload's files, paths starting `./`.
    pub files: Vec<Entry>,
}

/// Opens an `.rpm`: checks the lead, the signature's size and digests
/// against the header and payload, and the payload digest, then unpacks
/// the payload.
pub fn read_rpm(bytes: &[u8]) -> Result<RpmContents> {
    if bytes.get(..4) != Some(&[0xed, 0xab, 0xee, 0xdb][..]) {
        bail!("no RPM lead: this is not an .rpm file");
    }
    let rest = bytes.get(96..).context("the lead is cut short")?;
    let (signature, length) = Header::read(rest).context("the signature header is damaged")?;
    let rest = &rest[length.next_multiple_of(8)..];
    let (header, length) = Header::read(rest).context("the main header is damaged")?;
    let (header_bytes, payload) = rest.split_at(length);
    let text = |header: &Header, tag: u32| match header.get(tag) {
        Some(Value::String(text)) => Ok(text.clone()),
        _ => bail!("the header has no tag {tag}"),
    };
    if text(&signature, tag::SIG_SHA256)? != hex(&Sha256::digest(header_bytes)) {
        bail!("the header's SHA-256 does not match the signature's");
    }
    let mut md5 = Md5::new();
    md5.update(header_bytes);
    md5.update(payload);
    if signature.get(tag::SIG_MD5) != Some(&Value::Bin(md5.finalize().to_vec())) {
        bail!("the MD5 of header and payload does not match the signature's");
    }
    if header.get(tag::PAYLOAD_DIGEST)
        != Some(&Value::StringArray(vec![hex(&Sha256::digest(payload))]))
    {
        bail!("the payload's SHA-256 does not match the header's");
    }
    let cpio = archive::gunzip(payload).context("the payload is not gzip data")?;
    let files = cpio::read(&cpio)?
        .into_iter()
        .map(|(path, mode, data)| match mode & 0o170000 {
            0o040000 => Entry::dir(path),
            _ => Entry {
                path,
                data: Some(data),
                mode: mode & 0o7777,
            },
        })
        .collect();
    Ok(RpmContents {
        arch: text(&header, tag::ARCH)?,
        files,
    })
}
