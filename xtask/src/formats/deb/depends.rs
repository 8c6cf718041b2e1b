//! The `Depends` field, derived from the binary: which Debian packages ship
//! the shared libraries it loads, and at which version. glibc's and gcc's
//! come from the symbol versions the binary asks for; any other library's
//! from the `shlibs` file its package installed for the architecture, as
//! dpkg-shlibdeps reads it (deb-shlibs(5)).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use crate::binary::elf;

/// Where dpkg keeps each installed package's control files, `shlibs`
/// among them.
const DPKG_INFO: &str = "/var/lib/dpkg/info";

/// The `Depends` dynamically linked binaries of the Debian architecture
/// `arch` need: for each shared library one of them loads (DT_NEEDED), the
/// Debian package that ships it, at least at the newest symbol version any
/// of them asks of it.
pub(super) fn shared_library_depends(binaries: &[&[u8]], arch: &str) -> Result<Option<String>> {
    let mut needs = Vec::new();
    for binary in binaries {
        needs.extend(elf::needed_libraries(binary)?);
    }
    // The shared libraries Rust binaries load, and who ships them.
    // Versions come from the symbol versions the binaries need.
    let mut packages: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut from_shlibs = Vec::new();
    for (library, versions) in &needs {
        let (package, prefix) = if library == "libgcc_s.so.1" {
            ("libgcc-s1", "GCC_")
        } else if elf::is_glibc_library(library) {
            ("libc6", "GLIBC_")
        } else {
            match shlibs_dependency(Path::new(DPKG_INFO), library, arch)? {
                Some(dependency) => from_shlibs.push(dependency),
                None => bail!(
                    "the binary links {library}, and no package installed for {arch} says it \
                     ships it (dpkg's shlibs files). Install the package, or set `depends` in \
                     [package.metadata.deb] (\"$auto, <package>\")."
                ),
            }
            continue;
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
    if packages.is_empty() && from_shlibs.is_empty() {
        return Ok(None);
    }
    let mut depends: Vec<String> = packages
        .into_iter()
        .map(|(package, version)| match version.as_slice() {
            [] => package.to_owned(),
            parts => {
                let parts: Vec<String> = parts.iter().take(2).map(u32::to_string).collect();
                format!("{package} (>= {})", parts.join("."))
            }
        })
        .collect();
    from_shlibs.sort();
    from_shlibs.dedup();
    depends.extend(from_shlibs);
    Ok(Some(depends.join(", ")))
}

/// The dependency a package's `shlibs` file in `info` gives for `library`
/// (`libudev.so.1`) on `arch`: its line `libudev 1 libudev1 (>= 183)`.
fn shlibs_dependency(info: &Path, library: &str, arch: &str) -> Result<Option<String>> {
    let Some((name, soversion)) = library.split_once(".so.") else {
        return Ok(None);
    };
    let Ok(files) = std::fs::read_dir(info) else {
        return Ok(None);
    };
    for file in files.flatten() {
        let file_name = file.file_name().to_string_lossy().into_owned();
        // A package of several architectures names its files `name:arch`.
        let for_arch = file_name.ends_with(&format!(":{arch}.shlibs"))
            || (file_name.ends_with(".shlibs") && !file_name.contains(':'));
        if !for_arch {
            continue;
        }
        let text = std::fs::read_to_string(file.path())?;
        let found = text.lines().find_map(|line| {
            let mut words = line.splitn(3, ' ');
            let (library_name, version, dependency) = (words.next()?, words.next()?, words.next()?);
            (library_name == name && version == soversion).then(|| dependency.trim().to_owned())
        });
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The xtask binary itself is a glibc executable built for this machine.
    #[test]
    fn glibc_binaries_depend_on_libc6_at_their_newest_symbol_version() {
        let binary = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let depends = shared_library_depends(&[&binary, &binary], "amd64")
            .unwrap()
            .unwrap();
        assert!(depends.starts_with("libc6 (>= 2."), "{depends}");
    }

    /// dpkg's shlibs files, as libudev1 installs them for two
    /// architectures (deb-shlibs(5)): the one for the binary's is read.
    #[test]
    fn other_libraries_depend_on_what_their_packages_shlibs_say() {
        let info = crate::util::tempdir::TempDir::new().unwrap();
        let write = |name: &str, text: &str| std::fs::write(info.path().join(name), text).unwrap();
        write(
            "libudev1:arm64.shlibs",
            "libudev 1 libudev1 (>= 183)\nudeb: libudev 1 libudev1-udeb (>= 183)\n",
        );
        write("libudev1:amd64.shlibs", "libudev 1 libudev1 (>= 252)\n");
        write("libfoo2.shlibs", "libfoo 2 libfoo2\n");
        let found = |library, arch| shlibs_dependency(info.path(), library, arch).unwrap();
        assert_eq!(
            found("libudev.so.1", "arm64").as_deref(),
            Some("libudev1 (>= 183)")
        );
        assert_eq!(
            found("libudev.so.1", "amd64").as_deref(),
            Some("libudev1 (>= 252)")
        );
        assert_eq!(found("libfoo.so.2", "armhf").as_deref(), Some("libfoo2"));
        assert_eq!(found("libudev.so.0", "arm64"), None);
        assert_eq!(found("libudev.so.1", "riscv64"), None);
    }
}
