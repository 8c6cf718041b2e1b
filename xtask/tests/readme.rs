//! The README cannot drift from the tool: every `cargo xtask` command it
//! shows must parse, every command the tool has must be listed, and the
//! lines it points at must say what it says they say.

mod support;

use support::*;

fn readme() -> String {
    std::fs::read_to_string(repo_root().join("README.md")).unwrap()
}

/// The lines of every fenced block whose info string is `lang`.
fn code_blocks(text: &str, lang: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(info) = line.strip_prefix("```") {
            inside = !inside && info.trim() == lang;
            continue;
        }
        if inside {
            lines.push(line.to_owned());
        }
    }
    lines
}

/// The arguments after `cargo xtask` of each command in `sh` blocks.
fn shown_commands() -> Vec<Vec<String>> {
    code_blocks(&readme(), "sh")
        .iter()
        .filter_map(|line| line.trim().strip_prefix("cargo xtask "))
        .map(|rest| {
            let command = rest.split('#').next().unwrap();
            command.split_whitespace().map(str::to_owned).collect()
        })
        .collect()
}

#[test]
fn every_shown_command_parses() {
    let commands = shown_commands();
    assert!(commands.len() >= 8, "found only {commands:?}");
    for args in commands {
        let mut with_help: Vec<&str> = args.iter().map(String::as_str).collect();
        with_help.push("--help");
        let output = xtask(&repo_root(), &with_help);
        assert!(
            output.status.success(),
            "`cargo xtask {}` from the README does not parse:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains(&format!("cargo xtask {}", args[0])), "{help}");
    }
}

#[test]
fn every_command_of_the_tool_is_in_the_readme() {
    let overview = xtask(&repo_root(), &["--help"]);
    let overview = String::from_utf8_lossy(&overview.stdout).into_owned();
    let commands: Vec<&str> = overview
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|word| !word.starts_with('`'))
        .collect();
    assert!(commands.len() >= 10, "{overview}");
    let synopsis = code_blocks(&readme(), "text").join("\n");
    for command in commands {
        assert!(
            synopsis.contains(&format!("cargo xtask {command}")),
            "README's command list lacks `{command}`"
        );
        let help = xtask(&repo_root(), &[command, "--help"]);
        assert!(help.status.success(), "{command} --help");
    }
}

#[test]
fn line_references_point_at_what_they_describe() {
    let line = |file: &str, number: usize| -> String {
        std::fs::read_to_string(repo_root().join(file))
            .unwrap()
            .lines()
            .nth(number - 1)
            .unwrap_or_default()
            .to_owned()
    };
    let readme = readme();
    let references = [
        (
            ".cargo/config.toml",
            "lines 14–16",
            14,
            "[target.aarch64-unknown-linux-gnu]",
        ),
        (
            ".cargo/config.toml",
            "(lines 18–24)",
            18,
            "[target.armv7-unknown-linux-gnueabihf]",
        ),
        (
            ".cargo/config.toml",
            "(lines 18–24)",
            22,
            "[target.riscv64gc-unknown-linux-gnu]",
        ),
        (
            ".cargo/config.toml",
            "(lines 29–34)",
            29,
            "[target.x86_64-unknown-linux-musl]",
        ),
        (
            ".cargo/config.toml",
            "(lines 38–40)",
            38,
            "[target.x86_64-pc-windows-gnu]",
        ),
        (
            ".cargo/config.toml",
            "(lines 43–44)",
            43,
            "[target.wasm32-wasip1]",
        ),
        (
            "platform/Cargo.toml",
            "lines 14–25",
            14,
            "[target.'cfg(unix)'.dependencies]",
        ),
        (
            "platform/Cargo.toml",
            "lines 14–25",
            17,
            "[target.'cfg(windows)'.dependencies.windows-sys]",
        ),
    ];
    for (file, words, number, expected) in references {
        assert!(
            readme.contains(words),
            "the README no longer says {words:?}; update this test"
        );
        assert_eq!(
            line(file, number),
            expected,
            "{file} line {number}, which the README points at"
        );
    }
}
