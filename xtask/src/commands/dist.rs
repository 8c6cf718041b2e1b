//! `cargo xtask dist`: release artifacts for every configured target.
//!
//! The pipeline, per target: build with the release profile (`dist` unless
//! configured), the package's features and the reproducibility flags added
//! to the user's rustflags (glibc targets with `cargo zigbuild`, against the
//! glibc floor) → check the binary's headers and floors → smoke-run it
//! under its runner (it must report the release's version) → package it in
//! each of the target's formats → checksum. Then, once every target has
//! succeeded, [`finish`] makes what serves several targets and publishes:
//! it moves the artifacts into the output folder and writes `SHA256SUMS`
//! and `dist-manifest.json` last, exactly as `merge` does.
//!
//! Everything that can be checked without building is checked first (names,
//! Debian metadata, the output folder), so bad configuration fails in a
//! second. Until publishing, artifacts live in a hidden staging folder inside
//! the output folder: a failed or killed run leaves the previous release as
//! it was.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::binary::authenticode::{self, AuthenticodeSigner};
use crate::binary::generated_docs::{self, Printed};
use crate::binary::{elf, headers, macho, macho_strip, smoke};
use crate::build::reproducible;
use crate::build::rustflags::ReleaseFlags;
use crate::build::{apple_frameworks, cargo, prebuilt, wasm_bindgen};
use crate::cli::DistArgs;
use crate::formats::docs::Docs;
use crate::formats::rpm::{self, RpmSigner};
use crate::formats::{ShippedBinary, msi};
use crate::release::finish::{self, Provenance, Release};
use crate::release::layout::{ReleaseLayout, Signers};
use crate::release::manifest::{Artifact, Manifest, SmokeResult};
use crate::release::signing::{self, Signer};
use crate::release::{publish, sbom};
use crate::report::{Outcome, Report};
use crate::targets::{self, Builder, Os, Runner};
use crate::util::stopwatch::Stopwatch;
use crate::util::tempdir::TempDir;
use crate::vocab::{Format, Tool};
use crate::workspace::Workspace;
use crate::workspace::config::{Configured, Package};

pub fn run(ws: &Workspace, args: &DistArgs) -> Result<()> {
    let stopwatch = Stopwatch::default();
    let finished = timed(ws, args, &stopwatch)?;
    print_summary(&finished, &stopwatch);
    Ok(())
}

/// A release dist made: its manifest, where it is, and how long it took
/// from the first build to the last file published.
struct Finished {
    pub manifest: Manifest,
    pub out: PathBuf,
    pub took: Duration,
}

/// The whole of dist, each stage's time added to `stopwatch`: `build` is
/// the time in cargo, the rest is what dist adds to it.
fn timed(ws: &Workspace, args: &DistArgs, stopwatch: &Stopwatch) -> Result<Finished> {
    let targets = ws.select(&args.selection.targets)?;
    let prebuilt = args.prebuilt.as_deref();
    if let Some(dir) = prebuilt {
        prebuilt::check_selection(dir, &targets)?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| publish::default_out_dir(&ws.config.target_dir));
    let mtime = reproducible::source_date_epoch(&ws.sh)?;
    let layouts = ReleaseLayout::all(&ws.config, &targets, mtime)?;
    let staging = prepare_out_dir(&out)?;
    let signer = Signer::from_env()?;
    let tools = tools_for_keys_and_formats(&targets, signer.is_some());
    ws.provision(&targets, &tools, args.install.no_install)?;
    if let Some(signer) = &signer {
        signer.check(&ws.sh)?;
    }
    let layouts = with_signers(ws, layouts)?;

    let started = Instant::now();
    let artifacts =
        build_every_target(ws, &layouts, &targets, prebuilt, staging.path(), stopwatch)?;
    let release = Release {
        config: &ws.config,
        per_target: artifacts,
        provenance: provenance(ws, mtime),
        signer: signer.as_ref(),
        staging: staging.path(),
        out: &out,
    };
    let manifest = finish::finish(&ws.sh, release, stopwatch)?;
    Ok(Finished {
        manifest,
        out,
        took: started.elapsed(),
    })
}

/// The tools that the keys given and the formats asked for need, beside
/// the targets' own.
fn tools_for_keys_and_formats(
    targets: &[&Configured],
    minisign: bool,
) -> Vec<(Tool, &'static str)> {
    let mut tools = Vec::new();
    if minisign {
        tools.push(signing::MINISIGN);
    }
    if std::env::var_os(rpm::KEY_VARIABLE).is_some_and(|key| !key.is_empty()) {
        tools.push(rpm::GPG);
    }
    if targets.iter().any(|t| t.formats.contains(&Format::Msi)) {
        tools.extend(msi::TOOLS);
    }
    let windows = targets.iter().any(|t| t.spec.os == Os::Windows);
    if windows && std::env::var(authenticode::KEY_VARIABLE).is_ok_and(|key| !key.is_empty()) {
        tools.push(authenticode::OSSLSIGNCODE);
    }
    tools
}

/// Each package's layout, signing with the keys given: the .rpm key is
/// shared, and each package's Authenticode signatures name it and its page.
fn with_signers(ws: &Workspace, layouts: Vec<ReleaseLayout>) -> Result<Vec<ReleaseLayout>> {
    let rpm = RpmSigner::from_env(&ws.sh)?.map(Rc::new);
    let mut signed = Vec::new();
    for (layout, package) in layouts.into_iter().zip(&ws.config.packages) {
        let page = package
            .homepage
            .as_deref()
            .or(package.repository.as_deref());
        let authenticode = AuthenticodeSigner::from_env(&package.name, page)?.map(Rc::new);
        signed.push(layout.with_signers(Signers {
            rpm: rpm.clone(),
            authenticode,
        }));
    }
    Ok(signed)
}

/// Builds, checks and packages every package for every target into
/// `staging`, or packages the `prebuilt` binaries, and fails, after the
/// table of results, if any target failed. Targets that run natively go
/// first: their binaries print the man pages and completions every target
/// ships (`generate`).
fn build_every_target(
    ws: &Workspace,
    layouts: &[ReleaseLayout],
    targets: &[&Configured],
    prebuilt: Option<&Path>,
    staging: &Path,
    stopwatch: &Stopwatch,
) -> Result<Vec<Artifact>> {
    let mut report = Report::default();
    let mut artifacts = Vec::new();
    let printed = RefCell::new(BTreeMap::new());
    let mut ordered = targets.to_vec();
    ordered.sort_by_key(|configured| configured.spec.runner != Runner::Native);
    for configured in ordered {
        if let Some(reason) = why_not_here(ws, configured, prebuilt)? {
            report.push(configured.triple(), Outcome::NotHere(reason));
            continue;
        }
        // Every shipped package of the target, or the target fails.
        let made: Result<Vec<Artifact>> = ws
            .config
            .packages_for(configured.spec)
            .map(|(index, package)| {
                let target = OneTarget {
                    ws,
                    layout: &layouts[index],
                    package,
                    configured,
                    printed: &printed,
                    prebuilt,
                    stopwatch,
                };
                target.dist(staging)
            })
            .collect::<Result<Vec<_>>>()
            .map(|made| made.into_iter().flatten().collect());
        let done = Outcome::ran_or_build_only(configured.spec);
        report.push(
            configured.triple(),
            Outcome::of(made.map(|made| artifacts.extend(made)), done),
        );
    }
    let built_any = report.any_built();
    report.finish("dist")?;
    if !built_any {
        bail!(
            "nothing to build here: no selected target can be built on this machine (the table \
             above says why). Select other targets, or build these where it says."
        );
    }
    Ok(artifacts)
}

/// Why `configured` cannot be built on this machine, if it cannot: an
/// MSVC target, unless its binaries were built elsewhere (`prebuilt`); a
/// macOS target that zig links (a Mac links with its own SDK) of a package
/// that links Apple frameworks, with no SDK.
pub fn why_not_here(
    ws: &Workspace,
    configured: &Configured,
    prebuilt: Option<&Path>,
) -> Result<Option<String>> {
    let spec = configured.spec;
    if prebuilt.is_none() {
        if let Some(reason) = spec.built_elsewhere() {
            return Ok(Some(reason));
        }
    }
    if spec.os != Os::Darwin || spec.builder() != Builder::Zigbuild {
        return Ok(None);
    }
    for package in &ws.config.packages {
        if let Some(reason) = apple_frameworks::why_not_here(&ws.sh, package, configured.triple())?
        {
            return Ok(Some(reason));
        }
    }
    Ok(None)
}

/// The commit and source date the release is built from.
fn provenance(ws: &Workspace, source_date_epoch: u64) -> Provenance {
    let (git_commit, git_dirty) = match reproducible::git_commit(&ws.sh) {
        Some((commit, dirty)) => (Some(commit), dirty),
        None => (None, false),
    };
    Provenance {
        source_date_epoch,
        git_commit,
        git_dirty,
    }
}

/// The artifacts, and what dist cost on top of the builds it asked cargo
/// for, stage by stage.
fn print_summary(finished: &Finished, stopwatch: &Stopwatch) {
    let Finished {
        manifest,
        out,
        took,
    } = finished;
    eprintln!(
        "\n{} artifacts in {}:",
        manifest.artifacts.len(),
        out.display()
    );
    for artifact in &manifest.artifacts {
        eprintln!(
            "  {:<52} {:>9} bytes  smoke run: {}",
            artifact.name,
            artifact.size,
            artifact.smoke_run.name()
        );
    }
    let in_cargo = stopwatch.of(BUILD);
    match in_cargo.is_zero() {
        true => eprintln!("dist took {:.1} s, and built nothing", took.as_secs_f64()),
        false => eprintln!(
            "dist took {:.1} s, of which the cargo builds {:.1} s ({:.3}x)",
            took.as_secs_f64(),
            in_cargo.as_secs_f64(),
            took.as_secs_f64() / in_cargo.as_secs_f64()
        ),
    }
    print_stages(stopwatch);
}

/// Each stage's time, one line each.
fn print_stages(stopwatch: &Stopwatch) {
    let stages = stopwatch.stages();
    let width = stages.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, took) in stages {
        eprintln!("  {name:<width$}  {:>8.2} s", took.as_secs_f64());
    }
}

/// Creates the output folder if needed and a staging folder inside it, which
/// also proves the folder is writable before anything is built.
fn prepare_out_dir(out: &Path) -> Result<TempDir> {
    let problem = |err: &dyn std::fmt::Display| {
        anyhow::anyhow!(
            "cannot write artifacts to {}: {err}. Choose a writable folder with --out DIR.",
            out.display()
        )
    };
    std::fs::create_dir_all(out).map_err(|err| problem(&err))?;
    TempDir::new_in(out, "dist-staging").map_err(|err| problem(&err.root_cause()))
}

/// One shipped package on one target.
struct OneTarget<'a> {
    ws: &'a Workspace,
    layout: &'a ReleaseLayout,
    package: &'a Package,
    configured: &'a Configured,
    /// What each package's binaries printed of `generate`, by package:
    /// printed once, by the first build that runs here.
    printed: &'a RefCell<BTreeMap<String, Vec<Printed>>>,
    /// Where the binaries are, if they were built elsewhere.
    prebuilt: Option<&'a Path>,
    stopwatch: &'a Stopwatch,
}

/// The stage that is cargo's own work, which the rest is measured against.
const BUILD: &str = "build";

impl OneTarget<'_> {
    /// Builds, checks, smoke-runs and packages it into `staging`.
    fn dist(&self, staging: &Path) -> Result<Vec<Artifact>> {
        self.announce();
        // The SBOM needs only the dependency graph: a graph cargo cannot
        // resolve stops the target before its build.
        let sbom = match self.ws.config.sbom {
            true => Some(self.stopwatch.time("sbom", || {
                sbom::for_target(&self.ws.sh, self.package, self.configured.triple())
            })?),
            false => None,
        };
        let config = &self.ws.config;
        let spec = self.configured.spec;
        let flags = reproducible::release_flags(&config.root, &config.target_dir, spec)?;
        let (mut made, smoke_run) = match spec.os {
            Os::Browser => self.web_package(&flags)?,
            _ => self.program_packages(&flags)?,
        };
        if let Some(bytes) = sbom {
            made.push((
                self.layout.artifact_name(spec, Format::Sbom),
                Format::Sbom,
                bytes,
            ));
        }
        let mut artifacts = Vec::new();
        for (name, format, bytes) in made {
            let package = self.package;
            let mut artifact = Artifact::new(
                name,
                spec.triple,
                format,
                &bytes,
                &package.name,
                &package.bins,
            );
            artifact.smoke_run = smoke_run;
            artifact.glibc_floor = self.configured.glibc_floor;
            artifact.macos_floor = self.configured.macos_floor;
            // A prebuilt binary's flags were the other machine's business.
            if self.prebuilt.is_none() {
                artifact.rustflags = flags.recorded.clone();
            }
            publish::stage(staging, &artifact, &bytes)?;
            artifacts.push(artifact);
        }
        Ok(artifacts)
    }

    /// A program's (or firmware's) binaries, built, checked and smoke-run,
    /// in each of the target's formats.
    fn program_packages(&self, flags: &ReleaseFlags) -> Result<(Vec<Made>, SmokeResult)> {
        let built = match self.prebuilt {
            Some(dir) => prebuilt::binaries(dir, self.configured.spec, self.package)?,
            None => self.stopwatch.time(BUILD, || {
                build_release_binaries(self.ws, self.package, self.configured, flags)
            })?,
        };
        let docs = Docs::read(built.out_dir.as_deref(), &self.package.bins)?
            .with_printed(&self.printed_docs(&built)?);
        let mut smoke_run = SmokeResult::NotRun;
        let mut binaries = Vec::new();
        for (name, path) in &built.executables {
            let (binary, smoked) = self.checked_binary(name, path)?;
            smoke_run = smoked;
            if !docs.covers(name) {
                eprintln!("    {name}: no man page or completions (its build script wrote none)");
            }
            binaries.push(binary);
        }
        Ok((self.packaged(&binaries, &docs)?, smoke_run))
    }

    /// A web package's npm package: its module built and checked, given
    /// JavaScript bindings by wasm-bindgen, and loaded in Node.js.
    fn web_package(&self, flags: &ReleaseFlags) -> Result<(Vec<Made>, SmokeResult)> {
        let (ws, spec, package) = (self.ws, self.configured.spec, self.package);
        if self.prebuilt.is_some() {
            bail!(
                "{} is built here, not on another machine: drop --prebuilt",
                spec.triple
            );
        }
        let module = self.stopwatch.time(BUILD, || {
            let build = cargo::release_build(&ws.sh, self.configured)
                .args(["--profile", &ws.config.profile, "--locked"])
                .args(["--package", &package.name])
                .args(package.features.cargo_args());
            cargo::build_wasm_module(flags.apply(build), spec, &package.bins[0])
        })?;
        let data =
            std::fs::read(&module).with_context(|| format!("cannot read {}", module.display()))?;
        let header = headers::check(spec, &data)
            .map_err(|err| anyhow::anyhow!("the {} module {err:#}", spec.triple))?;
        eprintln!("    {header}");
        let out = ws
            .config
            .target_dir
            .join("wasm-bindgen")
            .join(&package.name);
        let bindings = self.stopwatch.time("wasm-bindgen", || {
            wasm_bindgen::generate(&ws.sh, &module, &package.bins[0], &out)
        })?;
        let smoked = self
            .stopwatch
            .time("smoke run", || smoke::load_in_node(&ws.sh, &bindings))?;
        let name = self.layout.artifact_name(spec, Format::Npm);
        let bytes = self
            .stopwatch
            .time(Format::Npm.name(), || {
                self.layout.npm_package(package, &bindings)
            })
            .with_context(|| format!("cannot make {name}"))?;
        Ok((vec![(name, Format::Npm, bytes)], smoked))
    }

    /// The man pages and completions the package's binaries print: from
    /// this build where it runs natively, else from one that did, else
    /// from a build for the build machine itself.
    fn printed_docs(&self, built: &cargo::Built) -> Result<Vec<Printed>> {
        let generate = &self.package.generate;
        if generate.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(printed) = self.printed.borrow().get(&self.package.name) {
            return Ok(printed.clone());
        }
        let printed = match self.configured.spec.runner {
            Runner::Native => generated_docs::print(&self.ws.sh, generate, &built.executables)?,
            _ => {
                let host = self.host_build()?;
                generated_docs::print(&self.ws.sh, generate, &host.executables)?
            }
        };
        let mut cache = self.printed.borrow_mut();
        cache.insert(self.package.name.clone(), printed.clone());
        Ok(printed)
    }

    /// The package built for the build machine, with the release's profile
    /// and features, to print its documentation where no configured
    /// target runs here.
    fn host_build(&self) -> Result<cargo::Built> {
        let ws = self.ws;
        let spec = targets::resolve(
            &ws.toolchain.host,
            &ws.toolchain.host,
            &ws.toolchain.known_targets,
        )?;
        eprintln!(
            "==> {}: built for {} to print its man pages and completions",
            self.package.name, spec.triple
        );
        let build = cargo::command(&ws.sh, spec, "build")
            .args(["--profile", &ws.config.profile, "--locked"])
            .args(["--package", &self.package.name])
            .args(self.package.features.cargo_args());
        cargo::build(build, spec, &self.package.bins)
    }

    fn announce(&self) {
        let spec = self.configured.spec;
        // Which package, where there are several.
        let of = match self.ws.config.packages.len() {
            1 => String::new(),
            _ => format!(" ({})", self.package.name),
        };
        let how = match (self.configured.glibc_floor, self.configured.macos_floor) {
            (Some(floor), _) => format!("cargo zigbuild, against glibc {floor}"),
            (None, Some(floor)) => format!("{}, for macOS {floor} and newer", spec.linker),
            (None, None) => spec.linker.to_string(),
        };
        let features = &self.package.features;
        let features = match features.is_default() {
            true => String::new(),
            false => format!(" ({})", features.cargo_args().join(" ")),
        };
        eprintln!(
            "==> dist {}{of}: building with {how}{features}",
            spec.triple
        );
    }

    /// The binary `name` at `path`, stripped (Mach-O), checked against its
    /// target and floors, smoke-run, and signed where a key is given.
    fn checked_binary(&self, name: &str, path: &Path) -> Result<(ShippedBinary, SmokeResult)> {
        let spec = self.configured.spec;
        let mut binary =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let what = match self.package.bins.len() {
            1 => format!("the {} binary", spec.triple),
            _ => format!("the {} binary {name}", spec.triple),
        };
        if spec.os == Os::Darwin && macho::is_macho(&binary) {
            // rustc's strip is off for Mach-O (see the table's macOS rows):
            // dist strips the same way wherever the checkout is.
            let removed = macho_strip::strip_local_symbols(&mut binary)
                .with_context(|| format!("cannot strip the local symbols of {what}"))?;
            if removed > 0 {
                eprintln!("    stripped {removed} local symbols, and signed again where signed");
            }
        }
        if let Some(floor) = self.configured.glibc_floor {
            elf::check_glibc_floor(&what, &binary, floor)?;
        }
        if let Some(floor) = self.configured.macos_floor {
            macho::check_macos_floor(&what, &binary, floor)?;
        }
        // Its errors read as the rest of a sentence about the binary.
        let header =
            headers::check(spec, &binary).map_err(|err| anyhow::anyhow!("{what} {err:#}"))?;
        eprintln!("    {header}");
        let smoked = self.stopwatch.time("smoke run", || {
            smoke::run(
                &self.ws.sh,
                &self.ws.config.root,
                spec,
                name,
                path,
                &self.layout.version,
                &self.package.smoke_run,
            )
        })?;
        let shipped = ShippedBinary {
            name: name.to_owned(),
            data: binary,
        };
        let binary = self.stopwatch.time("signing binaries", || {
            self.layout.signed_binary(spec, shipped)
        })?;
        if authenticode::is_signed_pe(&binary.data) {
            eprintln!("    signed (Authenticode)");
        }
        Ok((binary, smoked))
    }

    /// Each of the target's formats of `binaries`, with their names.
    fn packaged(&self, binaries: &[ShippedBinary], docs: &Docs) -> Result<Vec<Made>> {
        let spec = self.configured.spec;
        let mut made = Vec::new();
        for &format in &self.configured.formats {
            let name = self.layout.artifact_name(spec, format);
            let bytes = self
                .stopwatch
                .time(format.name(), || {
                    self.layout.package(spec, format, binaries, docs)
                })
                .with_context(|| format!("cannot make {name}"))?;
            made.push((name, format, bytes));
        }
        Ok(made)
    }
}

/// An artifact made: its file name, format and bytes.
type Made = (String, Format, Vec<u8>);

/// Builds `package` for `configured` with the release profile, its
/// features, the reproducibility flags and its glibc floor, and returns
/// where its binaries and its build script's output (man pages,
/// completions) are.
pub fn build_release_binaries(
    ws: &Workspace,
    package: &Package,
    configured: &Configured,
    flags: &ReleaseFlags,
) -> Result<cargo::Built> {
    let spec = configured.spec;
    let build = cargo::release_build(&ws.sh, configured)
        .args(["--profile", &ws.config.profile, "--locked"])
        .args(["--package", &package.name])
        .args(package.features.cargo_args());
    cargo::build(flags.apply(build), spec, &package.bins)
}
