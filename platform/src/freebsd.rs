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

/// `hw.physmem`: the physical memory in bytes.
pub fn total_memory() -> Option<u64> {
    unix::sysctl_u64(c"hw.physmem")
}

pub fn page_size() -> Option<usize> {
    unix::page_size()
}

pub fn config_dir() -> Option<PathBuf> {
    unix::xdg_config_dir()
}
