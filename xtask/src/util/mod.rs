//! Small helpers, too small for a crate: atomic writes, self-removing
//! temporary folders, did-you-mean suggestions.

pub mod atomic;
pub mod suggest;
pub mod tempdir;
