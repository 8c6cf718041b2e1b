//! Debian binary packages (`.deb`), written directly, without dpkg-deb.
//!
//! A `.deb` is an `ar` archive of three members, in this order:
//! `debian-binary` (the format version, `2.0`), `control.tar.gz` (the
//! `control` file and `md5sums`) and `data.tar.gz` (the files to install,
//! paths starting `./`). Everything here is deterministic: the same binary
//! and metadata always make the same bytes.
//!
//! Metadata comes from the package's Cargo.toml; `[package.metadata.deb]`
//! overrides it, with cargo-deb's key names ([`DebTable`]). cargo-deb keys
//! that dist does not implement are refused by name, never ignored.
//!
//! Each part has its own module: [`control`] (the control file, md5sums,
//! changelog, version and name mapping), [`copyright`] (the DEP-5 file),
//! [`depends`] (Depends, from the binary), [`assets`] (cargo-deb's list of
//! files to install) and [`ar`] (the container).

mod ar;
mod assets;
mod control;
mod copyright;
mod depends;
mod table;

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::formats::ShippedBinary;
use crate::formats::archive::{self, Entry};
use crate::formats::docs::{Distro, Docs};
use crate::formats::program::Program;
use crate::targets::TargetSpec;

use assets::Asset;
pub use control::{check_package_name, debian_version};
use control::{installed_size_kib, md5sums};
pub use copyright::check_license_texts;
use copyright::copyright_file;
use depends::shared_library_depends;
pub use table::{DebTable, Relations};

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
    /// cargo-deb's `assets`: what the package installs in place of the
    /// binaries under `/usr/bin`.
    pub assets: Option<Vec<Asset>>,
}

impl DebMetadata {
    /// Reads and checks the Debian metadata of `package`. `root` is the
    /// workspace root, where license files are looked for.
    pub fn from_package(package: &Program, root: &Path, mtime: u64) -> Result<DebMetadata> {
        let deb = DebTable::read(&package.deb)?;
        let name = match deb.name {
            Some(name) => name,
            None => package.name.replace('_', "-").to_lowercase(),
        };
        check_package_name(&name)?;
        let revision = deb.revision.as_deref().unwrap_or("1");
        let version = debian_version(&package.version, revision)?;
        let maintainer = deb
            .maintainer
            .or_else(|| package.authors.first().cloned())
            .context(
                "a .deb needs a maintainer, and the package has neither `authors` nor \
                 [package.metadata.deb] `maintainer`. Set one: maintainer = \"Name <email>\".",
            )?;
        let year = archive::utc_fields(mtime).0;
        let copyright_holder = deb
            .copyright
            .unwrap_or_else(|| format!("{year}, {}", package.authors.join(", ")));
        let license = package.license.clone().context(
            "a .deb needs a copyright file naming the license, and the package has no `license`. \
             Set `license` (an SPDX expression) in its Cargo.toml.",
        )?;
        Ok(DebMetadata {
            copyright: copyright_file(package, &copyright_holder, &license, root)?,
            name,
            version,
            maintainer,
            section: deb.section.unwrap_or_else(|| "utils".to_owned()),
            priority: deb.priority.unwrap_or_else(|| "optional".to_owned()),
            homepage: package
                .homepage
                .clone()
                .or_else(|| package.repository.clone()),
            synopsis: synopsis(package)?,
            extended_description: deb.extended_description,
            depends: deb.depends.map(|Relations(relations)| relations),
            assets: deb
                .assets
                .map(|assets| {
                    assets::parse(&assets, &package.dir, &package.bins, &package.generated)
                })
                .transpose()?,
        })
    }

    /// The `.deb` file name: `{name}_{version}_{arch}.deb`.
    pub fn file_name(&self, arch: &str) -> String {
        format!("{}_{}_{arch}.deb", self.name, self.version)
    }

    /// Builds the package of `binaries`, with their man pages and
    /// completions, for `spec`'s architecture.
    pub fn build(
        &self,
        spec: &TargetSpec,
        binaries: &[ShippedBinary],
        docs: &Docs,
        mtime: u64,
    ) -> Result<Vec<u8>> {
        let arch = spec
            .debian_arch
            .with_context(|| format!("{} has no Debian architecture", spec.triple))?;
        let data_entries = self.data_entries(arch, binaries, docs, mtime)?;
        let depends = self.depends(spec, binaries)?;
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
        Ok(ar::write(
            &[
                ("debian-binary", b"2.0\n".to_vec()),
                ("control.tar.gz", archive::tar_gz(&control_entries, mtime)?),
                ("data.tar.gz", data_tar_gz?),
            ],
            mtime,
        ))
    }

    /// What the package installs: the binaries (or `assets`), the
    /// copyright file, changelog, man pages and completions, and every
    /// folder on the way to them, as dpkg wants in data.tar.
    fn data_entries(
        &self,
        arch: &str,
        binaries: &[ShippedBinary],
        docs: &Docs,
        mtime: u64,
    ) -> Result<Vec<Entry>> {
        let doc = format!("/usr/share/doc/{}", self.name);
        let mut files = vec![
            (
                format!("{doc}/copyright"),
                self.copyright.clone().into_bytes(),
            ),
            (
                format!("{doc}/{}", self.changelog_name()),
                archive::gzip_best(self.changelog(arch, mtime).as_bytes())?,
            ),
        ];
        files.extend(docs.installed_files(Distro::Debian)?);
        let mut data_entries = self.installed_binaries(binaries)?;
        for (path, data) in files {
            let path = format!(".{path}");
            if data_entries.iter().any(|entry| entry.path == path) {
                bail!(
                    "[package.metadata.deb] `assets` installs {}, where dist puts the package's \
                     own copyright file, changelog, man page or completion. Remove that asset.",
                    &path[1..]
                );
            }
            data_entries.push(Entry::file(path, data));
        }
        let mut folders: Vec<String> = Vec::new();
        for entry in &data_entries {
            let mut path = entry.path.as_str();
            while let Some((parent, _)) = path.rsplit_once('/') {
                if !folders.iter().any(|folder| folder == parent) {
                    folders.push(parent.to_owned());
                }
                path = parent;
            }
        }
        data_entries.extend(folders.into_iter().map(Entry::dir));
        Ok(data_entries)
    }

    /// The binaries under /usr/bin, or what cargo-deb's `assets` lists.
    fn installed_binaries(&self, binaries: &[ShippedBinary]) -> Result<Vec<Entry>> {
        let built = |name: &str| {
            binaries
                .iter()
                .find(|binary| binary.name == name)
                .map(|binary| binary.data.clone())
                .with_context(|| format!("the binary {name} was not built"))
        };
        match &self.assets {
            None => Ok(binaries
                .iter()
                .map(|binary| {
                    Entry::executable(format!("./usr/bin/{}", binary.name), binary.data.clone())
                })
                .collect()),
            Some(assets) => assets
                .iter()
                .map(|asset| {
                    Ok(Entry {
                        path: format!("./{}", asset.dest),
                        data: Some(match &asset.source {
                            assets::Source::Binary(name) => built(name)?,
                            assets::Source::File(data) => data.clone(),
                        }),
                        mode: asset.mode,
                    })
                })
                .collect(),
        }
    }

    /// `Depends:`: what the binaries need of the system (none for a static
    /// one), where `depends` says `$auto` or says nothing.
    fn depends(&self, spec: &TargetSpec, binaries: &[ShippedBinary]) -> Result<Option<String>> {
        let computed = if spec.static_binary {
            None
        } else {
            let all: Vec<&[u8]> = binaries
                .iter()
                .map(|binary| binary.data.as_slice())
                .collect();
            let arch = spec.debian_arch.unwrap_or_default();
            shared_library_depends(&all, arch).with_context(|| {
                format!("cannot work out what the {} binary depends on", spec.triple)
            })?
        };
        Ok(match &self.depends {
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
        })
    }
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
    let members = ar::read(bytes)?;
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

/// The first line of the package's description: the control file's
/// synopsis.
fn synopsis(package: &Program) -> Result<String> {
    let description = package.description.as_deref().context(
        "a .deb needs a description, and the package has none. Set `description` in its Cargo.toml.",
    )?;
    Ok(description
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// A package as cargo metadata would give it, with `deb` as its
    /// `[package.metadata.deb]`, in this crate's folder.
    fn package(deb: Value) -> Program {
        Program {
            description: Some("A tool".to_owned()),
            license: Some("MIT".to_owned()),
            authors: vec!["A <a@example.com>".to_owned()],
            deb: deb.as_object().unwrap().clone(),
            ..Program::for_tests("tool")
        }
    }

    fn binary(name: &str) -> ShippedBinary {
        ShippedBinary {
            name: name.to_owned(),
            data: b"binary".to_vec(),
        }
    }

    /// A workspace root with the license text the copyright file quotes.
    fn root_with_license() -> crate::util::tempdir::TempDir {
        let root = crate::util::tempdir::TempDir::new().unwrap();
        std::fs::write(root.path().join("LICENSE-MIT"), "MIT License text\n").unwrap();
        root
    }

    #[test]
    fn depends_may_be_a_list_of_relations_but_nothing_else() {
        let temp = root_with_license();
        let root = temp.path();
        let listed = package(json!({ "depends": ["$auto", "ca-certificates (>= 2)"] }));
        let metadata = DebMetadata::from_package(&listed, root, 0).unwrap();
        assert_eq!(
            metadata.depends.as_deref(),
            Some("$auto, ca-certificates (>= 2)")
        );
        let numbers = package(json!({ "depends": ["libc6", 3] }));
        let err = DebMetadata::from_package(&numbers, root, 0)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`depends` must be a string or a list of strings"),
            "{err}"
        );
    }

    /// An asset where dist puts the package's own files is refused when
    /// the package is built, naming the path.
    #[test]
    fn an_asset_in_the_place_of_the_copyright_file_is_refused() {
        let temp = root_with_license();
        let root = temp.path();
        let clash = package(json!({ "assets": [
            ["target/release/tool", "usr/bin/", "755"],
            ["Cargo.toml", "usr/share/doc/tool/copyright", "644"],
        ] }));
        let metadata = DebMetadata::from_package(&clash, root, 0).unwrap();
        let spec = crate::targets::lookup("x86_64-unknown-linux-musl").unwrap();
        let err = metadata
            .build(spec, &[binary("tool")], &Docs::default(), 0)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("installs /usr/share/doc/tool/copyright, where dist puts"),
            "{err}"
        );
    }

    fn keys_error(deb: Value) -> String {
        DebTable::read(deb.as_object().unwrap())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn keys_dist_would_not_act_on_are_refused_by_name() {
        let known = json!({ "section": "net", "assets": [], "features": ["x"] });
        assert!(DebTable::read(known.as_object().unwrap()).is_ok());
        let err = keys_error(json!({ "extended-descripton": "x" }));
        assert!(
            err.contains("[package.metadata.deb] has a key `extended-descripton`"),
            "{err}"
        );
        assert!(
            err.contains("Did you mean `extended-description`?"),
            "{err}"
        );
        for key in ["maintainer-scripts", "conf-files", "systemd-units"] {
            let err = keys_error(json!({ key: "x" }));
            assert!(err.contains(&format!("cargo-deb's `{key}`")), "{err}");
            assert!(err.contains("build the .deb with cargo-deb"), "{err}");
        }
        let err = keys_error(json!({ "section": 3 }));
        assert!(
            err.contains("[package.metadata.deb] `section` must be a string, not integer `3`"),
            "{err}"
        );
    }
}
