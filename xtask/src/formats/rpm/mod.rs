//! RPM binary packages (`.rpm`), written directly, without rpmbuild.
//!
//! An RPM v4 file is four parts: a 96-byte lead (only its magic and
//! version are still read), the signature header (sizes and digests of
//! what follows), the main header (the package's metadata and file list),
//! and the payload (a gzip-compressed cpio archive of the files, paths
//! starting `./`). Reference: <https://rpm-software-management.github.io/rpm/manual/format_v4.html>
//! and the tag numbers of rpm's `include/rpm/rpmtag.h`.
//!
//! Metadata is the same as the .deb's: the package's Cargo.toml, with
//! `[package.metadata.deb]`'s `maintainer`, `revision` and
//! `extended-description`. `[package.metadata.generate-rpm]` overrides it,
//! with cargo-generate-rpm's key names: `name`, `release`, `summary`,
//! `license`, `url`, `requires`.
//!
//! This module writes the package ([`RpmMetadata::build`]). Each other
//! part has its own: [`metadata`] (what the package says, from Cargo.toml),
//! [`header`] (the header structure) and [`tag`] (its tag numbers),
//! [`cpio`] (the payload), [`requires`] (Requires, from the binary),
//! [`names`] (how Cargo's names and versions become RPM's), [`sign`] (the
//! OpenPGP signature, when a key is given) and [`read`] (opening a package
//! as verify does).

mod header;
mod metadata;
mod names;
mod read;
mod requires;
mod sign;
mod tag;

use anyhow::{Context, Result};
use md5::Md5;
use sha2::{Digest, Sha256};

use crate::formats::ShippedBinary;
use crate::formats::docs::{Distro, Docs};
use crate::formats::{archive, cpio};
use crate::targets::TargetSpec;
use crate::util::digest::hex;

use header::{Header, IMMUTABLE_REGION, SIGNATURES_REGION, Value};
pub use metadata::RpmMetadata;
/// The keys of `[package.metadata.generate-rpm]`, for the configuration
/// reference's test.
#[cfg(test)]
pub use metadata::RpmTable;
use names::Requirement;
pub use read::read_rpm;
pub use sign::{GPG, RpmSigner, key_given};

// Dependency flags (`rpmsenseFlags`).
const SENSE_LESS: u32 = 1 << 1;
const SENSE_GREATER: u32 = 1 << 2;
const SENSE_EQUAL: u32 = 1 << 3;
const SENSE_FIND_REQUIRES: u32 = 1 << 14;
const SENSE_RPMLIB: u32 = 1 << 24;

// File flags (`rpmfileAttrs`).
const FILE_DOC: u32 = 1 << 1;
const FILE_LICENSE: u32 = 1 << 7;

/// The features of rpm itself this package's format needs, as rpmbuild
/// records them: file names stored as folder + base name, payload paths
/// starting `./`, and SHA-256 file digests.
const RPMLIB_FEATURES: [(&str, &str); 3] = [
    ("rpmlib(CompressedFileNames)", "3.0.4-1"),
    ("rpmlib(FileDigests)", "4.6.0-1"),
    ("rpmlib(PayloadFilesHavePrefix)", "4.0-1"),
];

impl RpmMetadata {
    /// Builds the package of `binaries`, the included files (`(file name,
    /// contents)`: licenses go to `/usr/share/licenses/<name>/`, the rest
    /// to `/usr/share/doc/<name>/`), man pages and completions, for
    /// `spec`'s architecture.
    pub fn build(
        &self,
        spec: &TargetSpec,
        binaries: &[ShippedBinary],
        included: &[(String, Vec<u8>)],
        docs: &Docs,
        signer: Option<&RpmSigner>,
        mtime: u64,
    ) -> Result<Vec<u8>> {
        let arch = spec
            .rpm_arch
            .with_context(|| format!("{} has no RPM architecture", spec.triple))?;
        let files = self.files(binaries, included, docs)?;
        let mtime = u32::try_from(mtime).context("SOURCE_DATE_EPOCH is after 2106")?;

        let members: Vec<cpio::Member> = files
            .iter()
            .enumerate()
            .map(|(i, file)| cpio::Member {
                path: &file.payload_path,
                mode: file.mode,
                data: &file.data,
                inode: i as u32 + 1,
            })
            .collect();
        let cpio = cpio::newc(&members, mtime);
        let payload = archive::gzip_best(&cpio)?;

        let mut requires: Vec<Requirement> = Vec::new();
        if !spec.static_binary {
            let mut found = Vec::new();
            for binary in binaries {
                found.extend(
                    requires::shared_library_requires(&binary.data).with_context(|| {
                        format!(
                            "cannot work out what the {} binary {} requires",
                            spec.triple, binary.name
                        )
                    })?,
                );
            }
            found.sort();
            found.dedup();
            requires.extend(
                found
                    .into_iter()
                    .map(|name| Requirement::new(&name, SENSE_FIND_REQUIRES, "")),
            );
        }
        requires.extend(self.requires.iter().cloned());
        requires.extend(RPMLIB_FEATURES.iter().map(|(name, version)| {
            Requirement::new(name, SENSE_RPMLIB | SENSE_LESS | SENSE_EQUAL, version)
        }));
        requires.sort();

        let header = self.header(arch, &files, &requires, &payload, mtime);
        let header_bytes = header.to_bytes(IMMUTABLE_REGION);
        let openpgp = match signer {
            Some(signer) => Some(signer.sign(&header_bytes, mtime.into())?),
            None => None,
        };
        let signature = signature(&header_bytes, &payload, cpio.len(), openpgp);

        let mut rpm = lead(
            &format!("{}-{}-{}", self.name, self.version, self.release),
            arch,
        );
        rpm.extend(&signature);
        rpm.resize(rpm.len().next_multiple_of(8), 0);
        rpm.extend(header_bytes);
        rpm.extend(payload);
        Ok(rpm)
    }

    /// Every file and folder the package owns, sorted by path (rpm looks
    /// files up by binary search).
    fn files(
        &self,
        binaries: &[ShippedBinary],
        included: &[(String, Vec<u8>)],
        docs: &Docs,
    ) -> Result<Vec<File>> {
        let mut files: Vec<File> = binaries
            .iter()
            .map(|binary| {
                File::new(
                    format!("/usr/bin/{}", binary.name),
                    0o100755,
                    binary.data.clone(),
                    0,
                )
            })
            .collect();
        for (folder, flags, is_license) in [
            (
                format!("/usr/share/licenses/{}", self.name),
                FILE_LICENSE,
                true,
            ),
            (format!("/usr/share/doc/{}", self.name), FILE_DOC, false),
        ] {
            let chosen: Vec<&(String, Vec<u8>)> = included
                .iter()
                .filter(|(name, _)| is_license_file(name) == is_license)
                .collect();
            if !chosen.is_empty() {
                files.push(File::new(folder.clone(), 0o040755, Vec::new(), 0));
            }
            for (name, data) in chosen {
                files.push(File::new(
                    format!("{folder}/{name}"),
                    0o100644,
                    data.clone(),
                    flags,
                ));
            }
        }
        for (path, data) in docs.installed_files(Distro::Fedora)? {
            let flags = if path.starts_with("/usr/share/man/") {
                FILE_DOC
            } else {
                0
            };
            files.push(File::new(path, 0o100644, data, flags));
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// The main header: the package's metadata, its file list and what it
    /// requires.
    fn header(
        &self,
        arch: &str,
        files: &[File],
        requires: &[Requirement],
        payload: &[u8],
        mtime: u32,
    ) -> Header {
        let evr = format!("{}-{}", self.version, self.release);
        let mut header = Header::default();
        self.set_package_tags(&mut header, arch, files, mtime, &evr);
        set_file_tags(&mut header, files, mtime);
        self.set_relation_tags(&mut header, requires, mtime, &evr);
        let mut set = |tag: u32, value: Value| header.set(tag, value);
        set(tag::PAYLOAD_FORMAT, Value::String("cpio".into()));
        set(tag::PAYLOAD_COMPRESSOR, Value::String("gzip".into()));
        set(tag::PAYLOAD_FLAGS, Value::String("9".into()));
        set(tag::FILE_DIGEST_ALGO, Value::Int32(vec![DIGEST_SHA256]));
        set(tag::ENCODING, Value::String("utf-8".into()));
        set(
            tag::PAYLOAD_DIGEST,
            Value::StringArray(vec![hex(&Sha256::digest(payload))]),
        );
        set(tag::PAYLOAD_DIGEST_ALGO, Value::Int32(vec![DIGEST_SHA256]));
        header
    }

    /// What the package is: name, version, summary, license, build time.
    fn set_package_tags(
        &self,
        header: &mut Header,
        arch: &str,
        files: &[File],
        mtime: u32,
        evr: &str,
    ) {
        let mut set = |tag: u32, value: Value| header.set(tag, value);
        set(tag::I18N_TABLE, Value::StringArray(vec!["C".into()]));
        set(tag::NAME, Value::String(self.name.clone()));
        set(tag::VERSION, Value::String(self.version.clone()));
        set(tag::RELEASE, Value::String(self.release.clone()));
        set(tag::SUMMARY, Value::I18nString(self.summary.clone()));
        set(
            tag::DESCRIPTION,
            Value::I18nString(self.description.clone()),
        );
        set(tag::BUILD_TIME, Value::Int32(vec![mtime]));
        // A fixed name: the build machine's would make builds differ.
        set(tag::BUILD_HOST, Value::String("localhost".into()));
        let size = files.iter().map(|f| f.data.len() as u32).sum();
        set(tag::SIZE, Value::Int32(vec![size]));
        set(tag::LICENSE, Value::String(self.license.clone()));
        if let Some(packager) = &self.packager {
            set(tag::PACKAGER, Value::String(packager.clone()));
        }
        set(tag::GROUP, Value::I18nString(self.group.clone()));
        if let Some(url) = &self.url {
            set(tag::URL, Value::String(url.clone()));
        }
        set(tag::OS, Value::String("linux".into()));
        set(tag::ARCH, Value::String(arch.into()));
        let source = format!("{}-{evr}.src.rpm", self.name);
        set(tag::SOURCE_RPM, Value::String(source));
    }

    /// What it provides and requires, and its one changelog entry.
    fn set_relation_tags(
        &self,
        header: &mut Header,
        requires: &[Requirement],
        mtime: u32,
        evr: &str,
    ) {
        let mut set = |tag: u32, value: Value| header.set(tag, value);
        set(
            tag::PROVIDE_NAME,
            Value::StringArray(vec![self.name.clone()]),
        );
        set(tag::PROVIDE_FLAGS, Value::Int32(vec![SENSE_EQUAL]));
        set(
            tag::PROVIDE_VERSION,
            Value::StringArray(vec![evr.to_owned()]),
        );
        let names = requires.iter().map(|r| r.name.clone()).collect();
        set(tag::REQUIRE_NAME, Value::StringArray(names));
        set(
            tag::REQUIRE_FLAGS,
            Value::Int32(requires.iter().map(|r| r.flags).collect()),
        );
        let versions = requires.iter().map(|r| r.version.clone()).collect();
        set(tag::REQUIRE_VERSION, Value::StringArray(versions));
        set(tag::CHANGELOG_TIME, Value::Int32(vec![mtime]));
        let author = self.packager.as_deref().unwrap_or(&self.name);
        set(
            tag::CHANGELOG_NAME,
            Value::StringArray(vec![format!("{author} - {evr}")]),
        );
        let text = format!("- Release {}", self.version);
        set(tag::CHANGELOG_TEXT, Value::StringArray(vec![text]));
    }
}

/// rpm's number for SHA-256 (`PGPHASHALGO_SHA256`).
const DIGEST_SHA256: u32 = 8;

/// One file or folder of the package.
struct File {
    path: String,
    /// The path in the payload: `.` + path.
    payload_path: String,
    /// Mode with the file type bits.
    mode: u32,
    data: Vec<u8>,
    flags: u32,
}

impl File {
    fn new(path: String, mode: u32, data: Vec<u8>, flags: u32) -> File {
        File {
            payload_path: format!(".{path}"),
            path,
            mode,
            data,
            flags,
        }
    }

    /// The SHA-256 of a regular file; nothing for a folder.
    fn digest(&self) -> String {
        if self.mode & 0o170000 == 0o100000 {
            hex(&Sha256::digest(&self.data))
        } else {
            String::new()
        }
    }
}

/// Whether an included file is a license (`LICENSE`, `LICENSE-MIT`,
/// `COPYING`, …), which RPM marks as such and installs apart from docs.
fn is_license_file(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["LICENSE", "LICENCE", "COPYING", "NOTICE"]
        .iter()
        .any(|prefix| upper.starts_with(prefix))
}

/// The lead: magic, format 3.0, a binary package, its name, Linux, and the
/// header-style signature that follows.
fn lead(name: &str, arch: &str) -> Vec<u8> {
    // rpmrc's `arch_canon` numbers; only `file` still shows them.
    let arch_number: u16 = match arch {
        "x86_64" | "i686" => 1,
        "armv7hl" => 12,
        "ppc64le" => 16,
        "aarch64" => 19,
        "riscv64" => 22,
        _ => 0,
    };
    let mut lead = vec![0xed, 0xab, 0xee, 0xdb, 3, 0];
    lead.extend(0u16.to_be_bytes());
    lead.extend(arch_number.to_be_bytes());
    let mut name_field = [0u8; 66];
    let length = name.len().min(65);
    name_field[..length].copy_from_slice(&name.as_bytes()[..length]);
    lead.extend(name_field);
    lead.extend(1u16.to_be_bytes());
    lead.extend(5u16.to_be_bytes());
    lead.extend([0; 16]);
    lead
}

/// The signature header: the size and digests rpm checks before it trusts
/// the main header and payload (what `rpm -K` reports), and the OpenPGP
/// signature of the header, if there is one.
fn signature(
    header: &[u8],
    payload: &[u8],
    payload_size: usize,
    openpgp: Option<Vec<u8>>,
) -> Vec<u8> {
    let mut md5 = Md5::new();
    md5.update(header);
    md5.update(payload);
    let mut signature = Header::default();
    signature.set(tag::SIG_SHA256, Value::String(hex(&Sha256::digest(header))));
    signature.set(
        tag::SIG_SIZE,
        Value::Int32(vec![(header.len() + payload.len()) as u32]),
    );
    signature.set(tag::SIG_MD5, Value::Bin(md5.finalize().to_vec()));
    signature.set(
        tag::SIG_PAYLOAD_SIZE,
        Value::Int32(vec![payload_size as u32]),
    );
    if let Some(openpgp) = openpgp {
        signature.set(tag::SIG_OPENPGP_HEADER, Value::Bin(openpgp));
    }
    signature.to_bytes(SIGNATURES_REGION)
}

/// Each file's size, mode, time, digest, owner and place, in the order of
/// the payload.
fn set_file_tags(header: &mut Header, files: &[File], mtime: u32) {
    let strings = |f: &dyn Fn(&File) -> String| Value::StringArray(files.iter().map(f).collect());
    let numbers = |f: &dyn Fn(&File) -> u32| Value::Int32(files.iter().map(f).collect());
    let mut folders: Vec<String> = Vec::new();
    let mut folder_indexes = Vec::new();
    let mut base_names = Vec::new();
    for file in files {
        let (folder, base) = file.path.rsplit_once('/').expect("absolute paths");
        let folder = format!("{folder}/");
        let index = match folders.iter().position(|known| *known == folder) {
            Some(index) => index,
            None => {
                folders.push(folder);
                folders.len() - 1
            }
        };
        folder_indexes.push(index as u32);
        base_names.push(base.to_owned());
    }
    let mut set = |tag: u32, value: Value| header.set(tag, value);
    set(tag::FILE_SIZES, numbers(&|f| f.data.len() as u32));
    let modes = files.iter().map(|f| f.mode as u16).collect();
    set(tag::FILE_MODES, Value::Int16(modes));
    set(tag::FILE_RDEVS, Value::Int16(vec![0; files.len()]));
    set(tag::FILE_MTIMES, numbers(&|_| mtime));
    set(tag::FILE_DIGESTS, strings(&|f| f.digest()));
    set(tag::FILE_LINKTOS, strings(&|_| String::new()));
    set(tag::FILE_FLAGS, numbers(&|f| f.flags));
    set(tag::FILE_USERNAME, strings(&|_| "root".into()));
    set(tag::FILE_GROUPNAME, strings(&|_| "root".into()));
    set(tag::FILE_VERIFY_FLAGS, numbers(&|_| u32::MAX));
    set(tag::FILE_DEVICES, numbers(&|_| 1));
    set(
        tag::FILE_INODES,
        Value::Int32((1..=files.len() as u32).collect()),
    );
    set(tag::FILE_LANGS, strings(&|_| String::new()));
    set(tag::DIR_INDEXES, Value::Int32(folder_indexes));
    set(tag::BASENAMES, Value::StringArray(base_names));
    set(tag::DIRNAMES, Value::StringArray(folders));
}
