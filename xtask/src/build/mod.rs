//! Building the release binaries: how the xtask calls cargo ([`cargo`]),
//! and the compiler flags a release build gets ([`rustflags`]), which keep
//! build paths and other machine facts out of the binaries
//! ([`reproducible`] checks that they did); and what a macOS build needs
//! that zig does not have ([`apple_frameworks`]), and the stub SDK that
//! gives it to zig ([`apple_sdk`]); the system libraries a crate would link
//! but a release cannot ([`system_libraries`]); and binaries built on
//! another machine, which dist packages ([`prebuilt`]); and the JavaScript
//! bindings of a web package's module ([`wasm_bindgen`]); and the smoke
//! run, which starts each release binary under its runner ([`smoke`]);
//! and the man pages and completions the binaries print ([`generated_docs`]).

pub mod apple_frameworks;
pub mod apple_sdk;
pub mod cargo;
pub mod generated_docs;
pub mod prebuilt;
pub mod reproducible;
pub mod rustflags;
pub mod smoke;
pub mod system_libraries;
pub mod wasm_bindgen;
