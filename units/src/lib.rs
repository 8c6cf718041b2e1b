//! Human-readable sizes, shared by the hosted program and the firmware.
//!
//! The crate is `no_std`: it uses only `core`, so it builds for every
//! target in the workspace, from Linux to a Cortex-M3 with no operating
//! system. Code that needs nothing from an OS belongs in a crate like this
//! one, where both sides of the workspace can use it and it is tested once
//! on each kind of target.
#![no_std]

use core::fmt;

/// A number of bytes, displayed in the largest binary unit that keeps the
/// number at least 1: `512 B`, `4.0 KiB`, `1.5 GiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
        let Bytes(bytes) = *self;
        let mut value = bytes as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit < UNITS.len() - 1 {
            value /= 1024.0;
            unit += 1;
        }
        match unit {
            0 => write!(f, "{bytes} B"),
            _ => write!(f, "{value:.1} {}", UNITS[unit]),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::Bytes;

    #[test]
    fn each_size_in_the_largest_unit_that_keeps_it_at_least_one() {
        assert_eq!(Bytes(0).to_string(), "0 B");
        assert_eq!(Bytes(1023).to_string(), "1023 B");
        assert_eq!(Bytes(1024).to_string(), "1.0 KiB");
        assert_eq!(Bytes(3 << 29).to_string(), "1.5 GiB");
        assert_eq!(Bytes(u64::MAX).to_string(), "16777216.0 TiB");
    }
}
