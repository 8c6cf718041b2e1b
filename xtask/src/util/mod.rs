//! Small helpers, too small for a crate: atomic writes, hex digests,
//! self-removing temporary folders, did-you-mean suggestions, and a
//! stopwatch of named stages.

pub mod atomic;
pub mod digest;
pub mod stopwatch;
pub mod suggest;
pub mod tempdir;
