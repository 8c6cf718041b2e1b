//! `cargo xtask ci`: everything CI checks, in the order that fails fastest.
//!
//! 1. provision every configured target, and the tools the artifact tests
//!    open artifacts with; those `cargo install` compiles build on a
//!    thread of their own while the steps up to 4 run;
//! 2. `cargo fmt --check`, actionlint on the GitHub workflows and
//!    gitlab-ci-local's check of the GitLab pipeline, clippy with
//!    warnings denied (once per OS), and `cargo doc` with warnings denied;
//! 3. every target's tests under its runner (`cargo xtask test`);
//! 4. `cargo xtask dist` of every target, then `cargo xtask verify`, then
//!    `cargo xtask bench dist` of one target (so the benchmark cannot
//!    break unseen);
//! 5. the xtask's own tests, including the slow ones: artifacts opened with
//!    tar, unzip, dpkg-deb, lintian, rpm, rpmlint, man and sha256sum, the
//!    parts-equal-whole release test, the reproducibility test that builds
//!    two fresh clones, and real programs from crates.io brought in with
//!    init; two test binaries at a time.
//!
//! It ends with each step's time (each test binary's too), so a slow CI
//! says where the time went. In a project `init` brought the xtask into,
//! the pipelines it checks are the ones the project has, and the tools
//! only the template's own suite opens artifacts with are not installed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::build::cargo;
use crate::cli::{DistArgs, InstallPolicy, TargetSelection, TestArgs, VerifyArgs};
use crate::commands::{bench, dist, plan, test, verify};
use crate::machine::{provision, tools};
use crate::pins;
use crate::release::publish;
use crate::targets::{self, Os, TargetSpec, runs_with};
use crate::util::progress;
use crate::vocab::{Pin, Probe, Role, Source, Tool};
use crate::workspace::config::Configured;
use crate::workspace::{Workspace, gitlab_ci};

const SBOM_TESTS: &str = "validating the SBOMs in the tests";
const WHEEL_TESTS: &str = "reading the Python wheels in the tests";

/// A Python package from PyPI, present when `module` imports.
const fn python_module(module: &'static str, pin: &'static Pin) -> Tool {
    Tool {
        role: Role::Runner,
        probe: Probe::PythonModule(module),
        source: Source::Pip(pin),
    }
}

/// What CI checks with besides the targets' own tools: the tools a user
/// would open artifacts with, and actionlint for the workflows.
const CI_TOOLS: &[(Tool, &str)] = &[
    (runs_with("lintian", "lintian"), "the .deb tests"),
    (runs_with("unzip", "unzip"), "the zip tests"),
    (runs_with("dpkg-deb", "dpkg"), "the .deb tests"),
    (runs_with("file", "file"), "the musl test"),
    (runs_with("man", "man-db"), "the man page tests"),
    (runs_with("rpm", "rpm"), "the .rpm tests"),
    (runs_with("rpmlint", "rpmlint"), "the .rpm tests"),
    (runs_with("cpio", "cpio"), "the .rpm and .pkg tests"),
    (
        runs_with("gpg", "gpg"),
        "signing the .rpm packages in the tests",
    ),
    (
        runs_with("objdump", "binutils"),
        "reading glibc versions in the tests",
    ),
    (runs_with("git", "git"), "the reproducibility test"),
    (
        runs_with("llvm-objdump", "llvm"),
        "reading Mach-O headers in the tests",
    ),
    (runs_with("minisign", "minisign"), "the signing tests"),
    (
        runs_with("arm-none-eabi-objcopy", "binutils-arm-none-eabi"),
        "the firmware tests",
    ),
    (
        runs_with("shellcheck", "shellcheck"),
        "checking install.sh in the tests",
    ),
    (
        runs_with("ruby", "ruby"),
        "parsing the Homebrew formula in the tests",
    ),
    (
        runs_with("skopeo", "skopeo"),
        "reading and copying the container image in the tests",
    ),
    (
        runs_with("umoci", "umoci"),
        "unpacking the container image in the tests",
    ),
    (
        runs_with("msiinfo", "msitools"),
        "reading the .msi packages in the tests",
    ),
    (
        runs_with("osslsigncode", "osslsigncode"),
        "checking Authenticode signatures in the tests",
    ),
    (python_module("cyclonedx", &pins::CYCLONEDX), SBOM_TESTS),
    (python_module("jsonschema", &pins::JSONSCHEMA), SBOM_TESTS),
    (
        python_module(
            "jsonschema_specifications",
            &pins::JSONSCHEMA_SPECIFICATIONS,
        ),
        SBOM_TESTS,
    ),
    (python_module("referencing", &pins::REFERENCING), SBOM_TESTS),
    (python_module("rpds", &pins::RPDS_PY), SBOM_TESTS),
    (python_module("attrs", &pins::ATTRS), SBOM_TESTS),
    (
        python_module("typing_extensions", &pins::TYPING_EXTENSIONS),
        SBOM_TESTS,
    ),
    (python_module("auditwheel", &pins::AUDITWHEEL), WHEEL_TESTS),
    (python_module("elftools", &pins::PYELFTOOLS), WHEEL_TESTS),
    (python_module("packaging", &pins::PACKAGING), WHEEL_TESTS),
    (python_module("wheel", &pins::WHEEL), WHEEL_TESTS),
    (
        runs_with("7z", "p7zip-full"),
        "reading the disk images in the tests",
    ),
    (
        runs_with("dmg2img", "dmg2img"),
        "reading the disk images in the tests",
    ),
    (
        runs_with("bsdtar", "libarchive-tools"),
        "unpacking the macOS installer packages (xar) in the tests",
    ),
    (
        runs_with("dpkg-architecture", "dpkg-dev"),
        "checking the target table's Debian architectures",
    ),
    (
        Tool {
            role: Role::Runner,
            probe: Probe::Command("actionlint"),
            source: Source::Pip(&pins::ACTIONLINT),
        },
        "checking the workflows",
    ),
    (
        Tool {
            role: Role::Runner,
            probe: Probe::Command("gitlab-ci-local"),
            source: Source::Npm(&pins::GITLAB_CI_LOCAL),
        },
        "checking and running the GitLab pipeline",
    ),
    (
        runs_with("rsync", "rsync"),
        "gitlab-ci-local, which copies the workspace for each job",
    ),
    (runs_with("npm", "npm"), "installing gitlab-ci-local"),
    (
        Tool {
            role: Role::Runner,
            probe: Probe::Command("cargo-generate"),
            source: Source::Cargo(&pins::CARGO_GENERATE),
        },
        "the cargo-generate test",
    ),
];

/// The targets the suite adds to a copy of the workspace
/// (`tests/platforms.rs`): what they need is installed with the rest.
const ADDED_BY_THE_SUITE: [&str; 4] = [
    "s390x-unknown-linux-gnu",
    "i686-unknown-linux-musl",
    "x86_64-unknown-freebsd",
    "aarch64-pc-windows-gnullvm",
];

/// The rows of [`ADDED_BY_THE_SUITE`], where the workspace has the suite.
fn added_by_the_suite(ws: &Workspace) -> Vec<&'static TargetSpec> {
    match has_own_suite(ws) {
        true => ADDED_BY_THE_SUITE
            .iter()
            .filter_map(|triple| targets::lookup_on(&ws.toolchain.host, triple))
            .collect(),
        false => Vec::new(),
    }
}

pub fn run(ws: &Workspace, install: &InstallPolicy) -> Result<()> {
    let mut steps = Steps::new();
    let outcome = every_step(ws, install.no_install, &mut steps);
    steps.print();
    outcome
}

fn every_step(ws: &Workspace, no_install: bool, steps: &mut Steps) -> Result<()> {
    let targets = ws.select(&[])?;
    let (compiled, installed): (Vec<_>, Vec<_>) = tools_for(ws)
        .into_iter()
        .partition(|(tool, _)| matches!(tool.source, Source::Cargo(_)));
    let specs = targets
        .iter()
        .map(|configured| configured.spec)
        .chain(added_by_the_suite(ws))
        .collect::<Vec<_>>();
    steps.time("provisioning", || {
        provision::ensure(&ws.sh, &ws.tools_dir, &specs, (&installed, &[]), no_install)
    })?;
    let compiling = compile_in_background(ws, compiled, no_install);
    steps.time("formatting", || {
        cmd!(ws.sh, "cargo fmt --all --check")
            .run()
            .map_err(Into::into)
    })?;
    steps.time("workflows", || check_pipelines(ws))?;
    steps.time("clippy", || lint(ws, &targets))?;
    steps.time("docs", || {
        let not_hosted = ws.config.not_hosted_excluded();
        cmd!(
            ws.sh,
            "cargo doc --workspace {not_hosted...} --no-deps --document-private-items --locked"
        )
        .env("RUSTDOCFLAGS", "-D warnings")
        .run()
        .map_err(Into::into)
    })?;
    let every_target = || TargetSelection { targets: vec![] };
    let install = || InstallPolicy { no_install };
    steps.time("tests of every target", || {
        test::run(
            ws,
            &TestArgs {
                selection: every_target(),
                install: install(),
            },
        )
    })?;
    steps.time("dist of every target", || {
        dist::run(
            ws,
            &DistArgs {
                selection: every_target(),
                out: None,
                prebuilt: None,
                dry_run: false,
                json: false,
                install: install(),
            },
        )
    })?;
    steps.time("verify", || {
        let dir = Some(publish::default_out_dir(&ws.config.target_dir));
        verify::run(
            Workspace::load,
            &VerifyArgs {
                dir,
                key: None,
                windows_ca: None,
                run: false,
            },
        )
    })?;
    let benchmarked = benchmarked_target(ws);
    steps.time(&format!("bench dist --target {benchmarked}"), || {
        bench::dist_of(ws, std::slice::from_ref(&benchmarked))
    })?;
    steps.time("waiting for the tools compiled beside the steps", || {
        let (compiled, took) = compiling
            .join()
            .map_err(|_| anyhow::anyhow!("compiling the tools panicked"))?;
        progress::detail(format_args!("(they took {:.1} s)", took.as_secs_f64()));
        compiled
    })?;
    the_xtasks_own_tests(ws, steps)
}

/// The one target whose dist ci benchmarks: a browser or firmware target
/// where one is configured (small builds, and the kinds of package the
/// benchmark once took for programs), else the first configured one.
fn benchmarked_target(ws: &Workspace) -> String {
    let targets = &ws.config.targets;
    let by_os = |os: Os| targets.iter().find(|t| t.spec.os == os);
    by_os(Os::Browser)
        .or_else(|| by_os(Os::BareMetal))
        .or(targets.first())
        .map(|configured| configured.triple().to_owned())
        .unwrap_or_default()
}

/// What `ci` checks with: the template's own suite opens artifacts with
/// [`CI_TOOLS`]; a project that init brought the xtask into has the xtask
/// without that suite, and needs only what checks the pipelines it has
/// (actionlint for .github/workflows, gitlab-ci-local for .gitlab-ci.yml).
fn tools_for(ws: &Workspace) -> Vec<(Tool, &'static str)> {
    if has_own_suite(ws) {
        return CI_TOOLS.to_vec();
    }
    let root = &ws.config.root;
    let github = root.join(".github/workflows").is_dir();
    let gitlab = root.join(gitlab_ci::FILE).is_file();
    CI_TOOLS
        .iter()
        .copied()
        .filter(|(tool, _)| match tool.probe {
            Probe::Command("actionlint") => github,
            Probe::Command("gitlab-ci-local" | "rsync" | "npm") => gitlab,
            _ => false,
        })
        .collect()
}

/// Installs the tools that `cargo install` compiles (minutes on a fresh
/// machine) on a thread of its own, so that they compile while the checks
/// run: linking and LTO leave a core idle much of the time. Only the
/// xtask's own tests use them. Returns how it went and how long it took.
fn compile_in_background(
    ws: &Workspace,
    tools: Vec<(Tool, &'static str)>,
    no_install: bool,
) -> std::thread::JoinHandle<(Result<()>, Duration)> {
    let (root, tools_dir) = (ws.config.root.clone(), ws.tools_dir.clone());
    std::thread::spawn(move || {
        let started = Instant::now();
        let compile = || -> Result<()> {
            // A shell of its own: a Shell is not shared between threads.
            let sh = Shell::new()?;
            sh.change_dir(&root);
            tools::add_tools_to_path(&sh, &tools_dir)?;
            provision::ensure(&sh, &tools_dir, &[], (&tools, &[]), no_install)
        };
        (compile(), started.elapsed())
    })
}

/// Whether the xtask has the template's integration tests (a project init
/// brought the xtask into has its sources only).
fn has_own_suite(ws: &Workspace) -> bool {
    ws.config.root.join("xtask/tests").is_dir()
}

/// actionlint on the GitHub workflows, and gitlab-ci-local's check of the
/// GitLab pipeline and plan's of its matrix, for the pipelines there are.
fn check_pipelines(ws: &Workspace) -> Result<()> {
    let sh = &ws.sh;
    let workflows = ws.config.root.join(".github/workflows");
    if workflows.is_dir() {
        // Named, not found: actionlint looks for them through git, and a
        // project need not be a git checkout.
        let mut files: Vec<PathBuf> = std::fs::read_dir(&workflows)?
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| {
                path.extension()
                    .is_some_and(|ext| ext == "yml" || ext == "yaml")
            })
            .collect();
        files.sort();
        cmd!(sh, "actionlint {files...}").run()?;
    }
    if ws.config.root.join(gitlab_ci::FILE).is_file() {
        // gitlab-ci-local checks the file against GitLab's schema as it
        // lists the jobs; plan checks its matrix is the configured targets.
        cmd!(sh, "gitlab-ci-local --list").run()?;
        check_gitlab_mac_job(ws)?;
        plan::gitlab(ws, false)?;
    }
    Ok(())
}

/// The Mac job runs only where MACOS_RUNNER_TAG is set, so gitlab-ci-local
/// lists it only then: listed so, each macOS target has its job.
fn check_gitlab_mac_job(ws: &Workspace) -> Result<()> {
    let sh = &ws.sh;
    let listed = cmd!(sh, "gitlab-ci-local --list --variable MACOS_RUNNER_TAG=mac").read()?;
    let macos = ws
        .config
        .targets
        .iter()
        .filter(|target| target.spec.os == Os::Darwin);
    for target in macos {
        let job = format!("macos: [{}]", target.triple());
        if !listed.contains(&job) {
            bail!(
                "{} has no job `{job}`, which checks that target's part on a Mac. Run `cargo \
                 xtask plan --write-gitlab` and commit the result.",
                gitlab_ci::FILE
            );
        }
    }
    Ok(())
}

/// clippy with warnings denied, once for the host (which covers the xtask)
/// and once per OS among the configured targets: cfg-gated code only
/// compiles, and so only lints, for its own OS.
fn lint(ws: &Workspace, targets: &[&Configured]) -> Result<()> {
    let sh = &ws.sh;
    let not_hosted = ws.config.not_hosted_excluded();
    cmd!(
        sh,
        "cargo clippy --workspace {not_hosted...} --all-targets --locked -- -D warnings"
    )
    .run()?;
    let mut linted: Vec<Os> = Vec::new();
    // MSVC targets are linted where they are built: their C needs cl.exe.
    let here = targets
        .iter()
        .filter(|t| t.spec.built_elsewhere().is_none());
    for configured in here {
        if !linted.contains(&configured.spec.os) {
            linted.push(configured.spec.os);
            cargo::command(sh, configured.spec, "clippy")
                .args(ws.config.cargo_packages(configured.spec))
                .args(["--all-targets", "--locked", "--", "-D", "warnings"])
                .run()?;
        }
    }
    Ok(())
}

/// The test binaries measured slowest, started first so that the two
/// lanes finish together; the others follow in `cargo metadata`'s order.
const SLOWEST_FIRST: [&str; 6] = [
    "adoptions",
    "real_programs",
    "reproducible",
    "template",
    "platforms",
    "init",
];

/// How many test binaries run at once. Much of a slow test is one core's
/// work (LTO with one codegen unit, a program under qemu, a packaging
/// tool), so two at a time keep both cores of a CI machine busy.
const LANES: usize = 2;

/// The xtask's own tests, the slow ones included: compiled once, then
/// run [`LANES`] test binaries at a time, each one's output kept in a log
/// and printed whole when it ends, and each one's time on the summary.
/// Every binary runs even if another failed. They share nothing that
/// needs a turn but the adoption copy, which takes turns by a lock file.
fn the_xtasks_own_tests(ws: &Workspace, steps: &mut Steps) -> Result<()> {
    steps.time("compiling the xtask's tests", || {
        cmd!(ws.sh, "cargo test --package xtask --locked --no-run")
            .run()
            .map_err(Into::into)
    })?;
    let logs = ws.config.target_dir.join("xtask-ci-logs");
    std::fs::create_dir_all(&logs)?;
    let queue = std::sync::Mutex::new(slowest_first(test_binaries(ws)?));
    let path = ws.sh.var_os("PATH").unwrap_or_default();
    let root = &ws.config.root;
    let ran = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..LANES {
            scope.spawn(|| {
                loop {
                    // Its own statement, so that the queue is not locked
                    // while the test runs.
                    let next = queue.lock().unwrap().pop();
                    let Some(binary) = next else { break };
                    let test = TestRun::new(binary, &logs);
                    let result = test.run(root, &path);
                    ran.lock().unwrap().push((test.label, result));
                }
            });
        }
    });
    let mut failed = Vec::new();
    for (label, (took, passed)) in ran.into_inner().unwrap() {
        if !passed {
            failed.push(label.clone());
        }
        steps.record(&label, took, passed);
    }
    match failed.is_empty() {
        true => Ok(()),
        false => bail!("the xtask's own tests failed: {}", failed.join(", ")),
    }
}

/// `binaries` as a stack to pop from: [`SLOWEST_FIRST`] on top.
fn slowest_first(mut binaries: Vec<Option<String>>) -> Vec<Option<String>> {
    let rank = |binary: &Option<String>| {
        let name = binary.as_deref().unwrap_or_default();
        SLOWEST_FIRST
            .iter()
            .position(|slow| *slow == name)
            .unwrap_or(SLOWEST_FIRST.len())
    };
    binaries.sort_by_key(|binary| std::cmp::Reverse(rank(binary)));
    binaries
}

/// One test binary's run, its output kept in a log file.
struct TestRun {
    args: Vec<String>,
    label: String,
    log: PathBuf,
}

impl TestRun {
    /// The unit tests (`None`) or the integration test binary `name`.
    fn new(binary: Option<String>, logs: &Path) -> TestRun {
        let args = match binary {
            None => vec!["--bins".to_owned()],
            Some(name) => vec!["--test".to_owned(), name],
        };
        let label = format!("cargo test {}", args.join(" "));
        let log = logs.join(format!(
            "{}.log",
            args.last()
                .map_or("bins", |arg| arg.trim_start_matches('-'))
        ));
        TestRun { args, label, log }
    }

    /// Runs it in the workspace `root` with the tools on `path`, then
    /// prints its log whole; returns its time and whether it passed.
    fn run(&self, root: &Path, path: &std::ffi::OsStr) -> (Duration, bool) {
        progress::step(format_args!(
            "{} (started; its output follows when it ends)",
            self.label
        ));
        let started = Instant::now();
        let passed = std::fs::File::create(&self.log).and_then(|log| {
            std::process::Command::new("cargo")
                .args(["test", "--package", "xtask", "--locked"])
                .args(&self.args)
                .args(["--", "--include-ignored"])
                .current_dir(root)
                .env("PATH", path)
                .stdout(log.try_clone()?)
                .stderr(log)
                .status()
        });
        let took = started.elapsed();
        let output = std::fs::read_to_string(&self.log).unwrap_or_default();
        let passed = match passed {
            Ok(status) => status.success(),
            Err(err) => {
                progress::summary(format_args!("cannot run {}: {err}", self.label));
                false
            }
        };
        let said = format!(
            "{} ({:.0} s, {}):\n{output}",
            self.label,
            took.as_secs_f64(),
            if passed { "passed" } else { "FAILED" }
        );
        // A failed binary's output is the error, which --quiet keeps.
        match passed {
            true => progress::step(said),
            false => progress::summary(format_args!("==> {said}")),
        }
        (took, passed)
    }
}

/// The xtask's unit tests (`None`) and the name of each of its
/// integration test binaries, as `cargo metadata` lists them.
fn test_binaries(ws: &Workspace) -> Result<Vec<Option<String>>> {
    let json = cmd!(
        ws.sh,
        "cargo metadata --no-deps --format-version 1 --locked"
    )
    .quiet()
    .read()?;
    let metadata: serde_json::Value = serde_json::from_str(&json)?;
    let xtask = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == "xtask")
        .context("the workspace has no xtask package")?;
    let mut binaries = vec![None];
    for target in xtask["targets"].as_array().into_iter().flatten() {
        if target["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "test"))
        {
            binaries.push(target["name"].as_str().map(str::to_owned));
        }
    }
    Ok(binaries)
}

/// How long each step of the run took, printed at the end.
struct Steps {
    started: Instant,
    timed: Vec<(String, Duration, bool)>,
}

impl Steps {
    fn new() -> Steps {
        Steps {
            started: Instant::now(),
            timed: Vec::new(),
        }
    }

    /// Records a step that ran elsewhere.
    fn record(&mut self, name: &str, took: Duration, passed: bool) {
        self.timed.push((name.to_owned(), took, passed));
    }

    /// Runs `step`, announced as `==> name`, and records its time.
    fn time<T>(&mut self, name: &str, step: impl FnOnce() -> Result<T>) -> Result<T> {
        progress::step(name);
        let started = Instant::now();
        let result = step();
        self.timed
            .push((name.to_owned(), started.elapsed(), result.is_ok()));
        if result.is_err() {
            self.print();
        }
        result
    }

    /// Each step's time, then the run's: test binaries run two at a
    /// time, so their times add up to more than the run took.
    fn print(&self) {
        let width = self
            .timed
            .iter()
            .map(|(name, ..)| name.len())
            .max()
            .unwrap_or(0);
        progress::summary("\nci steps:");
        for (name, took, passed) in &self.timed {
            let mark = if *passed { "" } else { "  FAILED" };
            progress::summary(format_args!(
                "  {name:<width$}  {:>7.1} s{mark}",
                took.as_secs_f64()
            ));
        }
        let total = self.started.elapsed().as_secs_f64();
        progress::summary(format_args!(
            "  {:<width$}  {total:>7.1} s",
            "total, start to end"
        ));
    }
}
