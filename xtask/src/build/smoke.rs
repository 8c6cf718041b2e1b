//! The smoke run: each release binary started under its target's runner
//! (the one `.cargo/config.toml` gives cargo), as a user would start it,
//! before it is packaged.
//!
//! It proves the binary starts there and is this release's build: it must
//! exit 0 and print the release's version somewhere in its output, as
//! `tool 1.2.3`, `tool v1.2.3 (rev abc)` or several lines do. Which
//! architecture and OS it is for is proven by the header checks
//! ([`crate::binary::headers`]), not by what it prints.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::build::wasm_bindgen::Bindings;
use crate::targets::{Runner, TargetSpec};
use crate::util::progress;

/// Smoke-runs `binary`, the release build of `bin` for `spec`, with
/// `args` under the target's runner, from the workspace at `root` (the
/// release plan decides whether and with what it runs).
pub fn run(
    sh: &Shell,
    root: &Path,
    spec: &TargetSpec,
    bin: &str,
    binary: &Path,
    version: &str,
    args: &[String],
) -> Result<SmokeResult> {
    progress::step(format_args!(
        "dist {}: smoke run {}",
        spec.triple, spec.runner
    ));
    let runner = spec.cargo_config().runner_command(root).unwrap_or_default();
    let mut words = runner.iter().map(PathBuf::from).chain([binary.to_owned()]);
    let program = words.next().expect("the binary, at least");
    let command = format!("{bin} {}", args.join(" "));
    let output = sh
        .cmd(program)
        .args(words)
        .args(args)
        .ignore_status()
        .output()
        .with_context(|| format!("the smoke run `{command}` could not start"))?;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        bail!(
            "the smoke run `{command}` failed ({}); it printed {:?}. A binary that cannot start \
             here can set `smoke-run = {{ skip = \"why\" }}` in [package.metadata.dist].",
            output.status,
            printed.trim()
        );
    }
    if !reports_version(&printed, version) {
        bail!(
            "the smoke run `{command}` printed {:?}, which does not name the release's version \
             {version}: the binary is not this release's build, or reports its version with \
             other arguments (set them with `smoke-run = [\"...\"]` in [package.metadata.dist]).",
            printed.trim()
        );
    }
    for line in printed.trim().lines() {
        progress::detail(format_args!("{line}"));
    }
    Ok(SmokeResult::Ran(spec.runner.kind()))
}

/// Loads a web package's bindings in Node.js, as a user's script would
/// import the npm package: the ES module, given the `.wasm` bytes, must
/// instantiate the module (every import the module needs given, its start
/// function run).
pub fn load_in_node(sh: &Shell, bindings: &Bindings) -> Result<SmokeResult> {
    progress::step(format_args!(
        "smoke run: {} loaded in Node.js",
        bindings.entry
    ));
    let entry = bindings.dir.join(&bindings.entry);
    let module = bindings.dir.join(&bindings.module);
    let script = "const [entry, module] = process.argv.slice(1);\n\
                  const bindings = await import(entry);\n\
                  const bytes = (await import('node:fs')).readFileSync(module);\n\
                  const exports = await bindings.default({ module_or_path: bytes });\n\
                  console.log(`instantiated; exports ${Object.keys(exports).join(', ')}`);";
    let printed = sh
        .cmd("node")
        .args(["--input-type=module", "--eval", script])
        .arg(&entry)
        .arg(&module)
        .ignore_status()
        .output()
        .context("the smoke run could not start node (install Node.js)")?;
    let said = |bytes: &[u8]| String::from_utf8_lossy(bytes).trim().to_owned();
    if !printed.status.success() {
        bail!(
            "the smoke run could not load {} in Node.js ({}): {}",
            entry.display(),
            printed.status,
            said(&printed.stderr)
        );
    }
    progress::detail(format_args!("{}", said(&printed.stdout)));
    Ok(SmokeResult::Ran(Runner::WasmBindgen.kind()))
}

/// Whether `output` names `version` as a whole version: `1.2.3` or
/// `v1.2.3`, but not inside `11.2.3` or `1.2.30`.
fn reports_version(output: &str, version: &str) -> bool {
    let part_of_a_version = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+');
    output.match_indices(version).any(|(at, _)| {
        let before = output[..at].chars().next_back();
        let after = output[at + version.len()..].chars().next();
        let starts = match before {
            None => true,
            Some('v') => !output[..at - 1]
                .chars()
                .next_back()
                .is_some_and(part_of_a_version),
            Some(c) => !part_of_a_version(c),
        };
        let ends = match after {
            None => true,
            // A sentence's full stop, not a longer version.
            Some('.') => !output[at + version.len() + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric()),
            Some(c) => !part_of_a_version(c),
        };
        starts && ends
    })
}

#[cfg(test)]
mod tests {
    use super::reports_version;

    #[test]
    fn the_version_anywhere_in_what_real_programs_print() {
        for printed in [
            "tool 1.2.3",
            "tool 1.2.3\n",
            "tool v1.2.3 (rev 4f2a1c0)",
            "ripgrep 1.2.3\nfeatures:+pcre2\nsimd(compile):+SSE2",
            "app 1.2.3 (x86_64-unknown-linux-gnu)",
            "Version: 1.2.3.",
        ] {
            assert!(reports_version(printed, "1.2.3"), "{printed:?}");
        }
        assert!(reports_version("tool 1.2.3-rc.1", "1.2.3-rc.1"));
    }

    #[test]
    fn other_versions_are_not_this_one() {
        for printed in [
            "tool 1.2.30",
            "tool 11.2.3",
            "tool 1.2.3.4",
            "tool 0.1.2.3",
            "tool 1.2.3-rc.1",
            "tool 1.2.3-1",
            "tool v2.0.0",
            "",
        ] {
            assert!(!reports_version(printed, "1.2.3"), "{printed:?}");
        }
    }
}

/// How an artifact's binaries were smoke-run; written as its
/// [`SmokeResult::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmokeResult {
    /// They ran under this runner (`native`, `qemu`, `wine`, `wasmtime`)
    /// and reported the release's version; or, for a web package, Node.js
    /// (`node`) loaded its bindings.
    Ran(&'static str),
    /// Nothing here runs the target's binaries, or the artifact holds none
    /// of its own (an installer, the image).
    NotRun,
    /// The package's `smoke-run = { skip = "…" }` turned it off.
    Skipped,
}

impl SmokeResult {
    /// The runners a smoke run can have run under.
    const RUNNERS: [&'static str; 6] =
        ["native", "qemu", "wine", "wasmtime", "qemu-system", "node"];

    /// As the manifest writes it.
    pub fn name(self) -> &'static str {
        match self {
            SmokeResult::Ran(runner) => runner,
            SmokeResult::NotRun => "none",
            SmokeResult::Skipped => "skipped",
        }
    }

    /// The result a run under the runner of kind `kind` had
    /// ([`crate::targets::Runner::kind`]), or that of [`SmokeResult::name`].
    pub fn from_name(name: &str) -> Option<SmokeResult> {
        match name {
            "none" => Some(SmokeResult::NotRun),
            "skipped" => Some(SmokeResult::Skipped),
            _ => Self::RUNNERS
                .into_iter()
                .find(|runner| *runner == name)
                .map(SmokeResult::Ran),
        }
    }
}

impl serde::Serialize for SmokeResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for SmokeResult {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<SmokeResult, D::Error> {
        let name = String::deserialize(deserializer)?;
        SmokeResult::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown smoke run `{name}`")))
    }
}
