//! The xtask's packaging against the command-line tools.
//!
//! Packages the same staged files (the host's dist binary, README and
//! licenses) as tar.gz, zip and .deb, once with the xtask's writers and once
//! with `tar czf`, `zip -6` and `dpkg-deb --build -Zgzip -z6`, at the same
//! compression level, and reports the time and size ratios. A benchmark, not
//! a test: it prints numbers and fails only if a tool is missing.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use xshell::cmd;

use crate::build::reproducible;
use crate::commands::dist;
use crate::formats::ShippedBinary;
use crate::formats::archive::{self, Entry};
use crate::formats::deb::{self, DebMetadata};
use crate::formats::docs::Docs;
use crate::release::layout::ReleaseLayout;
use crate::targets::{Runner, runs_with};
use crate::util::tempdir::TempDir;
use crate::vocab::Tool;
use crate::workspace::Workspace;

/// Runs per measurement; the median is reported.
const RUNS: usize = 15;

/// The command-line tools measured against.
const BENCH_TOOLS: &[(Tool, &str)] = &[
    (runs_with("tar", "tar"), "the benchmark"),
    (runs_with("zip", "zip"), "the benchmark"),
    (runs_with("dpkg-deb", "dpkg"), "the benchmark"),
];

pub fn run(ws: &Workspace) -> Result<()> {
    let host = ws
        .config
        .targets
        .iter()
        .find(|configured| {
            configured.spec.runner == Runner::Native && !configured.spec.static_binary
        })
        .context("the benchmark packages the host's binary; configure x86_64-unknown-linux-gnu")?;
    let spec = host.spec;
    let sh = &ws.sh;
    ws.provision(&[host], BENCH_TOOLS, false)?;
    // The very binary `dist` ships (and so, after a dist, no rebuild).
    let flags = reproducible::release_flags(&ws.config.root, &ws.config.target_dir, spec)?;
    let package = ws.config.primary();
    let built = dist::build_release_binaries(ws, package, host, &flags)?;
    let mut binaries = Vec::new();
    for (name, path) in &built.executables {
        let data = std::fs::read(path)?;
        binaries.push(ShippedBinary {
            name: name.clone(),
            data,
        });
    }
    let docs = Docs::read(built.out_dir.as_deref(), &package.bins)?;
    let mtime = 1_700_000_000;

    // The same tree, on disk for the tools and in memory for the xtask.
    let layout = ReleaseLayout::new(&ws.config, package, &[host], mtime)?;
    let stem = layout.archive_stem(spec);
    let entries = layout.archive_entries(spec, &binaries, &docs);
    let scratch = TempDir::new()?;
    let tree = scratch.path().join("tree");
    write_tree(&entries, &tree)?;
    let deb_metadata = DebMetadata::from_package(package, &ws.config.root, mtime)?;
    let deb_bytes = deb_metadata.build(spec, &binaries, &docs, mtime)?;
    // dpkg-deb gets exactly the files of our own .deb, laid out on disk.
    let deb_contents = deb::read_deb(&deb_bytes)?;
    let deb_tree = scratch.path().join("debtree");
    write_tree(&deb_contents.data, &deb_tree)?;
    std::fs::create_dir_all(deb_tree.join("DEBIAN"))?;
    std::fs::write(deb_tree.join("DEBIAN/control"), &deb_contents.control)?;

    let out = scratch.path().join("out");
    std::fs::create_dir(&out)?;
    let tar_path = out.join("tool.tar.gz");
    let zip_path = out.join("tool.zip");
    let deb_path = out.join("tool.deb");

    let rows = [
        (
            "tar.gz",
            median(|| {
                let bytes = archive::tar_gz(&entries, mtime)?;
                std::fs::write(out.join("x.tar.gz"), &bytes)?;
                Ok(bytes.len() as u64)
            })?,
            median(|| {
                let gzip = "gzip -6 -n";
                cmd!(
                    sh,
                    "tar -C {tree} --use-compress-program={gzip} -cf {tar_path} {stem}"
                )
                .quiet()
                .run()?;
                Ok(std::fs::metadata(&tar_path)?.len())
            })?,
        ),
        (
            "zip",
            median(|| {
                let bytes = archive::zip(&entries, mtime)?;
                std::fs::write(out.join("x.zip"), &bytes)?;
                Ok(bytes.len() as u64)
            })?,
            median(|| {
                let _ = std::fs::remove_file(&zip_path);
                let _dir = sh.push_dir(&tree);
                cmd!(sh, "zip -q -6 -X -r {zip_path} {stem}")
                    .quiet()
                    .run()?;
                Ok(std::fs::metadata(&zip_path)?.len())
            })?,
        ),
        (
            "deb",
            median(|| {
                let bytes = deb_metadata.build(spec, &binaries, &docs, mtime)?;
                std::fs::write(out.join("x.deb"), &bytes)?;
                Ok(bytes.len() as u64)
            })?,
            median(|| {
                cmd!(
                    sh,
                    "dpkg-deb --root-owner-group -Zgzip -z6 --build {deb_tree} {deb_path}"
                )
                .quiet()
                .ignore_stdout()
                .run()?;
                Ok(std::fs::metadata(&deb_path)?.len())
            })?,
        ),
    ];
    println!(
        "packaging {} ({} bytes of binaries), median of {RUNS} runs",
        spec.triple,
        binaries
            .iter()
            .map(|binary| binary.data.len())
            .sum::<usize>()
    );
    println!(
        "{:<8} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
        "format", "xtask", "tools", "time", "xtask", "tools", "size"
    );
    for (format, (ours_time, ours_size), (tool_time, tool_size)) in rows {
        println!(
            "{format:<8} {:>8.1}ms {:>8.1}ms {:>6.2}x {:>10} {:>10} {:>6.3}x",
            ms(ours_time),
            ms(tool_time),
            ours_time.as_secs_f64() / tool_time.as_secs_f64(),
            ours_size,
            tool_size,
            ours_size as f64 / tool_size as f64,
        );
    }
    println!("(ratios are xtask / tools: below 1.00x the xtask is faster or smaller)");
    Ok(())
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
fn median(mut job: impl FnMut() -> Result<u64>) -> Result<(Duration, u64)> {
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
