//! The firmware: prints what it runs on and exits. `cargo run --target
//! thumbv7m-none-eabi -p firmware` boots it in QEMU through the runner
//! `.cargo/config.toml` names.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware::Line;

#[entry]
fn main() -> ! {
    let mut line = Line::new();
    let written = firmware::banner(&mut line);
    hprintln!("{}", line.as_str());
    firmware::exit(written.is_ok())
}
