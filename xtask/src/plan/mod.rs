//! The release plan: everything `dist` will do, decided before anything is
//! built, as one value that `cargo xtask dist --dry-run` prints.
//!
//! It is made from the configuration and the selection (`--target`,
//! `--prebuilt`, this build machine) and holds:
//! - for each target, in the order they are built, either why it is not
//!   built here or, for each shipped package, the exact cargo invocation
//!   (arguments and environment), the checks each binary gets, and every
//!   artifact with its format and file name;
//! - who prints each package's man pages and completions (`generate`);
//! - the release-wide steps: the universal macOS artifacts, the container
//!   image, the installers, the signature, and the sums and manifest.
//!
//! Every refusal that needs no build is made here, so a bad configuration
//! fails before cargo starts. `dist` carries the plan out and checks that
//! the release it published is the one planned; `bench dist` runs the same
//! invocations bare. `merge` plans the release-wide steps from the parts'
//! manifests ([`release_steps::from_artifacts`]) and checks its release
//! against them the same way.

pub mod ci;
pub mod release_steps;
mod show;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Serialize;
use xshell::Shell;

use crate::binary::authenticode;
use crate::build::apple_frameworks::{self, Linking};
use crate::build::cargo::{self, Invocation};
use crate::build::reproducible;
use crate::build::{apple_sdk, system_libraries};
use crate::machine::tools::tools_dir;
pub use crate::release::layout::PlannedArtifact;
use crate::release::layout::ReleaseLayout;
use crate::targets::{self, Builder, Os, Runner, TargetSpec, Version};
use crate::workspace::config::{Configured, Kind, Package, SmokeRun};
use crate::workspace::{self, Workspace};

pub use release_steps::ReleaseStep;

/// What to plan: the targets asked for, and where the binaries come from.
pub struct Selection<'a> {
    /// `--target`: some of the configured targets, or none for all.
    pub targets: &'a [String],
    /// `--prebuilt DIR`: package the binaries there instead of building.
    pub prebuilt: Option<&'a Path>,
    /// Where cargo builds: the workspace's target folder, or a benchmark's.
    pub target_dir: &'a Path,
}

/// Everything a dist will do, in order.
#[derive(Debug, Serialize)]
pub struct ReleasePlan {
    /// The release's version: the primary package's.
    pub version: String,
    /// Every file time in every artifact.
    pub source_date_epoch: u64,
    /// The selected targets, natively run ones first: their binaries print
    /// the man pages and completions every target ships.
    pub targets: Vec<TargetPlan>,
    /// Where each package's printed man pages and completions come from.
    pub printed_docs: Vec<PrintedDocs>,
    /// The configured targets not selected, whose artifacts are named
    /// all the same: two targets that would write the same file are
    /// refused on each CI runner, not first when `merge` meets both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub named_not_built: Vec<&'static str>,
    /// What is made once the targets are, from their artifacts.
    pub release: Vec<ReleaseStep>,
    /// The configuration's keys that mean nothing here (cargo-dist's), and
    /// why.
    pub ignored_keys: Vec<String>,
    /// Where each selected target is built in CI, in the configured
    /// order: the matrix `cargo xtask plan` prints.
    pub ci: Vec<ci::CiJob>,
}

/// One selected target.
#[derive(Debug, Serialize)]
pub struct TargetPlan {
    pub target: &'static str,
    #[serde(flatten)]
    pub work: Work,
}

/// Whether a target is built here, and if so, what for each package.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case", tag = "work")]
pub enum Work {
    Build {
        /// The Debian packages installed for its build
        /// (`dependencies.apt`), as apt names them.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        system_packages: Vec<String>,
        packages: Vec<PackagePlan>,
    },
    /// It cannot be built on this machine, and this says why and where.
    NotHere { reason: String },
}

/// One shipped package on one target.
#[derive(Debug, Serialize)]
pub struct PackagePlan {
    pub package: String,
    pub build: BuildStep,
    pub binaries: Vec<BinaryPlan>,
    /// In the order they are made.
    pub artifacts: Vec<PlannedArtifact>,
    /// The rustflags the manifest records, without the machine's paths
    /// (none for binaries built elsewhere).
    pub rustflags: Vec<String>,
    /// The stub SDK its macOS build links Apple's libraries against, made
    /// before the build, where it needs one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stub_sdk: Option<StubSdk>,
}

/// A stub macOS SDK: where it is written, and the libraries of the record
/// it holds (`build::apple_sdk`).
#[derive(Debug, Serialize)]
pub struct StubSdk {
    pub dir: PathBuf,
    pub libraries: Vec<&'static str>,
}

/// Where a package's binaries come from.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BuildStep {
    /// This cargo run, whose JSON messages say where they went.
    Cargo(Invocation),
    /// This folder, where another machine built them (`--prebuilt`).
    Prebuilt(PathBuf),
}

/// One binary (or a web package's module) and what is checked of it.
#[derive(Debug, Serialize)]
pub struct BinaryPlan {
    pub name: String,
    pub checks: Vec<Check>,
}

/// A check a binary gets before it is packaged, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Mach-O: the local symbols removed, as rustc's strip is off there.
    StripLocalSymbols,
    /// Mach-O: every symbol it imports from Apple's libraries is one the
    /// record lists, as nothing here can start it to find out.
    AppleImports,
    /// It needs no glibc newer than this.
    GlibcFloor(Version),
    /// It starts on this macOS and newer.
    MacosFloor(Version),
    /// Its headers are the target's: format, architecture, OS.
    Headers,
    /// It runs under this runner with these arguments, and prints the
    /// release's version.
    SmokeRun {
        runner: &'static str,
        args: Vec<String>,
    },
    /// The package turned its smoke run off, for this reason.
    SmokeRunSkipped { why: String },
    /// Nothing here runs it, for this reason.
    NoSmokeRun { why: String },
    /// A Windows executable is signed (Authenticode) with the key given in
    /// `WINDOWS_SIGNING_KEY`, after its smoke run and before it is packaged.
    Authenticode,
    /// wasm-bindgen writes its JavaScript bindings, which Node.js loads.
    LoadBindingsInNode,
}

/// Where a package's printed documentation (`generate`) comes from.
#[derive(Debug, Serialize)]
pub struct PrintedDocs {
    pub package: String,
    pub by: PrintedBy,
}

/// Which binaries print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrintedBy {
    /// This target's, which runs here and is built first.
    Target(&'static str),
    /// A build for this machine, made only for that.
    HostBuild(Invocation),
}

/// The plan for `selection`, and the packages' layouts, which name every
/// artifact and make their bytes. The layouts cover every configured
/// target, not only the selected ones: with `--target`, as on each CI
/// runner, two targets that would write the same file are refused there,
/// and not first when `merge` meets both files.
pub fn make(
    ws: &Workspace,
    selection: &Selection<'_>,
) -> Result<(ReleasePlan, Vec<ReleaseLayout>)> {
    let source_date_epoch = reproducible::source_date_epoch(&ws.sh)?;
    let layouts = ReleaseLayout::all(&ws.config, source_date_epoch)?;
    let plan = ReleasePlan::new(ws, &layouts, selection, source_date_epoch)?;
    Ok((plan, layouts))
}

impl ReleasePlan {
    fn new(
        ws: &Workspace,
        layouts: &[ReleaseLayout],
        selection: &Selection<'_>,
        source_date_epoch: u64,
    ) -> Result<ReleasePlan> {
        // Commands are planned from a shell of their own, so that they
        // carry only their own variables (not the xtask's PATH).
        let sh = Shell::new()?;
        sh.change_dir(&ws.config.root);
        let mut selected = ws.select(selection.targets)?;
        let hosted = ws.config.hosted_packages().join(" ");
        let ci = selected
            .iter()
            .map(|configured| ci::job(configured, &hosted))
            .collect::<Result<Vec<_>>>()?;
        if let Some(dir) = selection.prebuilt {
            crate::build::prebuilt::check_selection(dir, &selected)?;
        }
        selected.sort_by_key(|configured| configured.spec.runner != Runner::Native);
        let targets = selected
            .into_iter()
            .map(|configured| TargetPlan::new(ws, &sh, layouts, configured, selection))
            .collect::<Result<Vec<_>>>()?;
        let printed_docs = printed_docs(ws, &sh, &targets)?;
        let named_not_built = ws.config.targets.iter().map(Configured::triple);
        let named_not_built = named_not_built
            .filter(|triple| !targets.iter().any(|plan| plan.target == *triple))
            .collect();
        let release = release_steps::plan(&ws.config, &targets)?;
        Ok(ReleasePlan {
            version: ws.config.primary().version.clone(),
            source_date_epoch,
            targets,
            printed_docs,
            named_not_built,
            release,
            ignored_keys: ws.config.ignored.iter().map(ToString::to_string).collect(),
            ci,
        })
    }

    /// The plan of `triple` and `package`, where it is built here.
    pub fn package(&self, triple: &str, package: &str) -> Option<&PackagePlan> {
        self.targets
            .iter()
            .filter(|plan| plan.target == triple)
            .flat_map(|plan| match &plan.work {
                Work::Build { packages, .. } => packages.as_slice(),
                Work::NotHere { .. } => &[],
            })
            .find(|plan| plan.package == package)
    }

    /// Who prints `package`'s documentation, if it has `generate`.
    pub fn printed_by(&self, package: &str) -> Option<&PrintedBy> {
        self.printed_docs
            .iter()
            .find(|docs| docs.package == package)
            .map(|docs| &docs.by)
    }

    /// The file name of every artifact the release will hold, sorted.
    pub fn artifact_names(&self) -> Vec<String> {
        let per_target = self.targets.iter().flat_map(|plan| match &plan.work {
            Work::Build { packages, .. } => packages.as_slice(),
            Work::NotHere { .. } => &[],
        });
        let mut names: Vec<String> = per_target
            .flat_map(|package| package.artifacts.iter().map(|a| a.name.clone()))
            .chain(self.release.iter().flat_map(ReleaseStep::artifacts))
            .collect();
        names.sort();
        names
    }
}

impl TargetPlan {
    fn new(
        ws: &Workspace,
        sh: &Shell,
        layouts: &[ReleaseLayout],
        configured: &Configured,
        selection: &Selection<'_>,
    ) -> Result<TargetPlan> {
        let target = configured.triple();
        if let Some(reason) = why_not_here(ws, configured, selection.prebuilt)? {
            return Ok(TargetPlan {
                target,
                work: Work::NotHere { reason },
            });
        }
        let packages = ws
            .config
            .packages_for(configured.spec)
            .map(|(index, package)| {
                PackagePlan::new(ws, sh, &layouts[index], package, configured, selection)
            })
            .collect::<Result<Vec<_>>>()?;
        let system_packages = match selection.prebuilt {
            Some(_) => Vec::new(),
            None => workspace::system_packages(&[configured])
                .into_iter()
                .map(|package| package.apt_name)
                .collect(),
        };
        Ok(TargetPlan {
            target,
            work: Work::Build {
                system_packages,
                packages,
            },
        })
    }
}

/// Why `configured` cannot be built on this machine, if it cannot: an
/// MSVC target, unless its binaries were built elsewhere (`prebuilt`); a
/// target a package's crates would link a system library for that they do
/// not compile and nothing installs, or a musl target given one to link
/// ([`system_libraries`]); a macOS target that zig links (a Mac links with
/// its own SDK) of a package that links an Apple library the record lacks,
/// with no SDK.
fn why_not_here(
    ws: &Workspace,
    configured: &Configured,
    prebuilt: Option<&Path>,
) -> Result<Option<String>> {
    let spec = configured.spec;
    if prebuilt.is_some() {
        return Ok(None);
    }
    if let Some(reason) = spec.built_elsewhere() {
        return Ok(Some(reason));
    }
    if let Some(reason) = system_libraries::musl_asked_to_link(configured) {
        return Ok(Some(reason));
    }
    for package in &ws.config.packages {
        if let Some(reason) = system_libraries::why_not_here(&ws.sh, package, configured)? {
            return Ok(Some(reason));
        }
    }
    match spec.os == Os::Darwin && spec.builder() == Builder::Zigbuild {
        true => why_zig_cannot_link(ws, configured),
        false => Ok(None),
    }
}

/// Why zig cannot link `configured`, a macOS target, here: SDKROOT names
/// no SDK, or a package links an Apple library the record lacks.
fn why_zig_cannot_link(ws: &Workspace, configured: &Configured) -> Result<Option<String>> {
    if let Some(reason) = apple_frameworks::not_an_sdk() {
        return Ok(Some(reason));
    }
    for package in &ws.config.packages {
        if let Linking::Refused(reason) =
            apple_frameworks::linking(&ws.sh, package, configured.triple())?
        {
            return Ok(Some(reason));
        }
    }
    Ok(None)
}

impl PackagePlan {
    fn new(
        ws: &Workspace,
        sh: &Shell,
        layout: &ReleaseLayout,
        package: &Package,
        configured: &Configured,
        selection: &Selection<'_>,
    ) -> Result<PackagePlan> {
        let spec = configured.spec;
        let flags = reproducible::release_flags(&ws.config.root, selection.target_dir, spec)?;
        let stub_sdk = match selection.prebuilt {
            None => stub_sdk(ws, sh, package, configured)?,
            Some(_) => None,
        };
        let (build, rustflags) = match selection.prebuilt {
            Some(_) if package.kind == Kind::Web => bail!(
                "{} is built here, not on another machine: drop --prebuilt",
                spec.triple
            ),
            Some(dir) => (BuildStep::Prebuilt(dir.to_owned()), Vec::new()),
            None => {
                let command = cargo::release_build(sh, configured)
                    .args(["--profile", &ws.config.profile, "--locked"])
                    .args(["--package", &package.name])
                    .args(package.features.cargo_args())
                    .args((package.kind == Kind::Web).then_some("--lib"))
                    .arg(cargo::JSON_MESSAGES);
                let command = match &stub_sdk {
                    Some(sdk) => command.env("SDKROOT", &sdk.dir),
                    None => command,
                };
                let command = flags.apply(command);
                (BuildStep::Cargo(Invocation::of(command)), flags.recorded)
            }
        };
        Ok(PackagePlan {
            package: package.name.clone(),
            build,
            binaries: binaries(package, configured),
            artifacts: layout.artifacts(spec).to_vec(),
            rustflags,
            stub_sdk,
        })
    }
}

/// The stub SDK `package`'s build for `configured` links against: for a
/// macOS target zig links, when the package asks for Apple libraries the
/// record has and no SDKROOT is set.
fn stub_sdk(
    ws: &Workspace,
    sh: &Shell,
    package: &Package,
    configured: &Configured,
) -> Result<Option<StubSdk>> {
    let spec = configured.spec;
    if spec.os != Os::Darwin || spec.builder() != Builder::Zigbuild {
        return Ok(None);
    }
    Ok(match apple_frameworks::linking(sh, package, spec.triple)? {
        Linking::Stubs(libraries) => Some(StubSdk {
            dir: apple_sdk::folder(&tools_dir(&ws.config.target_dir), &libraries),
            libraries: libraries.iter().map(|library| library.name).collect(),
        }),
        Linking::Plain | Linking::Refused(_) => None,
    })
}

/// Each binary of `package` on `configured`, with its checks.
fn binaries(package: &Package, configured: &Configured) -> Vec<BinaryPlan> {
    let checks = match package.kind {
        Kind::Web => vec![Check::Headers, Check::LoadBindingsInNode],
        _ => {
            let macos = match configured.spec.os {
                Os::Darwin => macos_checks(configured.spec),
                _ => Vec::new(),
            };
            let floors = [
                configured.glibc_floor.map(Check::GlibcFloor),
                configured.macos_floor.map(Check::MacosFloor),
            ];
            let last = [Check::Headers, smoke_run(package, configured)];
            macos
                .into_iter()
                .chain(floors.into_iter().flatten())
                .chain(last)
                .chain(signature(configured.spec))
                .collect()
        }
    };
    package
        .bins
        .iter()
        .map(|name| BinaryPlan {
            name: name.clone(),
            checks: checks.clone(),
        })
        .collect()
}

/// A Windows executable's signature, where a key is given: the signer
/// reads the same variable.
fn signature(spec: &TargetSpec) -> Option<Check> {
    (spec.os == Os::Windows && authenticode::key_given()).then_some(Check::Authenticode)
}

/// What a macOS binary gets first: its local symbols stripped (rustc's
/// strip is off there), and, where zig links it against the record (a
/// Mac's linker or the user's SDK has every library, which the record
/// need not), every import checked against the record.
fn macos_checks(spec: &TargetSpec) -> Vec<Check> {
    let zig_links_apple = spec.builder() == Builder::Zigbuild && !apple_frameworks::user_sdk();
    let imports = zig_links_apple.then_some(Check::AppleImports);
    [Some(Check::StripLocalSymbols), imports]
        .into_iter()
        .flatten()
        .collect()
}

/// How `package`'s binaries are smoke-run on `configured`.
fn smoke_run(package: &Package, configured: &Configured) -> Check {
    let spec = configured.spec;
    match (&package.smoke_run, spec.build_only_reason()) {
        (SmokeRun::Skip(why), _) => Check::SmokeRunSkipped { why: why.clone() },
        (SmokeRun::Args(_), Some(why)) => Check::NoSmokeRun {
            why: why.to_owned(),
        },
        // A firmware image takes no arguments: it is booted, and prints.
        (SmokeRun::Args(_), None) if spec.os == Os::BareMetal => Check::SmokeRun {
            runner: spec.runner.kind(),
            args: Vec::new(),
        },
        (SmokeRun::Args(args), None) => Check::SmokeRun {
            runner: spec.runner.kind(),
            args: args.clone(),
        },
    }
}

/// Who prints each package's `generate` documentation: the first target
/// planned that runs here natively, else a build for this machine.
fn printed_docs(ws: &Workspace, sh: &Shell, targets: &[TargetPlan]) -> Result<Vec<PrintedDocs>> {
    let mut printed = Vec::new();
    for package in ws.config.packages.iter().filter(|p| !p.generate.is_empty()) {
        let native = targets.iter().find(|plan| {
            let spec = targets::lookup(plan.target).expect("a planned target is in the table");
            spec.runner == Runner::Native && plan_builds(plan, &package.name)
        });
        let by = match native {
            Some(plan) => PrintedBy::Target(plan.target),
            None if !targets.iter().any(|plan| plan_builds(plan, &package.name)) => continue,
            None => PrintedBy::HostBuild(host_build(ws, sh, package)?),
        };
        printed.push(PrintedDocs {
            package: package.name.clone(),
            by,
        });
    }
    Ok(printed)
}

fn plan_builds(plan: &TargetPlan, package: &str) -> bool {
    matches!(&plan.work, Work::Build { packages, .. } if packages.iter().any(|p| p.package == package))
}

/// The build of `package` for this machine, with the release's profile
/// and features, whose binaries print its documentation.
fn host_build(ws: &Workspace, sh: &Shell, package: &Package) -> Result<Invocation> {
    let host = &ws.toolchain.host;
    let spec = targets::resolve(host, host, &ws.toolchain.known_targets)?;
    let command = cargo::command(sh, spec, "build")
        .args(["--profile", &ws.config.profile, "--locked"])
        .args(["--package", &package.name])
        .args(package.features.cargo_args())
        .arg(cargo::JSON_MESSAGES);
    Ok(Invocation::of(command))
}
