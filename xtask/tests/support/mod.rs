//! Helpers shared by the xtask's integration tests: copies of the workspace
//! to break on purpose, and running the xtask binary in them.

#![allow(dead_code)] // each test file uses its own subset

pub mod adoption;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workspace this xtask belongs to.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The shipped package's name, which `cargo xtask rename` changes: the
/// `package` of `[workspace.metadata.dist]` in the workspace's Cargo.toml,
/// or the first of its `packages` (the primary one) where several ship.
pub fn app() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        shipped_package(&repo_root())["name"]
            .as_str()
            .unwrap()
            .to_owned()
    })
}

/// The shipped package's version, as `cargo metadata` reads it (from the
/// package or the workspace it inherits from).
pub fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        shipped_package(&repo_root())["version"]
            .as_str()
            .unwrap()
            .to_owned()
    })
}

/// The shipped package of the workspace in `dir` (the primary one, where
/// several ship), as `cargo metadata` describes it (`name`, `version`,
/// `manifest_path`, `targets`, …), wherever the adopter moved it.
pub fn shipped_package(dir: &Path) -> serde_json::Value {
    let output = cargo_in(dir, &["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .unwrap();
    assert!(output.status.success(), "cargo metadata: {output:?}");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let dist = &metadata["metadata"]["dist"];
    let name = dist["package"]
        .as_str()
        .or_else(|| dist["packages"][0].as_str())
        .expect("[workspace.metadata.dist] names a package")
        .to_owned();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|package| package["name"] == name.as_str())
        .expect("the shipped package is a member")
        .clone()
}

/// The path of the shipped package's Cargo.toml in the workspace `dir`.
pub fn shipped_manifest(dir: &Path) -> PathBuf {
    PathBuf::from(shipped_package(dir)["manifest_path"].as_str().unwrap())
}

/// The name of the shipped package's binary in the workspace `dir`.
pub fn shipped_bin(dir: &Path) -> String {
    shipped_package(dir)["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|target| {
            target["kind"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "bin")
        })
        .and_then(|target| target["name"].as_str())
        .expect("the shipped package has a binary")
        .to_owned()
}

/// A scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "xtask-test-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A copy of the workspace's sources (no `target/`, no `.git/`) in a scratch
/// directory, to be edited by the test.
pub fn copy_of_workspace(label: &str) -> Scratch {
    let scratch = Scratch::new(label);
    copy_tree(&repo_root(), scratch.path());
    scratch
}

/// Copies the sources under `from` into `to`, but `target/` and `.git/`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&source, &dest);
        } else {
            std::fs::copy(&source, &dest).unwrap();
        }
    }
}

/// The targets a [`fixture_workspace`] configures: one of each kind the
/// tests that need a known configuration use.
pub const FIXTURE_TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "wasm32-wasip1",
];

/// A copy of the workspace that configures at least [`FIXTURE_TARGETS`],
/// with no per-target formats or runners for them, and `min-glibc`,
/// `sbom`, `installers`, `universal2`, `pypi` and `npm` at their defaults: a known
/// configuration, whatever the real workspace's is. Missing targets
/// are added with the xtask's own `add-target`, so `.cargo/config.toml` and
/// `rust-toolchain.toml` follow; the (possibly empty)
/// `[workspace.metadata.dist.formats]` and `.ci-runner]` tables are there
/// for tests to add to.
pub fn fixture_workspace(label: &str) -> Scratch {
    let scratch = copy_of_workspace(label);
    let dir = scratch.path();
    let configured = targets_json(dir, &["targets", "--json"]);
    for triple in FIXTURE_TARGETS {
        if !configured.iter().any(|target| target["triple"] == triple) {
            let output = xtask(dir, &["add-target", triple]);
            assert!(output.status.success(), "add-target {triple}: {output:?}");
        }
    }
    let repository = shipped_package(dir)["repository"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let path = dir.join("Cargo.toml");
    let mut manifest: toml_edit::DocumentMut =
        std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let dist = manifest["workspace"]["metadata"]["dist"]
        .as_table_mut()
        .expect("a [workspace.metadata.dist] table");
    // Optional outputs as they are by default, whatever the workspace
    // turned off.
    for key in [
        "min-glibc",
        "sbom",
        "installers",
        "universal2",
        "pypi",
        "npm",
    ] {
        dist.remove(key);
    }
    // The installers need to know where the release will be; a workspace
    // that is not on GitHub and made none says so here.
    let on_github = repository.starts_with("https://github.com/");
    if !on_github && !dist.contains_key("base-url") {
        dist.insert(
            "base-url",
            toml_edit::value("https://downloads.example.com/v{version}"),
        );
    }
    for overrides in ["formats", "ci-runner"] {
        if let Some(table) = dist.get_mut(overrides).and_then(|item| item.as_table_mut()) {
            for triple in FIXTURE_TARGETS {
                table.remove(triple);
            }
        }
    }
    for overrides in ["formats", "ci-runner"] {
        if !dist.contains_key(overrides) {
            let mut table = toml_edit::Table::new();
            table.set_implicit(false);
            dist.insert(overrides, toml_edit::Item::Table(table));
        }
    }
    std::fs::write(&path, manifest.to_string()).unwrap();
    scratch
}

/// `[workspace.metadata.dist]` of the workspace `dir`, as written.
pub fn dist_table(dir: &Path) -> toml_edit::Table {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    doc["workspace"]["metadata"]["dist"]
        .as_table()
        .expect("a [workspace.metadata.dist] table")
        .clone()
}

/// Edits `[workspace.metadata.dist]` in the Cargo.toml of the workspace
/// `dir`, as a user would edit the table.
pub fn edit_dist(dir: &Path, change: impl FnOnce(&mut toml_edit::Table)) {
    let path = dir.join("Cargo.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    change(
        doc["workspace"]["metadata"]["dist"]
            .as_table_mut()
            .expect("a [workspace.metadata.dist] table"),
    );
    std::fs::write(&path, doc.to_string()).unwrap();
}

/// Replaces `from` with `to` in `dir/file`, failing if `from` is absent.
pub fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Runs the xtask binary in `dir` with `args`.
pub fn xtask(dir: &Path, args: &[&str]) -> Output {
    xtask_command(dir, args)
        .output()
        .expect("the xtask binary runs")
}

/// The xtask binary, with a fixed SOURCE_DATE_EPOCH (copies of the
/// workspace are not git checkouts, so they have no commit time).
pub fn xtask_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000");
    without_our_cargo_env(&mut command);
    share_tools(&mut command);
    command
}

/// Shares the real workspace's tools (zig is 100 MB) with a command run in
/// a copy, rather than installing them again there.
fn share_tools(command: &mut Command) {
    let tools = repo_root().join("target/xtask-tools");
    if tools.exists() && std::env::var_os("XTASK_TOOLS_DIR").is_none() {
        command.env("XTASK_TOOLS_DIR", tools);
    }
}

/// `cargo ARGS` in the workspace `dir`, as a user would type it there.
pub fn cargo_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.args(args).current_dir(dir);
    without_our_cargo_env(&mut command);
    share_tools(&mut command);
    command
}

/// `cargo test` gives this process the `[env]` of .cargo/config.toml (the C
/// compilers); a command run in a copy must get them from the copy's own.
/// A copy also builds in its own target folder, whatever this process was
/// given: cargo judges a path crate's outputs by their path inside the
/// workspace and their sources' times, so copies sharing one folder would
/// run each other's builds.
fn without_our_cargo_env(command: &mut Command) {
    command.env_remove("CARGO_TARGET_DIR");
    command.env_remove("CARGO_BUILD_TARGET_DIR");
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if ["CC_", "AR_", "CFLAGS_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            command.env_remove(name.as_ref());
        }
    }
}

/// Asserts the command failed with an error that contains every one of
/// `needles`, and returns its stderr.
pub fn assert_fails_with(output: &Output, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success(),
        "expected failure, got success:\n{stderr}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
    assert!(stderr.contains("error: "), "no error line:\n{stderr}");
    stderr
}

/// Asserts nothing was compiled: cargo never got as far as a target folder.
pub fn assert_built_nothing(workspace: &Path, stderr: &str) {
    assert!(
        !stderr.contains("Compiling"),
        "something was compiled:\n{stderr}"
    );
    let triple_dirs = std::fs::read_dir(workspace.join("target"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                // Triple-named folders are build output; the tools
                // environment (where install commands are prepared) is not.
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.contains('-') && name != "xtask-tools"
                })
                .count()
        })
        .unwrap_or(0);
    assert_eq!(triple_dirs, 0, "a target folder was created");
}

/// The artifact-looking files and checksum lists in `dir`.
pub fn artifacts_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| {
                    [
                        ".tar.gz",
                        ".zip",
                        ".deb",
                        ".rpm",
                        ".tar",
                        ".msi",
                        ".elf",
                        ".bin",
                        ".hex",
                        ".tgz",
                        ".whl",
                        ".dmg",
                        ".pkg",
                        ".yaml",
                        ".sh",
                        ".rb",
                        ".json",
                        ".minisig",
                        ".sha256",
                        "SHA256SUMS",
                        "dist-manifest.json",
                    ]
                    .iter()
                    .any(|suffix| name.ends_with(suffix))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A small but complete release of one tar.gz for `triple`, made with tar
/// and sha256sum (no build needed), in `out`: its binary is [`tiny_elf`].
pub fn make_release(out: &Path, version: &str, triple: &str) {
    release_of_one_binary(out, version, triple, &tiny_elf(triple), "");
}

/// The smallest ELF executable whose header verify accepts for `triple`
/// (x86_64 or aarch64 glibc Linux): a 64-bit little-endian header naming
/// the CPU, and one program header naming the dynamic loader, laid out as
/// in `<elf.h>`. It does not run; it only has to read right.
pub fn tiny_elf(triple: &str) -> Vec<u8> {
    let (machine, loader): (u16, &str) = match triple {
        "x86_64-unknown-linux-gnu" => (62, "/lib64/ld-linux-x86-64.so.2"),
        "aarch64-unknown-linux-gnu" => (183, "/lib/ld-linux-aarch64.so.1"),
        _ => panic!("tiny_elf knows x86_64 and aarch64 glibc Linux, not {triple}"),
    };
    let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
    elf.resize(16, 0);
    elf.extend(3u16.to_le_bytes()); // e_type: ET_DYN
    elf.extend(machine.to_le_bytes());
    elf.extend(1u32.to_le_bytes()); // e_version
    elf.extend(0u64.to_le_bytes()); // e_entry
    elf.extend(64u64.to_le_bytes()); // e_phoff: right after this header
    elf.extend(0u64.to_le_bytes()); // e_shoff: no sections
    elf.extend(0u32.to_le_bytes()); // e_flags
    for half in [64u16, 56, 1, 64, 0, 0] {
        // e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
        elf.extend(half.to_le_bytes());
    }
    let path_at = 64 + 56;
    let size = loader.len() as u64 + 1;
    elf.extend(3u32.to_le_bytes()); // p_type: PT_INTERP
    elf.extend(4u32.to_le_bytes()); // p_flags: R
    for word in [
        path_at as u64,
        path_at as u64,
        path_at as u64,
        size,
        size,
        1,
    ] {
        // p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
        elf.extend(word.to_le_bytes());
    }
    elf.extend(loader.as_bytes());
    elf.push(0);
    elf
}

/// Every file directly in `dir` (hidden ones included), with its bytes,
/// sorted by name.
pub fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let data = std::fs::read(entry.path()).unwrap_or_default();
            (entry.file_name().to_string_lossy().into_owned(), data)
        })
        .collect();
    files.sort();
    files
}

/// Asserts that the folders `a` and `b` hold the same files with the same
/// bytes; `what` names the two in the message.
pub fn assert_same_files(a: &Path, b: &Path, what: &str) {
    let (a_files, b_files) = (files_in(a), files_in(b));
    let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
        files.iter().map(|(name, _)| name.clone()).collect()
    };
    assert_eq!(names(&a_files), names(&b_files), "{what}");
    let differing: Vec<&str> = a_files
        .iter()
        .zip(&b_files)
        .filter(|((_, a_bytes), (_, b_bytes))| a_bytes != b_bytes)
        .map(|((name, _), _)| name.as_str())
        .collect();
    assert!(
        differing.is_empty(),
        "these differ between {what}: {differing:?}"
    );
}

/// `cargo xtask dist --target T... --out OUT` in the real workspace; panics
/// with the log if it fails.
pub fn dist(out: &Path, targets: &[&str]) {
    dist_with_env(out, targets, &[]);
}

/// [`dist`], with the environment variables `env` set (signing keys).
pub fn dist_with_env(out: &Path, targets: &[&str], env: &[(&str, &str)]) {
    let mut args = vec!["dist", "--out", out.to_str().unwrap()];
    for target in targets {
        args.extend(["--target", target]);
    }
    let output = xtask_command(&repo_root(), &args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "dist failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A minisign key pair made by Debian's minisign without a password, as a
/// CI secret holds one: the secret key's text and the public key file.
pub fn minisign_key_pair(dir: &Path, name: &str) -> (String, PathBuf) {
    let (public, secret) = (
        dir.join(format!("{name}.pub")),
        dir.join(format!("{name}.key")),
    );
    let made = Command::new("minisign")
        .args(["-G", "-W", "-p"])
        .arg(&public)
        .arg("-s")
        .arg(&secret)
        .output()
        .expect("minisign runs (cargo xtask ci installs it)");
    assert!(made.status.success(), "{made:?}");
    (std::fs::read_to_string(secret).unwrap(), public)
}

/// A throwaway OpenPGP signing key (RSA, no passphrase), made with gpg in
/// its own keyring, and an rpm database that trusts it.
pub struct GpgKey {
    /// The keyring, and `HOME` for rpm: its `.rpmmacros` points rpm at a
    /// database holding the public key.
    pub home: PathBuf,
    /// `gpg --armor --export-secret-keys`: what `RPM_SIGNING_KEY` holds.
    pub secret: String,
}

impl GpgKey {
    /// A new key in the keyring `home`, which is emptied first. (GnuPG's
    /// agent socket goes there: keep the path short.)
    pub fn generate(home: PathBuf) -> GpgKey {
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).unwrap();
        let dir = home.as_path();
        let gpg = |args: &[&str]| -> Vec<u8> {
            let output = Command::new("gpg")
                .arg("--homedir")
                .arg(dir)
                .args(["--batch", "--passphrase", ""])
                .args(args)
                .output()
                .expect("gpg runs (Debian package gpg)");
            assert!(
                output.status.success(),
                "gpg {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            output.stdout
        };
        gpg(&[
            "--quick-gen-key",
            "Release Test <release@example.com>",
            "rsa3072",
            "sign",
            "never",
        ]);
        let secret = String::from_utf8(gpg(&["--armor", "--export-secret-keys"])).unwrap();
        let public = dir.join("public.asc");
        std::fs::write(&public, gpg(&["--armor", "--export"])).unwrap();
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(dir)
            .args(["--kill", "gpg-agent"])
            .status();
        std::fs::write(
            dir.join(".rpmmacros"),
            format!("%_dbpath {}/rpmdb\n", dir.display()),
        )
        .unwrap();
        let imported = Command::new("rpm")
            .env("HOME", dir)
            .arg("--import")
            .arg(&public)
            .status()
            .expect("rpm runs (Debian package rpm)");
        assert!(imported.success());
        GpgKey { home, secret }
    }
}

/// Runs the xtask in `workspace` and asserts it refused with every one of
/// `needles` before building anything.
pub fn assert_refused(workspace: &Path, args: &[&str], needles: &[&str]) -> String {
    let stderr = assert_fails_with(&xtask(workspace, args), needles);
    assert_built_nothing(workspace, &stderr);
    stderr
}

/// `cargo xtask targets --json` of the real workspace.
pub fn configured_targets() -> Vec<serde_json::Value> {
    targets_json(&repo_root(), &["targets", "--json"])
}

/// `cargo xtask targets --known --json` of the workspace in `dir`: every
/// row of the table, each with `configured` true or false.
pub fn known_targets(dir: &Path) -> Vec<serde_json::Value> {
    targets_json(dir, &["targets", "--known", "--json"])
}

fn targets_json(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let output = xtask(dir, args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let targets: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    targets.as_array().unwrap().clone()
}

/// A target of the table that the workspace in `dir` does not configure and
/// that runs here under qemu with a cross gcc, the common case for a target
/// someone adds (ppc64le, for the template as it ships).
pub fn addable_qemu_target(dir: &Path) -> serde_json::Value {
    known_targets(dir)
        .into_iter()
        .find(|target| {
            target["configured"] == false
                && target["runner"] == "qemu"
                && target["linker_kind"] == "cross-gcc"
        })
        .expect("the table has a qemu target this workspace does not configure")
}

/// The triple of every configured target.
pub fn configured_triples() -> Vec<String> {
    configured_targets()
        .iter()
        .map(|target| target["triple"].as_str().unwrap().to_owned())
        .collect()
}

/// A one-artifact release in `out`, made with tar and sha256sum: a tarball
/// of `binary` (as `<app>-<version>-<triple>/<app>`) for `triple`, with its
/// checksums and a manifest entry with `extra` fields (`, "glibc_floor":
/// "2.17"`, say).
pub fn release_of_one_binary(out: &Path, version: &str, triple: &str, binary: &[u8], extra: &str) {
    let app = app();
    let folder = format!("{app}-{version}-{triple}");
    std::fs::create_dir_all(out.join(&folder)).unwrap();
    let path = out.join(&folder).join(app);
    std::fs::write(&path, binary).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let name = format!("{folder}.tar.gz");
    run_in_dir(out, "tar", &["-czf", &name, &folder]);
    std::fs::remove_dir_all(out.join(&folder)).unwrap();
    let line = run_in_dir(out, "sha256sum", &[&name]);
    std::fs::write(out.join(format!("{name}.sha256")), &line).unwrap();
    std::fs::write(out.join("SHA256SUMS"), &line).unwrap();
    let size = std::fs::metadata(out.join(&name)).unwrap().len();
    std::fs::write(
        out.join("dist-manifest.json"),
        format!(
            r#"{{"package": "{app}", "version": "{version}", "source_date_epoch": 1, "git_commit": null,
                "artifacts": [{{"name": "{name}", "target": "{triple}",
                "format": "tar.gz", "size": {size}, "sha256": "{}", "smoke_run": "none"
                {extra}}}]}}"#,
            &line[..64]
        ),
    )
    .unwrap();
}

/// Runs `program ARGS` in `dir`, which must succeed, and returns its stdout.
pub fn run_in_dir(dir: &Path, program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{program}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// A folder to use as PATH holding the Rust toolchain and nothing else: no
/// cross gcc, no qemu, no wine.
pub fn bare_path() -> Scratch {
    let bin = Scratch::new("bare-path");
    for tool in ["cargo", "rustc", "rustup"] {
        std::os::unix::fs::symlink(which(tool), bin.path().join(tool)).unwrap();
    }
    bin
}

pub fn which(program: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("{program} is on PATH"))
}
