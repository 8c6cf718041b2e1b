//! Every configuration key the xtask reads, with its type, default and
//! meaning: the source of the book's reference page,
//! `docs/reference/configuration.md`, which `cargo xtask book` writes.
//!
//! The tables' own types say which keys are accepted. This module's test
//! reads them from serde's field lists and the formats' key lists, and
//! holds this documentation to them both ways: no accepted key goes
//! undocumented, and no documented key is refused.

use super::cargo_dist;

/// One table of the configuration, and its keys.
pub struct Table {
    /// As Cargo.toml spells it: `[workspace.metadata.dist]`.
    pub name: &'static str,
    /// Which file holds it, and what it is for.
    pub about: &'static str,
    pub keys: &'static [Key],
}

/// One key: how to write it, what it defaults to, what it does, and the
/// book page that explains it (relative to `docs/`).
pub struct Key {
    pub name: &'static str,
    pub kind: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
    pub page: &'static str,
}

const fn key(
    name: &'static str,
    kind: &'static str,
    default: &'static str,
    meaning: &'static str,
    page: &'static str,
) -> Key {
    Key {
        name,
        kind,
        default,
        meaning,
        page,
    }
}

const LIST: &str = "list of strings";
const SWITCH: &str = "bool";
const TEXT: &str = "string";
const PER_TARGET: &str = "table: triple → list of strings";

const DIST: &[Key] = &[
    key(
        "package",
        TEXT,
        "the only binary package",
        "The package to ship; its name and version are the release's.",
        "start/new-project.md",
    ),
    key(
        "packages",
        LIST,
        "`[package]`",
        "Several packages to ship, instead of `package`; the first is the primary.",
        "shipping/release-builds.md",
    ),
    key(
        "bins",
        "table: package → list of strings",
        "every `[[bin]]`",
        "Which binaries of a package ship.",
        "shipping/release-builds.md",
    ),
    key(
        "include",
        LIST,
        "`[\"README.md\"]`",
        "Files, relative to the root, that go into every archive and package beside the binaries.",
        "shipping/archives.md",
    ),
    key(
        "targets",
        LIST,
        "none",
        "The hosted targets to build, test and ship; every command reads this list.",
        "course/host-and-target.md",
    ),
    key(
        "formats",
        PER_TARGET,
        "by OS (see the target table)",
        "A target's artifact formats, from `tar.gz`, `zip`, `deb`, `rpm`, `msi`, `dmg`, `pkg`, `whl` (a wheel) and `tgz` (an npm package).",
        "shipping/pipeline.md",
    ),
    key(
        "ci-runner",
        "table: triple → string",
        "by target (see `cargo xtask plan`)",
        "The CI runner label that builds a target.",
        "shipping/ci.md",
    ),
    key(
        "min-glibc",
        TEXT,
        "the lowest Rust supports per architecture",
        "The glibc floor of every glibc target.",
        "course/c-libraries.md",
    ),
    key(
        "min-macos",
        TEXT,
        "11.0 on arm64, 10.12 on x86_64",
        "The macOS floor of every macOS target.",
        "course/c-libraries.md",
    ),
    key(
        "universal2",
        SWITCH,
        "true when both macOS targets are configured",
        "Ship one fat Mach-O binary for both Macs.",
        "shipping/macos.md",
    ),
    key(
        "container-image",
        SWITCH,
        "true when a static Linux target is configured",
        "Ship a multi-architecture OCI image.",
        "shipping/channels.md",
    ),
    key(
        "sbom",
        SWITCH,
        "true",
        "Write a CycloneDX SBOM per target.",
        "shipping/archives.md",
    ),
    key(
        "pypi",
        SWITCH,
        "true",
        "Ship Python wheels for the targets PyPI has a tag for.",
        "shipping/channels.md",
    ),
    key(
        "npm",
        SWITCH,
        "true",
        "Ship npm platform packages (and the root package, with the `npm` installer).",
        "shipping/channels.md",
    ),
    key(
        "installers",
        LIST,
        "each one a configured target has an artifact for",
        "Which of `shell`, `homebrew`, `scoop`, `winget`, `npm` to write; `[]` for none.",
        "shipping/channels.md",
    ),
    key(
        "base-url",
        TEXT,
        "the GitHub release of `repository`",
        "Where the installers download from; `{version}` is filled in.",
        "shipping/channels.md",
    ),
    key(
        "profile",
        TEXT,
        "`dist`",
        "The cargo profile release binaries are built with.",
        "shipping/release-builds.md",
    ),
    key(
        "features",
        LIST,
        "none",
        "Features of every shipped package, for the release build.",
        "shipping/release-builds.md",
    ),
    key(
        "default-features",
        SWITCH,
        "true",
        "`false` builds with `--no-default-features`.",
        "shipping/release-builds.md",
    ),
    key(
        "all-features",
        SWITCH,
        "false",
        "`true` builds with `--all-features`.",
        "shipping/release-builds.md",
    ),
    key(
        "dependencies",
        "table",
        "none",
        "cargo-dist's: `dependencies.apt` lists the Debian packages the build needs, each \
         `\"*\"`, a version, or `{ version, stage, targets }`. A `-dev` package is installed \
         for each Linux target's architecture, and raises its glibc floor to Debian's; \
         `homebrew` and `chocolatey` are set aside.",
        "course/c-dependencies.md",
    ),
    key(
        "firmware",
        "table",
        "none",
        "The firmware packages and their targets (below).",
        "course/firmware.md",
    ),
    key(
        "web",
        "table",
        "none",
        "The browser packages and their targets (below).",
        "course/browser.md",
    ),
];

const KIND: &[Key] = &[
    key(
        "packages",
        LIST,
        "required",
        "The packages built only for these targets.",
        "course/firmware.md",
    ),
    key(
        "targets",
        LIST,
        "none",
        "Their targets: bare-metal ones for `firmware`, `wasm32-unknown-unknown` for `web`.",
        "course/firmware.md",
    ),
];

const PACKAGE: &[Key] = &[
    key(
        "features",
        LIST,
        "the workspace's",
        "This package's release features, over the workspace's.",
        "shipping/release-builds.md",
    ),
    key(
        "default-features",
        SWITCH,
        "the workspace's",
        "As in the workspace table, for this package.",
        "shipping/release-builds.md",
    ),
    key(
        "all-features",
        SWITCH,
        "the workspace's",
        "As in the workspace table, for this package.",
        "shipping/release-builds.md",
    ),
    key(
        "smoke-run",
        "list of strings, or `{ skip = \"why\" }`",
        "`[\"--version\"]`",
        "The arguments that make each binary print the release's version, or why it is not run.",
        "shipping/release-builds.md",
    ),
    key(
        "generate",
        "table: kind → list of strings",
        "none",
        "Arguments that make the program print its man page (`man`) and completions (`bash`, `zsh`, `fish`).",
        "shipping/release-builds.md",
    ),
    key(
        "pkg-identifier",
        TEXT,
        "`io.github.<owner>.<package>` from `repository`",
        "The reverse-DNS identifier of the macOS .pkg.",
        "shipping/macos.md",
    ),
];

const SMOKE_SKIP: &[Key] = &[key(
    "skip",
    TEXT,
    "required",
    "Why the binaries are not run; dist prints it.",
    "shipping/release-builds.md",
)];

const DEB: &[Key] = &[
    key(
        "name",
        TEXT,
        "the package name",
        "The Debian package name.",
        "shipping/linux-packages.md",
    ),
    key(
        "maintainer",
        TEXT,
        "the first of `authors`",
        "The `Maintainer` field (required: from here or `authors`).",
        "shipping/linux-packages.md",
    ),
    key(
        "copyright",
        TEXT,
        "`<year>, <authors>`",
        "Who holds the copyright, for the DEP-5 copyright file.",
        "shipping/linux-packages.md",
    ),
    key(
        "depends",
        "string or list of strings",
        "`$auto`",
        "`Depends`; `$auto` stands for what the binary needs.",
        "shipping/linux-packages.md",
    ),
    key(
        "section",
        TEXT,
        "`utils`",
        "The Debian section.",
        "shipping/linux-packages.md",
    ),
    key(
        "priority",
        TEXT,
        "`optional`",
        "The Debian priority.",
        "shipping/linux-packages.md",
    ),
    key(
        "revision",
        TEXT,
        "`1`",
        "The Debian revision (and the RPM release).",
        "shipping/linux-packages.md",
    ),
    key(
        "extended-description",
        TEXT,
        "the description",
        "The long description.",
        "shipping/linux-packages.md",
    ),
    key(
        "assets",
        "list of [source, destination, mode]",
        "the binaries and `include`",
        "Files the .deb installs; a `target/…` source is the built binary.",
        "shipping/linux-packages.md",
    ),
    key(
        "features",
        LIST,
        "dist's",
        "cargo-deb's release features: honoured where dist is not told otherwise.",
        "shipping/release-builds.md",
    ),
    key(
        "default-features",
        SWITCH,
        "dist's",
        "As `features`.",
        "shipping/release-builds.md",
    ),
];

const RPM: &[Key] = &[
    key(
        "name",
        TEXT,
        "the .deb's name",
        "The RPM package name.",
        "shipping/linux-packages.md",
    ),
    key(
        "release",
        TEXT,
        "the .deb's `revision`",
        "The RPM release.",
        "shipping/linux-packages.md",
    ),
    key(
        "summary",
        TEXT,
        "the description",
        "The one-line summary.",
        "shipping/linux-packages.md",
    ),
    key(
        "license",
        TEXT,
        "`license`",
        "The license, as an SPDX expression.",
        "shipping/linux-packages.md",
    ),
    key(
        "url",
        TEXT,
        "`homepage`, else `repository`",
        "The project's URL.",
        "shipping/linux-packages.md",
    ),
    key(
        "group",
        TEXT,
        "`Applications/System`",
        "The RPM group.",
        "shipping/linux-packages.md",
    ),
    key(
        "requires",
        "table: capability → string",
        "what the binary needs",
        "More `Requires`, beside the binary's own: `\"*\"` for any version, or like `\">= 1.2\"`.",
        "shipping/linux-packages.md",
    ),
];

/// Every table, in the order the reference lists them.
pub const TABLES: &[Table] = &[
    Table {
        name: "[workspace.metadata.dist]",
        about: "In the workspace's Cargo.toml (or `[dist]` of cargo-dist's dist-workspace.toml): what the release holds.",
        keys: DIST,
    },
    Table {
        name: "[workspace.metadata.dist.firmware]",
        about: "In the workspace's Cargo.toml: packages built only for bare-metal targets.",
        keys: KIND,
    },
    Table {
        name: "[workspace.metadata.dist.web]",
        about: "In the workspace's Cargo.toml: packages built only for the browser.",
        keys: KIND,
    },
    Table {
        name: "[package.metadata.dist]",
        about: "In a shipped package's Cargo.toml: that package's settings, over the workspace's.",
        keys: PACKAGE,
    },
    Table {
        name: "smoke-run = { … }",
        about: "The table form of `smoke-run`, which turns the run off.",
        keys: SMOKE_SKIP,
    },
    Table {
        name: "[package.metadata.deb]",
        about: "cargo-deb's table, read for the .deb (and the .rpm's defaults).",
        keys: DEB,
    },
    Table {
        name: "[package.metadata.generate-rpm]",
        about: "cargo-generate-rpm's table, read for the .rpm.",
        keys: RPM,
    },
];

/// cargo-dist's keys that are read and set aside, each with why.
pub fn ignored_cargo_dist_keys() -> &'static [(&'static str, &'static str)] {
    cargo_dist::IGNORED
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde::de::{self, Deserializer, Visitor};

    use super::*;
    use crate::formats::{deb, rpm};
    use crate::workspace::config::tables::{DistTable, KindTable, PackageTable, SkipTable};

    /// The keys the code accepts in the table named `name`.
    fn accepted(name: &str) -> Vec<&'static str> {
        match name {
            "[workspace.metadata.dist]" => fields_of::<DistTable>(),
            "[workspace.metadata.dist.firmware]" | "[workspace.metadata.dist.web]" => {
                fields_of::<KindTable>()
            }
            "[package.metadata.dist]" => fields_of::<PackageTable>(),
            "smoke-run = { … }" => fields_of::<SkipTable>(),
            "[package.metadata.deb]" => fields_of::<deb::DebTable>(),
            "[package.metadata.generate-rpm]" => fields_of::<rpm::RpmTable>(),
            _ => Vec::new(),
        }
    }

    /// The field names serde's derive gave `T`, as it passes them to
    /// `deserialize_struct`: the keys a `deny_unknown_fields` table accepts.
    fn fields_of<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
        let mut fields = None;
        let _ = T::deserialize(FieldNames(&mut fields));
        fields.unwrap_or_default().to_vec()
    }

    /// A deserializer that only records the fields it is asked for.
    struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

    impl<'de> Deserializer<'de> for FieldNames<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only struct fields are recorded"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(de::Error::custom("recorded"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    #[test]
    fn every_accepted_key_is_documented_and_every_documented_key_accepted() {
        for table in TABLES {
            let mut accepted = accepted(table.name);
            accepted.sort_unstable();
            let mut documented: Vec<&str> = table.keys.iter().map(|key| key.name).collect();
            documented.sort_unstable();
            assert!(
                accepted.len() >= 2 || table.keys.len() == 1,
                "{}",
                table.name
            );
            assert_eq!(accepted, documented, "{}", table.name);
        }
    }
}
