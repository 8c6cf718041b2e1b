//! `<bin>-installer.sh`: a POSIX sh script that picks this machine's
//! tarball from the release, downloads it with curl or wget, checks it
//! against `SHA256SUMS` (and that file's minisign signature, when the
//! release is signed), and installs the binary into `~/.local/bin` or a
//! folder the user gives. Anything wrong stops it before it installs.
//!
//! The script is a template with the release's facts filled in: the
//! `pick` function's `case` maps `uname -s`/`uname -m`/libc to an artifact
//! name, one line per tarball of a Linux or macOS target.

use std::fmt::Write as _;

use super::{Release, env_prefix};

use crate::release::universal;
use crate::targets::{self, Os};
use crate::vocab::Format;

/// One tarball the script can install: on which `uname -s`, which
/// `uname -m` values, and which libc (`gnu`, `musl`, or `none` on macOS).
struct Choice<'a> {
    os: &'static str,
    machines: Vec<&'static str>,
    libc: &'static str,
    artifact: &'a str,
}

/// The tarballs of `release` the script can install. The universal macOS
/// tarball serves only the Macs no thin tarball serves, so that no `case`
/// pattern shadows another.
fn choices<'a>(release: &Release<'a>) -> Vec<Choice<'a>> {
    let mut choices: Vec<Choice<'a>> = Vec::new();
    let mut universal = None;
    for artifact in release.artifacts {
        if artifact.format != Format::TarGz {
            continue;
        }
        if artifact.target == universal::TARGET {
            universal = Some(&artifact.name);
            continue;
        }
        let Some(spec) = targets::lookup(&artifact.target) else {
            continue;
        };
        let (os, libc) = match (spec.os, spec.static_binary) {
            (Os::Linux, false) => ("Linux", "gnu"),
            (Os::Linux, true) => ("Linux", "musl"),
            (Os::Darwin, _) => ("Darwin", "none"),
            (Os::FreeBsd, _) => ("FreeBSD", "none"),
            _ => continue,
        };
        choices.push(Choice {
            os,
            machines: spec.uname_machines.to_vec(),
            libc,
            artifact: &artifact.name,
        });
    }
    if let Some(artifact) = universal {
        let served = |machine: &str| {
            choices
                .iter()
                .any(|choice| choice.os == "Darwin" && choice.machines.contains(&machine))
        };
        let machines: Vec<&'static str> = ["arm64", "x86_64"]
            .into_iter()
            .filter(|machine| !served(machine))
            .collect();
        if !machines.is_empty() {
            choices.push(Choice {
                os: "Darwin",
                machines,
                libc: "none",
                artifact,
            });
        }
    }
    choices
}

/// Whether the release has a tarball the script could install.
pub fn serves(release: &Release<'_>) -> bool {
    !choices(release).is_empty()
}

/// The artifact names the script can download.
pub(super) fn referenced(script: &str) -> Vec<String> {
    script
        .lines()
        .filter_map(|line| line.trim().split_once(") echo '"))
        .filter_map(|(_, rest)| rest.split_once('\''))
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// The script for `release`.
pub fn script(release: &Release<'_>) -> String {
    let mut cases = String::new();
    for choice in choices(release) {
        let patterns: Vec<String> = choice
            .machines
            .iter()
            .map(|machine| format!("{}/{machine}/{}", choice.os, choice.libc))
            .collect();
        let _ = writeln!(
            cases,
            "        {}) echo {} ;;",
            patterns.join(" | "),
            quoted(choice.artifact)
        );
    }
    // Values reach the script's code only as single-quoted words, which
    // the shell takes literally: a base URL with `$(…)`, a quote or a
    // backtick in it stays text. The comment lines show them bare;
    // `Config` refuses line breaks, the one thing that could end a comment.
    let prefix = env_prefix(release.name);
    let minisign_key = release.minisign_public_key.as_deref().unwrap_or_default();
    // A package of several binaries installs each in turn; the script and
    // its messages are named after the package.
    let install = match release.bins {
        [_] => INSTALL_ONE.to_owned(),
        bins => bins
            .iter()
            .map(|bin| format!("BIN={}\n{INSTALL_ONE}", quoted(bin)))
            .collect(),
    };
    TEMPLATE
        .replace("@INSTALL@", &install)
        .replace("@BIN_WORD@", &quoted(release.name))
        .replace("@VERSION_WORD@", &quoted(release.version))
        .replace("@BASE_URL_WORD@", &quoted(&release.base_url))
        .replace("@MINISIGN_KEY_WORD@", &quoted(minisign_key))
        .replace("@BIN@", release.name)
        .replace("@VERSION@", release.version)
        .replace("@BASE_URL@", &release.base_url)
        .replace("@PREFIX@", &prefix)
        .replace("@CASES@\n", &cases)
}

/// The lines that install the binary `$BIN` from the unpacked tarball.
const INSTALL_ONE: &str = r#"binary="$tmp/${artifact%.tar.gz}/$BIN"
[ -f "$binary" ] || fail "$artifact does not hold ${artifact%.tar.gz}/$BIN"
mkdir -p "$INSTALL_DIR" || fail "cannot create $INSTALL_DIR; choose another folder with --prefix"
cp "$binary" "$INSTALL_DIR/.$BIN.partial" || fail "cannot write to $INSTALL_DIR; choose another folder with --prefix"
chmod 755 "$INSTALL_DIR/.$BIN.partial"
mv -f "$INSTALL_DIR/.$BIN.partial" "$INSTALL_DIR/$BIN"
say "installed $BIN $VERSION to $INSTALL_DIR/$BIN"
"#;

/// `text` as one single-quoted sh word: taken literally, `'` spelled `'\''`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

const TEMPLATE: &str = r#"#!/bin/sh
# Installs @BIN@ @VERSION@: picks the build for this machine from the
# release, checks its SHA-256 against the release's SHA256SUMS (and, if the
# release is signed, that file's minisign signature), and copies @BIN@
# into ~/.local/bin, or the folder given with --prefix.
#
#   curl -fsSL @BASE_URL@/@BIN@-installer.sh | sh
#   sh @BIN@-installer.sh --prefix /usr/local/bin
#
# Environment:
#   @PREFIX@_INSTALL_DIR        where to install (same as --prefix)
#   @PREFIX@_INSTALL_BASE_URL   where the release's files are, instead of
#                               @BASE_URL@
#   @PREFIX@_INSTALL_SKIP_SIGNATURE=1  install a signed release on a machine
#                               without minisign (SHA-256 is still checked)
#
# Generated by `cargo xtask dist`. Nothing is installed unless every check
# passes.
set -eu

BIN=@BIN_WORD@
VERSION=@VERSION_WORD@
# The URL is literal text, even where it holds a `$` or a backtick.
# shellcheck disable=SC2016
RELEASE_BASE_URL=@BASE_URL_WORD@
BASE_URL="${@PREFIX@_INSTALL_BASE_URL:-$RELEASE_BASE_URL}"
INSTALL_DIR="${@PREFIX@_INSTALL_DIR:-${HOME:-}/.local/bin}"
MINISIGN_KEY=@MINISIGN_KEY_WORD@

say() {
    printf '%s\n' "$BIN installer: $*" >&2
}

fail() {
    say "error: $*"
    exit 1
}

usage() {
    printf '%s\n' "usage: sh $BIN-installer.sh [--prefix DIR]" \
        "Installs $BIN $VERSION into DIR (default: ~/.local/bin)."
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)
            [ $# -ge 2 ] || fail "--prefix needs a folder"
            INSTALL_DIR="$2"
            shift 2
            ;;
        --prefix=*)
            INSTALL_DIR="${1#--prefix=}"
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) fail "unknown option $1 (see --help)" ;;
    esac
done
[ -n "$INSTALL_DIR" ] || fail "no folder to install into: set HOME or use --prefix DIR"

# The release's tarball for an OS, machine and libc, or nothing.
pick() {
    case "$1/$2/$3" in
@CASES@
    esac
}

# Whether this Linux system's C library is musl rather than glibc.
is_musl() {
    for loader in /lib/ld-musl-*; do
        [ -e "$loader" ] && return 0
    done
    ldd --version 2>&1 | grep -qi musl
}

download() {
    if command -v curl >/dev/null 2>&1; then
        curl --fail --silent --show-error --location --output "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget --quiet --output-document="$2" "$1"
    else
        fail "neither curl nor wget is installed; install one and run this again"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    else
        fail "neither sha256sum nor shasum is installed, so the download cannot be checked"
    fi
}

os=$(uname -s)
machine=$(uname -m)
libc=none
if [ "$os" = Linux ]; then
    if is_musl; then libc=musl; else libc=gnu; fi
fi
artifact=$(pick "$os" "$machine" "$libc")
if [ -z "$artifact" ] && [ "$libc" = gnu ]; then
    # A static musl build runs on a glibc system too.
    artifact=$(pick "$os" "$machine" musl)
fi
if [ -z "$artifact" ]; then
    fail "$BIN $VERSION has no build for $os on $machine ($libc). The release's files are listed at $BASE_URL/SHA256SUMS; build from source with cargo if none fits."
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

say "downloading $artifact from $BASE_URL"
download "$BASE_URL/SHA256SUMS" "$tmp/SHA256SUMS" ||
    fail "could not download $BASE_URL/SHA256SUMS; check the address and your connection"
if [ -n "$MINISIGN_KEY" ]; then
    if command -v minisign >/dev/null 2>&1; then
        download "$BASE_URL/SHA256SUMS.minisig" "$tmp/SHA256SUMS.minisig" ||
            fail "could not download $BASE_URL/SHA256SUMS.minisig, the release's signature"
        minisign -V -q -P "$MINISIGN_KEY" -m "$tmp/SHA256SUMS" -x "$tmp/SHA256SUMS.minisig" ||
            fail "SHA256SUMS does not carry a valid signature from the release key; nothing was installed"
    elif [ "${@PREFIX@_INSTALL_SKIP_SIGNATURE:-}" = 1 ]; then
        say "minisign is not installed: checking SHA-256 only, not the release's signature"
    else
        fail "this release is signed, and checking the signature needs minisign (https://jedisct1.github.io/minisign/); install it, or set @PREFIX@_INSTALL_SKIP_SIGNATURE=1 to check SHA-256 only"
    fi
fi
download "$BASE_URL/$artifact" "$tmp/$artifact" ||
    fail "could not download $BASE_URL/$artifact; the release may not have finished publishing"
expected=$(awk -v name="$artifact" '$2 == name { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS does not list $artifact"
actual=$(sha256_of "$tmp/$artifact")
[ "$actual" = "$expected" ] ||
    fail "$artifact has SHA-256 $actual, but SHA256SUMS says $expected; nothing was installed"

tar -xzf "$tmp/$artifact" -C "$tmp" || fail "$artifact is not a readable tar.gz"
@INSTALL@case ":${PATH:-}:" in
    *":$INSTALL_DIR:"*) ;;
    *) say "$INSTALL_DIR is not on your PATH; add it to run $BIN by name" ;;
esac
"#;
