//! Adopting the template: a program of someone else's, with a C
//! dependency, put in place of the sample's, as the adoption tests do.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{copy_tree, known_targets, repo_root, shipped_manifest};

/// A copy of the workspace that an adoption test changes as an adopter
/// would, then builds, ships and tests: made anew at the one path every
/// such copy of this workspace has, with its `target/` linked to the one
/// folder they all build in. So the crates they share are compiled once for all of them
/// (the same path gives the same remapping flags, which cargo's
/// fingerprints include), and the suite the copy runs last finds the
/// builds of its dist warm.
///
/// Copies take turns, through a lock file, from their making to their
/// removal: cargo names a path crate's build outputs after its path inside
/// the workspace and judges them fresh by its sources' modification times,
/// so each copy must be written after the last one's builds.
pub struct AdoptionCopy {
    dir: PathBuf,
    _turn: File,
}

impl AdoptionCopy {
    /// Waits for its turn, then copies the workspace.
    pub fn new() -> AdoptionCopy {
        let target = repo_root().join("target/xtask-test-adoption");
        std::fs::create_dir_all(&target).unwrap();
        let turn = File::create(target.join("turn.lock")).unwrap();
        // The workspace's MSRV is the shipped crates'; the template's own
        // tests build with the toolchain rust-toolchain.toml pins.
        #[allow(clippy::incompatible_msrv)]
        turn.lock().unwrap();
        // Outside this workspace, whose .cargo/config.toml cargo would
        // otherwise merge into the copy's; one path for each clone.
        let dir = std::env::temp_dir().join(format!("xtask-adoption-{}", path_hash(&repo_root())));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        copy_tree(&repo_root(), &dir);
        std::os::unix::fs::symlink(&target, dir.join("target")).unwrap();
        let _ = std::fs::remove_dir_all(target.join("adoption-release"));
        AdoptionCopy { dir, _turn: turn }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where the copy's release goes: in its target folder, which the
    /// suite's own copies of the workspace leave out, so that a test of
    /// the suite finds no release of the adoption's in its copy.
    pub fn release_dir(&self) -> PathBuf {
        self.dir.join("target").join("adoption-release")
    }
}

/// The xtask's test binaries that read the workspace's own configuration:
/// the ones whose passing in an adopted copy says the suite does not
/// assume the sample. bad_input and hostile_input test against
/// [`super::fixture_workspace`]s, a known configuration whatever the
/// workspace's own, so a copy would run them as the template's suite does.
const SUITE_ON_THE_CONFIGURATION: [&str; 6] = [
    "artifacts",
    "macos",
    "readme",
    "release",
    "template",
    "workflows",
];

/// The copy's own suite passes in `dir`: the xtask's unit tests and
/// [`SUITE_ON_THE_CONFIGURATION`], all but what `cargo xtask ci` alone
/// runs (the ignored tests).
pub fn own_suite_passes(dir: &Path) {
    let mut args = vec!["test", "--package", "xtask", "--locked", "--bins"];
    for binary in SUITE_ON_THE_CONFIGURATION {
        args.extend(["--test", binary]);
    }
    succeed(super::cargo_in(dir, &args).output().unwrap());
}

/// A short name for `path`, the same in every run.
pub fn path_hash(path: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    path.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

impl Drop for AdoptionCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `output`'s stdout and stderr, after asserting it succeeded.
pub fn succeed(output: std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "failed:\n{text}");
    text
}

/// A different program for `app/src`: it counts the lines, words and bytes
/// of its input, and keeps the one thing the smoke run needs, `--version`
/// printing `<name> <version> (<target>)`. It round-trips its input through
/// zstd, a widely used crate that compiles C (zstd-sys) for every target,
/// with hidden helpers of the kind that must be stripped.
pub const ADOPTED_PROGRAM: &str = r#"//! Counts the lines, words and bytes of standard input.

use std::io::Read;

fn counts(text: &str) -> (usize, usize, usize) {
    let packed = zstd::encode_all(text.as_bytes(), 3).expect("zstd compresses");
    let unpacked = zstd::decode_all(&packed[..]).expect("zstd decompresses");
    assert_eq!(unpacked, text.as_bytes(), "zstd round trip");
    (text.lines().count(), text.split_whitespace().count(), text.len())
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--version") {
        let target = env!("APP_BUILD_TARGET");
        println!("{} {} ({target})", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
        return;
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).expect("stdin is text");
    let (lines, words, bytes) = counts(&text);
    println!("{lines} {words} {bytes}");
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_lines_words_and_bytes() {
        assert_eq!(super::counts("a b\nc\n"), (2, 3, 6));
    }
}
"#;

/// The adopted program's build script: it keeps the target triple for
/// `--version`, and writes no man page or completions.
pub const ADOPTED_BUILD_SCRIPT: &str = r#"fn main() {
    let target = std::env::var("TARGET").unwrap();
    println!("cargo::rustc-env=APP_BUILD_TARGET={target}");
}
"#;

/// Up to two of the `configured` targets of the workspace in `dir` to
/// drop, never all: first those that share their OS, libc and runner with
/// another configured target, from the end of the list.
pub fn droppable(dir: &Path, configured: &[String]) -> Vec<String> {
    let known = known_targets(dir);
    let kind = |triple: &str| {
        let row = known.iter().find(|row| row["triple"] == triple).unwrap();
        (
            triple.split('-').skip(2).collect::<Vec<_>>().join("-"),
            row["runner"].clone(),
        )
    };
    let mut dropped: Vec<String> = Vec::new();
    for triple in configured.iter().rev() {
        let alike = configured
            .iter()
            .filter(|other| !dropped.contains(other) && kind(other) == kind(triple))
            .count();
        if alike > 1 && dropped.len() < 2 {
            dropped.push(triple.clone());
        }
    }
    for triple in configured.iter().rev() {
        if dropped.len() < 2.min(configured.len() - 1) && !dropped.contains(triple) {
            dropped.push(triple.clone());
        }
    }
    dropped
}

/// The version of zstd the adopted program uses: pinned, so that the test
/// does not change when a new one is published. Its arm64 macOS binary is
/// one LLVM's objcopy crashes on, so rustc's strip leaves local symbols
/// that dist must remove itself.
pub const ZSTD: &str = "=0.13.5";

/// Replaces the shipped package's program in the workspace `dir` with
/// [`ADOPTED_PROGRAM`] and its build script, and gives it its zstd
/// dependency, with Cargo.lock following.
pub fn replace_program(dir: &Path) {
    let manifest = shipped_manifest(dir);
    let package = manifest.parent().unwrap();
    std::fs::remove_dir_all(package.join("src")).unwrap();
    std::fs::create_dir(package.join("src")).unwrap();
    std::fs::write(package.join("src/main.rs"), ADOPTED_PROGRAM).unwrap();
    std::fs::write(package.join("build.rs"), ADOPTED_BUILD_SCRIPT).unwrap();
    add_dependency(&manifest, "zstd", ZSTD);
}

/// Adds `name = "version"` to the `[dependencies]` of the manifest `path`.
pub fn add_dependency(path: &Path, name: &str, version: &str) {
    let mut manifest: toml_edit::DocumentMut =
        std::fs::read_to_string(path).unwrap().parse().unwrap();
    manifest["dependencies"][name] = toml_edit::value(version);
    std::fs::write(path, manifest.to_string()).unwrap();
}

/// A second member for a workspace shipping several packages: `toolbox`,
/// version 0.3.0, with two binaries, `fetch` and `stash`; `stash` round-trips
/// its input through zstd (C). Its build script keeps the target triple
/// for `--version` and writes no man page or completions.
pub fn add_toolbox(dir: &Path) {
    let package = dir.join("toolbox");
    std::fs::create_dir_all(package.join("src/bin")).unwrap();
    let manifest = format!(
        r#"[package]
name = "toolbox"
version = "0.3.0"
edition = "2021"
description = "Two small tools shipped from one package"
license = "MIT"
authors = ["Toolbox Makers <toolbox@example.com>"]
publish = false

[dependencies]
zstd = "{ZSTD}"
"#
    );
    std::fs::write(package.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(package.join("build.rs"), ADOPTED_BUILD_SCRIPT).unwrap();
    let version = r#"    if std::env::args().nth(1).as_deref() == Some("--version") {
        let name = env!("CARGO_BIN_NAME");
        println!("{name} {} ({})", env!("CARGO_PKG_VERSION"), env!("APP_BUILD_TARGET"));
        return;
    }
"#;
    let fetch = format!("fn main() {{\n{version}    println!(\"fetched nothing\");\n}}\n");
    let stash = format!(
        "fn main() {{\n{version}    let packed = zstd::encode_all(&b\"stash\"[..], 3).unwrap();\n    \
         assert_eq!(zstd::decode_all(&packed[..]).unwrap(), b\"stash\");\n    \
         println!(\"stashed {{}} bytes\", packed.len());\n}}\n"
    );
    std::fs::write(package.join("src/bin/fetch.rs"), fetch).unwrap();
    std::fs::write(package.join("src/bin/stash.rs"), stash).unwrap();

    let root = dir.join("Cargo.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&root).unwrap().parse().unwrap();
    for list in ["members", "default-members"] {
        if let Some(members) = doc["workspace"][list].as_array_mut() {
            members.push("toolbox");
        }
    }
    let dist = doc["workspace"]["metadata"]["dist"].as_table_mut().unwrap();
    let primary = dist.remove("package").unwrap();
    let mut packages = toml_edit::Array::new();
    packages.push(primary.as_str().unwrap());
    packages.push("toolbox");
    dist.insert("packages", toml_edit::value(packages));
    std::fs::write(&root, doc.to_string()).unwrap();
}
