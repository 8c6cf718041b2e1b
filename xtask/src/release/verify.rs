//! Checking a release folder: every artifact re-hashed against
//! `SHA256SUMS` and its `.sha256` file, every archive re-opened (every
//! member read, every zip CRC and .deb md5sum checked), and
//! `dist-manifest.json` in agreement. Used by `verify`, and by `merge` on
//! each part.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::binary::{authenticode, elf, headers, macho, macho_imports};
use crate::formats::archive::Entry;
use crate::formats::checksum::{self, SUMS_FILE};
use crate::formats::{archive, deb, dmg, firmware, msi, npm, pkg, rpm, wheel};
use crate::release::manifest::{self, Artifact, Manifest};
use crate::release::{container, installers, sbom, universal};
use crate::targets::{self, Version, platforms};
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
    let sums_text = std::fs::read_to_string(dir.join(SUMS_FILE)).with_context(|| {
        format!(
            "{} has no readable {SUMS_FILE}: it is not a dist folder, or a dist into it did not \
             finish. Run `cargo xtask dist` to make one.",
            dir.display()
        )
    })?;
    let sums =
        checksum::parse_sums(&sums_text).with_context(|| format!("{SUMS_FILE} is damaged"))?;
    let mut findings = Findings::default();
    if sums.is_empty() {
        findings
            .problems
            .push(format!("{SUMS_FILE} lists no artifacts"));
    }
    let manifest = std::fs::read_to_string(dir.join(manifest::FILE))
        .map_err(anyhow::Error::from)
        .and_then(|text| Manifest::from_json(&text));
    let manifest = match manifest {
        Ok(manifest) => Some(manifest),
        Err(err) => {
            let problem = format!("{} is missing or damaged: {err:#}", manifest::FILE);
            findings.problems.push(problem);
            None
        }
    };
    let mut checker = Checker {
        sh: xshell::Shell::new()?,
        dir,
        windows_ca,
        sums: &sums,
        manifest: manifest.as_ref(),
        findings,
    };
    for (name, expected) in &sums {
        checker.artifact(name, expected);
    }
    checker.manifest_lists_only_what_is_summed();
    checker.nothing_left_over()?;
    Ok(checker.findings)
}

/// The release being checked, and what was found so far.
struct Checker<'a> {
    sh: xshell::Shell,
    dir: &'a Path,
    windows_ca: Option<&'a Path>,
    sums: &'a BTreeMap<String, String>,
    manifest: Option<&'a Manifest>,
    findings: Findings,
}

impl Checker<'_> {
    fn problem(&mut self, problem: String) {
        self.findings.problems.push(problem);
    }

    fn checked(&mut self, line: String) {
        self.findings.binaries.push(line);
    }

    /// Every check of the artifact `name`, whose SHA-256 SHA256SUMS gives
    /// as `expected`.
    fn artifact(&mut self, name: &str, expected: &str) {
        let bytes = match std::fs::read(self.dir.join(name)) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.problem(format!(
                    "{name}: listed in {SUMS_FILE} but cannot be read: {err}"
                ));
                return;
            }
        };
        self.checksums(name, expected, &bytes);
        let listed = self
            .manifest
            .and_then(|manifest| manifest.artifacts.iter().find(|a| a.name == name));
        let format = Format::of_file_name(name);
        let (entries, rpm_arch) = self.opened(name, format, &bytes, listed);
        if let Some(artifact) = listed.filter(|_| format.is_some_and(|f| f.holds_binary())) {
            self.binaries_fit_the_target(name, artifact, &entries, rpm_arch.as_deref());
            self.listed_binaries_are_held(name, artifact, &entries);
        }
        self.signatures(name, format, &bytes, &entries);
        if let Some(artifact) = listed {
            self.floors(name, artifact, &entries);
            self.apple_imports(name, artifact, &entries);
        }
        if self.manifest.is_some() {
            match listed {
                Some(artifact)
                    if artifact.sha256 == expected && artifact.size == bytes.len() as u64 => {}
                Some(_) => self.problem(format!(
                    "{name}: {} gives another size or SHA-256",
                    manifest::FILE
                )),
                None => self.problem(format!("{name}: missing from {}", manifest::FILE)),
            }
        }
    }

    /// Its SHA-256 against SHA256SUMS, and its `.sha256` file.
    fn checksums(&mut self, name: &str, expected: &str, bytes: &[u8]) {
        let actual = digest::sha256_hex(bytes);
        if actual != expected {
            self.problem(format!(
                "{name}: SHA-256 is {actual}, {SUMS_FILE} says {expected}"
            ));
        }
        match std::fs::read_to_string(self.dir.join(format!("{name}.sha256"))) {
            Ok(line) if line == checksum::line(expected, name) => {}
            Ok(_) => self.problem(format!("{name}.sha256 disagrees with {SUMS_FILE}")),
            Err(_) => self.problem(format!("{name}.sha256 is missing")),
        }
    }

    /// The files inside it, each read (and the .rpm's architecture); for
    /// what is no archive, its own check. Nothing where it cannot be opened.
    fn opened(
        &mut self,
        name: &str,
        format: Option<Format>,
        bytes: &[u8],
        listed: Option<&Artifact>,
    ) -> (Vec<Entry>, Option<String>) {
        let mut rpm_arch = None;
        let document = |checked: Result<String>| checked.map(|line| (Vec::new(), Some(line)));
        let opened = match format {
            Some(Format::TarGz) => archive::read_tar_gz(bytes).map(|e| (e, None)),
            Some(Format::Zip) => archive::read_zip(bytes).map(|e| (e, None)),
            Some(Format::Wheel) => wheel::read(bytes).map(|e| (e, None)),
            Some(Format::Deb) => deb::read_deb(bytes).map(|contents| (contents.data, None)),
            Some(Format::Rpm) => rpm::read_rpm(bytes).map(|contents| {
                rpm_arch = Some(contents.arch);
                (contents.files, None)
            }),
            Some(Format::Msi) => msi::read_msi(bytes).map(|e| (e, None)),
            Some(Format::Dmg) => self.disk_image(bytes, listed),
            Some(Format::Pkg) => self.installer_package(bytes, listed),
            // Not an archive: nothing inside to check but the document.
            Some(Format::Sbom) => document(sbom::check(bytes)),
            Some(
                installer @ (Format::ShellInstaller
                | Format::HomebrewFormula
                | Format::ScoopManifest
                | Format::WingetManifest),
            ) => document(installers::check(
                installer,
                &String::from_utf8_lossy(bytes),
                self.sums,
            )),
            // The ELF is the binary itself; the flat images are checked
            // against it.
            Some(Format::Elf) => Ok((
                vec![Entry::file(firmware_binary(name, listed), bytes.to_vec())],
                None,
            )),
            Some(flat @ (Format::Bin | Format::Hex)) => {
                document(self.flat_image(name, flat, bytes))
            }
            Some(Format::Npm) => self.npm_package(name, bytes, listed),
            Some(Format::NpmRoot) => document(self.npm_root(name, bytes, listed)),
            Some(Format::OciImage) => document(container::check(
                bytes,
                listed.and_then(|a| a.image_digest.as_deref()),
            )),
            None => Err(anyhow::anyhow!(
                "not a .tar.gz, .zip, .deb, .rpm, .msi, .cdx.json, -oci.tar, firmware image, npm \
                 package or installer"
            )),
        };
        match opened {
            Ok((entries, line)) => {
                if let Some(line) = line {
                    self.checked(format!("{name}: {line}"));
                }
                (entries, rpm_arch)
            }
            Err(err) => {
                self.problem(format!("{name}: cannot be opened: {err:#}"));
                (Vec::new(), rpm_arch)
            }
        }
    }

    /// An npm package against the release: named after its package (and
    /// platform), at its package's version. A web package's is checked
    /// whole; a platform package's binaries are then checked like any.
    fn npm_package(
        &self,
        name: &str,
        bytes: &[u8],
        listed: Option<&Artifact>,
    ) -> Result<(Vec<Entry>, Option<String>)> {
        let listed =
            listed.context("dist-manifest.json does not list it, so its package is unknown")?;
        let version = version_in_name(name, listed, &format!("-{}.tgz", listed.target))?;
        let spec = targets::lookup(&listed.target).context("an npm package of no known target")?;
        match platforms::npm(spec) {
            None => {
                let line = npm::check(bytes, &listed.package, version)?;
                Ok((archive::read_tar_gz(bytes)?, Some(line)))
            }
            Some(platform) => {
                let package = npm::platform_package_name(&listed.package, &platform);
                npm::check_platform(bytes, &package, version, &platform)
            }
        }
    }

    /// The npm root package: each platform package it names is in the
    /// release, at its version.
    fn npm_root(&self, name: &str, bytes: &[u8], listed: Option<&Artifact>) -> Result<String> {
        let (manifest, listed) = self
            .manifest
            .zip(listed)
            .context("dist-manifest.json does not list it, so its package is unknown")?;
        let version = version_in_name(name, listed, "-npm.tgz")?;
        let mut shipped = Vec::new();
        let platform_packages = manifest
            .artifacts
            .iter()
            .filter(|a| a.format == Format::Npm && a.package == listed.package);
        for artifact in platform_packages {
            let bytes = std::fs::read(self.dir.join(&artifact.name))
                .with_context(|| format!("cannot read {}", artifact.name))?;
            shipped.push(npm::name_and_version(&bytes)?);
        }
        npm::check_root(bytes, &listed.package, version, &shipped)
    }

    /// A disk image: both layers read back (their checksums checked), and
    /// each file the same bytes as in the tarball of its target.
    fn disk_image(
        &self,
        bytes: &[u8],
        listed: Option<&Artifact>,
    ) -> Result<(Vec<Entry>, Option<String>)> {
        let entries = dmg::read(bytes)?;
        let compared: Vec<&Entry> = entries.iter().collect();
        let line = self.same_as_tarball(&compared, listed, "HFS+ disk image")?;
        Ok((entries, Some(line)))
    }

    /// An installer package: its xar, Bom and payload read back (checksums
    /// checked, the Bom listing the payload), installed under /usr/local
    /// with a reverse-DNS identifier, and each program and document the
    /// same bytes as in the tarball of its target.
    fn installer_package(
        &self,
        bytes: &[u8],
        listed: Option<&Artifact>,
    ) -> Result<(Vec<Entry>, Option<String>)> {
        let contents = pkg::read(bytes)?;
        if contents.install_location != pkg::INSTALL_LOCATION {
            bail!(
                "it installs into {}, not {}",
                contents.install_location,
                pkg::INSTALL_LOCATION
            );
        }
        pkg::check_identifier(&contents.identifier).map_err(|why| {
            anyhow::anyhow!(
                "its identifier {} is not reverse-DNS: {why}",
                contents.identifier
            )
        })?;
        let compared: Vec<&Entry> = contents
            .files
            .iter()
            .filter(|file| file.path.starts_with("bin/") || file.path.starts_with("share/doc/"))
            .collect();
        if let Some(program) = compared
            .iter()
            .find(|file| file.path.starts_with("bin/") && file.mode & 0o111 == 0)
        {
            bail!("its {} is not executable", program.path);
        }
        let line = self.same_as_tarball(&compared, listed, "installer package")?;
        let line = format!("{line}, as {}", contents.identifier);
        Ok((contents.files, Some(line)))
    }

    /// That each of `files` is the same bytes as the file of its name in
    /// the tarball of `listed`'s target, if the release has one.
    fn same_as_tarball(
        &self,
        files: &[&Entry],
        listed: Option<&Artifact>,
        what: &str,
    ) -> Result<String> {
        let listed = listed.context("dist-manifest.json does not list it")?;
        let tarball = self.manifest.and_then(|manifest| {
            manifest.artifacts.iter().find(|a| {
                a.format == Format::TarGz
                    && a.target == listed.target
                    && a.package == listed.package
            })
        });
        let Some(tarball) = tarball else {
            return Ok(format!("{what} (no tarball of its target to compare)"));
        };
        let archived = archive::read_tar_gz(&std::fs::read(self.dir.join(&tarball.name))?)?;
        for file in files {
            let name = file.path.rsplit('/').next().unwrap_or_default();
            let same = archived.iter().any(|a| {
                a.path.rsplit('/').next() == Some(name)
                    && a.path.matches('/').count() == 1
                    && a.data == file.data
            });
            if !same {
                bail!("its {name} is not the same bytes as {}'s", tarball.name);
            }
        }
        Ok(format!(
            "{what} of {} files, each as in {}",
            files.len(),
            tarball.name
        ))
    }

    /// A `.bin` or `.hex` image against the `.elf` of the same release
    /// beside it.
    fn flat_image(&self, name: &str, format: Format, bytes: &[u8]) -> Result<String> {
        let stem = name
            .strip_suffix(format.name())
            .context("a firmware image is named for its format")?;
        let elf_name = format!("{stem}{}", Format::Elf.name());
        let elf = std::fs::read(self.dir.join(&elf_name)).with_context(|| {
            format!("{elf_name} is not beside it, and the image is checked against it")
        })?;
        firmware::check_against_elf(bytes, format == Format::Hex, &elf)
    }

    /// Each executable inside against the artifact's target (the .rpm's
    /// architecture too), or against both slices of the universal binary.
    fn binaries_fit_the_target(
        &mut self,
        name: &str,
        artifact: &Artifact,
        entries: &[Entry],
        rpm_arch: Option<&str>,
    ) {
        let target = artifact.target.as_str();
        let (binaries, problems) = (&mut self.findings.binaries, &mut self.findings.problems);
        match targets::lookup(target) {
            _ if target == universal::TARGET => {
                check_binaries(name, entries, headers::check_universal, binaries, problems)
            }
            Some(spec) => {
                if rpm_arch.is_some() && rpm_arch != spec.rpm_arch {
                    problems.push(format!(
                        "{name}: its header says architecture {}, but {target} is {}",
                        rpm_arch.unwrap_or_default(),
                        spec.rpm_arch.unwrap_or("not an RPM architecture")
                    ));
                }
                let check = |data: &[u8]| headers::check(spec, data);
                check_binaries(name, entries, check, binaries, problems)
            }
            None => problems.push(format!(
                "{name}: its target {target} is not in the xtask's target table, so its binary \
                 cannot be checked"
            )),
        }
    }

    /// Every binary the manifest says it holds, by its file name.
    fn listed_binaries_are_held(&mut self, name: &str, artifact: &Artifact, entries: &[Entry]) {
        for bin in &artifact.binaries {
            let exe = targets::lookup(&artifact.target)
                .map_or_else(|| bin.clone(), |spec| spec.exe_name(bin));
            let held = entries.iter().any(|entry| {
                entry.data.is_some() && entry.path.rsplit('/').next() == Some(exe.as_str())
            });
            if !held {
                self.problem(format!(
                    "{name}: {} lists the binary {bin}, which it does not hold",
                    manifest::FILE
                ));
            }
        }
    }

    /// Signed Windows files: the .msi itself, and the executables inside.
    fn signatures(&mut self, name: &str, format: Option<Format>, bytes: &[u8], entries: &[Entry]) {
        let signed_msi = (format == Some(Format::Msi) && authenticode::is_signed_msi(bytes))
            .then(|| (name.to_owned(), bytes));
        let signed_executables = entries.iter().filter_map(|entry| {
            let data = entry
                .data
                .as_deref()
                .filter(|data| authenticode::is_signed_pe(data))?;
            Some((format!("{name}: {}", entry.path), data))
        });
        for (what, data) in signed_msi.into_iter().chain(signed_executables) {
            let file_name = what.rsplit(['/', ' ']).next().unwrap_or("signed");
            match authenticode::verify(&self.sh, data, file_name, self.windows_ca) {
                Ok(checked) => self.checked(format!("{what}: {checked}")),
                Err(err) => self.problem(format!("{what}: {err:#}")),
            }
        }
    }

    /// The executables inside against the glibc and macOS floors the
    /// manifest records.
    fn floors(&mut self, name: &str, artifact: &Artifact, entries: &[Entry]) {
        if let Some(floor) = artifact.glibc_floor {
            let libraries = targets::lookup(&artifact.target).and_then(|s| s.debian_libraries());
            let problems = floor_problems(name, entries, elf::is_elf, |what, data| {
                elf::check_glibc_floor(what, data, floor, libraries.as_deref())
            });
            self.findings.problems.extend(problems);
            if let Some(dir) = &libraries {
                self.library_floors(name, entries, floor, dir);
            }
        }
        if let Some(floor) = artifact.macos_floor {
            let problems = floor_problems(name, entries, macho::is_macho, |what, data| {
                macho::check_macos_floor(what, data, floor)
            });
            self.findings.problems.extend(problems);
        }
    }

    /// For each ELF executable that loads libraries besides glibc's, the
    /// glibc each of them needs, read from `dir` (this machine's copy for
    /// the architecture): the floor the binary really has. A library not
    /// installed here cannot be read, and is named.
    fn library_floors(&mut self, name: &str, entries: &[Entry], floor: Version, dir: &Path) {
        for entry in entries.iter().filter(|entry| entry.mode & 0o111 != 0) {
            let Some(data) = entry.data.as_deref().filter(|data| elf::is_elf(data)) else {
                continue;
            };
            let Ok(needs) = elf::library_needs(data, dir) else {
                continue;
            };
            let what = format!("{name}: {}", entry.path);
            let own = elf::newest_glibc(data)
                .ok()
                .flatten()
                .map(|need| need.version);
            let newest = needs
                .found
                .iter()
                .map(|(_, need)| need.version)
                .chain(own)
                .max();
            if !needs.found.is_empty()
                && let Some(newest) = newest
            {
                let libraries: Vec<String> = needs
                    .found
                    .iter()
                    .map(|(library, need)| format!("{library} needs {}", need.version))
                    .collect();
                self.checked(format!(
                    "{what}: needs glibc {newest} with the libraries it loads ({}), within the \
                     floor of {floor}",
                    libraries.join(", ")
                ));
            }
            if !needs.missing.is_empty() {
                self.checked(format!(
                    "{what}: loads {}, not installed here, so what they need of glibc is not \
                     checked",
                    needs.missing.join(", ")
                ));
            }
        }
    }

    /// Where zig linked the binaries against stubs made from the record of
    /// Apple's libraries, each import against the record, as dist checked
    /// it: a binary linked on a Mac or with a real SDK is not checked, as
    /// it may rightly use what the record lacks.
    fn apple_imports(&mut self, name: &str, artifact: &Artifact, entries: &[Entry]) {
        if artifact.apple_stubs {
            for finding in import_findings(name, entries) {
                match finding {
                    Ok(checked) => self.checked(checked),
                    Err(problem) => self.problem(problem),
                }
            }
        }
    }

    /// Every artifact of the manifest is in SHA256SUMS.
    fn manifest_lists_only_what_is_summed(&mut self) {
        let Some(manifest) = self.manifest else {
            return;
        };
        for artifact in &manifest.artifacts {
            if !self.sums.contains_key(&artifact.name) {
                self.problem(format!(
                    "{}: in {} but not in {SUMS_FILE}",
                    artifact.name,
                    manifest::FILE
                ));
            }
        }
    }

    /// Anything that looks like an artifact but is not listed is left over
    /// from something else and would be published by mistake.
    fn nothing_left_over(&mut self) -> Result<()> {
        let dir = self.dir;
        let listed: BTreeSet<&String> = self.sums.keys().collect();
        let mut left_over = Vec::new();
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if Format::of_file_name(&name).is_some()
                && !listed.contains(&name)
                && name != manifest::FILE
            {
                left_over.push(format!("{name}: not listed in {SUMS_FILE}"));
            }
        }
        self.findings.problems.extend(left_over);
        Ok(())
    }
}

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

/// For each Mach-O executable of `entries` (of the artifact `name`), what
/// the check of its imports against the record of Apple's libraries found:
/// how many it checked, or which the record lacks.
fn import_findings(name: &str, entries: &[Entry]) -> Vec<Result<String, String>> {
    let check = |what: &str, data: &[u8]| -> Result<usize> {
        let slices = macho::thin_files(data).map_err(|err| anyhow::anyhow!("{what}: {err:#}"))?;
        slices
            .into_iter()
            .map(|slice| macho_imports::check(what, slice))
            .sum()
    };
    entries
        .iter()
        .filter(|entry| entry.mode & 0o111 != 0)
        .filter_map(|entry| Some((entry, entry.data.as_deref().filter(|d| macho::is_macho(d))?)))
        .map(|(entry, data)| {
            let what = format!("{name}: {}", entry.path);
            match check(&what, data) {
                Ok(imports) => Ok(format!(
                    "{what}: {imports} imports, each one the record of Apple's libraries lists"
                )),
                Err(err) => Err(format!("{err:#}")),
            }
        })
        .collect()
}

/// The firmware ELF as the one entry of its artifact, under the binary's
/// name (which the manifest lists), else the artifact's own.
fn firmware_binary(name: &str, listed: Option<&Artifact>) -> String {
    listed
        .and_then(|artifact| artifact.binaries.first().cloned())
        .unwrap_or_else(|| name.to_owned())
}

/// The version in an artifact's file name, `<binary or package>-<version><tail>`:
/// the version of its package, which may not be the release's.
fn version_in_name<'a>(name: &'a str, artifact: &Artifact, tail: &str) -> Result<&'a str> {
    let base = match artifact.binaries.as_slice() {
        [bin] => bin.as_str(),
        _ => artifact.package.as_str(),
    };
    name.strip_prefix(base)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(tail))
        .with_context(|| format!("its name is not {base}-<version>{tail}"))
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
                elf::check_glibc_floor(what, data, floor, None)
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

    /// A macOS binary linked against the stubs is checked again, import by
    /// import: one the record lacks is a problem that names it.
    #[test]
    fn imports_the_record_lacks_are_problems() {
        let framework =
            "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation";
        let good = macho_imports::tests::importing(framework, &["_CFRelease"]);
        let bad = macho_imports::tests::importing(framework, &["_CFNotInTheRecord"]);
        let entries = [
            Entry::executable("app-1.0/good", good),
            Entry::executable("app-1.0/bad", bad),
        ];
        let findings = import_findings("app.tar.gz", &entries);
        assert_eq!(
            findings[0],
            Ok(
                "app.tar.gz: app-1.0/good: 1 imports, each one the record of Apple's libraries \
                lists"
                    .to_owned()
            )
        );
        let problem = findings[1].as_ref().unwrap_err();
        assert!(
            problem.starts_with("app.tar.gz: app-1.0/bad imports what the record")
                && problem.contains("_CFNotInTheRecord from CoreFoundation"),
            "{problem}"
        );
    }
}
