//! A target's part of `.cargo/config.toml`, as the target table describes
//! it: the `[target.<triple>]` table (linker, runner) and the `[env]`
//! variables that give cc-rs its C compiler. `add-target` writes it,
//! `remove-target` takes back only what still reads exactly as written, and
//! a test checks that the file agrees with the table.

use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value, value};

use crate::targets::{CargoConfig, EnvVar};

/// The comment `add-target` puts above a table it writes.
const ADDED_MARK: &str = "# Added by `cargo xtask add-target` from xtask/src/targets/table.rs.";

/// What [`insert`] or [`remove`] did, line by line, for the report.
#[derive(Debug, Default)]
pub struct Changes {
    pub done: Vec<String>,
    /// What was left alone because it is not what `add-target` would write.
    pub left_alone: Vec<String>,
}

/// Adds what `wanted` says for `triple` to the document, leaving anything
/// already there as it is.
///
/// `target` and `env` may be written as tables (`[target.x]`, `[env]`),
/// dotted keys (`target.x = { … }`) or inline tables (`env = { … }`): all
/// are valid TOML that cargo reads the same, so all are edited in place.
pub fn insert(doc: &mut DocumentMut, triple: &str, wanted: &CargoConfig) -> Changes {
    let mut changes = Changes::default();
    if wanted.linker.is_some() || wanted.runner.is_some() {
        let targets = doc.entry("target").or_insert_with(|| {
            let mut parent = Table::new();
            parent.set_implicit(true);
            Item::Table(parent)
        });
        if let Some(targets) = targets.as_table_mut() {
            targets.set_implicit(true);
        }
        let (parents, key) = split_triple(triple);
        match parent_table(targets, &parents) {
            Some(targets) if targets.contains_key(key) => changes
                .left_alone
                .push(format!("[target.{triple}] exists already; kept as it is")),
            Some(targets) => {
                let mut table = target_table(wanted);
                table.decor_mut().set_prefix(format!("\n{ADDED_MARK}\n"));
                // An inline `target = { … }` takes it as an inline table.
                targets.insert(key, Item::Table(table));
                changes.done.push(format!("[target.{triple}]"));
            }
            None => changes.left_alone.push(format!(
                "`target` in .cargo/config.toml is not a table, so [target.{triple}] was not \
                 added; make `target` a table and run add-target again"
            )),
        }
    }
    if !wanted.env.is_empty() {
        let env = doc
            .entry("env")
            .or_insert_with(|| Item::Table(Table::new()));
        let Some(env) = env.as_table_like_mut() else {
            changes.left_alone.push(
                "`env` in .cargo/config.toml is not a table, so the C compiler variables were \
                 not added; make `env` a table and run add-target again"
                    .to_owned(),
            );
            return changes;
        };
        for var in &wanted.env {
            if env.contains_key(&var.name) {
                changes
                    .left_alone
                    .push(format!("[env] {} exists already; kept as it is", var.name));
            } else {
                env.insert(&var.name, Item::Value(env_value(var)));
                changes.done.push(format!("[env] {}", var.name));
            }
        }
    }
    changes
}

/// The keys of `doc` that already say something other than `wanted` for
/// `triple` (`[target.<triple>] runner`, `[env] CC_<triple>`): what
/// [`merge`] would have to overwrite, and so will not.
pub fn conflicts(doc: &DocumentMut, triple: &str, wanted: &CargoConfig) -> Vec<String> {
    let mut found = Vec::new();
    let table = target_item(doc, triple);
    for (key, want) in [("linker", &wanted.linker), ("runner", &wanted.runner)] {
        let have = table
            .and_then(|table| table.get(key))
            .and_then(Item::as_value);
        if let (Some(have), Some(want)) = (have, want)
            && !same_value(have, &want.as_str().into())
        {
            found.push(format!(
                "[target.{triple}] {key} is {}, where the xtask would write \"{want}\"",
                have.to_string().trim()
            ));
        }
    }
    let env = doc.get("env").and_then(Item::as_table_like);
    for var in &wanted.env {
        let have = env
            .and_then(|env| env.get(&var.name))
            .and_then(Item::as_value);
        if let Some(have) = have.filter(|have| !same_value(have, &env_value(var))) {
            found.push(format!(
                "[env] {} is {}, where the xtask would write {}",
                var.name,
                have.to_string().trim(),
                env_value(var).to_string().trim()
            ));
        }
    }
    found
}

/// As [`insert`], but into a `[target.<triple>]` table that is already
/// there it adds the keys it lacks. Callers check [`conflicts`] first.
pub fn merge(doc: &mut DocumentMut, triple: &str, wanted: &CargoConfig) -> Changes {
    let (parents, key) = split_triple(triple);
    let existing = doc
        .get_mut("target")
        .and_then(|targets| parent_table(targets, &parents))
        .and_then(|parent| parent.get_mut(key))
        .and_then(Item::as_table_like_mut);
    let Some(existing) = existing else {
        return insert(doc, triple, wanted);
    };
    let mut changes = Changes::default();
    for (key, want) in [("linker", &wanted.linker), ("runner", &wanted.runner)] {
        if let Some(want) = want.as_ref().filter(|_| !existing.contains_key(key)) {
            existing.insert(key, value(want.as_str()));
            changes.done.push(format!("[target.{triple}] {key}"));
        }
    }
    let only_env = CargoConfig {
        linker: None,
        runner: None,
        env: wanted.env.clone(),
    };
    let env = insert(doc, triple, &only_env);
    changes.done.extend(env.done);
    changes
}

/// Removes what [`insert`] would have written for `triple`, where it still
/// reads exactly so, in whichever of TOML's table spellings it is. A table
/// or variable that differs (edited by hand, or written by hand before
/// `add-target` ran) is left alone and reported.
pub fn remove(doc: &mut DocumentMut, triple: &str, wanted: &CargoConfig) -> Changes {
    let mut changes = Changes::default();
    let written = target_item(doc, triple);
    if let Some(written) = written.and_then(Item::as_table_like) {
        if same_table(written, &target_table(wanted)) {
            let (prefix, position) = match target_item(doc, triple).and_then(Item::as_table) {
                Some(table) => (comment_of(table), table.position()),
                None => (String::new(), None),
            };
            remove_target_table(doc, triple);
            keep_foreign_comments(doc, prefix, position);
            changes.done.push(format!("[target.{triple}]"));
        } else {
            changes.left_alone.push(format!(
                "[target.{triple}] differs from what add-target writes, so it was left alone; \
                 delete it from .cargo/config.toml by hand if nothing else needs it"
            ));
        }
    }
    let env_comment = doc.get("env").and_then(Item::as_table).map(comment_of);
    if let Some(env) = doc.get_mut("env").and_then(Item::as_table_like_mut) {
        for var in &wanted.env {
            match env.get(&var.name).and_then(Item::as_value) {
                Some(written) if same_value(written, &env_value(var)) => {
                    env.remove(&var.name);
                    changes.done.push(format!("[env] {}", var.name));
                }
                Some(_) => changes.left_alone.push(format!(
                    "[env] {} differs from what add-target writes, so it was left alone",
                    var.name
                )),
                None => {}
            }
        }
        let is_bare = env.is_empty() && env_comment.unwrap_or_default().trim().is_empty();
        if is_bare {
            doc.remove("env");
        }
    }
    changes
}

/// A triple's place under `target`: cargo reads `target.<triple>` as a
/// dotted key, so a triple with a dot in it (`thumbv8m.main-none-eabi`) is
/// a table inside a table, written `[target.thumbv8m.main-none-eabi]`
/// unquoted (cargo ignores the quoted spelling). Returns the tables above
/// it and its own key.
fn split_triple(triple: &str) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = triple.split('.').collect();
    let key = parts.pop().unwrap_or(triple);
    (parts, key)
}

/// The table that holds the triple's table, made (implicit, so it writes
/// no header of its own) where missing.
fn parent_table<'a>(targets: &'a mut Item, parents: &[&str]) -> Option<&'a mut dyn TableLike> {
    let mut table = targets.as_table_like_mut()?;
    for part in parents {
        if !table.contains_key(part) {
            let mut implicit = Table::new();
            implicit.set_implicit(true);
            table.insert(part, Item::Table(implicit));
        }
        table = table.get_mut(part)?.as_table_like_mut()?;
    }
    Some(table)
}

/// `[target.<triple>]` as written, if it is.
fn target_item<'a>(doc: &'a DocumentMut, triple: &str) -> Option<&'a Item> {
    let mut item = doc.get("target")?;
    for part in triple.split('.') {
        item = item.get(part)?;
    }
    Some(item)
}

/// Removes `[target.<triple>]`, and the tables above it that it leaves
/// empty.
fn remove_target_table(doc: &mut DocumentMut, triple: &str) {
    let (parents, key) = split_triple(triple);
    for depth in (0..=parents.len()).rev() {
        let Some(targets) = doc.get_mut("target") else {
            return;
        };
        let Some(parent) = parent_table(targets, &parents[..depth]) else {
            return;
        };
        let name = parents.get(depth).copied().unwrap_or(key);
        let empty = parent
            .get(name)
            .and_then(Item::as_table_like)
            .is_some_and(|table| table.is_empty());
        if depth == parents.len() || empty {
            parent.remove(name);
        }
    }
}

/// The `[target.<triple>]` table `add-target` writes.
fn target_table(wanted: &CargoConfig) -> Table {
    let mut table = Table::new();
    if let Some(linker) = &wanted.linker {
        table.insert("linker", value(linker.as_str()));
    }
    if let Some(runner) = &wanted.runner {
        table.insert("runner", value(runner.as_str()));
    }
    table
}

/// An `[env]` value: a plain string, or `{ value = "…", relative = true }`
/// for a path cargo resolves against the workspace root.
fn env_value(var: &EnvVar) -> Value {
    if var.relative {
        let mut inline = InlineTable::new();
        inline.insert("value", var.value.as_str().into());
        inline.insert("relative", true.into());
        Value::InlineTable(inline)
    } else {
        var.value.as_str().into()
    }
}

/// Whether two tables hold the same keys with the same values, whatever
/// their layout.
fn same_table(written: &dyn TableLike, wanted: &Table) -> bool {
    written.len() == wanted.len()
        && wanted.iter().all(|(key, item)| {
            match (written.get(key).and_then(Item::as_value), item.as_value()) {
                (Some(a), Some(b)) => same_value(a, b),
                _ => false,
            }
        })
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::InlineTable(a), Value::InlineTable(b)) => {
            a.len() == b.len()
                && b.iter()
                    .all(|(key, b)| a.get(key).is_some_and(|a| same_value(a, b)))
        }
        (a, b) => a.to_string().trim() == b.to_string().trim(),
    }
}

/// The comment lines above a table, as written.
fn comment_of(table: &Table) -> String {
    table
        .decor()
        .prefix()
        .and_then(|prefix| prefix.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// A comment above a removed table may introduce the tables after it too
/// (`# glibc targets: …` above the first of three). Unless it is only
/// add-target's mark, it moves to the next table in the file.
fn keep_foreign_comments(doc: &mut DocumentMut, prefix: String, position: Option<isize>) {
    let foreign = prefix
        .lines()
        .any(|line| line.trim_start().starts_with('#') && line.trim() != ADDED_MARK);
    let Some(position) = position.filter(|_| foreign) else {
        return;
    };
    let mut next: Option<(isize, Vec<String>)> = None;
    visit_tables(doc.as_table(), &mut Vec::new(), &mut |path, table| {
        if let Some(at) = table.position().filter(|at| *at > position)
            && next.as_ref().is_none_or(|(best, _)| at < *best)
        {
            next = Some((at, path.to_vec()));
        }
    });
    let Some((_, path)) = next else {
        return;
    };
    let mut item = doc.as_item_mut();
    for key in &path {
        item = &mut item[key.as_str()];
    }
    if let Some(table) = item.as_table_mut() {
        let joined = format!("{prefix}{}", comment_of(table).trim_start_matches('\n'));
        table.decor_mut().set_prefix(joined);
    }
}

/// Calls `visit` with the key path of every table below `table`.
fn visit_tables(table: &Table, path: &mut Vec<String>, visit: &mut dyn FnMut(&[String], &Table)) {
    for (key, item) in table.iter() {
        if let Some(child) = item.as_table() {
            path.push(key.to_owned());
            visit(path, child);
            visit_tables(child, path, visit);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[alias]
xtask = \"run --package xtask --\"

# glibc targets: a cross gcc links.
[target.aarch64-unknown-linux-gnu]
linker = \"aarch64-linux-gnu-gcc\"

[target.armv7-unknown-linux-gnueabihf]
linker = \"arm-linux-gnueabihf-gcc\"

[env]
# cc-rs's compilers.
CC_x = { value = \"scripts/zig-cc\", relative = true }
";

    fn config(linker: &str) -> CargoConfig {
        CargoConfig {
            linker: Some(linker.to_owned()),
            runner: None,
            env: vec![EnvVar {
                name: "CC_new".to_owned(),
                value: "scripts/zig-cc".to_owned(),
                relative: true,
            }],
        }
    }

    #[test]
    fn insert_then_remove_gives_back_the_same_bytes() {
        let mut doc: DocumentMut = CONFIG.parse().unwrap();
        let wanted = config("x-gcc");
        let added = insert(&mut doc, "new-target", &wanted);
        assert_eq!(added.done, ["[target.new-target]", "[env] CC_new"]);
        let text = doc.to_string();
        assert!(text.contains(&format!(
            "{ADDED_MARK}\n[target.new-target]\nlinker = \"x-gcc\""
        )));
        assert!(text.contains("CC_new = { value = \"scripts/zig-cc\", relative = true }"));
        let mut doc: DocumentMut = text.parse().unwrap();
        remove(&mut doc, "new-target", &wanted);
        assert_eq!(doc.to_string(), CONFIG);
    }

    /// cargo reads `[target.thumbv8m.main-none-eabi]` as nested tables and
    /// ignores `[target."thumbv8m.main-none-eabi"]`: add-target writes what
    /// cargo reads, and remove-target takes it out, empty parent and all.
    #[test]
    fn a_triple_with_a_dot_is_written_as_cargo_reads_it() {
        let mut doc: DocumentMut = CONFIG.parse().unwrap();
        let wanted = CargoConfig {
            env: Vec::new(),
            ..config("x-gcc")
        };
        insert(&mut doc, "thumbv8m.main-none-eabi", &wanted);
        let text = doc.to_string();
        assert!(
            text.contains("[target.thumbv8m.main-none-eabi]\nlinker = \"x-gcc\""),
            "{text}"
        );
        assert!(!text.contains("[target.thumbv8m]"), "{text}");
        assert!(conflicts(&doc, "thumbv8m.main-none-eabi", &wanted).is_empty());
        let mut doc: DocumentMut = text.parse().unwrap();
        let removed = remove(&mut doc, "thumbv8m.main-none-eabi", &wanted);
        assert_eq!(removed.done, ["[target.thumbv8m.main-none-eabi]"]);
        assert_eq!(doc.to_string(), CONFIG);
    }

    #[test]
    fn a_table_that_differs_from_the_target_table_is_left_alone() {
        let mut doc: DocumentMut = CONFIG.parse().unwrap();
        let changes = remove(&mut doc, "aarch64-unknown-linux-gnu", &config("other-gcc"));
        assert!(changes.done.is_empty());
        assert!(changes.left_alone[0].contains("left alone"), "{changes:?}");
        assert_eq!(doc.to_string(), CONFIG);
    }

    #[test]
    fn a_comment_that_introduces_later_tables_stays() {
        let mut doc: DocumentMut = CONFIG.parse().unwrap();
        let wanted = CargoConfig {
            env: Vec::new(),
            ..config("aarch64-linux-gnu-gcc")
        };
        remove(&mut doc, "aarch64-unknown-linux-gnu", &wanted);
        let text = doc.to_string();
        assert!(!text.contains("aarch64"), "{text}");
        assert!(
            text.contains(
                "# glibc targets: a cross gcc links.\n[target.armv7-unknown-linux-gnueabihf]"
            ),
            "{text}"
        );
    }

    /// `target = { … }`, `env = { … }` and dotted keys are TOML tables too:
    /// what is added reads back as cargo would read it, and removing it
    /// gives back the file as it was.
    #[test]
    fn inline_and_dotted_tables_are_edited_in_place() {
        for text in [
            "target = { x = { linker = \"x-gcc\" } }\nenv = { CC_x = \"cc\" }\n",
            "target.x = { linker = \"x-gcc\" }\nenv.CC_x = \"cc\"\n",
        ] {
            let mut doc: DocumentMut = text.parse().unwrap();
            let wanted = config("new-gcc");
            let added = insert(&mut doc, "new-target", &wanted);
            assert_eq!(
                added.done,
                ["[target.new-target]", "[env] CC_new"],
                "{text}"
            );
            let written: DocumentMut = doc.to_string().parse().unwrap();
            assert_eq!(
                written["target"]["new-target"]["linker"].as_str(),
                Some("new-gcc")
            );
            assert_eq!(written["target"]["x"]["linker"].as_str(), Some("x-gcc"));
            assert_eq!(
                written["env"]["CC_new"]["value"].as_str(),
                Some("scripts/zig-cc")
            );
            let removed = remove(&mut doc, "new-target", &wanted);
            assert_eq!(
                removed.done,
                ["[target.new-target]", "[env] CC_new"],
                "{text}"
            );
            assert_eq!(doc.to_string(), text);
        }
    }

    /// A `target` or `env` that is not a table at all (a type error cargo
    /// reports itself) is reported, not a panic.
    #[test]
    fn a_target_key_that_is_not_a_table_is_reported() {
        let mut doc: DocumentMut = "target = 1\nenv = \"x\"\n".parse().unwrap();
        let changes = insert(&mut doc, "new-target", &config("new-gcc"));
        assert!(changes.done.is_empty());
        assert!(changes.left_alone[0].contains("`target` in .cargo/config.toml is not a table"));
        assert!(changes.left_alone[1].contains("`env` in .cargo/config.toml is not a table"));
    }
}
