//! POSIX calls whose meaning is the same on Linux, FreeBSD and macOS.

use std::ffi::CStr;

/// The fields of `uname(2)` this crate reports.
pub struct Uname {
    pub sysname: String,
    pub release: String,
    pub machine: String,
}

pub fn uname() -> Option<Uname> {
    // SAFETY: `utsname` is plain old data; all-zero is a valid value.
    let mut buf: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `buf` is a valid, writable `utsname`.
    if unsafe { libc::uname(&mut buf) } != 0 {
        return None;
    }
    Some(Uname {
        sysname: field(&buf.sysname),
        release: field(&buf.release),
        machine: field(&buf.machine),
    })
}

fn field(chars: &[libc::c_char]) -> String {
    // SAFETY: uname fills each field with a NUL-terminated string that fits.
    unsafe { CStr::from_ptr(chars.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// `sysconf(name)`, or `None` where the value is unknown or unlimited.
pub fn sysconf(name: libc::c_int) -> Option<usize> {
    // SAFETY: sysconf has no memory-safety preconditions.
    let value = unsafe { libc::sysconf(name) };
    usize::try_from(value).ok().filter(|&value| value > 0)
}

pub fn logical_cpus() -> Option<usize> {
    sysconf(libc::_SC_NPROCESSORS_ONLN)
}

pub fn page_size() -> Option<usize> {
    sysconf(libc::_SC_PAGESIZE)
}

/// `$HOME`, when it is set to an absolute path.
pub fn home_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .filter(|home| home.is_absolute())
}

/// `$XDG_CONFIG_HOME` if set to an absolute path (the spec says to ignore a
/// relative one), else `~/.config`: the convention of Linux and the BSDs.
#[cfg(not(target_os = "macos"))]
pub fn xdg_config_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| home_dir().map(|home| home.join(".config")))
}

/// `sysctlbyname(name)` for a 64-bit integer: how the BSDs (FreeBSD, and
/// macOS's Darwin) answer what Linux answers through `sysinfo`.
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub fn sysctl_u64(name: &std::ffi::CStr) -> Option<u64> {
    let mut value: u64 = 0;
    let mut len = std::mem::size_of::<u64>();
    // SAFETY: the name is NUL-terminated, and `value` and `len` describe a
    // writable buffer of exactly the size of the integer asked for.
    let status = unsafe {
        libc::sysctlbyname(
            name.as_ptr(),
            (&raw mut value).cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    (status == 0 && len == std::mem::size_of::<u64>()).then_some(value)
}
