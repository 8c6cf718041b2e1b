//! Targets with no OS interface this crate knows (WASI, bare metal, …).
//!
//! Every answer is `None`: a template that guessed here would teach the wrong
//! lesson. The OS name is left unknown too, since `cfg!(target_os)` says what
//! the binary was built for, not what it runs on.

use std::path::PathBuf;

pub fn os_name() -> Option<String> {
    None
}

pub fn os_release() -> Option<String> {
    None
}

pub fn machine() -> Option<String> {
    None
}

pub fn logical_cpus() -> Option<usize> {
    None
}

pub fn total_memory() -> Option<u64> {
    None
}

pub fn page_size() -> Option<usize> {
    None
}

pub fn config_dir() -> Option<PathBuf> {
    None
}
