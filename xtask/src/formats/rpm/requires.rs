//! The `Requires` an RPM gets from its binary, in the notation rpm's own
//! dependency generator (`elfdeps`) writes: each shared library the binary
//! loads, `libc.so.6()(64bit)`, and each symbol version it asks of one,
//! `libc.so.6(GLIBC_2.17)(64bit)`. The `(64bit)` marker is for 64-bit ELF
//! files only; a 32-bit binary's are `libc.so.6` and `libc.so.6(GLIBC_2.4)`.
//! A binary with only GNU-style symbol hashes also needs `rtld(GNU_HASH)`.

use anyhow::Result;

use crate::binary::elf;

/// What `binary` requires of the system, sorted, without duplicates.
pub(super) fn shared_library_requires(binary: &[u8]) -> Result<Vec<String>> {
    let marker = match binary.get(4) {
        Some(2) => "(64bit)",
        _ => "",
    };
    let mut requires = Vec::new();
    for (library, versions) in elf::needed_libraries(binary)? {
        requires.push(if marker.is_empty() {
            library.clone()
        } else {
            format!("{library}(){marker}")
        });
        for version in versions {
            requires.push(format!("{library}({version}){marker}"));
        }
    }
    if elf::has_only_gnu_hash(binary)? {
        requires.push("rtld(GNU_HASH)".to_owned());
    }
    requires.sort();
    requires.dedup();
    Ok(requires)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test binary is a 64-bit glibc executable: it needs libc with
    /// symbol versions, each named as rpm names them.
    #[test]
    fn a_glibc_binary_requires_libc_and_its_symbol_versions() {
        let binary = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let requires = shared_library_requires(&binary).unwrap();
        assert!(
            requires.contains(&"libc.so.6()(64bit)".to_owned()),
            "{requires:?}"
        );
        assert!(
            requires
                .iter()
                .any(|r| r.starts_with("libc.so.6(GLIBC_2.") && r.ends_with(")(64bit)")),
            "{requires:?}"
        );
    }
}
