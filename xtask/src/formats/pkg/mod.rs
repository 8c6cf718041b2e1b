//! macOS installer packages (`.pkg`): what Apple's Installer opens, which
//! puts a command-line program in `/usr/local/bin`, its man pages and
//! completions where `man` and the shells look, and its README and licenses
//! in `/usr/local/share/doc/<package>`.
//!
//! A `.pkg` is what `productbuild --package` makes of what `pkgbuild`
//! makes: a [`xar`] archive holding a `Distribution` (the installer's
//! script: the title, the Macs it runs on, the oldest macOS it installs on)
//! and a component package folder, `<package>.pkg/`, of three files:
//!
//! - `PackageInfo`: its identifier, version and install location;
//! - `Payload`: the files, a gzipped cpio archive in the `odc` format;
//! - `Bom`: the [`bom`] listing each path of the payload, which Installer
//!   keeps as its receipt (`pkgutil --files <identifier>`).
//!
//! pkgbuild and productbuild are macOS's, and Debian packages no xar or
//! mkbom, so the xtask writes all of it. Packages are unsigned: signing with
//! a Developer ID and notarizing need a Mac and Apple's services (the
//! README shows the commands).

pub mod bom;
pub mod xar;

use anyhow::{Context, Result, bail};

use super::archive::{self, Entry};
use super::cpio;
use crate::formats::program::Program;
use crate::targets::Version;

/// Where the payload is installed: the prefix Homebrew used on Intel Macs,
/// on every Mac's PATH, and left alone by macOS updates.
pub const INSTALL_LOCATION: &str = "/usr/local";

/// What names a package's `.pkg` and its receipt.
#[derive(Debug)]
pub struct PkgMetadata {
    /// Its reverse-DNS identifier (`io.github.owner.app`).
    pub identifier: String,
    pub version: String,
    /// The package's name: the installer's title, and its folder of docs.
    pub package: String,
}

impl PkgMetadata {
    /// The metadata of `package`: its identifier is `pkg-identifier` of its
    /// `[package.metadata.dist]`, or one made from its repository or
    /// homepage; an error, before anything is built, if neither gives one
    /// or the one given is not reverse-DNS.
    pub fn new(package: &Program) -> Result<PkgMetadata> {
        let identifier = match &package.pkg_identifier {
            Some(identifier) => {
                check_identifier(identifier).map_err(|why| {
                    anyhow::anyhow!(
                        "[package.metadata.dist] of `{}` sets `pkg-identifier = \"{identifier}\"`, \
                         which is not a reverse-DNS name: {why}. Apple's Installer files the \
                         receipt under it; use one like \"io.github.owner.{}\".",
                        package.name,
                        package.name.replace('_', "-")
                    )
                })?;
                identifier.clone()
            }
            None => derived_identifier(package).with_context(|| {
                format!(
                    "package `{}` ships a macOS .pkg, whose identifier (a reverse-DNS name such \
                     as io.github.owner.{}) is made from `repository` or `homepage` in its \
                     Cargo.toml, and it has neither. Set `pkg-identifier` in its \
                     [package.metadata.dist], or leave \"pkg\" out of the macOS targets' \
                     formats in [workspace.metadata.dist.formats].",
                    package.name,
                    package.name.replace('_', "-")
                )
            })?,
        };
        Ok(PkgMetadata {
            identifier,
            version: package.version.clone(),
            package: package.name.clone(),
        })
    }
}

/// Why `identifier` is not a reverse-DNS name Installer takes, if it is not:
/// two or more dot-separated labels of ASCII letters, digits and hyphens,
/// the first a letter, none starting or ending with a hyphen.
pub fn check_identifier(identifier: &str) -> Result<(), String> {
    let labels: Vec<&str> = identifier.split('.').collect();
    if labels.len() < 2 {
        return Err("it needs at least two labels joined by dots".into());
    }
    if !identifier.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("it must start with a letter".into());
    }
    for label in labels {
        if label.is_empty() {
            return Err("it has an empty label (two dots in a row, or one at an end)".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            return Err(format!("{c:?} is not a letter, digit or hyphen"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label `{label}` starts or ends with a hyphen"));
        }
    }
    Ok(())
}

/// `io.github.<owner>.<package>` for a GitHub repository (GitLab's alike),
/// else the repository's or homepage's host reversed, then the package.
fn derived_identifier(package: &Program) -> Option<String> {
    let label = |text: &str| -> String {
        text.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_owned()
    };
    let name = label(&package.name);
    let urls = [package.repository.as_deref(), package.homepage.as_deref()];
    let identifier = urls.into_iter().flatten().find_map(|url| {
        let rest = url.split_once("://")?.1;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host
            .strip_prefix("www.")
            .unwrap_or(host)
            .to_ascii_lowercase();
        let owner = path.split('/').next().filter(|owner| !owner.is_empty());
        match (host.as_str(), owner) {
            ("github.com", Some(owner)) => Some(format!("io.github.{}.{name}", label(owner))),
            ("gitlab.com", Some(owner)) => Some(format!("io.gitlab.{}.{name}", label(owner))),
            // Pages about the crate, not its author's.
            ("docs.rs" | "crates.io" | "lib.rs", _) => None,
            _ => {
                let reversed: Vec<String> = host.rsplit('.').map(label).collect();
                Some(format!("{}.{name}", reversed.join(".")))
            }
        }
    })?;
    check_identifier(&identifier).ok()?;
    Some(identifier)
}

/// The Macs a `.pkg` installs on: their architectures, as Installer names
/// them (`arm64`, `x86_64`), and the oldest macOS.
pub struct Host<'a> {
    pub architectures: &'a [&'a str],
    pub floor: Option<Version>,
}

/// The `.pkg` of an archive's `entries` (one top folder, as the tarball
/// has), installed under [`INSTALL_LOCATION`].
pub fn installer(
    entries: &[Entry],
    metadata: &PkgMetadata,
    host: &Host<'_>,
    mtime: u64,
) -> Result<Vec<u8>> {
    let tree = install_tree(entries, &metadata.package)?;
    let mtime32 = u32::try_from(mtime).context("SOURCE_DATE_EPOCH is after 2106")?;
    let members: Vec<cpio::Member<'_>> = tree
        .iter()
        .enumerate()
        .map(|(i, entry)| cpio::Member {
            path: &entry.path,
            mode: entry.mode,
            data: entry.data.as_deref().unwrap_or_default(),
            inode: i as u32 + 1,
        })
        .collect();
    let payload = archive::gzip_best(&cpio::odc(&members, mtime32))?;
    let paths: Vec<bom::BomPath<'_>> = members
        .iter()
        .map(|member| bom::BomPath {
            path: member.path,
            mode: member.mode,
            data: member.data,
        })
        .collect();
    let bom = bom::write(&paths, mtime32)?;
    let kbytes = tree
        .iter()
        .filter_map(|entry| entry.data.as_ref())
        .map(|data| data.len().div_ceil(1024))
        .sum::<usize>();
    let package_info = package_info(metadata, tree.len(), kbytes);
    let component = component_name(metadata);
    let distribution = distribution(metadata, host, &component, kbytes);
    xar::write(
        &[
            xar::Node::File {
                name: "Distribution",
                data: distribution.as_bytes(),
            },
            xar::Node::Folder {
                name: &component,
                children: vec![
                    xar::Node::File {
                        name: "Bom",
                        data: &bom,
                    },
                    xar::Node::File {
                        name: "PackageInfo",
                        data: package_info.as_bytes(),
                    },
                    xar::Node::File {
                        name: "Payload",
                        data: &payload,
                    },
                ],
            },
        ],
        mtime,
    )
}

/// `<package>.pkg`: the component package's folder in the archive.
fn component_name(metadata: &PkgMetadata) -> String {
    format!("{}.pkg", metadata.package)
}

/// What the payload installs, relative to the install location (`.`,
/// `./bin`, `./bin/app`, …), folders first and sorted: the executables of
/// the archive's folder in `bin/`, its other files in
/// `share/doc/<package>/`, its man pages in `share/man/man<section>/`, and
/// its completions where bash-completion, zsh and fish look under the
/// prefix.
fn install_tree(entries: &[Entry], package: &str) -> Result<Vec<Entry>> {
    let mut files: Vec<Entry> = Vec::new();
    for entry in entries {
        let Some(data) = &entry.data else { continue };
        let inside = entry.path.split_once('/').map_or("", |(_, rest)| rest);
        let path = match inside.split_once('/') {
            None if entry.mode & 0o111 != 0 => format!("bin/{inside}"),
            None => format!("share/doc/{package}/{inside}"),
            Some(("man", page)) => {
                let section = page.rsplit_once('.').map_or("1", |(_, section)| section);
                format!("share/man/man{section}/{page}")
            }
            Some(("completions", script)) => completion_path(script),
            Some(_) => bail!("the .pkg has no place for {}", entry.path),
        };
        files.push(Entry {
            path: format!("./{path}"),
            data: Some(data.clone()),
            mode: 0o100000 | (entry.mode & 0o777),
        });
    }
    if !files.iter().any(|file| file.path.starts_with("./bin/")) {
        bail!("the .pkg would install no program");
    }
    let mut folders: Vec<String> = vec![".".to_owned()];
    for file in &files {
        let mut parent = file.path.as_str();
        while let Some((folder, _)) = parent.rsplit_once('/') {
            if !folders.iter().any(|known| known == folder) {
                folders.push(folder.to_owned());
            }
            parent = folder;
        }
    }
    let mut tree: Vec<Entry> = folders
        .into_iter()
        .map(|path| Entry {
            path,
            data: None,
            mode: 0o040755,
        })
        .chain(files)
        .collect();
    tree.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(tree)
}

/// Where a completion script the archive names as clap_complete does
/// (`app.bash`, `_app`, `app.fish`) is installed.
fn completion_path(script: &str) -> String {
    if let Some(bin) = script.strip_suffix(".bash") {
        format!("share/bash-completion/completions/{bin}")
    } else if script.ends_with(".fish") {
        format!("share/fish/vendor_completions.d/{script}")
    } else {
        format!("share/zsh/site-functions/{script}")
    }
}

/// The component's `PackageInfo`, as pkgbuild writes it.
fn package_info(metadata: &PkgMetadata, files: usize, kbytes: usize) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <pkg-info format-version=\"2\" identifier=\"{}\" version=\"{}\" \
         install-location=\"{INSTALL_LOCATION}\" auth=\"root\" relocatable=\"false\">\n    \
         <payload numberOfFiles=\"{files}\" installKBytes=\"{kbytes}\"/>\n    \
         <bundle-version/>\n</pkg-info>\n",
        metadata.identifier,
        xml_escape(&metadata.version)
    )
}

/// The product archive's `Distribution`, as productbuild writes it for one
/// component, with the Macs it may install on.
fn distribution(metadata: &PkgMetadata, host: &Host<'_>, component: &str, kbytes: usize) -> String {
    let id = &metadata.identifier;
    let floor = host.floor.map_or(String::new(), |floor| {
        format!(
            "    <volume-check>\n        <allowed-os-versions>\n            \
             <os-version min=\"{}.{}\"/>\n        </allowed-os-versions>\n    </volume-check>\n",
            floor.major, floor.minor
        )
    });
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <installer-gui-script minSpecVersion=\"2\">\n    \
         <title>{title}</title>\n    \
         <options customize=\"never\" require-scripts=\"false\" hostArchitectures=\"{archs}\"/>\n    \
         <domains enable_anywhere=\"false\" enable_currentUserHome=\"false\" enable_localSystem=\"true\"/>\n\
         {floor}    \
         <choices-outline>\n        <line choice=\"default\">\n            \
         <line choice=\"{id}\"/>\n        </line>\n    </choices-outline>\n    \
         <choice id=\"default\"/>\n    \
         <choice id=\"{id}\" visible=\"false\">\n        <pkg-ref id=\"{id}\"/>\n    </choice>\n    \
         <pkg-ref id=\"{id}\" version=\"{version}\" onConclusion=\"none\" \
         installKBytes=\"{kbytes}\">#{component}</pkg-ref>\n\
         </installer-gui-script>\n",
        title = xml_escape(&metadata.package),
        archs = host.architectures.join(","),
        version = xml_escape(&metadata.version),
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A `.pkg` read back as verify reads it.
pub struct Contents {
    pub identifier: String,
    pub version: String,
    pub install_location: String,
    /// What the payload installs, relative to the install location
    /// (`bin/app`), files only.
    pub files: Vec<Entry>,
}

/// The contents of a `.pkg` this xtask wrote: the xar's checksums checked,
/// and the Bom listing exactly the payload's paths, modes and sizes.
pub fn read(bytes: &[u8]) -> Result<Contents> {
    let members = xar::read(bytes)?;
    let file = |suffix: &str| {
        members
            .iter()
            .find(|(path, _)| path.ends_with(suffix) && path.matches('/').count() == 1)
            .map(|(_, data)| data.as_slice())
            .with_context(|| format!("the .pkg has no component with a {suffix}"))
    };
    if !members.iter().any(|(path, _)| path == "Distribution") {
        bail!("the .pkg has no Distribution");
    }
    let info = String::from_utf8_lossy(file("/PackageInfo")?).into_owned();
    let element = info
        .split_once("<pkg-info ")
        .map(|(_, rest)| rest.split('>').next().unwrap_or_default())
        .context("its PackageInfo has no <pkg-info> element")?;
    let attribute = |name: &str| {
        format!(" {element}")
            .split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
            .with_context(|| format!("its PackageInfo has no {name}"))
    };
    let payload = cpio::read(&archive::gunzip(file("/Payload")?)?)?;
    let listed = bom::read(file("/Bom")?)?;
    let in_payload: Vec<(String, u32, u32)> = payload
        .iter()
        .map(|(path, mode, data)| (path.clone(), *mode & 0o177777, data.len() as u32))
        .collect();
    let mut bom_sorted = listed.clone();
    bom_sorted.sort();
    let mut payload_sorted = in_payload;
    payload_sorted.sort();
    if bom_sorted != payload_sorted {
        bail!("its Bom does not list exactly the paths, modes and sizes of its payload");
    }
    let files = payload
        .into_iter()
        .filter(|(_, mode, _)| mode & 0o170000 == 0o100000)
        .map(|(path, mode, data)| Entry {
            path: path.trim_start_matches("./").to_owned(),
            data: Some(data),
            mode: mode & 0o777,
        })
        .collect();
    Ok(Contents {
        identifier: attribute("identifier")?,
        version: attribute("version")?,
        install_location: attribute("install-location")?,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry::dir("tool-1.0-aarch64-apple-darwin"),
            Entry::executable(
                "tool-1.0-aarch64-apple-darwin/tool",
                b"\xcf\xfa\xed\xfe".to_vec(),
            ),
            Entry::file(
                "tool-1.0-aarch64-apple-darwin/README.md",
                b"# tool\n".to_vec(),
            ),
            Entry::dir("tool-1.0-aarch64-apple-darwin/man"),
            Entry::file(
                "tool-1.0-aarch64-apple-darwin/man/tool.1",
                b".TH TOOL 1\n".to_vec(),
            ),
            Entry::file(
                "tool-1.0-aarch64-apple-darwin/completions/_tool",
                b"#compdef\n".to_vec(),
            ),
            Entry::file(
                "tool-1.0-aarch64-apple-darwin/completions/tool.bash",
                b"b\n".to_vec(),
            ),
            Entry::file(
                "tool-1.0-aarch64-apple-darwin/completions/tool.fish",
                b"f\n".to_vec(),
            ),
        ]
    }

    fn metadata() -> PkgMetadata {
        PkgMetadata {
            identifier: "io.github.owner.tool".to_owned(),
            version: "1.0.0-rc.1".to_owned(),
            package: "tool".to_owned(),
        }
    }

    #[test]
    fn installs_programs_docs_and_completions_where_macos_looks() {
        let tree = install_tree(&entries(), "tool").unwrap();
        let files: Vec<(&str, u32)> = tree
            .iter()
            .filter(|entry| entry.data.is_some())
            .map(|entry| (entry.path.as_str(), entry.mode))
            .collect();
        assert_eq!(
            files,
            [
                ("./bin/tool", 0o100755),
                ("./share/bash-completion/completions/tool", 0o100644),
                ("./share/doc/tool/README.md", 0o100644),
                ("./share/fish/vendor_completions.d/tool.fish", 0o100644),
                ("./share/man/man1/tool.1", 0o100644),
                ("./share/zsh/site-functions/_tool", 0o100644),
            ]
        );
        // Every folder on the way, once, before what it holds.
        assert_eq!(tree[0].path, ".");
        assert!(
            tree.iter()
                .any(|e| e.path == "./share/man" && e.mode == 0o040755)
        );
        let no_program = &entries()[2..3];
        let err = install_tree(no_program, "tool").unwrap_err().to_string();
        assert!(err.contains("no program"), "{err}");
    }

    #[test]
    fn reads_back_what_it_writes_with_the_bom_listing_the_payload() {
        let host = Host {
            architectures: &["arm64"],
            floor: Some(Version::new(11, 0)),
        };
        let bytes = installer(&entries(), &metadata(), &host, 1_700_000_000).unwrap();
        let contents = read(&bytes).unwrap();
        assert_eq!(contents.identifier, "io.github.owner.tool");
        assert_eq!(contents.version, "1.0.0-rc.1");
        assert_eq!(contents.install_location, "/usr/local");
        let program = contents
            .files
            .iter()
            .find(|f| f.path == "bin/tool")
            .unwrap();
        assert_eq!(program.mode, 0o755);
        assert_eq!(
            installer(&entries(), &metadata(), &host, 1_700_000_000).unwrap(),
            bytes,
            "the same input gives the same bytes"
        );
        let members = xar::read(&bytes).unwrap();
        let text = |name: &str| {
            let (_, data) = members.iter().find(|(path, _)| path == name).unwrap();
            String::from_utf8(data.clone()).unwrap()
        };
        let distribution = text("Distribution");
        assert!(
            distribution.contains("hostArchitectures=\"arm64\""),
            "{distribution}"
        );
        assert!(
            distribution.contains("<os-version min=\"11.0\"/>"),
            "{distribution}"
        );
        assert!(
            distribution.contains(">#tool.pkg</pkg-ref>"),
            "{distribution}"
        );
        let info = text("tool.pkg/PackageInfo");
        // Six files and the thirteen folders they sit in, `.` among them.
        assert!(info.contains("numberOfFiles=\"19\""), "{info}");
    }

    #[test]
    fn a_payload_its_bom_does_not_list_is_refused() {
        let host = Host {
            architectures: &["x86_64"],
            floor: None,
        };
        let mut shorter = entries();
        shorter.pop();
        let good = installer(&entries(), &metadata(), &host, 0).unwrap();
        let other = installer(&shorter, &metadata(), &host, 0).unwrap();
        let members = |bytes: &[u8]| xar::read(bytes).unwrap();
        let (good, other) = (members(&good), members(&other));
        let file = |members: &[(String, Vec<u8>)], name: &str| {
            members
                .iter()
                .find(|(path, _)| path == name)
                .unwrap()
                .1
                .clone()
        };
        let mixed = xar::write(
            &[
                xar::Node::File {
                    name: "Distribution",
                    data: &file(&good, "Distribution"),
                },
                xar::Node::Folder {
                    name: "tool.pkg",
                    children: vec![
                        xar::Node::File {
                            name: "Bom",
                            data: &file(&other, "tool.pkg/Bom"),
                        },
                        xar::Node::File {
                            name: "PackageInfo",
                            data: &file(&good, "tool.pkg/PackageInfo"),
                        },
                        xar::Node::File {
                            name: "Payload",
                            data: &file(&good, "tool.pkg/Payload"),
                        },
                    ],
                },
            ],
            0,
        )
        .unwrap();
        let err = read(&mixed).err().unwrap().to_string();
        assert!(err.contains("Bom does not list exactly"), "{err}");
    }

    #[test]
    fn identifiers_must_be_reverse_dns() {
        for good in ["io.github.owner.tool", "com.example.my-tool", "org.x2.a"] {
            assert_eq!(check_identifier(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("tool", "two labels"),
            ("2com.example", "start with a letter"),
            ("com..tool", "empty label"),
            ("com.example.", "empty label"),
            ("com.example.my_tool", "'_' is not"),
            ("com.example.my tool", "' ' is not"),
            ("com.-tool", "hyphen"),
        ] {
            let err = check_identifier(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn identifiers_are_made_from_the_repository_or_homepage() {
        let package = |repository: Option<&str>, homepage: Option<&str>| Program {
            repository: repository.map(str::to_owned),
            homepage: homepage.map(str::to_owned),
            ..Program::for_tests("my_tool")
        };
        let made = |repository, homepage| derived_identifier(&package(repository, homepage));
        assert_eq!(
            made(Some("https://github.com/Some_Owner/x"), None).as_deref(),
            Some("io.github.Some-Owner.my-tool")
        );
        assert_eq!(
            made(Some("https://gitlab.com/group/x"), None).as_deref(),
            Some("io.gitlab.group.my-tool")
        );
        assert_eq!(
            made(None, Some("https://www.example.org/tool")).as_deref(),
            Some("org.example.my-tool")
        );
        assert_eq!(made(None, Some("https://docs.rs/my_tool")), None);
        assert_eq!(made(None, None), None);
        let err = PkgMetadata::new(&package(None, None))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("Set `pkg-identifier`"), "{err}");
        let mut named = package(None, None);
        named.pkg_identifier = Some("my_tool".to_owned());
        let err = PkgMetadata::new(&named).err().unwrap().to_string();
        assert!(err.contains("not a reverse-DNS name"), "{err}");
    }
}
