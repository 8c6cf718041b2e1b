//! SHA-256 checksums in the format `sha256sum` reads and writes:
//! `<64 hex digits><two spaces><file name>`, one per line.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

/// The name of the file listing every artifact's checksum.
pub const SUMS_FILE: &str = "SHA256SUMS";

/// One `sha256sum` line.
pub fn line(sha256: &str, name: &str) -> String {
    format!("{sha256}  {name}\n")
}

/// The contents of a SHA256SUMS file: one line per file, sorted by name.
pub fn sums_file(sums: &BTreeMap<String, String>) -> String {
    sums.iter()
        .map(|(name, sha256)| line(sha256, name))
        .collect()
}

/// Parses `sha256sum` output into name → hash. Refuses anything else, so a
/// damaged SHA256SUMS is reported rather than half-read.
pub fn parse_sums(text: &str) -> Result<BTreeMap<String, String>> {
    parse(text, |name| !name.contains('/'))
}

/// As [`parse_sums`], for files in folders below the sums' own:
/// `xtask/src/main.rs`, never `/etc/passwd` or `../x`.
pub fn parse_relative_sums(text: &str) -> Result<BTreeMap<String, String>> {
    parse(text, |name| {
        !name.starts_with('/') && name.split('/').all(|part| !part.is_empty() && part != "..")
    })
}

fn parse(text: &str, name_is_valid: impl Fn(&str) -> bool) -> Result<BTreeMap<String, String>> {
    let mut sums = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let parsed = line.split_once("  ").filter(|(hash, name)| {
            hash.len() == 64
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && !name.is_empty()
                && name_is_valid(name)
        });
        let Some((hash, name)) = parsed else {
            bail!(
                "line {} is not `<sha256>  <file name>`: {line:?}",
                number + 1
            );
        };
        if sums.insert(name.to_owned(), hash.to_owned()).is_some() {
            bail!("line {} lists {name} a second time", number + 1);
        }
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::digest::sha256_hex;

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sums_file_is_sorted_and_round_trips() {
        let mut sums = BTreeMap::new();
        sums.insert("b.zip".to_owned(), sha256_hex(b"b"));
        sums.insert("a.tar.gz".to_owned(), sha256_hex(b"a"));
        let text = sums_file(&sums);
        assert!(text.find("a.tar.gz").unwrap() < text.find("b.zip").unwrap());
        assert_eq!(parse_sums(&text).unwrap(), sums);
    }

    #[test]
    fn sha256sum_accepts_what_we_write() {
        let dir = crate::util::tempdir::TempDir::new().unwrap();
        std::fs::write(dir.path().join("x.bin"), b"payload").unwrap();
        let mut sums = BTreeMap::new();
        sums.insert("x.bin".to_owned(), sha256_hex(b"payload"));
        std::fs::write(dir.path().join(SUMS_FILE), sums_file(&sums)).unwrap();
        let status = std::process::Command::new("sha256sum")
            .args(["-c", "--strict", SUMS_FILE])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }

    #[test]
    fn damaged_lines_are_refused() {
        assert!(parse_sums("nothex  a\n").is_err());
        assert!(parse_sums(&format!("{}  ../a\n", sha256_hex(b""))).is_err());
        let twice = format!("{0}  a\n{0}  a\n", sha256_hex(b""));
        assert!(parse_sums(&twice).is_err());
    }
}
