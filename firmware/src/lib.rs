//! What a Cortex-M core reports about itself, for the firmware and its
//! tests.
//!
//! There is no operating system to ask: the core answers through its own
//! registers (the CPUID register of the System Control Block), and the
//! memory sizes are the linker's, from `memory/<target>.x`. Output goes to
//! the debugger's console through semihosting, which QEMU provides.
#![no_std]

use core::fmt::{self, Write};

use cortex_m_semihosting::{debug, hprintln};
use units::Bytes;

/// The Cortex-M core this code runs on, as its CPUID register names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Core {
    /// The part number: 0xC23 for a Cortex-M3, 0xD21 for a Cortex-M33.
    pub part: u16,
    /// The major revision (the `r` of `r2p0`).
    pub variant: u8,
    /// The minor revision (the `p` of `r2p0`).
    pub revision: u8,
}

impl Core {
    /// Reads the core's CPUID register.
    pub fn read() -> Core {
        // SAFETY: CPUID is a read-only register that every Cortex-M has at
        // this address; reading it has no side effect.
        let cpuid = unsafe { (*cortex_m::peripheral::CPUID::PTR).base.read() };
        Core {
            part: ((cpuid >> 4) & 0xfff) as u16,
            variant: ((cpuid >> 20) & 0xf) as u8,
            revision: (cpuid & 0xf) as u8,
        }
    }

    /// The core's name, from its part number.
    pub fn name(&self) -> &'static str {
        match self.part {
            0xc20 => "Cortex-M0",
            0xc60 => "Cortex-M0+",
            0xc23 => "Cortex-M3",
            0xc24 => "Cortex-M4",
            0xc27 => "Cortex-M7",
            0xd20 => "Cortex-M23",
            0xd21 => "Cortex-M33",
            _ => "an unknown Cortex-M core",
        }
    }
}

/// The sizes of the memory regions the firmware was linked for.
pub fn memory() -> (Bytes, Bytes) {
    // The linker defines these in memory.x; their addresses are the sizes.
    unsafe extern "C" {
        static _flash_length: u8;
        static _ram_length: u8;
    }
    let flash = &raw const _flash_length as usize as u64;
    let ram = &raw const _ram_length as usize as u64;
    (Bytes(flash), Bytes(ram))
}

/// The line the firmware prints when it starts: its name and version, and
/// what it runs on. The smoke run of `cargo xtask dist` checks it names the
/// release's version.
pub fn banner(out: &mut impl Write) -> fmt::Result {
    let core = Core::read();
    let (flash, ram) = memory();
    write!(
        out,
        "{} {} on {} r{}p{}: {flash} of flash, {ram} of RAM",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        core.name(),
        core.variant,
        core.revision,
    )
}

/// A line of text formatted without an allocator, on the stack.
pub struct Line {
    bytes: [u8; 160],
    len: usize,
}

impl Line {
    pub const fn new() -> Line {
        Line {
            bytes: [0; 160],
            len: 0,
        }
    }

    pub fn as_str(&self) -> &str {
        // Only whole `&str`s are ever written into it.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl Default for Line {
    fn default() -> Line {
        Line::new()
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Ends the program with a success or failure QEMU turns into its exit
/// code, which is how `cargo test` and `cargo run` learn the result.
pub fn exit(success: bool) -> ! {
    debug::exit(match success {
        true => debug::EXIT_SUCCESS,
        false => debug::EXIT_FAILURE,
    });
    // Without a debugger (on a real board) the exit call returns.
    loop {
        cortex_m::asm::bkpt();
    }
}

/// A panic, for example a failed `assert!` in a test, is reported and
/// ends the run with a failure.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panicked: {}", info);
    exit(false)
}
