//! Reading a Mach-O binary's slices: the CPU of each, the oldest macOS it
//! starts on and whether it was stripped, from its load commands, so that
//! `dist` and `verify` can check a binary nothing here can run.
//!
//! The layout is Apple's `<mach-o/loader.h>` and `<mach-o/fat.h>`: a thin
//! 64-bit file starts with `MH_MAGIC_64` and a 32-byte header whose fifth
//! word counts the load commands after it; a fat (universal) file starts
//! with big-endian `FAT_MAGIC` and a table of slices. `LC_BUILD_VERSION`
//! (and the older `LC_VERSION_MIN_MACOSX`) carry the minimum OS version,
//! encoded as `xxxx.yy.zz` in nibbles of one word. A page of reading is
//! clearer here than the `object` crate's Mach-O support and its compile
//! time.

use anyhow::{Result, bail};

use crate::binary::codesign::{self, LC_CODE_SIGNATURE};
use crate::targets::Version;

const MH_MAGIC_64: u32 = 0xfeed_facf;
const FAT_MAGIC: u32 = 0xcafe_babe;
const LC_VERSION_MIN_MACOSX: u32 = 0x24;
const LC_BUILD_VERSION: u32 = 0x32;
const CPU_TYPE_X86_64: u32 = 0x0100_0007;
const CPU_TYPE_ARM64: u32 = 0x0100_000c;
const LC_SYMTAB: u32 = 0x2;
const LC_SEGMENT_64: u32 = 0x19;
/// `n_type` bits of a symbol (`<mach-o/nlist.h>`).
const N_STAB: u8 = 0xe0;
const N_TYPE: u8 = 0x0e;
const N_SECT: u8 = 0x0e;
const N_EXT: u8 = 0x01;

/// One architecture of a Mach-O file and the oldest macOS it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    /// `arm64`, `x86_64`, or the CPU type number of another.
    pub cpu: String,
    pub min_macos: Version,
    /// What a stripped binary would not have (debug segments, local and
    /// debugger symbols); empty when stripped.
    pub unstripped: Vec<String>,
    /// The code signature, checked against the slice's bytes: `None`
    /// without one, else how many pages match, or what does not.
    pub signature: Option<Result<usize, String>>,
}

impl Slice {
    /// Why macOS would refuse to start this slice, if it would: on Apple
    /// silicon every arm64 binary must carry a signature that matches it.
    pub fn signature_problem(&self) -> Option<String> {
        match (&self.signature, self.cpu.as_str()) {
            (None, "arm64") => Some(
                "has no code signature (LC_CODE_SIGNATURE), and macOS on Apple silicon starts \
                 no arm64 binary without one"
                    .to_owned(),
            ),
            (Some(Err(problem)), _) => Some(format!(
                "{problem}, so macOS kills it at launch (\"Killed: 9\")"
            )),
            _ => None,
        }
    }
}

/// Whether `data` is a Mach-O file, thin or fat.
pub fn is_macho(data: &[u8]) -> bool {
    word_le(data, 0) == Some(MH_MAGIC_64) || word_be(data, 0) == Some(FAT_MAGIC)
}

/// Every slice of the Mach-O file `data` (one for a thin file).
pub fn slices(data: &[u8]) -> Result<Vec<Slice>> {
    if word_be(data, 0) == Some(FAT_MAGIC) {
        let count = word_be(data, 4).unwrap_or(0) as usize;
        return (0..count)
            .map(|i| {
                // fat_arch: cputype, cpusubtype, offset, size, align.
                let entry = 8 + i * 20;
                let (Some(offset), Some(size)) =
                    (word_be(data, entry + 8), word_be(data, entry + 12))
                else {
                    bail!("its fat header is cut short");
                };
                let (start, end) = (offset as usize, offset as usize + size as usize);
                match data.get(start..end) {
                    Some(slice) => thin(slice),
                    None => bail!("slice {i} lies outside the file"),
                }
            })
            .collect();
    }
    Ok(vec![thin(data)?])
}

fn thin(data: &[u8]) -> Result<Slice> {
    if word_le(data, 0) != Some(MH_MAGIC_64) {
        bail!("it is not a 64-bit little-endian Mach-O file");
    }
    let cpu = match word_le(data, 4) {
        Some(CPU_TYPE_ARM64) => "arm64".to_owned(),
        Some(CPU_TYPE_X86_64) => "x86_64".to_owned(),
        other => format!("CPU type {:#x}", other.unwrap_or_default()),
    };
    let commands = word_le(data, 16).unwrap_or(0);
    let mut min_macos = None;
    let mut unstripped = Vec::new();
    let mut signature = None;
    let mut at = 32;
    for _ in 0..commands {
        let (Some(command), Some(size)) = (word_le(data, at), word_le(data, at + 4)) else {
            bail!("its load commands are cut short");
        };
        let version = match command {
            LC_BUILD_VERSION => word_le(data, at + 12),
            LC_VERSION_MIN_MACOSX => word_le(data, at + 8),
            _ => None,
        };
        if let Some(encoded) = version {
            min_macos = Some(Version::new(encoded >> 16, (encoded >> 8) & 0xff));
        }
        if command == LC_SEGMENT_64 && data.get(at + 8..at + 16) == Some(b"__DWARF\0".as_slice()) {
            unstripped.push("a __DWARF segment".to_owned());
        }
        if command == LC_SYMTAB {
            unstripped.extend(unstripped_symbols(data, at)?);
        }
        if command == LC_CODE_SIGNATURE {
            let (Some(offset), Some(size)) = (word_le(data, at + 8), word_le(data, at + 12)) else {
                bail!("its LC_CODE_SIGNATURE is cut short");
            };
            signature = Some(codesign::check(data, offset, size).map_err(|err| format!("{err:#}")));
        }
        if size < 8 {
            bail!("a load command has the impossible size {size}");
        }
        at += size as usize;
    }
    let Some(min_macos) = min_macos else {
        bail!("it has no LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX load command");
    };
    Ok(Slice {
        cpu,
        min_macos,
        unstripped,
        signature,
    })
}

/// What the symbol table of the LC_SYMTAB command at `at` holds that a
/// stripped binary does not: debugger (stab) entries and local symbols.
/// Undefined imports and exported symbols stay in any executable.
fn unstripped_symbols(data: &[u8], at: usize) -> Result<Vec<String>> {
    let (Some(offset), Some(count)) = (word_le(data, at + 8), word_le(data, at + 12)) else {
        bail!("its LC_SYMTAB is cut short");
    };
    let (mut stabs, mut locals) = (0, 0);
    for index in 0..count as usize {
        // nlist_64: n_strx (4 bytes), n_type, n_sect, n_desc, n_value.
        let Some(&kind) = data.get(offset as usize + index * 16 + 4) else {
            bail!("its symbol table lies outside the file");
        };
        if kind & N_STAB != 0 {
            stabs += 1;
        } else if kind & N_EXT == 0 && kind & N_TYPE == N_SECT {
            locals += 1;
        }
    }
    let mut found = Vec::new();
    if stabs > 0 {
        found.push(format!("{stabs} debugger symbols"));
    }
    if locals > 0 {
        found.push(format!("{locals} local symbols"));
    }
    Ok(found)
}

fn word_le(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn word_be(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Fails if a slice of the Mach-O `binary` (called `what` in the message)
/// needs a newer macOS than `floor`.
pub fn check_macos_floor(what: &str, binary: &[u8], floor: Version) -> Result<()> {
    let slices = match slices(binary) {
        Ok(slices) => slices,
        Err(err) => bail!("{what} is not a readable Mach-O file: {err:#}"),
    };
    for slice in slices {
        if slice.min_macos > floor {
            bail!(
                "{what} ({}) needs macOS {} (its LC_BUILD_VERSION minos), above the release's \
                 floor of {floor}: it would not start on the older Macs the floor promises. \
                 Build it with `cargo xtask dist`, which sets MACOSX_DEPLOYMENT_TARGET to the \
                 floor, or raise `min-macos` in [workspace.metadata.dist]",
                slice.cpu,
                slice.min_macos
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thin arm64 Mach-O header with one unrelated load command and one
    /// LC_BUILD_VERSION for macOS `major.minor`, as the linker writes them.
    fn arm64_binary(major: u32, minor: u32) -> Vec<u8> {
        let words: [u32; 8] = [MH_MAGIC_64, CPU_TYPE_ARM64, 0, 2, 2, 40, 0, 0];
        let mut data: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        // LC_UUID (0x1b), 24 bytes.
        data.extend(
            [0x1b, 24, 0, 0, 0, 0]
                .iter()
                .flat_map(|w: &u32| w.to_le_bytes()),
        );
        // LC_BUILD_VERSION: cmd, cmdsize, platform (macos), minos, sdk, ntools.
        let minos = (major << 16) | (minor << 8);
        let build = [LC_BUILD_VERSION, 24, 1, minos, 0x000f_0000, 0];
        data.extend(build.iter().flat_map(|w| w.to_le_bytes()));
        data
    }

    #[test]
    fn reads_the_minimum_macos_of_a_thin_binary() {
        let data = arm64_binary(11, 0);
        assert!(is_macho(&data));
        assert_eq!(
            slices(&data).unwrap(),
            [Slice {
                cpu: "arm64".into(),
                min_macos: Version::new(11, 0),
                unstripped: vec![],
                signature: None,
            }]
        );
    }

    #[test]
    fn a_binary_above_the_floor_is_refused() {
        let data = arm64_binary(15, 0);
        let err = check_macos_floor("app", &data, Version::new(11, 0))
            .unwrap_err()
            .to_string();
        assert!(err.contains("app (arm64) needs macOS 15.0"), "{err}");
        assert!(check_macos_floor("app", &data, Version::new(15, 0)).is_ok());
    }

    #[test]
    fn cut_or_foreign_files_are_errors_not_panics() {
        let data = arm64_binary(11, 0);
        assert!(slices(&data[..40]).is_err());
        assert!(slices(b"\x7fELF").is_err());
        let mut fat = FAT_MAGIC.to_be_bytes().to_vec();
        fat.extend(1u32.to_be_bytes());
        fat.extend(
            [CPU_TYPE_ARM64, 0, 4096, 64, 14]
                .iter()
                .flat_map(|w| w.to_be_bytes()),
        );
        assert!(
            slices(&fat)
                .unwrap_err()
                .to_string()
                .contains("outside the file")
        );
    }
}
