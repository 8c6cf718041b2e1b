//! Debian binary packages (`.deb`), written directly, without dpkg-deb.
//!
//! A `.deb` is an `ar` archive of three members, in this order:
//! `debian-binary` (the format version, `2.0`), `control.tar.gz` (the
//! `control` file and `md5sums`) and `data.tar.gz` (the files to install,
//! paths starting `./`). Everything here is deterministic: the same binary
//! and metadata always make the same bytes.
//!
//! Metadata comes from the package's Cargo.toml; `[package.metadata.deb]`
//! overrides it, with cargo-deb's key names: `name`, `maintainer`,
//! `copyright`, `depends`, `section`, `priority`, `revision`,
//! `extended-description`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use md5::{Digest, Md5};
use object::read::elf::{Dyn as _, FileHeader};
use serde_json::Value;

use crate::archive::{self, Entry};
use crate::checksum::hex;
use crate::config::Package;
use crate::target::TargetSpec;

/// What a `.deb` says about its package, checked before anything is built.
#[derive(Debug, Clone)]
pub struct DebMetadata {
    pub name: String,
    pub version: String,
    pub maintainer: String,
    pub section: String,
    pub priority: String,
    pub homepage: Option<String>,
    pub synopsis: String,
    pub extended_description: Option<String>,
    /// `depends` from `[package.metadata.deb]`; `$auto` stands for what the
    /// binary itself needs.
    pub depends: Option<String>,
    /// The DEP-5 `/usr/share/doc/<name>/copyright` file.
    pub copyright: String,
    /// The binary's name under `/usr/bin`.
    pub bin: String,
}

impl DebMetadata {
    /// Reads and checks the Debian metadata of `package`. `root` is the
    /// workspace root, where license files are looked for.
    pub fn from_package(package: &Package, root: &Path, mtime: u64) -> Result<DebMetadata> {
        let deb = &package.deb;
        let text = |key: &str| -> Result<Option<String>> {
            match deb.get(key) {
                None => Ok(None),
                Some(Value::String(value)) => Ok(Some(value.clone())),
                Some(_) => bail!("[package.metadata.deb] `{key}` must be a string."),
            }
        };
        let name = match text("name")? {
            Some(name) => name,
            None => package.name.replace('_', "-").to_lowercase(),
        };
        check_package_name(&name)?;
        let revision = text("revision")?.unwrap_or_else(|| "1".to_owned());
        let version = debian_version(&package.version, &revision)?;
        let maintainer = text("maintainer")?
            .or_else(|| package.authors.first().cloned())
            .context(
                "a .deb needs a maintainer, and the package has neither `authors` nor \
                 [package.metadata.deb] `maintainer`. Set one: maintainer = \"Name <email>\".",
            )?;
        let synopsis = package.description.clone().context(
            "a .deb needs a description, and the package has none. Set `description` in its Cargo.toml.",
        )?;
        let synopsis = synopsis
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let year = archive::utc_fields(mtime).0;
        let copyright_holder =
            text("copyright")?.unwrap_or_else(|| format!("{year}, {}", package.authors.join(", ")));
        let license = package.license.clone().context(
            "a .deb needs a copyright file naming the license, and the package has no `license`. \
             Set `license` (an SPDX expression) in its Cargo.toml.",
        )?;
        Ok(DebMetadata {
            copyright: copyright_file(package, &copyright_holder, &license, root)?,
            name,
            version,
            maintainer,
            section: text("section")?.unwrap_or_else(|| "utils".to_owned()),
            priority: text("priority")?.unwrap_or_else(|| "optional".to_owned()),
            homepage: package
                .homepage
                .clone()
                .or_else(|| package.repository.clone()),
            synopsis,
            extended_description: text("extended-description")?,
            depends: text("depends")?,
            bin: package.bin.clone(),
        })
    }

    /// The `.deb` file name: `{name}_{version}_{arch}.deb`.
    pub fn file_name(&self, arch: &str) -> String {
        format!("{}_{}_{arch}.deb", self.name, self.version)
    }

    /// Builds the package of `binary` for `spec`'s architecture.
    pub fn build(&self, spec: &TargetSpec, binary: &[u8], mtime: u64) -> Result<Vec<u8>> {
        let arch = spec
            .debian_arch
            .with_context(|| format!("{} has no Debian architecture", spec.triple))?;
        let doc = format!("./usr/share/doc/{}/", self.name);
        let data_entries = vec![
            Entry::dir("./"),
            Entry::dir("./usr/"),
            Entry::dir("./usr/bin/"),
            Entry::executable(format!("./usr/bin/{}", self.bin), binary.to_vec()),
            Entry::dir("./usr/share/"),
            Entry::dir("./usr/share/doc/"),
            Entry::dir(doc.clone()),
            Entry::file(
                format!("{doc}copyright"),
                self.copyright.clone().into_bytes(),
            ),
            Entry::file(
                format!("{doc}{}", self.changelog_name()),
                archive::gzip_best(self.changelog(arch, mtime).as_bytes())?,
            ),
        ];

        let computed = if spec.static_binary {
            None
        } else {
            shared_library_depends(binary).with_context(|| {
                format!("cannot work out what the {} binary depends on", spec.triple)
            })?
        };
        let depends = match &self.depends {
            Some(written) if written.contains("$auto") => {
                let auto = computed.unwrap_or_default();
                let joined: Vec<&str> = written
                    .split(',')
                    .map(str::trim)
                    .map(|part| if part == "$auto" { auto.as_str() } else { part })
                    .filter(|part| !part.is_empty())
                    .collect();
                Some(joined.join(", ")).filter(|text| !text.is_empty())
            }
            Some(written) => Some(written.clone()),
            None => computed,
        };

        // Hashing and compressing the same files are independent: do them on
        // two cores.
        let (md5sums, data_tar_gz) = std::thread::scope(|scope| {
            let md5sums = scope.spawn(|| md5sums(&data_entries));
            let data_tar_gz = archive::tar_gz(&data_entries, mtime);
            (md5sums.join().expect("hashing does not panic"), data_tar_gz)
        });
        let control = self.control(arch, installed_size_kib(&data_entries), depends.as_deref());
        let control_entries = vec![
            Entry::dir("./"),
            Entry::file("./control", control.into_bytes()),
            Entry::file("./md5sums", md5sums.into_bytes()),
        ];
        Ok(ar(
            &[
                ("debian-binary", b"2.0\n".to_vec()),
                ("control.tar.gz", archive::tar_gz(&control_entries, mtime)?),
                ("data.tar.gz", data_tar_gz?),
            ],
            mtime,
        ))
    }

    /// The `control` file.
    fn control(&self, arch: &str, installed_size: u64, depends: Option<&str>) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "Package: {}", self.name);
        let _ = writeln!(text, "Version: {}", self.version);
        let _ = writeln!(text, "Architecture: {arch}");
        let _ = writeln!(text, "Maintainer: {}", self.maintainer);
        let _ = writeln!(text, "Installed-Size: {installed_size}");
        if let Some(depends) = depends {
            let _ = writeln!(text, "Depends: {depends}");
        }
        let _ = writeln!(text, "Section: {}", self.section);
        let _ = writeln!(text, "Priority: {}", self.priority);
        if let Some(homepage) = &self.homepage {
            let _ = writeln!(text, "Homepage: {homepage}");
        }
        let _ = writeln!(text, "Description: {}", self.synopsis);
        if let Some(extended) = &self.extended_description {
            text.push_str(&continuation_lines(extended));
        }
        text
    }

    /// Debian policy 12.7: a package with a Debian revision (not "native")
    /// ships `changelog.Debian.gz`; a native one ships `changelog.gz`.
    fn changelog_name(&self) -> &'static str {
        if self.version.contains('-') {
            "changelog.Debian.gz"
        } else {
            "changelog.gz"
        }
    }

    /// A one-entry Debian changelog for this build.
    fn changelog(&self, arch: &str, mtime: u64) -> String {
        format!(
            "{name} ({version}) unstable; urgency=medium\n\n  * Release {version} for {arch}.\n\n -- {maintainer}  {date}\n",
            name = self.name,
            version = self.version,
            maintainer = self.maintainer,
            date = rfc2822(mtime),
        )
    }
}

/// Debian's version of a Cargo (semver) version: a pre-release sorts before
/// its release in Debian only with `~` (`1.2.0-rc.1` → `1.2.0~rc.1`), and the
/// Debian revision follows the last `-`.
pub fn debian_version(semver: &str, revision: &str) -> Result<String> {
    let (release, build) = match semver.split_once('+') {
        Some((release, build)) => (release, Some(build)),
        None => (semver, None),
    };
    let mut upstream = release.replacen('-', "~", 1);
    if let Some(build) = build {
        upstream = format!("{upstream}+{build}");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~');
    if !upstream.starts_with(|c: char| c.is_ascii_digit())
        || !upstream
            .chars()
            .all(|c| allowed(c) || (c == '-' && !revision.is_empty()))
    {
        bail!(
            "Debian cannot express version {semver} (as {upstream}): a Debian upstream version \
             starts with a digit and holds only letters, digits and . + ~ (and - only when a \
             revision follows). Change the version in Cargo.toml, or set a `revision` in \
             [package.metadata.deb]."
        );
    }
    if revision.is_empty() {
        return Ok(upstream);
    }
    if !revision.chars().all(allowed) {
        bail!(
            "[package.metadata.deb] revision {revision:?} is not a Debian revision: it may hold \
             only letters, digits and . + ~. Use something like \"1\"."
        );
    }
    Ok(format!("{upstream}-{revision}"))
}

/// Debian package names: lowercase letters, digits and `+ - .`, at least two
/// characters, starting with a letter or digit.
pub fn check_package_name(name: &str) -> Result<()> {
    let valid = name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    if !valid {
        bail!(
            "`{name}` is not a valid Debian package name: it must be at least two characters of \
             lowercase letters, digits and + - . starting with a letter or digit. Set \
             [package.metadata.deb] name = \"...\" in the app's Cargo.toml."
        );
    }
    Ok(())
}

/// Text as continuation lines of a control field: each line indented by a
/// space, blank lines as ` .`.
fn continuation_lines(text: &str) -> String {
    text.lines()
        .map(|line| match line.trim_end() {
            "" => " .\n".to_owned(),
            line => format!(" {line}\n"),
        })
        .collect()
}

/// dpkg's Installed-Size: each file rounded up to a KiB, other entries 1 KiB.
fn installed_size_kib(entries: &[Entry]) -> u64 {
    entries
        .iter()
        .map(|entry| match &entry.data {
            Some(data) => (data.len() as u64).div_ceil(1024),
            None => 1,
        })
        .sum()
}

/// The `md5sums` control file: every regular file, path without `./`.
fn md5sums(entries: &[Entry]) -> String {
    let mut files: Vec<&Entry> = entries
        .iter()
        .filter(|entry| entry.data.is_some())
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
        .iter()
        .map(|entry| {
            let digest = Md5::digest(entry.data.as_deref().unwrap_or_default());
            format!(
                "{}  {}\n",
                hex(&digest),
                entry.path.trim_start_matches("./")
            )
        })
        .collect()
}

/// A BSD/System V `ar` archive, as dpkg writes it: 8-byte magic, then per
/// member a 60-byte text header and the data, padded to an even length.
fn ar(members: &[(&str, Vec<u8>)], mtime: u64) -> Vec<u8> {
    let mut out = b"!<arch>\n".to_vec();
    for (name, data) in members {
        let header = format!(
            "{name:<16}{mtime:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            0,
            0,
            "100644",
            data.len()
        );
        debug_assert_eq!(header.len(), 60);
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(b'\n');
        }
    }
    out
}

/// What [`read_deb`] finds in a package.
#[derive(Debug)]
pub struct DebContents {
    /// The `control` file.
    pub control: String,
    /// The entries of `data.tar.gz`.
    pub data: Vec<Entry>,
}

/// Opens a `.deb`: checks the ar structure and member order, unpacks both
/// tarballs, and checks every data file against `md5sums`.
pub fn read_deb(bytes: &[u8]) -> Result<DebContents> {
    let mut rest = bytes
        .strip_prefix(b"!<arch>\n")
        .context("not an ar archive (no !<arch> magic)")?;
    let mut members = Vec::new();
    while !rest.is_empty() {
        if rest.len() < 60 || &rest[58..60] != b"`\n" {
            bail!("ar member header {} is damaged", members.len() + 1);
        }
        let header = std::str::from_utf8(&rest[..60]).context("ar header is not text")?;
        let name = header[..16].trim_end().trim_end_matches('/').to_owned();
        let size: usize = header[48..58]
            .trim()
            .parse()
            .context("ar member size is not a number")?;
        let data = rest
            .get(60..60 + size)
            .context("ar member runs past the end of the file")?;
        members.push((name, data));
        let padded = 60 + size + size % 2;
        rest = rest.get(padded..).unwrap_or_default();
    }
    let names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
    if names != ["debian-binary", "control.tar.gz", "data.tar.gz"] {
        bail!("expected members debian-binary, control.tar.gz, data.tar.gz; found {names:?}");
    }
    if members[0].1 != b"2.0\n" {
        bail!("debian-binary is not 2.0");
    }
    let control_entries =
        archive::read_tar_gz(members[1].1).context("control.tar.gz is damaged")?;
    let data = archive::read_tar_gz(members[2].1).context("data.tar.gz is damaged")?;
    let file = |name: &str| -> Result<String> {
        let entry = control_entries
            .iter()
            .find(|entry| entry.path == name)
            .with_context(|| format!("control.tar.gz has no {name}"))?;
        Ok(String::from_utf8_lossy(entry.data.as_deref().unwrap_or_default()).into_owned())
    };
    let listed = file("./md5sums")?;
    if listed != md5sums(&data) {
        bail!("md5sums does not match the files in data.tar.gz");
    }
    Ok(DebContents {
        control: file("./control")?,
        data,
    })
}

/// The machine-readable (DEP-5) copyright file.
fn copyright_file(package: &Package, holder: &str, license: &str, root: &Path) -> Result<String> {
    let dep5_license = license.replace(" OR ", " or ").replace(" AND ", " and ");
    let mut text = String::from(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
    );
    let _ = writeln!(text, "Upstream-Name: {}", package.name);
    if let Some(source) = package.repository.as_ref().or(package.homepage.as_ref()) {
        let _ = writeln!(text, "Source: {source}");
    }
    let _ = write!(
        text,
        "\nFiles: *\nCopyright: {holder}\nLicense: {dep5_license}\n"
    );
    let ids: Vec<&str> = dep5_license
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|word| !word.is_empty() && !matches!(*word, "or" | "and" | "with" | "WITH"))
        .collect();
    for id in ids {
        let _ = write!(
            text,
            "\nLicense: {id}\n{}",
            continuation_lines(&license_text(id, root)?)
        );
    }
    Ok(text)
}

/// A license's text for the copyright file: a pointer to Debian's copy for
/// licenses in /usr/share/common-licenses, else the workspace's
/// `LICENSE-<ID>` file.
fn license_text(id: &str, root: &Path) -> Result<String> {
    const COMMON: &[(&str, &str)] = &[
        ("Apache-2.0", "Apache-2.0"),
        ("GPL-2.0-only", "GPL-2"),
        ("GPL-2.0-or-later", "GPL-2"),
        ("GPL-3.0-only", "GPL-3"),
        ("GPL-3.0-or-later", "GPL-3"),
        ("LGPL-2.1-only", "LGPL-2.1"),
        ("LGPL-2.1-or-later", "LGPL-2.1"),
        ("LGPL-3.0-only", "LGPL-3"),
        ("LGPL-3.0-or-later", "LGPL-3"),
        ("MPL-2.0", "MPL-2.0"),
        ("CC0-1.0", "CC0-1.0"),
    ];
    if let Some((_, file)) = COMMON.iter().find(|(spdx, _)| *spdx == id) {
        return Ok(format!(
            "On Debian systems, the complete text of this license can be found in\n\
             \"/usr/share/common-licenses/{file}\"."
        ));
    }
    let short = id.split('-').next().unwrap_or(id).to_uppercase();
    for candidate in [format!("LICENSE-{id}"), format!("LICENSE-{short}")] {
        let path = root.join(&candidate);
        if path.is_file() {
            return std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()));
        }
    }
    bail!(
        "the .deb's copyright file needs the text of the {id} license, and the workspace has no \
         LICENSE-{id} or LICENSE-{short} file. Add one at the workspace root."
    )
}

/// The `Depends` a dynamically linked binary needs: for each shared library
/// it loads (DT_NEEDED), the Debian package that ships it, at least at the
/// newest symbol version the binary asks of it.
pub fn shared_library_depends(binary: &[u8]) -> Result<Option<String>> {
    let needs = match object::FileKind::parse(binary)? {
        object::FileKind::Elf32 => {
            elf_needs::<object::elf::FileHeader32<object::Endianness>>(binary)?
        }
        object::FileKind::Elf64 => {
            elf_needs::<object::elf::FileHeader64<object::Endianness>>(binary)?
        }
        other => bail!("expected an ELF binary, found {other:?}"),
    };
    // The shared libraries Rust binaries load, and who ships them.
    // Versions come from the symbol versions the binary needs.
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

/// Each DT_NEEDED library with the symbol versions required from it.
fn elf_needs<Elf: FileHeader<Endian = object::Endianness>>(
    data: &[u8],
) -> Result<BTreeMap<String, Vec<String>>> {
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let mut needs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some((entries, link)) = sections.dynamic(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        for entry in entries {
            if entry.tag32(endian) == Some(object::elf::DT_NEEDED) {
                let name = entry.string(endian, strings)?;
                needs
                    .entry(String::from_utf8_lossy(name).into_owned())
                    .or_default();
            }
        }
    }
    if let Some((mut verneeds, link)) = sections.gnu_verneed(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        while let Some((verneed, mut auxes)) = verneeds.next()? {
            let file = String::from_utf8_lossy(verneed.file(endian, strings)?).into_owned();
            let versions = needs.entry(file).or_default();
            while let Some(aux) = auxes.next()? {
                versions.push(String::from_utf8_lossy(aux.name(endian, strings)?).into_owned());
            }
        }
    }
    Ok(needs)
}

/// A Unix time as RFC 2822, the date format of Debian changelogs.
fn rfc2822(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day, hour, minute, second) = archive::utc_fields(secs);
    let weekday = DAYS[(secs / 86_400 % 7) as usize];
    format!(
        "{weekday}, {day:02} {} {year} {hour:02}:{minute:02}:{second:02} +0000",
        MONTHS[usize::from(month) - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_releases_sort_before_releases() {
        assert_eq!(debian_version("1.2.0", "1").unwrap(), "1.2.0-1");
        assert_eq!(debian_version("1.2.0-rc.1", "1").unwrap(), "1.2.0~rc.1-1");
        assert_eq!(
            debian_version("1.2.0-alpha-2", "3").unwrap(),
            "1.2.0~alpha-2-3"
        );
        assert_eq!(debian_version("1.2.0+git.5", "1").unwrap(), "1.2.0+git.5-1");
        assert_eq!(debian_version("1.2.0", "").unwrap(), "1.2.0");
    }

    #[test]
    fn versions_debian_cannot_express_are_refused() {
        let err = debian_version("1.2.0", "beta_1").unwrap_err().to_string();
        assert!(err.contains("not a Debian revision"), "{err}");
        let err = debian_version("1.2.0-alpha-2", "").unwrap_err().to_string();
        assert!(
            err.contains("Debian cannot express version 1.2.0-alpha-2"),
            "{err}"
        );
    }

    #[test]
    fn package_names_follow_debian_policy() {
        assert!(check_package_name("app").is_ok());
        assert!(check_package_name("my-tool2+x").is_ok());
        assert!(check_package_name("App").is_err());
        assert!(check_package_name("a").is_err());
        assert!(check_package_name("-app").is_err());
        assert!(check_package_name("my_tool").is_err());
    }

    #[test]
    fn ar_members_are_padded_and_headed_like_dpkg() {
        let bytes = ar(
            &[("debian-binary", b"2.0\n".to_vec()), ("odd", b"x".to_vec())],
            7,
        );
        assert!(bytes.starts_with(
            b"!<arch>\ndebian-binary   7           0     0     100644  4         `\n2.0\n"
        ));
        assert!(
            bytes.ends_with(b"`\nx\n"),
            "odd-sized members are padded with a newline"
        );
    }

    #[test]
    fn extended_description_becomes_continuation_lines() {
        assert_eq!(continuation_lines("one\n\ntwo"), " one\n .\n two\n");
    }

    #[test]
    fn changelog_dates_are_rfc2822() {
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc2822(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 +0000");
    }

    #[test]
    fn installed_size_rounds_each_file_up() {
        let entries = [
            Entry::dir("./"),
            Entry::file("./a", vec![0; 1]),
            Entry::file("./b", vec![0; 2048]),
        ];
        assert_eq!(installed_size_kib(&entries), 1 + 1 + 2);
    }

    /// The xtask binary itself is a glibc executable built for this machine.
    #[test]
    fn glibc_binaries_depend_on_libc6_at_their_newest_symbol_version() {
        let binary = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let depends = shared_library_depends(&binary).unwrap().unwrap();
        assert!(depends.starts_with("libc6 (>= 2."), "{depends}");
    }
}
