//! How Cargo's names and versions become RPM's. RPM versions and releases
//! may hold letters, digits and `. _ + ~ ^`, never `-`, which separates
//! name, version and release in `name-version-release`; a `~` sorts before
//! anything, so a pre-release sorts before its release, as in semver.

use anyhow::{Result, bail};

use super::{SENSE_EQUAL, SENSE_GREATER, SENSE_LESS};

fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '~' | '^')
}

/// RPM's version of a Cargo (semver) version: the `-` before a pre-release
/// becomes `~` (`1.2.0-rc.1` → `1.2.0~rc.1`, which sorts before `1.2.0`),
/// and any `-` inside the pre-release becomes `_`. Build metadata stays
/// (`+build.5`).
pub(super) fn rpm_version(semver: &str) -> Result<String> {
    let (release, build) = match semver.split_once('+') {
        Some((release, build)) => (release, Some(build)),
        None => (semver, None),
    };
    let mut version = match release.split_once('-') {
        Some((core, pre)) => format!("{core}~{}", pre.replace('-', "_")),
        None => release.to_owned(),
    };
    if let Some(build) = build {
        version = format!("{version}+{}", build.replace('-', "_"));
    }
    if !version.starts_with(|c: char| c.is_ascii_digit()) || !version.chars().all(is_version_char) {
        bail!(
            "RPM cannot express version {semver} (mapped to {version}): an RPM version starts \
             with a digit and holds only letters, digits and . _ + ~ ^. Change the version in \
             Cargo.toml."
        );
    }
    Ok(version)
}

/// An RPM release: letters, digits and `. _ + ~ ^`.
pub(super) fn check_release(release: &str) -> Result<()> {
    if release.is_empty() || !release.chars().all(is_version_char) {
        bail!(
            "the RPM release {release:?} (`release` in [package.metadata.generate-rpm], else \
             `revision` in [package.metadata.deb]) is not one RPM accepts: it must be \
             letters, digits and . _ + ~ ^, with no `-`. Use something like \"1\"."
        );
    }
    Ok(())
}

/// RPM package names: letters, digits and `- . _ +`, starting with a letter
/// or digit.
pub fn check_package_name(name: &str) -> Result<()> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '+'));
    if !valid {
        bail!(
            "`{name}` is not a valid RPM package name: it must be letters, digits and - . _ + \
             starting with a letter or digit. Set [package.metadata.generate-rpm] name = \
             \"...\" in the app's Cargo.toml."
        );
    }
    Ok(())
}

/// One `Requires:` of an .rpm. Sorted by name, then flags, then version,
/// as the header lists them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Requirement {
    pub name: String,
    /// The RPMSENSE bits: the comparison, and what kind of requirement.
    pub flags: u32,
    /// Empty for any version.
    pub version: String,
}

impl Requirement {
    pub fn new(name: &str, flags: u32, version: &str) -> Requirement {
        Requirement {
            name: name.to_owned(),
            flags,
            version: version.to_owned(),
        }
    }
}

/// One entry of `[package.metadata.generate-rpm.requires]`: `name = "*"`
/// for any version, or `name = ">= 1.2"` (also `>`, `=`, `<=`, `<`).
pub fn requirement(name: &str, constraint: &str) -> Result<Requirement> {
    let constraint = constraint.trim();
    if constraint == "*" {
        return Ok(Requirement::new(name, 0, ""));
    }
    let operators = [
        (">=", SENSE_GREATER | SENSE_EQUAL),
        ("<=", SENSE_LESS | SENSE_EQUAL),
        (">", SENSE_GREATER),
        ("<", SENSE_LESS),
        ("=", SENSE_EQUAL),
    ];
    for (operator, flags) in operators {
        if let Some(version) = constraint.strip_prefix(operator) {
            let version = version.trim();
            if !version.is_empty()
                && version
                    .chars()
                    .all(|c| is_version_char(c) || c == '-' || c == ':')
            {
                return Ok(Requirement::new(name, flags, version));
            }
        }
    }
    bail!(
        "[package.metadata.generate-rpm.requires] `{name} = {constraint:?}` is not a version \
         constraint RPM can express. Use \"*\" for any version, or an operator (>=, >, =, <=, \
         <) and a version, like \">= 1.2\"."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore = "asks rpm itself how versions sort; run by `cargo xtask ci`"]
    fn semver_versions_map_to_rpm_versions_that_sort_the_same_way() {
        assert_eq!(rpm_version("1.2.3").unwrap(), "1.2.3");
        assert_eq!(rpm_version("1.2.3-rc.1").unwrap(), "1.2.3~rc.1");
        assert_eq!(rpm_version("1.2.3-alpha-2").unwrap(), "1.2.3~alpha_2");
        assert_eq!(rpm_version("1.2.3+build.5").unwrap(), "1.2.3+build.5");
        // rpm itself agrees that the pre-release sorts first.
        let output = std::process::Command::new("rpm")
            .args(["--eval", "%{lua: print(rpm.vercmp('1.2.3~rc.1', '1.2.3'))}"])
            .output()
            .expect("rpm runs (Debian package rpm)");
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "-1");
    }

    #[test]
    fn names_releases_and_requirements_rpm_cannot_express_are_refused() {
        let err = check_package_name("my app").unwrap_err().to_string();
        assert!(
            err.contains("`my app` is not a valid RPM package name"),
            "{err}"
        );
        assert!(check_package_name("my-app_2+x").is_ok());
        let err = check_release("1-2").unwrap_err().to_string();
        assert!(err.contains("with no `-`"), "{err}");
        assert_eq!(
            requirement("openssl", ">= 3.0").unwrap(),
            Requirement::new("openssl", SENSE_GREATER | SENSE_EQUAL, "3.0")
        );
        assert_eq!(requirement("bash", "*").unwrap().flags, 0);
        let err = requirement("bash", "~> 5").unwrap_err().to_string();
        assert!(
            err.contains("not a version constraint RPM can express"),
            "{err}"
        );
    }
}
