//! Small file-system helpers, too small for a crate.

pub mod atomic;
pub mod tempdir;
