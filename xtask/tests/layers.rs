//! The xtask's layers point one way: a module names only modules of lower
//! layers (`crate::…` paths in its code, comments aside). This keeps the
//! path of a release readable from the top, and a format writer free of
//! the workspace's configuration, as cargo-deb's formats are.
//!
//! The order, top to bottom, is the one the book's source layout draws
//! (docs/reference/layout.md):
//! the command line → the commands → the release plan → the release (what
//! serves several targets, publishing) → the build and its checks → the
//! workspace's configuration → the formats and the build machine → the
//! binary readers → the target table → pins, shared words and helpers.

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module and its layer: a module may name a module of a
/// lower layer only.
const LAYERS: [(&str, u8); 15] = [
    ("main", 10),
    ("commands", 9),
    ("cli", 8),
    ("report", 8),
    ("plan", 8),
    ("release", 7),
    ("build", 6),
    ("workspace", 5),
    ("formats", 4),
    ("machine", 4),
    ("binary", 3),
    ("targets", 2),
    ("pins", 1),
    ("vocab", 0),
    ("util", 0),
];

/// Every `(module, named module, file)` in the xtask's sources.
fn edges() -> BTreeSet<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges = BTreeSet::new();
    for file in rust_files(&src) {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let module = relative.split(['/', '.']).next().unwrap().to_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        for named in named_modules(&text) {
            if named != module {
                edges.insert((module.clone(), named, relative.clone()));
            }
        }
    }
    edges
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// The top-level modules `text` names through `crate::`, in code: in
/// paths (`crate::formats::deb`) and in grouped imports
/// (`use crate::{formats, release::publish}`).
fn named_modules(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let group = match rest.strip_prefix('{') {
            Some(inner) => &inner[..inner.find('}').unwrap_or(inner.len())],
            None => rest,
        };
        let items: Vec<&str> = match rest.starts_with('{') {
            true => group.split(',').collect(),
            false => vec![group],
        };
        for item in items {
            let name: String = item
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                named.insert(name);
            }
        }
    }
    named
}

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, layer)| *layer)
        .unwrap_or_else(|| panic!("the top-level module `{module}` has no layer in LAYERS"))
}

#[test]
fn every_module_names_only_lower_layers() {
    let upward: Vec<String> = edges()
        .into_iter()
        .filter(|(from, to, _)| layer(to) >= layer(from))
        .map(|(from, to, file)| format!("{file}: {from} names {to}"))
        .collect();
    assert!(
        upward.is_empty(),
        "these point up or sideways (see LAYERS in tests/layers.rs):\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_format_knows_the_workspace() {
    let formats_naming_workspace: Vec<String> = edges()
        .into_iter()
        .filter(|(from, to, _)| from == "formats" && to == "workspace")
        .map(|(_, _, file)| file)
        .collect();
    assert!(
        formats_naming_workspace.is_empty(),
        "{formats_naming_workspace:?}"
    );
}

#[test]
fn the_reader_finds_paths_and_groups_but_not_comments() {
    let text = "use crate::formats::deb;\nuse crate::{release::publish, util};\n\
                // crate::workspace is a comment\nlet x = crate::targets::lookup(t);";
    let found: Vec<String> = named_modules(text).into_iter().collect();
    assert_eq!(found, ["formats", "release", "targets", "util"]);
}
