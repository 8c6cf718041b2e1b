//! Python wheels that install a program, as uv and ruff ship theirs
//! (maturin's `bindings = "bin"`): `pip install app` or `uvx app` puts the
//! binary on PATH, with no Python code at all.
//!
//! A wheel is a zip: the binary under `<name>-<version>.data/scripts/`,
//! which installers copy into the environment's `bin/` (`Scripts\` on
//! Windows), and `<name>-<version>.dist-info/` with METADATA (what the
//! package is), WHEEL (what made it, and its tag) and RECORD (every file's
//! SHA-256 and size). Its platform tag says where the binary runs: from the
//! glibc floor (`manylinux_2_17_x86_64`), musl (`musllinux_1_2_aarch64`),
//! the macOS floor (`macosx_11_0_arm64`), or Windows (`win_amd64`).
//! Reference: <https://packaging.python.org/en/latest/specifications/binary-distribution-format/>.

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha256};

use super::ShippedBinary;
use super::archive::{self, Entry};
use crate::formats::program::Program;
use crate::targets::TargetSpec;

/// What every wheel of a package shares: its name, version and metadata.
#[derive(Debug, Clone)]
pub struct WheelMetadata {
    /// The distribution name as wheel file names spell it (`my_tool`).
    file_stem_name: String,
    /// The version as Python spells it (PEP 440: `1.2.0rc1`).
    version: String,
    /// The METADATA file.
    metadata: String,
}

impl WheelMetadata {
    /// The wheels' metadata for `package` at the release's `version`, or why
    /// PyPI would refuse the name or the version.
    pub fn new(package: &Program, version: &str) -> Result<WheelMetadata> {
        check_name(&package.name)?;
        let version = pep440(version)?;
        let mut metadata = format!(
            "Metadata-Version: 2.1\nName: {}\nVersion: {version}\n",
            package.name
        );
        let optional = [
            (
                "Summary",
                package
                    .description
                    .as_deref()
                    .and_then(|d| d.lines().next()),
            ),
            ("Home-page", package.homepage.as_deref()),
            ("License", package.license.as_deref()),
        ];
        for (field, value) in optional {
            if let Some(value) = value {
                metadata.push_str(&format!("{field}: {}\n", value.trim()));
            }
        }
        if let Some(repository) = &package.repository {
            metadata.push_str(&format!("Project-URL: Source, {repository}\n"));
        }
        Ok(WheelMetadata {
            file_stem_name: package.name.to_lowercase().replace(['-', '.'], "_"),
            version,
            metadata,
        })
    }

    /// The file name of the wheel tagged `platform`.
    pub fn file_name(&self, platform: &str) -> String {
        format!(
            "{}-{}-py3-none-{platform}.whl",
            self.file_stem_name, self.version
        )
    }

    /// The wheel of `binaries` for `spec`, tagged `platform`. Of the
    /// `included` files, a README becomes the description PyPI shows, and
    /// the rest go in `.dist-info/licenses/`.
    pub fn build(
        &self,
        spec: &TargetSpec,
        platform: &str,
        binaries: &[ShippedBinary],
        included: &[(String, Vec<u8>)],
        mtime: u64,
    ) -> Result<Vec<u8>> {
        let stem = format!("{}-{}", self.file_stem_name, self.version);
        let info = format!("{stem}.dist-info");
        let mut entries = Vec::new();
        for binary in binaries {
            let path = format!("{stem}.data/scripts/{}", spec.exe_name(&binary.name));
            entries.push(Entry::executable(path, binary.data.clone()));
        }
        let mut metadata = self.metadata.clone();
        for (name, data) in included {
            if name.to_ascii_lowercase().starts_with("readme") && name.ends_with(".md") {
                metadata.push_str("Description-Content-Type: text/markdown\n\n");
                metadata.push_str(&String::from_utf8_lossy(data));
            } else {
                entries.push(Entry::file(format!("{info}/licenses/{name}"), data.clone()));
            }
        }
        let wheel = format!(
            "Wheel-Version: 1.0\nGenerator: cargo-xtask\nRoot-Is-Purelib: false\nTag: py3-none-{platform}\n"
        );
        entries.push(Entry::file(
            format!("{info}/METADATA"),
            metadata.into_bytes(),
        ));
        entries.push(Entry::file(format!("{info}/WHEEL"), wheel.into_bytes()));
        let record = record(&entries, &format!("{info}/RECORD"));
        entries.push(Entry::file(format!("{info}/RECORD"), record.into_bytes()));
        archive::zip(&entries, mtime)
    }
}

/// The RECORD of `entries`: each file's path, `sha256=` its URL-safe
/// base64 digest (no padding), and its size; RECORD itself (`record`) with
/// neither, as it cannot hold its own hash.
fn record(entries: &[Entry], record: &str) -> String {
    let mut lines = String::new();
    for entry in entries {
        let data = entry.data.as_deref().unwrap_or_default();
        let digest = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(data));
        lines.push_str(&format!("{},sha256={digest},{}\n", entry.path, data.len()));
    }
    lines.push_str(&format!("{record},,\n"));
    lines
}

/// Reads a wheel as an installer does: every member, and RECORD, which
/// must list each of them with its SHA-256 and size.
pub fn read(bytes: &[u8]) -> Result<Vec<Entry>> {
    let entries = archive::read_zip(bytes)?;
    let listing = entries
        .iter()
        .find(|entry| entry.path.ends_with(".dist-info/RECORD"))
        .and_then(|entry| entry.data.as_deref())
        .context("has no .dist-info/RECORD")?;
    let listing = String::from_utf8_lossy(listing);
    let files = entries.iter().filter(|entry| entry.data.is_some());
    for entry in files.filter(|entry| !entry.path.ends_with(".dist-info/RECORD")) {
        let line = record(std::slice::from_ref(entry), "");
        let line = line.lines().next().unwrap_or_default();
        if !listing.lines().any(|listed| listed == line) {
            bail!(
                "RECORD does not list {} with its SHA-256 and size",
                entry.path
            );
        }
    }
    let listed = listing.lines().filter(|line| !line.is_empty()).count();
    if listed != entries.iter().filter(|entry| entry.data.is_some()).count() {
        bail!("RECORD lists files the wheel does not have");
    }
    if !entries
        .iter()
        .any(|entry| entry.path.ends_with(".dist-info/WHEEL"))
    {
        bail!("has no .dist-info/WHEEL");
    }
    Ok(entries)
}

/// Refuses a name PyPI would (PEP 508: letters, digits, `-`, `_`, `.`,
/// starting and ending with a letter or digit).
pub fn check_name(name: &str) -> Result<()> {
    let inner_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if inner_ok && ends_ok {
        return Ok(());
    }
    bail!(
        "`{name}` is not a name PyPI accepts for a package: it must be letters, digits, `-`, `_` \
         and `.`, and start and end with a letter or digit. Rename the package, or turn the \
         wheels off with `pypi = false` in [workspace.metadata.dist]."
    )
}

/// `version` (SemVer, as Cargo.toml has it) as Python writes it (PEP 440):
/// `1.2.0`, and the pre-releases `-alpha.N`, `-beta.N` and `-rc.N` as
/// `1.2.0aN`, `bN` and `rcN`. Other pre-releases and build metadata have
/// no PEP 440 spelling that PyPI accepts.
pub fn pep440(version: &str) -> Result<String> {
    let refuse = |why: &str| {
        anyhow::anyhow!(
            "the version {version} cannot be a Python package's version: {why}. PEP 440 has \
             only alpha, beta and release-candidate pre-releases (`-alpha.1`, `-beta.2`, \
             `-rc.1`), and PyPI refuses local `+` versions. Use one of those, or turn the wheels \
             off with `pypi = false` in [workspace.metadata.dist]."
        )
    };
    if version.contains('+') {
        return Err(refuse("it has build metadata"));
    }
    let Some((release, pre)) = version.split_once('-') else {
        return Ok(version.to_owned());
    };
    let (label, number) = pre.split_once('.').unwrap_or((pre, "0"));
    let python = match label {
        "alpha" | "a" => "a",
        "beta" | "b" => "b",
        "rc" => "rc",
        _ => {
            return Err(refuse(&format!(
                "its pre-release `{pre}` is not alpha, beta or rc"
            )));
        }
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse(&format!(
            "its pre-release `{pre}` does not end in a number"
        )));
    }
    let number: u64 = number.parse().context("a pre-release number")?;
    Ok(format!("{release}{python}{number}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_versions_in_python_spelling() {
        assert_eq!(pep440("1.2.0").unwrap(), "1.2.0");
        assert_eq!(pep440("1.2.0-rc.1").unwrap(), "1.2.0rc1");
        assert_eq!(pep440("1.2.0-alpha.3").unwrap(), "1.2.0a3");
        assert_eq!(pep440("1.2.0-beta").unwrap(), "1.2.0b0");
        for bad in ["1.2.0-dev.1", "1.2.0+abc", "1.2.0-rc.x"] {
            let err = pep440(bad).unwrap_err().to_string();
            assert!(err.contains("pypi = false"), "{bad}: {err}");
        }
    }

    #[test]
    fn names_pypi_would_refuse_are_refused() {
        for good in ["app", "my-tool", "my_tool2", "a.b"] {
            check_name(good).unwrap();
        }
        for bad in ["-app", "app_", "my tool", "ünï"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn record_lists_every_file_with_its_urlsafe_digest() {
        let entries = [Entry::file("a/b", b"hello".to_vec())];
        assert_eq!(
            record(&entries, "x.dist-info/RECORD"),
            "a/b,sha256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ,5\nx.dist-info/RECORD,,\n"
        );
    }
}
