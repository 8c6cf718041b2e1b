//! The xtask's packaging against the command-line tools.
//!
//! Packages the same staged files (the host's dist binary, README and
//! licenses) as tar.gz, zip and .deb, once with the xtask's writers and once
//! with `tar czf`, `zip -6` and `dpkg-deb --build -Zgzip -z6`, at the same
//! compression level, and reports the time and size ratios. A benchmark, not
//! a test: it prints numbers and fails only if a tool is missing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use xshell::cmd;

use crate::build::{cargo, reproducible};
use crate::formats::ShippedBinary;
use crate::formats::archive::{self, Entry};
use crate::formats::deb::{self, DebMetadata};
use crate::formats::docs::Docs;
use crate::plan::{self, BuildStep, Selection};
use crate::release::layout::ReleaseLayout;
use crate::targets::{Runner, TargetSpec, runs_with};
use crate::util::tempdir::TempDir;
use crate::vocab::Tool;
use crate::workspace::Workspace;
use crate::workspace::config::Configured;

/// Runs per measurement; the median is reported.
const RUNS: usize = 15;

/// The command-line tools measured against.
const BENCH_TOOLS: &[(Tool, &str)] = &[
    (runs_with("tar", "tar"), "the benchmark"),
    (runs_with("zip", "zip"), "the benchmark"),
    (runs_with("dpkg-deb", "dpkg"), "the benchmark"),
];

/// The time of the median run, and the size of what it wrote.
type Measured = (Duration, u64);

/// Fixed file times, as dist's are.
const MTIME: u64 = 1_700_000_000;

pub fn run(ws: &Workspace) -> Result<()> {
    let host = host_target(ws)?;
    ws.provision(&[host], BENCH_TOOLS, false)?;
    let (binaries, docs) = shipped_files(ws, host)?;
    let scratch = TempDir::new()?;
    let staged = Staged::new(ws, host, &binaries, &docs, scratch.path())?;
    let rows = [
        ("tar.gz", staged.ours_tar_gz()?, staged.tools_tar_gz(ws)?),
        ("zip", staged.ours_zip()?, staged.tools_zip(ws)?),
        ("deb", staged.ours_deb()?, staged.tools_deb(ws)?),
    ];
    print_table(host.spec.triple, &binaries, &rows);
    Ok(())
}

/// The configured target whose dynamically linked binary runs here.
fn host_target(ws: &Workspace) -> Result<&Configured> {
    ws.config
        .targets
        .iter()
        .find(|configured| {
            configured.spec.runner == Runner::Native && !configured.spec.static_binary
        })
        .context("the benchmark packages the host's binary; configure x86_64-unknown-linux-gnu")
}

/// The very binaries `dist` ships (and so, after a dist, no rebuild), and
/// the documentation their build wrote.
fn shipped_files(ws: &Workspace, host: &Configured) -> Result<(Vec<ShippedBinary>, Docs)> {
    let selection = Selection {
        targets: &[host.triple().to_owned()],
        prebuilt: None,
        target_dir: &ws.config.target_dir,
    };
    let (plan, _) = plan::make(ws, &selection)?;
    let package = ws.config.primary();
    let Some(BuildStep::Cargo(invocation)) = plan
        .package(host.triple(), &package.name)
        .map(|planned| &planned.build)
    else {
        bail!(
            "the release plan builds no {} for {}",
            package.name,
            host.triple()
        );
    };
    reproducible::prepare_target_dir(&ws.config.target_dir, host.spec)?;
    let built = cargo::build(invocation.cmd(&ws.sh), host.spec, &package.bins)?;
    let mut binaries = Vec::new();
    for (name, path) in &built.executables {
        let data = std::fs::read(path)?;
        binaries.push(ShippedBinary {
            name: name.clone(),
            data,
        });
    }
    let docs = Docs::read(built.out_dir.as_deref(), &package.bins)?;
    Ok((binaries, docs))
}

/// The same files, in memory for the xtask's writers and on disk for the
/// command-line tools.
struct Staged<'a> {
    spec: &'static TargetSpec,
    binaries: &'a [ShippedBinary],
    docs: &'a Docs,
    stem: String,
    entries: Vec<Entry>,
    /// The archive's tree, for tar and zip.
    tree: PathBuf,
    deb_metadata: DebMetadata,
    /// Exactly the files of the xtask's own .deb, for dpkg-deb.
    deb_tree: PathBuf,
    out: PathBuf,
}

impl<'a> Staged<'a> {
    fn new(
        ws: &Workspace,
        host: &Configured,
        binaries: &'a [ShippedBinary],
        docs: &'a Docs,
        scratch: &Path,
    ) -> Result<Staged<'a>> {
        let spec = host.spec;
        let package = ws.config.primary();
        let layout = ReleaseLayout::new(&ws.config, package, MTIME)?;
        let entries = layout.archive_entries(spec, binaries, docs);
        let tree = scratch.join("tree");
        write_tree(&entries, &tree)?;
        let deb_metadata = DebMetadata::from_package(&package.program, &ws.config.root, MTIME)?;
        let deb_contents = deb::read_deb(&deb_metadata.build(spec, binaries, docs, MTIME)?)?;
        let deb_tree = scratch.join("debtree");
        write_tree(&deb_contents.data, &deb_tree)?;
        std::fs::create_dir_all(deb_tree.join("DEBIAN"))?;
        std::fs::write(deb_tree.join("DEBIAN/control"), &deb_contents.control)?;
        let out = scratch.join("out");
        std::fs::create_dir(&out)?;
        Ok(Staged {
            spec,
            binaries,
            docs,
            stem: layout.archive_stem(spec),
            entries,
            tree,
            deb_metadata,
            deb_tree,
            out,
        })
    }

    fn ours_tar_gz(&self) -> Result<Measured> {
        median(|| self.written("x.tar.gz", archive::tar_gz(&self.entries, MTIME)?))
    }

    fn ours_zip(&self) -> Result<Measured> {
        median(|| self.written("x.zip", archive::zip(&self.entries, MTIME)?))
    }

    fn ours_deb(&self) -> Result<Measured> {
        median(|| {
            let bytes = self
                .deb_metadata
                .build(self.spec, self.binaries, self.docs, MTIME)?;
            self.written("x.deb", bytes)
        })
    }

    /// Writes `bytes` as `name` in the output folder, as dist would.
    fn written(&self, name: &str, bytes: Vec<u8>) -> Result<u64> {
        std::fs::write(self.out.join(name), &bytes)?;
        Ok(bytes.len() as u64)
    }

    fn tools_tar_gz(&self, ws: &Workspace) -> Result<Measured> {
        let (tree, stem) = (&self.tree, &self.stem);
        let tar_path = self.out.join("tool.tar.gz");
        let gzip = "gzip -6 -n";
        median(|| {
            cmd!(
                ws.sh,
                "tar -C {tree} --use-compress-program={gzip} -cf {tar_path} {stem}"
            )
            .quiet()
            .run()?;
            Ok(std::fs::metadata(&tar_path)?.len())
        })
    }

    fn tools_zip(&self, ws: &Workspace) -> Result<Measured> {
        let (sh, stem) = (&ws.sh, &self.stem);
        let zip_path = self.out.join("tool.zip");
        median(|| {
            let _ = std::fs::remove_file(&zip_path);
            let _dir = sh.push_dir(&self.tree);
            cmd!(sh, "zip -q -6 -X -r {zip_path} {stem}")
                .quiet()
                .run()?;
            Ok(std::fs::metadata(&zip_path)?.len())
        })
    }

    fn tools_deb(&self, ws: &Workspace) -> Result<Measured> {
        let deb_tree = &self.deb_tree;
        let deb_path = self.out.join("tool.deb");
        median(|| {
            cmd!(
                ws.sh,
                "dpkg-deb --root-owner-group -Zgzip -z6 --build {deb_tree} {deb_path}"
            )
            .quiet()
            .ignore_stdout()
            .run()?;
            Ok(std::fs::metadata(&deb_path)?.len())
        })
    }
}

/// One line per format: the xtask's time and size against the tools'.
fn print_table(triple: &str, binaries: &[ShippedBinary], rows: &[(&str, Measured, Measured)]) {
    let bytes: usize = binaries.iter().map(|binary| binary.data.len()).sum();
    println!("packaging {triple} ({bytes} bytes of binaries), median of {RUNS} runs");
    println!(
        "{:<8} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
        "format", "xtask", "tools", "time", "xtask", "tools", "size"
    );
    for (format, (ours_time, ours_size), (tool_time, tool_size)) in rows {
        println!(
            "{format:<8} {:>8.1}ms {:>8.1}ms {:>6.2}x {:>10} {:>10} {:>6.3}x",
            ms(*ours_time),
            ms(*tool_time),
            ours_time.as_secs_f64() / tool_time.as_secs_f64(),
            ours_size,
            tool_size,
            *ours_size as f64 / *tool_size as f64,
        );
    }
    println!("(ratios are xtask / tools: below 1.00x the xtask is faster or smaller)");
}

/// Writes `entries` under `dir` with their modes, for the command-line tools.
fn write_tree(entries: &[Entry], dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in entries {
        let path = dir.join(entry.path.trim_start_matches("./"));
        match &entry.data {
            None => std::fs::create_dir_all(&path)?,
            Some(data) => std::fs::write(&path, data)?,
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(entry.mode))?;
    }
    Ok(())
}

/// The median time of [`RUNS`] runs of `job`, and the size it reports.
fn median(mut job: impl FnMut() -> Result<u64>) -> Result<Measured> {
    let mut times = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        size = job()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok((times[RUNS / 2], size))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
