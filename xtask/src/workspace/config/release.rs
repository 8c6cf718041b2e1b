//! What a release ships besides each target's packages: the installers
//! and where they download from, the universal macOS binary, and the
//! container image.

use anyhow::{Result, bail};

use super::tables::DistTable;
use super::{Configured, Package};
use crate::targets::platforms;
use crate::util::suggest::did_you_mean;
use crate::vocab::Format;

/// The installers `installers` names, checked against what the targets
/// ship; without it, every installer some target has artifacts for.
pub(super) fn installers(dist: &DistTable, targets: &[Configured]) -> Result<Vec<Format>> {
    let served = |installer: Format| {
        targets
            .iter()
            .any(|t| platforms::serves(installer, t.spec, &t.formats))
    };
    let Some(listed) = &dist.installers else {
        return Ok(Format::INSTALLERS
            .into_iter()
            .filter(|&i| served(i))
            .collect());
    };
    let names: Vec<&str> = listed.iter().map(String::as_str).collect();
    let known: Vec<&str> = Format::INSTALLERS
        .iter()
        .filter_map(Format::installer_name)
        .collect();
    let mut chosen = Vec::new();
    for name in names {
        match name {
            "powershell" => bail!(
                "[workspace.metadata.dist] `installers` names `powershell`, cargo-dist's \
                 PowerShell script, which this tool does not make. Windows users install with \
                 the Scoop or winget manifests (\"scoop\", \"winget\") or the .msi each x86 and \
                 x64 Windows target makes; replace `powershell` with those."
            ),
            // cargo-dist's .msi is a package format here, which the
            // Windows targets make unless their formats say otherwise.
            "msi" => continue,
            _ => {}
        }
        let Some(installer) = Format::INSTALLERS
            .into_iter()
            .find(|installer| installer.installer_name() == Some(name))
        else {
            bail!(
                "[workspace.metadata.dist] `installers` names `{name}`, which the xtask cannot \
                 make. {}It makes: {}.",
                did_you_mean(name, &known),
                known.join(", ")
            );
        };
        if !served(installer) {
            let needs = match installer {
                Format::ShellInstaller => "a tar.gz of a Linux or macOS target",
                Format::HomebrewFormula => "a tar.gz of an x86_64 or arm64 macOS or Linux target",
                Format::NpmRoot => {
                    "an npm package (tgz) of a Linux, macOS, Windows or FreeBSD target"
                }
                Format::WingetManifest => "a zip or .msi of a Windows target",
                _ => "a zip of a Windows target",
            };
            bail!(
                "[workspace.metadata.dist] `installers` asks for `{name}`, but no configured \
                 target has an artifact it could install: it needs {needs}. Add such a target \
                 or format, or remove `{name}` from `installers`."
            );
        }
        if !chosen.contains(&installer) {
            chosen.push(installer);
        }
    }
    Ok(chosen)
}

/// Where the installers download from: `base-url`, or the GitHub release
/// of `repository`. Needed only when there are installers.
pub(super) fn base_url(
    dist: &DistTable,
    package: &Package,
    installers: &[Format],
) -> Result<Option<String>> {
    let url = release_base_url(dist, package, installers)?;
    if let Some(url) = &url
        && let Some(bad) = url.chars().find(|c| c.is_whitespace() || c.is_control())
    {
        bail!(
            "the installers' base URL {url:?} holds {bad:?}, which no URL does (a space is \
             %20): each installer would carry it verbatim. Correct `base-url` in \
             [workspace.metadata.dist], or the package's `repository` it is made from."
        );
    }
    Ok(url)
}

fn release_base_url(
    dist: &DistTable,
    package: &Package,
    installers: &[Format],
) -> Result<Option<String>> {
    match &dist.base_url {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            return Ok(Some(url.clone()));
        }
        Some(other) => bail!(
            "[workspace.metadata.dist] `base-url` is {other:?}, not an http(s) URL. Set it to \
             where the release's files can be downloaded, with {{version}} for the version, \
             like \"https://github.com/OWNER/REPO/releases/download/v{{version}}\"."
        ),
        None => {}
    }
    let github = package
        .repository
        .as_deref()
        .map(|url| url.trim_end_matches('/').trim_end_matches(".git"))
        .filter(|url| url.starts_with("https://github.com/"));
    match (github, installers.is_empty()) {
        (Some(repository), _) => Ok(Some(format!("{repository}/releases/download/v{{version}}"))),
        (None, true) => Ok(None),
        (None, false) => {
            let names: Vec<&str> = installers
                .iter()
                .filter_map(Format::installer_name)
                .collect();
            bail!(
                "the installers ({}) download the release's files, and nothing says from where: \
                 the package's `repository` is not a GitHub URL and [workspace.metadata.dist] \
                 has no `base-url`. Set base-url = \"https://…/v{{version}}\" (where the \
                 release's files are), or installers = [] to make none.",
                names.join(", ")
            )
        }
    }
}

/// Whether the universal macOS artifact is made: as `universal2` says, or,
/// without it, whenever both macOS targets make a tarball to make it from.
pub(super) fn universal2(dist: &DistTable, targets: &[Configured]) -> Result<bool> {
    let both = platforms::UNIVERSAL2_SLICES.iter().all(|triple| {
        targets
            .iter()
            .any(|t| t.triple() == *triple && t.formats.contains(&Format::TarGz))
    });
    match dist.universal2 {
        None => Ok(both),
        Some(false) => Ok(false),
        Some(true) if both => Ok(true),
        Some(true) => bail!(
            "[workspace.metadata.dist] asks for `universal2`, the macOS binary with both an \
             x86_64 and an arm64 slice, but it is made from the tar.gz of each of {} and {}, and \
             they are not both configured with tar.gz. Add the missing one with `cargo xtask \
             add-target`, or remove `universal2`.",
            platforms::UNIVERSAL2_SLICES[0],
            platforms::UNIVERSAL2_SLICES[1]
        ),
    }
}

/// Whether the release ships a container image (an OCI image layout
/// archive): as `container-image` says, or, without it, whenever a target
/// whose binary is static Linux makes a tarball to take it from.
pub(super) fn container_image(dist: &DistTable, targets: &[Configured]) -> Result<bool> {
    let serving = targets
        .iter()
        .any(|t| platforms::container(t.spec).is_some() && t.formats.contains(&Format::TarGz));
    match dist.container_image {
        None => Ok(serving),
        Some(false) => Ok(false),
        Some(true) if serving => Ok(true),
        Some(true) => {
            let would_serve: Vec<&str> = crate::targets::KNOWN_TARGETS
                .iter()
                .filter(|spec| platforms::container(spec).is_some())
                .map(|spec| spec.triple)
                .collect();
            bail!(
                "[workspace.metadata.dist] asks for `container-image`, but an image is made from \
                 the tar.gz of a statically linked Linux target, and none is configured. Add one \
                 of {} with `cargo xtask add-target`, or remove `container-image`.",
                would_serve.join(", ")
            )
        }
    }
}
