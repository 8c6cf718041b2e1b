//! FreeBSD: `uname(2)` and `sysconf(3)` as on Linux, `sysctl(3)` for the
//! memory (FreeBSD has no `sysinfo`), and the XDG base directories.

use std::path::PathBuf;

use crate::unix;

pub fn os_name() -> Option<String> {
    unix::uname().map(|uname| uname.sysname)
}

pub fn os_release() -> Option<String> {
    unix::uname().map(|uname| uname.release)
}

pub fn machine() -> Option<String> {
    unix::uname().map(|uname| uname.machine)
}

pub fn logical_cpus() -> Option<usize> {
    unix::logical_cpus()
}

/// `hw.physmem`: the physical memory in bytes, an unsigned long (64 bits on
/// the 64-bit targets, the ones Rust builds for).
pub fn total_memory() -> Option<u64> {
    let mut bytes: u64 = 0;
    let mut size = std::mem::size_of_val(&bytes);
    // SAFETY: the name is NUL-terminated, and `bytes` is writable for `size`
    // bytes, which sysctl updates to what it wrote.
    let status = unsafe {
        libc::sysctlbyname(
            c"hw.physmem".as_ptr(),
            (&raw mut bytes).cast(),
            &mut size,
            std::ptr::null(),
            0,
        )
    };
    (status == 0 && size == std::mem::size_of_val(&bytes)).then_some(bytes)
}

pub fn page_size() -> Option<usize> {
    unix::page_size()
}

pub fn config_dir() -> Option<PathBuf> {
    unix::xdg_config_dir()
}
