//! What a release is made of, decided before anything is built: the name of
//! every artifact, what each archive holds, and the bytes of each format.
//! Two targets that would write the same file are refused here.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use anyhow::{Context, Result, bail};

use crate::binary::authenticode::AuthenticodeSigner;
use crate::build::wasm_bindgen::Bindings;
use crate::formats::ShippedBinary;
use crate::formats::archive::{self, Entry};
use crate::formats::deb::DebMetadata;
use crate::formats::dmg;
use crate::formats::docs::Docs;
use crate::formats::firmware;
use crate::formats::msi::MsiMetadata;
use crate::formats::npm::{self, NpmMetadata};
use crate::formats::pkg::{self, PkgMetadata};
use crate::formats::rpm::{RpmMetadata, RpmSigner};
use crate::formats::wheel::WheelMetadata;
use crate::targets::{Os, TargetSpec, Version, platforms};
use crate::util::progress;
use crate::vocab::Format;
use crate::workspace::config::{Config, Configured, Kind, Package};

/// Names and contents of one shipped package's artifacts, worked out
/// before building; a release of several packages has one of each.
pub struct ReleaseLayout {
    mtime: u64,
    /// What its artifacts are named after (see [`Package::artifact_name`]).
    name: String,
    pub version: String,
    /// `(path inside the archive, contents)` of the included files.
    extra_files: Vec<(String, Vec<u8>)>,
    /// Present when any configured target makes a .deb.
    deb: Option<DebMetadata>,
    /// Present when any configured target makes an .rpm.
    rpm: Option<RpmMetadata>,
    /// Present when any configured target makes an .msi.
    msi: Option<MsiMetadata>,
    /// Present when any configured target makes a wheel, with each such
    /// target's platform tag.
    wheel: Option<(WheelMetadata, BTreeMap<&'static str, String>)>,
    /// Present when any of the program's targets makes an npm package.
    npm: Option<NpmMetadata>,
    /// Present when any configured target makes a .pkg, with each such
    /// target's macOS floor.
    pkg: Option<(PkgMetadata, MacosFloors)>,
}

/// The macOS floor of each target, by triple.
type MacosFloors = BTreeMap<&'static str, Option<Version>>;

/// What signs a package's artifacts, where keys are given.
#[derive(Default)]
pub struct Signers {
    /// Signs each .rpm (shared by the packages).
    pub rpm: Option<Rc<RpmSigner>>,
    /// Signs each Windows executable and .msi.
    pub authenticode: Option<Rc<AuthenticodeSigner>>,
}

impl ReleaseLayout {
    /// The layout of `package`, one of `config`'s, with the package
    /// metadata of the formats that `targets` (the ones built) make.
    pub fn new(
        config: &Config,
        package: &Package,
        targets: &[&Configured],
        mtime: u64,
    ) -> Result<ReleaseLayout> {
        let targets: Vec<&Configured> = targets
            .iter()
            .copied()
            .filter(|configured| Config::ships(package, configured.spec))
            .collect();
        let mut extra_files = Vec::new();
        for name in &config.include {
            let path = config.root.join(name);
            let data = std::fs::read(&path).with_context(|| {
                format!(
                    "[workspace.metadata.dist] `include` lists {name}, which cannot be read at \
                     {}. Create it or remove it from `include`.",
                    path.display()
                )
            })?;
            let file_name = Path::new(name)
                .file_name()
                .context("an included path names a file")?;
            extra_files.push((file_name.to_string_lossy().into_owned(), data));
        }
        let program = &package.program;
        let makes_deb = targets
            .iter()
            .any(|configured| configured.formats.contains(&Format::Deb));
        let deb = if makes_deb {
            Some(DebMetadata::from_package(program, &config.root, mtime)?)
        } else {
            None
        };
        let makes_rpm = targets
            .iter()
            .any(|configured| configured.formats.contains(&Format::Rpm));
        let rpm = match makes_rpm {
            true => Some(RpmMetadata::from_package(program)?),
            false => None,
        };
        if let Some(rpm) = rpm.as_ref().filter(|rpm| rpm.version != package.version) {
            progress::note(format_args!(
                "the .rpm packages carry version {} for {}: RPM versions cannot hold `-`, \
                 and `~` sorts a pre-release before its release",
                rpm.version, package.version
            ));
        }
        let makes_msi = targets
            .iter()
            .any(|configured| configured.formats.contains(&Format::Msi));
        let msi = match makes_msi {
            true => Some(MsiMetadata::from_package(program)?),
            false => None,
        };
        let layout = ReleaseLayout {
            mtime,
            name: package.artifact_name().to_owned(),
            version: package.version.clone(),
            extra_files,
            deb,
            rpm,
            msi,
            wheel: wheels(config, package)?,
            npm: npm_packages(config, package)?,
            pkg: installer_packages(package, &targets)?,
        };

        Ok(layout)
    }

    /// The layout of each shipped package of `config`, in order, for
    /// building `targets`. Two configured targets, or two packages, that
    /// would write the same file are refused: one would silently be lost.
    pub fn all(config: &Config, targets: &[&Configured], mtime: u64) -> Result<Vec<ReleaseLayout>> {
        let layouts = config
            .packages
            .iter()
            .map(|package| ReleaseLayout::new(config, package, targets, mtime))
            .collect::<Result<Vec<_>>>()?;
        let mut owners: BTreeMap<String, (&str, &str)> = BTreeMap::new();
        for (layout, package) in layouts.iter().zip(&config.packages) {
            let shipped = config
                .targets
                .iter()
                .filter(|configured| Config::ships(package, configured.spec));
            for configured in shipped {
                for &format in &configured.formats {
                    let name = layout.artifact_name(configured.spec, format);
                    let owner = (package.name.as_str(), configured.triple());
                    match owners.insert(name.clone(), owner) {
                        Some((first, triple)) if first == owner.0 => bail!(
                            "targets {triple} and {} would both produce {name}. Give one of \
                             them other formats in [workspace.metadata.dist.formats] in \
                             Cargo.toml.",
                            owner.1
                        ),
                        Some((first, _)) => bail!(
                            "packages `{first}` and `{}` would both produce {name}. Give one \
                             of them another name (its artifacts are named after its binary \
                             when it ships one, else after the package).",
                            owner.0
                        ),
                        None => {}
                    }
                }
            }
        }
        Ok(layouts)
    }

    /// `{name}-{version}-{target}`: the archive's top-level folder and,
    /// with an extension, its file name.
    pub fn archive_stem(&self, spec: &TargetSpec) -> String {
        format!("{}-{}-{}", self.name, self.version, spec.triple)
    }

    /// The wheel metadata, and `spec`'s platform tag.
    fn wheel_of(&self, spec: &TargetSpec) -> Result<(&WheelMetadata, &str)> {
        let (wheel, tags) = self
            .wheel
            .as_ref()
            .context("a wheel was planned without metadata")?;
        let tag = tags
            .get(spec.triple)
            .context("a wheel was planned without a platform tag")?;
        Ok((wheel, tag))
    }

    pub fn artifact_name(&self, spec: &TargetSpec, format: Format) -> String {
        match (
            format,
            &self.deb,
            spec.debian_arch,
            &self.rpm,
            spec.rpm_arch,
        ) {
            (Format::Deb, Some(deb), Some(arch), _, _) => deb.file_name(arch),
            (Format::Rpm, _, _, Some(rpm), Some(arch)) => rpm.file_name(arch),
            (Format::Wheel, ..) => match self.wheel_of(spec) {
                Ok((wheel, platform)) => wheel.file_name(platform),
                Err(_) => format!("{}.{}", self.archive_stem(spec), format.name()),
            },
            _ => format!("{}.{}", self.archive_stem(spec), format.name()),
        }
    }

    /// What a tar.gz or zip of `spec` holds: one folder with the binaries,
    /// the included files, and the man pages and completions.
    pub fn archive_entries(
        &self,
        spec: &TargetSpec,
        binaries: &[ShippedBinary],
        docs: &Docs,
    ) -> Vec<Entry> {
        let stem = self.archive_stem(spec);
        let mut entries = vec![Entry::dir(stem.clone())];
        for binary in binaries {
            entries.push(Entry::executable(
                format!("{stem}/{}", spec.exe_name(&binary.name)),
                binary.data.clone(),
            ));
        }
        for (name, data) in &self.extra_files {
            entries.push(Entry::file(format!("{stem}/{name}"), data.clone()));
        }
        entries.extend(docs.archive_entries(&stem));
        entries
    }

    /// `binary`, signed by `signers` if it is a Windows executable and a key
    /// is given: before it is packaged, so every package holds the signed
    /// file.
    pub fn signed_binary(
        &self,
        signers: &Signers,
        spec: &TargetSpec,
        binary: ShippedBinary,
    ) -> Result<ShippedBinary> {
        match &signers.authenticode {
            Some(signer) if spec.os == Os::Windows => Ok(ShippedBinary {
                data: signer.sign(&binary.data, &spec.exe_name(&binary.name), self.mtime)?,
                ..binary
            }),
            _ => Ok(binary),
        }
    }

    /// The WiX source of `spec`'s .msi.
    pub fn msi_source(&self, spec: &TargetSpec) -> Result<String> {
        let msi = self
            .msi
            .as_ref()
            .context("no configured target makes an .msi")?;
        let included: Vec<&str> = self
            .extra_files
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        msi.wxs(spec, &included)
    }

    /// The bytes of one artifact, signed by `signers` where its format is
    /// signed and a key is given.
    pub fn package(
        &self,
        signers: &Signers,
        spec: &TargetSpec,
        format: Format,
        binaries: &[ShippedBinary],
        docs: &Docs,
    ) -> Result<Vec<u8>> {
        let entries = || self.archive_entries(spec, binaries, docs);
        match format {
            Format::TarGz => archive::tar_gz(&entries(), self.mtime),
            Format::Zip => archive::zip(&entries(), self.mtime),
            Format::Deb => self
                .deb
                .as_ref()
                .context("a .deb was planned without Debian metadata")?
                .build(spec, binaries, docs, self.mtime),
            Format::Rpm => self
                .rpm
                .as_ref()
                .context("an .rpm was planned without RPM metadata")?
                .build(
                    spec,
                    binaries,
                    &self.extra_files,
                    docs,
                    signers.rpm.as_deref(),
                    self.mtime,
                ),
            Format::Msi => {
                let msi = self
                    .msi
                    .as_ref()
                    .context("an .msi was planned without its metadata")?
                    .build(spec, binaries, &self.extra_files, self.mtime)?;
                match &signers.authenticode {
                    Some(signer) => signer.sign(&msi, "package.msi", self.mtime),
                    None => Ok(msi),
                }
            }
            Format::Dmg => dmg::image(&entries(), self.mtime),
            Format::Pkg => self.installer_package(spec, &entries()),
            Format::Elf => Ok(firmware_elf(binaries)?.to_vec()),
            Format::Bin => firmware::bin(firmware_elf(binaries)?),
            Format::Hex => firmware::hex(firmware_elf(binaries)?),
            Format::Sbom => bail!("an SBOM is made from the dependency graph, not packaged"),
            Format::ShellInstaller
            | Format::HomebrewFormula
            | Format::ScoopManifest
            | Format::WingetManifest => {
                bail!("an installer is made from the finished artifacts, not packaged")
            }
            Format::OciImage => {
                bail!("a container image is made from the finished tarballs, not packaged")
            }
            Format::Npm => {
                let platform = platforms::npm(spec)
                    .context("a web package's npm package is made from its bindings")?;
                let npm = self
                    .npm
                    .as_ref()
                    .context("an npm package was planned without metadata")?;
                npm.platform_package((spec, &platform), binaries, &self.extra_files, self.mtime)
            }
            Format::NpmRoot => bail!("the npm root package is made from the finished artifacts"),
            Format::Wheel => {
                let (wheel, platform) = self.wheel_of(spec)?;
                wheel.build(spec, platform, binaries, &self.extra_files, self.mtime)
            }
        }
    }

    /// The .pkg of `spec`'s archive `entries`, for the Macs of its
    /// architecture and floor.
    fn installer_package(&self, spec: &TargetSpec, entries: &[Entry]) -> Result<Vec<u8>> {
        let (metadata, floors) = self
            .pkg
            .as_ref()
            .context("a .pkg was planned without its metadata")?;
        let architectures =
            [platforms::macos_arch(spec).context("a .pkg is made for macOS targets only")?];
        let host = pkg::Host {
            architectures: &architectures,
            floor: floors.get(spec.triple).copied().flatten(),
        };
        pkg::installer(entries, metadata, &host, self.mtime)
    }

    /// The npm package of the web package `package`: `bindings` and the
    /// included files, with a package.json.
    pub fn npm_package(&self, package: &Package, bindings: &Bindings) -> Result<Vec<u8>> {
        let files: Vec<(String, Vec<u8>)> = bindings
            .files
            .iter()
            .chain(&self.extra_files)
            .cloned()
            .collect();
        let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        let manifest = npm::package_json(&package.program, &self.version, bindings, &paths);
        npm::tarball(&manifest, &files, self.mtime)
    }
}

/// The wheel metadata of `package` and the platform tag of each target
/// that makes one, if any does; an error if PyPI would refuse its name or
/// version, before anything is built.
fn wheels(
    config: &Config,
    package: &Package,
) -> Result<Option<(WheelMetadata, BTreeMap<&'static str, String>)>> {
    let tags: BTreeMap<&'static str, String> = config
        .targets
        .iter()
        .filter(|configured| Config::ships(package, configured.spec))
        .filter(|configured| configured.formats.contains(&Format::Wheel))
        .filter_map(|configured| Some((configured.triple(), configured.wheel_platform().ok()?)))
        .collect();
    if tags.is_empty() {
        return Ok(None);
    }
    let metadata = WheelMetadata::new(&package.program, &package.version)
        .with_context(|| format!("package `{}` ships as Python wheels (.whl)", package.name))?;
    Ok(Some((metadata, tags)))
}

/// The npm metadata of a program that ships npm packages; an error if npm
/// would refuse its name, before anything is built.
fn npm_packages(config: &Config, package: &Package) -> Result<Option<NpmMetadata>> {
    let makes_npm = config.targets.iter().any(|configured| {
        Config::ships(package, configured.spec)
            && configured.formats.contains(&Format::Npm)
            && package.kind == Kind::Program
    });
    if !makes_npm {
        return Ok(None);
    }
    let metadata = NpmMetadata::new(&package.program, &package.version)
        .with_context(|| format!("package `{}` ships as npm packages", package.name))?;
    Ok(Some(metadata))
}

/// The .pkg metadata of `package` and the macOS floor of each of its
/// `targets` that makes one, if any does; an error if it has no
/// identifier, or one that is not reverse-DNS, before anything is built.
fn installer_packages(
    package: &Package,
    targets: &[&Configured],
) -> Result<Option<(PkgMetadata, MacosFloors)>> {
    let floors: MacosFloors = targets
        .iter()
        .filter(|configured| configured.formats.contains(&Format::Pkg))
        .map(|configured| (configured.triple(), configured.macos_floor))
        .collect();
    if floors.is_empty() {
        return Ok(None);
    }
    Ok(Some((PkgMetadata::new(&package.program)?, floors)))
}

/// The one image a firmware package's target ships: a firmware release is
/// one image per target, so a package with several binaries is refused.
fn firmware_elf(binaries: &[ShippedBinary]) -> Result<&[u8]> {
    match binaries {
        [one] => Ok(&one.data),
        _ => bail!(
            "a firmware package ships one image per target, and this one has {} binaries. \
             Name the one to ship in [workspace.metadata.dist.bins].",
            binaries.len()
        ),
    }
}
