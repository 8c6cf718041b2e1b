//! The build machine: what its Rust toolchain has, whether each tool a
//! target needs is present, and installing what is missing.

pub mod provision;
pub mod toolchain;
pub mod tools;
