//! Small helpers, too small for a crate: atomic writes, hex digests,
//! self-removing temporary folders, did-you-mean suggestions.

pub mod atomic;
pub mod digest;
pub mod suggest;
pub mod tempdir;
