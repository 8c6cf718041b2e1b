//! The README and the book cannot drift from the tool: every `cargo xtask`
//! command they show must parse, every command the tool has must be in the
//! README, and the lines they quote from the workspace's files must be
//! there. (An adopted copy may drop the book; then the README alone is
//! checked. The book's own checks, which hold only for the template, are in
//! `tests/book.rs`.)

mod support;

use std::path::{Path, PathBuf};

use support::*;

fn readme() -> String {
    std::fs::read_to_string(repo_root().join("README.md")).unwrap()
}

/// README.md and every page of the book, with their paths.
fn pages() -> Vec<(PathBuf, String)> {
    let mut pages = vec![(repo_root().join("README.md"), readme())];
    let mut folders = vec![repo_root().join("docs")];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                pages.push((path, text));
            }
        }
    }
    pages.sort();
    pages
}

/// The lines of every fenced block whose info string starts with the word
/// `lang`.
fn code_blocks(text: &str, lang: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(info) = line.strip_prefix("```") {
            inside = !inside && info.split_whitespace().next() == Some(lang);
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
    pages()
        .iter()
        .flat_map(|(_, text)| code_blocks(text, "sh"))
        .collect::<Vec<_>>()
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
            "`cargo xtask {}` from the README or the book does not parse:\n{}",
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
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
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

/// The configuration the README and the book quote is the configuration
/// the workspace has: each `toml` block, line by line in order, stands in
/// the file the page links just before it. (Blocks marked `toml example`
/// show settings to add, not ones the file has.) A block about a target the
/// workspace no longer configures is passed over: the course describes the
/// template's targets, and an adopter who removed one keeps its lesson.
#[test]
fn quoted_configuration_is_the_real_configuration() {
    let removed: Vec<String> = known_targets(&repo_root())
        .iter()
        .filter(|row| row["configured"] == false)
        .map(|row| row["triple"].as_str().unwrap().to_owned())
        .collect();
    let mut checked = 0;
    for (page, text) in pages() {
        checked += check_quotes(&page, &text, &removed);
    }
    assert!(
        checked >= 1,
        "expected quoted TOML blocks in the README and the book"
    );
}

/// Checks the quoted blocks of one page; returns how many it checked.
fn check_quotes(page: &Path, readme: &str, removed: &[String]) -> usize {
    let folder = page.parent().unwrap();
    let mut checked = 0;
    let mut rest = readme;
    while let Some(start) = rest.find("```toml\n") {
        let before = &rest[..start];
        let block_start = start + "```toml\n".len();
        let block_end = block_start + rest[block_start..].find("```").unwrap();
        let block = &rest[block_start..block_end];
        rest = &rest[block_end + 3..];
        // The file is the last link to a .toml file before the block.
        let link = before
            .rmatch_indices("](")
            .map(|(at, _)| &before[at + 2..])
            .find_map(|tail| {
                tail.split(')')
                    .next()
                    .filter(|path| path.ends_with(".toml"))
            })
            .unwrap_or_else(|| panic!("no .toml link before the block:\n{block}"));
        let about_removed = removed.iter().any(|triple| {
            block.contains(&format!("[target.{triple}]"))
                || block.contains(&format!("\"{triple}\""))
                || block.contains(&format!("_{}", triple.replace(['-', '.'], "_")))
        });
        if about_removed {
            eprintln!("passed over, its target is not configured:\n{block}");
            continue;
        }
        let file = std::fs::read_to_string(folder.join(link))
            .unwrap_or_else(|err| panic!("{}: {link}: {err}", page.display()));
        let file_lines: Vec<&str> = file.lines().collect();
        let mut at = 0;
        for line in block.lines().filter(|line| !line.trim().is_empty()) {
            let found = file_lines[at..]
                .iter()
                .position(|candidate| *candidate == line);
            let found = found.unwrap_or_else(|| {
                panic!(
                    "{} quotes {line:?} from {link}, which does not have it (in that order)",
                    page.display()
                )
            });
            at += found + 1;
        }
        checked += 1;
    }
    checked
}
