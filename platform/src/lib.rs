//! What the operating system reports about the machine it runs on.
//!
//! One API, the same on every target. Each function asks the OS through its
//! own interface: `uname`, `sysconf` and `sysinfo` on Linux, `sysctl` on
//! FreeBSD and macOS, the Win32 API on Windows. Targets without such an interface (for
//! example `wasm32-wasip1`) get the [`fallback`](self) answers: `None`, never
//! a guess.
//!
//! The choice of implementation is made here, once, with `#[cfg]`; nothing
//! else in the workspace needs to know which platform it is on.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as imp;

#[cfg(target_os = "freebsd")]
mod freebsd;
#[cfg(target_os = "freebsd")]
use freebsd as imp;

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
use macos as imp;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    windows
)))]
mod fallback;
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    windows
)))]
use fallback as imp;

/// What Linux, FreeBSD and macOS share: POSIX calls with the same meaning.
#[cfg(unix)]
mod unix;

use std::path::PathBuf;

/// The operating system's name, as it reports it (`Linux`, `Darwin`, `Windows`).
pub fn os_name() -> Option<String> {
    imp::os_name()
}

/// The operating system's release (kernel release on unix, `major.minor.build`
/// on Windows).
pub fn os_release() -> Option<String> {
    imp::os_release()
}

/// The machine architecture the OS reports, in the OS's own spelling
/// (`x86_64`, `aarch64`, `armv7l`, `riscv64`, `arm64`).
///
/// This is what the running system says, not what the binary was compiled
/// for: under qemu-user it is the emulated CPU.
pub fn machine() -> Option<String> {
    imp::machine()
}

/// The number of logical CPUs the OS has online.
pub fn logical_cpus() -> Option<usize> {
    imp::logical_cpus()
}

/// Total physical memory in bytes.
pub fn total_memory() -> Option<u64> {
    imp::total_memory()
}

/// The size of a virtual memory page in bytes.
pub fn page_size() -> Option<usize> {
    imp::page_size()
}

/// Where per-user configuration lives by this OS's convention:
/// `$XDG_CONFIG_HOME` or `~/.config` on Linux, `~/Library/Application Support`
/// on macOS, the roaming `AppData` folder on Windows.
pub fn config_dir() -> Option<PathBuf> {
    imp::config_dir()
}

/// The C compiler that built this crate's C part, the width of C's `long`
/// and the byte order on this target, as the C code itself reports them:
/// for example `gcc 12.2.0; long is 64 bits; little-endian`.
///
/// Every target compiles that C (see `build.rs`), so a binary that prints
/// this proves C cross-compilation worked for its target.
pub fn c_toolchain() -> Option<String> {
    unsafe extern "C" {
        fn platform_c_describe(out: *mut core::ffi::c_char, size: usize) -> core::ffi::c_int;
    }
    let mut buffer = [0u8; 256];
    // SAFETY: the C function writes at most `buffer.len()` bytes, ending
    // with a NUL, and returns the length it wanted, or a negative error.
    let written = unsafe { platform_c_describe(buffer.as_mut_ptr().cast(), buffer.len()) };
    let written = usize::try_from(written).ok()?.min(buffer.len() - 1);
    Some(String::from_utf8_lossy(&buffer[..written]).into_owned())
}

/// Everything this crate knows, gathered in one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemInfo {
    /// See [`os_name`].
    pub os_name: Option<String>,
    /// See [`os_release`].
    pub os_release: Option<String>,
    /// See [`machine`].
    pub machine: Option<String>,
    /// See [`logical_cpus`].
    pub logical_cpus: Option<usize>,
    /// See [`total_memory`].
    pub total_memory: Option<u64>,
    /// See [`page_size`].
    pub page_size: Option<usize>,
    /// See [`config_dir`].
    pub config_dir: Option<PathBuf>,
    /// See [`c_toolchain`].
    pub c_toolchain: Option<String>,
}

impl SystemInfo {
    /// Asks the OS for every field.
    pub fn collect() -> SystemInfo {
        SystemInfo {
            os_name: os_name(),
            os_release: os_release(),
            machine: machine(),
            logical_cpus: logical_cpus(),
            total_memory: total_memory(),
            page_size: page_size(),
            config_dir: config_dir(),
            c_toolchain: c_toolchain(),
        }
    }
}

/// Whether `reported`, a machine name as an OS spells it, names the
/// architecture `rust_arch` (a value of `std::env::consts::ARCH`).
///
/// Kernels spell architectures their own way: Linux says `armv7l` for Rust's
/// `arm`, macOS says `arm64` for `aarch64`.
pub fn machine_matches_arch(reported: &str, rust_arch: &str) -> bool {
    match rust_arch {
        "x86_64" => matches!(reported, "x86_64" | "amd64"),
        "x86" => matches!(reported, "i386" | "i486" | "i586" | "i686" | "x86"),
        "aarch64" => matches!(reported, "aarch64" | "arm64"),
        "arm" => reported.starts_with("arm"),
        "riscv64" => reported == "riscv64",
        "powerpc64" => reported.starts_with("ppc64"),
        "s390x" => reported == "s390x",
        other => reported == other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel's answer must be the architecture this test binary was
    /// compiled for. Under qemu-user the emulated CPU is reported, so this
    /// fails if a foreign target's tests were somehow run on the host. The
    /// one exception is real: a 64-bit x86 kernel runs 32-bit x86 programs
    /// itself (i686-unknown-linux-musl's tests, natively), and reports its
    /// own machine to them.
    #[test]
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "macos",
        windows
    ))]
    fn reported_machine_is_the_compiled_architecture() {
        let reported = machine().expect("the OS reports its machine architecture");
        let arch = std::env::consts::ARCH;
        let on_a_64_bit_kernel = arch == "x86" && machine_matches_arch(&reported, "x86_64");
        assert!(
            machine_matches_arch(&reported, arch) || on_a_64_bit_kernel,
            "the OS reports {reported:?} but this binary was compiled for {}",
            std::env::consts::ARCH
        );
    }

    /// The C part finds the byte order at run time; Rust knows it from the
    /// target. Both must say the same, which only a big-endian target's
    /// tests (s390x, under qemu) can show for code that assumed otherwise.
    #[test]
    fn c_and_rust_agree_on_the_byte_order() {
        let described = c_toolchain().expect("the C part describes itself");
        let rust = if cfg!(target_endian = "big") {
            "big-endian"
        } else {
            "little-endian"
        };
        assert!(
            described.ends_with(&format!("; {rust}")),
            "the C part says {described:?}, but this target is {rust}"
        );
    }

    #[test]
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "macos",
        windows
    ))]
    fn os_reports_its_own_name() {
        let expected = match std::env::consts::OS {
            "linux" => "Linux",
            "freebsd" => "FreeBSD",
            "macos" => "Darwin",
            "windows" => "Windows",
            other => unreachable!("no test expectation for {other}"),
        };
        assert_eq!(os_name().as_deref(), Some(expected));
        assert!(os_release().is_some_and(|release| !release.is_empty()));
    }

    #[test]
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "macos",
        windows
    ))]
    fn resources_are_plausible() {
        let cpus = logical_cpus().expect("CPU count");
        assert!(cpus >= 1);
        let page = page_size().expect("page size");
        assert!(page.is_power_of_two() && page >= 4096, "page size {page}");
        let memory = total_memory().expect("total memory");
        assert!(memory >= 16 * 1024 * 1024, "total memory {memory}");
    }

    #[test]
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "macos",
        windows
    ))]
    fn config_dir_is_absolute() {
        // HOME (or the Windows profile) is set wherever these tests run.
        let dir = config_dir().expect("a config directory");
        assert!(dir.is_absolute(), "{}", dir.display());
    }

    /// Targets without an implementation must say "don't know", not guess.
    #[test]
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    fn fallback_answers_honestly() {
        assert_eq!(machine(), None);
        assert_eq!(logical_cpus(), None);
        assert_eq!(total_memory(), None);
        assert_eq!(config_dir(), None);
    }

    /// Asking from several threads at once gives the same fixed facts.
    /// wasm32-wasip1 has no threads, so there the test is compiled out, not
    /// failed.
    #[test]
    #[cfg(not(target_os = "wasi"))]
    fn answers_agree_across_threads() {
        let fixed = || (machine(), os_name(), page_size());
        let handles: Vec<_> = (0..4).map(|_| std::thread::spawn(fixed)).collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), fixed());
        }
    }

    /// The C part was compiled for this target: its `long` is as wide as
    /// Rust's `c_long` here.
    #[test]
    fn c_part_reports_its_compiler_and_the_targets_long() {
        let described = c_toolchain().expect("the C part answers");
        let bits = core::mem::size_of::<core::ffi::c_long>() * 8;
        assert!(
            described.contains(&format!("; long is {bits} bits;")),
            "{described}"
        );
        assert!(
            described.starts_with("gcc ") || described.starts_with("clang "),
            "{described}"
        );
    }

    #[test]
    fn machine_names_map_to_rust_architectures() {
        assert!(machine_matches_arch("armv7l", "arm"));
        assert!(machine_matches_arch("arm64", "aarch64"));
        assert!(machine_matches_arch(
            "AMD64".to_lowercase().as_str(),
            "x86_64"
        ));
        assert!(!machine_matches_arch("x86_64", "aarch64"));
        assert!(!machine_matches_arch("aarch64", "riscv64"));
    }
}
