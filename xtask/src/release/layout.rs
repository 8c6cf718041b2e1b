//! What a release is made of, decided before anything is built: the name of
//! every artifact, what each archive holds, and the bytes of each format.
//! Two targets that would write the same file are refused here.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::binary::authenticode::{self, AuthenticodeSigner};
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
use crate::formats::rpm::{self, RpmMetadata, RpmSigner};
use crate::formats::wheel::WheelMetadata;
use crate::targets::platforms::{self, NpmPlatform};
use crate::targets::{Os, TargetSpec, Version};
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
    /// Each artifact of each configured target that ships the package, by
    /// triple, in the order of the target's formats.
    artifacts: BTreeMap<&'static str, Vec<PlannedArtifact>>,
}

/// One artifact of one target, as planned: its name, its format, and how
/// it is made (the recipe, which holds its format's metadata).
#[derive(Debug, Clone, Serialize)]
pub struct PlannedArtifact {
    pub name: String,
    pub format: Format,
    /// Whether it is signed as a whole: an .rpm with the key in
    /// `RPM_SIGNING_KEY`, an .msi with the one in `WINDOWS_SIGNING_KEY`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub signed: bool,
    #[serde(skip)]
    pub recipe: Recipe,
}

/// How an artifact is made, with everything its format needs for its
/// target: settled when the layout is made, so making the artifact finds
/// nothing missing.
#[derive(Debug, Clone)]
pub enum Recipe {
    /// An archive of the binaries, the included files and the docs.
    Archive(Format),
    Deb(Rc<DebMetadata>),
    Rpm(Rc<RpmMetadata>),
    Msi(Rc<MsiMetadata>),
    /// A wheel, with the target's platform tag.
    Wheel(Rc<WheelMetadata>, String),
    /// A program's npm platform package.
    Npm(Rc<NpmMetadata>, NpmPlatform),
    /// A .pkg, for the Macs of the target's architecture and floor.
    Pkg(Rc<PkgMetadata>, &'static str, Option<Version>),
    /// A firmware image as `.elf`, `.bin` or `.hex`.
    Firmware(Format),
    /// Made elsewhere: the SBOM from the dependency graph, a web package's
    /// npm package from its bindings.
    Elsewhere,
}

/// What signs a package's artifacts, where keys are given.
#[derive(Default)]
pub struct Signers {
    /// Signs each .rpm (shared by the packages).
    pub rpm: Option<Rc<RpmSigner>>,
    /// Signs each Windows executable and .msi.
    pub authenticode: Option<Rc<AuthenticodeSigner>>,
}

impl ReleaseLayout {
    /// The layout of `package`, one of `config`'s: the name and the recipe
    /// of every artifact of every configured target that ships it.
    pub fn new(config: &Config, package: &Package, mtime: u64) -> Result<ReleaseLayout> {
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
        let artifacts = Recipes::new(config, package, mtime).all()?;
        Ok(ReleaseLayout {
            mtime,
            name: package.artifact_name().to_owned(),
            version: package.version.clone(),
            extra_files,
            artifacts,
        })
    }

    /// The layout of each shipped package of `config`, in order. Two
    /// configured targets, or two packages, that would write the same file
    /// are refused: one would silently be lost.
    pub fn all(config: &Config, mtime: u64) -> Result<Vec<ReleaseLayout>> {
        let layouts = config
            .packages
            .iter()
            .map(|package| ReleaseLayout::new(config, package, mtime))
            .collect::<Result<Vec<_>>>()?;
        let mut owners: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
        for (layout, package) in layouts.iter().zip(&config.packages) {
            for (triple, artifacts) in &layout.artifacts {
                for artifact in artifacts.iter().filter(|a| a.format != Format::Sbom) {
                    let (name, owner) = (artifact.name.as_str(), (package.name.as_str(), *triple));
                    match owners.insert(name, owner) {
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

    /// The artifacts of `spec`, in the order of its formats, the SBOM
    /// last; none where it does not ship the package.
    pub fn artifacts(&self, spec: &TargetSpec) -> &[PlannedArtifact] {
        self.artifacts.get(spec.triple).map_or(&[], Vec::as_slice)
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
            .artifacts(spec)
            .iter()
            .find_map(|artifact| match &artifact.recipe {
                Recipe::Msi(msi) => Some(msi),
                _ => None,
            })
            .with_context(|| format!("{} makes no .msi", spec.triple))?;
        let included: Vec<&str> = self
            .extra_files
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        msi.wxs(spec, &included)
    }

    /// The bytes of one artifact of `spec`, made as `recipe` says, signed
    /// by `signers` where its format is signed and a key is given.
    pub fn package(
        &self,
        signers: &Signers,
        spec: &TargetSpec,
        recipe: &Recipe,
        binaries: &[ShippedBinary],
        docs: &Docs,
    ) -> Result<Vec<u8>> {
        let (included, mtime) = (&self.extra_files, self.mtime);
        let entries = || self.archive_entries(spec, binaries, docs);
        match recipe {
            Recipe::Archive(Format::Zip) => archive::zip(&entries(), mtime),
            Recipe::Archive(Format::Dmg) => dmg::image(&entries(), mtime),
            Recipe::Archive(_) => archive::tar_gz(&entries(), mtime),
            Recipe::Deb(deb) => deb.build(spec, binaries, docs, mtime),
            Recipe::Rpm(rpm) => {
                let signer = signers.rpm.as_deref();
                rpm.build(spec, binaries, included, docs, signer, mtime)
            }
            Recipe::Msi(msi) => {
                let msi = msi.build(spec, binaries, included, mtime)?;
                match &signers.authenticode {
                    Some(signer) => signer.sign(&msi, "package.msi", mtime),
                    None => Ok(msi),
                }
            }
            Recipe::Pkg(metadata, architecture, floor) => {
                let architectures = [*architecture];
                let host = pkg::Host {
                    architectures: &architectures,
                    floor: *floor,
                };
                pkg::installer(&entries(), metadata, &host, mtime)
            }
            Recipe::Firmware(Format::Elf) => Ok(firmware_elf(binaries)?.to_vec()),
            Recipe::Firmware(Format::Bin) => firmware::bin(firmware_elf(binaries)?),
            Recipe::Firmware(_) => firmware::hex(firmware_elf(binaries)?),
            Recipe::Npm(npm, platform) => {
                npm.platform_package((spec, platform), binaries, included, mtime)
            }
            Recipe::Wheel(wheel, platform) => {
                wheel.build(spec, platform, binaries, included, mtime)
            }
            Recipe::Elsewhere => bail!("{} is not packaged from binaries", spec.triple),
        }
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

/// The recipes of one package's artifacts, with each format's metadata
/// made once, when the first target that needs it asks: an error if the
/// format would refuse the package (a name npm or PyPI refuses, a .pkg
/// without an identifier), before anything is built.
struct Recipes<'a> {
    config: &'a Config,
    package: &'a Package,
    mtime: u64,
    deb: Option<Rc<DebMetadata>>,
    rpm: Option<Rc<RpmMetadata>>,
    msi: Option<Rc<MsiMetadata>>,
    wheel: Option<Rc<WheelMetadata>>,
    npm: Option<Rc<NpmMetadata>>,
    pkg: Option<Rc<PkgMetadata>>,
}

impl<'a> Recipes<'a> {
    fn new(config: &'a Config, package: &'a Package, mtime: u64) -> Recipes<'a> {
        Recipes {
            config,
            package,
            mtime,
            deb: None,
            rpm: None,
            msi: None,
            wheel: None,
            npm: None,
            pkg: None,
        }
    }

    /// Every artifact of every configured target that ships the package.
    fn all(mut self) -> Result<BTreeMap<&'static str, Vec<PlannedArtifact>>> {
        let mut all = BTreeMap::new();
        let (config, package) = (self.config, self.package);
        for configured in &config.targets {
            if !Config::ships(package, configured.spec) {
                continue;
            }
            let formats = match package.kind {
                Kind::Web => vec![Format::Npm],
                _ => configured.formats.clone(),
            };
            let sbom = config.sbom.then_some(Format::Sbom);
            let laid_out = formats
                .into_iter()
                .chain(sbom)
                .map(|format| self.laid_out(configured, format))
                .collect::<Result<Vec<_>>>()?;
            all.insert(configured.triple(), laid_out);
        }
        Ok(all)
    }

    /// One artifact of `configured`, of `format`.
    fn laid_out(&mut self, configured: &Configured, format: Format) -> Result<PlannedArtifact> {
        let spec = configured.spec;
        let (package, version) = (self.package.artifact_name(), &self.package.version);
        let plain = format!("{package}-{version}-{}.{}", spec.triple, format.name());
        let (name, recipe) = match (format, spec.debian_arch, spec.rpm_arch) {
            (Format::Deb, Some(arch), _) => {
                let deb = self.deb()?;
                (deb.file_name(arch), Recipe::Deb(deb))
            }
            (Format::Rpm, _, Some(arch)) => {
                let rpm = self.rpm()?;
                (rpm.file_name(arch), Recipe::Rpm(rpm))
            }
            (Format::Msi, ..) => (plain, Recipe::Msi(self.msi()?)),
            (Format::Wheel, ..) => {
                let platform = configured
                    .wheel_platform()
                    .map_err(|why| anyhow::anyhow!("{}: {why}", spec.triple))?;
                let wheel = self.wheel()?;
                (wheel.file_name(&platform), Recipe::Wheel(wheel, platform))
            }
            (Format::Npm, ..) => match (self.package.kind, platforms::npm(spec)) {
                (Kind::Program, Some(platform)) => (plain, Recipe::Npm(self.npm()?, platform)),
                _ => (plain, Recipe::Elsewhere),
            },
            (Format::Pkg, ..) => {
                let architecture =
                    platforms::macos_arch(spec).context("a .pkg is made for macOS targets only")?;
                let recipe = Recipe::Pkg(self.pkg()?, architecture, configured.macos_floor);
                (plain, recipe)
            }
            (Format::TarGz | Format::Zip | Format::Dmg, ..) => (plain, Recipe::Archive(format)),
            (Format::Elf | Format::Bin | Format::Hex, ..) => (plain, Recipe::Firmware(format)),
            _ => (plain, Recipe::Elsewhere),
        };
        let signed = match recipe {
            Recipe::Rpm(_) => rpm::key_given(),
            Recipe::Msi(_) => authenticode::key_given(),
            _ => false,
        };
        Ok(PlannedArtifact {
            name,
            format,
            signed,
            recipe,
        })
    }

    fn deb(&mut self) -> Result<Rc<DebMetadata>> {
        let (program, root, mtime) = (&self.package.program, &self.config.root, self.mtime);
        once(&mut self.deb, || {
            DebMetadata::from_package(program, root, mtime)
        })
    }

    fn rpm(&mut self) -> Result<Rc<RpmMetadata>> {
        let package = self.package;
        once(&mut self.rpm, || {
            let rpm = RpmMetadata::from_package(&package.program)?;
            if rpm.version != package.version {
                progress::note(format_args!(
                    "the .rpm packages carry version {} for {}: RPM versions cannot hold `-`, \
                     and `~` sorts a pre-release before its release",
                    rpm.version, package.version
                ));
            }
            Ok(rpm)
        })
    }

    fn msi(&mut self) -> Result<Rc<MsiMetadata>> {
        let program = &self.package.program;
        once(&mut self.msi, || MsiMetadata::from_package(program))
    }

    fn wheel(&mut self) -> Result<Rc<WheelMetadata>> {
        let package = self.package;
        once(&mut self.wheel, || {
            WheelMetadata::new(&package.program, &package.version).with_context(|| {
                format!("package `{}` ships as Python wheels (.whl)", package.name)
            })
        })
    }

    fn npm(&mut self) -> Result<Rc<NpmMetadata>> {
        let package = self.package;
        once(&mut self.npm, || {
            NpmMetadata::new(&package.program, &package.version)
                .with_context(|| format!("package `{}` ships as npm packages", package.name))
        })
    }

    fn pkg(&mut self) -> Result<Rc<PkgMetadata>> {
        let program = &self.package.program;
        once(&mut self.pkg, || PkgMetadata::new(program))
    }
}

/// What `slot` holds, made by `make` the first time.
fn once<T>(slot: &mut Option<Rc<T>>, make: impl FnOnce() -> Result<T>) -> Result<Rc<T>> {
    if let Some(made) = slot {
        return Ok(made.clone());
    }
    let made = Rc::new(make()?);
    *slot = Some(made.clone());
    Ok(made)
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
