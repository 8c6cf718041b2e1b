//! Windows: `GetNativeSystemInfo`, `GlobalMemoryStatusEx`, `RtlGetVersion`
//! and the known-folder API, through `windows-sys`.

use std::ffi::OsString;
use std::os::windows::ffi::OsStringExt;
use std::path::PathBuf;

use windows_sys::Wdk::System::SystemServices::RtlGetVersion;
use windows_sys::Win32::System::Com::CoTaskMemFree;
use windows_sys::Win32::System::SystemInformation::{
    GetNativeSystemInfo, GlobalMemoryStatusEx, MEMORYSTATUSEX, OSVERSIONINFOW,
    PROCESSOR_ARCHITECTURE_AMD64, PROCESSOR_ARCHITECTURE_ARM, PROCESSOR_ARCHITECTURE_ARM64,
    PROCESSOR_ARCHITECTURE_INTEL, SYSTEM_INFO,
};
use windows_sys::Win32::UI::Shell::{
    FOLDERID_RoamingAppData, KF_FLAG_DEFAULT, SHGetKnownFolderPath,
};

pub fn os_name() -> Option<String> {
    Some("Windows".to_owned())
}

/// `major.minor.build` from `RtlGetVersion`, which, unlike `GetVersionEx`,
/// is not capped at 6.2 for programs without a compatibility manifest.
pub fn os_release() -> Option<String> {
    // SAFETY: OSVERSIONINFOW is plain old data; all-zero is a valid value.
    let mut info: OSVERSIONINFOW = unsafe { std::mem::zeroed() };
    info.dwOSVersionInfoSize = std::mem::size_of::<OSVERSIONINFOW>() as u32;
    // SAFETY: `info` is writable and its size field is set as required.
    let status = unsafe { RtlGetVersion(&mut info) };
    (status == 0).then(|| {
        format!(
            "{}.{}.{}",
            info.dwMajorVersion, info.dwMinorVersion, info.dwBuildNumber
        )
    })
}

/// The native architecture, even for a 32-bit process under WOW64; spelled
/// the way unix kernels do so that reports compare across platforms.
pub fn machine() -> Option<String> {
    // SAFETY: `wProcessorArchitecture` is set by GetNativeSystemInfo and
    // every bit pattern of the union is a valid u16.
    let architecture = unsafe {
        native_system_info()
            .Anonymous
            .Anonymous
            .wProcessorArchitecture
    };
    let name = match architecture {
        PROCESSOR_ARCHITECTURE_AMD64 => "x86_64",
        PROCESSOR_ARCHITECTURE_ARM64 => "aarch64",
        PROCESSOR_ARCHITECTURE_INTEL => "x86",
        PROCESSOR_ARCHITECTURE_ARM => "arm",
        _ => return None,
    };
    Some(name.to_owned())
}

pub fn logical_cpus() -> Option<usize> {
    usize::try_from(native_system_info().dwNumberOfProcessors)
        .ok()
        .filter(|&count| count > 0)
}

pub fn total_memory() -> Option<u64> {
    // SAFETY: MEMORYSTATUSEX is plain old data; all-zero is a valid value.
    let mut status: MEMORYSTATUSEX = unsafe { std::mem::zeroed() };
    status.dwLength = std::mem::size_of::<MEMORYSTATUSEX>() as u32;
    // SAFETY: `status` is writable and its length field is set as required.
    let ok = unsafe { GlobalMemoryStatusEx(&mut status) };
    (ok != 0).then_some(status.ullTotalPhys)
}

pub fn page_size() -> Option<usize> {
    usize::try_from(native_system_info().dwPageSize)
        .ok()
        .filter(|&size| size > 0)
}

/// The roaming AppData folder (`%APPDATA%`), asked of the shell rather than
/// read from the environment, which a user can change.
pub fn config_dir() -> Option<PathBuf> {
    let mut wide = std::ptr::null_mut();
    // SAFETY: the GUID is a static; `wide` receives a CoTaskMemAlloc'ed,
    // NUL-terminated string that we free below, success or not.
    let result = unsafe {
        SHGetKnownFolderPath(
            &FOLDERID_RoamingAppData,
            KF_FLAG_DEFAULT as _,
            std::ptr::null_mut(),
            &mut wide,
        )
    };
    let path = (result == 0 && !wide.is_null()).then(|| {
        // SAFETY: on success `wide` points at a NUL-terminated UTF-16 string.
        let len = (0..).take_while(|&i| unsafe { *wide.add(i) } != 0).count();
        // SAFETY: the `len` units before the NUL are initialised.
        let units = unsafe { std::slice::from_raw_parts(wide, len) };
        PathBuf::from(OsString::from_wide(units))
    });
    // SAFETY: the shell allocated `wide` (or left it null, which is allowed).
    unsafe { CoTaskMemFree(wide.cast()) };
    path
}

fn native_system_info() -> SYSTEM_INFO {
    // SAFETY: SYSTEM_INFO is plain old data; all-zero is a valid value, and
    // GetNativeSystemInfo cannot fail.
    unsafe {
        let mut info: SYSTEM_INFO = std::mem::zeroed();
        GetNativeSystemInfo(&mut info);
        info
    }
}
