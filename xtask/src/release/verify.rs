//! Checking a release folder: every artifact re-hashed against
//! `SHA256SUMS` and its `.sha256` file, every archive re-opened (every
//! member read, every zip CRC and .deb md5sum checked), and
//! `dist-manifest.json` in agreement. Used by `verify`, and by `merge` on
//! each part.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};

use crate::binary::{authenticode, elf, headers, macho};
use crate::formats::archive::Entry;
use crate::formats::{archive, deb, msi, rpm};
use crate::release::checksum::{self, SUMS_FILE};
use crate::release::manifest::{self, Manifest};
use crate::release::{container, installers, sbom, universal};
use crate::targets;
use crate::util::digest;
use crate::vocab::Format;

/// What checking a release folder found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Every problem, one line each; none for a good release.
    pub problems: Vec<String>,
    /// What was checked of each shipped binary, one line each:
    /// `<artifact>: <path>: ELF 64-bit LSB x86-64, loader …, stripped`.
    pub binaries: Vec<String>,
}

/// The tools checking the release in `dir` takes beyond the xtask itself:
/// msiextract where it holds an .msi, and osslsigncode where an .msi or a
/// zip'd executable is signed.
pub fn tools_needed(dir: &Path) -> Vec<(crate::vocab::Tool, &'static str)> {
    let mut needed = Vec::new();
    let mut signed = false;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let format = Format::of_file_name(&entry.file_name().to_string_lossy());
        let read = || std::fs::read(entry.path()).unwrap_or_default();
        match format {
            Some(Format::Msi) => {
                needed.push(msi::EXTRACTOR);
                signed |= authenticode::is_signed_msi(&read());
            }
            Some(Format::Zip) => {
                let entries = archive::read_zip(&read()).unwrap_or_default();
                signed |= entries
                    .iter()
                    .any(|e| e.data.as_deref().is_some_and(authenticode::is_signed_pe));
            }
            _ => {}
        }
    }
    if signed {
        needed.push(authenticode::OSSLSIGNCODE);
    }
    needed.dedup();
    needed
}

/// Checks the release in `dir`, and each Authenticode signature in it,
/// against the CA certificate `windows_ca` if given. An error means `dir`
/// could not be checked at all.
pub fn check(dir: &Path, windows_ca: Option<&Path>) -> Result<Findings> {
    let sh = xshell::Shell::new()?;
    let sums_text = std::fs::read_to_string(dir.join(SUMS_FILE)).with_context(|| {
        format!(
            "{} has no readable {SUMS_FILE}: it is not a dist folder, or a dist into it did not \
             finish. Run `cargo xtask dist` to make one.",
            dir.display()
        )
    })?;
    let sums =
        checksum::parse_sums(&sums_text).with_context(|| format!("{SUMS_FILE} is damaged"))?;
    let mut problems = Vec::new();
    let mut binaries = Vec::new();
    if sums.is_empty() {
        problems.push(format!("{SUMS_FILE} lists no artifacts"));
    }

    let manifest = std::fs::read_to_string(dir.join(manifest::FILE))
        .map_err(anyhow::Error::from)
        .and_then(|text| Manifest::from_json(&text));
    let manifest = match manifest {
        Ok(manifest) => Some(manifest),
        Err(err) => {
            problems.push(format!("{} is missing or damaged: {err:#}", manifest::FILE));
            None
        }
    };

    for (name, expected) in &sums {
        let path = dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                problems.push(format!(
                    "{name}: listed in {SUMS_FILE} but cannot be read: {err}"
                ));
                continue;
            }
        };
        let actual = digest::sha256_hex(&bytes);
        if &actual != expected {
            problems.push(format!(
                "{name}: SHA-256 is {actual}, {SUMS_FILE} says {expected}"
            ));
        }
        match std::fs::read_to_string(dir.join(format!("{name}.sha256"))) {
            Ok(line) if line == checksum::line(expected, name) => {}
            Ok(_) => problems.push(format!("{name}.sha256 disagrees with {SUMS_FILE}")),
            Err(_) => problems.push(format!("{name}.sha256 is missing")),
        }
        let format = Format::of_file_name(name);
        let mut rpm_arch = None;
        let holds_binary = format.is_some_and(|format| format.holds_binary());
        let entries = match format {
            Some(Format::TarGz) => archive::read_tar_gz(&bytes),
            Some(Format::Zip) => archive::read_zip(&bytes),
            Some(Format::Deb) => deb::read_deb(&bytes).map(|contents| contents.data),
            Some(Format::Rpm) => rpm::read_rpm(&bytes).map(|contents| {
                rpm_arch = Some(contents.arch);
                contents.files
            }),
            Some(Format::Msi) => msi::read_msi(&bytes),
            // Not an archive: nothing inside to check but the document.
            Some(Format::Sbom) => sbom::check(&bytes).map(|checked| {
                binaries.push(format!("{name}: {checked}"));
                Vec::new()
            }),
            Some(
                installer @ (Format::ShellInstaller
                | Format::HomebrewFormula
                | Format::ScoopManifest),
            ) => installers::check(installer, &String::from_utf8_lossy(&bytes), &sums).map(
                |covered| {
                    binaries.push(format!("{name}: {covered}"));
                    Vec::new()
                },
            ),
            Some(Format::OciImage) => {
                let listed = manifest
                    .as_ref()
                    .and_then(|manifest| manifest.artifacts.iter().find(|a| &a.name == name));
                container::check(&bytes, listed.and_then(|a| a.image_digest.as_deref())).map(
                    |checked| {
                        binaries.push(format!("{name}: {checked}"));
                        Vec::new()
                    },
                )
            }
            None => Err(anyhow::anyhow!(
                "not a .tar.gz, .zip, .deb, .rpm, .msi, .cdx.json, -oci.tar or installer"
            )),
        };
        let entries = entries.unwrap_or_else(|err| {
            problems.push(format!("{name}: cannot be opened: {err:#}"));
            Vec::new()
        });
        let listed = manifest
            .as_ref()
            .and_then(|manifest| manifest.artifacts.iter().find(|a| &a.name == name));
        if let Some(artifact) = listed.filter(|_| holds_binary) {
            let target = artifact.target.as_str();
            match targets::lookup(target) {
                _ if target == universal::TARGET => {
                    let check = headers::check_universal;
                    check_binaries(name, &entries, check, &mut binaries, &mut problems)
                }
                Some(spec) => {
                    if rpm_arch.is_some() && rpm_arch.as_deref() != spec.rpm_arch {
                        problems.push(format!(
                            "{name}: its header says architecture {}, but {target} is {}",
                            rpm_arch.as_deref().unwrap_or_default(),
                            spec.rpm_arch.unwrap_or("not an RPM architecture")
                        ));
                    }
                    let check = |data: &[u8]| headers::check(spec, data);
                    check_binaries(name, &entries, check, &mut binaries, &mut problems)
                }
                None => problems.push(format!(
                    "{name}: its target {} is not in the xtask's target table, so its binary \
                     cannot be checked",
                    artifact.target
                )),
            }
        }
        // Every binary the manifest says it holds, by its file name.
        if let Some(artifact) = listed.filter(|_| holds_binary) {
            for bin in &artifact.binaries {
                let exe = targets::lookup(&artifact.target)
                    .map_or_else(|| bin.clone(), |spec| spec.exe_name(bin));
                let held = entries.iter().any(|entry| {
                    entry.data.is_some() && entry.path.rsplit('/').next() == Some(exe.as_str())
                });
                if !held {
                    problems.push(format!(
                        "{name}: {} lists the binary {bin}, which it does not hold",
                        manifest::FILE
                    ));
                }
            }
        }
        // Signed Windows files: the .msi itself, and the executables inside.
        let signed_msi = (format == Some(Format::Msi) && authenticode::is_signed_msi(&bytes))
            .then(|| (name.to_owned(), bytes.as_slice()));
        let signed_executables = entries.iter().filter_map(|entry| {
            let data = entry
                .data
                .as_deref()
                .filter(|data| authenticode::is_signed_pe(data))?;
            Some((format!("{name}: {}", entry.path), data))
        });
        for (what, data) in signed_msi.into_iter().chain(signed_executables) {
            let file_name = what.rsplit(['/', ' ']).next().unwrap_or("signed");
            match authenticode::verify(&sh, data, file_name, windows_ca) {
                Ok(checked) => binaries.push(format!("{what}: {checked}")),
                Err(err) => problems.push(format!("{what}: {err:#}")),
            }
        }
        if let Some(floor) = listed.and_then(|artifact| artifact.glibc_floor) {
            problems.extend(floor_problems(name, &entries, elf::is_elf, |what, data| {
                elf::check_glibc_floor(what, data, floor)
            }));
        }
        if let Some(floor) = listed.and_then(|artifact| artifact.macos_floor) {
            problems.extend(floor_problems(
                name,
                &entries,
                macho::is_macho,
                |what, data| macho::check_macos_floor(what, data, floor),
            ));
        }
        if let Some(manifest) = &manifest {
            match manifest
                .artifacts
                .iter()
                .find(|artifact| &artifact.name == name)
            {
                Some(artifact)
                    if &artifact.sha256 == expected && artifact.size == bytes.len() as u64 => {}
                Some(_) => problems.push(format!(
                    "{name}: {} gives another size or SHA-256",
                    manifest::FILE
                )),
                None => problems.push(format!("{name}: missing from {}", manifest::FILE)),
            }
        }
    }
    if let Some(manifest) = &manifest {
        for artifact in manifest
            .artifacts
            .iter()
            .filter(|artifact| !sums.contains_key(&artifact.name))
        {
            problems.push(format!(
                "{}: in {} but not in {SUMS_FILE}",
                artifact.name,
                manifest::FILE
            ));
        }
    }

    // Anything that looks like an artifact but is not listed is left over
    // from something else and would be published by mistake.
    let listed: BTreeSet<&String> = sums.keys().collect();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if Format::of_file_name(&name).is_some()
            && !listed.contains(&name)
            && name != manifest::FILE
        {
            problems.push(format!("{name}: not listed in {SUMS_FILE}"));
        }
    }
    Ok(Findings { problems, binaries })
}

/// Checks the header of every executable among `entries` of the artifact
/// `name` with `check`; an artifact must hold at least one.
fn check_binaries(
    name: &str,
    entries: &[Entry],
    check: impl Fn(&[u8]) -> Result<String>,
    binaries: &mut Vec<String>,
    problems: &mut Vec<String>,
) {
    let mut found = 0;
    for entry in entries {
        let Some(data) = entry
            .data
            .as_deref()
            .filter(|data| headers::is_executable(data))
        else {
            continue;
        };
        found += 1;
        match check(data) {
            Ok(checked) => binaries.push(format!("{name}: {}: {checked}", entry.path)),
            Err(err) => problems.push(format!("{name}: {} {err:#}", entry.path)),
        }
    }
    if found == 0 && !entries.is_empty() {
        problems.push(format!(
            "{name}: holds no executable: no file in it is an ELF, PE, Mach-O or WebAssembly binary"
        ));
    }
}

/// What is wrong with the executables among `entries` of the artifact
/// `name` that `is_kind` recognizes (ELF, Mach-O), measured by `check`
/// against the artifact's floor: each that needs a newer system, and why.
fn floor_problems(
    name: &str,
    entries: &[Entry],
    is_kind: fn(&[u8]) -> bool,
    check: impl Fn(&str, &[u8]) -> Result<()>,
) -> Vec<String> {
    entries
        .iter()
        .filter(|entry| entry.mode & 0o111 != 0)
        .filter_map(|entry| Some((entry, entry.data.as_deref().filter(|data| is_kind(data))?)))
        .filter_map(|(entry, data)| {
            check(&format!("{name}: {}", entry.path), data)
                .err()
                .map(|err| format!("{err:#}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Version;

    /// The test binary is linked against this machine's glibc (2.34 or
    /// newer on any current distribution), far above 2.17.
    #[test]
    fn a_binary_above_the_floor_is_named_with_its_symbol() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let entries = [Entry::executable("app-1.0/app", exe.clone())];
        let glibc_problems = |floor| {
            floor_problems("app.tar.gz", &entries, elf::is_elf, |what, data| {
                elf::check_glibc_floor(what, data, floor)
            })
        };
        let problems = glibc_problems(Version::new(2, 17));
        assert_eq!(problems.len(), 1, "{problems:?}");
        let need = elf::newest_glibc(&exe).unwrap().unwrap();
        assert!(
            problems[0].starts_with(&format!(
                "app.tar.gz: app-1.0/app needs glibc {} (its symbol {} is bound",
                need.version, need.symbol
            )),
            "{}",
            problems[0]
        );
        let at_its_own_level = glibc_problems(need.version);
        assert!(at_its_own_level.is_empty(), "{at_its_own_level:?}");
    }
}
