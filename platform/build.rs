//! Compiles the crate's C part (`c/*.c`) with the cc crate, which
//! picks the target's C compiler the way every `-sys` crate does: from
//! `CC_<target>` if set (`.cargo/config.toml` sets it where Debian has no
//! cross gcc), else the usual name for the target (`aarch64-linux-gnu-gcc`).

fn main() {
    cc::Build::new()
        .file("c/c_toolchain.c")
        .file("c/helpers.c")
        .warnings_into_errors(true)
        .compile("platform_c");
    println!("cargo::rerun-if-changed=c");
}
