//! The `Depends` field, derived from the binary: which Debian packages ship
//! the shared libraries it loads, and at which version.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::binary::elf;

/// The `Depends` dynamically linked binaries need: for each shared library
/// one of them loads (DT_NEEDED), the Debian package that ships it, at
/// least at the newest symbol version any of them asks of it.
pub(super) fn shared_library_depends(binaries: &[&[u8]]) -> Result<Option<String>> {
    let mut needs = Vec::new();
    for binary in binaries {
        needs.extend(elf::needed_libraries(binary)?);
    }
    // The shared libraries Rust binaries load, and who ships them.
    // Versions come from the symbol versions the binaries need.
    let mut packages: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (library, versions) in &needs {
        let (package, prefix) = if library == "libgcc_s.so.1" {
            ("libgcc-s1", "GCC_")
        } else if library.starts_with("ld-linux")
            || library.starts_with("ld64.so")
            || GLIBC_LIBRARIES.contains(&library.as_str())
        {
            ("libc6", "GLIBC_")
        } else {
            bail!(
                "the binary links {library}, and the xtask does not know which Debian package \
                 ships it. Set `depends` in [package.metadata.deb] (\"$auto, <package>\")."
            );
        };
        let minimum = packages.entry(package).or_default();
        for version in versions.iter().filter_map(|v| v.strip_prefix(prefix)) {
            let parsed: Vec<u32> = version
                .split('.')
                .map_while(|part| part.parse().ok())
                .collect();
            if parsed > *minimum {
                *minimum = parsed;
            }
        }
    }
    if packages.is_empty() {
        return Ok(None);
    }
    let depends: Vec<String> = packages
        .into_iter()
        .map(|(package, version)| match version.as_slice() {
            [] => package.to_owned(),
            parts => {
                let parts: Vec<String> = parts.iter().take(2).map(u32::to_string).collect();
                format!("{package} (>= {})", parts.join("."))
            }
        })
        .collect();
    Ok(Some(depends.join(", ")))
}

/// glibc's libraries besides the dynamic loader.
const GLIBC_LIBRARIES: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libutil.so.1",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The xtask binary itself is a glibc executable built for this machine.
    #[test]
    fn glibc_binaries_depend_on_libc6_at_their_newest_symbol_version() {
        let binary = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let depends = shared_library_depends(&[&binary, &binary])
            .unwrap()
            .unwrap();
        assert!(depends.starts_with("libc6 (>= 2."), "{depends}");
    }
}
