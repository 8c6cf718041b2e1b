//! Records the target triple the app is compiled for, so that `--version`
//! can say which build a user is holding; and writes the man page and the
//! bash, zsh and fish completions from the program's own clap definition
//! (`src/cli.rs`), into `$OUT_DIR/man/` and `$OUT_DIR/completions/`, where
//! `cargo xtask dist` picks them up for the archives and packages.

use std::path::Path;

#[path = "src/cli.rs"]
mod cli;

fn main() -> std::io::Result<()> {
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo::rustc-env=APP_BUILD_TARGET={target}");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/cli.rs");

    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let out_dir = Path::new(&out_dir);
    let mut command = cli::command(env!("CARGO_PKG_VERSION"));
    let name = command.get_name().to_owned();

    let man = out_dir.join("man");
    std::fs::create_dir_all(&man)?;
    // One page per command: `app.1`, and `app-info.1` for `app info`.
    clap_mangen::generate_to(command.clone(), &man)?;

    let completions = out_dir.join("completions");
    std::fs::create_dir_all(&completions)?;
    use clap_complete::Shell;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut command, &name, &completions)?;
    }
    Ok(())
}
