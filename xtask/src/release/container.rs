//! The container image artifact, `<bin>-<version>-oci.tar`: one image
//! index with an image per static Linux target, each `FROM scratch` with
//! the program as entrypoint, run as a non-root user.
//!
//! Like the universal macOS binary it is made from finished tarballs, not
//! from a build, so `dist` (every target in one run) and `merge` (the
//! targets from several CI jobs) write the same bytes. It is made only
//! once every configured static Linux target's tarball is there: a part
//! holding some of them leaves the image to the merge.
//!
//! Each image's one layer holds the binaries in `/usr/local/bin`, the
//! included files (licenses, README) in `/usr/share/doc/<package>`, and an
//! `/etc/passwd` and `/etc/group` naming the user, as distroless images do.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::binary::elf;
use crate::formats::archive::{self, Entry};
use crate::formats::oci;
use crate::release::manifest::{Artifact, Facts};
use crate::release::publish;
use crate::targets::platforms::{self, OciPlatform};
use crate::util::progress;
use crate::vocab::Format;
use crate::workspace::config::{Config, Package};

/// What the image's artifact carries where a target triple goes.
pub const TARGET: &str = "oci";

/// The user the program runs as: distroless's `nonroot`.
const USER: &str = "65532:65532";

const PASSWD: &str = "root:x:0:0:root:/root:/sbin/nologin\n\
                      nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
const GROUP: &str = "root:x:0:\nnonroot:x:65532:\n";

/// The image, staged in `staging`, if `artifacts` (of this run, or of the
/// parts of a merge) hold the tarball of every configured static Linux
/// target and no image yet. `git_commit` becomes its `revision`.
pub fn stage(
    config: &Config,
    artifacts: &[Artifact],
    git_commit: Option<&str>,
    staging: &Path,
    mtime: u64,
) -> Result<Option<Artifact>> {
    let Some((name, tarballs)) = wanted(config, artifacts) else {
        return Ok(None);
    };
    let package = config.primary();
    let images = platform_images(&tarballs, staging, &package.bins[0])?;
    let annotations = annotations(package, git_commit, mtime);
    let metadata = oci::Metadata {
        tag: tag_of(&package.version),
        user: USER.to_owned(),
        annotations,
        mtime,
    };
    let layout = oci::write(&images, &metadata)?;
    let facts = Facts {
        image_digest: Some(layout.index_digest),
        ..Facts::NONE
    };
    let artifact = Artifact::new(
        name,
        TARGET,
        Format::OciImage,
        &layout.bytes,
        (&package.name, &[]),
        facts,
    );
    publish::stage(staging, &artifact, &layout.bytes)?;
    Ok(Some(artifact))
}

/// The tarballs an image is made of: each static Linux target's, of each
/// shipped package, with the image platform it is for.
pub type ImageTarballs<'a> = Vec<(OciPlatform, &'a Package, &'a Artifact)>;

/// The image `artifacts` (of a plan, this run, or the parts of a merge)
/// call for, if configured: its file name, and the tarballs it is made
/// of, where they hold the tarball of every configured static Linux target
/// and no image yet.
pub fn wanted<'a>(
    config: &'a Config,
    artifacts: &'a [Artifact],
) -> Option<(String, ImageTarballs<'a>)> {
    if !config.container_image || artifacts.iter().any(|a| a.target == TARGET) {
        return None;
    }
    let tarballs = image_tarballs(config, artifacts).ok()?;
    let &(_, _, first) = tarballs.first()?;
    let name = first.name.replace(
        &format!("{}.{}", first.target, Format::TarGz.name()),
        &format!("{TARGET}.tar"),
    );
    Some((name, tarballs))
}

/// The tarball of every shipped package for every configured static Linux
/// target, with the image platform each is for; or the first target whose
/// tarball `artifacts` lack.
fn image_tarballs<'a>(
    config: &'a Config,
    artifacts: &'a [Artifact],
) -> Result<ImageTarballs<'a>, &'static str> {
    let mut tarballs = Vec::new();
    for configured in &config.targets {
        let Some(platform) = platforms::container(configured.spec) else {
            continue;
        };
        if !configured.formats.contains(&Format::TarGz) {
            continue;
        }
        // Every shipped package's tarball of the target.
        for (_, package) in config.packages_for(configured.spec) {
            let found = artifacts.iter().find(|a| {
                a.package == package.name
                    && a.target == configured.triple()
                    && a.format == Format::TarGz
            });
            match found {
                Some(tarball) => tarballs.push((platform, package, tarball)),
                None => return Err(configured.triple()),
            }
        }
    }
    Ok(tarballs)
}

/// Why `artifacts` call for no image though one is configured: the static
/// Linux target whose tarball they lack (a dist of some targets; `merge`
/// makes the image from the parts of every target).
pub fn missing(config: &Config, artifacts: &[Artifact]) -> Option<&'static str> {
    let static_tarballs = |a: &&Artifact| {
        a.format == Format::TarGz
            && crate::targets::lookup(&a.target).is_some_and(|s| platforms::container(s).is_some())
    };
    if !config.container_image || !artifacts.iter().any(|a| static_tarballs(&a)) {
        return None;
    }
    image_tarballs(config, artifacts).err()
}

/// One image per platform: the root filesystem of its packages' tarballs
/// (read from `staging`), started as `entry_bin`.
fn platform_images(
    tarballs: &[(OciPlatform, &Package, &Artifact)],
    staging: &Path,
    entry_bin: &str,
) -> Result<Vec<oci::Image>> {
    let mut platforms: Vec<OciPlatform> = tarballs.iter().map(|(platform, ..)| *platform).collect();
    platforms.dedup();
    progress::step(format_args!(
        "{TARGET}: a container image of {} platforms",
        platforms.len()
    ));
    let mut images = Vec::new();
    for platform in platforms {
        let mut contents = Vec::new();
        for (_, shipped, tarball) in tarballs.iter().filter(|(p, ..)| *p == platform) {
            let bytes = std::fs::read(staging.join(&tarball.name))
                .with_context(|| format!("cannot read {}", tarball.name))?;
            let entries = archive::read_tar_gz(&bytes)
                .with_context(|| format!("cannot open {}", tarball.name))?;
            contents.push((shipped.name.as_str(), entries));
        }
        let (files, entrypoint) = root_filesystem(&contents, entry_bin)
            .with_context(|| format!("cannot make the {platform} image"))?;
        images.push(oci::Image {
            platform,
            files,
            entrypoint,
        });
    }
    Ok(images)
}

/// The OCI annotations (and so image labels) of the release of `package`.
fn annotations(
    package: &Package,
    git_commit: Option<&str>,
    mtime: u64,
) -> BTreeMap<String, String> {
    let optional = [
        ("description", package.description.as_deref()),
        ("licenses", package.license.as_deref()),
        ("revision", git_commit),
        ("source", package.repository.as_deref()),
        ("url", package.homepage.as_deref()),
    ];
    let mut annotations: BTreeMap<String, String> = optional
        .into_iter()
        .filter_map(|(key, value)| Some((key, value?.to_owned())))
        .chain([
            ("created", archive::rfc3339(mtime)),
            ("title", package.name.clone()),
            ("version", package.version.clone()),
        ])
        .map(|(key, value)| (format!("org.opencontainers.image.{key}"), value))
        .collect();
    annotations.retain(|_, value| !value.is_empty());
    annotations
}

/// Checks an image archive: every blob against its digest (see
/// [`oci::read`]), the index digest against the manifest's
/// `image_digest`, and that each platform's entrypoint is an ELF binary
/// the non-root user runs. Says what it found, one line.
pub fn check(bytes: &[u8], image_digest: Option<&str>) -> Result<String> {
    let layout = oci::read(bytes)?;
    match image_digest {
        Some(listed) if listed == layout.index_digest => {}
        Some(listed) => bail!(
            "its image index is {}, but the manifest says {listed}",
            layout.index_digest
        ),
        None => bail!("the manifest gives no image_digest for it"),
    }
    let mut platforms = Vec::new();
    for image in &layout.images {
        let [entrypoint] = image.entrypoint.as_slice() else {
            bail!("the {} image has no single entrypoint", image.platform);
        };
        let binary = image
            .files
            .iter()
            .find(|file| Some(file.path.as_str()) == entrypoint.strip_prefix('/'))
            .and_then(|file| file.data.as_deref().filter(|_| file.mode & 0o111 != 0));
        if !binary.is_some_and(elf::is_elf) {
            bail!(
                "the {} image's entrypoint {entrypoint} is not an executable ELF file in its layer",
                image.platform
            );
        }
        if image.user != USER {
            bail!(
                "the {} image runs as {:?}, not {USER}",
                image.platform,
                image.user
            );
        }
        platforms.push(image.platform.as_str());
    }
    Ok(format!(
        "OCI image {}:{}, {}, every digest checked",
        layout.index_digest,
        layout.tag,
        platforms.join(", ")
    ))
}

/// The image tag of a version: a tag cannot hold `+`, so build metadata
/// (`1.0.0+linux`) is joined with `_` (`1.0.0_linux`), as Docker's own
/// images of such versions do.
fn tag_of(version: &str) -> String {
    version.replace('+', "_")
}

/// An image's files from one target's tarballs (each one top folder), by
/// package: their ELF executables into `/usr/local/bin`, their other
/// top-level files into `/usr/share/doc/<package>`; man pages and
/// completions, which nothing in the image would read, stay out. Returns
/// the files and the entrypoint, the binary named `bin`.
fn root_filesystem(tarballs: &[(&str, Vec<Entry>)], bin: &str) -> Result<(Vec<Entry>, String)> {
    let mut files: Vec<Entry> = [
        "etc",
        "usr",
        "usr/local",
        "usr/local/bin",
        "usr/share",
        "usr/share/doc",
    ]
    .into_iter()
    .map(Entry::dir)
    .collect();
    files.push(Entry::file("etc/passwd", PASSWD.as_bytes().to_vec()));
    files.push(Entry::file("etc/group", GROUP.as_bytes().to_vec()));
    let mut entrypoint = None;
    for (package, entries) in tarballs {
        let doc = format!("usr/share/doc/{package}");
        files.push(Entry::dir(doc.clone()));
        for entry in entries {
            let (Some(data), Some((_, file_name))) = (&entry.data, entry.path.split_once('/'))
            else {
                continue;
            };
            if file_name.contains('/') {
                continue;
            }
            if elf::is_elf(data) {
                if file_name == bin {
                    entrypoint = Some(format!("/usr/local/bin/{file_name}"));
                }
                files.push(Entry::executable(
                    format!("usr/local/bin/{file_name}"),
                    data.clone(),
                ));
            } else {
                files.push(Entry::file(format!("{doc}/{file_name}"), data.clone()));
            }
        }
    }
    let Some(entrypoint) = entrypoint else {
        bail!("it holds no ELF binary named {bin}");
    };
    Ok((files, entrypoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_filesystem_has_the_binary_the_docs_and_the_user() {
        let entries = vec![
            Entry::dir("tool-1.0-x86_64-unknown-linux-musl"),
            Entry::executable(
                "tool-1.0-x86_64-unknown-linux-musl/tool",
                b"\x7fELF\x02".to_vec(),
            ),
            Entry::file(
                "tool-1.0-x86_64-unknown-linux-musl/LICENSE",
                b"MIT".to_vec(),
            ),
            Entry::file(
                "tool-1.0-x86_64-unknown-linux-musl/man/tool.1",
                b".TH".to_vec(),
            ),
        ];
        let tarballs = [("tool-pkg", entries)];
        let (files, entrypoint) = root_filesystem(&tarballs, "tool").unwrap();
        assert_eq!(entrypoint, "/usr/local/bin/tool");
        let paths: Vec<&str> = files
            .iter()
            .filter(|f| f.data.is_some())
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "etc/passwd",
                "etc/group",
                "usr/local/bin/tool",
                "usr/share/doc/tool-pkg/LICENSE"
            ]
        );
        let err = root_filesystem(&tarballs, "other").unwrap_err();
        assert!(
            err.to_string().contains("no ELF binary named other"),
            "{err}"
        );
    }

    #[test]
    fn check_wants_the_listed_digest_and_a_runnable_entrypoint() {
        let image = |binary: &[u8]| oci::Image {
            platform: platforms::OciPlatform {
                architecture: "amd64",
                variant: None,
            },
            files: vec![Entry::executable("usr/local/bin/tool", binary.to_vec())],
            entrypoint: "/usr/local/bin/tool".into(),
        };
        let metadata = oci::Metadata {
            tag: "1.0".into(),
            user: USER.into(),
            annotations: BTreeMap::new(),
            mtime: 0,
        };
        let good = oci::write(&[image(b"\x7fELF\x02\x01")], &metadata).unwrap();
        let said = check(&good.bytes, Some(&good.index_digest)).unwrap();
        assert!(said.contains("linux/amd64"), "{said}");
        let err = check(&good.bytes, Some("sha256:00"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("but the manifest says sha256:00"), "{err}");
        assert!(check(&good.bytes, None).is_err());
        let script = oci::write(&[image(b"#!/bin/sh")], &metadata).unwrap();
        let err = check(&script.bytes, Some(&script.index_digest))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is not an executable ELF file"), "{err}");
    }

    #[test]
    fn build_metadata_becomes_a_valid_tag() {
        assert_eq!(tag_of("1.0.0-rc.1+linux.2"), "1.0.0-rc.1_linux.2");
    }
}
