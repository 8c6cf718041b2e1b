//! Adding dist's reproducibility flags to the user's own rustflags.
//!
//! Cargo takes a target's rustflags from the first of four sources that is
//! set, and ignores the rest: `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, the
//! `target.<triple>.rustflags` (and `target.'cfg(…)'.rustflags`) config
//! entries, or `build.rustflags`. dist's flags must join whichever source
//! cargo will use, or they (or the user's) silently vanish: with `RUSTFLAGS`
//! set, a `--config target.<triple>.rustflags` is never read, and binaries
//! keep the build machine's paths.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, Item};
use xshell::Cmd;

/// One flag dist adds, and how the manifest records it: without the build
/// machine's paths, which differ between clones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub flag: String,
    pub recorded: String,
}

/// How dist's flags reach cargo for one target, and what the manifest says
/// the target was built with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFlags {
    /// Added to the cargo command line (`--config …`).
    args: Vec<String>,
    /// `CARGO_ENCODED_RUSTFLAGS` to set in place of `RUSTFLAGS`.
    encoded: Option<String>,
    /// The effective flags, as recorded in the manifest: the user's, where
    /// known, then dist's.
    pub recorded: Vec<String>,
}

/// The user's rustflags for a target, as cargo would choose them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum UserFlags {
    /// From `CARGO_ENCODED_RUSTFLAGS` or `RUSTFLAGS`: these win over any
    /// config, so dist's join them in the same variable.
    Environment(Vec<String>),
    /// From `target.<triple>.rustflags`: config arrays merge, so dist's go
    /// to the same key.
    TargetConfig(Vec<String>),
    /// From `build.rustflags` alone: a `target.<triple>` key would hide it,
    /// so dist's go to `build.rustflags` too.
    BuildConfig(Vec<String>),
}

impl ReleaseFlags {
    /// Works out where `ours` must go for `triple`, given the environment
    /// and the cargo config files that apply in `root`.
    pub fn new(root: &Path, triple: &str, ours: &[Flag]) -> Result<ReleaseFlags> {
        let env = |name: &str| std::env::var(name).ok();
        let configs = config_files(root)
            .into_iter()
            .filter_map(|path| {
                let text = std::fs::read_to_string(&path).ok()?;
                Some((path, text))
            })
            .map(|(path, text)| {
                text.parse::<DocumentMut>()
                    .map(|doc| (path.clone(), doc))
                    .with_context(|| format!("{} is not valid TOML", path.display()))
            })
            .collect::<Result<Vec<_>>>()?;
        let user = user_flags(triple, &env, &configs)?;
        Ok(ReleaseFlags::join(triple, user, ours))
    }

    fn join(triple: &str, user: UserFlags, ours: &[Flag]) -> ReleaseFlags {
        let flags: Vec<String> = ours.iter().map(|flag| flag.flag.clone()).collect();
        let (known, args, encoded) = match user {
            UserFlags::Environment(user) => {
                let all: Vec<String> = user.iter().cloned().chain(flags).collect();
                (user, Vec::new(), Some(all.join("\u{1f}")))
            }
            UserFlags::TargetConfig(user) => (
                user,
                config_arg(&format!("target.{triple}.rustflags"), &flags),
                None,
            ),
            UserFlags::BuildConfig(user) => (user, config_arg("build.rustflags", &flags), None),
        };
        ReleaseFlags {
            args,
            encoded,
            recorded: known
                .into_iter()
                .chain(ours.iter().map(|flag| flag.recorded.clone()))
                .collect(),
        }
    }

    /// `command` with dist's flags where cargo will read them.
    pub fn apply<'a>(&self, command: Cmd<'a>) -> Cmd<'a> {
        let command = command.args(&self.args);
        match &self.encoded {
            Some(encoded) => command
                .env("CARGO_ENCODED_RUSTFLAGS", encoded)
                .env_remove("RUSTFLAGS"),
            None => command,
        }
    }
}

/// The user's flags for `triple`, by cargo's order of precedence.
fn user_flags(
    triple: &str,
    env: &dyn Fn(&str) -> Option<String>,
    configs: &[(PathBuf, DocumentMut)],
) -> Result<UserFlags> {
    if let Some(encoded) = env("CARGO_ENCODED_RUSTFLAGS") {
        let flags = encoded
            .split('\u{1f}')
            .filter(|flag| !flag.is_empty())
            .map(str::to_owned)
            .collect();
        return Ok(UserFlags::Environment(flags));
    }
    if let Some(text) = env("RUSTFLAGS") {
        return Ok(UserFlags::Environment(words(&text)));
    }
    let env_name = format!(
        "CARGO_TARGET_{}_RUSTFLAGS",
        triple.to_uppercase().replace(['-', '.'], "_")
    );
    let mut target = env(&env_name).map(|text| words(&text));
    let mut build = env("CARGO_BUILD_RUSTFLAGS").map(|text| words(&text));
    for (path, doc) in configs {
        if let Some(targets) = doc.get("target").and_then(Item::as_table_like) {
            for (key, table) in targets.iter() {
                let Some(flags) = table.get("rustflags") else {
                    continue;
                };
                if key == triple {
                    target
                        .get_or_insert_with(Vec::new)
                        .extend(flag_list(flags, path)?);
                } else if key.starts_with("cfg(") {
                    bail!(
                        "{} sets rustflags under [target.'{key}'], and dist cannot tell whether \
                         that cfg applies to {triple}, so it cannot add its reproducibility \
                         flags to them without risking losing one or the other. Move those \
                         flags to [target.{triple}] or build.rustflags, or pass them in \
                         RUSTFLAGS.",
                        path.display()
                    );
                }
            }
        }
        if let Some(flags) = doc.get("build").and_then(|build| build.get("rustflags")) {
            build
                .get_or_insert_with(Vec::new)
                .extend(flag_list(flags, path)?);
        }
    }
    Ok(match (target, build) {
        (Some(target), _) => UserFlags::TargetConfig(target),
        (None, Some(build)) => UserFlags::BuildConfig(build),
        (None, None) => UserFlags::TargetConfig(Vec::new()),
    })
}

/// A rustflags value: an array of strings, or one string of
/// space-separated flags.
fn flag_list(item: &Item, path: &Path) -> Result<Vec<String>> {
    if let Some(text) = item.as_str() {
        return Ok(words(text));
    }
    item.as_array()
        .and_then(|array| {
            array
                .iter()
                .map(|value| value.as_str().map(str::to_owned))
                .collect()
        })
        .with_context(|| {
            format!(
                "a rustflags value in {} is neither a string nor a list of strings",
                path.display()
            )
        })
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

/// `--config <key>=[…]`, the flags as TOML strings.
fn config_arg(key: &str, flags: &[String]) -> Vec<String> {
    // toml_edit writes the array, quoting each flag as TOML needs.
    let mut array: toml_edit::Array = flags.iter().map(String::as_str).collect();
    array.fmt();
    vec!["--config".to_owned(), format!("{key}={array}")]
}

/// The config files cargo reads in `root`, most specific first: each
/// ancestor's `.cargo/config.toml` (or `.cargo/config`), then cargo home's.
fn config_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let home = cargo_home();
    for dir in root.ancestors() {
        for name in ["config.toml", "config"] {
            let path = dir.join(".cargo").join(name);
            if path.is_file() {
                files.push(path);
                break;
            }
        }
    }
    for name in ["config.toml", "config"] {
        let path = home.join(name);
        if path.is_file() && !files.contains(&path) {
            files.push(path);
            break;
        }
    }
    files
}

/// Cargo's home folder, where its registry sources and global config are:
/// `CARGO_HOME`, or `~/.cargo`.
pub(super) fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/nonexistent"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Vec<Flag> {
        vec![Flag {
            flag: "--remap-path-prefix=/home/me/ws=.".to_owned(),
            recorded: "--remap-path-prefix=<workspace>=.".to_owned(),
        }]
    }

    fn config(text: &str) -> Vec<(PathBuf, DocumentMut)> {
        vec![(
            PathBuf::from("/ws/.cargo/config.toml"),
            text.parse().unwrap(),
        )]
    }

    fn flags_with(env: &[(&str, &str)], configs: &[(PathBuf, DocumentMut)]) -> ReleaseFlags {
        let lookup = |name: &str| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        let user = user_flags("x86_64-unknown-linux-gnu", &lookup, configs).unwrap();
        ReleaseFlags::join("x86_64-unknown-linux-gnu", user, &ours())
    }

    #[test]
    fn rustflags_in_the_environment_are_joined_in_the_encoded_variable() {
        let flags = flags_with(&[("RUSTFLAGS", "-Ctarget-cpu=x86-64-v2")], &[]);
        assert_eq!(
            flags.encoded.as_deref(),
            Some("-Ctarget-cpu=x86-64-v2\u{1f}--remap-path-prefix=/home/me/ws=.")
        );
        assert!(flags.args.is_empty());
        assert_eq!(
            flags.recorded,
            [
                "-Ctarget-cpu=x86-64-v2",
                "--remap-path-prefix=<workspace>=."
            ]
        );
        let encoded = flags_with(&[("CARGO_ENCODED_RUSTFLAGS", "-Ca\u{1f}-Cb")], &[]);
        assert!(encoded.encoded.unwrap().starts_with("-Ca\u{1f}-Cb\u{1f}"));
    }

    #[test]
    fn config_flags_are_merged_at_the_key_cargo_reads() {
        let target = flags_with(
            &[],
            &config(
                "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Cx\"]\n[build]\nrustflags = \"-Cy\"\n",
            ),
        );
        assert_eq!(
            target.args[1],
            r#"target.x86_64-unknown-linux-gnu.rustflags=["--remap-path-prefix=/home/me/ws=."]"#
        );
        assert_eq!(target.recorded[0], "-Cx");
        let build = flags_with(&[], &config("[build]\nrustflags = \"-Cy -Cz\"\n"));
        assert_eq!(
            build.args[1],
            r#"build.rustflags=["--remap-path-prefix=/home/me/ws=."]"#
        );
        assert_eq!(build.recorded[..2], ["-Cy", "-Cz"]);
        let none = flags_with(&[], &[]);
        assert!(none.args[1].starts_with("target.x86_64-unknown-linux-gnu.rustflags="));
    }

    #[test]
    fn cfg_rustflags_are_refused_by_name() {
        let lookup = |_: &str| None;
        let err = user_flags(
            "x86_64-unknown-linux-gnu",
            &lookup,
            &config("[target.'cfg(unix)']\nrustflags = [\"-Cx\"]\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("[target.'cfg(unix)']"), "{err}");
    }

    /// Whatever a flag holds, the `--config` value reads back as the flags.
    #[test]
    fn config_args_read_back_as_the_flags() {
        let flags = vec![
            r#"a "b" \c"#.to_owned(),
            "-Clink-arg=-Wl,-S".to_owned(),
            "it's".to_owned(),
        ];
        let args = config_arg("target.x.rustflags", &flags);
        assert_eq!(args[0], "--config");
        let doc: DocumentMut = args[1].parse().unwrap();
        let read: Vec<&str> = doc["target"]["x"]["rustflags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|flag| flag.as_str().unwrap())
            .collect();
        assert_eq!(read, flags);
    }
}
