//! macOS disk images (`.dmg`): what a Mac user double-clicks, and what
//! Finder mounts as a volume holding the program, its README and licenses.
//!
//! Nothing Debian packages can write one: hdiutil is macOS's, and Debian
//! has no mkfs.hfsplus. So the xtask writes both layers itself,
//! reproducibly: [`hfsplus`], the volume (the filesystem every macOS mounts;
//! APFS would need far more, and FAT would lose the executable bit), and
//! [`udif`], the compressed container around it. Each is read back by
//! independent tools in the tests: 7-Zip tests and extracts the image, and
//! dmg2img's raw disk is an HFS+ volume to 7-Zip. (Debian's hfsplus tools
//! read only volumes inside an HFS wrapper, so the tests do not use them.)

pub mod hfsplus;
pub mod udif;

use anyhow::{Context, Result, bail};

use super::archive::Entry;

/// The disk image of an archive's `entries` (one top folder, as the
/// tarball has): the files directly in that folder, on a volume named
/// after it. The man pages and completions in its subfolders stay in the
/// tarball: a volume of one folder is what a Mac user opens.
pub fn image(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    let volume = entries
        .first()
        .and_then(|entry| entry.path.split('/').next())
        .context("the disk image would hold no file")?;
    let files: Vec<hfsplus::File<'_>> = entries
        .iter()
        .filter_map(|entry| {
            let data = entry.data.as_deref()?;
            let (_, name) = entry.path.split_once('/')?;
            (!name.contains('/')).then_some(hfsplus::File {
                name,
                data,
                executable: entry.mode & 0o111 != 0,
            })
        })
        .collect();
    if files.is_empty() {
        bail!("the disk image would hold no file");
    }
    udif::image(&hfsplus::volume(volume, &files, mtime)?)
}

/// The files of a disk image this xtask wrote, read back through both
/// layers (checksums checked), as `<volume>/<name>` entries.
pub fn read(dmg: &[u8]) -> Result<Vec<Entry>> {
    let disk = udif::read(dmg)?;
    let (volume, files) = hfsplus::read_root(&disk).context("its HFS+ volume cannot be read")?;
    Ok(files
        .into_iter()
        .map(|file| Entry {
            path: format!("{volume}/{}", file.name),
            data: Some(file.data),
            mode: u32::from(file.mode) & 0o777,
        })
        .collect())
}
