//! `cargo xtask rename NEW_NAME`: turn the template into your project.
//!
//! The shipped package's name (the primary one's, where several ship) is
//! also its binary's name, its Debian package's name and the stem of every
//! artifact, so it appears in a handful of files: the app's `Cargo.toml` and sources, `package` in
//! `[workspace.metadata.dist]`, `Cargo.lock`, the README and the workflows.
//! This changes each, after checking the new name against Cargo's and
//! Debian's rules. The `app/` folder keeps its name: it is where the
//! program lives, not what it is called.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml_edit::value;
use xshell::cmd;

use crate::cli::RenameArgs;
use crate::formats::deb;
use crate::util::progress;
use crate::workspace::Workspace;
use crate::workspace::edit::Edits;
use crate::workspace::toml_file::TomlFile;

pub fn run(ws: &Workspace, args: &RenameArgs) -> Result<()> {
    let new = args.new_name.as_str();
    // The primary package: the release's name. Other shipped packages keep
    // theirs.
    let old = ws.config.primary().name.as_str();
    if old == new {
        progress::summary(format_args!(
            "the package is already called {new}; nothing to change."
        ));
        return Ok(());
    }
    // Every check before any write.
    check_name(new)?;
    if ws.config.members.iter().any(|member| member == new) {
        bail!(
            "cannot rename to `{new}`: it is already the name of another crate in this \
             workspace. Choose another name."
        );
    }
    let root = &ws.config.root;
    let mut manifest = TomlFile::load(&root.join("Cargo.toml"))?;
    let dist = &mut manifest.doc["workspace"]["metadata"]["dist"];
    match dist
        .get_mut("packages")
        .and_then(|list| list.as_array_mut())
    {
        Some(list) => {
            if let Some(first) = list.get_mut(0) {
                *first = new.into();
            }
        }
        None => dist["package"] = value(new),
    }
    let mut edits = Edits::default();
    edits.set("Cargo.toml", manifest.doc.to_string());
    for file in text_files(root)? {
        let path = root.join(&file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let renamed = replace_name(&text, old, new);
        if renamed != text {
            edits.set(file, renamed);
        }
    }

    // Cargo.lock names the package too, so cargo must rewrite it after the
    // manifests change; if that or any write fails, every file goes back to
    // what it was.
    let lock = Path::new("Cargo.lock");
    edits
        .apply(root, &[lock], || {
            cmd!(ws.sh, "cargo update --workspace --quiet")
                .run()
                .context("`cargo update --workspace` could not update Cargo.lock for the new name")
        })
        .with_context(|| format!("renaming to `{new}` failed"))?;

    progress::summary(format_args!("renamed {old} to {new} in:"));
    for file in edits.files().chain([lock]) {
        progress::summary(format_args!("  {}", file.display()));
    }
    progress::summary(format_args!(
        "`cargo xtask dist` now makes {new}-<version>-<target>.tar.gz and friends."
    ));
    Ok(())
}

/// The name is also a Rust identifier (`my_tool::run`), so no keyword of
/// any edition (2018 added async, await, dyn and try; 2024 added gen)
/// and no name of a crate every program can already see.
const KEYWORDS: &[&str] = &[
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "gen",
    "macro",
    "override",
    "priv",
    "try",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "test",
    "std",
    "core",
    "alloc",
    "proc-macro",
];

/// Cargo's rules for package names and Debian's for package names, at once,
/// since the one name is both.
fn check_name(name: &str) -> Result<()> {
    match name_problem(name) {
        Some(problem) => bail!(
            "cannot rename to `{name}`: {problem}. Pick a name of lowercase letters, digits and `-`, \
             starting with a letter, like `my-tool`."
        ),
        None => Ok(()),
    }
}

/// What is wrong with `name` as a package, binary and Debian package name.
fn name_problem(name: &str) -> Option<String> {
    if name.len() < 2 {
        Some("Debian package names are at least two characters long".to_owned())
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some("a Cargo package name cannot start with a digit".to_owned())
    } else if name.chars().any(|c| c.is_ascii_uppercase()) {
        Some("Debian package names are lowercase".to_owned())
    } else if name.contains('_') {
        Some("Debian package names cannot contain `_` (use `-`)".to_owned())
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        Some(format!(
            "the name may hold only lowercase letters, digits and `-`, not {c:?}"
        ))
    } else if name.starts_with('-') || name.ends_with('-') {
        Some("the name cannot start or end with `-`".to_owned())
    } else if KEYWORDS.contains(&name) {
        Some(format!(
            "`{name}` is a Rust keyword or a standard crate's name"
        ))
    } else {
        deb::check_package_name(name)
            .err()
            .map(|err| err.to_string())
    }
}

/// The text files the name stands in, relative to `root`.
fn text_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = vec![
        PathBuf::from("app/Cargo.toml"),
        PathBuf::from("app/src/main.rs"),
        PathBuf::from("app/src/lib.rs"),
        PathBuf::from("README.md"),
    ];
    let workflows = root.join(".github/workflows");
    if workflows.is_dir() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&workflows)?
            .filter_map(Result::ok)
            .map(|entry| Path::new(".github/workflows").join(entry.file_name()))
            .collect();
        found.sort();
        files.extend(found);
    }
    Ok(files
        .into_iter()
        .filter(|file| root.join(file).is_file())
        .collect())
}

/// `text` with every stand-alone `old` replaced by `new`: not inside a
/// longer word (`apple`, `my-app`), and not as a folder (`app/`), but in
/// artifact names (`app-1.0.tar.gz`, `app_1.0_amd64.deb`, `app.exe`) and
/// binary paths (`usr/bin/app`). As a Rust path (`app::run`) the name is
/// spelled with `_`, so it gets the new name spelled that way.
///
/// One pass from left to right, so a new name that contains the old one
/// (`app` → `app-cli`) is never replaced again.
fn replace_name(text: &str, old: &str, new: &str) -> String {
    let old_path = format!("{}::", old.replace('-', "_"));
    let new_path = format!("{}::", new.replace('-', "_"));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let rest = &text[at..];
        let before = text[..at].chars().next_back();
        let starts_word =
            !before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if starts_word && rest.starts_with(&old_path) {
            out.push_str(&new_path);
            at += old_path.len();
            continue;
        }
        let after = rest.get(old.len()..).and_then(|tail| tail.chars().next());
        let ends_word = !after.is_some_and(|c| c.is_alphanumeric() || c == '/');
        if starts_word && rest.starts_with(old) && ends_word {
            out.push_str(new);
            at += old.len();
            continue;
        }
        out.push(c);
        at += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_cargo_and_debian() {
        assert!(check_name("my-tool").is_ok());
        assert!(check_name("tool2").is_ok());
        let refusal = |name| check_name(name).unwrap_err().to_string();
        assert!(refusal("MyTool").contains("Debian package names are lowercase"));
        assert!(refusal("2tool").contains("cannot start with a digit"));
        assert!(refusal("my_tool").contains("cannot contain `_`"));
        assert!(refusal("x").contains("at least two characters"));
        assert!(refusal("my tool").contains("not ' '"));
        assert!(refusal("fn").contains("keyword"));
        assert!(
            refusal("gen").contains("keyword"),
            "reserved in edition 2024"
        );
        assert!(
            refusal("try").contains("keyword"),
            "reserved since edition 2018"
        );
    }

    #[test]
    fn only_the_stand_alone_name_is_replaced() {
        let text = "`app info`, app-0.1.0-x.tar.gz, app_0.1.0-1_amd64.deb, app.exe, usr/bin/app, app/src, apple, my-app, wasm-apps";
        assert_eq!(
            replace_name(text, "app", "tool"),
            "`tool info`, tool-0.1.0-x.tar.gz, tool_0.1.0-1_amd64.deb, tool.exe, usr/bin/tool, app/src, apple, my-app, wasm-apps"
        );
    }

    #[test]
    fn rust_paths_take_the_underscore_spelling_once() {
        assert_eq!(
            replace_name("app::run(app)", "app", "app-cli"),
            "app_cli::run(app-cli)"
        );
        assert_eq!(
            replace_name("my_tool::run; my-tool info", "my-tool", "other"),
            "other::run; other info"
        );
    }
}
