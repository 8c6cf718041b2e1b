//! Reading a table of Cargo.toml (as `cargo metadata` gives it, in JSON)
//! into a serde type, with errors a user can act on: an unknown key is
//! named with the nearest known one and the list, and a value of the
//! wrong shape with its key, what it must be, and what it is.
//!
//! Every table the xtask reads goes through [`read`]: the workspace's
//! `[workspace.metadata.dist]`, and the formats' own tables (cargo-deb's
//! `[package.metadata.deb]`, cargo-generate-rpm's `.generate-rpm]`), each
//! with its own [`Shapes`].

use anyhow::{Result, anyhow};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::util::suggest::did_you_mean;

/// What each key's value must be, for the error that finds another:
/// `(key, shape)`; a key of a sub-table is `table.key`, and `table.*`
/// stands for any key of a table the user names. `otherwise` is the shape
/// of a key not listed. `refused` are keys the table's tool has and the
/// xtask refuses, each with its reason (the table's reader refuses them
/// before serde reads it): a typo of one is named too.
pub struct Shapes {
    pub keys: &'static [(&'static str, &'static str)],
    pub otherwise: &'static str,
    pub refused: &'static [(&'static str, &'static str)],
}

/// Reads `value`, the table `place` (`[package.metadata.deb]`), as `T`;
/// or says which key is unknown or has the wrong shape (by `shapes`), and
/// what to write.
pub fn read<T: DeserializeOwned>(value: &Value, place: &str, shapes: &Shapes) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path: Vec<Segment> = err.path().iter().map(Segment::of).collect();
        explain(place, &path, &err.into_inner().to_string(), shapes)
    })
}

/// One step of the path to a value: a key, or an item of a list.
enum Segment {
    Key(String),
    Item(usize),
}

impl Segment {
    fn of(segment: &serde_path_to_error::Segment) -> Segment {
        match segment {
            serde_path_to_error::Segment::Seq { index } => Segment::Item(*index),
            serde_path_to_error::Segment::Map { key } => Segment::Key(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Segment::Key(variant.clone()),
            serde_path_to_error::Segment::Unknown => Segment::Key("?".to_owned()),
        }
    }

    fn key(&self) -> Option<&str> {
        match self {
            Segment::Key(key) => Some(key),
            Segment::Item(_) => None,
        }
    }
}

/// `targets[1]`, `formats.x86_64-unknown-linux-gnu`, as TOML writes them.
fn spelled(path: &[Segment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if text.is_empty() => text.push_str(key),
            Segment::Key(key) => text.push_str(&format!(".{key}")),
            Segment::Item(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// The error for serde's `message` about the value at `path` of `place`.
fn explain(place: &str, path: &[Segment], message: &str, shapes: &Shapes) -> anyhow::Error {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let refused = shapes.refused.iter().map(|(key, _)| *key);
        let nearest: Vec<&str> = known.iter().copied().chain(refused).collect();
        // The key's table: `place`, or one of its sub-tables.
        let table = match (path.first().and_then(Segment::key), place.strip_suffix(']')) {
            (Some(sub), Some(table)) if path.len() > 1 => format!("{table}.{sub}]"),
            _ => place.to_owned(),
        };
        return anyhow!(
            "{table} has a key `{key}` the xtask does not know, so it would be ignored. \
             {}The keys are: {}.",
            did_you_mean(key, &nearest),
            known.join(", ")
        );
    }
    let (key, shape) = shape_of(path, shapes);
    let found = match (
        message.split_once("invalid type: "),
        message.strip_prefix("invalid length "),
    ) {
        (Some((_, rest)), _) => rest.split(", expected").next().unwrap_or(rest).to_owned(),
        (None, Some(rest)) => format!("{} items long", rest.split(',').next().unwrap_or(rest)),
        (None, None) => message.to_owned(),
    };
    let at = spelled(path);
    match at == key {
        true => anyhow!("{place} `{key}` must be {shape}, not {found}."),
        false => anyhow!("{place} `{key}` must be {shape}, but `{at}` is {found}."),
    }
}

/// The top-level key of `path`, and what the value there must be.
fn shape_of(path: &[Segment], shapes: &Shapes) -> (String, &'static str) {
    let top = path.first().and_then(Segment::key).unwrap_or_default();
    let shape = |key: &str| shapes.keys.iter().find(|(k, _)| *k == key).map(|(_, s)| *s);
    let nested = match path.get(1).and_then(Segment::key) {
        Some(sub) => shape(&format!("{top}.{sub}")).or_else(|| shape(&format!("{top}.*"))),
        None => None,
    };
    let key = match (nested, path.get(1).and_then(Segment::key)) {
        (Some(_), Some(sub)) => format!("{top}.{sub}"),
        _ => top.to_owned(),
    };
    (
        key,
        nested.or_else(|| shape(top)).unwrap_or(shapes.otherwise),
    )
}
