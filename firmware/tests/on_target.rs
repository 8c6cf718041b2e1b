//! Tests that run on the target itself, under QEMU: `cargo test --target
//! thumbv7m-none-eabi -p firmware`. There is no test harness on no_std
//! targets, so this is a program: each check panics on failure, the panic
//! handler reports it and exits with a failure, and QEMU's exit code is the
//! result cargo sees.
#![no_std]
#![no_main]

use core::fmt::Write;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware::{Core, Line};
use units::Bytes;

#[entry]
fn main() -> ! {
    sizes_format_as_on_the_host();
    the_core_is_the_one_the_target_is_for();
    the_banner_names_the_version_and_the_core();
    hprintln!("on_target: 3 tests passed");
    firmware::exit(true)
}

/// The shared no_std crate formats the same here, with software floating
/// point, as on a hosted target.
fn sizes_format_as_on_the_host() {
    for (bytes, expected) in [(512, "512 B"), (4096, "4.0 KiB"), (3 << 29, "1.5 GiB")] {
        let mut line = Line::new();
        write!(line, "{}", Bytes(bytes)).unwrap();
        assert_eq!(line.as_str(), expected);
    }
}

/// QEMU emulates the core the target compiles for: a thumbv7m binary on a
/// Cortex-M3, a thumbv8m.main binary on a Cortex-M33.
fn the_core_is_the_one_the_target_is_for() {
    let expected = match cfg!(armv8m) {
        true => "Cortex-M33",
        false => "Cortex-M3",
    };
    assert_eq!(Core::read().name(), expected);
}

fn the_banner_names_the_version_and_the_core() {
    let mut line = Line::new();
    firmware::banner(&mut line).unwrap();
    let banner = line.as_str();
    assert!(banner.starts_with(concat!(
        "firmware ",
        env!("CARGO_PKG_VERSION"),
        " on Cortex-M"
    )));
    assert!(banner.contains("of flash"), "{banner}");
}
