//! macOS: `uname(3)`, `sysconf(3)`, `sysctlbyname(3)` and the Library folder.

use std::path::PathBuf;

use crate::unix;

pub fn os_name() -> Option<String> {
    unix::uname().map(|uname| uname.sysname)
}

/// The marketing version (`14.5`) when `kern.osproductversion` has it, else
/// the Darwin kernel release.
pub fn os_release() -> Option<String> {
    sysctl_string(c"kern.osproductversion").or_else(|| unix::uname().map(|uname| uname.release))
}

pub fn machine() -> Option<String> {
    unix::uname().map(|uname| uname.machine)
}

pub fn logical_cpus() -> Option<usize> {
    unix::logical_cpus()
}

pub fn total_memory() -> Option<u64> {
    unix::sysctl_u64(c"hw.memsize")
}

pub fn page_size() -> Option<usize> {
    unix::page_size()
}

pub fn config_dir() -> Option<PathBuf> {
    unix::home_dir().map(|home| home.join("Library/Application Support"))
}

fn sysctl_string(name: &std::ffi::CStr) -> Option<String> {
    let mut buf = [0u8; 64];
    let mut len = buf.len();
    // SAFETY: `buf` and `len` describe a writable buffer of `len` bytes.
    let status = unsafe {
        libc::sysctlbyname(
            name.as_ptr(),
            buf.as_mut_ptr().cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    if status != 0 {
        return None;
    }
    let text = std::ffi::CStr::from_bytes_until_nul(&buf[..len]).ok()?;
    Some(text.to_string_lossy().into_owned()).filter(|text| !text.is_empty())
}
