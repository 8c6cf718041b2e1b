//! Small helpers, too small for a crate: atomic writes, hex digests,
//! self-removing temporary folders, did-you-mean suggestions, a
//! stopwatch of named stages, and the progress lines `--quiet` silences.

pub mod atomic;
pub mod digest;
pub mod progress;
pub mod serde_table;
pub mod stopwatch;
pub mod suggest;
pub mod tempdir;
