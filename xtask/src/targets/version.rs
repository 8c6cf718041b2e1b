//! `major.minor` versions of what a release runs on: glibc (the floor a
//! release is linked against, and what a binary asks for in its
//! `GLIBC_2.17` symbol versions) and macOS (the oldest release a Mach-O
//! binary starts on).

use std::fmt;
use std::str::FromStr;

use anyhow::{Context, Result};

/// A glibc or macOS release, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32) -> Version {
        Version { major, minor }
    }

    /// The version of an ELF symbol version name such as `GLIBC_2.34` (or
    /// `GLIBC_2.2.5`, counted as 2.2); `None` for other names
    /// (`GLIBC_PRIVATE`, `GCC_4.2.0`).
    pub fn of_symbol_version(name: &str) -> Option<Version> {
        let mut parts = name.strip_prefix("GLIBC_")?.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(Version { major, minor })
    }
}

impl FromStr for Version {
    type Err = anyhow::Error;

    /// Parses `2.17`.
    fn from_str(text: &str) -> Result<Version> {
        let parsed = text.split_once('.').and_then(|(major, minor)| {
            let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            (digits(major) && digits(minor)).then(|| (major.parse().ok(), minor.parse().ok()))
        });
        match parsed {
            Some((Some(major), Some(minor))) => Ok(Version { major, minor }),
            _ => None.with_context(|| format!("{text:?} is not a version like \"2.17\"")),
        }
    }
}

/// Written as `2.17`, as the manifest and the plan's JSON give it.
impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Version, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|err| serde::de::Error::custom(format!("{err:#}")))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order_numerically() {
        let v = |text: &str| text.parse::<Version>().unwrap();
        assert!(v("2.17") < v("2.27"));
        assert!(v("2.9") < v("2.17"));
        assert_eq!(v("2.17").to_string(), "2.17");
        for bad in ["2", "2.", "two.17", "2.17.1", " 2.17", "-2.17"] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }

    #[test]
    fn symbol_versions_name_glibc_releases() {
        assert_eq!(
            Version::of_symbol_version("GLIBC_2.34"),
            Some(Version::new(2, 34))
        );
        assert_eq!(
            Version::of_symbol_version("GLIBC_2.2.5"),
            Some(Version::new(2, 2))
        );
        assert_eq!(Version::of_symbol_version("GLIBC_PRIVATE"), None);
        assert_eq!(Version::of_symbol_version("GCC_4.2.0"), None);
    }
}
