//! `app`: prints what the operating system reports about the machine.
//!
//! The sample program of this template. Its output differs on every platform
//! it is built for, which makes it a good probe: run under qemu it reports the
//! emulated architecture, under wine it reports Windows.

use std::ffi::OsString;
use std::io::{self, Write};

use clap::Command;
use platform::SystemInfo;

mod cli;

/// The target triple this binary was compiled for (set by `build.rs`).
pub const BUILD_TARGET: &str = env!("APP_BUILD_TARGET");

/// `{version} ({target})`: what `--version` prints after the program name.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("APP_BUILD_TARGET"),
    ")"
);

/// The command-line interface.
pub fn cli() -> Command {
    cli::command(LONG_VERSION)
}

/// Runs the program with `args` (the first being the program name), writing
/// its output to `out`.
///
/// Help, version and usage errors come back as a [`clap::Error`] for the
/// caller to print, so that clap can choose stdout or stderr and the exit code.
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
) -> Result<(), clap::Error> {
    let matches = cli().try_get_matches_from(args)?;
    if let Some(("info", info)) = matches.subcommand() {
        let report = SystemInfo::collect();
        let written = if info.get_flag("json") {
            writeln!(out, "{}", to_json(&report))
        } else {
            write_text(&report, out)
        };
        written.map_err(|err| clap::Error::raw(clap::error::ErrorKind::Io, err))?;
    }
    Ok(())
}

/// The report as a JSON object; unknown values are `null`.
pub fn to_json(info: &SystemInfo) -> serde_json::Value {
    serde_json::json!({
        "build_target": BUILD_TARGET,
        "os_name": info.os_name,
        "os_release": info.os_release,
        "machine": info.machine,
        "logical_cpus": info.logical_cpus,
        "total_memory_bytes": info.total_memory,
        "page_size_bytes": info.page_size,
        "config_dir": info.config_dir.as_ref().map(|dir| dir.display().to_string()),
        "c_toolchain": info.c_toolchain,
    })
}

/// The report as aligned `label: value` lines, `unknown` where the OS did not
/// say.
pub fn write_text(info: &SystemInfo, out: &mut dyn Write) -> io::Result<()> {
    fn or_unknown<T: ToString>(value: Option<T>) -> String {
        value.map_or_else(|| "unknown".to_owned(), |value| value.to_string())
    }
    let rows = [
        ("built for", BUILD_TARGET.to_owned()),
        ("os", or_unknown(info.os_name.as_deref())),
        ("release", or_unknown(info.os_release.as_deref())),
        ("machine", or_unknown(info.machine.as_deref())),
        ("logical cpus", or_unknown(info.logical_cpus)),
        ("memory", or_unknown(info.total_memory.map(human_bytes))),
        (
            "page size",
            or_unknown(info.page_size.map(|size| human_bytes(size as u64))),
        ),
        (
            "config dir",
            or_unknown(info.config_dir.as_ref().map(|dir| dir.display())),
        ),
        ("c part", or_unknown(info.c_toolchain.as_deref())),
    ];
    for (label, value) in rows {
        writeln!(out, "{label:>12}: {value}")?;
    }
    Ok(())
}

/// `bytes` in the largest binary unit that keeps the number at least 1:
/// the no_std `units` crate's formatting, which the firmware shares.
pub fn human_bytes(bytes: u64) -> String {
    units::Bytes(bytes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the CLI in-process. Spawning the binary would not work under
    /// qemu-user, which cannot exec a second foreign binary without binfmt.
    fn run_app(args: &[&str]) -> Result<String, clap::Error> {
        let mut out = Vec::new();
        let args = std::iter::once("app")
            .chain(args.iter().copied())
            .map(OsString::from);
        run(args, &mut out)?;
        Ok(String::from_utf8(out).expect("UTF-8 output"))
    }

    #[test]
    fn version_names_the_build_target() {
        let err = run_app(&["--version"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
        let text = err.render().to_string();
        assert_eq!(
            text.trim(),
            format!(
                "{} {} ({BUILD_TARGET})",
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION")
            )
        );
    }

    #[test]
    fn build_target_matches_the_compiled_arch_and_os() {
        // Triples spell some architectures their own way: i686 for x86.
        let arch = std::env::consts::ARCH;
        let spelled = match arch {
            "arm" => &["armv7"][..],
            "x86" => &["i686", "i586"][..],
            _ => &[arch][..],
        };
        assert!(
            spelled
                .iter()
                .any(|prefix| BUILD_TARGET.starts_with(prefix)),
            "{BUILD_TARGET} vs {arch}"
        );
        let os = match std::env::consts::OS {
            "macos" => "darwin",
            os => os,
        };
        assert!(BUILD_TARGET.contains(os), "{BUILD_TARGET} vs {os}");
    }

    /// `build.rs` wrote the man pages and completions `cargo xtask dist`
    /// ships, from this very CLI definition.
    #[test]
    fn build_script_wrote_man_pages_and_completions() {
        let name = env!("CARGO_PKG_NAME");
        let page = include_str!(concat!(
            env!("OUT_DIR"),
            "/man/",
            env!("CARGO_PKG_NAME"),
            ".1"
        ));
        assert!(page.contains(&format!(".TH {name} 1")), "{page}");
        let info = include_str!(concat!(
            env!("OUT_DIR"),
            "/man/",
            env!("CARGO_PKG_NAME"),
            "-info.1"
        ));
        assert!(info.contains("\\-\\-json"), "{info}");
        let bash = include_str!(concat!(
            env!("OUT_DIR"),
            "/completions/",
            env!("CARGO_PKG_NAME"),
            ".bash"
        ));
        assert!(bash.contains("--json"), "{bash}");
        let zsh = include_str!(concat!(
            env!("OUT_DIR"),
            "/completions/_",
            env!("CARGO_PKG_NAME")
        ));
        assert!(zsh.starts_with(&format!("#compdef {name}")), "{zsh}");
        let fish = include_str!(concat!(
            env!("OUT_DIR"),
            "/completions/",
            env!("CARGO_PKG_NAME"),
            ".fish"
        ));
        assert!(fish.contains("-l json"), "{fish}");
    }

    #[test]
    fn json_report_has_every_field() {
        let text = run_app(&["info", "--json"]).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["build_target"], BUILD_TARGET);
        for key in [
            "os_name",
            "os_release",
            "machine",
            "logical_cpus",
            "total_memory_bytes",
            "page_size_bytes",
            "config_dir",
        ] {
            assert!(value.get(key).is_some(), "missing {key} in {text}");
        }
        assert_eq!(value["machine"].as_str(), platform::machine().as_deref());
    }

    #[test]
    fn text_report_lists_each_label_once() {
        let text = run_app(&["info"]).unwrap();
        for label in [
            "built for",
            "os",
            "release",
            "machine",
            "logical cpus",
            "memory",
            "page size",
            "config dir",
        ] {
            let lines = text
                .lines()
                .filter(|line| line.trim_start().starts_with(&format!("{label}:")))
                .count();
            assert_eq!(lines, 1, "{label} in\n{text}");
        }
        assert!(text.contains(BUILD_TARGET));
    }

    #[test]
    fn missing_subcommand_shows_help() {
        let err = run_app(&[]).unwrap_err();
        assert_eq!(
            err.kind(),
            clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
    }

    #[test]
    fn unknown_flag_is_a_usage_error() {
        let err = run_app(&["info", "--yaml"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn bytes_are_shown_in_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(4096), "4.0 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024 / 2), "1.5 GiB");
    }
}
