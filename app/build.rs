//! Records the target triple the app is compiled for, so that `--version`
//! can say which build a user is holding.

fn main() {
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo::rustc-env=APP_BUILD_TARGET={target}");
    println!("cargo::rerun-if-changed=build.rs");
}
