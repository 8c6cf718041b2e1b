//! `cargo xtask init PATH`, run from a clone of the template: brings the
//! release machinery into the Cargo project at PATH, which may be a
//! workspace, a single package, or a workspace whose root is the package.
//!
//! It plans every change first and writes them all or nothing:
//! - `xtask/` (the automation, with a manifest that inherits nothing from
//!   the project's workspace) and the runner scripts in `scripts/`,
//!   recorded in `xtask/template-files.sha256` so that a later `init` from
//!   a newer template replaces them, and refuses where they were edited;
//! - `Cargo.toml`: the xtask as a workspace member, `[profile.dist]`
//!   (inheriting the project's own `[profile.release]`), and
//!   `[workspace.metadata.dist]` from what `cargo metadata` says: the
//!   binary packages, the readme and license files that exist, and the
//!   targets;
//! - `.cargo/config.toml`: the `xtask` alias and each target's linker,
//!   runner and C compiler, refusing, by name, a key the project set to
//!   something else;
//! - `rust-toolchain.toml`: each target's standard library.
//!
//! Every file keeps its comments and keys (toml_edit), and running it
//! again changes nothing.

mod fields;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use toml_edit::{Array, DocumentMut, Item, Table, value};
use xshell::{Shell, cmd};

use fields::Fill;

use crate::cli::{InitArgs, Pipeline};
use crate::targets::{self, TargetSpec};
use crate::util::progress;
use crate::workspace::Workspace;
use crate::workspace::cargo_config;
use crate::workspace::config::cargo_dist;
use crate::workspace::config::tables::MetadataPackage;
use crate::workspace::edit::Edits;
use crate::workspace::gitlab_ci;
use crate::workspace::template_files::{self, Change, TemplateFile};

/// The targets a project gets without `--target`, beside the build
/// machine's own: what popular command-line programs ship.
const DEFAULT_TARGETS: [&str; 7] = [
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-gnu",
    "aarch64-unknown-linux-musl",
    "x86_64-pc-windows-gnu",
    "aarch64-apple-darwin",
    "x86_64-apple-darwin",
];

pub fn run(template: &Workspace, args: &InitArgs) -> Result<()> {
    let project = Project::read(template, &args.path)?;
    let targets = chosen_targets(template, &project, &args.targets)?;
    let fills = project.fill_or_refuse(&targets)?;
    let record = template_files::read_record(&project.root)?;
    let pipeline = args
        .ci
        .unwrap_or(match record.contains_key(gitlab_ci::FILE) {
            true => Pipeline::Gitlab,
            false => Pipeline::Github,
        });
    let files = installed_files(template, pipeline, &targets)?;
    let history = template_files::in_git_history(&template.sh, &template.config.root);
    let changes = template_files::plan(&project.root, &files, &record, &history)?;

    let mut edits = Edits::default();
    let mut edited = Vec::new();
    let mut manifests = project.filled_manifests(&fills)?;
    let root_manifest = manifests.remove("Cargo.toml");
    for (file, text) in [
        (
            "Cargo.toml",
            project.manifest_text(template, &targets, root_manifest)?,
        ),
        (".cargo/config.toml", project.cargo_config_text(&targets)?),
        (
            "rust-toolchain.toml",
            project.toolchain_text(template, &targets)?,
        ),
    ] {
        if project.text_of(file).as_deref() != Some(text.as_str()) {
            edits.set(file, text);
            edited.push(file);
        }
    }
    let package_manifests: Vec<String> = manifests.keys().cloned().collect();
    for (file, doc) in &manifests {
        edits.set(file, doc.to_string());
    }
    edited.extend(package_manifests.iter().map(String::as_str));
    for (path, change) in &changes {
        if matches!(change, Change::Added | Change::Updated) {
            let file = files
                .iter()
                .find(|file| &file.path == path)
                .expect("planned");
            edits.set(
                path,
                String::from_utf8(file.bytes.clone()).context("a text file")?,
            );
        }
    }
    let record_text = template_files::record_text(&files);
    if project.text_of(template_files::RECORD).as_deref() != Some(record_text.as_str()) {
        edits.set(template_files::RECORD, record_text);
    }
    let lock = Path::new("Cargo.lock");
    edits
        .apply(&project.root, &[lock], || {
            finish_files(&project, &files, &changes)
        })
        .with_context(|| format!("init of {} failed", project.root.display()))?;
    report(&project, &changes, &edited, &targets);
    for fill in &fills {
        progress::summary(format_args!("  {fill}"));
    }
    Ok(())
}

/// The Cargo project init brings the machinery into.
struct Project {
    /// Its workspace root, where Cargo.toml and `.cargo/` are.
    root: PathBuf,
    /// `cargo metadata --no-deps` of it.
    metadata: Value,
}

impl Project {
    fn read(template: &Workspace, path: &Path) -> Result<Project> {
        let manifest = path.join("Cargo.toml");
        if !manifest.is_file() {
            bail!(
                "{} is not a Cargo project: it has no Cargo.toml. Point init at the folder of \
                 the project's Cargo.toml (its workspace root, or any package in it), or make a \
                 project there first with `cargo init`.",
                path.display()
            );
        }
        let json = cmd!(
            template.sh,
            "cargo metadata --no-deps --format-version 1 --manifest-path {manifest}"
        )
        .quiet()
        .read()
        .with_context(|| {
            format!(
                "cargo cannot read the project at {} (its error is above). Fix its Cargo.toml, \
                 then run init again.",
                path.display()
            )
        })?;
        let metadata: Value = serde_json::from_str(&json).context("invalid cargo metadata")?;
        let root = PathBuf::from(metadata["workspace_root"].as_str().unwrap_or_default());
        if root == template.config.root {
            bail!(
                "{} is this template itself. Run init from the template in the project to adopt \
                 it, or pull the newer template into this clone with git.",
                path.display()
            );
        }
        let project = Project { root, metadata };
        project.check_no_other_xtask()?;
        if project.binary_packages().is_empty() {
            bail!(
                "the project at {} has no binary to ship: none of its packages has a src/main.rs \
                 or a [[bin]] target. init releases programs; add a binary, or point it at the \
                 project that has one.",
                project.root.display()
            );
        }
        Ok(project)
    }

    /// The names of the members that have a binary, the xtask's aside.
    fn binary_packages(&self) -> Vec<String> {
        self.members()
            .filter(|package| package["name"] != "xtask")
            .filter(|package| {
                package["targets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|target| {
                        target["kind"]
                            .as_array()
                            .is_some_and(|kinds| kinds.iter().any(|kind| kind == "bin"))
                    })
            })
            .filter_map(|package| package["name"].as_str().map(str::to_owned))
            .collect()
    }

    fn members(&self) -> impl Iterator<Item = &Value> {
        self.metadata["packages"].as_array().into_iter().flatten()
    }

    /// Refuses a package named `xtask` that is not the one init installs.
    fn check_no_other_xtask(&self) -> Result<()> {
        let ours = self.root.join("xtask").join("Cargo.toml");
        let other = self.members().find(|package| {
            package["name"] == "xtask"
                && package["manifest_path"].as_str().map(PathBuf::from) != Some(ours.clone())
        });
        if let Some(other) = other {
            bail!(
                "the project already has a package named `xtask`, at {}, so the template's \
                 cannot join the workspace. Rename that package, then run init again.",
                other["manifest_path"].as_str().unwrap_or_default()
            );
        }
        Ok(())
    }

    fn text_of(&self, file: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join(file)).ok()
    }

    fn document(&self, file: &str) -> Result<DocumentMut> {
        let text = self.text_of(file).unwrap_or_default();
        text.parse()
            .with_context(|| format!("{} is not valid TOML", self.root.join(file).display()))
    }

    /// The shipped packages, as cargo describes them.
    fn shipped(&self) -> Result<Vec<MetadataPackage>> {
        let names = self.binary_packages();
        self.members()
            .filter(|member| names.iter().any(|name| member["name"] == name.as_str()))
            .map(|member| {
                serde_json::from_value(member.clone()).context("cargo described a package oddly")
            })
            .collect()
    }

    /// Checks the fields the formats of `targets` need before anything is
    /// written ([`fields::check`]); the maintainers it fills from git.
    fn fill_or_refuse(&self, targets: &[&TargetSpec]) -> Result<Vec<Fill>> {
        let sh = Shell::new()?;
        sh.change_dir(&self.root);
        let dist = self.metadata.pointer("/metadata/dist");
        fields::check(
            &self.root,
            &self.shipped()?,
            dist,
            targets,
            fields::git_identity(&sh).as_deref(),
        )
    }

    /// Each manifest (by its path from the root) that `fills` write into,
    /// with them written.
    fn filled_manifests(&self, fills: &[Fill]) -> Result<BTreeMap<String, DocumentMut>> {
        let mut manifests = BTreeMap::new();
        for package in self.shipped()? {
            let relative = package
                .manifest_path
                .strip_prefix(&self.root)
                .with_context(|| {
                    format!("{} is outside the project", package.manifest_path.display())
                })?;
            let file = relative.to_string_lossy().into_owned();
            for fill in fills.iter().filter(|fill| fill.package() == package.name) {
                if !manifests.contains_key(&file) {
                    manifests.insert(file.clone(), self.document(&file)?);
                }
                let doc = manifests.get_mut(&file).expect("inserted above");
                write_fill(doc, fill)?;
            }
        }
        Ok(manifests)
    }

    /// The readme and license files at the root, for every archive.
    fn included_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_file())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| {
                let upper = name.to_uppercase();
                [
                    "README",
                    "LICENSE",
                    "LICENCE",
                    "COPYING",
                    "UNLICENSE",
                    "NOTICE",
                ]
                .iter()
                .any(|stem| upper.starts_with(stem))
            })
            .collect();
        names.sort();
        names
    }
}

/// The targets to configure: those the project configures already (in
/// `[workspace.metadata.dist]`, or cargo-dist's dist-workspace.toml), else
/// `--target`'s, else the build machine's and [`DEFAULT_TARGETS`].
fn chosen_targets(
    template: &Workspace,
    project: &Project,
    requested: &[String],
) -> Result<Vec<&'static TargetSpec>> {
    // cargo-dist's, where the project keeps them in dist-workspace.toml.
    let dist_workspace = cargo_dist::dist_workspace_table(&project.root)?;
    let listed = [
        Some(&project.metadata["metadata"]["dist"]),
        dist_workspace.as_ref(),
    ];
    let configured: Vec<String> = listed
        .into_iter()
        .flatten()
        .map(|table| strings(&table["targets"]))
        .find(|targets| !targets.is_empty())
        .unwrap_or_default();
    let host = &template.toolchain.host;
    let triples: Vec<String> = match (configured.is_empty(), requested.is_empty()) {
        (false, _) => configured,
        (true, false) => requested.to_vec(),
        (true, true) => std::iter::once(host.clone())
            .chain(DEFAULT_TARGETS.map(str::to_owned))
            .fold(Vec::new(), |mut list, triple| {
                if !list.contains(&triple) {
                    list.push(triple);
                }
                list
            }),
    };
    triples
        .iter()
        .map(|triple| targets::resolve(host, triple, &template.toolchain.known_targets))
        .collect()
}

/// The strings of a JSON list (none if it is not one).
fn strings(list: &Value) -> Vec<String> {
    let items = list.as_array().into_iter().flatten();
    items
        .filter_map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// The template's files, the xtask's manifest made to stand on its own.
fn installed_files(
    template: &Workspace,
    pipeline: Pipeline,
    targets: &[&TargetSpec],
) -> Result<Vec<TemplateFile>> {
    let with_workflow = pipeline == Pipeline::Github;
    let mut files = template_files::template_files(&template.config.root, with_workflow)?;
    if pipeline == Pipeline::Gitlab {
        files.push(gitlab_pipeline(template, targets)?);
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let manifest = files
        .iter_mut()
        .find(|file| file.path == "xtask/Cargo.toml")
        .context("the template has no xtask/Cargo.toml")?;
    manifest.bytes = self_standing_manifest(template, &manifest.bytes)?.into_bytes();
    Ok(files)
}

/// The template's GitLab pipeline, its dist matrix (and its Windows and
/// Mac jobs) written for the project's `targets`. The record keeps what
/// init wrote, so a later init replaces it unless it was edited since;
/// a .gitlab-ci.yml of the project's own is refused by name.
fn gitlab_pipeline(template: &Workspace, targets: &[&TargetSpec]) -> Result<TemplateFile> {
    let path = template.config.root.join(gitlab_ci::FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the template's {}", path.display()))?;
    let triples: Vec<&str> = targets.iter().map(|spec| spec.triple).collect();
    let text = gitlab_ci::with_targets(&text, &triples, "--workspace --exclude xtask")?;
    Ok(TemplateFile {
        path: gitlab_ci::FILE.to_owned(),
        bytes: text.into_bytes(),
        executable: false,
    })
}

/// The xtask's manifest with each `field.workspace = true` replaced by the
/// value it inherits in the template (the project's workspace may not
/// declare the field, or may declare another edition or license), and
/// without the template's own test targets.
fn self_standing_manifest(template: &Workspace, manifest: &[u8]) -> Result<String> {
    let json = cmd!(template.sh, "cargo metadata --no-deps --format-version 1")
        .quiet()
        .read()?;
    let metadata: Value = serde_json::from_str(&json)?;
    let xtask = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == "xtask")
        .context("the template has no xtask package")?;
    let mut doc: DocumentMut = std::str::from_utf8(manifest)?.parse()?;
    let package = doc["package"].as_table_mut().context("a [package] table")?;
    let inherited: Vec<String> = package
        .iter()
        .filter(|(_, item)| item.get("workspace").and_then(Item::as_bool) == Some(true))
        .map(|(key, _)| key.to_owned())
        .collect();
    for key in inherited {
        let resolved = &xtask[key.replace('-', "_")];
        let text = resolved
            .as_str()
            .with_context(|| format!("the template's xtask has no {key}"))?;
        package.insert(&key, value(text));
    }
    // The template's own suite stays behind, and so do the `[[test]]`
    // entries that configure it: cargo refuses a target whose file is gone.
    doc.remove("test");
    Ok(doc.to_string())
}

impl Project {
    /// Cargo.toml with the xtask a member, `[profile.dist]` and the
    /// release configuration, each only where it is missing.
    fn manifest_text(
        &self,
        template: &Workspace,
        targets: &[&TargetSpec],
        with_maintainer: Option<DocumentMut>,
    ) -> Result<String> {
        let mut doc = match with_maintainer {
            Some(doc) => doc,
            None => self.document("Cargo.toml")?,
        };
        let workspace = doc
            .entry("workspace")
            .or_insert_with(|| Item::Table(Table::new()))
            .as_table_mut()
            .context("`workspace` in Cargo.toml is not a table")?;
        let members = workspace
            .entry("members")
            .or_insert_with(|| value(Array::new()))
            .as_array_mut()
            .context("`workspace.members` in Cargo.toml is not a list")?;
        if !members
            .iter()
            .any(|member| member.as_str() == Some("xtask"))
        {
            members.push("xtask");
        }
        let metadata = workspace
            .entry("metadata")
            .or_insert_with(implicit_table)
            .as_table_mut()
            .context("`workspace.metadata` in Cargo.toml is not a table")?;
        let ours = self.dist_table(targets);
        match metadata.get_mut("dist").and_then(Item::as_table_like_mut) {
            None => drop(metadata.insert("dist", Item::Table(ours))),
            // A table cargo-dist (or an earlier init) wrote: what ships and
            // for which targets is added where it is missing, and nothing
            // it says is changed.
            Some(theirs) => {
                let names_packages =
                    theirs.contains_key("package") || theirs.contains_key("packages");
                for key in ["package", "packages", "targets"] {
                    let missing =
                        !theirs.contains_key(key) && (key == "targets" || !names_packages);
                    if let Some(item) = ours.get(key).filter(|_| missing) {
                        theirs.insert(key, item.clone());
                    }
                }
            }
        }
        let profiles = doc
            .entry("profile")
            .or_insert_with(implicit_table)
            .as_table_mut()
            .context("`profile` in Cargo.toml is not a table")?;
        if !profiles.contains_key("dist") {
            profiles.insert("dist", Item::Table(dist_profile()));
        }
        add_template_dev_settings(&mut doc, template)?;
        Ok(doc.to_string())
    }

    /// `[workspace.metadata.dist]` for the project.
    fn dist_table(&self, targets: &[&TargetSpec]) -> Table {
        let mut table = Table::new();
        table.decor_mut().set_prefix(
            "\n# The release configuration read by `cargo xtask` (written by `cargo xtask init`;\n\
             # every key is in the template's book, docs/reference/configuration.md).\n",
        );
        let packages = self.binary_packages();
        match packages.as_slice() {
            [one] => table.insert("package", value(one.as_str())),
            many => table.insert("packages", value(many.iter().collect::<Array>())),
        };
        table.insert(
            "include",
            value(self.included_files().iter().collect::<Array>()),
        );
        let mut list: Array = targets.iter().map(|spec| spec.triple).collect();
        for triple in list.iter_mut() {
            triple.decor_mut().set_prefix("\n    ");
        }
        list.set_trailing("\n");
        list.set_trailing_comma(true);
        table.insert("targets", value(list));
        table
    }

    /// `.cargo/config.toml` with the `xtask` alias and every target's part,
    /// refusing keys the project set otherwise.
    fn cargo_config_text(&self, targets: &[&TargetSpec]) -> Result<String> {
        let mut doc = self.document(".cargo/config.toml")?;
        let mut conflicts = Vec::new();
        let alias = "run --package xtask --";
        match doc.get("alias").and_then(|aliases| aliases.get("xtask")) {
            Some(have) if have.as_str() != Some(alias) => conflicts.push(format!(
                "[alias] xtask is {}, where the xtask needs \"{alias}\"",
                have.to_string().trim()
            )),
            Some(_) => {}
            None => {
                let aliases = doc
                    .entry("alias")
                    .or_insert_with(|| Item::Table(Table::new()))
                    .as_table_like_mut()
                    .context("`alias` in .cargo/config.toml is not a table")?;
                aliases.insert("xtask", value(alias));
            }
        }
        for spec in targets {
            // Written for the reference build machine, as add-target does.
            let wanted = targets::lookup(spec.triple).unwrap_or(spec).cargo_config();
            conflicts.extend(cargo_config::conflicts(&doc, spec.triple, &wanted));
            cargo_config::merge(&mut doc, spec.triple, &wanted);
        }
        if !conflicts.is_empty() {
            bail!(
                "{} in {} already says something else than the xtask needs: {}. Remove or \
                 change {} (the xtask's value is the one the target table tests), or leave \
                 that target out with `--target`. Nothing was changed.",
                if conflicts.len() == 1 {
                    "a key"
                } else {
                    "keys"
                },
                self.root.join(".cargo/config.toml").display(),
                conflicts.join("; "),
                if conflicts.len() == 1 { "it" } else { "them" },
            );
        }
        Ok(doc.to_string())
    }

    /// `rust-toolchain.toml` with each target's standard library; a new one
    /// pins the template's toolchain.
    fn toolchain_text(&self, template: &Workspace, targets: &[&TargetSpec]) -> Result<String> {
        if self.root.join("rust-toolchain").exists() {
            bail!(
                "{} has a rust-toolchain file without .toml; rename it to rust-toolchain.toml \
                 (the same contents, in TOML) so init can add the targets' standard libraries.",
                self.root.display()
            );
        }
        let mut doc = match self.text_of("rust-toolchain.toml") {
            Some(_) => self.document("rust-toolchain.toml")?,
            None => {
                let ours = template.config.root.join("rust-toolchain.toml");
                let mut doc: DocumentMut = std::fs::read_to_string(&ours)?.parse()?;
                doc["toolchain"]["targets"] = value(Array::new());
                doc
            }
        };
        let toolchain = doc
            .entry("toolchain")
            .or_insert_with(|| Item::Table(Table::new()))
            .as_table_mut()
            .context("`toolchain` in rust-toolchain.toml is not a table")?;
        if let Some(channel) = toolchain.get("channel").and_then(Item::as_str) {
            check_pinned_toolchain(channel, env!("CARGO_PKG_RUST_VERSION"))?;
        }
        let listed = toolchain
            .entry("targets")
            .or_insert_with(|| value(Array::new()))
            .as_array_mut()
            .context("`toolchain.targets` in rust-toolchain.toml is not a list")?;
        for spec in targets {
            if !listed
                .iter()
                .any(|triple| triple.as_str() == Some(spec.triple))
            {
                listed.push(spec.triple);
            }
        }
        Ok(doc.to_string())
    }
}

/// Refuses a project whose rust-toolchain.toml pins Rust older than
/// `needed`, the xtask's `rust-version`: every `cargo xtask` there would
/// fail to compile it. Channels that are not a version (`stable`, a
/// dated nightly) pass.
fn check_pinned_toolchain(channel: &str, needed: &str) -> Result<()> {
    let version = |text: &str| -> Option<(u32, u32)> {
        let mut parts = text.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some((major, minor))
    };
    let (Some(pinned), Some(wanted)) = (version(channel), version(needed)) else {
        return Ok(());
    };
    if pinned >= wanted {
        return Ok(());
    }
    bail!(
        "rust-toolchain.toml pins Rust {channel}, and the xtask init would install needs Rust \
         {needed} or newer (its rust-version: its dependencies and language need it), so no \
         `cargo xtask` command could run there. Raise `channel` in rust-toolchain.toml to \
         \"{needed}\" or newer, then run init again; nothing was written. (`cargo +stable \
         xtask` would start it, but rustup then hands stable to every cargo the xtask runs, so \
         the release would not be built with the pinned {channel}.)"
    )
}

/// Writes `fill` into the package manifest `doc`.
fn write_fill(doc: &mut DocumentMut, fill: &Fill) -> Result<()> {
    let (tool, key, item) = match fill {
        Fill::Maintainer { maintainer, .. } => ("deb", "maintainer", value(maintainer.as_str())),
        Fill::SmokeRunOff { .. } => {
            let mut skip = toml_edit::InlineTable::new();
            skip.insert("skip", fields::SMOKE_RUN_SKIPPED.into());
            ("dist", "smoke-run", value(skip))
        }
        Fill::Generate { bin, kinds, .. } => ("dist", "generate", generate_table(bin, kinds)),
    };
    let table = doc["package"]
        .as_table_mut()
        .context("`package` in Cargo.toml is not a table")?
        .entry("metadata")
        .or_insert_with(implicit_table)
        .as_table_mut()
        .context("`package.metadata` in Cargo.toml is not a table")?
        .entry(tool)
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .with_context(|| format!("`package.metadata.{tool}` in Cargo.toml is not a table"))?;
    table.insert(key, item);
    Ok(())
}

/// `[package.metadata.dist.generate]` with the usual arguments for each of
/// `kinds`, and a comment that says where they came from.
fn generate_table(bin: &str, kinds: &[&str]) -> Item {
    let mut table = Table::new();
    table.decor_mut().set_prefix(format!(
        "\n# The documents the packaging assets name, which `{bin}` prints (written by \
         `cargo xtask init`,\n# which guessed the usual arguments: check them).\n"
    ));
    for kind in kinds {
        let usual = crate::formats::docs::PRINTED
            .iter()
            .find(|(known, ..)| known == kind)
            .map(|(.., usual)| *usual)
            .unwrap_or_default();
        table.insert(kind, value(usual.iter().copied().collect::<Array>()));
    }
    Item::Table(table)
}

fn implicit_table() -> Item {
    let mut table = Table::new();
    table.set_implicit(true);
    Item::Table(table)
}

/// The project's release profile, stripped and without debug info: the
/// header checks require a stripped binary, and a release profile with
/// `debug = 1` (ripgrep's) would leave `.debug_gdb_scripts` in it.
fn dist_profile() -> Table {
    let mut table = Table::new();
    table.decor_mut().set_prefix(
        "\n# What `cargo xtask dist` builds releases with: the project's own release\n\
         # profile, without debug info and stripped (added by `cargo xtask init`).\n",
    );
    table.insert("inherits", value("release"));
    table.insert("debug", value(false));
    table.insert("strip", value(true));
    table
}

/// The template's `[profile.dev.package]` settings (the xtask built
/// without debug info, its compression and hashing crates optimized)
/// that the project does not set itself.
fn add_template_dev_settings(doc: &mut DocumentMut, template: &Workspace) -> Result<()> {
    let ours: DocumentMut =
        std::fs::read_to_string(template.config.root.join("Cargo.toml"))?.parse()?;
    let Some(settings) = ours
        .get("profile")
        .and_then(|p| p.get("dev"))
        .and_then(|d| d.get("package"))
        .and_then(Item::as_table)
    else {
        return Ok(());
    };
    let profiles = doc["profile"].as_table_mut().context("a profile table")?;
    let dev = profiles
        .entry("dev")
        .or_insert_with(implicit_table)
        .as_table_mut()
        .context("`profile.dev` in Cargo.toml is not a table")?;
    let packages = dev
        .entry("package")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .context("`profile.dev.package` in Cargo.toml is not a table")?;
    for (crate_name, setting) in settings.iter() {
        if !packages.contains_key(crate_name) {
            packages.insert(crate_name, setting.clone());
        }
    }
    Ok(())
}

/// What the file writes cannot do: the scripts' executable bits, the
/// removal of files the template no longer has, and Cargo.lock's entries
/// for the xtask's dependencies.
fn finish_files(
    project: &Project,
    files: &[TemplateFile],
    changes: &[(String, Change)],
) -> Result<()> {
    for (path, change) in changes {
        let full = project.root.join(path);
        match change {
            Change::Removed => std::fs::remove_file(&full)
                .with_context(|| format!("cannot remove {}", full.display()))?,
            _ => {
                let file = files
                    .iter()
                    .find(|file| &file.path == path)
                    .expect("planned");
                set_executable(&full, file.executable)?;
            }
        }
    }
    let manifest = project.root.join("Cargo.toml");
    let sh = xshell::Shell::new()?;
    cmd!(
        sh,
        "cargo metadata --format-version 1 --manifest-path {manifest}"
    )
    .quiet()
    .ignore_stdout()
    .run()
    .context("cargo could not resolve the xtask's dependencies in the project")
}

#[cfg(unix)]
fn set_executable(path: &Path, executable: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path, _: bool) -> Result<()> {
    Ok(())
}

fn report(
    project: &Project,
    changes: &[(String, Change)],
    edited: &[&str],
    targets: &[&TargetSpec],
) {
    let count = |wanted: Change| changes.iter().filter(|(_, c)| *c == wanted).count();
    let root = project.root.display();
    if edited.is_empty()
        && changes
            .iter()
            .all(|(_, change)| *change == Change::Unchanged)
    {
        progress::summary(format_args!(
            "{root} has the template's machinery already; nothing to change."
        ));
        return;
    }
    progress::summary(format_args!(
        "init {root}: {} files added, {} updated, {} removed, {} unchanged",
        count(Change::Added),
        count(Change::Updated),
        count(Change::Removed),
        count(Change::Unchanged)
    ));
    for (path, change) in changes {
        match change {
            Change::Updated => progress::summary(format_args!("  updated  {path}")),
            Change::Removed => progress::summary(format_args!("  removed  {path}")),
            _ => {}
        }
    }
    for file in edited {
        progress::summary(format_args!("  edited   {file}"));
    }
    let triples: Vec<&str> = targets.iter().map(|spec| spec.triple).collect();
    progress::summary(format_args!("targets: {}", triples.join(", ")));
    progress::summary(format_args!(
        "next: `cargo xtask doctor`, then `cargo xtask dist` in {root}"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toolchain_pinned_below_the_xtasks_rust_version_is_refused() {
        let err = check_pinned_toolchain("1.78", "1.88")
            .unwrap_err()
            .to_string();
        assert!(err.contains("pins Rust 1.78"), "{err}");
        assert!(err.contains("needs Rust 1.88 or newer"), "{err}");
        assert!(err.contains("Raise `channel`"), "{err}");
        assert!(check_pinned_toolchain("1.78.0", "1.88").is_err());
        for fine in [
            "1.88",
            "1.88.0",
            "1.95.0",
            "stable",
            "nightly-2024-05-01",
            "beta",
        ] {
            assert!(check_pinned_toolchain(fine, "1.88").is_ok(), "{fine}");
        }
    }
}
