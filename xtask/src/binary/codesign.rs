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
//! sign ad hoc this way: no certificate, just the hashes; [`sign_again`]
//! renews them after a change that kept the layout.

use anyhow::{Result, bail};
use sha2::{Digest, Sha256};

const SUPER_BLOB: u32 = 0xfade_0cc0;
const CODE_DIRECTORY: u32 = 0xfade_0c02;
/// The slot of the code directory in the super blob's index.
const SLOT_CODE_DIRECTORY: u32 = 0;
const HASH_SHA256: u8 = 2;

/// Where a signature's code directory keeps its page hashes.
struct Directory {
    /// Where the first page hash starts in the file.
    hashes: usize,
    /// How many pages are hashed, each `page` bytes but the last.
    pages: usize,
    page: usize,
    /// The end of the signed bytes: where the signature starts.
    code_limit: usize,
}

impl Directory {
    /// The code directory of the signature that the `LC_CODE_SIGNATURE` at
    /// `dataoff` (of `datasize` bytes) gives the thin Mach-O `slice`.
    fn read(slice: &[u8], dataoff: u32, datasize: u32) -> Result<Directory> {
        let (start, size) = (dataoff as usize, datasize as usize);
        let Some(blob) = slice.get(start..start + size) else {
            bail!("its code signature lies outside the file");
        };
        if word(blob, 0) != Some(SUPER_BLOB) {
            bail!("its code signature is not a SuperBlob");
        }
        let count = word(blob, 8).unwrap_or(0) as usize;
        let offset = (0..count)
            .filter_map(|i| Some((word(blob, 12 + i * 8)?, word(blob, 16 + i * 8)?)))
            .find(|(slot, _)| *slot == SLOT_CODE_DIRECTORY)
            .map(|(_, offset)| offset as usize);
        let directory = offset.and_then(|offset| blob.get(offset..));
        let (Some(offset), Some(directory)) = (offset, directory) else {
            bail!("its code signature has no CodeDirectory");
        };
        if word(directory, 0) != Some(CODE_DIRECTORY) {
            bail!("its code signature has no CodeDirectory");
        }
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
        let pages = code_slots as usize;
        if page == 0 || pages != code_limit.div_ceil(page) {
            bail!("its CodeDirectory's page count does not fit its code limit");
        }
        let hashes = start + offset + hash_offset as usize;
        if slice.len() < hashes + pages * 32 {
            bail!("its CodeDirectory's hashes are cut short");
        }
        Ok(Directory {
            hashes,
            pages,
            page,
            code_limit,
        })
    }

    /// The bytes of page `index`.
    fn page<'a>(&self, slice: &'a [u8], index: usize) -> &'a [u8] {
        &slice[index * self.page..self.code_limit.min((index + 1) * self.page)]
    }
}

/// Checks the signature that the `LC_CODE_SIGNATURE` at `dataoff` (of
/// `datasize` bytes) gives the thin Mach-O `slice`: every page hash of its
/// code directory matches. Returns how many pages it checked.
pub fn check(slice: &[u8], dataoff: u32, datasize: u32) -> Result<usize> {
    let directory = Directory::read(slice, dataoff, datasize)?;
    for index in 0..directory.pages {
        let at = directory.hashes + index * 32;
        if Sha256::digest(directory.page(slice, index))[..] != slice[at..at + 32] {
            bail!(
                "its code signature does not match page {index} (bytes {}..{}): the binary was \
                 changed after it was signed",
                index * directory.page,
                directory.code_limit.min((index + 1) * directory.page)
            );
        }
    }
    Ok(directory.pages)
}

/// Signs the thin Mach-O `slice` again, ad hoc, after a change that moved
/// no byte of its layout: each page hash of its code directory becomes the
/// hash of the page as it is now. (Hashes never cover the signature, so
/// writing them changes no page.)
pub(super) fn sign_again(slice: &mut [u8], dataoff: u32, datasize: u32) -> Result<()> {
    let directory = Directory::read(slice, dataoff, datasize)?;
    for index in 0..directory.pages {
        let hash = Sha256::digest(directory.page(slice, index));
        let at = directory.hashes + index * 32;
        slice[at..at + 32].copy_from_slice(&hash);
    }
    Ok(())
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
    fn signing_again_makes_a_changed_file_match() {
        let code: Vec<u8> = (0..9000u32).map(|i| (i % 7) as u8).collect();
        let (mut file, offset, size) = signed(&code, 12);
        file[100] ^= 1;
        assert!(check(&file, offset, size).is_err());
        sign_again(&mut file, offset, size).unwrap();
        assert_eq!(check(&file, offset, size).unwrap(), 3);
        let mut changed = code.clone();
        changed[100] ^= 1;
        assert_eq!(file, signed(&changed, 12).0);
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
