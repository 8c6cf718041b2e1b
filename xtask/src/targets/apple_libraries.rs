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

/// Every library of the record.
pub fn libraries() -> &'static [AppleLibrary] {
    static PARSED: OnceLock<Vec<AppleLibrary>> = OnceLock::new();
    PARSED.get_or_init(|| parse(RECORD))
}

/// The library a crate's link request names (`framework CoreFoundation`,
/// `library objc`), if the record has it.
pub fn for_request(request: &str) -> Option<&'static AppleLibrary> {
    by_name(request.rsplit(' ').next()?)
}

/// The library the record calls `name` (`CoreFoundation`, `objc`).
pub fn by_name(name: &str) -> Option<&'static AppleLibrary> {
    libraries().iter().find(|library| library.name == name)
}

/// The library at `install_name`, if the record has it.
pub fn by_install_name(install_name: &str) -> Option<&'static AppleLibrary> {
    libraries()
        .iter()
        .find(|library| library.install_name == install_name)
}

/// The record's sections, one per `library` line. A line the format does
/// not have is a bug in the script that wrote it; the unit test reads the
/// committed record, so it cannot ship.
fn parse(text: &'static str) -> Vec<AppleLibrary> {
    let mut libraries: Vec<AppleLibrary> = Vec::new();
    for line in text.lines() {
        let (word, value) = line.split_once(' ').unwrap_or((line, ""));
        if word.is_empty() || word == "#" || word == "from" {
            continue;
        }
        if word == "library" {
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
            .expect("the record starts with a library");
        match word {
            "install-name" => library.install_name = value,
            "current-version" => library.current_version = value,
            "compatibility-version" => library.compatibility_version = value,
            // `symbol <name> <the crates that declare it>`
            "symbol" => {
                library
                    .symbols
                    .insert(value.split(' ').next().unwrap_or(value));
            }
            "objc-class" => library.objc_classes.push(value),
            other => panic!("apple-frameworks.txt: unknown line `{other} {value}`"),
        }
    }
    libraries
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
            let library = for_request(request).unwrap_or_else(|| panic!("{request}"));
            assert!(library.symbols.contains(symbol), "{request}: {symbol}");
            assert!(library.install_name.starts_with('/'), "{request}");
            assert!(!library.compatibility_version.is_empty(), "{request}");
            assert_eq!(
                by_install_name(library.install_name).unwrap().name,
                library.name
            );
        }
        assert!(for_request("framework Metal").is_none());
        assert!(
            for_request("framework Foundation")
                .unwrap()
                .objc_classes
                .contains(&"NSString")
        );
    }
}
