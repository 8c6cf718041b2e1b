//! The `ar` container a `.deb` is: an 8-byte magic, then for each member a
//! 60-byte text header (name, mtime, owner, group, mode, size) and the data,
//! padded to an even length. Format: Debian's deb(5) and ar(5).

use anyhow::{Context, Result, bail};

/// A BSD/System V `ar` archive, as dpkg writes it: 8-byte magic, then per
/// member a 60-byte text header and the data, padded to an even length.
pub fn write(members: &[(&str, Vec<u8>)], mtime: u64) -> Vec<u8> {
    let mut out = b"!<arch>\n".to_vec();
    for (name, data) in members {
        let header = format!(
            "{name:<16}{mtime:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            0,
            0,
            "100644",
            data.len()
        );
        debug_assert_eq!(header.len(), 60);
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(b'\n');
        }
    }
    out
}

/// The members of an `ar` archive, in order, as `(name, data)`.
pub fn read(bytes: &[u8]) -> Result<Vec<(String, &[u8])>> {
    let mut rest = bytes
        .strip_prefix(b"!<arch>\n")
        .context("not an ar archive (no !<arch> magic)")?;
    let mut members = Vec::new();
    while !rest.is_empty() {
        if rest.len() < 60 || &rest[58..60] != b"`\n" {
            bail!("ar member header {} is damaged", members.len() + 1);
        }
        let header = std::str::from_utf8(&rest[..60]).context("ar header is not text")?;
        let name = header[..16].trim_end().trim_end_matches('/').to_owned();
        let size: usize = header[48..58]
            .trim()
            .parse()
            .context("ar member size is not a number")?;
        let data = rest
            .get(60..60 + size)
            .context("ar member runs past the end of the file")?;
        members.push((name, data));
        let padded = 60 + size + size % 2;
        rest = rest.get(padded..).unwrap_or_default();
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ar_members_are_padded_and_headed_like_dpkg() {
        let bytes = write(
            &[("debian-binary", b"2.0\n".to_vec()), ("odd", b"x".to_vec())],
            7,
        );
        assert!(bytes.starts_with(
            b"!<arch>\ndebian-binary   7           0     0     100644  4         `\n2.0\n"
        ));
        assert!(
            bytes.ends_with(b"`\nx\n"),
            "odd-sized members are padded with a newline"
        );
    }

    #[test]
    fn read_returns_what_write_wrote() {
        let members = [("a", b"odd".to_vec()), ("bb", b"even".to_vec())];
        let bytes = write(&members, 0);
        let read_back = read(&bytes).unwrap();
        assert_eq!(read_back.len(), 2);
        assert_eq!(
            (read_back[0].0.as_str(), read_back[0].1),
            ("a", &b"odd"[..])
        );
        assert_eq!(
            (read_back[1].0.as_str(), read_back[1].1),
            ("bb", &b"even"[..])
        );
        assert!(read(&bytes[..bytes.len() - 3]).is_err());
    }
}
