//! One module per `cargo xtask` subcommand. Each exposes `run`, which takes
//! the loaded workspace (where it needs one) and the subcommand's own
//! arguments from [`crate::cli`].

pub mod add_target;
pub mod bench;
pub mod book;
pub mod build;
pub mod ci;
pub mod dist;
pub mod doctor;
pub mod init;
pub mod merge;
pub mod plan;
pub mod remove_target;
pub mod rename;
pub mod targets;
pub mod test;
pub mod verify;
pub mod wxs;
