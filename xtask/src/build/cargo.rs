//! How the xtask asks cargo to build, test and run for a target, and what it
//! says when that fails because of C.
//!
//! Linkers and runners come from `.cargo/config.toml`, so the same command
//! typed by hand does the same thing.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use xshell::{Cmd, Shell, cmd};

use crate::targets::{Builder, Os, TargetSpec};
use crate::util::progress;
use crate::workspace::config::{Configured, Package};

/// `cargo <subcommand> --target T`. For zig-linked targets, cargo-zigbuild
/// runs it instead (`cargo zigbuild` for a build, `cargo-zigbuild clippy`
/// and the like otherwise), so that zig links and compiles C for them.
///
/// `sh` is at the workspace root. On a build machine other than the one
/// `.cargo/config.toml` is written for, the host's linker and runner are
/// passed as `CARGO_TARGET_*` variables ([`TargetSpec::cargo_overrides`]).
pub fn command<'a>(sh: &'a Shell, spec: &TargetSpec, subcommand: &str) -> Cmd<'a> {
    let triple = spec.triple;
    let command = match (spec.builder(), subcommand) {
        (Builder::Zigbuild, "build") => cmd!(sh, "cargo zigbuild --target {triple}"),
        (Builder::Zigbuild, _) => cmd!(sh, "cargo-zigbuild {subcommand} --target {triple}"),
        (Builder::Cargo, _) => cmd!(sh, "cargo {subcommand} --target {triple}"),
    };
    with_host_overrides(command, sh, spec)
}

fn with_host_overrides<'a>(command: Cmd<'a>, sh: &Shell, spec: &TargetSpec) -> Cmd<'a> {
    spec.cargo_overrides(&sh.current_dir())
        .into_iter()
        .fold(command, |command, (name, value)| command.env(name, value))
}

/// The build of a release binary: as [`command`]`(…, "build")`, except that
/// a glibc target is built by `cargo zigbuild --target <triple>.<floor>`, which
/// links against that glibc version's symbols, so the binary runs on any
/// system with that glibc or newer; and a macOS target is built for its
/// floor (`MACOSX_DEPLOYMENT_TARGET`, which rustc, zig and cc-rs all read),
/// so it starts on that macOS or newer.
pub fn release_build<'a>(sh: &'a Shell, configured: &Configured) -> Cmd<'a> {
    let spec = configured.spec;
    let build = match configured.glibc_floor {
        Some(floor) => {
            let target = format!("{}.{floor}", spec.triple);
            let build = with_host_overrides(cmd!(sh, "cargo zigbuild --target {target}"), sh, spec);
            with_debian_headers(build, configured)
        }
        None => command(sh, spec, "build"),
    };
    match configured.macos_floor {
        Some(floor) => build.env("MACOSX_DEPLOYMENT_TARGET", floor.to_string()),
        None => build,
    }
}

/// `build`, able to compile C against the Debian libraries the target's
/// `dependencies.apt` installs: each keeps half its headers under
/// /usr/include and half, those that differ by architecture (OpenSSL's
/// `opensslconf.h`), under `/usr/include/<multiarch>`, which a cross gcc
/// searches and zig does not. `-idirafter` puts that folder last, so it
/// only supplies what no other folder has.
fn with_debian_headers<'a>(build: Cmd<'a>, configured: &Configured) -> Cmd<'a> {
    let multiarch = configured.spec.debian_multiarch();
    let (Some(multiarch), true) = (multiarch, configured.apt.iter().any(|p| p.is_library())) else {
        return build;
    };
    let variable = format!("CFLAGS_{}", configured.triple().replace('-', "_"));
    let flags = std::env::var(&variable).unwrap_or_default();
    let added = format!("-idirafter /usr/include/{multiarch}");
    build.env(variable, format!("{flags} {added}").trim_start())
}

/// One command, as data: what the release plan shows, and what execution
/// runs, so that the two cannot differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invocation {
    pub program: String,
    pub args: Vec<String>,
    /// The variables it sets, and those it removes (`null`), by name.
    pub env: BTreeMap<String, Option<String>>,
}

impl Invocation {
    /// What `command` would run: its program, arguments and the variables
    /// it changes (the shell's pushed ones included).
    pub fn of(command: Cmd<'_>) -> Invocation {
        let command = Command::from(command);
        let text = |s: &std::ffi::OsStr| s.to_string_lossy().into_owned();
        Invocation {
            program: text(command.get_program()),
            args: command.get_args().map(text).collect(),
            env: command
                .get_envs()
                .map(|(name, value)| (text(name), value.map(text)))
                .collect(),
        }
    }

    /// The command, ready to run from `sh`'s folder.
    pub fn cmd<'a>(&self, sh: &'a Shell) -> Cmd<'a> {
        self.env.iter().fold(
            sh.cmd(&self.program).args(&self.args),
            |command, (name, value)| match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            },
        )
    }
}

/// The crates `package`'s release build for `triple` compiles, with its
/// release features, as `cargo tree` prints them: `name vX.Y.Z` (a path
/// dependency's folder follows).
pub fn resolved_crates(sh: &Shell, package: &Package, triple: &str) -> Result<BTreeSet<String>> {
    let name = &package.name;
    let features = package.features.cargo_args();
    let format = "{p}";
    let tree = cmd!(
        sh,
        "cargo tree --locked --target {triple} --package {name} -e normal,build
         --prefix none --format {format} {features...}"
    )
    .quiet()
    .read()
    .with_context(|| format!("`cargo tree --target {triple}` failed (its error is above)"))?;
    Ok(tree
        .lines()
        .map(|line| {
            line.trim_end_matches(" (*)")
                .trim_end_matches(" (proc-macro)")
                .to_owned()
        })
        .filter(|line| !line.is_empty())
        .collect())
}

/// Runs a cargo command for `spec`, its output passed through as it comes.
/// When it fails for want of a C compiler, header or library, the error
/// says which, for which target, and how to provide it, rather than only
/// cargo's exit code.
pub fn run(command: Cmd<'_>, spec: &TargetSpec) -> Result<()> {
    run_capturing(command, spec, false).map(drop)
}

/// What a build made, from cargo's JSON messages.
#[derive(Debug)]
pub struct Built {
    /// `(name, path)` of each binary asked for, in the order asked.
    pub executables: Vec<(String, PathBuf)>,
    /// Its package's build script output folder (`OUT_DIR`), if it has a
    /// build script.
    pub out_dir: Option<PathBuf>,
}

/// What makes cargo say, on standard output, what it built and where.
pub const JSON_MESSAGES: &str = "--message-format=json-render-diagnostics";

/// Runs a `cargo build` of the binaries `bins` for `spec`, as [`run`] does,
/// and reads from cargo's JSON messages ([`JSON_MESSAGES`], which
/// `command` passes) where the binaries and their build script's output
/// went.
pub fn build(command: Cmd<'_>, spec: &TargetSpec, bins: &[String]) -> Result<Built> {
    let messages = run_capturing(command, spec, true)?;
    read_messages(&messages, bins)
}

/// Runs a `cargo build --lib` of a package's cdylib for the WebAssembly
/// target `spec`, as [`build`] does, and returns where its `.wasm` module
/// went.
pub fn build_wasm_module(command: Cmd<'_>, spec: &TargetSpec, lib: &str) -> Result<PathBuf> {
    let messages = run_capturing(command, spec, true)?;
    let module = Message::read_all(&messages)
        .into_iter()
        .filter_map(|message| match message {
            Message::CompilerArtifact {
                target, filenames, ..
            } if target.name == lib => Some(filenames),
            _ => None,
        })
        .flatten()
        .find(|path| path.extension().is_some_and(|ext| ext == "wasm"));
    module.with_context(|| format!("cargo's messages name no .wasm module of `{lib}`"))
}

/// The binaries `bins` and their package's `OUT_DIR` in cargo's JSON
/// messages (one JSON object a line).
fn read_messages(messages: &str, bins: &[String]) -> Result<Built> {
    let messages = Message::read_all(messages);
    let mut executables = Vec::new();
    let mut package = None;
    for bin in bins {
        let (id, path) = messages
            .iter()
            .find_map(|message| match message {
                Message::CompilerArtifact {
                    package_id,
                    target,
                    executable: Some(path),
                    ..
                } if target.name == *bin => Some((package_id, path)),
                _ => None,
            })
            .with_context(|| format!("cargo's messages name no binary `{bin}`"))?;
        package = Some(id);
        executables.push((bin.clone(), path.clone()));
    }
    let out_dir = messages.iter().find_map(|message| match message {
        Message::BuildScriptExecuted {
            package_id,
            out_dir,
        } if Some(package_id) == package => Some(out_dir.clone()),
        _ => None,
    });
    Ok(Built {
        executables,
        out_dir,
    })
}

/// The lines of cargo's `--message-format=json` this reads, by `reason`
/// (cargo's "JSON messages" reference); every other line is `Other`.
#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum Message {
    CompilerArtifact {
        package_id: String,
        target: MessageTarget,
        #[serde(default)]
        filenames: Vec<PathBuf>,
        executable: Option<PathBuf>,
    },
    BuildScriptExecuted {
        package_id: String,
        out_dir: PathBuf,
    },
    #[serde(other)]
    Other,
}

/// The crate target a compiler artifact is of.
#[derive(Deserialize)]
struct MessageTarget {
    name: String,
}

impl Message {
    /// Each line of `messages` that is one of cargo's JSON messages.
    fn read_all(messages: &str) -> Vec<Message> {
        messages
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }
}

/// [`run`], returning cargo's standard output when `capture` is set (it is
/// passed through otherwise).
fn run_capturing(command: Cmd<'_>, spec: &TargetSpec, capture: bool) -> Result<String> {
    progress::line(format_args!("$ {command}"));
    let shown = command.to_string();
    let mut command = Command::from(command);
    if std::io::stderr().is_terminal() {
        command.env("CARGO_TERM_COLOR", "always");
    }
    if capture {
        command.stdout(Stdio::piped());
    }
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{shown}`"))?;
    // Read stdout on its own thread: cargo blocks when either pipe is full.
    let stdout = child.stdout.take().map(|mut stdout| {
        std::thread::spawn(move || {
            let mut text = String::new();
            stdout.read_to_string(&mut text).map(|_| text)
        })
    });
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut tail: VecDeque<String> = VecDeque::new();
    for line in BufReader::new(stderr).split(b'\n') {
        let line = String::from_utf8_lossy(&line?).into_owned();
        progress::line(&line);
        if tail.len() == 500 {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    let status = child.wait()?;
    let stdout = match stdout {
        Some(reader) => reader
            .join()
            .expect("reading a pipe does not panic")
            .with_context(|| format!("cannot read what `{shown}` printed"))?,
        None => String::new(),
    };
    if status.success() {
        return Ok(stdout);
    }
    if progress::is_quiet() {
        // The error needs cargo's account of it, which --quiet held back.
        tail.iter().for_each(progress::summary);
    }
    match diagnose(tail.iter().map(String::as_str), spec) {
        Some(diagnosis) => bail!("{diagnosis}"),
        None => bail!("`{shown}` failed ({status}); its output is above"),
    }
}

/// What a failed build's output says about C or Apple's libraries, as
/// advice for `spec`.
fn diagnose<'a>(lines: impl Iterator<Item = &'a str>, spec: &TargetSpec) -> Option<String> {
    let lines: Vec<&str> = lines.collect();
    if spec.os == Os::Darwin
        && let Some(diagnosis) = apple_undefined_symbols(&lines, spec.triple)
    {
        return Some(diagnosis);
    }
    diagnose_c(&lines, spec)
}

/// zig's `undefined symbol: _X` and the `referenced by` note after it, for
/// a macOS target: the stubs made from the record of Apple's libraries lack
/// what a crate calls. Names each symbol with its crate, and the ways out.
fn apple_undefined_symbols(lines: &[&str], triple: &str) -> Option<String> {
    let mut missing = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(symbol) = between(line, "undefined symbol: ", "") else {
            continue;
        };
        let asker = lines[at + 1..]
            .iter()
            .take(2)
            .find_map(|next| between(next, "referenced by ", ""))
            .and_then(crate_of_object);
        missing.push(match asker {
            Some(asker) => format!("`{symbol}` (called by the crate {asker})"),
            None => format!("`{symbol}`"),
        });
    }
    (!missing.is_empty()).then(|| {
        format!(
            "{triple}: the link needs {}, which the stubs of Apple's libraries lack: they are \
             made from the record, xtask/apple-frameworks.txt, and it does not list them. If \
             Apple's library exports it, there are three ways out: add the crate that binds it \
             to scripts/apple-frameworks-record and run `scripts/apple-frameworks-record > \
             xtask/apple-frameworks.txt`; set SDKROOT to a macOS SDK made on a Mac; or build \
             {triple} on the macOS runner `cargo xtask plan` puts it on. If no library exports \
             it, the program would not start on a Mac either: fix its name.",
            missing.join(", ")
        )
    })
}

/// The crate an object file of rustc's belongs to, from its path:
/// `…/deps/libname-hash.rlib(…)` or `…/deps/name-hash.name.….o`.
fn crate_of_object(path: &str) -> Option<String> {
    let file = path.split(['(', ':']).next()?.rsplit('/').next()?;
    let file = file
        .strip_prefix("lib")
        .filter(|_| file.contains(".rlib"))
        .unwrap_or(file);
    let name = file.split('-').next().filter(|name| !name.is_empty())?;
    Some(name.to_owned())
}

/// What a failed build's output says about C, as advice for `spec`.
fn diagnose_c(lines: &[&str], spec: &TargetSpec) -> Option<String> {
    let triple = spec.triple;
    for line in lines {
        if let Some(tool) = between(line, "failed to find tool \"", "\"") {
            return Some(format!(
                "{triple}: a crate's build script looked for the C compiler `{tool}`, and this \
                 machine does not have it. The target table gives {triple} the C compiler \
                 `{}`: `cargo xtask doctor` says whether it is installed, and `cargo xtask \
                 build --target {triple}` installs it. If a crate wants another compiler for \
                 this target (C++, say), name it in .cargo/config.toml's [env] as \
                 CXX_{}.",
                spec.c_compiler,
                triple.replace('-', "_")
            ));
        }
        let header = between(line, "fatal error: ", ": No such file or directory")
            .or_else(|| between(line, "fatal error: '", "' file not found"));
        if let Some(header) = header {
            return Some(format!(
                "{triple}: a crate compiles C that includes `{header}`, which is not installed \
                 for this target: the development files of a C library are missing. Install \
                 them for {triple} (on Debian, the library's -dev package for that \
                 architecture), or turn on the crate's feature that builds the library from \
                 source (often called `vendored`, `bundled` or `static`)."
            ));
        }
        if let Some(region) = between(line, "will not fit in region '", "'") {
            let over = between(line, "overflowed by ", "").unwrap_or("some bytes");
            return Some(format!(
                "{triple}: the firmware image does not fit its memory: the linker overflowed \
                 the region {region} by {over}. The memory layout (the package's \
                 memory/{triple}.x, or its memory.x) gives {region} a LENGTH smaller than the \
                 image. Give it the chip's real size, or make the image smaller (opt-level = \
                 \"s\" or \"z\" in the release profile, fewer formatting calls)."
            ));
        }
        let library = ["cannot find -l", "unable to find library -l"]
            .iter()
            .find_map(|start| line.split_once(start))
            .and_then(|(_, rest)| rest.split([':', ' ']).next())
            .filter(|name| !name.is_empty());
        if let Some(library) = library {
            return Some(format!(
                "{triple}: linking needs the C library `{library}` for this target, and it is \
                 not installed. Install it for {triple} (on Debian, lib{library}-dev for that \
                 architecture), or turn on the crate's feature that builds it from source \
                 (often called `vendored`, `bundled` or `static`)."
            ));
        }
    }
    None
}

/// The text of `line` between `start` and the next `end` (or the line's end
/// when `end` is empty).
fn between<'a>(line: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &line[line.find(start)? + start.len()..];
    let text = if end.is_empty() {
        rest.trim_end()
    } else {
        &rest[..rest.find(end)?]
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnosis(output: &str) -> String {
        let spec = crate::targets::lookup("aarch64-unknown-linux-musl").unwrap();
        diagnose(output.lines(), spec).unwrap_or_default()
    }

    #[test]
    fn a_missing_c_compiler_is_named_with_the_one_the_table_gives() {
        let said = diagnosis(
            "  cargo:warning=Compiler family detection failed\n\
             error occurred in cc-rs: failed to find tool \"aarch64-linux-musl-gcc\": No such file",
        );
        assert!(said.starts_with("aarch64-unknown-linux-musl: "), "{said}");
        assert!(
            said.contains("the C compiler `aarch64-linux-musl-gcc`"),
            "{said}"
        );
        assert!(said.contains("`zig (aarch64-linux-musl)`"), "{said}");
    }

    #[test]
    fn a_firmware_too_big_for_its_flash_names_the_region_and_the_memory_layout() {
        let said = diagnosis(
            "  = note: rust-lld: error: section '.text' will not fit in region 'FLASH': \
             overflowed by 23860 bytes",
        );
        assert!(
            said.contains("overflowed the region FLASH by 23860 bytes"),
            "{said}"
        );
        assert!(said.contains("LENGTH"), "{said}");
    }

    #[test]
    fn built_reads_the_binaries_and_their_build_script_output_from_cargo_messages() {
        let messages = r#"{"reason":"build-script-executed","package_id":"dep 1.0","out_dir":"/t/build/dep-1/out"}
{"reason":"compiler-artifact","package_id":"dep 1.0","target":{"name":"dep"},"executable":null}
{"reason":"build-script-executed","package_id":"app 0.1","out_dir":"/t/build/app-2/out"}
{"reason":"compiler-artifact","package_id":"app 0.1","target":{"name":"app"},"executable":"/t/app"}
{"reason":"compiler-artifact","package_id":"app 0.1","target":{"name":"appd"},"executable":"/t/appd"}
{"reason":"build-finished","success":true}"#;
        let bins = |names: &[&str]| {
            names
                .iter()
                .map(|name| name.to_string())
                .collect::<Vec<_>>()
        };
        let built = read_messages(messages, &bins(&["appd", "app"])).unwrap();
        assert_eq!(
            built.executables,
            [
                ("appd".to_owned(), PathBuf::from("/t/appd")),
                ("app".to_owned(), PathBuf::from("/t/app"))
            ]
        );
        assert_eq!(built.out_dir, Some(PathBuf::from("/t/build/app-2/out")));
        let without_script = messages.replace(
            "build-script-executed\",\"package_id\":\"app",
            "x\",\"package_id\":\"app",
        );
        assert_eq!(
            read_messages(&without_script, &bins(&["app"]))
                .unwrap()
                .out_dir,
            None
        );
        let err = read_messages(messages, &bins(&["app", "other"])).unwrap_err();
        assert!(err.to_string().contains("no binary `other`"), "{err}");
    }

    #[test]
    fn missing_headers_and_libraries_are_named() {
        let gcc = diagnosis("src/x.c:1:10: fatal error: zstd.h: No such file or directory");
        assert!(gcc.contains("includes `zstd.h`"), "{gcc}");
        let clang = diagnosis("src/x.c:1:10: fatal error: 'openssl/ssl.h' file not found");
        assert!(clang.contains("includes `openssl/ssl.h`"), "{clang}");
        let ld = diagnosis("/usr/bin/ld: cannot find -lsqlite3: No such file or directory");
        assert!(ld.contains("the C library `sqlite3`"), "{ld}");
        assert!(diagnosis("error: could not compile `app`").is_empty());
    }

    /// zig's error for a symbol the stubs lack names it, the crate that
    /// calls it, and the three ways out.
    #[test]
    fn a_symbol_the_apple_stubs_lack_is_named_with_its_crate() {
        let spec = crate::targets::lookup("aarch64-apple-darwin").unwrap();
        let output = [
            "  = note: error: undefined symbol: _CFNotInAnyRecord",
            "              note: referenced by /t/aarch64-apple-darwin/dist/deps/missing-14a9.missing.c23-cgu.0.rcgu.o:__ZN7missing4main17hE",
            "          error: undefined symbol: _IOHIDEventGetFloatValue",
            "              note: referenced by /t/dist/deps/libsysinfo-0f3e.rlib(sysinfo-0f3e.sysinfo.a1-cgu.3.rcgu.o):_x",
        ];
        let said = diagnose(output.into_iter(), spec).unwrap();
        assert!(
            said.starts_with(
                "aarch64-apple-darwin: the link needs `_CFNotInAnyRecord` (called by the crate \
                 missing), `_IOHIDEventGetFloatValue` (called by the crate sysinfo), which"
            ),
            "{said}"
        );
        for way_out in [
            "scripts/apple-frameworks-record >",
            "SDKROOT",
            "macOS runner",
        ] {
            assert!(said.contains(way_out), "{said}");
        }
        let linux = crate::targets::lookup("x86_64-unknown-linux-gnu").unwrap();
        assert_eq!(diagnose(output.into_iter(), linux), None);
    }
}
