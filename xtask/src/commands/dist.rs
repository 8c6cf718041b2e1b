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
//! Everything is decided first, in the release plan ([`ReleasePlan`]):
//! names, metadata, each cargo invocation, each binary's checks and every
//! artifact, so bad configuration fails in a second, and `--dry-run` prints
//! the plan and stops. Execution carries the plan out, and the release it
//! publishes must hold exactly the artifacts planned. Until publishing,
//! artifacts live in a hidden staging folder inside the output folder: a
//! failed or killed run leaves the previous release as it was.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::binary::authenticode::{self, AuthenticodeSigner};
use crate::binary::{elf, headers, macho, macho_imports, macho_strip};
use crate::build::generated_docs::{self, Printed};
use crate::build::reproducible;
use crate::build::{apple_sdk, cargo, prebuilt, smoke, wasm_bindgen};
use crate::cli::DistArgs;
use crate::formats::docs::Docs;
use crate::formats::rpm::{self, RpmSigner};
use crate::formats::{ShippedBinary, msi};
use crate::machine::tools::tools_dir;
use crate::plan::{self, BuildStep, Check, PackagePlan, PrintedBy, ReleasePlan, Selection, Work};
use crate::release::finish::{self, Provenance, Release};
use crate::release::layout::{ReleaseLayout, Signers};
use crate::release::manifest::{Artifact, Facts, Manifest, SmokeResult};
use crate::release::publish::{self, Staging};
use crate::release::sbom;
use crate::release::signing::{self, Signer};
use crate::report::{Outcome, Report};
use crate::targets::{self, Os};
use crate::util::progress;
use crate::util::stopwatch::Stopwatch;
use crate::vocab::{Format, Tool};
use crate::workspace::Workspace;
use crate::workspace::config::{Configured, Package};

pub fn run(ws: &Workspace, args: &DistArgs) -> Result<()> {
    let selection = Selection {
        targets: &args.selection.targets,
        prebuilt: args.prebuilt.as_deref(),
        target_dir: &ws.config.target_dir,
    };
    let (plan, layouts) = plan::make(ws, &selection)?;
    if args.dry_run {
        match args.json {
            true => println!("{}", serde_json::to_string_pretty(&plan)?),
            false => print!("{plan}"),
        }
        return Ok(());
    }
    for ignored in &plan.ignored_keys {
        progress::note(format_args!("{ignored}"));
    }
    let stopwatch = Stopwatch::default();
    let finished = carry_out(ws, args, &plan, layouts, &stopwatch)?;
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

/// The whole of dist after planning, each stage's time added to
/// `stopwatch`: `build` is the time in cargo, the rest is what dist adds
/// to it. Until publishing, artifacts wait in a staging folder inside the
/// output folder; a failed dist leaves no folder it made.
fn carry_out(
    ws: &Workspace,
    args: &DistArgs,
    plan: &ReleasePlan,
    layouts: Vec<ReleaseLayout>,
    stopwatch: &Stopwatch,
) -> Result<Finished> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| publish::default_out_dir(&ws.config.target_dir));
    let staging = Staging::open(&out, "dist-staging")?;
    let signer = prepare_machine(ws, args)?;
    let started = Instant::now();
    let dist = Dist {
        ws,
        plan,
        signers: signers(ws)?,
        layouts,
        printed: RefCell::default(),
        stopwatch,
    };
    let release = Release {
        config: &ws.config,
        per_target: dist.every_target(staging.path())?,
        provenance: provenance(ws, plan.source_date_epoch),
        signer: signer.as_ref(),
        staging: staging.path(),
        out: &out,
    };
    let manifest = finish::finish(&ws.sh, release, stopwatch)?;
    manifest.check_holds(&plan.artifact_names())?;
    Ok(Finished {
        manifest,
        out,
        took: started.elapsed(),
    })
}

/// Installs what the selected targets and the keys given need, and
/// checks the release's signing key, if one is given.
fn prepare_machine(ws: &Workspace, args: &DistArgs) -> Result<Option<Signer>> {
    let targets = ws.select(&args.selection.targets)?;
    let signer = Signer::from_env()?;
    let tools = tools_for_keys_and_formats(&targets, signer.is_some());
    ws.provision(&targets, &tools, args.install.no_install)?;
    if let Some(signer) = &signer {
        signer.check(&ws.sh)?;
    }
    Ok(signer)
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
    if rpm::key_given() {
        tools.push(rpm::GPG);
    }
    if targets.iter().any(|t| t.formats.contains(&Format::Msi)) {
        tools.extend(msi::TOOLS);
    }
    let windows = targets.iter().any(|t| t.spec.os == Os::Windows);
    if windows && authenticode::key_given() {
        tools.push(authenticode::OSSLSIGNCODE);
    }
    tools
}

/// What signs each package's artifacts, in the configuration's order of
/// packages, with the keys given: the .rpm key is
/// shared, and each package's Authenticode signatures name it and its page.
fn signers(ws: &Workspace) -> Result<Vec<Signers>> {
    let rpm = RpmSigner::from_env(&ws.sh)?.map(Rc::new);
    let mut signed = Vec::new();
    for package in &ws.config.packages {
        let page = package
            .homepage
            .as_deref()
            .or(package.repository.as_deref());
        let authenticode = AuthenticodeSigner::from_env(&package.name, page)?.map(Rc::new);
        signed.push(Signers {
            rpm: rpm.clone(),
            authenticode,
        });
    }
    Ok(signed)
}

/// What carrying out every target's plan shares.
struct Dist<'a> {
    ws: &'a Workspace,
    plan: &'a ReleasePlan,
    /// Each package's layout and signers, in the configuration's order.
    layouts: Vec<ReleaseLayout>,
    signers: Vec<Signers>,
    /// What each package's binaries printed of `generate`, by package:
    /// printed once, by the build the plan names.
    printed: RefCell<BTreeMap<String, Vec<Printed>>>,
    stopwatch: &'a Stopwatch,
}

impl Dist<'_> {
    /// Carries out each target's plan into `staging`, in the plan's order,
    /// and fails, after the table of results, if any target failed.
    fn every_target(&self, staging: &Path) -> Result<Vec<Artifact>> {
        let mut report = Report::default();
        let mut artifacts = Vec::new();
        for target in &self.plan.targets {
            let packages = match &target.work {
                Work::Build { packages, .. } => packages,
                Work::NotHere { reason } => {
                    report.push(target.target, Outcome::NotHere(reason.clone()));
                    continue;
                }
            };
            let configured = self.ws.config.target(target.target)?;
            // Every shipped package of the target, or the target fails.
            let made = packages.iter().try_fold(Vec::new(), |mut made, planned| {
                made.extend(self.one(configured, planned)?.dist(staging)?);
                anyhow::Ok(made)
            });
            let done = Outcome::ran_or_build_only(configured.spec);
            report.push(
                target.target,
                Outcome::of(made.map(|made| artifacts.extend(made)), done),
            );
        }
        let built_any = report.any_built();
        report.finish("dist")?;
        if !built_any {
            bail!(
                "nothing to build here: no selected target can be built on this machine (the \
                 table above says why). Select other targets, or build these where it says."
            );
        }
        Ok(artifacts)
    }

    /// One shipped package's plan on `configured`, with what it shares.
    fn one<'a>(
        &'a self,
        configured: &'a Configured,
        planned: &'a PackagePlan,
    ) -> Result<OneTarget<'a>> {
        let (index, package) = self.ws.config.package(&planned.package)?;
        Ok(OneTarget {
            dist: self,
            planned,
            layout: &self.layouts[index],
            signers: &self.signers[index],
            package,
            configured,
        })
    }
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
    progress::summary(format_args!(
        "\n{} artifacts in {}:",
        manifest.artifacts.len(),
        out.display()
    ));
    for artifact in &manifest.artifacts {
        progress::summary(format_args!(
            "  {:<52} {:>9} bytes  smoke run: {}",
            artifact.name,
            artifact.size,
            artifact.smoke_run.name()
        ));
    }
    let in_cargo = stopwatch.of(BUILD);
    match in_cargo.is_zero() {
        true => progress::summary(format_args!(
            "dist took {:.1} s, and built nothing",
            took.as_secs_f64()
        )),
        false => progress::summary(format_args!(
            "dist took {:.1} s, of which the cargo builds {:.1} s ({:.3}x)",
            took.as_secs_f64(),
            in_cargo.as_secs_f64(),
            took.as_secs_f64() / in_cargo.as_secs_f64()
        )),
    }
    print_stages(stopwatch);
}

/// Each stage's time, one line each.
fn print_stages(stopwatch: &Stopwatch) {
    let stages = stopwatch.stages();
    let width = stages.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, took) in stages {
        progress::line(format_args!(
            "  {name:<width$}  {:>8.2} s",
            took.as_secs_f64()
        ));
    }
}

/// One shipped package on one target, and its plan.
struct OneTarget<'a> {
    dist: &'a Dist<'a>,
    planned: &'a PackagePlan,
    layout: &'a ReleaseLayout,
    signers: &'a Signers,
    package: &'a Package,
    configured: &'a Configured,
}

/// The stage that is cargo's own work, which the rest is measured against.
const BUILD: &str = "build";

impl OneTarget<'_> {
    /// Builds, checks, smoke-runs and packages it into `staging`.
    fn dist(&self, staging: &Path) -> Result<Vec<Artifact>> {
        self.announce();
        let sbom = self.sbom()?;
        let (made, smoke_run) = match self.configured.spec.os {
            Os::Browser => self.web_package()?,
            _ => self.program_packages()?,
        };
        let mut artifacts = Vec::new();
        let planned = &self.planned.artifacts;
        for (planned, bytes) in planned.iter().zip(made.into_iter().chain(sbom)) {
            let package = (self.package.name.as_str(), self.package.bins.as_slice());
            let (name, format) = (planned.name.clone(), planned.format);
            let facts = self.facts(smoke_run);
            let artifact = Artifact::new(
                name,
                self.configured.triple(),
                format,
                &bytes,
                package,
                facts,
            );
            publish::stage(staging, &artifact, &bytes)?;
            artifacts.push(artifact);
        }
        Ok(artifacts)
    }

    /// The SBOM, where one is planned. It needs only the dependency graph:
    /// a graph cargo cannot resolve stops the target before its build.
    fn sbom(&self) -> Result<Option<Vec<u8>>> {
        let artifacts = &self.planned.artifacts;
        if !artifacts.iter().any(|a| a.format == Format::Sbom) {
            return Ok(None);
        }
        let (sh, triple) = (&self.dist.ws.sh, self.configured.triple());
        self.dist
            .stopwatch
            .time("sbom", || sbom::for_target(sh, self.package, triple))
            .map(Some)
    }

    /// What the manifest records of each artifact besides its bytes: how
    /// its binaries ran (`smoke_run`), the target's floors, the rustflags,
    /// and whether zig linked them against the record of Apple's libraries
    /// (for verify to check their imports again).
    fn facts(&self, smoke_run: SmokeResult) -> Facts {
        let mut checks = self.planned.binaries.iter().flat_map(|b| &b.checks);
        Facts {
            smoke_run,
            glibc_floor: self.configured.glibc_floor,
            macos_floor: self.configured.macos_floor,
            rustflags: self.planned.rustflags.clone(),
            apple_stubs: checks.any(|check| *check == Check::AppleImports),
            image_digest: None,
        }
    }

    /// The binaries, from the planned build or the prebuilt folder.
    fn binaries(&self) -> Result<cargo::Built> {
        match &self.planned.build {
            BuildStep::Prebuilt(dir) => prebuilt::binaries(dir, self.configured.spec, self.package),
            BuildStep::Cargo(invocation) => self.dist.stopwatch.time(BUILD, || {
                reproducible::prepare_target_dir(
                    &self.dist.ws.config.target_dir,
                    self.configured.spec,
                )?;
                if let Some(sdk) = &self.planned.stub_sdk {
                    let tools = tools_dir(&self.dist.ws.config.target_dir);
                    apple_sdk::write(&self.dist.ws.sh, &tools, &sdk.dir, &sdk.libraries)?;
                }
                let build = invocation.cmd(&self.dist.ws.sh);
                cargo::build(build, self.configured.spec, &self.package.bins)
            }),
        }
    }

    /// A program's (or firmware's) binaries, built, checked and smoke-run,
    /// in each of the planned formats but the SBOM: their bytes, in order.
    fn program_packages(&self) -> Result<(Vec<Vec<u8>>, SmokeResult)> {
        let built = self.binaries()?;
        let docs = Docs::read(built.out_dir.as_deref(), &self.package.bins)?;
        // A package with `generate` has its binaries print more of them.
        let docs = match self.dist.plan.printed_by(&self.package.name) {
            Some(by) => docs.with_printed(&self.printed_docs(by, &built)?),
            None => docs,
        };
        let mut smoke_run = SmokeResult::NotRun;
        let mut binaries = Vec::new();
        for ((name, path), planned) in built.executables.iter().zip(&self.planned.binaries) {
            let (binary, smoked) = self.checked_binary(name, path, &planned.checks)?;
            smoke_run = smoked;
            if !docs.covers(name) {
                progress::detail(format_args!(
                    "{name}: no man page or completions (its build script wrote none)"
                ));
            }
            binaries.push(binary);
        }
        Ok((self.packaged(&binaries, &docs)?, smoke_run))
    }

    /// A web package's npm package: its module built and checked, given
    /// JavaScript bindings by wasm-bindgen, and loaded in Node.js.
    fn web_package(&self) -> Result<(Vec<Vec<u8>>, SmokeResult)> {
        let (ws, spec, package) = (self.dist.ws, self.configured.spec, self.package);
        let BuildStep::Cargo(invocation) = &self.planned.build else {
            bail!("a web package is built here: the plan has no prebuilt module")
        };
        let module = self.dist.stopwatch.time(BUILD, || {
            cargo::build_wasm_module(invocation.cmd(&ws.sh), spec, &package.bins[0])
        })?;
        let data =
            std::fs::read(&module).with_context(|| format!("cannot read {}", module.display()))?;
        let header = headers::check(spec, &data)
            .map_err(|err| anyhow::anyhow!("the {} module {err:#}", spec.triple))?;
        progress::detail(format_args!("{header}"));
        let out = ws
            .config
            .target_dir
            .join("wasm-bindgen")
            .join(&package.name);
        let bindings = self.dist.stopwatch.time("wasm-bindgen", || {
            wasm_bindgen::generate(&ws.sh, &module, &package.bins[0], &out)
        })?;
        let smoked = self
            .dist
            .stopwatch
            .time("smoke run", || smoke::load_in_node(&ws.sh, &bindings))?;
        let bytes = self
            .dist
            .stopwatch
            .time(Format::Npm.name(), || {
                self.layout.npm_package(package, &bindings)
            })
            .with_context(|| format!("cannot make {}", self.planned.artifacts[0].name))?;
        Ok((vec![bytes], smoked))
    }

    /// The man pages and completions the package's binaries print, by the
    /// binaries the plan names: this build's, an earlier target's, or a
    /// build for the build machine itself.
    fn printed_docs(&self, by: &PrintedBy, built: &cargo::Built) -> Result<Vec<Printed>> {
        let generate = &self.package.generate;
        if let Some(printed) = self.dist.printed.borrow().get(&self.package.name) {
            return Ok(printed.clone());
        }
        let printed = match by {
            PrintedBy::Target(triple) if *triple == self.configured.triple() => {
                generated_docs::print(&self.dist.ws.sh, generate, &built.executables)?
            }
            PrintedBy::Target(triple) => bail!(
                "{}'s man pages and completions are printed by its {triple} binaries, which \
                 were not built (that target failed)",
                self.package.name
            ),
            PrintedBy::HostBuild(invocation) => {
                progress::step(format_args!(
                    "{}: built for this machine to print its man pages and completions",
                    self.package.name
                ));
                let host = self.dist.ws.toolchain.host.as_str();
                let spec = targets::lookup(host).context("this machine is in the target table")?;
                let build = invocation.cmd(&self.dist.ws.sh);
                let host = cargo::build(build, spec, &self.package.bins)?;
                generated_docs::print(&self.dist.ws.sh, generate, &host.executables)?
            }
        };
        let mut cache = self.dist.printed.borrow_mut();
        cache.insert(self.package.name.clone(), printed.clone());
        Ok(printed)
    }

    fn announce(&self) {
        let spec = self.configured.spec;
        // Which package, where there are several.
        let of = match self.dist.ws.config.packages.len() {
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
        progress::step(format_args!(
            "dist {}{of}: building with {how}{features}",
            spec.triple
        ));
    }

    /// The binary `name` at `path`, put through its planned `checks`
    /// (Mach-O strip, floors, headers, smoke run, signature).
    fn checked_binary(
        &self,
        name: &str,
        path: &Path,
        checks: &[Check],
    ) -> Result<(ShippedBinary, SmokeResult)> {
        let spec = self.configured.spec;
        let mut binary =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let what = match self.package.bins.len() {
            1 => format!("the {} binary", spec.triple),
            _ => format!("the {} binary {name}", spec.triple),
        };
        let mut smoked = SmokeResult::NotRun;
        for check in checks {
            smoked = self
                .check(check, &what, name, path, &mut binary)?
                .unwrap_or(smoked);
        }
        let shipped = ShippedBinary {
            name: name.to_owned(),
            data: binary,
        };
        Ok((shipped, smoked))
    }

    /// Carries out one check of `binary` (`what`, as errors name it; the
    /// file at `path`): the smoke run's result, for a smoke run.
    fn check(
        &self,
        check: &Check,
        what: &str,
        name: &str,
        path: &Path,
        binary: &mut Vec<u8>,
    ) -> Result<Option<SmokeResult>> {
        let spec = self.configured.spec;
        match check {
            Check::StripLocalSymbols => strip_local_symbols(what, binary),
            Check::AppleImports => {
                let checked = macho_imports::check(what, binary)?;
                progress::detail(format_args!(
                    "{checked} imports, each one Apple's libraries export"
                ));
            }
            Check::GlibcFloor(floor) => {
                let libraries = spec.debian_libraries();
                elf::check_glibc_floor(what, binary, *floor, libraries.as_deref())?
            }
            Check::MacosFloor(floor) => macho::check_macos_floor(what, binary, *floor)?,
            Check::Headers => {
                // Its errors read as the rest of a sentence about the binary.
                let header = headers::check(spec, binary)
                    .map_err(|err| anyhow::anyhow!("{what} {err:#}"))?;
                progress::detail(format_args!("{header}"));
            }
            Check::SmokeRun { args, .. } => return self.smoke_run(name, path, args).map(Some),
            Check::SmokeRunSkipped { why } => {
                progress::step(format_args!(
                    "dist {}: {name} not smoke-run: {why}",
                    spec.triple
                ));
                return Ok(Some(SmokeResult::Skipped));
            }
            Check::NoSmokeRun { why } => {
                progress::step(format_args!("dist {}: not smoke-run: {why}", spec.triple));
                return Ok(Some(SmokeResult::NotRun));
            }
            Check::Authenticode => self.sign(name, binary)?,
            Check::LoadBindingsInNode => bail!("{what} is a program, not a web module"),
        }
        Ok(None)
    }

    /// Signs the Windows executable `name` (Authenticode) with the key
    /// given, before it is packaged, so that every package holds the
    /// signed file.
    fn sign(&self, name: &str, binary: &mut Vec<u8>) -> Result<()> {
        let unsigned = ShippedBinary {
            name: name.to_owned(),
            data: std::mem::take(binary),
        };
        let signed = self.dist.stopwatch.time("signing binaries", || {
            self.layout
                .signed_binary(self.signers, self.configured.spec, unsigned)
        })?;
        *binary = signed.data;
        if authenticode::is_signed_pe(binary) {
            progress::detail(format_args!("signed (Authenticode)"));
        }
        Ok(())
    }

    /// Runs the binary `name` at `path` with `args` under the target's
    /// runner: it must print the release's version.
    fn smoke_run(&self, name: &str, path: &Path, args: &[String]) -> Result<SmokeResult> {
        let (ws, spec, version) = (self.dist.ws, self.configured.spec, &self.package.version);
        self.dist.stopwatch.time("smoke run", || {
            smoke::run(&ws.sh, &ws.config.root, spec, name, path, version, args)
        })
    }

    /// Each planned format of `binaries` but the SBOM: their bytes, in
    /// the plan's order.
    fn packaged(&self, binaries: &[ShippedBinary], docs: &Docs) -> Result<Vec<Vec<u8>>> {
        let spec = self.configured.spec;
        let mut made = Vec::new();
        for planned in self
            .planned
            .artifacts
            .iter()
            .filter(|a| a.format != Format::Sbom)
        {
            let bytes = self
                .dist
                .stopwatch
                .time(planned.format.name(), || {
                    self.layout
                        .package(self.signers, spec, &planned.recipe, binaries, docs)
                })
                .with_context(|| format!("cannot make {}", planned.name))?;
            progress::detail(format_args!("-> {} ({} bytes)", planned.name, bytes.len()));
            made.push(bytes);
        }
        Ok(made)
    }
}

/// Removes a Mach-O binary's local symbols, as rustc's strip is off for
/// Mach-O (see the table's macOS rows), so dist strips the same way
/// wherever the checkout is. Stripping only saves space: where it cannot,
/// the binary ships as the linker wrote it, its signature untouched.
fn strip_local_symbols(what: &str, binary: &mut Vec<u8>) {
    if !macho::is_macho(binary) {
        return;
    }
    match macho_strip::strip_local_symbols(binary) {
        Ok(0) => {}
        Ok(removed) => progress::detail(format_args!(
            "stripped {removed} local symbols, and signed again where signed"
        )),
        Err(why) => progress::detail(format_args!(
            "note: {what} ships with its local symbols: the strip does not understand its \
             layout ({why:#})"
        )),
    }
}
