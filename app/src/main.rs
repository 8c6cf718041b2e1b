//! The command-line entry point; everything else is in the library, where
//! tests can reach it without spawning a process.

use std::process::ExitCode;

fn main() -> ExitCode {
    match app::run(std::env::args_os(), &mut std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // clap formats its own errors, help and version text, and knows
            // which of them go to stdout with exit code 0.
            let _ = err.print();
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(1))
        }
    }
}
