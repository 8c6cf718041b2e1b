//! The browser: the packages `[workspace.metadata.dist.web]` names, built
//! only for wasm32-unknown-unknown, given JavaScript bindings by
//! wasm-bindgen, and shipped as an npm package.
//!
//! - plain `cargo test --target wasm32-unknown-unknown -p <web>` runs the
//!   tests in Node.js through `.cargo/config.toml` alone, and in headless
//!   Chromium with `WASM_BINDGEN_USE_BROWSER=1`; a test broken on purpose
//!   turns both red;
//! - dist ships an npm package that npm installs offline into a scratch
//!   project, that Node.js imports and calls, and that a page served from
//!   127.0.0.1 loads in headless Chromium (the DOM read back, a screenshot
//!   kept for a person to look at);
//! - a wasm-bindgen crate at another version than the pinned CLI, and
//!   Chromium missing under `--no-install`, are refused before anything is
//!   built.
//!
//! Nothing here knows what the web package exports: the tests read its
//! functions from the TypeScript types it ships.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use support::adoption::succeed;
use support::*;

/// The web package and its target in the workspace in `dir`.
fn web_of(dir: &Path) -> (String, String) {
    let dist = dist_table(dir);
    let web = dist["web"].as_table().expect("a web table");
    let first = |key: &str| {
        web[key]
            .as_array()
            .unwrap()
            .get(0)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    (first("packages"), first("targets"))
}

/// `cargo ARGS` in `dir` with `env`: whether it passed, and what it said.
fn cargo_output(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = cargo_in(dir, args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// What makes wasm-bindgen-test-runner run the tests in headless Chromium.
fn in_chromium() -> [(&'static str, &'static str); 2] {
    [
        ("WASM_BINDGEN_USE_BROWSER", "1"),
        ("CHROMEDRIVER", "/usr/bin/chromedriver"),
    ]
}

#[test]
#[ignore = "runs the web package's tests in Node.js and Chromium; run by `cargo xtask ci`"]
fn plain_cargo_tests_the_web_package_in_node_and_chromium_and_a_failure_is_red() {
    let copy = copy_of_workspace("web-tests");
    let dir = copy.path();
    let (package, triple) = web_of(dir);
    let test = ["test", "--target", triple.as_str(), "-p", package.as_str()];
    let (passed, said) = cargo_output(dir, &test, &[]);
    assert!(passed && said.contains("test result: ok"), "{said}");
    let (passed, said) = cargo_output(dir, &test, &in_chromium());
    assert!(passed && said.contains("test result: ok"), "{said}");
    assert!(said.contains("headless tests in Chrome"), "{said}");

    std::fs::write(
        dir.join(&package).join("tests/broken_on_purpose.rs"),
        "#[wasm_bindgen_test::wasm_bindgen_test]\n\
         fn broken_on_purpose() { assert_eq!(1 + 1, 3, \"broken on purpose\"); }\n",
    )
    .unwrap();
    for env in [&[][..], &in_chromium()[..]] {
        let (passed, said) = cargo_output(dir, &test, env);
        assert!(!passed, "a failing test passed ({env:?}):\n{said}");
        assert!(said.contains("broken on purpose"), "{said}");
    }
}

#[test]
#[ignore = "builds the web package and starts Chromium; run by `cargo xtask ci`"]
fn dist_ships_an_npm_package_that_npm_node_and_chromium_load() {
    let (package, triple) = web_of(&repo_root());
    let out = Scratch::new("web-dist");
    dist(out.path(), &[&triple]);
    succeed(xtask(
        &repo_root(),
        &["verify", out.path().to_str().unwrap()],
    ));
    run_in_dir(out.path(), "sha256sum", &["-c", "SHA256SUMS"]);
    let tarball = out
        .path()
        .join(format!("{package}-{}-{triple}.tgz", version()));
    packs_as_npm_would(&tarball);

    let project = Scratch::new("web-npm-project");
    run_in_dir(project.path(), "npm", &["init", "--yes"]);
    run_in_dir(
        project.path(),
        "npm",
        &[
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            tarball.to_str().unwrap(),
        ],
    );
    let installed = project.path().join("node_modules").join(&package);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(installed.join("package.json")).unwrap()).unwrap();
    assert_eq!(manifest["version"], version(), "{manifest}");
    let functions = exported_functions(&installed.join(manifest["types"].as_str().unwrap()));
    assert!(!functions.is_empty(), "the types declare no function");

    let in_node = run_in_dir(
        project.path(),
        "node",
        &["--input-type=module", "--eval", &node_script(&package)],
    );
    for function in &functions {
        assert!(
            in_node.contains(&format!("function {function}")),
            "{in_node}"
        );
    }

    std::fs::write(project.path().join("index.html"), page(&package, &manifest)).unwrap();
    let dom = in_headless_chromium(project.path());
    assert!(
        dom.contains("id=\"result\">loaded"),
        "the page did not load it:\n{dom}"
    );
    for function in &functions {
        assert!(dom.contains(&format!("function {function}")), "{dom}");
    }
}

/// Unpacks `tarball` with tar and asks `npm pack` which files it would put
/// in a package of what is under `package/`: the same ones, package.json
/// among them.
fn packs_as_npm_would(tarball: &Path) {
    let unpacked = Scratch::new("web-unpacked");
    run_in_dir(unpacked.path(), "tar", &["xzf", tarball.to_str().unwrap()]);
    let ours = run_in_dir(unpacked.path(), "tar", &["tzf", tarball.to_str().unwrap()]);
    let mut ours: Vec<&str> = ours
        .lines()
        .map(|line| line.strip_prefix("package/").unwrap())
        .collect();
    let said = run_in_dir(
        &unpacked.path().join("package"),
        "npm",
        &["pack", "--dry-run", "--json"],
    );
    let packed: serde_json::Value = serde_json::from_str(&said).unwrap();
    let mut npms: Vec<&str> = packed[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    ours.sort_unstable();
    npms.sort_unstable();
    assert_eq!(
        ours, npms,
        "npm pack would make another package of these files"
    );
}

/// The functions a `.d.ts` declares (`export function name(`).
fn exported_functions(types: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(types).unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("export function "))
        .filter_map(|rest| rest.split('(').next())
        .map(|name| name.trim().to_owned())
        .collect()
}

/// What a user's script does: import the package, instantiate its module,
/// and call it. It prints each export, and what each function that takes
/// no argument returns.
fn node_script(package: &str) -> String {
    format!(
        "import init, * as bindings from '{package}';\n\
         import {{ readFile }} from 'node:fs/promises';\n\
         const wasm = new URL(import.meta.resolve('{package}/{package}_bg.wasm'));\n\
         await init({{ module_or_path: await readFile(wasm) }});\n\
         {DESCRIBE}\n\
         console.log(describe(bindings));\n"
    )
}

/// JavaScript that lists a module's functions, calling those that take no
/// argument: `function version() = 0.1.0`.
const DESCRIBE: &str = "const describe = (bindings) => Object.entries(bindings)\n\
    .filter(([name, value]) => typeof value === 'function' && name !== 'default')\n\
    .map(([name, f]) => `function ${name}()` + (f.length === 0 ? ` = ${f()}` : ''))\n\
    .join('; ');";

/// A page that loads the installed package as a browser would (the
/// bindings fetch their `.wasm` beside them) and writes what it exports
/// into the DOM.
fn page(package: &str, manifest: &serde_json::Value) -> String {
    let entry = manifest["main"].as_str().unwrap();
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{package}</title></head>\n\
         <body><h1>{package} in a browser</h1><p id=\"result\">not loaded</p>\n\
         <script type=\"module\">\n\
         import init, * as bindings from './node_modules/{package}/{entry}';\n\
         {DESCRIBE}\n\
         await init();\n\
         document.getElementById('result').textContent = `loaded: ${{describe(bindings)}}`;\n\
         </script></body></html>\n"
    )
}

/// The DOM of `dir`'s index.html, served from 127.0.0.1 and run by
/// headless Chromium; a screenshot of it is kept in the tests' target
/// folder.
fn in_headless_chromium(dir: &Path) -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 serves the page"),
    );
    wait_for(port);
    let url = format!("http://127.0.0.1:{port}/index.html");
    let screenshot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-page.png");
    let chromium = |extra: &str| {
        let output = Command::new("chromium")
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=10000",
            ])
            .arg(extra)
            .arg(&url)
            .output()
            .expect("chromium starts");
        assert!(output.status.success(), "chromium: {output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let dom = chromium("--dump-dom");
    chromium(&format!("--screenshot={}", screenshot.display()));
    assert!(std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 0));
    eprintln!("the page, as Chromium drew it: {}", screenshot.display());
    drop(server);
    dom
}

/// A child process killed when dropped, even by a failed assert.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until something listens on 127.0.0.1:`port`.
fn wait_for(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("nothing listens on port {port}");
}

#[test]
fn a_wasm_bindgen_crate_at_another_version_than_the_cli_is_refused_naming_both() {
    let copy = copy_of_workspace("web-version");
    let dir = copy.path();
    let (_, triple) = web_of(dir);
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    let entry = "name = \"wasm-bindgen\"\nversion = \"";
    let at = lock.find(entry).expect("Cargo.lock has wasm-bindgen") + entry.len();
    let pinned = &lock[at..at + lock[at..].find('"').unwrap()];
    let other = "0.2.99";
    std::fs::write(
        dir.join("Cargo.lock"),
        format!("{}{other}{}", &lock[..at], &lock[at + pinned.len()..]),
    )
    .unwrap();
    let out = dir.join("out");
    let output = xtask(
        dir,
        &["dist", "--target", &triple, "--out", out.to_str().unwrap()],
    );
    let stderr = assert_fails_with(
        &output,
        &[
            &format!("wasm-bindgen crate {other}"),
            &format!("wasm-bindgen-cli {pinned}"),
            "same release",
        ],
    );
    assert_built_nothing(dir, &stderr);
    assert!(artifacts_in(&out).is_empty());
}

#[test]
fn chromium_missing_under_no_install_is_named_with_its_package() {
    let copy = copy_of_workspace("web-no-chromium");
    let dir = copy.path();
    let (_, triple) = web_of(dir);
    let bin = bare_path();
    let output = xtask_command(dir, &["test", "--target", &triple, "--no-install"])
        .env("PATH", bin.path())
        .output()
        .unwrap();
    let stderr = assert_fails_with(
        &output,
        &[
            "--no-install forbids installing",
            "chromium",
            "chromium-driver",
        ],
    );
    assert_built_nothing(dir, &stderr);
}

#[test]
fn a_web_package_name_npm_refuses_is_refused() {
    let copy = copy_of_workspace("web-name");
    let dir = copy.path();
    let (package, _) = web_of(dir);
    let renamed = "Web_Page";
    edit(
        dir,
        &format!("{package}/Cargo.toml"),
        &format!("name = \"{package}\""),
        &format!("name = \"{renamed}\""),
    );
    edit_dist(dir, |dist| {
        dist["web"]["packages"] = toml_edit::value(toml_edit::Array::from_iter([renamed]));
    });
    assert_refused(
        dir,
        &["dist"],
        &[renamed, "capital letters", "npm registry refuses"],
    );
}
