//! `cargo xtask dist`: release artifacts for every configured target.
//!
//! The pipeline, per target: build with `--profile dist` and the
//! reproducibility flags added to the user's rustflags (glibc targets with
//! `cargo zigbuild`, against the glibc floor) → check the binary needs no
//! newer glibc → smoke-run it under its runner (it must print its own target
//! triple) → package it in each of the target's formats → checksum. Then,
//! once every target has succeeded, publish: move the artifacts into the
//! output folder and write `SHA256SUMS` and `dist-manifest.json` last.
//!
//! Everything that can be checked without building is checked first (names,
//! Debian metadata, the output folder), so bad configuration fails in a
//! second. Until publishing, artifacts live in a hidden staging folder inside
//! the output folder: a failed or killed run leaves the previous release as
//! it was.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::binary::authenticode::{self, AuthenticodeSigner};
use crate::binary::{elf, headers, macho, macho_strip};
use crate::build::cargo;
use crate::build::reproducible;
use crate::build::rustflags::ReleaseFlags;
use crate::cli::DistArgs;
use crate::commands::report::{Outcome, Report};
use crate::formats::docs::Docs;
use crate::formats::rpm::{self, RpmSigner};
use crate::formats::{ShippedBinary, msi};
use crate::release::layout::ReleaseLayout;
use crate::release::manifest::{Artifact, Manifest};
use crate::release::signing::{self, Signer};
use crate::release::{container, installers, publish, sbom, universal};
use crate::targets::{Os, TargetSpec};
use crate::util::tempdir::TempDir;
use crate::vocab::Format;
use crate::workspace::Workspace;
use crate::workspace::config::{Configured, Package};

pub fn run(ws: &Workspace, args: &DistArgs) -> Result<()> {
    let targets = ws.select(&args.selection.targets)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| publish::default_out_dir(&ws.config.target_dir));
    let mtime = reproducible::source_date_epoch(&ws.sh)?;
    let mut layouts = ReleaseLayout::all(&ws.config, mtime)?;
    let staging = prepare_out_dir(&out)?;
    let signer = Signer::from_env()?;
    // Tools that depend on the formats and keys, not on the targets.
    let mut extra_tools = Vec::new();
    if signer.is_some() {
        extra_tools.push(signing::MINISIGN);
    }
    if std::env::var_os(rpm::KEY_VARIABLE).is_some_and(|key| !key.is_empty()) {
        extra_tools.push(rpm::GPG);
    }
    if targets.iter().any(|t| t.formats.contains(&Format::Msi)) {
        extra_tools.extend(msi::TOOLS);
    }
    let windows = targets.iter().any(|t| t.spec.os == Os::Windows);
    if windows && std::env::var(authenticode::KEY_VARIABLE).is_ok_and(|key| !key.is_empty()) {
        extra_tools.push(authenticode::OSSLSIGNCODE);
    }
    ws.provision(&targets, &extra_tools, args.install.no_install)?;
    if let Some(signer) = &signer {
        signer.check(&ws.sh)?;
    }
    let rpm_signer = RpmSigner::from_env(&ws.sh)?.map(Rc::new);
    for (layout, package) in layouts.iter_mut().zip(&ws.config.packages) {
        layout.rpm_signer = rpm_signer.clone();
        // Each package's signatures name it and its page.
        let page = package
            .homepage
            .as_deref()
            .or(package.repository.as_deref());
        layout.authenticode = AuthenticodeSigner::from_env(&package.name, page)?.map(Rc::new);
    }

    let started = Instant::now();
    let mut in_cargo = Duration::ZERO;
    let mut report = Report::default();
    let mut artifacts = Vec::new();
    for configured in &targets {
        // Every shipped package of the target, or the target fails.
        let made: Result<Vec<Artifact>> = layouts
            .iter()
            .zip(&ws.config.packages)
            .map(|(layout, package)| {
                dist_one(
                    ws,
                    layout,
                    package,
                    configured,
                    staging.path(),
                    &mut in_cargo,
                )
            })
            .collect::<Result<Vec<_>>>()
            .map(|made| made.into_iter().flatten().collect());
        let done = Outcome::ran_or_build_only(configured.spec);
        report.push(
            configured.triple(),
            Outcome::of(made.map(|made| artifacts.extend(made)), done),
        );
    }
    report.finish("dist")?;

    let (git_commit, git_dirty) = match reproducible::git_commit(&ws.sh) {
        Some((commit, dirty)) => (Some(commit), dirty),
        None => (None, false),
    };
    if ws.config.universal2 {
        let made = universal::stage(&artifacts, staging.path(), mtime)?;
        artifacts.extend(made);
    }
    let image = container::stage(
        &ws.config,
        &artifacts,
        git_commit.as_deref(),
        staging.path(),
        mtime,
    )?;
    artifacts.extend(image);
    let public_key = match &signer {
        Some(signer) => Some(signer.public_key(&ws.sh)?),
        None => None,
    };
    let made = installers::stage(&ws.config, &artifacts, staging.path(), public_key)?;
    artifacts.extend(made);
    artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    let manifest = Manifest {
        package: ws.config.primary().name.clone(),
        version: ws.config.primary().version.clone(),
        source_date_epoch: mtime,
        git_commit,
        git_dirty,
        artifacts,
    };
    let signature = signing::sign_release(&ws.sh, signer.as_ref(), &manifest)?;
    publish::publish(&out, staging.path(), &manifest, signature.as_deref())?;
    eprintln!(
        "\n{} artifacts in {}:",
        manifest.artifacts.len(),
        out.display()
    );
    for artifact in &manifest.artifacts {
        eprintln!(
            "  {:<52} {:>9} bytes  smoke run: {}",
            artifact.name, artifact.size, artifact.smoke_run
        );
    }
    // What dist costs on top of the builds it asks cargo for.
    let total = started.elapsed();
    eprintln!(
        "dist took {:.1} s, of which the cargo builds {:.1} s ({:.3}x)",
        total.as_secs_f64(),
        in_cargo.as_secs_f64(),
        total.as_secs_f64() / in_cargo.as_secs_f64().max(f64::EPSILON)
    );
    Ok(())
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

/// Builds, smoke-runs and packages one package for one target into
/// `staging`.
fn dist_one(
    ws: &Workspace,
    layout: &ReleaseLayout,
    package: &Package,
    configured: &Configured,
    staging: &Path,
    in_cargo: &mut Duration,
) -> Result<Vec<Artifact>> {
    let spec = configured.spec;
    // Which package, where there are several.
    let of = match ws.config.packages.len() {
        1 => String::new(),
        _ => format!(" ({})", package.name),
    };
    match configured.glibc_floor {
        Some(floor) => eprintln!(
            "==> dist {}{of}: building with cargo zigbuild, against glibc {floor}",
            spec.triple
        ),
        None => match configured.macos_floor {
            Some(floor) => eprintln!(
                "==> dist {}{of}: building with {}, for macOS {floor} and newer",
                spec.triple, spec.linker
            ),
            None => eprintln!(
                "==> dist {}{of}: building with {}",
                spec.triple, spec.linker
            ),
        },
    }
    // The SBOM needs only the dependency graph: a graph cargo cannot
    // resolve stops the target before its build.
    let sbom = match ws.config.sbom {
        true => Some(sbom::for_target(&ws.sh, &package.name, spec.triple)?),
        false => None,
    };
    let flags = reproducible::release_flags(&ws.config.root, &ws.config.target_dir, spec)?;
    let build_started = Instant::now();
    let built = build_release_binaries(ws, package, configured, &flags);
    *in_cargo += build_started.elapsed();
    let built = built?;
    let docs = Docs::read(built.out_dir.as_deref(), &package.bins)?;
    let mut smoke_run = spec.runner.kind();
    let mut binaries = Vec::new();
    for (name, path) in &built.executables {
        let mut binary =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let what = match package.bins.len() {
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
        if let Some(floor) = configured.glibc_floor {
            elf::check_glibc_floor(&what, &binary, floor)?;
        }
        if let Some(floor) = configured.macos_floor {
            macho::check_macos_floor(&what, &binary, floor)?;
        }
        // Its errors read as the rest of a sentence about the binary.
        let header =
            headers::check(spec, &binary).map_err(|err| anyhow::anyhow!("{what} {err:#}"))?;
        eprintln!("    {header}");
        smoke_run = run_smoke_test(ws, spec, name, path, &layout.version)?;
        if !docs.covers(name) {
            eprintln!("    {name}: no man page or completions (its build script wrote none)");
        }
        let binary = layout.signed_binary(
            spec,
            ShippedBinary {
                name: name.clone(),
                data: binary,
            },
        )?;
        if authenticode::is_signed_pe(&binary.data) {
            eprintln!("    signed (Authenticode)");
        }
        binaries.push(binary);
    }

    let mut artifacts = Vec::new();
    let mut made = Vec::new();
    for &format in &configured.formats {
        let name = layout.artifact_name(spec, format);
        let bytes = layout
            .package(spec, format, &binaries, &docs)
            .with_context(|| format!("cannot make {name}"))?;
        made.push((name, format, bytes));
    }
    if let Some(bytes) = sbom {
        made.push((
            layout.artifact_name(spec, Format::Sbom),
            Format::Sbom,
            bytes,
        ));
    }
    for (name, format, bytes) in made {
        let sha256 = publish::stage(staging, &name, &bytes)?;
        artifacts.push(Artifact {
            name,
            target: spec.triple.to_owned(),
            format,
            size: bytes.len() as u64,
            sha256,
            smoke_run: smoke_run.to_owned(),
            glibc_floor: configured.glibc_floor,
            macos_floor: configured.macos_floor,
            rustflags: flags.recorded.clone(),
            image_digest: None,
            package: package.name.clone(),
            binaries: package.bins.clone(),
        });
    }
    Ok(artifacts)
}

/// Builds `package` for `configured` with `--profile dist`, the
/// reproducibility flags and its glibc floor, and returns where its
/// binaries and its build script's output (man pages, completions) are.
pub fn build_release_binaries(
    ws: &Workspace,
    package: &Package,
    configured: &Configured,
    flags: &ReleaseFlags,
) -> Result<cargo::Built> {
    let spec = configured.spec;
    let build = cargo::release_build(&ws.sh, configured).args([
        "--profile",
        "dist",
        "--locked",
        "--package",
        &package.name,
    ]);
    cargo::build(flags.apply(build), spec, &package.bins)
}

/// Runs the freshly built binary's `--version` under the target's runner
/// (the one `.cargo/config.toml` gives cargo) and checks it names its own
/// target. Returns how it ran, `none` for build-only targets.
fn run_smoke_test(
    ws: &Workspace,
    spec: &TargetSpec,
    bin: &str,
    binary: &Path,
    version: &str,
) -> Result<&'static str> {
    if !spec.is_runnable() {
        eprintln!(
            "==> dist {}: not smoke-run: nothing here runs its binaries",
            spec.triple
        );
        return Ok(spec.runner.kind());
    }
    eprintln!("==> dist {}: smoke run {}", spec.triple, spec.runner);
    let runner = spec
        .cargo_config()
        .runner_command(&ws.config.root)
        .unwrap_or_default();
    let mut words = runner.iter().map(PathBuf::from).chain([binary.to_owned()]);
    let program = words.next().expect("the binary, at least");
    let output = ws
        .sh
        .cmd(program)
        .args(words)
        .arg("--version")
        .read()
        .context("the smoke run failed")?;
    let expected = format!("{bin} {version} ({})", spec.triple);
    if output.trim() != expected {
        bail!(
            "the smoke run printed {:?}, expected {expected:?}",
            output.trim()
        );
    }
    eprintln!("    {expected}");
    Ok(spec.runner.kind())
}
