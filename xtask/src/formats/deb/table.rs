//! cargo-deb's `[package.metadata.deb]`, as serde reads it: the keys dist
//! acts on ([`DebTable`]), with cargo-deb's names and shapes, so that a
//! table written for cargo-deb means the same here. The keys cargo-deb
//! has and dist does not implement are refused with what to do instead
//! ([`UNSUPPORTED`]); any other key, with the nearest known one.

use std::fmt;

use anyhow::{Result, bail};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::util::serde_table::{self, Shapes};

/// `[package.metadata.deb]`: every key dist reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DebTable {
    pub name: Option<String>,
    pub maintainer: Option<String>,
    pub copyright: Option<String>,
    pub depends: Option<Relations>,
    pub section: Option<String>,
    pub priority: Option<String>,
    pub revision: Option<String>,
    pub extended_description: Option<String>,
    pub assets: Option<Vec<AssetEntry>>,
    /// The release build's features, which the workspace reads (every
    /// format holds the same binary): accepted here, not read.
    #[serde(rename = "features")]
    pub _features: Option<de::IgnoredAny>,
    #[serde(rename = "default-features")]
    pub _default_features: Option<de::IgnoredAny>,
}

/// What each key must be, for the error that finds another.
const SHAPES: Shapes = Shapes {
    keys: &[
        (
            "depends",
            "a string or a list of strings, like \"$auto, ca-certificates\"",
        ),
        (
            "assets",
            "a list of [source, destination, mode], like [[\"target/release/app\", \"usr/bin/\", \"755\"]]",
        ),
    ],
    otherwise: "a string",
    refused: &UNSUPPORTED,
};

/// cargo-deb keys dist does not implement, each with what to do instead.
pub const UNSUPPORTED: [(&str, &str); 3] = [
    (
        "maintainer-scripts",
        "dist writes no maintainer scripts (preinst, postinst, …)",
    ),
    (
        "conf-files",
        "dist marks no conffiles: a .deb from dist installs no configuration files",
    ),
    (
        "systemd-units",
        "dist installs and enables no systemd units",
    ),
];

impl DebTable {
    /// Reads `[package.metadata.deb]` (`table`), refusing what dist would
    /// not act on: a setting that silently vanished would ship a package
    /// other than the one configured.
    pub fn read(table: &Map<String, Value>) -> Result<DebTable> {
        if let Some((key, why)) = UNSUPPORTED.iter().find(|(key, _)| table.contains_key(*key)) {
            bail!(
                "[package.metadata.deb] has cargo-deb's `{key}`, which `cargo xtask dist` does \
                 not support: {why}. Remove `{key}`, or build the .deb with cargo-deb itself \
                 and leave \"deb\" out of the target's formats."
            );
        }
        let value = Value::Object(table.clone());
        serde_table::read(&value, "[package.metadata.deb]", &SHAPES)
    }
}

/// `depends`: one string of relations, or a list of them, as cargo-deb
/// takes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Relations(pub String);

impl<'de> Deserialize<'de> for Relations {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Relations, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = Relations;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Relations, E> {
                Ok(Relations(text.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Relations, A::Error> {
                let mut relations = Vec::new();
                while let Some(relation) = seq.next_element::<String>()? {
                    relations.push(relation);
                }
                Ok(Relations(relations.join(", ")))
            }
        }
        deserializer.deserialize_any(Either)
    }
}

/// One entry of `assets`: `[source, destination, mode]`, or a table with
/// those keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetEntry {
    pub source: String,
    pub dest: String,
    pub mode: String,
}

impl<'de> Deserialize<'de> for AssetEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AssetEntry, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            source: String,
            dest: String,
            mode: String,
        }
        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = AssetEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("[source, destination, mode], three strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AssetEntry, A::Error> {
                let mut next = |index| {
                    seq.next_element::<String>()?
                        .ok_or_else(|| de::Error::invalid_length(index, &self))
                };
                let (source, dest, mode) = (next(0)?, next(1)?, next(2)?);
                match seq.next_element::<de::IgnoredAny>()? {
                    Some(_) => Err(de::Error::invalid_length(4, &self)),
                    None => Ok(AssetEntry { source, dest, mode }),
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<AssetEntry, A::Error> {
                let Table { source, dest, mode } =
                    Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(AssetEntry { source, dest, mode })
            }
        }
        deserializer.deserialize_any(Entry)
    }
}
