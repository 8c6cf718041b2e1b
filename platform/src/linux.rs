//! Linux: `uname(2)`, `sysconf(3)`, `sysinfo(2)` and the XDG base directories.

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

pub fn total_memory() -> Option<u64> {
    // SAFETY: `sysinfo` is plain old data; all-zero is a valid value.
    let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid, writable `sysinfo`.
    if unsafe { libc::sysinfo(&mut info) } != 0 {
        return None;
    }
    // `totalram` counts units of `mem_unit` bytes (1 on most kernels, but not
    // all), and its type is 32 bits wide on 32-bit targets.
    #[allow(clippy::unnecessary_cast)]
    (info.totalram as u64).checked_mul(u64::from(info.mem_unit))
}

pub fn page_size() -> Option<usize> {
    unix::page_size()
}

pub fn config_dir() -> Option<PathBuf> {
    unix::xdg_config_dir()
}
