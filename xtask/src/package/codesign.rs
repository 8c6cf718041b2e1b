//! Apple code signatures: checking that a Mach-O slice's signature still
//! matches its bytes. macOS on Apple silicon kills an arm64 binary whose
//! signature does not ("Killed: 9"), and nothing on Linux can run it to
//! find out, so dist and verify read the signature themselves.
//!
//! The format is public (Apple's `cs_blobs.h`; big-endian throughout):
//! `LC_CODE_SIGNATURE` points at a `SuperBlob` (magic `0xfade0cc0`) whose
//! index names a `CodeDirectory` (magic `0xfade0c02`, slot 0). The
//! directory holds one hash per page of the file up to `codeLimit`, the
//! offset where the signature itself starts: `hashSize`-byte digests of
//! `2^pageSize`-byte pages, the last one short. Linkers (Apple's ld, zig)
//! sign ad hoc this way: no certificate, just the hashes.

use anyhow::{Result, bail};
use sha2::{Digest, Sha256};

/// `LC_CODE_SIGNATURE`: `cmd, cmdsize, dataoff, datasize`.
pub const LC_CODE_SIGNATURE: u32 = 0x1d;
const SUPER_BLOB: u32 = 0xfade_0cc0;
const CODE_DIRECTORY: u32 = 0xfade_0c02;
/// The slot of the code directory in the super blob's index.
const SLOT_CODE_DIRECTORY: u32 = 0;
const HASH_SHA256: u8 = 2;

/// Checks the signature that the `LC_CODE_SIGNATURE` at `dataoff` (of
/// `datasize` bytes) gives the thin Mach-O `slice`: every page hash of its
/// code directory matches. Returns how many pages it checked.
pub fn check(slice: &[u8], dataoff: u32, datasize: u32) -> Result<usize> {
    let (start, size) = (dataoff as usize, datasize as usize);
    let Some(blob) = slice.get(start..start + size) else {
        bail!("its code signature lies outside the file");
    };
    if word(blob, 0) != Some(SUPER_BLOB) {
        bail!("its code signature is not a SuperBlob");
    }
    let count = word(blob, 8).unwrap_or(0) as usize;
    let directory = (0..count)
        .filter_map(|i| Some((word(blob, 12 + i * 8)?, word(blob, 16 + i * 8)?)))
        .find(|(slot, _)| *slot == SLOT_CODE_DIRECTORY)
        .and_then(|(_, offset)| blob.get(offset as usize..));
    let Some(directory) = directory.filter(|cd| word(cd, 0) == Some(CODE_DIRECTORY)) else {
        bail!("its code signature has no CodeDirectory");
    };
    // CodeDirectory: magic, length, version, flags, hashOffset,
    // identOffset, nSpecialSlots, nCodeSlots, codeLimit, then the bytes
    // hashSize, hashType, platform, pageSize.
    let (Some(hash_offset), Some(code_slots), Some(code_limit)) = (
        word(directory, 16),
        word(directory, 28),
        word(directory, 32),
    ) else {
        bail!("its CodeDirectory is cut short");
    };
    let (hash_size, hash_type, page_shift) = match directory.get(36..40) {
        Some(&[size, kind, _, shift]) => (size as usize, kind, shift),
        _ => bail!("its CodeDirectory is cut short"),
    };
    if hash_type != HASH_SHA256 || hash_size != 32 {
        bail!("its CodeDirectory uses hash type {hash_type}, not SHA-256");
    }
    let code_limit = code_limit as usize;
    if code_limit != start {
        bail!(
            "its signature covers the first {code_limit} bytes, but the signature starts at \
             {start}: it was made for other bytes"
        );
    }
    let page = 1usize.checked_shl(page_shift.into()).unwrap_or(0);
    if page == 0 || code_slots as usize != code_limit.div_ceil(page) {
        bail!("its CodeDirectory's page count does not fit its code limit");
    }
    for index in 0..code_slots as usize {
        let at = hash_offset as usize + index * hash_size;
        let Some(recorded) = directory.get(at..at + hash_size) else {
            bail!("its CodeDirectory's hashes are cut short");
        };
        let bytes = &slice[index * page..code_limit.min((index + 1) * page)];
        if Sha256::digest(bytes).as_slice() != recorded {
            bail!(
                "its code signature does not match page {index} (bytes {}..{}): the binary was \
                 changed after it was signed",
                index * page,
                code_limit.min((index + 1) * page)
            );
        }
    }
    Ok(code_slots as usize)
}

fn word(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `code` followed by an ad hoc signature of it with `page`-byte pages,
    /// laid out as a linker writes one; returns the file and the
    /// signature's offset and size.
    pub fn signed(code: &[u8], page_shift: u8) -> (Vec<u8>, u32, u32) {
        let page = 1usize << page_shift;
        let slots = code.len().div_ceil(page);
        let hash_offset = 44u32;
        let cd_length = hash_offset as usize + slots * 32;
        let mut directory = Vec::new();
        for field in [
            CODE_DIRECTORY,
            cd_length as u32,
            0x20100,
            0x2,
            hash_offset,
            0,
            0,
            slots as u32,
            code.len() as u32,
        ] {
            directory.extend(field.to_be_bytes());
        }
        directory.extend([32, HASH_SHA256, 0, page_shift]);
        directory.extend(0u32.to_be_bytes());
        for chunk in code.chunks(page) {
            directory.extend(Sha256::digest(chunk));
        }
        let mut blob = Vec::new();
        for field in [
            SUPER_BLOB,
            (20 + cd_length) as u32,
            1,
            SLOT_CODE_DIRECTORY,
            20,
        ] {
            blob.extend(field.to_be_bytes());
        }
        blob.extend(directory);
        let mut file = code.to_vec();
        file.extend(&blob);
        (file, code.len() as u32, blob.len() as u32)
    }

    #[test]
    fn a_signature_matches_its_pages_and_a_changed_byte_is_found() {
        let code: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let (file, offset, size) = signed(&code, 12);
        assert_eq!(check(&file, offset, size).unwrap(), 3);
        let mut changed = file.clone();
        changed[5000] ^= 1;
        let err = check(&changed, offset, size).unwrap_err().to_string();
        assert!(
            err.contains("does not match page 1 (bytes 4096..8192)"),
            "{err}"
        );
        let mut last = file.clone();
        last[9999] ^= 1;
        assert!(check(&last, offset, size).is_err());
    }

    #[test]
    fn a_damaged_signature_is_an_error_not_a_panic() {
        let code = vec![7u8; 5000];
        let (file, offset, size) = signed(&code, 12);
        for cut in [offset as usize + 4, offset as usize + 30, file.len() - 10] {
            assert!(check(&file[..cut], offset, size).is_err());
        }
        assert!(check(&file, offset + 1, size).is_err());
        let mut foreign = file.clone();
        foreign[offset as usize] = 0;
        assert!(check(&foreign, offset, size).is_err());
    }
}
