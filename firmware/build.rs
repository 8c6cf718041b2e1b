//! Gives the linker this target's memory layout and cortex-m-rt's linker
//! script.
//!
//! Each target's layout is `memory/<target>.x`; it is copied to `memory.x`
//! in the build's output folder, where cortex-m-rt's `link.x` includes it
//! from. `-Tlink.x` is passed here, to the binaries and tests only, rather
//! than in `.cargo/config.toml`'s rustflags: a `RUSTFLAGS` variable
//! replaces those, and a firmware linked without its script has no vector
//! table.

use std::path::PathBuf;

fn main() {
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let layout = manifest_dir.join("memory").join(format!("{target}.x"));
    println!("cargo:rerun-if-changed={}", layout.display());
    println!("cargo::rustc-check-cfg=cfg(armv8m)");
    let Ok(memory) = std::fs::read(&layout) else {
        panic!(
            "firmware has no memory layout for {target}: it is built for the Cortex-M targets \
             in memory/ only. Build it with --target thumbv7m-none-eabi (or another target with \
             a memory/<target>.x), or add that file with the chip's FLASH and RAM."
        );
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    std::fs::write(out.join("memory.x"), memory).expect("cannot write memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rustc-link-arg-tests=-Tlink.x");
    if target.starts_with("thumbv8m") {
        println!("cargo:rustc-cfg=armv8m");
    }
}
