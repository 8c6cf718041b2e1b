//! Man pages and completions a program prints itself (`tool --generate
//! man`), rather than writing them from its build script: `generate` in
//! its `[package.metadata.dist]`.
//!
//! ```toml
//! [package.metadata.dist.generate]
//! man = ["--generate", "man"]            # its standard output is <bin>.1
//! bash = ["--generate", "complete-bash"] # <bin>.bash
//! zsh = ["--generate", "complete-zsh"]   # _<bin>
//! fish = ["--generate", "complete-fish"] # <bin>.fish
//! ```
//!
//! dist runs each command on every binary of the package, built for a
//! target that runs here, and ships the output as it ships a build
//! script's.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::formats::docs::{PRINTED, printed_file_name};
use crate::util::suggest::did_you_mean;

/// The package's generate commands, in the order of `formats::docs::PRINTED`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generate {
    /// `(kind, arguments)`: `("man", ["--generate", "man"])`.
    pub commands: Vec<(&'static str, Vec<String>)>,
}

impl Generate {
    /// `generate` of `[package.metadata.dist]` of `package`, if set: the
    /// arguments that print each kind of file, by kind.
    pub(super) fn from_setting(
        setting: Option<&BTreeMap<String, Vec<String>>>,
        package: &str,
    ) -> Result<Generate> {
        let Some(table) = setting else {
            return Ok(Generate::default());
        };
        let kinds: Vec<&str> = PRINTED.iter().map(|(kind, ..)| *kind).collect();
        for key in table.keys() {
            if !kinds.contains(&key.as_str()) {
                bail!(
                    "[package.metadata.dist.generate] of `{package}` has `{key}`, which dist does \
                     not make. {}It makes: {}.",
                    did_you_mean(key, &kinds),
                    kinds.join(", ")
                );
            }
        }
        let mut commands = Vec::new();
        for (kind, ..) in PRINTED {
            match table.get(kind) {
                None => {}
                Some(args) if args.is_empty() => bail!(
                    "[package.metadata.dist.generate] of `{package}` gives `{kind}` no arguments: \
                     give the ones that make the binary print it, like [\"--generate\", \
                     \"{kind}\"]."
                ),
                Some(args) => commands.push((kind, args.clone())),
            }
        }
        Ok(Generate { commands })
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// The name `kind`'s output ships as, for the binary `bin`.
    pub fn file_name(kind: &str, bin: &str) -> String {
        printed_file_name(kind, bin).expect("a kind from PRINTED")
    }

    /// Every file name the commands make for `bins`.
    pub fn outputs(&self, bins: &[String]) -> Vec<String> {
        bins.iter()
            .flat_map(|bin| {
                self.commands
                    .iter()
                    .map(move |(kind, _)| Generate::file_name(kind, bin))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::config::tables::{self, PackageTable};
    use serde_json::{Value, json};

    fn generate(setting: Value) -> Result<Generate> {
        let table = json!({ "generate": setting });
        let table: PackageTable = tables::read(&table, "[package.metadata.dist] of `rg`")?;
        Generate::from_setting(table.generate.as_ref(), "rg")
    }

    #[test]
    fn commands_by_kind_and_their_file_names() {
        let setting = json!({ "fish": ["completions", "fish"], "man": ["--generate", "man"] });
        let generate = generate(setting).unwrap();
        assert_eq!(generate.commands[0].0, "man");
        assert_eq!(generate.outputs(&["rg".to_owned()]), ["rg.1", "rg.fish"]);
        assert!(Generate::from_setting(None, "rg").unwrap().is_empty());
    }

    #[test]
    fn unknown_kinds_and_empty_commands_are_refused() {
        for bad in [
            json!({ "mann": ["x"] }),
            json!({ "man": [] }),
            json!(["man"]),
            json!({ "man": "--generate man" }),
        ] {
            let err = format!("{:#}", generate(bad.clone()).unwrap_err());
            assert!(err.contains("generate"), "{bad}: {err}");
        }
    }
}
