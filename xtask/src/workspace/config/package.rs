//! The shipped package: what `cargo metadata` says of it, its release
//! build's settings (`[package.metadata.dist]`), and its
//! `[package.metadata.deb]` and `.generate-rpm]` tables.

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::features::Features;
use super::generate::Generate;
use super::kinds::Kind;
use super::smoke::SmokeRun;
use super::tables::{DistTable, MetadataPackage, PackageTable};
use crate::formats::program::Program;
use crate::util::suggest::did_you_mean;

/// The shipped package, as cargo resolves its manifest: what its formats
/// are told of it ([`Program`], which it derefs to: `package.name`,
/// `package.bins`, …), and how its release is built.
#[derive(Debug)]
pub struct Package {
    /// Its name, binaries, version, description, license, authors, URLs,
    /// folder and packaging tables: the binaries are every `[[bin]]`, or
    /// those `[workspace.metadata.dist.bins]` names, in the package's order.
    pub program: Program,
    /// The features its release build turns on.
    pub features: Features,
    /// How dist smoke-runs its binaries.
    pub smoke_run: SmokeRun,
    /// The commands of its binaries that print man pages and completions.
    pub generate: Generate,
    /// What it is: a program, firmware (`[workspace.metadata.dist.firmware]`)
    /// or a web package (`.web]`), each built only for its own targets.
    pub kind: Kind,
}

impl std::ops::Deref for Package {
    type Target = Program;

    fn deref(&self) -> &Program {
        &self.program
    }
}

impl Package {
    /// The package as `cargo metadata` describes it, shipping the binaries
    /// `narrowed` names (`[workspace.metadata.dist.bins]`), or every one,
    /// built as `dist` (`[workspace.metadata.dist]`) and `own` (its
    /// `[package.metadata.dist]`) say.
    pub(super) fn from_metadata(
        package: &MetadataPackage,
        narrowed: Option<&[String]>,
        dist: &DistTable,
        own: PackageTable,
        kind: Kind,
    ) -> Result<Package> {
        let name = package.name.clone();
        let bins = match kind {
            Kind::Web => vec![web_module(package)?.to_owned()],
            _ => shipped_bins(&name, &binaries(package)?, narrowed)?,
        };
        let tool_table = |key: &str| {
            package
                .table(key)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let generate = Generate::from_setting(own.generate.as_ref(), &name)?;
        let features = Features::of_package(dist.feature_keys(), own.feature_keys(), package)?;
        let smoke_run = SmokeRun::from_setting(own.smoke_run.as_ref(), &name)?;
        let program = Program {
            generated: generate.outputs(&bins),
            bins,
            version: package.version.clone(),
            description: package.description.clone(),
            license: package.license.clone(),
            authors: package.authors.clone(),
            homepage: package.homepage.clone(),
            repository: package.repository.clone(),
            dir: package
                .manifest_path
                .parent()
                .context("a manifest path has a folder")?
                .to_owned(),
            deb: tool_table("deb"),
            generate_rpm: tool_table("generate-rpm"),
            pkg_identifier: own.pkg_identifier,
            name: name.clone(),
        };
        Ok(Package {
            program,
            features,
            smoke_run,
            generate,
            kind,
        })
    }
}

/// The names of `package`'s binaries, of which it must have one.
fn binaries(package: &MetadataPackage) -> Result<Vec<&str>> {
    let all: Vec<&str> = package.targets_of_kind("bin").collect();
    if all.is_empty() {
        bail!(
            "package `{}` has no binary to ship. Give it a src/main.rs or a [[bin]] \
             target, or take it out of `packages` in [workspace.metadata.dist].",
            package.name
        );
    }
    Ok(all)
}

/// The name of a web package's WebAssembly module: its library, which must
/// be a cdylib (what rustc makes a `.wasm` module of).
fn web_module(package: &MetadataPackage) -> Result<&str> {
    package.targets_of_kind("cdylib").next().with_context(|| {
        format!(
            "package `{}` is named in [workspace.metadata.dist.web], but its library is not \
             a cdylib, so no .wasm module is built for wasm-bindgen to read. Add `[lib] \
             crate-type = [\"cdylib\", \"rlib\"]` to its Cargo.toml.",
            package.name
        )
    })
}

/// The binaries `narrowed` (`[workspace.metadata.dist.bins]` of package
/// `name`) lists, in the package's own order, or `all` of them.
fn shipped_bins(name: &str, all: &[&str], narrowed: Option<&[String]>) -> Result<Vec<String>> {
    let bins = match narrowed {
        None => all.iter().map(|bin| (*bin).to_owned()).collect(),
        Some([]) => bail!(
            "[workspace.metadata.dist.bins] `{name}` must be a list of some of its binaries, \
             like [\"{}\"]; it is empty.",
            all[0]
        ),
        Some(listed) => {
            let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
            for bin in &listed {
                if !all.contains(bin) {
                    bail!(
                        "[workspace.metadata.dist.bins] lists `{bin}` for package `{name}`, \
                         which has no such binary. {}Its binaries: {}.",
                        did_you_mean(bin, all),
                        all.join(", ")
                    );
                }
            }
            // In the package's own order, so the list's order does not matter.
            all.iter()
                .filter(|bin| listed.contains(bin))
                .map(|bin| (*bin).to_owned())
                .collect()
        }
    };
    Ok(bins)
}

impl Package {
    /// What its artifacts are named after: its binary, if it ships one,
    /// else the package (`app-1.0-<target>.tar.gz`, `app-installer.sh`).
    pub fn artifact_name(&self) -> &str {
        match self.bins.as_slice() {
            [bin] => bin,
            _ => &self.name,
        }
    }
}
