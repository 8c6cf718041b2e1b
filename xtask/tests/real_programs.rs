//! Real command-line programs from crates.io, fetched by version with
//! cargo and not changed in any way, brought in with `cargo xtask init`,
//! shipped with `dist` and checked with `verify` and the tools a user has:
//!
//! - hexyl: a package at its project's root whose `--version` is
//!   `hexyl 0.17.0`, and whose license is Cargo's old `MIT/Apache-2.0`;
//!   shipped for a glibc, a musl, a Windows and a macOS target;
//! - b3sum: BLAKE3, whose C and assembly objects go through zig for both
//!   macOS targets, then through dist's Mach-O strip and ad hoc signature;
//! - a program of ring 0.17's and zstd's, written here: ring's assembly
//!   makes zig's linker name a local `__thunk` symbol in the indirect
//!   symbol table, which dist's Mach-O strip must keep (it once refused
//!   the binary, and the release failed);
//! - ripgrep: its cargo-deb configuration turns on `pcre2`, which compiles
//!   PCRE2's C; its `--version` prints several lines; and it prints its own
//!   man page and completions (`rg --generate man`), which its cargo-deb
//!   assets name and init tells dist to print.
//!
//! They build in one target folder of their own, so the crates they share
//! are compiled once; they are different packages at different paths, so
//! none can take another's build for its own.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::adoption::succeed;
use support::*;

/// Where the programs build.
fn shared_target_dir() -> PathBuf {
    repo_root().join("target/xtask-test-real-programs")
}

/// The source of `name` at `version`, as crates.io has it, copied from
/// cargo's registry into `into`: `cargo fetch` downloads it as a
/// dependency of a scratch package (cargo ignores a dependency that has
/// no library, but fetches and unpacks it all the same).
fn fetch(name: &str, version: &str, into: &Path) -> PathBuf {
    let fetcher = into.join("fetcher");
    std::fs::create_dir_all(fetcher.join("src")).unwrap();
    std::fs::write(fetcher.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        fetcher.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fetcher\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\n{name} = \"={version}\"\n"
        ),
    )
    .unwrap();
    succeed(cargo_in(&fetcher, &["fetch"]).output().unwrap());
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let source = std::fs::read_dir(cargo_home.join("registry/src"))
        .unwrap()
        .map(|registry| registry.unwrap().path().join(format!("{name}-{version}")))
        .find(|dir| dir.join("Cargo.toml").is_file())
        .unwrap_or_else(|| panic!("cargo fetched no {name} {version}"));
    let project = into.join(name);
    run_in_dir(
        into,
        "cp",
        &["-r", source.to_str().unwrap(), project.to_str().unwrap()],
    );
    project
}

/// `init` of `project` for `targets`, from the template.
fn init(project: &Path, targets: &[&str]) {
    let mut args = vec!["init", project.to_str().unwrap()];
    for target in targets {
        args.extend(["--target", target]);
    }
    succeed(xtask(&repo_root(), &args));
}

/// The xtask in `project`, building into [`shared_target_dir`].
fn in_project(project: &Path, args: &[&str]) -> String {
    let mut command = xtask_command(project, args);
    command.env("CARGO_TARGET_DIR", shared_target_dir());
    succeed(command.output().unwrap())
}

/// `dist` and `verify` of `project`; returns the release folder and what
/// dist printed.
fn ship(project: &Path) -> (PathBuf, String) {
    let out = project.join("release");
    let said = in_project(project, &["dist", "--out", out.to_str().unwrap()]);
    succeed(xtask(project, &["verify", out.to_str().unwrap()]));
    run_in_dir(&out, "sha256sum", &["--check", "--quiet", "SHA256SUMS"]);
    (out, said)
}

/// What `dist` printed, and whether it succeeded.
fn dist_of(project: &Path, args: &[&str]) -> std::process::Output {
    let mut command = xtask_command(project, &[&["dist"], args].concat());
    command.env("CARGO_TARGET_DIR", shared_target_dir());
    command.output().unwrap()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("dist-manifest.json")).unwrap()).unwrap()
}

/// The targets of the manifest's artifacts of `format`.
fn targets_with(out: &Path, format: &str) -> Vec<String> {
    let mut targets: Vec<String> = manifest(out)["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|artifact| artifact["format"] == format)
        .map(|artifact| artifact["target"].as_str().unwrap().to_owned())
        .collect();
    targets.sort();
    targets
}

/// The copyright file of the release's .deb, as dpkg-deb unpacks it.
fn deb_copyright(out: &Path, package: &str) -> String {
    let deb = artifacts_in(out)
        .into_iter()
        .find(|name| name.ends_with(".deb"))
        .expect("a .deb");
    let root = out.join("deb");
    run_in_dir(out, "dpkg-deb", &["-x", &deb, root.to_str().unwrap()]);
    std::fs::read_to_string(root.join(format!("usr/share/doc/{package}/copyright"))).unwrap()
}

/// The SHA-256 of `abc` as Python's hashlib computes it, to hold each
/// program's own crypto stack to.
fn sha256_of_abc() -> String {
    tool_output(Command::new("python3").args([
        "-c",
        "import hashlib; print(hashlib.sha256(b'abc').hexdigest())",
    ]))
}

fn tool_output(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[ignore = "fetches hexyl from crates.io and builds it for four targets; run by `cargo xtask ci`"]
fn hexyl_ships_for_glibc_musl_windows_and_macos() {
    let scratch = Scratch::new("hexyl");
    let project = fetch("hexyl", "0.17.0", scratch.path());
    let targets = [
        "x86_64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "x86_64-pc-windows-gnu",
        "aarch64-apple-darwin",
    ];
    init(&project, &targets);
    let (out, said) = ship(&project);
    assert!(
        said.contains("    hexyl 0.17.0\n"),
        "its own --version passes:\n{said}"
    );
    let mut expected: Vec<String> = targets.iter().map(|t| (*t).to_owned()).collect();
    expected.retain(|t| !t.contains("windows"));
    expected.sort();
    assert_eq!(targets_with(&out, "tar.gz"), expected);
    assert_eq!(targets_with(&out, "zip"), ["x86_64-pc-windows-gnu"]);
    // The .deb installs its license texts, from Cargo's `MIT/Apache-2.0`.
    let copyright = deb_copyright(&out, "hexyl");
    assert!(
        copyright.contains("License: MIT or Apache-2.0"),
        "{copyright}"
    );
    let listing = run_in_dir(
        &out,
        "unzip",
        &["-l", "hexyl-0.17.0-x86_64-pc-windows-gnu.zip"],
    );
    assert!(listing.contains("hexyl.exe"), "{listing}");
    // The macOS installer package, named after hexyl's GitHub repository,
    // installs the same binary into /usr/local/bin (bsdtar reads the xar).
    assert_eq!(targets_with(&out, "pkg"), ["aarch64-apple-darwin"]);
    let pkg = out.join("hexyl-0.17.0-aarch64-apple-darwin.pkg");
    let info = run_in_dir(
        &out,
        "bsdtar",
        &["-xOf", pkg.to_str().unwrap(), "hexyl.pkg/PackageInfo"],
    );
    assert!(
        info.contains("identifier=\"io.github.sharkdp.hexyl\"")
            && info.contains("install-location=\"/usr/local\""),
        "{info}"
    );
}

#[test]
#[ignore = "fetches b3sum from crates.io and builds it for three targets; run by `cargo xtask ci`"]
fn b3sum_with_assembly_ships_stripped_and_signed_for_both_macos_targets() {
    let scratch = Scratch::new("b3sum");
    let project = fetch("b3sum", "1.8.7", scratch.path());
    init(
        &project,
        &[
            "x86_64-unknown-linux-gnu",
            "aarch64-apple-darwin",
            "x86_64-apple-darwin",
        ],
    );
    let (out, said) = ship(&project);
    assert!(said.contains("    b3sum 1.8.7\n"), "{said}");
    assert!(said.contains("stripped"), "the Mach-O strip ran:\n{said}");
    let tarballs = targets_with(&out, "tar.gz");
    assert!(
        tarballs.contains(&"universal2-apple-darwin".to_owned()),
        "{tarballs:?}"
    );
    // BLAKE3's own kernels: its x86_64 assembly, and its NEON C.
    for (triple, kernel) in [
        ("x86_64-apple-darwin", "_blake3_compress_in_place_sse2"),
        ("aarch64-apple-darwin", "_blake3_hash_many_neon"),
    ] {
        let unpacked = out.join(triple);
        std::fs::create_dir_all(&unpacked).unwrap();
        let tarball = out.join(format!("b3sum-1.8.7-{triple}.tar.gz"));
        run_in_dir(&unpacked, "tar", &["-xzf", tarball.to_str().unwrap()]);
        let binary = unpacked.join(format!("b3sum-1.8.7-{triple}/b3sum"));
        // llvm-objdump reads the symbol table as Apple's tools would: the
        // kernel is there, and no local symbol is left.
        let symbols = tool_output(Command::new("llvm-objdump").arg("--syms").arg(&binary));
        assert!(symbols.contains(kernel), "{triple} lacks {kernel}");
        let local: Vec<&str> = symbols
            .lines()
            .filter(|line| line.contains(" l "))
            .collect();
        assert!(local.is_empty(), "{triple} keeps local symbols: {local:?}");
        // Apple silicon runs only signed code; the signature was renewed
        // after the strip (verify has checked it against the pages).
        let commands = tool_output(
            Command::new("llvm-objdump")
                .args(["--macho", "--private-headers"])
                .arg(&binary),
        );
        let signed = commands.contains("LC_CODE_SIGNATURE");
        assert_eq!(signed, triple.starts_with("aarch64"), "{triple}");
    }
    // Its license has an SPDX exception, which the .deb's DEP-5 file spells
    // as Debian does.
    let copyright = deb_copyright(&out, "b3sum");
    assert!(
        copyright.contains("Apache-2.0 with LLVM exception"),
        "{copyright}"
    );
}

/// A program as `cargo new` and `cargo add` make it, with what a release
/// needs (a description, a license and its file, authors, a repository):
/// `name` at `version`, depending on `dependencies` (lines of TOML), with
/// `main` as its src/main.rs. Its lockfile is generated.
fn new_program(
    into: &Path,
    (name, version, description): (&str, &str, &str),
    dependencies: &str,
    main: &str,
) -> PathBuf {
    let project = into.join(name);
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
             license = \"MIT\"\ndescription = \"{description}\"\n\
             authors = [\"{name} makers <{name}@example.com>\"]\n\
             repository = \"https://github.com/example/{name}\"\n\n\
             [dependencies]\n{dependencies}"
        ),
    )
    .unwrap();
    std::fs::write(project.join("LICENSE"), "MIT License\n").unwrap();
    std::fs::write(project.join("src/main.rs"), main).unwrap();
    succeed(cargo_in(&project, &["generate-lockfile"]).output().unwrap());
    project
}

const SEALER_MAIN: &str = r#"use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, CHACHA20_POLY1305};
use ring::signature::Ed25519KeyPair;

fn main() {
    let input = std::env::args().nth(1).unwrap_or_default();
    if input == "--version" {
        return println!("sealer {}", env!("CARGO_PKG_VERSION"));
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, input.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let mut sealed = 0;
    for algorithm in [&AES_256_GCM, &CHACHA20_POLY1305] {
        let key = LessSafeKey::new(UnboundKey::new(algorithm, &[7; 32]).unwrap());
        let mut data = input.as_bytes().to_vec();
        let nonce = Nonce::assume_unique_for_key([1; 12]);
        key.seal_in_place_append_tag(nonce, Aad::empty(), &mut data).unwrap();
        sealed += data.len();
    }
    let signature = Ed25519KeyPair::from_seed_unchecked(&[3; 32]).unwrap().sign(input.as_bytes());
    let compressed = zstd::encode_all(input.as_bytes(), 3).unwrap();
    let round_trip = zstd::decode_all(&compressed[..]).unwrap() == input.as_bytes();
    println!("{hex} sealed {sealed} signed {} zstd {round_trip}", signature.as_ref().len());
}
"#;

/// A program that digests with ring 0.17 (its assembly: SHA-256, AES-GCM,
/// ChaCha20-Poly1305, Ed25519) and compresses with zstd (C), as a new
/// `cargo new` project would: pinned versions, from crates.io.
fn ring_and_zstd_program(into: &Path) -> PathBuf {
    let project = new_program(
        into,
        (
            "sealer",
            "0.4.0",
            "Digests, seals and compresses its argument",
        ),
        "ring = \"=0.17.14\"\nzstd = \"=0.13.3\"\n",
        SEALER_MAIN,
    );
    for (command, args) in [("git", &["init", "-q"][..]), ("git", &["add", "-A"])] {
        run_in_dir(&project, command, args);
    }
    run_in_dir(
        &project,
        "git",
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "new",
        ],
    );
    project
}

#[test]
#[ignore = "builds a program of ring's and zstd's for three targets; run by `cargo xtask ci`"]
fn ring_and_zstd_ship_for_both_macos_targets_and_universal2() {
    let scratch = Scratch::new("sealer");
    let project = ring_and_zstd_program(scratch.path());
    let targets = [
        "x86_64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
    ];
    init(&project, &targets);
    let (out, said) = ship(&project);
    assert!(!said.contains("ships with its local symbols"), "{said}");
    assert!(
        targets_with(&out, "tar.gz").contains(&"universal2-apple-darwin".to_owned()),
        "no universal2 tarball"
    );
    // It computes what Python's hashlib computes, and zstd round-trips.
    let linux = out.join("linux");
    std::fs::create_dir_all(&linux).unwrap();
    let tarball = out.join("sealer-0.4.0-x86_64-unknown-linux-gnu.tar.gz");
    run_in_dir(&linux, "tar", &["-xzf", tarball.to_str().unwrap()]);
    let binary = linux.join("sealer-0.4.0-x86_64-unknown-linux-gnu/sealer");
    let printed = tool_output(Command::new(&binary).arg("abc"));
    let expected = sha256_of_abc();
    assert!(printed.starts_with(expected.trim()), "{printed}");
    assert!(printed.contains("zstd true"), "{printed}");
    // ring's assembly is in each macOS binary (SHA-256 by the CPU's own
    // instructions); the only local symbols left are ones the indirect
    // symbol table names, and the arm64 one is signed (verify checked the
    // signature against its pages).
    for (triple, instruction) in [
        ("aarch64-apple-darwin", "sha256h"),
        ("x86_64-apple-darwin", "sha256rnds2"),
    ] {
        let unpacked = out.join(triple);
        std::fs::create_dir_all(&unpacked).unwrap();
        let tarball = out.join(format!("sealer-0.4.0-{triple}.tar.gz"));
        run_in_dir(&unpacked, "tar", &["-xzf", tarball.to_str().unwrap()]);
        let binary = unpacked.join(format!("sealer-0.4.0-{triple}/sealer"));
        let objdump =
            |args: &[&str]| tool_output(Command::new("llvm-objdump").args(args).arg(&binary));
        let code = objdump(&["--macho", "-d"]);
        assert!(
            code.contains(instruction),
            "{triple} lacks ring's {instruction}"
        );
        let indirect = objdump(&["--macho", "--indirect-symbols"]);
        let symbols = objdump(&["--syms"]);
        for local in symbols.lines().filter(|line| line.contains(" l ")) {
            let name = local.split_whitespace().last().unwrap();
            assert!(
                indirect.contains(name),
                "{triple} keeps {name}, which no table names"
            );
        }
        let signed = objdump(&["--macho", "--private-headers"]).contains("LC_CODE_SIGNATURE");
        assert_eq!(signed, triple.starts_with("aarch64"), "{triple}");
    }
}

#[test]
#[ignore = "fetches ripgrep from crates.io and builds it; run by `cargo xtask ci`"]
fn ripgrep_ships_with_pcre2_and_the_docs_it_prints() {
    let scratch = Scratch::new("ripgrep");
    let project = fetch("ripgrep", "15.2.0", scratch.path());
    // glibc only: hexyl covers musl, where ripgrep also builds jemalloc.
    // Nothing else: init finds that cargo-deb's assets name man pages and
    // completions the folder lacks, which rg prints, and says how.
    let said = succeed(xtask(
        &repo_root(),
        &[
            "init",
            project.to_str().unwrap(),
            "--target",
            "x86_64-unknown-linux-gnu",
        ],
    ));
    assert!(
        said.contains("assets name man, bash, zsh, fish that its folder lacks, which `rg` prints"),
        "{said}"
    );
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("[package.metadata.dist.generate]\nman = [\"--generate\", \"man\"]"),
        "{manifest}"
    );

    let (out, said) = ship(&project);
    // cargo-deb's `features = ["pcre2"]` built every format, and the
    // several lines of `rg --version` say so.
    assert!(said.contains("--features pcre2"), "{said}");
    assert!(
        said.contains("ripgrep 15.2.0") && said.contains("+pcre2"),
        "{said}"
    );
    let sbom =
        std::fs::read_to_string(out.join("rg-15.2.0-x86_64-unknown-linux-gnu.cdx.json")).unwrap();
    assert!(
        sbom.contains("pkg:cargo/pcre2-sys@"),
        "the SBOM lists PCRE2"
    );
    let deb = artifacts_in(&out)
        .into_iter()
        .find(|n| n.ends_with(".deb"))
        .unwrap();
    let contents = run_in_dir(&out, "dpkg-deb", &["-c", &deb]);
    for installed in [
        "./usr/bin/rg",
        "./usr/share/man/man1/rg.1.gz",
        "./usr/share/bash-completion/completions/rg",
        "./usr/share/zsh/vendor-completions/_rg",
        "./usr/share/fish/vendor_completions.d/rg.fish",
        "./usr/share/doc/ripgrep/FAQ",
    ] {
        assert!(
            contents.contains(installed),
            "{installed} is not in the .deb:\n{contents}"
        );
    }
    // man reads the page rg printed, from the tarball.
    let unpacked = out.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    run_in_dir(
        &unpacked,
        "tar",
        &["-xzf", "../rg-15.2.0-x86_64-unknown-linux-gnu.tar.gz"],
    );
    let page = unpacked.join("rg-15.2.0-x86_64-unknown-linux-gnu/man/rg.1");
    let rendered = tool_output(
        Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANWIDTH", "80"),
    );
    assert!(rendered.contains("rg - recursively search"), "{rendered}");
}

/// Real programs that link Apple frameworks on macOS link here against
/// stubs made from the record of Apple's libraries, and ship for Apple
/// silicon: du-dust (sysinfo asks for CoreFoundation and IOKit), tealdeer
/// (native-tls: Security and CoreFoundation) and fd (objc2, through ctrlc
/// and normpath: Foundation and libobjc). Each binary loads its libraries
/// by their real install names, every symbol it binds from them is one the
/// record lists (as llvm-objdump reads the binding tables), and verify
/// checks its signature and, again, its imports. A program that asks for a
/// framework the record lacks is refused before anything is built, and one
/// that calls a function its framework lacks fails at the link, each with
/// the fix.
#[test]
#[ignore = "fetches three programs from crates.io and builds them for macOS; run by `cargo xtask ci`"]
fn programs_that_link_apple_frameworks_ship_for_macos_from_stubs() {
    let scratch = Scratch::new("frameworks");
    for (name, version, binary, frameworks) in [
        ("du-dust", "1.2.3", "dust", &[CORE_FOUNDATION, IOKIT][..]),
        ("tealdeer", "1.7.2", "tldr", &[CORE_FOUNDATION, SECURITY]),
        // Through ctrlc and normpath's objc2.
        ("fd-find", "10.4.2", "fd", &[FOUNDATION, LIBOBJC]),
    ] {
        let project = fetch(name, version, scratch.path());
        init(&project, &["aarch64-apple-darwin"]);
        let (out, said) = ship(&project);
        assert!(
            said.contains("imports, each one Apple's libraries export"),
            "{said}"
        );
        let folder = format!("{binary}-{version}-aarch64-apple-darwin");
        let unpacked = out.join("unpacked");
        std::fs::create_dir_all(&unpacked).unwrap();
        let tarball = out.join(format!("{folder}.tar.gz"));
        run_in_dir(&unpacked, "tar", &["-xzf", tarball.to_str().unwrap()]);
        check_framework_bindings(&unpacked.join(folder).join(binary), frameworks);
    }

    let metal = metal_program(scratch.path());
    init(
        &metal,
        &["x86_64-unknown-linux-gnu", "aarch64-apple-darwin"],
    );
    let output = dist_of(&metal, &["--target", "aarch64-apple-darwin"]);
    let stderr = assert_fails_with(
        &output,
        &[
            "nothing to build here",
            "framework Metal",
            "scripts/apple-frameworks-record",
            "SDKROOT",
        ],
    );
    assert!(
        !stderr.contains("Compiling"),
        "something was built:\n{stderr}"
    );

    // A symbol the stubs lack fails the link with its name, its crate and
    // the ways out, and leaves no release behind.
    let misspelt = misspelt_binding_program(scratch.path());
    init(&misspelt, &["aarch64-apple-darwin"]);
    let out = misspelt.join("release");
    let output = dist_of(&misspelt, &["--out", out.to_str().unwrap()]);
    assert_fails_with(
        &output,
        &[
            "the link needs `_CFAbsoluteTimeGetCurent` (called by the crate misspelt)",
            "scripts/apple-frameworks-record > xtask/apple-frameworks.txt",
            "SDKROOT",
            "macOS runner",
        ],
    );
    assert!(!out.exists(), "a failed dist left {}", out.display());
}

const CORE_FOUNDATION: &str =
    "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation";
const IOKIT: &str = "/System/Library/Frameworks/IOKit.framework/Versions/A/IOKit";
const SECURITY: &str = "/System/Library/Frameworks/Security.framework/Versions/A/Security";
const FOUNDATION: &str = "/System/Library/Frameworks/Foundation.framework/Versions/C/Foundation";
const LIBOBJC: &str = "/usr/lib/libobjc.A.dylib";

/// The macOS `binary` loads each of `libraries` by its real install name,
/// and every symbol it binds from them is one the record lists, as
/// llvm-objdump reads the binding tables.
fn check_framework_bindings(binary: &Path, libraries: &[&str]) {
    let objdump = |args: &[&str]| tool_output(Command::new("llvm-objdump").args(args).arg(binary));
    let loaded = objdump(&["--macho", "--dylibs-used"]);
    for library in libraries {
        assert!(
            loaded.contains(&format!("{library} (")),
            "{}: {library}\n{loaded}",
            binary.display()
        );
    }
    // llvm-objdump names a library by its file name, without `.A.dylib`.
    let short: Vec<&str> = libraries
        .iter()
        .map(|library| {
            library
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".A.dylib")
        })
        .collect();
    let record = std::fs::read_to_string(repo_root().join("xtask/apple-frameworks.txt")).unwrap();
    let bound = objdump(&["--macho", "--bind", "--lazy-bind", "--weak-bind"]);
    let mut checked = 0;
    for line in bound.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words.iter().position(|word| short.contains(word)) else {
            continue;
        };
        let symbol = words[at + 1];
        assert!(
            record.contains(&format!("\nsymbol {symbol} ")),
            "{symbol} is not in the record"
        );
        checked += 1;
    }
    assert!(checked >= 1, "no binding from {short:?}:\n{bound}");
}

/// A `cargo new` program that links Metal, which the record lacks.
fn metal_program(scratch: &Path) -> PathBuf {
    new_program(
        scratch,
        ("gpu", "0.1.0", "Asks for a GPU"),
        "",
        "#[cfg(target_os = \"macos\")]\n\
         #[link(name = \"Metal\", kind = \"framework\")]\n\
         unsafe extern \"C\" { fn MTLCreateSystemDefaultDevice() -> *mut u8; }\n\
         fn main() {\n    println!(\"gpu {}\", env!(\"CARGO_PKG_VERSION\"));\n\
         #[cfg(target_os = \"macos\")]\n    println!(\"{:?}\", unsafe { MTLCreateSystemDefaultDevice() });\n}\n",
    )
}

/// A `cargo new` program that calls a function CoreFoundation does not
/// have, beside one it has: a misspelt binding.
fn misspelt_binding_program(scratch: &Path) -> PathBuf {
    new_program(
        scratch,
        ("misspelt", "0.1.0", "Calls what CoreFoundation lacks"),
        "",
        "#[cfg(target_os = \"macos\")]\n\
         #[link(name = \"CoreFoundation\", kind = \"framework\")]\n\
         unsafe extern \"C\" {\n    fn CFAbsoluteTimeGetCurrent() -> f64;\n    \
         fn CFAbsoluteTimeGetCurent() -> f64;\n}\n\
         fn main() {\n    println!(\"misspelt {}\", env!(\"CARGO_PKG_VERSION\"));\n\
         #[cfg(target_os = \"macos\")]\n    \
         println!(\"{}\", unsafe { CFAbsoluteTimeGetCurrent() - CFAbsoluteTimeGetCurent() });\n}\n",
    )
}

/// The record of Apple's libraries is what its script writes from the
/// binding crates at their pinned versions: edited by hand, or left behind
/// by a change to the script, it fails here.
#[test]
#[ignore = "fetches the binding crates from crates.io; run by `cargo xtask ci`"]
fn the_record_of_apple_libraries_is_what_its_script_writes() {
    let written = tool_output(
        Command::new(repo_root().join("scripts/apple-frameworks-record")).current_dir(repo_root()),
    );
    let committed =
        std::fs::read_to_string(repo_root().join("xtask/apple-frameworks.txt")).unwrap();
    assert!(
        written == committed,
        "xtask/apple-frameworks.txt differs from what scripts/apple-frameworks-record writes; \
         run `scripts/apple-frameworks-record > xtask/apple-frameworks.txt`"
    );
}

/// A fresh program of aws-lc-rs's (the crypto under rustls 0.23's default
/// provider) ships for Windows: aws-lc-sys assembles its x86_64 Windows
/// code with NASM, which the target's row installs, and the shipped .exe
/// computes SHA-256 as Python's hashlib does, under wine.
#[test]
#[ignore = "builds aws-lc-sys for Windows; run by `cargo xtask ci`"]
fn aws_lc_rs_ships_for_windows_with_nasm() {
    let scratch = Scratch::new("aws-lc");
    let project = new_program(
        scratch.path(),
        ("hasher", "0.2.0", "Prints the SHA-256 of its argument"),
        "aws-lc-rs = \"=1.19.0\"\n",
        r#"fn main() {
    let input = std::env::args().nth(1).unwrap_or_default();
    if input == "--version" {
        return println!("hasher {}", env!("CARGO_PKG_VERSION"));
    }
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    println!("{hex}");
}
"#,
    );
    let target = "x86_64-pc-windows-gnu";
    init(&project, &[target]);
    let (out, _) = ship(&project);
    let unpacked = out.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let zip = out.join(format!("hasher-0.2.0-{target}.zip"));
    run_in_dir(&unpacked, "unzip", &["-q", zip.to_str().unwrap()]);
    let exe = unpacked.join(format!("hasher-0.2.0-{target}/hasher.exe"));
    let wine = repo_root().join("scripts/wine-runner");
    let printed = tool_output(
        Command::new(&wine)
            .arg(&exe)
            .arg("abc")
            .env("CARGO_TARGET_DIR", shared_target_dir()),
    );
    let expected = sha256_of_abc();
    assert_eq!(printed.trim(), expected.trim());
}

/// A fresh program of openssl 0.10's, as `cargo new` and `cargo add`
/// make it, links the system's OpenSSL, which a release cannot link here
/// unless told how: each target is refused before anything is built,
/// naming the crate and the feature that compiles OpenSSL in. With that
/// feature the same targets are planned, and the musl one ships: OpenSSL's
/// own build (perl's Configure, then make) compiles it with zig, and the
/// static binary computes SHA-256 through it.
#[test]
#[ignore = "fetches openssl from crates.io and compiles OpenSSL for musl; run by `cargo xtask ci`"]
fn a_program_that_links_the_systems_openssl_is_refused_with_the_feature_that_vendors_it() {
    let scratch = Scratch::new("openssl");
    let project = new_program(
        scratch.path(),
        ("tls", "0.1.0", "Digests with OpenSSL"),
        "openssl = \"=0.10.82\"\n",
        r#"fn main() {
    let input = std::env::args().nth(1).unwrap_or_default();
    if input == "--version" {
        return println!("tls {}", env!("CARGO_PKG_VERSION"));
    }
    let digest = openssl::sha::sha256(input.as_bytes());
    println!("{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>());
}
"#,
    );
    let musl = "x86_64-unknown-linux-musl";
    let targets = [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        musl,
    ];
    init(&project, &targets);
    let plan = in_project(&project, &["dist", "--dry-run"]);
    for needle in [
        "x86_64-unknown-linux-gnu: not built here: `tls` links the system's OpenSSL through \
         openssl-sys v0.9",
        "aarch64-unknown-linux-gnu: not built here",
        "x86_64-unknown-linux-musl: not built here",
        "features = [\"openssl/vendored\"]",
        "AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_DIR",
    ] {
        assert!(plan.contains(needle), "{needle}:\n{plan}");
    }
    let output = dist_of(&project, &[]);
    let said = assert_fails_with(&output, &["nothing to build here"]);
    assert!(!said.contains("Compiling"), "something was built:\n{said}");
    // Vendored, all are planned.
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    let manifest = manifest.replace(
        "[workspace.metadata.dist]\n",
        "[workspace.metadata.dist]\nfeatures = [\"openssl/vendored\"]\n",
    );
    std::fs::write(project.join("Cargo.toml"), manifest).unwrap();
    succeed(cargo_in(&project, &["generate-lockfile"]).output().unwrap());
    let plan = in_project(&project, &["dist", "--dry-run"]);
    assert!(!plan.contains("not built here"), "{plan}");
    assert!(plan.contains("--features openssl/vendored"), "{plan}");
    let out = project.join("release");
    in_project(
        &project,
        &["dist", "--target", musl, "--out", out.to_str().unwrap()],
    );
    succeed(xtask(&project, &["verify", out.to_str().unwrap()]));
    let unpacked = out.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let tarball = out.join(format!("tls-0.1.0-{musl}.tar.gz"));
    run_in_dir(&unpacked, "tar", &["-xzf", tarball.to_str().unwrap()]);
    let binary = unpacked.join(format!("tls-0.1.0-{musl}/tls"));
    let expected = sha256_of_abc();
    assert_eq!(
        tool_output(Command::new(&binary).arg("abc")).trim(),
        expected.trim()
    );
}

/// A program that links two system libraries through pkg-config, the way
/// most programs do on Linux: OpenSSL (openssl 0.10, as native-tls and
/// git2 link it) and libudev (serialport 4, whose default feature
/// enumerates ports through it). Without `dependencies.apt` both glibc
/// targets are refused, naming the line to add; with it, dist installs
/// Debian's packages for x86_64 and for aarch64 through multiarch, links
/// them with the floor raised to Debian's glibc, and the binaries compute
/// SHA-256 through OpenSSL under their runners. verify reports the floor
/// the binary has with the libraries it loads, and the .deb depends on
/// their packages. A musl target given a library to link is refused.
#[test]
#[ignore = "installs Debian's libssl-dev and libudev-dev for two architectures and builds with them; run by `cargo xtask ci`"]
fn system_libraries_ship_from_debian_for_two_glibc_architectures() {
    let scratch = Scratch::new("system-libraries");
    let project = new_program(
        scratch.path(),
        (
            "ports",
            "0.3.0",
            "Digests with OpenSSL and counts serial ports",
        ),
        "openssl = \"=0.10.82\"\nserialport = \"=4.10.1\"\n",
        r#"fn main() {
    let input = std::env::args().nth(1).unwrap_or_default();
    if input == "--version" {
        return println!("ports {}", env!("CARGO_PKG_VERSION"));
    }
    let digest = openssl::sha::sha256(input.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    println!("{hex}");
    let ports = serialport::available_ports().map(|ports| ports.len()).unwrap_or(0);
    eprintln!("{ports} serial ports");
}
"#,
    );
    let glibc = ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"];
    init(&project, &[glibc[0], glibc[1], "x86_64-unknown-linux-musl"]);
    let plan = in_project(&project, &["dist", "--dry-run"]);
    for needle in [
        "aarch64-unknown-linux-gnu: not built here: `ports` links the system's OpenSSL",
        "add `libssl-dev = \"*\"` to [workspace.metadata.dist.dependencies.apt]",
        "x86_64-unknown-linux-musl: not built here: `ports` links the system's OpenSSL through \
         openssl-sys v0.9.",
        "a musl binary is static, so it cannot load Debian's OpenSSL",
    ] {
        assert!(plan.contains(needle), "{needle}:\n{plan}");
    }

    let (out, verified, debian_glibc) = ship_with_debian_libraries(&project, &glibc);
    let expected = sha256_of_abc();
    for (target, arch) in [(glibc[0], "amd64"), (glibc[1], "arm64")] {
        check_debian_linked(&out, &verified, (target, arch), &expected, &debian_glibc);
    }
    let rpm = out.join("ports-0.3.0-1.aarch64.rpm");
    let requires = tool_output(Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm));
    assert!(requires.contains("libudev.so.1()(64bit)"), "{requires}");

    // Named for the musl target, Debian's library is refused there.
    let cargo_toml = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    let cargo_toml = cargo_toml.replace(
        "libudev-dev = \"*\"\n",
        "libudev-dev = \"*\"\nlibcap-dev = { targets = [\"x86_64-unknown-linux-musl\"] }\n",
    );
    std::fs::write(project.join("Cargo.toml"), cargo_toml).unwrap();
    let plan = in_project(&project, &["dist", "--dry-run"]);
    assert!(
        plan.contains(
            "x86_64-unknown-linux-musl: not built here: [workspace.metadata.dist.dependencies.apt] \
             gives x86_64-unknown-linux-musl `libcap-dev`"
        ),
        "{plan}"
    );
}

/// Adds OpenSSL and libudev to `dependencies.apt` of `project` and ships
/// it for the `glibc` targets: the release folder, what verify said, and
/// Debian's glibc, which every artifact must have as its floor.
fn ship_with_debian_libraries(project: &Path, glibc: &[&str]) -> (PathBuf, String, String) {
    let cargo_toml = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    let cargo_toml = cargo_toml.replace(
        "[profile.dist]",
        "[workspace.metadata.dist.dependencies.apt]\nlibssl-dev = \"*\"\nlibudev-dev = \"*\"\n\n\
         [profile.dist]",
    );
    std::fs::write(project.join("Cargo.toml"), cargo_toml).unwrap();
    let debian_glibc = tool_output(Command::new("dpkg-query").args([
        "--show",
        "--showformat=${Version}",
        "libc6",
    ]));
    let debian_glibc = debian_glibc.split(['-', '+']).next().unwrap().to_owned();
    let out = project.join("release");
    let mut args = vec!["dist", "--out", out.to_str().unwrap()];
    for target in glibc {
        args.extend(["--target", target]);
    }
    let said = in_project(project, &args);
    assert!(
        said.contains(&format!("against glibc {debian_glibc}")),
        "{said}"
    );
    let verified = succeed(xtask(project, &["verify", out.to_str().unwrap()]));
    run_in_dir(&out, "sha256sum", &["--check", "--quiet", "SHA256SUMS"]);
    let floors: Vec<String> = manifest(&out)["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|artifact| artifact["glibc_floor"].as_str().map(str::to_owned))
        .collect();
    assert!(
        !floors.is_empty() && floors.iter().all(|f| *f == debian_glibc),
        "{floors:?}"
    );

    (out, verified, debian_glibc)
}

/// The `target` binary (Debian architecture `arch`) of the release in
/// `out`: its .deb depends on the libraries' packages, it computes the
/// digest through OpenSSL under its runner, and verify reported its floor
/// with the libraries it loads.
fn check_debian_linked(
    out: &Path,
    verified: &str,
    (target, arch): (&str, &str),
    expected: &str,
    debian_glibc: &str,
) {
    let run: Vec<&str> = match arch {
        "arm64" => vec![
            "qemu-aarch64",
            "-L",
            "/usr/aarch64-linux-gnu",
            "-E",
            "LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib",
        ],
        _ => vec![],
    };
    let deb = out.join(format!("ports_0.3.0-1_{arch}.deb"));
    let depends = tool_output(
        Command::new("dpkg-deb")
            .arg("--field")
            .arg(&deb)
            .arg("Depends"),
    );
    for package in ["libc6 (>= 2.", "libssl3 (>= 3", "libudev1 (>= "] {
        assert!(
            depends.contains(package),
            "{target}: {package} in {depends}"
        );
    }
    let unpacked = out.join(format!("unpacked-{arch}"));
    std::fs::create_dir_all(&unpacked).unwrap();
    let tarball = out.join(format!("ports-0.3.0-{target}.tar.gz"));
    run_in_dir(&unpacked, "tar", &["-xzf", tarball.to_str().unwrap()]);
    let binary = unpacked.join(format!("ports-0.3.0-{target}/ports"));
    let mut command = match run.split_first() {
        Some((runner, args)) => {
            let mut command = Command::new(runner);
            command.args(args).arg(&binary);
            command
        }
        None => Command::new(&binary),
    };
    assert_eq!(
        tool_output(command.arg("abc")).trim(),
        expected.trim(),
        "{target}"
    );
    let tarball_name = tarball.file_name().unwrap().to_str().unwrap();
    let floor_line = verified
        .lines()
        .find(|line| line.contains(tarball_name) && line.contains("with the libraries it loads"))
        .unwrap_or_else(|| panic!("verify reports no floor for {tarball_name}:\n{verified}"));
    for library in ["libcrypto.so.3 needs 2.", "libudev.so.1 needs 2."] {
        assert!(floor_line.contains(library), "{floor_line}");
    }
    assert!(
        floor_line.contains(&format!("within the floor of {debian_glibc}")),
        "{floor_line}"
    );
}
