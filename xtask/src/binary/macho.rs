//! Reading a Mach-O binary's slices: the CPU of each, the oldest macOS it
//! starts on and whether it was stripped, from its load commands, so that
//! `dist` and `verify` can check a binary nothing here can run.
//!
//! The layout is Apple's `<mach-o/loader.h>` and `<mach-o/fat.h>`: a thin
//! 64-bit file starts with `MH_MAGIC_64` and a 32-byte header whose fifth
//! word counts the load commands after it; a fat (universal) file starts
//! with big-endian `FAT_MAGIC` and a table of slices. `LC_BUILD_VERSION`
//! (and the older `LC_VERSION_MIN_MACOSX`) carry the minimum OS version,
//! encoded as `xxxx.yy.zz` in nibbles of one word. The `object` crate reads
//! them; the code signature's blobs, which it does not read, are
//! [`codesign`]'s.

use std::collections::BTreeSet;

use anyhow::{Result, anyhow, bail};
use object::LittleEndian;
use object::macho::{
    CPU_TYPE_ARM64, CPU_TYPE_X86_64, FAT_MAGIC, INDIRECT_SYMBOL_ABS, INDIRECT_SYMBOL_LOCAL,
    LC_CODE_SIGNATURE, LC_VERSION_MIN_MACOSX, MH_MAGIC_64, MachHeader64, N_EXT, N_SECT, N_STAB,
    N_TYPE,
};
use object::read::macho::{FatArch, LoadCommandVariant, MachHeader, MachOFatFile32};

use crate::binary::codesign;
use crate::targets::Version;

const LE: LittleEndian = LittleEndian;

/// One architecture of a Mach-O file and the oldest macOS it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    /// `arm64`, `x86_64`, or the CPU type number of another.
    pub cpu: String,
    pub min_macos: Version,
    /// What a stripped binary would not have (debug segments, debugger
    /// symbols); empty when stripped.
    pub unstripped: Vec<String>,
    /// Its local symbols that no table refers to: what [`super::macho_strip`]
    /// removes. (Those the indirect symbol table or a relocation names
    /// stay: the binary needs them.)
    pub local_symbols: usize,
    /// The code signature, checked against the slice's bytes: `None`
    /// without one, else how many pages match, or what does not.
    pub signature: Option<Result<usize, String>>,
}

impl Slice {
    /// Why macOS would refuse to start this slice, if it would: on Apple
    /// silicon every arm64 binary must carry a signature that matches it.
    pub(super) fn signature_problem(&self) -> Option<String> {
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
    data.starts_with(&MH_MAGIC_64.to_le_bytes()) || data.starts_with(&FAT_MAGIC.to_be_bytes())
}

/// Every slice of the Mach-O file `data` (one for a thin file).
pub fn slices(data: &[u8]) -> Result<Vec<Slice>> {
    if !data.starts_with(&FAT_MAGIC.to_be_bytes()) {
        return Ok(vec![thin(data)?]);
    }
    let fat = MachOFatFile32::parse(data)
        .map_err(|err| anyhow!("its fat header is cut short ({err})"))?;
    fat.arches()
        .iter()
        .enumerate()
        .map(|(i, arch)| match arch.data(data) {
            Ok(slice) => thin(slice),
            Err(_) => bail!("slice {i} lies outside the file"),
        })
        .collect()
}

/// The bytes of each thin Mach-O file in `data` (itself, if it is thin).
pub fn thin_files(data: &[u8]) -> Result<Vec<&[u8]>> {
    if !data.starts_with(&FAT_MAGIC.to_be_bytes()) {
        return Ok(vec![data]);
    }
    let fat = MachOFatFile32::parse(data)
        .map_err(|err| anyhow!("its fat header is cut short ({err})"))?;
    fat.arches()
        .iter()
        .enumerate()
        .map(|(i, arch)| {
            arch.data(data)
                .map_err(|_| anyhow!("slice {i} lies outside the file"))
        })
        .collect()
}

fn thin(data: &[u8]) -> Result<Slice> {
    let header = match MachHeader64::<LittleEndian>::parse(data, 0) {
        Ok(header) if data.starts_with(&MH_MAGIC_64.to_le_bytes()) => header,
        _ => bail!("it is not a 64-bit little-endian Mach-O file"),
    };
    let cpu = match header.cputype(LE) {
        CPU_TYPE_ARM64 => "arm64".to_owned(),
        CPU_TYPE_X86_64 => "x86_64".to_owned(),
        other => format!("CPU type {other:#x}"),
    };
    let read = SliceFacts::read(header, data)
        .map_err(|err| anyhow!("its load commands are cut short or damaged ({err})"))?;
    let Some(min_macos) = read.min_macos else {
        bail!("it has no LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX load command");
    };
    let signature = read.signature.map(|(offset, size)| {
        codesign::check(data, offset, size).map_err(|err| format!("{err:#}"))
    });
    let local_symbols = read.local_symbols(data);
    Ok(Slice {
        cpu,
        min_macos,
        unstripped: read.unstripped,
        local_symbols,
        signature,
    })
}

/// Each load command of the thin Mach-O file `data`, and where in the file
/// it starts: what [`super::macho_strip`] needs to rewrite them in place.
pub(super) fn load_command_offsets(data: &[u8]) -> Result<Vec<(u32, usize)>> {
    let header = MachHeader64::<LittleEndian>::parse(data, 0)
        .map_err(|err| anyhow!("it is not a readable Mach-O file ({err})"))?;
    let mut offsets = Vec::new();
    let mut commands = header
        .load_commands(LE, data, 0)
        .map_err(|err| anyhow!("its load commands are cut short ({err})"))?;
    while let Some(command) = commands
        .next()
        .map_err(|err| anyhow!("its load commands are cut short or damaged ({err})"))?
    {
        // object hands out each command's bytes, which lie in `data`.
        let at = command.raw_data().as_ptr() as usize - data.as_ptr() as usize;
        offsets.push((command.cmd(), at));
    }
    Ok(offsets)
}

/// What a thin slice's load commands say.
#[derive(Default)]
struct SliceFacts {
    min_macos: Option<Version>,
    unstripped: Vec<String>,
    /// The `n_type` of each symbol, in table order.
    symbol_kinds: Vec<u8>,
    /// Where `LC_DYSYMTAB` is in the file.
    dysymtab: Option<usize>,
    /// `LC_CODE_SIGNATURE`'s offset and size.
    signature: Option<(u32, u32)>,
}

impl SliceFacts {
    fn read(header: &MachHeader64<LittleEndian>, data: &[u8]) -> object::read::Result<SliceFacts> {
        let mut facts = SliceFacts::default();
        let mut commands = header.load_commands(LE, data, 0)?;
        while let Some(command) = commands.next()? {
            let encoded = match command.variant()? {
                LoadCommandVariant::BuildVersion(build) => Some(build.minos.get(LE)),
                LoadCommandVariant::VersionMin(min) if command.cmd() == LC_VERSION_MIN_MACOSX => {
                    Some(min.version.get(LE))
                }
                LoadCommandVariant::Segment64(segment, _) => {
                    if segment.segname.starts_with(b"__DWARF\0") {
                        facts.unstripped.push("a __DWARF segment".to_owned());
                    }
                    None
                }
                LoadCommandVariant::Symtab(symtab) => {
                    let symbols = symtab.symbols::<MachHeader64<LittleEndian>, _>(LE, data)?;
                    facts.symbol_kinds = symbols.iter().map(|nlist| nlist.n_type).collect();
                    facts
                        .unstripped
                        .extend(debugger_symbols(facts.symbol_kinds.iter().copied()));
                    None
                }
                LoadCommandVariant::Dysymtab(_) => {
                    // object hands out each command's bytes, which lie in
                    // `data`.
                    let at = command.raw_data().as_ptr() as usize - data.as_ptr() as usize;
                    facts.dysymtab = Some(at);
                    None
                }
                LoadCommandVariant::LinkeditData(linkedit)
                    if command.cmd() == LC_CODE_SIGNATURE =>
                {
                    facts.signature = Some((linkedit.dataoff.get(LE), linkedit.datasize.get(LE)));
                    None
                }
                _ => None,
            };
            if let Some(encoded) = encoded {
                facts.min_macos = Some(Version::new(encoded >> 16, (encoded >> 8) & 0xff));
            }
        }
        Ok(facts)
    }
}

impl SliceFacts {
    /// How many local symbols no table refers to.
    fn local_symbols(&self, data: &[u8]) -> usize {
        let referenced = match self.dysymtab {
            Some(at) => referenced_locals(data, at),
            None => BTreeSet::new(),
        };
        let is_local =
            |kind: u8| kind & N_STAB == 0 && kind & N_EXT == 0 && kind & N_TYPE == N_SECT;
        (self.symbol_kinds.iter().enumerate())
            .filter(|(index, kind)| is_local(**kind) && !referenced.contains(&(*index as u32)))
            .count()
    }
}

/// What a symbol table whose entries have the `n_type`s `kinds` holds that
/// a stripped binary does not: debugger (stab) entries. Local symbols are
/// counted apart ([`Slice::local_symbols`]); undefined imports and
/// exported symbols stay in any executable.
fn debugger_symbols(kinds: impl Iterator<Item = u8>) -> Option<String> {
    let stabs = kinds.filter(|kind| kind & N_STAB != 0).count();
    (stabs > 0).then(|| format!("{stabs} debugger symbols"))
}

/// The local symbols of the thin Mach-O `data` that a table names, by
/// index: entries of the indirect symbol table (zig's linker lists its
/// `__thunk` stubs there by index where ld64 writes
/// `INDIRECT_SYMBOL_LOCAL`) and external relocations. `dysymtab` is where
/// `LC_DYSYMTAB` is; its local symbols are the first `nlocalsym` entries.
/// An index past the file's end is left out: the strip refuses such a file.
pub fn referenced_locals(data: &[u8], dysymtab: usize) -> BTreeSet<u32> {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    let field = |at: usize| word(dysymtab + at).unwrap_or(0) as usize;
    let nlocal = field(12) as u32;
    let indirect = (0..field(60)).filter_map(|entry| word(field(56) + entry * 4));
    let indirect =
        indirect.filter(|index| index & (INDIRECT_SYMBOL_LOCAL | INDIRECT_SYMBOL_ABS) == 0);
    // relocation_info: r_address, then r_symbolnum:24, pcrel, length:2,
    // extern, type:4.
    let relocations = (0..field(68))
        .filter_map(|entry| word(field(64) + entry * 8 + 4))
        .filter(|info| info & (1 << 27) != 0)
        .map(|info| info & 0x00ff_ffff);
    indirect
        .chain(relocations)
        .filter(|&index| index < nlocal)
        .collect()
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
    use object::macho::LC_BUILD_VERSION;

    /// A thin arm64 Mach-O header with one unrelated load command and one
    /// LC_BUILD_VERSION for macOS `major.minor`, as the linker writes them.
    fn arm64_binary(major: u32, minor: u32) -> Vec<u8> {
        let words: [u32; 8] = [MH_MAGIC_64, CPU_TYPE_ARM64, 0, 2, 2, 48, 0, 0];
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
                local_symbols: 0,
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
