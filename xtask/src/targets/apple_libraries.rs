//! What Apple's libraries export, as data: the record in
//! `xtask/apple-frameworks.txt`, which `scripts/apple-frameworks-record`
//! writes from the binding crates on crates.io (core-foundation-sys,
//! security-framework-sys, objc2-foundation, …).
//!
//! Each library has its install name, the versions its load command
//! records, and the symbols and Objective-C classes it exports. dist makes
//! TBD stubs of them when no macOS SDK is set, and checks every symbol a
//! linked macOS binary imports against them.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use anyhow::{Result, bail};

/// The record, as the script wrote it.
const RECORD: &str = include_str!("../../apple-frameworks.txt");

/// One library of the record.
#[derive(Debug)]
pub struct AppleLibrary {
    /// How a crate asks for it: `CoreFoundation` (a framework) or `objc`
    /// (a library, `-lobjc`).
    pub name: &'static str,
    /// Where it is on a Mac, as a binary's load command names it.
    pub install_name: &'static str,
    pub current_version: &'static str,
    pub compatibility_version: &'static str,
    pub symbols: BTreeSet<&'static str>,
    pub objc_classes: Vec<&'static str>,
}

impl AppleLibrary {
    /// A framework (`/System/Library/Frameworks/…`), not a plain library.
    pub fn is_framework(&self) -> bool {
        self.install_name.contains(".framework/")
    }
}

/// Every library of the record, or why the record cannot be read (an
/// adopter owns the copy, and may have edited it).
pub fn libraries() -> Result<&'static [AppleLibrary]> {
    static PARSED: OnceLock<Result<Vec<AppleLibrary>, String>> = OnceLock::new();
    match PARSED.get_or_init(|| read(RECORD)) {
        Ok(libraries) => Ok(libraries),
        Err(why) => bail!("{why}"),
    }
}

/// The libraries of the record `text`, or what is wrong with it and the fix.
fn read(text: &'static str) -> Result<Vec<AppleLibrary>, String> {
    parse(text).map_err(|why| {
        format!(
            "xtask/apple-frameworks.txt, the record of Apple's libraries, {why}. The record is \
             written by scripts/apple-frameworks-record: undo the edit, or run \
             `scripts/apple-frameworks-record > xtask/apple-frameworks.txt`."
        )
    })
}

/// The library a crate's link request names (`framework CoreFoundation`,
/// `library objc`), if the record has it.
pub fn for_request(request: &str) -> Result<Option<&'static AppleLibrary>> {
    by_name(request.rsplit(' ').next().unwrap_or(request))
}

/// The library the record calls `name` (`CoreFoundation`, `objc`).
pub fn by_name(name: &str) -> Result<Option<&'static AppleLibrary>> {
    Ok(libraries()?.iter().find(|library| library.name == name))
}

/// The library at `install_name`, if the record has it.
pub fn by_install_name(install_name: &str) -> Result<Option<&'static AppleLibrary>> {
    Ok(libraries()?
        .iter()
        .find(|library| library.install_name == install_name))
}

/// The record's sections, one per `library` line, or what is wrong with it,
/// by line.
fn parse(text: &'static str) -> Result<Vec<AppleLibrary>, String> {
    let mut libraries: Vec<AppleLibrary> = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let (word, value) = line.split_once(' ').unwrap_or((line, ""));
        if word.is_empty() || word == "#" || word == "from" {
            continue;
        }
        let wrong = |why: &str| format!("has {why} at line {}: `{line}`", at + 1);
        if word == "library" {
            complete(libraries.last()).map_err(|why| wrong(&why))?;
            libraries.push(AppleLibrary {
                name: value,
                install_name: "",
                current_version: "",
                compatibility_version: "",
                symbols: BTreeSet::new(),
                objc_classes: Vec::new(),
            });
            continue;
        }
        let library = libraries
            .last_mut()
            .ok_or_else(|| wrong("an entry before the first `library` line"))?;
        match word {
            "install-name" if value.starts_with('/') => library.install_name = value,
            "current-version" if is_version(value) => library.current_version = value,
            "compatibility-version" if is_version(value) => library.compatibility_version = value,
            // `symbol <name> <the crates that declare it>`
            "symbol" if value.starts_with('_') => {
                library
                    .symbols
                    .insert(value.split(' ').next().unwrap_or(value));
            }
            "objc-class" if !value.is_empty() => library.objc_classes.push(value),
            "install-name"
            | "current-version"
            | "compatibility-version"
            | "symbol"
            | "objc-class" => return Err(wrong(&format!("a malformed `{word}`"))),
            _ => return Err(wrong("a line of no kind it knows")),
        }
    }
    complete(libraries.last()).map_err(|why| format!("has {why} at its end"))?;
    Ok(libraries)
}

/// Whether `library`, its section read, has what a stub needs.
fn complete(library: Option<&AppleLibrary>) -> Result<(), String> {
    let Some(library) = library else {
        return Ok(());
    };
    let lacks = [
        ("install-name", library.install_name),
        ("current-version", library.current_version),
        ("compatibility-version", library.compatibility_version),
    ]
    .into_iter()
    .find(|(_, value)| value.is_empty());
    match lacks {
        Some((key, _)) => Err(format!("a library, {}, without its `{key}`", library.name)),
        None => Ok(()),
    }
}

/// `1971`, `1.2` or `1.2.3`: a Mach-O dylib version.
fn is_version(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_covers_the_frameworks_popular_crates_link() {
        for (request, symbol) in [
            ("framework CoreFoundation", "_CFTimeZoneCopySystem"),
            ("framework Security", "_SecItemCopyMatching"),
            (
                "framework SystemConfiguration",
                "_SCDynamicStoreCopyProxies",
            ),
            ("framework IOKit", "_IOServiceMatching"),
            ("framework CoreServices", "_FSEventStreamCreate"),
            ("framework Foundation", "_NSFoundationVersionNumber"),
            ("library objc", "_objc_msgSend"),
        ] {
            let library = for_request(request)
                .unwrap()
                .unwrap_or_else(|| panic!("{request}"));
            assert!(library.symbols.contains(symbol), "{request}: {symbol}");
            assert!(library.install_name.starts_with('/'), "{request}");
            assert!(!library.compatibility_version.is_empty(), "{request}");
            assert_eq!(
                by_install_name(library.install_name).unwrap().unwrap().name,
                library.name
            );
        }
        assert!(for_request("framework Metal").unwrap().is_none());
        assert!(
            for_request("framework Foundation")
                .unwrap()
                .unwrap()
                .objc_classes
                .contains(&"NSString")
        );
    }

    /// A record edited by hand into something it cannot be is named by
    /// line, with what is wrong.
    #[test]
    fn a_malformed_record_is_named_by_line() {
        let said = read("library X\nsymbols _x\n").unwrap_err();
        assert_eq!(
            said,
            "xtask/apple-frameworks.txt, the record of Apple's libraries, has a line of no kind \
             it knows at line 2: `symbols _x`. The record is written by \
             scripts/apple-frameworks-record: undo the edit, or run \
             `scripts/apple-frameworks-record > xtask/apple-frameworks.txt`."
        );
        let good = "library Y\ninstall-name /usr/lib/libY.dylib\ncurrent-version 1\n\
                    compatibility-version 1\nsymbol _y y-sys\n";
        assert_eq!(parse(good).unwrap()[0].symbols.len(), 1);
        for (text, said) in [
            (
                "symbol _x x-sys\n",
                "an entry before the first `library` line at line 1",
            ),
            (
                "library X\nsymbol _x\n",
                "a library, X, without its `install-name` at its end",
            ),
            (
                "library X\ninstall-name lib\n",
                "a malformed `install-name` at line 2",
            ),
            (
                "library X\ninstall-name /x\ncurrent-version 1\ncompatibility-version one\n",
                "a malformed `compatibility-version` at line 4",
            ),
            (
                "library X\nsymbols _x\n",
                "a line of no kind it knows at line 2",
            ),
            (
                "library X\nlibrary Y\n",
                "a library, X, without its `install-name` at line 2",
            ),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.starts_with(&format!("has {said}")), "{text:?}: {err}");
        }
    }
}
