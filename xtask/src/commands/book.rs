//! `cargo xtask book`: the reference pages of the book (`docs/`) that the
//! code can write itself, so that they cannot drift from it. The key table
//! comes from the configuration's documented keys
//! ([`keys`]), the command pages from clap,
//! and the target table from the table the xtask reads (`KNOWN_TARGETS`).
//! `--check` writes nothing and fails if a committed page differs, as
//! rust-analyzer's `ensure_file_contents` does; the book's tests run it.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use clap::CommandFactory;

use crate::cli::{BookArgs, Cli};
use crate::targets::{KNOWN_TARGETS, TargetSpec};
use crate::util::atomic;
use crate::workspace::Workspace;
use crate::workspace::config::keys::{self, TABLES};

/// What writes one page.
type Render = fn() -> String;

/// Each generated page, relative to the workspace root, and what writes it.
const PAGES: [(&str, Render); 3] = [
    ("docs/reference/configuration.md", configuration),
    ("docs/reference/commands.md", commands),
    ("docs/reference/targets.md", targets),
];

/// The first lines of every generated page.
const GENERATED: &str =
    "<!-- Written by `cargo xtask book` from the xtask's code; edit the code, not this page. -->\n";

pub fn run(ws: &Workspace, args: &BookArgs) -> Result<()> {
    if !ws.config.root.join("docs/SUMMARY.md").is_file() {
        bail!(
            "this workspace has no book (docs/SUMMARY.md), so there are no reference pages to \
             write. `cargo xtask book` keeps the template's book; a project that brought the \
             machinery in with `init` has the template's book to read instead."
        );
    }
    let mut stale = Vec::new();
    for (page, render) in PAGES {
        let path = ws.config.root.join(page);
        let wanted = render();
        if std::fs::read_to_string(&path).ok().as_deref() == Some(wanted.as_str()) {
            continue;
        }
        if args.check {
            stale.push(page);
        } else {
            atomic::write(&path, wanted.as_bytes())?;
            println!("wrote {page}");
        }
    }
    if !stale.is_empty() {
        bail!(
            "{} differ from what the code produces (or are missing). Run `cargo xtask book` \
             and commit the pages it writes.",
            stale.join(", ")
        );
    }
    Ok(())
}

/// A table cell: one line, with `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The configuration reference: every key of every table.
fn configuration() -> String {
    let mut page = format!(
        "{GENERATED}\n# Configuration keys\n\n\
         Every key the xtask reads, table by table, with its type, its default and the page that \
         explains it. A key that is not here is refused, with the nearest known key; a key here \
         with a value of the wrong shape is refused with what to write. Cargo's own fields \
         (`name`, `version`, `description`, `license`, `authors`, `homepage`, `repository`) are \
         read as cargo resolves them, workspace inheritance included.\n"
    );
    for table in TABLES {
        let _ = write!(
            page,
            "\n## `{}`\n\n{}\n\n| key | type | default | meaning |\n|---|---|---|---|\n",
            table.name, table.about
        );
        for key in table.keys {
            let _ = writeln!(
                page,
                "| `{}` | {} | {} | {} ([more]({})) |",
                key.name,
                cell(key.kind),
                cell(key.default),
                cell(key.meaning),
                relative_to_reference(key.page)
            );
        }
    }
    page.push_str(
        "\n## cargo-dist's keys\n\n\
         A project configured for cargo-dist keeps its configuration. These of cargo-dist's keys \
         mean nothing here: they are read, set aside, and listed once with the reason.\n\n\
         | key | why it is set aside |\n|---|---|\n",
    );
    for (key, why) in keys::ignored_cargo_dist_keys() {
        let _ = writeln!(page, "| `{key}` | {} |", cell(why));
    }
    page
}

/// `page`, relative to `docs/`, as a link from `docs/reference/`.
fn relative_to_reference(page: &str) -> String {
    match page.strip_prefix("reference/") {
        Some(here) => here.to_owned(),
        None => format!("../{page}"),
    }
}

/// The command reference: each subcommand, its synopsis and its options,
/// as clap parses them.
fn commands() -> String {
    let mut cli = Cli::command();
    cli.build();
    let mut page = format!(
        "{GENERATED}\n# Commands\n\n\
         Every command is `cargo xtask <command>`, and `cargo xtask <command> --help` prints \
         what this page says of it. `build`, `test`, `dist` and `ci` install what is missing \
         first unless given `--no-install`.\n"
    );
    for command in cli.get_subcommands() {
        let about = command.get_about().map(|about| about.to_string());
        let usage = command.clone().render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        let _ = write!(
            page,
            "\n## `{}`\n\n{}.\n\n```text\n{usage}\n```\n",
            command.get_name(),
            about.unwrap_or_default()
        );
        options(&mut page, command);
    }
    page
}

/// The table of one command's arguments, if it takes any.
fn options(page: &mut String, command: &clap::Command) {
    let arguments: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
        .collect();
    if arguments.is_empty() {
        return;
    }
    page.push_str("\n| argument | what it does |\n|---|---|\n");
    for arg in arguments {
        let value = arg
            .get_value_names()
            .filter(|_| arg.get_action().takes_values())
            .map(|names| {
                let names: Vec<String> = names.iter().map(|name| format!("<{name}>")).collect();
                names.join(" ")
            })
            .unwrap_or_default();
        let spelled = match arg.get_long() {
            Some(long) if value.is_empty() => format!("--{long}"),
            Some(long) => format!("--{long} {value}"),
            None => value,
        };
        let mut help = arg
            .get_help()
            .map(|help| help.to_string())
            .unwrap_or_default();
        let choices: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|value| format!("`{}`", value.get_name()))
            .collect();
        if !choices.is_empty() {
            let _ = write!(help, " (one of {})", choices.join(", "));
        }
        let _ = writeln!(page, "| `{}` | {} |", cell(&spelled), cell(&help));
    }
}

/// The target table: every row the xtask knows, as it reads them on an
/// x86_64 Linux build machine.
fn targets() -> String {
    let mut page = format!(
        "{GENERATED}\n# Targets\n\n\
         Every target the xtask knows, one row of `KNOWN_TARGETS` \
         (`xtask/src/targets/table.rs`) each, as an x86_64 Linux build machine builds them. \
         `cargo xtask targets --known` prints the same for the machine it runs on and marks the \
         configured ones; `cargo xtask add-target <triple>` configures one. The floor is the \
         oldest glibc or macOS a binary runs on, by default.\n\n\
         | target | runs here | linker | C compiler | floor | Debian, RPM | default formats |\n\
         |---|---|---|---|---|---|---|\n"
    );
    for spec in KNOWN_TARGETS {
        let _ = writeln!(
            page,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            spec.triple,
            spec.runner.kind(),
            cell(&spec.linker.to_string()),
            cell(&spec.c_compiler.to_string()),
            floor(spec),
            architectures(spec),
            spec.default_formats()
                .iter()
                .map(|format| format.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    page
}

/// A target's default floor: `glibc 2.17`, `macOS 11.0`, or `-`.
fn floor(spec: &TargetSpec) -> String {
    match (spec.min_glibc, spec.min_macos) {
        (Some(glibc), _) => format!("glibc {glibc}"),
        (_, Some(macos)) => format!("macOS {macos}"),
        _ => "-".to_owned(),
    }
}

/// A target's Debian and RPM architectures, where it has them.
fn architectures(spec: &TargetSpec) -> String {
    match (spec.debian_arch, spec.rpm_arch) {
        (Some(debian), Some(rpm)) => format!("{debian}, {rpm}"),
        (Some(debian), None) => debian.to_owned(),
        _ => "-".to_owned(),
    }
}
