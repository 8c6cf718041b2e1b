//! A winget manifest set, as a pull request to microsoft/winget-pkgs adds
//! one under `manifests/<letter>/<Publisher>/<Name>/<version>/`: the
//! version file, the installer file (each Windows zip as a portable
//! program, each .msi with the ProductCode it carries, with URL and
//! SHA-256) and the default-locale file (publisher, name, license,
//! description). Manifest version 1.10.0, whose schemas the tests vendor.
//! Reference: <https://learn.microsoft.com/windows/package-manager/package/manifest>.

use std::path::Path;

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use super::Release;
use crate::release::manifest::Artifact;
use crate::targets::{self, TargetSpec, platforms};
use crate::vocab::Format;

/// The manifest schema version written.
pub const MANIFEST_VERSION: &str = "1.10.0";

/// The locale of the default-locale file.
const LOCALE: &str = "en-US";

/// The Windows zips and .msi packages of the release, with their target.
fn installers<'a>(release: &Release<'a>) -> Vec<(&'static TargetSpec, &'a Artifact)> {
    release
        .artifacts
        .iter()
        .filter(|artifact| matches!(artifact.format, Format::Zip | Format::Msi))
        .filter_map(|artifact| {
            let spec = targets::lookup(&artifact.target)?;
            platforms::scoop(spec).map(|_| (spec, artifact))
        })
        .collect()
}

/// Whether the release has a Windows zip or .msi, and a repository whose
/// owner names the publisher.
pub fn serves(release: &Release<'_>) -> bool {
    !installers(release).is_empty() && identifier(release).is_some()
}

/// `<owner>.<name>`: the repository's owner (as winget-pkgs has
/// `sharkdp.fd`) and the package.
pub fn identifier(release: &Release<'_>) -> Option<String> {
    let repository = release.repository?;
    let path = repository.split_once("://")?.1.split_once('/')?.1;
    let owner = path.split('/').next().filter(|owner| !owner.is_empty())?;
    let segment_ok = |s: &str| {
        (1..=32).contains(&s.chars().count())
            && !s.contains(|c: char| c.is_whitespace() || "./\\:*?\"<>|".contains(c))
    };
    (segment_ok(owner) && segment_ok(release.package))
        .then(|| format!("{owner}.{}", release.package))
}

/// The three files, by name: version, installer, default locale. Each
/// .msi's ProductCode is read from the package itself, in `dir`.
pub fn manifests(release: &Release<'_>, dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let id = identifier(release).context("winget needs a repository to name the publisher")?;
    let header = |kind: &str| {
        format!(
            "# yaml-language-server: $schema=https://aka.ms/winget-manifest.{}.{MANIFEST_VERSION}.schema.json\n\
             PackageIdentifier: {}\nPackageVersion: {}\n",
            kind.to_ascii_lowercase(),
            quoted(&id),
            quoted(release.version)
        )
    };
    let footer =
        |kind: &str| format!("ManifestType: {kind}\nManifestVersion: {MANIFEST_VERSION}\n");
    let version = format!(
        "{}DefaultLocale: {LOCALE}\n{}",
        header("version"),
        footer("version")
    );
    let installer = format!(
        "{}{}{}",
        header("installer"),
        installer_entries(release, dir)?,
        footer("installer")
    );
    let locale = format!(
        "{}{}{}",
        header("defaultLocale"),
        locale_fields(release),
        footer("defaultLocale")
    );
    let [version_file, installer_file, locale_file] = names(&id);
    Ok(vec![
        (version_file, version.into_bytes()),
        (installer_file, installer.into_bytes()),
        (locale_file, locale.into_bytes()),
    ])
}

/// The manifest set's files for `release`, which [`serves`]: the version,
/// installer and default locale manifests.
pub fn file_names(release: &Release<'_>) -> Vec<String> {
    identifier(release)
        .map(|id| names(&id).to_vec())
        .unwrap_or_default()
}

fn names(id: &str) -> [String; 3] {
    [
        format!("{id}.yaml"),
        format!("{id}.installer.yaml"),
        format!("{id}.locale.{LOCALE}.yaml"),
    ]
}

/// The `Installers:` list.
fn installer_entries(release: &Release<'_>, dir: &Path) -> Result<String> {
    let mut text = String::from("Installers:\n");
    for (spec, artifact) in installers(release) {
        let arch = match platforms::scoop(spec) {
            Some("64bit") => "x64",
            Some("arm64") => "arm64",
            _ => "x86",
        };
        text.push_str(&format!("- Architecture: {arch}\n"));
        match artifact.format {
            Format::Msi => {
                let code = product_code(&dir.join(&artifact.name))?;
                text.push_str(&format!(
                    "  InstallerType: wix\n  Scope: machine\n  ProductCode: {}\n",
                    quoted(&code)
                ));
            }
            _ => {
                let folder = artifact.name.trim_end_matches(".zip");
                text.push_str("  InstallerType: zip\n  NestedInstallerType: portable\n");
                text.push_str("  NestedInstallerFiles:\n");
                for bin in release.bins {
                    let exe = format!("{folder}/{}", spec.exe_name(bin));
                    text.push_str(&format!(
                        "  - RelativeFilePath: {}\n    PortableCommandAlias: {}\n",
                        quoted(&exe),
                        quoted(bin)
                    ));
                }
            }
        }
        text.push_str(&format!(
            "  InstallerUrl: {}\n  InstallerSha256: {}\n",
            quoted(&release.url(&artifact.name)),
            artifact.sha256.to_ascii_uppercase()
        ));
    }
    Ok(text)
}

/// The default-locale fields: who publishes it, what it is, its license.
fn locale_fields(release: &Release<'_>) -> String {
    let description = release
        .description
        .and_then(|d| d.lines().next())
        .map(str::trim)
        .filter(|d| d.len() >= 3)
        .map_or_else(
            || format!("{} {}", release.package, release.version),
            str::to_owned,
        );
    let publisher = release
        .authors
        .first()
        .map(|author| author.split('<').next().unwrap_or(author).trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| identifier(release)?.split('.').next().map(str::to_owned))
        .unwrap_or_default();
    let mut text = format!(
        "PackageLocale: {LOCALE}\nPublisher: {}\nPackageName: {}\nLicense: {}\nShortDescription: {}\n",
        quoted(&publisher),
        quoted(release.package),
        quoted(release.license.unwrap_or("Proprietary")),
        quoted(&description)
    );
    if let Some(homepage) = release.homepage {
        text.push_str(&format!("PackageUrl: {}\n", quoted(homepage)));
    }
    text.push_str(&format!("Moniker: {}\n", quoted(release.name)));
    text
}

/// The ProductCode property of the .msi at `path`, as msiinfo reads it.
pub fn product_code(path: &Path) -> Result<String> {
    let sh = Shell::new()?;
    let table = cmd!(sh, "msiinfo export {path} Property")
        .quiet()
        .read()
        .with_context(|| {
            format!(
                "msiinfo cannot read the Property table of {}",
                path.display()
            )
        })?;
    let code = table
        .lines()
        .find_map(|line| line.strip_prefix("ProductCode\t"))
        .map(str::trim)
        .filter(|code| !code.is_empty());
    match code {
        Some(code) => Ok(code.to_owned()),
        None => bail!("{} has no ProductCode", path.display()),
    }
}

/// `text` as a double-quoted YAML scalar (JSON's string syntax, which YAML
/// reads the same way): no character can change what it means.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// `(artifact name, SHA-256)` of each installer an installer file lists.
pub(super) fn referenced(text: &str) -> Vec<(String, String)> {
    let value = |line: &str, key: &str| {
        let rest = line
            .trim_start()
            .trim_start_matches("- ")
            .strip_prefix(key)?;
        Some(rest.trim().trim_matches('"').to_owned())
    };
    let urls = text.lines().filter_map(|line| value(line, "InstallerUrl:"));
    let hashes = text
        .lines()
        .filter_map(|line| value(line, "InstallerSha256:"));
    urls.zip(hashes)
        .map(|(url, hash)| {
            let name = url.rsplit('/').next().unwrap_or(&url).to_owned();
            (name, hash.to_ascii_lowercase())
        })
        .collect()
}
