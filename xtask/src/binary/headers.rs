//! Checking a shipped binary's header against its target: the format and
//! CPU, the ELF class, byte order and dynamic loader (or its absence, for a
//! static binary), the PE subsystem, the oldest macOS, and that it was
//! stripped as `[profile.dist]` says. For targets nothing here can run
//! (macOS), this is what stands in for a smoke run; for the rest it is a
//! second opinion.
//!
//! The `object` crate reads the ELF, PE ([`super::pe`]) and Mach-O
//! ([`super::macho`]) headers. WebAssembly is a page of its own here: the
//! core spec's binary format (`\0asm`, version 1, then sections, custom
//! ones with a name), which `object` reads only with a parser crate the
//! xtask has no other use for.

use anyhow::{Context, Result, bail};
use object::read::elf::{FileHeader, ProgramHeader, SectionHeader};

use super::pe::{self, PeHeaders};
use super::wasm::{self, is_wasm};
use super::{elf, fat, firmware, macho};
use crate::targets::{Binary, Os, TargetSpec};

/// Whether `data` starts like an executable of any format the xtask ships.
pub fn is_executable(data: &[u8]) -> bool {
    elf::is_elf(data) || pe::is_pe(data) || macho::is_macho(data) || is_wasm(data)
}

/// Checks the binary `data` against what `spec` says its executables are,
/// and returns what was checked, as one line: `ELF 64-bit LSB x86-64,
/// loader /lib64/ld-linux-x86-64.so.2, stripped`.
pub fn check(spec: &TargetSpec, data: &[u8]) -> Result<String> {
    match spec.binary {
        Binary::Elf {
            machine,
            cpu,
            bits,
            big_endian,
        } => check_elf(spec, data, machine, cpu, bits, big_endian),
        Binary::Pe { machine, cpu } => check_pe(data, machine, cpu),
        Binary::MachO { cpu, .. } => check_macho(data, cpu),
        Binary::Wasm => check_wasm(data),
    }
}

fn check_elf(
    spec: &TargetSpec,
    data: &[u8],
    machine: u16,
    cpu: &str,
    bits: u8,
    big_endian: bool,
) -> Result<String> {
    if !elf::is_elf(data) {
        bail!("is not an ELF file, but {}", describe(data));
    }
    let found_bits = match data.get(4) {
        Some(1) => 32,
        Some(2) => 64,
        _ => bail!("its ELF class byte is neither 32- nor 64-bit"),
    };
    let found_big = match data.get(5) {
        Some(1) => false,
        Some(2) => true,
        _ => bail!("its ELF byte-order byte is neither little- nor big-endian"),
    };
    let order = |big: bool| if big { "MSB" } else { "LSB" };
    if (found_bits, found_big) != (bits, big_endian) {
        bail!(
            "is a {found_bits}-bit {} ELF file, but {} binaries are {bits}-bit {}",
            order(found_big),
            spec.triple,
            order(big_endian)
        );
    }
    let facts = if bits == 64 {
        elf_facts::<object::elf::FileHeader64<object::Endianness>>(data)
    } else {
        elf_facts::<object::elf::FileHeader32<object::Endianness>>(data)
    }
    .context("its ELF headers cannot be read")?;
    if facts.machine != machine {
        bail!(
            "is built for ELF machine {} (e_machine), but {} binaries are {cpu} ({machine})",
            facts.machine,
            spec.triple
        );
    }
    let brand = check_elf_os(spec, &facts)?;
    let linkage = match (&facts.interpreter, spec.static_binary) {
        (None, true) => "static".to_owned(),
        (Some(loader), false) => format!("loader {loader}"),
        (Some(loader), true) => bail!(
            "asks for the dynamic loader {loader}, but {} binaries are static",
            spec.triple
        ),
        (None, false) => bail!(
            "has no dynamic loader (PT_INTERP), but {} binaries are linked dynamically",
            spec.triple
        ),
    };
    ensure_stripped(&facts.unstripped)?;
    let firmware = match spec.os {
        Os::BareMetal => format!(", {}", firmware::Image::read(data)?.check_bootable()?),
        _ => String::new(),
    };
    Ok(format!(
        "ELF {bits}-bit {} {cpu}, {brand}, {linkage}, stripped{firmware}",
        order(big_endian)
    ))
}

/// FreeBSD's dynamic loader, which every dynamically linked FreeBSD
/// program names; Linux loaders live in `/lib` or `/lib64`.
const FREEBSD_LOADER: &str = "/libexec/ld-elf.so.1";

/// The ELF OS/ABI byte (EI_OSABI) of a FreeBSD binary as FreeBSD's own
/// toolchain (or `brandelf -t FreeBSD`) writes it; zig leaves it 0 (System
/// V), and FreeBSD's kernel then knows the binary by its ABI note.
const ELFOSABI_FREEBSD: u8 = 9;
/// The values a Linux binary carries there: System V, or GNU for one that
/// uses GNU extensions (IFUNC).
const ELFOSABI_LINUX: [u8; 2] = [0, 3];

/// Checks which OS the ELF file is for against `spec`'s: its OS/ABI byte,
/// FreeBSD's ABI note, and its dynamic loader. Returns what it found, as
/// `file` would put it: `FreeBSD-style`, or `SYSV`.
fn check_elf_os(spec: &TargetSpec, facts: &ElfFacts) -> Result<&'static str> {
    let freebsd_loader = facts.interpreter.as_deref() == Some(FREEBSD_LOADER);
    let looks_freebsd = facts.os_abi == ELFOSABI_FREEBSD || facts.freebsd_note || freebsd_loader;
    match spec.os {
        Os::FreeBsd => {
            if !(facts.os_abi == ELFOSABI_FREEBSD || facts.freebsd_note && facts.os_abi == 0) {
                bail!(
                    "is not branded for FreeBSD: its OS/ABI byte is {} and it has no FreeBSD \
                     ABI note, so FreeBSD's kernel would not know it as one of its programs",
                    facts.os_abi
                );
            }
            if !spec.static_binary && !freebsd_loader {
                bail!(
                    "asks for the dynamic loader {}, but FreeBSD's is {FREEBSD_LOADER}",
                    facts.interpreter.as_deref().unwrap_or("(none)")
                );
            }
            Ok("FreeBSD-style")
        }
        _ if looks_freebsd => bail!(
            "is a FreeBSD binary (OS/ABI {}, FreeBSD ABI note: {}, loader {}), but {} \
             binaries are for {:?}",
            facts.os_abi,
            if facts.freebsd_note { "yes" } else { "no" },
            facts.interpreter.as_deref().unwrap_or("none"),
            spec.triple,
            spec.os
        ),
        _ if !ELFOSABI_LINUX.contains(&facts.os_abi) => bail!(
            "has OS/ABI byte {}, which marks another OS's binaries; {} binaries carry 0 (System \
             V) or 3 (GNU)",
            facts.os_abi,
            spec.triple
        ),
        _ => Ok("SYSV"),
    }
}

/// What the ELF checks need from the headers.
struct ElfFacts {
    machine: u16,
    /// EI_OSABI.
    os_abi: u8,
    /// Whether it has FreeBSD's ABI note (`.note.tag`, owner `FreeBSD`).
    freebsd_note: bool,
    interpreter: Option<String>,
    /// Sections a stripped binary does not have.
    unstripped: Vec<String>,
}

fn elf_facts<Elf: FileHeader<Endian = object::Endianness>>(data: &[u8]) -> Result<ElfFacts> {
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let mut interpreter = None;
    let mut freebsd_note = false;
    for segment in header.program_headers(endian, data)? {
        if let Some(path) = segment.interpreter(endian, data)? {
            interpreter = Some(String::from_utf8_lossy(path).into_owned());
        }
        if let Some(mut notes) = segment.notes(endian, data)? {
            while let Some(note) = notes.next()? {
                freebsd_note |= note.name() == b"FreeBSD";
            }
        }
    }
    let sections = header.sections(endian, data)?;
    let mut unstripped = Vec::new();
    for section in sections.iter() {
        let name = String::from_utf8_lossy(sections.section_name(endian, section)?).into_owned();
        if section.sh_type(endian) == object::elf::SHT_SYMTAB || name.starts_with(".debug") {
            unstripped.push(name);
        }
    }
    Ok(ElfFacts {
        machine: header.e_machine(endian),
        os_abi: header.e_ident().os_abi,
        freebsd_note,
        interpreter,
        unstripped,
    })
}

fn check_pe(data: &[u8], machine: u16, cpu: &str) -> Result<String> {
    if !pe::is_pe(data) {
        bail!("is not a PE file, but {}", describe(data));
    }
    let headers = PeHeaders::read(data)?;
    if headers.machine != machine {
        bail!(
            "is built for PE machine {:#x}, but this target is {cpu} ({machine:#x})",
            headers.machine
        );
    }
    if headers.subsystem != 3 {
        bail!(
            "has PE subsystem {}, not 3 (console): it would open no console for its output",
            headers.subsystem
        );
    }
    let mut unstripped = Vec::new();
    if headers.has_symbol_table {
        unstripped.push("a COFF symbol table".to_owned());
    }
    unstripped.extend(
        headers
            .section_names
            .into_iter()
            .filter(|name| name.starts_with(".debug") || name.starts_with('/')),
    );
    ensure_stripped(&unstripped)?;
    Ok(format!("PE {cpu}, console, stripped"))
}

fn check_macho(data: &[u8], cpu: &str) -> Result<String> {
    if !macho::is_macho(data) {
        bail!("is not a Mach-O file, but {}", describe(data));
    }
    let slices = macho::slices(data)?;
    let mut described = Vec::new();
    for slice in &slices {
        if slice.cpu != cpu {
            bail!(
                "has a Mach-O slice for {}, but this target is {cpu}",
                slice.cpu
            );
        }
        ensure_stripped(&slice.unstripped)?;
        described.push(describe_slice(slice)?);
    }
    Ok(format!("Mach-O {}", described.join("; ")))
}

/// Checks a universal macOS binary: a fat Mach-O file with exactly one
/// slice for each CPU that [`fat::expected_cpus`] names, each stripped.
pub fn check_universal(data: &[u8]) -> Result<String> {
    if !macho::is_macho(data) {
        bail!("is not a Mach-O file, but {}", describe(data));
    }
    let slices = macho::slices(data)?;
    let found: Vec<&str> = slices.iter().map(|slice| slice.cpu.as_str()).collect();
    let expected = fat::expected_cpus();
    if found != expected {
        bail!(
            "has the Mach-O slices [{}], but a universal binary has [{}]",
            found.join(", "),
            expected.join(", ")
        );
    }
    let mut described = Vec::new();
    for slice in &slices {
        ensure_stripped(&slice.unstripped)?;
        described.push(describe_slice(slice)?);
    }
    Ok(format!("Mach-O universal: {}", described.join("; ")))
}

/// `arm64, macOS 11.0+, signed (73 pages), stripped`, or why macOS would
/// not start the slice. Local symbols left in place are said, not refused:
/// removing them only saves space, and dist ships a binary whose layout its
/// strip does not know as the linker wrote it.
fn describe_slice(slice: &macho::Slice) -> Result<String> {
    if let Some(problem) = slice.signature_problem() {
        bail!("({} slice) {problem}", slice.cpu);
    }
    let mut description = format!("{}, macOS {}+", slice.cpu, slice.min_macos);
    if let Some(Ok(pages)) = slice.signature {
        description.push_str(&format!(", signed ({pages} pages)"));
    }
    match slice.local_symbols {
        0 => description.push_str(", stripped"),
        left => description.push_str(&format!(", {left} local symbols left")),
    }
    Ok(description)
}

fn check_wasm(data: &[u8]) -> Result<String> {
    if !is_wasm(data) {
        bail!("is not a WebAssembly module, but {}", describe(data));
    }
    let module = wasm::read(data)?;
    let unstripped: Vec<String> = module
        .debug_sections()
        .into_iter()
        .map(str::to_owned)
        .collect();
    ensure_stripped(&unstripped)?;
    Ok("WebAssembly module version 1, valid, stripped".to_owned())
}

fn ensure_stripped(unstripped: &[String]) -> Result<()> {
    if unstripped.is_empty() {
        return Ok(());
    }
    bail!(
        "is not stripped: it still has {}, which `strip = true` in [profile.dist] removes",
        unstripped.join(", ")
    )
}

/// What `data` looks like, for messages about the wrong kind of file.
fn describe(data: &[u8]) -> &'static str {
    if elf::is_elf(data) {
        "an ELF file"
    } else if pe::is_pe(data) {
        "a PE file"
    } else if macho::is_macho(data) {
        "a Mach-O file"
    } else if is_wasm(data) {
        "a WebAssembly module"
    } else {
        "no executable format the xtask knows"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::codesign;
    use crate::targets::lookup;

    /// This test binary's own glibc target, and one of another CPU, with
    /// their ELF machine numbers: the test runs on x86_64 and aarch64 hosts.
    fn own_and_other_cpu() -> ((&'static str, u16), (&'static str, u16)) {
        let x86 = ("x86_64", 62);
        let arm = ("aarch64", 183);
        match std::env::consts::ARCH {
            "aarch64" => (arm, x86),
            _ => (x86, arm),
        }
    }

    /// The test binary itself: a 64-bit ELF file with a loader and, being a
    /// debug build, not stripped.
    #[test]
    fn an_unstripped_binary_and_the_wrong_architecture_are_named() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let ((own, own_machine), (other, other_machine)) = own_and_other_cpu();
        let native = lookup(&format!("{own}-unknown-linux-gnu")).unwrap();
        let err = check(native, &exe).unwrap_err().to_string();
        assert!(err.starts_with("is not stripped: it still has "), "{err}");
        let foreign = lookup(&format!("{other}-unknown-linux-gnu")).unwrap();
        let err = check(foreign, &exe).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "ELF machine {own_machine} (e_machine), but {other}-unknown-linux-gnu binaries \
                 are"
            )) && err.contains(&format!("({other_machine})")),
            "{err}"
        );
        let musl = lookup(&format!("{own}-unknown-linux-musl")).unwrap();
        let err = check(musl, &exe).unwrap_err().to_string();
        assert!(err.contains("asks for the dynamic loader"), "{err}");
        let windows = lookup("x86_64-pc-windows-gnu").unwrap();
        let err = check(windows, &exe).unwrap_err().to_string();
        assert_eq!(err, "is not a PE file, but an ELF file");
    }

    #[test]
    fn a_32_bit_header_under_a_64_bit_triple_is_refused() {
        let mut exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        exe[4] = 1;
        let ((own, _), _) = own_and_other_cpu();
        let native = lookup(&format!("{own}-unknown-linux-gnu")).unwrap();
        let err = check(native, &exe).unwrap_err().to_string();
        assert!(err.contains("is a 32-bit LSB ELF file"), "{err}");
    }

    /// A PE header as MinGW writes it, cut to the fields verify reads:
    /// machine, symbol table and subsystem.
    fn pe(machine: u16, subsystem: u16, symbols: u32) -> Vec<u8> {
        let mut data = vec![0u8; 0x40 + 4 + 20 + 240];
        data[..2].copy_from_slice(b"MZ");
        data[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        data[0x40..0x44].copy_from_slice(b"PE\0\0");
        let coff = 0x44;
        data[coff..coff + 2].copy_from_slice(&machine.to_le_bytes());
        data[coff + 8..coff + 12].copy_from_slice(&symbols.to_le_bytes());
        data[coff + 16..coff + 18].copy_from_slice(&240u16.to_le_bytes());
        let optional = coff + 20;
        data[optional..optional + 2].copy_from_slice(&0x20bu16.to_le_bytes());
        data[optional + 68..optional + 70].copy_from_slice(&subsystem.to_le_bytes());
        data
    }

    #[test]
    fn pe_machine_subsystem_and_symbols_are_checked() {
        let windows = lookup("x86_64-pc-windows-gnu").unwrap();
        assert_eq!(
            check(windows, &pe(0x8664, 3, 0)).unwrap(),
            "PE x86-64, console, stripped"
        );
        let err = check(windows, &pe(0x14c, 3, 0)).unwrap_err().to_string();
        assert!(err.contains("PE machine 0x14c"), "{err}");
        let err = check(windows, &pe(0x8664, 2, 0)).unwrap_err().to_string();
        assert!(err.contains("subsystem 2, not 3 (console)"), "{err}");
        let err = check(windows, &pe(0x8664, 3, 0x1000))
            .unwrap_err()
            .to_string();
        assert!(err.contains("a COFF symbol table"), "{err}");
        let err = check(windows, &pe(0x8664, 3, 0)[..0x50])
            .unwrap_err()
            .to_string();
        assert!(err.contains("cut short"), "{err}");
    }

    #[test]
    fn a_universal_binary_needs_exactly_both_slices() {
        let (x86, arm) = (
            thin_macho(0x0100_0007, false),
            thin_macho(0x0100_000c, true),
        );
        let both = fat::fat_binary(&[&x86, &arm]).unwrap();
        assert_eq!(
            check_universal(&both).unwrap(),
            "Mach-O universal: x86_64, macOS 11.0+, stripped; arm64, macOS 11.0+, signed (1 \
             pages), stripped"
        );
        let arm_only = fat::fat_binary(&[&arm]).unwrap();
        let err = check_universal(&arm_only).unwrap_err().to_string();
        assert!(err.contains("has the Mach-O slices [arm64]"), "{err}");
        // A fat binary is not what a one-architecture target ships.
        let mac = lookup("aarch64-apple-darwin").unwrap();
        let err = check(mac, &both).unwrap_err().to_string();
        assert!(err.contains("has a Mach-O slice for x86_64"), "{err}");
    }

    /// A thin Mach-O file for `cpu_type` with one LC_BUILD_VERSION (macOS
    /// 11.0) and, if `signed`, an ad hoc code signature of its bytes.
    fn thin_macho(cpu_type: u32, signed: bool) -> Vec<u8> {
        let file = |signature: Option<(u32, u32)>| -> Vec<u8> {
            let (commands, size) = if signature.is_some() {
                (2, 40)
            } else {
                (1, 24)
            };
            let mut words = vec![0xfeed_facf, cpu_type, 0, 2, commands, size, 0, 0];
            words.extend([0x32, 24, 1, 11 << 16, 11 << 16, 0]); // LC_BUILD_VERSION 11.0
            if let Some((offset, size)) = signature {
                words.extend([object::macho::LC_CODE_SIGNATURE, 16, offset, size]);
            }
            words.iter().flat_map(|word| word.to_le_bytes()).collect()
        };
        if !signed {
            return file(None);
        }
        // The command names the signature's size, which the signature
        // covers: sign once to learn the size, then for real.
        let (_, _, size) = codesign::tests::signed(&file(Some((72, 0))), 12);
        let (signed, offset, real_size) = codesign::tests::signed(&file(Some((72, size))), 12);
        assert_eq!((offset, real_size), (72, size));
        signed
    }

    #[test]
    fn arm64_slices_need_a_signature_that_matches_their_bytes() {
        let mac = lookup("aarch64-apple-darwin").unwrap();
        let signed = thin_macho(0x0100_000c, true);
        assert_eq!(
            check(mac, &signed).unwrap(),
            "Mach-O arm64, macOS 11.0+, signed (1 pages), stripped"
        );
        let err = check(mac, &thin_macho(0x0100_000c, false))
            .unwrap_err()
            .to_string();
        assert!(err.contains("(arm64 slice) has no code signature"), "{err}");
        let mut changed = signed.clone();
        changed[53] ^= 1; // in LC_BUILD_VERSION, which the signature covers
        let err = check(mac, &changed).unwrap_err().to_string();
        assert!(err.contains("does not match page 0"), "{err}");
        assert!(err.contains("Killed: 9"), "{err}");
    }

    #[test]
    fn wasm_modules_are_checked_for_version_and_name_sections() {
        let wasm = lookup("wasm32-wasip1").unwrap();
        let stripped = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0";
        assert_eq!(
            check(wasm, stripped).unwrap(),
            "WebAssembly module version 1, valid, stripped"
        );
        let named = b"\0asm\x01\0\0\0\0\x06\x04name\0";
        let err = check(wasm, named).unwrap_err().to_string();
        assert!(err.contains("still has name"), "{err}");
        let future = b"\0asm\x02\0\0\0";
        assert!(check(wasm, future).is_err());
        let cut = b"\0asm\x01\0\0\0\x01\x7f";
        assert!(check(wasm, cut).is_err());
    }
}
