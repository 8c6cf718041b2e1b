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

use anyhow::{Result, bail};
use serde_json::Value;

use crate::util::suggest::did_you_mean;

/// What each command writes, and what the binary's name gets before and
/// after it in the name the file ships as (`_rg`, `rg.1`).
const KINDS: [(&str, &str, &str); 4] = [
    ("man", "", ".1"),
    ("bash", "", ".bash"),
    ("zsh", "_", ""),
    ("fish", "", ".fish"),
];

/// The package's generate commands, in [`KINDS`] order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generate {
    /// `(kind, arguments)`: `("man", ["--generate", "man"])`.
    pub commands: Vec<(&'static str, Vec<String>)>,
}

impl Generate {
    /// `generate` of `[package.metadata.dist]` of `package`, if set.
    pub(super) fn from_setting(setting: Option<&Value>, package: &str) -> Result<Generate> {
        let Some(setting) = setting else {
            return Ok(Generate::default());
        };
        let kinds: Vec<&str> = KINDS.iter().map(|(kind, ..)| *kind).collect();
        let Some(table) = setting.as_object() else {
            bail!(
                "[package.metadata.dist] of `{package}` has `generate = {setting}`: it is a \
                 table of the arguments that print each file, like \
                 `generate = {{ man = [\"--generate\", \"man\"] }}`."
            );
        };
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
        for (kind, ..) in KINDS {
            let Some(args) = table.get(kind) else {
                continue;
            };
            let args: Option<Vec<String>> = args
                .as_array()
                .and_then(|list| list.iter().map(|a| a.as_str().map(str::to_owned)).collect())
                .filter(|args: &Vec<String>| !args.is_empty());
            let Some(args) = args else {
                bail!(
                    "[package.metadata.dist.generate] of `{package}` gives `{kind}` {}: give the \
                     arguments that make the binary print it, like [\"--generate\", \"{kind}\"].",
                    table[kind]
                );
            };
            commands.push((kind, args));
        }
        Ok(Generate { commands })
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// The name `kind`'s output ships as, for the binary `bin`.
    pub fn file_name(kind: &str, bin: &str) -> String {
        let (_, before, after) = KINDS
            .iter()
            .find(|(known, ..)| *known == kind)
            .expect("a kind from KINDS");
        format!("{before}{bin}{after}")
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
    use serde_json::json;

    #[test]
    fn commands_by_kind_and_their_file_names() {
        let setting = json!({ "fish": ["completions", "fish"], "man": ["--generate", "man"] });
        let generate = Generate::from_setting(Some(&setting), "rg").unwrap();
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
        ] {
            assert!(Generate::from_setting(Some(&bad), "rg").is_err(), "{bad}");
        }
    }
}
