//! The book (`docs/`) and the README are checked as the code is: the
//! reference pages are what `cargo xtask book` writes from the code, every
//! page is reached from `SUMMARY.md`, every link and named path exists,
//! every output shown is the command's real output or says why it is
//! abridged, and every configuration key shown is one the xtask reads.
//! (The commands shown, and the files quoted, are checked by
//! `tests/readme.rs`, which an adopted copy runs too; these checks hold for
//! the template's own book.)

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use support::*;

/// Every Markdown file of the book, and the README, with its text.
fn pages() -> Vec<(PathBuf, String)> {
    let root = repo_root();
    let mut pages = vec![(root.join("README.md"), read(&root.join("README.md")))];
    let mut folders = vec![root.join("docs")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                let text = read(&path);
                pages.push((path, text));
            }
        }
    }
    pages.sort();
    pages
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A page `cargo xtask book` writes, which `--check` covers.
fn is_generated(text: &str) -> bool {
    text.starts_with("<!-- Written by `cargo xtask book`")
}

/// Each fenced block of `text`: its info string and its lines.
fn blocks(text: &str) -> Vec<(String, Vec<String>)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(_), Some(block)) => blocks.push(block),
            (Some(info), None) => open = Some((info.trim().to_owned(), Vec::new())),
            (None, Some(mut block)) => {
                block.1.push(line.to_owned());
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a fenced block is not closed");
    blocks
}

/// `text` without its fenced blocks and inline code, where links are
/// looked for.
fn prose(text: &str) -> String {
    let mut inside = false;
    let mut kept = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
        } else if !inside {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

/// Every relative link target of a page, `](target)`.
fn links(text: &str) -> Vec<String> {
    prose(text)
        .split("](")
        .skip(1)
        .filter_map(|tail| tail.split(')').next())
        .filter(|target| !target.contains("://") && !target.starts_with("mailto:"))
        .map(str::to_owned)
        .collect()
}

/// The anchors a page's headings get on GitHub and in mdBook.
fn anchors(text: &str) -> BTreeSet<String> {
    prose(text)
        .lines()
        .filter_map(|line| line.strip_prefix('#'))
        .map(|heading| {
            heading
                .trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

#[test]
fn the_generated_reference_pages_are_current() {
    let output = xtask(&repo_root(), &["book", "--check"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_readme_is_short_and_shows_the_ways_in_on_its_first_screen() {
    let readme = read(&repo_root().join("README.md"));
    assert!(
        readme.lines().count() <= 200,
        "README.md has {} lines",
        readme.lines().count()
    );
    let first_screen: String = readme.lines().take(50).collect::<Vec<_>>().join("\n");
    for shown in [
        "**Build machines.**",
        "cargo xtask dist",
        "cargo xtask ci",
        "## Three ways in",
    ] {
        assert!(
            first_screen.contains(shown),
            "the README's first 50 lines lack {shown}"
        );
    }
}

#[test]
fn every_page_is_in_the_summary_and_every_entry_is_a_page() {
    let docs = repo_root().join("docs");
    let summary = read(&docs.join("SUMMARY.md"));
    let listed: BTreeSet<PathBuf> = links(&summary).iter().map(|link| docs.join(link)).collect();
    for page in &listed {
        assert!(
            page.is_file(),
            "SUMMARY.md lists {}, which is not there",
            page.display()
        );
    }
    for (page, _) in pages() {
        let in_book = page.starts_with(&docs) && !page.ends_with("SUMMARY.md");
        assert!(
            !in_book || listed.contains(&page),
            "{} is not reached from SUMMARY.md",
            page.display()
        );
    }
    assert!(listed.len() >= 25, "{listed:?}");
}

#[test]
fn every_link_and_named_path_exists() {
    let root = repo_root();
    let mut checked = 0;
    for (page, text) in pages() {
        let folder = page.parent().unwrap();
        for link in links(&text) {
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                folder.join(file)
            };
            assert!(
                target.exists(),
                "{} links {link}, which is not there",
                page.display()
            );
            if !anchor.is_empty() && target.extension().is_some_and(|ext| ext == "md") {
                let headings = anchors(&read(&target));
                assert!(
                    headings.contains(anchor),
                    "{} links {link}: no such heading",
                    page.display()
                );
            }
            checked += 1;
        }
        for path in named_paths(&text) {
            assert!(
                root.join(&path).exists(),
                "{} names `{path}`, which is not there",
                page.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 200, "only {checked} links and paths");
}

/// The workspace paths a page names in inline code: those that start with
/// one of the workspace's folders and hold no placeholder.
fn named_paths(text: &str) -> Vec<String> {
    const FOLDERS: [&str; 10] = [
        "xtask/",
        "app/",
        "platform/",
        "units/",
        "firmware/",
        "web/",
        "scripts/",
        "docs/",
        ".cargo/",
        ".github/",
    ];
    prose(text)
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|code| FOLDERS.iter().any(|folder| code.starts_with(folder)))
        .filter(|code| !code.contains(['<', '>', '*', '{', '…', ' ', '$']))
        .map(str::to_owned)
        .collect()
}

/// Output shown in a `console` block is the command's real output, run in
/// the template; a `text` block says what it is: `text figure` (not
/// output), or `text abridged: <why>`.
#[test]
fn every_output_shown_is_real_or_says_why_not() {
    let mut compared = 0;
    for (page, text) in pages().into_iter().filter(|(_, text)| !is_generated(text)) {
        for (info, lines) in blocks(&text) {
            let mut words = info.splitn(2, ' ');
            match (words.next().unwrap_or_default(), words.next()) {
                ("console", _) => {
                    compare_with_real_output(&page, &lines);
                    compared += 1;
                }
                ("text", Some("figure")) => {}
                ("text", Some(why)) => assert!(
                    why.strip_prefix("abridged:")
                        .is_some_and(|why| why.trim().len() > 10),
                    "{}: a `text` block must be `text figure` or `text abridged: <why>`, not `text {why}`",
                    page.display()
                ),
                ("text", None) => panic!(
                    "{}: a `text` block must say what it is, `text figure` or `text abridged: <why>`; \
                     real output goes in a `console` block:\n{}",
                    page.display(),
                    lines.join("\n")
                ),
                _ => {}
            }
        }
    }
    assert!(compared >= 2, "only {compared} console blocks");
}

/// Runs the `$ cargo xtask …` line of a console block and compares its
/// standard output with the lines below it.
fn compare_with_real_output(page: &Path, lines: &[String]) {
    let command = lines
        .first()
        .and_then(|line| line.strip_prefix("$ cargo xtask "))
        .unwrap_or_else(|| {
            panic!(
                "{}: a console block starts with `$ cargo xtask …`",
                page.display()
            )
        });
    let args: Vec<&str> = command.split_whitespace().collect();
    let output = xtask(&repo_root(), &args);
    assert!(output.status.success(), "cargo xtask {command}");
    let real = String::from_utf8_lossy(&output.stdout);
    let shown = lines[1..].join("\n");
    assert_eq!(
        shown.trim_end(),
        real.trim_end(),
        "{} shows output of `cargo xtask {command}` that is not what it prints now",
        page.display()
    );
}

/// Each key of the xtask's tables in a page's TOML, as `(table, key)`.
fn keys_shown(toml: &str) -> Vec<(String, String)> {
    let document: toml_edit::DocumentMut =
        toml.parse().unwrap_or_else(|err| panic!("{err}\n{toml}"));
    let mut shown = Vec::new();
    let mut walk: Vec<(String, &toml_edit::Item)> = vec![(String::new(), document.as_item())];
    while let Some((path, item)) = walk.pop() {
        let Some(table) = item.as_table_like() else {
            continue;
        };
        for (key, value) in table.iter() {
            let place = if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            };
            if [
                "workspace.metadata.dist",
                "package.metadata.dist",
                "package.metadata.deb",
                "package.metadata.generate-rpm",
            ]
            .iter()
            .any(|table| path == *table)
                || path == "workspace.metadata.dist.firmware"
                || path == "workspace.metadata.dist.web"
            {
                shown.push((format!("[{path}]"), key.to_owned()));
            }
            walk.push((place, value));
        }
    }
    shown
}

/// The keys the configuration reference documents, by table.
fn documented_keys() -> BTreeSet<(String, String)> {
    let reference = read(&repo_root().join("docs/reference/configuration.md"));
    let mut table = String::new();
    let mut keys = BTreeSet::new();
    for line in reference.lines() {
        if let Some(heading) = line.strip_prefix("## `") {
            table = heading.trim_end_matches('`').to_owned();
        } else if let Some(row) = line.strip_prefix("| `") {
            keys.insert((table.clone(), row.split('`').next().unwrap().to_owned()));
        }
    }
    keys
}

/// Every `toml` block parses, and every key it sets in the xtask's tables
/// is one the configuration reference documents (which a unit test holds
/// to the keys the code accepts).
#[test]
fn every_toml_block_parses_and_uses_known_keys() {
    let documented = documented_keys();
    assert!(documented.len() >= 40, "{documented:?}");
    let mut checked = 0;
    for (page, text) in pages() {
        for (info, lines) in blocks(&text) {
            if info.split_whitespace().next() != Some("toml") {
                continue;
            }
            for (table, key) in keys_shown(&lines.join("\n")) {
                assert!(
                    documented.contains(&(table.clone(), key.clone())),
                    "{} sets `{key}` in {table}, which the configuration reference does not list",
                    page.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} keys shown");
}

/// The source layout names every module of the xtask: each file and
/// folder under a folder of `xtask/src/` (its `mod.rs` aside), by name.
#[test]
fn the_source_layout_names_every_module() {
    let layout = read(&repo_root().join("docs/reference/layout.md"));
    let src = repo_root().join("xtask/src");
    let mut named = 0;
    for folder in std::fs::read_dir(&src).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = name.trim_end_matches(".rs");
            if stem == "mod" {
                continue;
            }
            assert!(
                layout.contains(stem),
                "docs/reference/layout.md does not name {}",
                path.strip_prefix(&src).unwrap().display()
            );
            named += 1;
        }
    }
    assert!(named >= 60, "{named}");
}

/// A stale page is named, with the command that rewrites it, and a
/// workspace without the book (an adopted project) is told why there is
/// nothing to write.
#[test]
fn stale_pages_and_a_missing_book_are_refused_with_the_fix() {
    let ws = copy_of_workspace("book-stale");
    let page = ws.path().join("docs/reference/targets.md");
    let text = read(&page).replace(
        "| `s390x-unknown-linux-gnu`",
        "| `s390x-unknown-linux-gnux`",
    );
    std::fs::write(&page, text).unwrap();
    assert_fails_with(
        &xtask(ws.path(), &["book", "--check"]),
        &["docs/reference/targets.md differ", "Run `cargo xtask book`"],
    );
    std::fs::remove_file(ws.path().join("docs/SUMMARY.md")).unwrap();
    assert_fails_with(
        &xtask(ws.path(), &["book"]),
        &["this workspace has no book (docs/SUMMARY.md)"],
    );
}

/// The path of one target that `docs/reference/layout.md` lists: every
/// function it names is in its file, and the path does not grow past what
/// it is (a reader should be able to hold it).
#[test]
fn the_path_of_one_target_names_real_functions_and_does_not_grow() {
    let layout = read(&repo_root().join("docs/reference/layout.md"));
    let section = layout
        .split("## Following one target")
        .nth(1)
        .expect("docs/reference/layout.md has the section `Following one target`");
    let (_, lines) = blocks(section)
        .into_iter()
        .next()
        .expect("the path's block");
    let src = repo_root().join("xtask/src");
    let mut files = BTreeSet::new();
    let mut functions = BTreeSet::new();
    let mut body_lines = 0;
    for line in &lines {
        let (file, names) = line.split_once(' ').expect("a file, then its functions");
        let text = read(&src.join(file));
        files.insert(file.to_owned());
        for name in names.split(',').map(str::trim) {
            if functions.insert((file.to_owned(), name.to_owned())) {
                body_lines += body_length(&text, name)
                    .unwrap_or_else(|| panic!("xtask/src/{file} has no function {name}"));
            }
        }
    }
    println!(
        "{} files, {body_lines} lines of function bodies",
        files.len()
    );
    assert!(
        files.len() <= 15 && body_lines <= 1280,
        "the path of one target grew to {} files and {body_lines} lines: keep what is off \
         the path in functions of its own",
        files.len()
    );
}

/// How many lines the function `name` (`Type::name` for a method) spans
/// in `text`, from its `fn` line to its closing brace.
fn body_length(text: &str, name: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let (from, name) = match name.split_once("::") {
        Some((ty, method)) => (lines.iter().position(|line| implements(line, ty))?, method),
        None => (0, name),
    };
    let start = (from..lines.len()).find(|&i| declares(lines[i], name))?;
    let mut depth = 0;
    for (i, line) in lines[start..].iter().enumerate() {
        for ch in line.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        if depth == 0 && line.contains('}') {
            return Some(i + 1);
        }
    }
    None
}

/// Whether `line` starts an `impl` block of `ty` (`impl<'a> Ty<'a> {`).
fn implements(line: &str, ty: &str) -> bool {
    let Some(rest) = line.strip_prefix("impl") else {
        return false;
    };
    let rest = match rest.strip_prefix('<') {
        Some(generics) => generics.split_once('>').map_or("", |(_, rest)| rest),
        None => rest,
    };
    rest.trim_start()
        .strip_prefix(ty)
        .is_some_and(|after| after.starts_with([' ', '<', '{']))
}

/// Whether `line` declares the function `name`.
fn declares(line: &str, name: &str) -> bool {
    let line = line.trim_start();
    let line = line.strip_prefix("pub ").unwrap_or(line);
    let line = line.strip_prefix("pub(crate) ").unwrap_or(line);
    line.strip_prefix("fn ")
        .and_then(|rest| rest.strip_prefix(name))
        .is_some_and(|after| after.starts_with(['(', '<']))
}
