//! Man pages and shell completions, shipped beside the binary as ripgrep and
//! fd ship theirs.
//!
//! The shipped package's build script writes them from the program's own
//! CLI definition (this template's `app/build.rs` uses clap_mangen and
//! clap_complete), into its `OUT_DIR`:
//!
//! - `man/<page>.<section>`: man pages, any number;
//! - `completions/<bin>.bash`, `completions/_<bin>`, `completions/<bin>.fish`,
//!   for each binary of the package.
//!
//! What is there ships; a program whose build script writes none of them
//! ships without. Archives carry them in `man/` and `completions/` beside the
//! binary; the .deb and .rpm install them where each distribution's shells
//! and `man` look.

use std::path::Path;

use anyhow::{Context, Result};

use crate::formats::archive::{self, Entry};

/// The documents a program can print itself (`generate` in its
/// configuration): `(kind, before, after, usual arguments)`, where the
/// file ships as `before` + the binary's name + `after` (`rg.1`, `_rg`),
/// and the usual arguments are ripgrep's, which clap-based programs often
/// copy.
pub const PRINTED: [(&str, &str, &str, [&str; 2]); 4] = [
    ("man", "", ".1", ["--generate", "man"]),
    ("bash", "", ".bash", ["--generate", "complete-bash"]),
    ("zsh", "_", "", ["--generate", "complete-zsh"]),
    ("fish", "", ".fish", ["--generate", "complete-fish"]),
];

/// The name the printed document `kind` ships as, for the binary `bin`.
pub fn printed_file_name(kind: &str, bin: &str) -> Option<String> {
    let (_, before, after, _) = PRINTED.iter().find(|(known, ..)| *known == kind)?;
    Some(format!("{before}{bin}{after}"))
}

/// Which printed document of which of `bins` a file called `file_name`
/// would be, if any: `rg.1` is `rg`'s man page.
pub fn printed_kind<'a>(file_name: &str, bins: &'a [String]) -> Option<(&'static str, &'a str)> {
    bins.iter().find_map(|bin| {
        PRINTED.iter().find_map(|(kind, ..)| {
            (printed_file_name(kind, bin).as_deref() == Some(file_name))
                .then_some((*kind, bin.as_str()))
        })
    })
}

/// The shells completions are shipped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    /// The file name clap_complete gives it, which is also its name in an
    /// archive's `completions/` folder.
    pub fn file_name(self, bin: &str) -> String {
        match self {
            Shell::Bash => format!("{bin}.bash"),
            Shell::Zsh => format!("_{bin}"),
            Shell::Fish => format!("{bin}.fish"),
        }
    }

    /// Where a system package installs it: each shell's folder for
    /// completions that packages provide. zsh's differs between Debian
    /// (`vendor-completions`) and Fedora (`site-functions`).
    fn installed_path(self, bin: &str, distro: Distro) -> String {
        match (self, distro) {
            (Shell::Bash, _) => format!("/usr/share/bash-completion/completions/{bin}"),
            (Shell::Zsh, Distro::Debian) => format!("/usr/share/zsh/vendor-completions/_{bin}"),
            (Shell::Zsh, Distro::Fedora) => format!("/usr/share/zsh/site-functions/_{bin}"),
            (Shell::Fish, _) => format!("/usr/share/fish/vendor_completions.d/{bin}.fish"),
        }
    }
}

/// The family of distributions a package is for, where their paths differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distro {
    Debian,
    Fedora,
}

/// The man pages and completions of one package's build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// `(file name, roff source)`, e.g. `("app.1", …)`, sorted by name.
    pub man_pages: Vec<(String, Vec<u8>)>,
    /// `(binary, shell, script)`: the completion scripts there are, by
    /// binary in the package's order, then in the order of [`Shell::ALL`].
    pub completions: Vec<(String, Shell, Vec<u8>)>,
}

impl Docs {
    /// What the build script wrote into `out_dir` for the binaries `bins`;
    /// nothing when the package has no build script (`None`) or wrote none.
    pub fn read(out_dir: Option<&Path>, bins: &[String]) -> Result<Docs> {
        let mut docs = Docs::default();
        let Some(out_dir) = out_dir else {
            return Ok(docs);
        };
        let man = out_dir.join("man");
        if man.is_dir() {
            for entry in
                std::fs::read_dir(&man).with_context(|| format!("cannot list {}", man.display()))?
            {
                let path = entry?.path();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if man_section(&name).is_some() {
                    let page = std::fs::read(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    docs.man_pages.push((name.into_owned(), page));
                }
            }
        }
        docs.man_pages.sort();
        for bin in bins {
            for shell in Shell::ALL {
                let path = out_dir.join("completions").join(shell.file_name(bin));
                if path.is_file() {
                    let script = std::fs::read(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    docs.completions.push((bin.clone(), shell, script));
                }
            }
        }
        Ok(docs)
    }

    /// These, with the files the binaries printed themselves (see
    /// `binary/generated_docs.rs`) in place of any of the same name.
    pub fn with_printed(mut self, printed: &[(String, &str, Vec<u8>)]) -> Docs {
        if printed.is_empty() {
            return self;
        }
        for (bin, kind, bytes) in printed {
            let shell = match *kind {
                "bash" => Shell::Bash,
                "zsh" => Shell::Zsh,
                "fish" => Shell::Fish,
                _ => {
                    let page = format!("{bin}.1");
                    self.man_pages.retain(|(name, _)| *name != page);
                    self.man_pages.push((page, bytes.clone()));
                    continue;
                }
            };
            self.completions
                .retain(|(owner, known, _)| (owner, *known) != (bin, shell));
            self.completions.push((bin.clone(), shell, bytes.clone()));
        }
        self.man_pages.sort();
        self.completions.sort_by_key(|(bin, shell, _)| {
            let order = Shell::ALL.iter().position(|known| known == shell);
            (bin.clone(), order)
        });
        self
    }

    /// Whether `bin` has a man page (`<bin>.<section>`) or a completion.
    pub fn covers(&self, bin: &str) -> bool {
        let page = |name: &String| name.rsplit_once('.').is_some_and(|(stem, _)| stem == bin);
        self.man_pages.iter().any(|(name, _)| page(name))
            || self.completions.iter().any(|(owner, ..)| owner == bin)
    }

    /// The entries an archive holds under its folder `stem`: `man/` and
    /// `completions/`, as written.
    pub fn archive_entries(&self, stem: &str) -> Vec<Entry> {
        let mut entries = Vec::new();
        if !self.man_pages.is_empty() {
            entries.push(Entry::dir(format!("{stem}/man")));
        }
        for (name, page) in &self.man_pages {
            entries.push(Entry::file(format!("{stem}/man/{name}"), page.clone()));
        }
        if !self.completions.is_empty() {
            entries.push(Entry::dir(format!("{stem}/completions")));
        }
        for (bin, shell, script) in &self.completions {
            entries.push(Entry::file(
                format!("{stem}/completions/{}", shell.file_name(bin)),
                script.clone(),
            ));
        }
        entries
    }

    /// The files a system package installs, as absolute paths: man pages
    /// gzipped (`gzip -9n`, as Debian policy asks) under
    /// `/usr/share/man/man<section>/`, completions where `distro`'s shells
    /// look.
    pub fn installed_files(&self, distro: Distro) -> Result<Vec<(String, Vec<u8>)>> {
        let mut files = Vec::new();
        for (name, page) in &self.man_pages {
            let section = man_section(name).expect("only pages with a section are read");
            files.push((
                format!("/usr/share/man/man{section}/{name}.gz"),
                archive::gzip_best(page)?,
            ));
        }
        for (bin, shell, script) in &self.completions {
            files.push((shell.installed_path(bin, distro), script.clone()));
        }
        Ok(files)
    }
}

/// The section of a man page's file name (`app.1` → `1`): its extension,
/// when that is a section number.
fn man_section(name: &str) -> Option<char> {
    let (stem, section) = name.rsplit_once('.')?;
    let mut chars = section.chars();
    match (chars.next(), chars.next()) {
        (Some(digit @ '1'..='9'), None) if !stem.is_empty() => Some(digit),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_man_pages_and_completions_and_ignores_the_rest() {
        let dir = crate::util::tempdir::TempDir::new().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("man")).unwrap();
        std::fs::create_dir_all(out.join("completions")).unwrap();
        for (path, text) in [
            ("man/tool.1", "page"),
            ("man/tool-sub.1", "sub"),
            ("man/notes.txt", "not a page"),
            ("completions/tool.bash", "bash"),
            ("completions/tool.fish", "fish"),
            ("completions/other.bash", "another program's"),
        ] {
            std::fs::write(out.join(path), text).unwrap();
        }
        let bins = ["tool".to_owned()];
        let docs = Docs::read(Some(out), &bins).unwrap();
        let pages: Vec<&str> = docs.man_pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(pages, ["tool-sub.1", "tool.1"]);
        let shells: Vec<Shell> = docs.completions.iter().map(|(_, s, _)| *s).collect();
        assert_eq!(shells, [Shell::Bash, Shell::Fish]);

        assert!(docs.covers("tool") && !docs.covers("other"));
        let installed = docs.installed_files(Distro::Fedora).unwrap();
        let paths: Vec<&str> = installed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/usr/share/man/man1/tool-sub.1.gz",
                "/usr/share/man/man1/tool.1.gz",
                "/usr/share/bash-completion/completions/tool",
                "/usr/share/fish/vendor_completions.d/tool.fish",
            ]
        );
        assert_eq!(Docs::read(None, &bins).unwrap(), Docs::default());
        assert_eq!(
            Docs::read(Some(&out.join("absent")), &bins).unwrap(),
            Docs::default()
        );
    }
}
