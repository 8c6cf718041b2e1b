//! Windows Installer packages (`.msi`), built on Linux with wixl and
//! msibuild (msitools): the program in `Program Files\<name>`, that folder
//! on the system PATH, the licenses beside it, and an entry in "Apps &
//! features" with the name, version and publisher from Cargo.
//!
//! wixl 0.101 cannot say everything the package needs, so three steps
//! follow it, each with msibuild: the `Environment` row that puts the
//! folder on PATH (and its two standard actions), an `Upgrade` table whose
//! newest version is inclusive (so a release replaces its own
//! pre-release, which has the same MSI version), and summary information
//! with a package code derived from the contents instead of a random one.
//! wixl stamps the summary information with the clock, so it runs under
//! faketime at `SOURCE_DATE_EPOCH`; with the file times set too, the same
//! input gives the same bytes.
//!
//! The codes (see [`guid`]): the UpgradeCode comes from the package name
//! alone, so every version of the product upgrades every older one; the
//! ProductCode from the name, version and target; each component's from
//! the name, target and file, so it stays across versions, as Windows
//! Installer's component rules want.

mod wxs;

use std::path::Path;

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::formats::ShippedBinary;
use crate::formats::program::Program;
use crate::targets::{TargetSpec, platforms, runs_with};
use crate::util::digest::{hex, sha256_hex};
use crate::util::progress;
use crate::util::tempdir::TempDir;
use crate::vocab::Tool;

/// The programs that build a package, from Debian packages.
pub const TOOLS: [(Tool, &str); 3] = [
    (runs_with("wixl", "wixl"), "building the .msi packages"),
    (
        runs_with("msibuild", "msitools"),
        "building the .msi packages",
    ),
    (
        runs_with("faketime", "faketime"),
        "building the .msi packages at SOURCE_DATE_EPOCH",
    ),
];

/// What reads a package's files back (`verify`, and `merge` on each part).
pub const EXTRACTOR: (Tool, &str) = (
    runs_with("msiextract", "msitools"),
    "opening the .msi packages",
);

const INSTALL_DIR: &str = "INSTALLDIR";
const BINARY_COMPONENT: &str = "Binary";

/// What every package of the release shares, from the shipped package.
#[derive(Debug)]
pub struct MsiMetadata {
    /// The product's name and its folder's: the package name.
    pub name: String,
    /// The binaries' names, without `.exe`.
    pub bins: Vec<String>,
    /// Cargo's version, for the summary information.
    pub version: String,
    /// `major.minor.patch`, as Windows Installer compares versions.
    pub msi_version: String,
    /// The publisher: the first author's name.
    pub manufacturer: String,
    pub description: String,
    /// The product's page, from `homepage` or `repository`.
    pub url: Option<String>,
    pub upgrade_code: String,
}

impl MsiMetadata {
    pub fn from_package(package: &Program) -> Result<MsiMetadata> {
        let msi_version = msi_version(&package.version)?;
        let author = package.authors.first().map(|author| {
            author
                .split_once(" <")
                .map_or(author.as_str(), |(name, _)| name)
                .trim()
                .to_owned()
        });
        let manufacturer = ascii_only(
            "the first of `authors`",
            author.unwrap_or_else(|| package.name.clone()),
        );
        let description = ascii_only(
            "`description`",
            package
                .description
                .clone()
                .unwrap_or_else(|| package.name.clone()),
        );
        Ok(MsiMetadata {
            name: package.name.clone(),
            bins: package.bins.clone(),
            version: package.version.clone(),
            msi_version,
            manufacturer,
            description,
            url: package
                .homepage
                .clone()
                .or_else(|| package.repository.clone())
                .map(|url| ascii_only("`homepage`", url)),
            upgrade_code: guid(&["upgrade", &package.name]),
        })
    }

    /// The ProductCode of `spec`'s package: it differs per version and per
    /// target, since both can be installed side by side.
    fn product_code(&self, spec: &TargetSpec) -> String {
        guid(&["product", &self.name, &self.version, spec.triple])
    }

    /// The `.wxs` the package of `spec` is built from, with the included
    /// files (by name) installed beside the binaries.
    pub fn wxs(&self, spec: &TargetSpec, included: &[&str]) -> Result<String> {
        let arch = platforms::msi_arch(spec)
            .with_context(|| format!("wixl cannot build a package for {}", spec.triple))?;
        let exes: Vec<String> = self.bins.iter().map(|bin| spec.exe_name(bin)).collect();
        let file = |name| wxs::InstalledFile {
            name,
            component_guid: guid(&["component", &self.name, spec.triple, name]),
        };
        let binaries: Vec<wxs::InstalledFile> = exes.iter().map(|exe| file(exe.as_str())).collect();
        let others: Vec<wxs::InstalledFile> = included.iter().map(|name| file(*name)).collect();
        Ok(wxs::source(
            self,
            &self.product_code(spec),
            arch,
            &binaries,
            &others,
        ))
    }

    /// Builds the package of `binaries` and the included files (`(file
    /// name, contents)`) for `spec`, stamped `mtime`.
    pub fn build(
        &self,
        spec: &TargetSpec,
        binaries: &[ShippedBinary],
        included: &[(String, Vec<u8>)],
        mtime: u64,
    ) -> Result<Vec<u8>> {
        let names: Vec<&str> = included.iter().map(|(name, _)| name.as_str()).collect();
        let wxs = self.wxs(spec, &names)?;
        let arch = platforms::msi_arch(spec).unwrap_or_default();
        let dir = TempDir::new()?;
        let exes: Vec<(String, &[u8])> = binaries
            .iter()
            .map(|binary| (spec.exe_name(&binary.name), binary.data.as_slice()))
            .collect();
        let files = exes
            .iter()
            .map(|(name, data)| (name.as_str(), *data))
            .chain(
                included
                    .iter()
                    .map(|(name, data)| (name.as_str(), data.as_slice())),
            );
        write_sources(dir.path(), files, mtime)?;
        std::fs::write(dir.path().join("package.wxs"), &wxs)?;
        std::fs::write(dir.path().join("Environment.idt"), environment_table())?;
        std::fs::write(dir.path().join("Upgrade.idt"), self.upgrade_table())?;

        let sh = Shell::new()?;
        sh.change_dir(dir.path());
        sh.set_var("TZ", "UTC");
        let at = format!("@{}", clock_time(mtime));
        cmd!(
            sh,
            "faketime -f {at} wixl --arch {arch} --output package.msi package.wxs"
        )
        .quiet()
        .run()
        .context("wixl could not build the package")?;
        add_what_wixl_cannot(&sh)?;
        self.set_summary(&sh, spec, arch, binaries, &wxs)?;
        std::fs::read(dir.path().join("package.msi")).context("wixl wrote no package")
    }

    /// The summary information: a package code derived from what the
    /// package holds (wixl's is random), and the subject, author and
    /// platform.
    fn set_summary(
        &self,
        sh: &Shell,
        spec: &TargetSpec,
        arch: &str,
        binaries: &[ShippedBinary],
        wxs: &str,
    ) -> Result<()> {
        let package_code = guid(&[
            "package",
            &self.name,
            &self.version,
            spec.triple,
            &binaries
                .iter()
                .map(|binary| sha256_hex(&binary.data))
                .collect::<String>(),
            &sha256_hex(wxs.as_bytes()),
        ]);
        let subject = format!("{} {}", self.name, self.version);
        let template = format!("{};1033", if arch == "x64" { "x64" } else { "Intel" });
        let manufacturer = &self.manufacturer;
        cmd!(
            sh,
            "msibuild package.msi -s {subject} {manufacturer} {template} {package_code}"
        )
        .quiet()
        .run()?;
        Ok(())
    }

    /// The `Upgrade` table: wixl's two rows, with the upgrade row's
    /// newest version inclusive (attribute 0x200), so that the release
    /// replaces its pre-release of the same MSI version.
    fn upgrade_table(&self) -> String {
        let (code, version) = (&self.upgrade_code, &self.msi_version);
        format!(
            "UpgradeCode\tVersionMin\tVersionMax\tLanguage\tAttributes\tRemove\tActionProperty\n\
             s38\tS20\tS20\tS255\ti4\tS255\ts72\n\
             Upgrade\tUpgradeCode\tVersionMin\tVersionMax\tLanguage\tAttributes\n\
             {code}\t\t{version}\t\t513\t\tWIX_UPGRADE_DETECTED\n\
             {code}\t{version}\t\t\t2\t\tWIX_DOWNGRADE_DETECTED\n"
        )
    }
}

/// The files a package installs, as msiextract extracts them (paths like
/// `Program Files/<name>/<file>`): the cabinet's files, each read whole.
pub fn read_msi(bytes: &[u8]) -> Result<Vec<crate::formats::archive::Entry>> {
    let dir = TempDir::new()?;
    let package = dir.path().join("package.msi");
    std::fs::write(&package, bytes)?;
    let into = dir.path().join("files");
    std::fs::create_dir(&into)?;
    let sh = Shell::new()?;
    let listed = cmd!(sh, "msiextract --directory {into} {package}")
        .quiet()
        .ignore_stderr()
        .read()
        .context("msiextract cannot read it")?;
    let mut entries = Vec::new();
    for path in listed.lines().filter(|line| !line.is_empty()) {
        let file = into.join(path);
        let data = std::fs::read(&file)
            .with_context(|| format!("msiextract listed {path}, but wrote no such file"))?;
        entries.push(crate::formats::archive::Entry::executable(
            path.to_owned(),
            data,
        ));
    }
    if entries.is_empty() {
        bail!("it installs no files");
    }
    Ok(entries)
}

/// The `Environment` row that appends the install folder to the system
/// PATH (`=-*`: set on install, removed on uninstall, machine-wide).
fn environment_table() -> String {
    format!(
        "Environment\tName\tValue\tComponent_\n\
         s72\tl255\tL255\ts72\n\
         Environment\tEnvironment\n\
         Path\t=-*PATH\t[~];[{INSTALL_DIR}]\t{BINARY_COMPONENT}\n"
    )
}

/// `YYYY-MM-DD hh:mm:ss` of a Unix time, as faketime takes an absolute
/// time.
fn clock_time(secs: u64) -> String {
    let (year, month, day, hour, minute, second) = crate::formats::archive::utc_fields(secs);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
}

/// The MSI version of a Cargo version: `major.minor.patch`, which is all
/// Windows Installer compares. A pre-release or build suffix is dropped, so
/// `1.2.0-rc.1` installs as 1.2.0 and the 1.2.0 release replaces it.
/// Refused where a field is out of MSI's range (255.255.65535).
pub fn msi_version(version: &str) -> Result<String> {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let fields: Vec<u64> = core
        .split('.')
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()
        .filter(|fields: &Vec<u64>| fields.len() == 3)
        .with_context(|| format!("version {version} is not major.minor.patch"))?;
    if fields[0] > 255 || fields[1] > 255 || fields[2] > 65535 {
        bail!(
            "version {version} cannot be an MSI version: Windows Installer allows at most \
             255.255.65535. Lower the version, or give the Windows targets formats without \
             \"msi\" in [workspace.metadata.dist.formats]."
        );
    }
    Ok(core.to_owned())
}

/// A GUID named by `parts`: the first 16 bytes of the SHA-256 of the parts
/// (joined by NUL), marked as a version 8 (name-based, custom hash) RFC
/// 9562 UUID, in the braces and capitals Windows Installer writes.
pub fn guid(parts: &[&str]) -> String {
    let digest = sha256_hex(parts.join("\0").as_bytes());
    let mut bytes: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&digest[2 * i..2 * i + 2], 16).unwrap_or_default())
        .collect();
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex(&bytes).to_uppercase();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `value` with each character beyond ASCII written `?`, saying so: wixl
/// 0.101 drops those beyond Latin-1 silently, and the rest would reach
/// Windows as mojibake.
fn ascii_only(what: &str, value: String) -> String {
    if value.is_ascii() {
        return value;
    }
    let ascii: String = value
        .chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect();
    progress::note(format_args!(
        "the .msi packages show {what} as {ascii:?}: wixl writes only ASCII text reliably"
    ));
    ascii
}

/// The files the package installs, in `dir` beside the source, each with
/// the release's time, which the cabinet records.
fn write_sources<'a>(
    dir: &Path,
    files: impl Iterator<Item = (&'a str, &'a [u8])>,
    mtime: u64,
) -> Result<()> {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime);
    for (name, data) in files {
        let path = dir.join(name);
        std::fs::write(&path, data).with_context(|| format!("cannot write {}", path.display()))?;
        std::fs::File::options()
            .write(true)
            .open(&path)?
            .set_modified(time)?;
    }
    Ok(())
}

/// What wixl cannot express, added to `package.msi` with msibuild: the PATH
/// entry and its two standard actions, and the inclusive Upgrade table.
fn add_what_wixl_cannot(sh: &Shell) -> Result<()> {
    cmd!(sh, "msibuild package.msi -i Environment.idt")
        .quiet()
        .run()?;
    cmd!(sh, "msibuild package.msi -i Upgrade.idt")
        .quiet()
        .run()?;
    for (action, sequence) in [
        ("RemoveEnvironmentStrings", 3300),
        ("WriteEnvironmentStrings", 5200),
    ] {
        let query = format!(
            "INSERT INTO `InstallExecuteSequence` (`Action`, `Sequence`) VALUES ('{action}', {sequence})"
        );
        cmd!(sh, "msibuild package.msi -q {query}").quiet().run()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_map_to_three_numbers_or_are_refused() {
        assert_eq!(msi_version("1.2.3").unwrap(), "1.2.3");
        assert_eq!(msi_version("1.2.0-rc.1+build.5").unwrap(), "1.2.0");
        let err = msi_version("256.0.0").unwrap_err().to_string();
        assert!(
            err.contains("at most 255.255.65535") && err.contains("\"msi\""),
            "{err}"
        );
        assert!(msi_version("1.2.65536").is_err());
    }

    #[test]
    fn guids_are_stable_version_8_and_differ_by_name() {
        let code = guid(&["upgrade", "app"]);
        assert_eq!(code, guid(&["upgrade", "app"]));
        assert_ne!(code, guid(&["upgrade", "app2"]));
        assert_eq!(code.len(), 38);
        assert_eq!(&code[15..16], "8", "{code}");
        assert!("89AB".contains(&code[20..21]), "{code}");
    }
}
