//! The control member of a `.deb`: the `control` file, `md5sums`, and the
//! changelog, plus how Cargo's names and versions become Debian's. Format:
//! Debian Policy chapter 5 (control fields) and 12.7 (changelogs).

use std::fmt::Write as _;

use anyhow::{Result, bail};
use md5::{Digest, Md5};

use super::DebMetadata;
use crate::formats::archive::{self, Entry};
use crate::util::digest::hex;

impl DebMetadata {
    /// The `control` file.
    pub(super) fn control(&self, arch: &str, installed_size: u64, depends: Option<&str>) -> String {
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
    pub(super) fn changelog_name(&self) -> &'static str {
        if self.version.contains('-') {
            "changelog.Debian.gz"
        } else {
            "changelog.gz"
        }
    }

    /// A one-entry Debian changelog for this build.
    pub(super) fn changelog(&self, arch: &str, mtime: u64) -> String {
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
pub(super) fn continuation_lines(text: &str) -> String {
    text.lines()
        .map(|line| match line.trim_end() {
            "" => " .\n".to_owned(),
            line => format!(" {line}\n"),
        })
        .collect()
}

/// dpkg's Installed-Size: each file rounded up to a KiB, other entries 1 KiB.
pub(super) fn installed_size_kib(entries: &[Entry]) -> u64 {
    entries
        .iter()
        .map(|entry| match &entry.data {
            Some(data) => (data.len() as u64).div_ceil(1024),
            None => 1,
        })
        .sum()
}

/// The `md5sums` control file: every regular file, path without `./`.
pub(super) fn md5sums(entries: &[Entry]) -> String {
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
}
