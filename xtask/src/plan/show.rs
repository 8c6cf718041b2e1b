//! The plan as `cargo xtask dist --dry-run` prints it: each target, what
//! runs for it and what it makes, then the release-wide steps.

use std::fmt;

use super::{
    BinaryPlan, BuildStep, Check, PackagePlan, PrintedBy, ReleasePlan, ReleaseStep, TargetPlan,
    Work,
};
use crate::build::cargo::Invocation;

impl fmt::Display for ReleasePlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "release {}, every file dated {} (SOURCE_DATE_EPOCH)",
            self.version, self.source_date_epoch
        )?;
        for target in &self.targets {
            write!(f, "\n{target}")?;
        }
        if !self.printed_docs.is_empty() {
            writeln!(f)?;
        }
        for docs in &self.printed_docs {
            match &docs.by {
                PrintedBy::Target(triple) => writeln!(
                    f,
                    "{}'s man pages and completions: printed by its {triple} binaries",
                    docs.package
                )?,
                PrintedBy::HostBuild(invocation) => writeln!(
                    f,
                    "{}'s man pages and completions: printed by a build for this machine\n  \
                     {invocation}",
                    docs.package
                )?,
            }
        }
        if !self.named_not_built.is_empty() {
            writeln!(
                f,
                "\nnamed but not built, so that no two targets write the same file: {}",
                self.named_not_built.join(", ")
            )?;
        }
        writeln!(f, "\nthen, for the whole release:")?;
        for step in &self.release {
            writeln!(f, "  {step}")?;
        }
        if !self.ignored_keys.is_empty() {
            writeln!(f)?;
        }
        for ignored in &self.ignored_keys {
            writeln!(f, "note: {ignored}")?;
        }
        Ok(())
    }
}

impl fmt::Display for TargetPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.work {
            Work::NotHere { reason } => writeln!(f, "{}: not built here: {reason}", self.target),
            Work::Build {
                system_packages,
                packages,
            } => {
                writeln!(f, "{}:", self.target)?;
                if !system_packages.is_empty() {
                    writeln!(
                        f,
                        "  with apt (dependencies.apt): {}",
                        system_packages.join(", ")
                    )?;
                }
                packages
                    .iter()
                    .try_for_each(|package| write!(f, "{package}"))
            }
        }
    }
}

impl fmt::Display for PackagePlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.build {
            BuildStep::Cargo(invocation) => writeln!(f, "  {}: {invocation}", self.package)?,
            BuildStep::Prebuilt(dir) => writeln!(
                f,
                "  {}: built elsewhere, in {}",
                self.package,
                dir.display()
            )?,
        }
        if let Some(sdk) = &self.stub_sdk {
            writeln!(
                f,
                "    links Apple's {} against stubs made from xtask/apple-frameworks.txt",
                sdk.libraries.join(", ")
            )?;
        }
        for BinaryPlan { name, checks } in &self.binaries {
            let checks: Vec<String> = checks.iter().map(Check::to_string).collect();
            writeln!(f, "    {name}: {}", checks.join(", "))?;
        }
        for artifact in &self.artifacts {
            let signed = if artifact.signed { ", signed" } else { "" };
            writeln!(f, "    -> {}{signed}", artifact.name)?;
        }
        Ok(())
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::StripLocalSymbols => write!(f, "local symbols stripped"),
            Check::AppleImports => write!(f, "imports checked against Apple's libraries"),
            Check::GlibcFloor(floor) => write!(f, "glibc {floor} or newer"),
            Check::MacosFloor(floor) => write!(f, "macOS {floor} or newer"),
            Check::Headers => write!(f, "headers"),
            Check::SmokeRun { runner, args } => {
                write!(f, "smoke run under {runner} with [{}]", args.join(" "))
            }
            Check::SmokeRunSkipped { why } => write!(f, "smoke run skipped ({why})"),
            Check::NoSmokeRun { why } => write!(f, "no smoke run ({why})"),
            Check::Authenticode => write!(f, "signed (Authenticode)"),
            Check::LoadBindingsInNode => write!(f, "bindings loaded in Node.js"),
        }
    }
}

/// `NAME=value …` for the variables it sets, `-NAME` for those it
/// removes, then the command line.
impl fmt::Display for Invocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, value) in &self.env {
            match value {
                Some(value) => write!(f, "{name}={value:?} ")?,
                None => write!(f, "-{name} ")?,
            }
        }
        write!(f, "{}", self.program)?;
        self.args
            .iter()
            .try_for_each(|arg| match arg.contains(' ') {
                true => write!(f, " {arg:?}"),
                false => write!(f, " {arg}"),
            })
    }
}

impl fmt::Display for ReleaseStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let made = |f: &mut fmt::Formatter<'_>| write!(f, " -> {}", self.artifacts().join(", "));
        match self {
            ReleaseStep::Universal2 { package, from, .. } => {
                write!(f, "universal2 of {package}, from {}", from.join(" and "))?;
                made(f)
            }
            ReleaseStep::ContainerImage { from, .. } => {
                write!(f, "container image, from {}", from.join(", "))?;
                made(f)
            }
            ReleaseStep::NoContainerImage { why } => write!(f, "no container image: {why}"),
            ReleaseStep::Installer { package, kind, .. } => {
                write!(f, "{kind} installer of {package}")?;
                made(f)
            }
            ReleaseStep::SignSums { artifact } => write!(f, "SHA256SUMS signed -> {artifact}"),
            ReleaseStep::Publish { files } => {
                write!(
                    f,
                    "published into the output folder, then {}",
                    files.join(" and ")
                )
            }
        }
    }
}
