//! What a long command is doing, on stderr: every step, detail and note
//! the xtask prints on its way goes through here, so that `--quiet` can
//! silence all of it at once. Errors (printed by `main`) and each
//! command's final summary ([`summary`]) are printed whatever the setting.
//!
//! The shape of the lines is the same everywhere:
//!
//! ```text
//! ==> dist aarch64-unknown-linux-gnu: building with cargo zigbuild, against glibc 2.17
//!     ELF aarch64, dynamically linked, glibc 2.17 or newer
//! note: app ships with its local symbols: …
//! ```

use std::fmt::Display;
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Silences progress for the rest of the run (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether progress is silenced.
pub fn is_quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A step of a long command, which the lines after it belong to.
pub fn step(text: impl Display) {
    if !is_quiet() {
        eprintln!("==> {text}");
    }
}

/// A detail of the step under way.
pub fn detail(text: impl Display) {
    if !is_quiet() {
        eprintln!("    {text}");
    }
}

/// Something done otherwise than asked that is no error: a file shipped
/// unshrunk, a key set aside.
pub fn note(text: impl Display) {
    if !is_quiet() {
        eprintln!("note: {text}");
    }
}

/// A line as it stands: another program's (cargo's messages), a command
/// about to run, a row of a table of timings.
pub fn line(text: impl Display) {
    if !is_quiet() {
        eprintln!("{text}");
    }
}

/// A line of the final summary, printed even with `--quiet`.
pub fn summary(text: impl Display) {
    eprintln!("{text}");
}
