//! The build machine: what its Rust toolchain has, whether each tool a
//! target needs is present, and installing what is missing; and that the
//! wasm-bindgen CLI it would install fits the workspace ([`web_pin`]).

pub mod provision;
pub mod toolchain;
pub mod tools;
pub mod web_pin;
