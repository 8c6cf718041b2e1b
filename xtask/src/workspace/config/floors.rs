//! The oldest system a release must run on: `min-glibc` and `min-macos`.

use anyhow::{Context, Result, bail};

use crate::targets::Version;

/// A `min-…` key of `[workspace.metadata.dist]`: the oldest version of a
/// system a release must run on.
pub(super) struct FloorKey {
    key: &'static str,
    system: &'static str,
    example: &'static str,
    /// What a release built against the floor is: linked, or built for.
    done: &'static str,
}

pub(super) const GLIBC_FLOOR: FloorKey = FloorKey {
    key: "min-glibc",
    system: "glibc",
    example: "2.28",
    done: "link each architecture against",
};

pub(super) const MACOS_FLOOR: FloorKey = FloorKey {
    key: "min-macos",
    system: "macOS",
    example: "12.0",
    done: "build each architecture for",
};

impl FloorKey {
    /// The floor `setting` (the value of `self.key`) sets, if any.
    pub(super) fn configured(&self, setting: Option<&str>) -> Result<Option<Version>> {
        let FloorKey {
            key,
            system,
            example,
            done,
        } = self;
        let Some(text) = setting else {
            return Ok(None);
        };
        Ok(Some(text.parse::<Version>().with_context(|| {
            format!(
                "[workspace.metadata.dist] `{key}` is {text:?}, which is not a {system} \
                 version. Write it as \"{example}\", or remove it to {done} the lowest \
                 {system} Rust supports there"
            )
        })?))
    }

    /// The floor of `triple`, whose lowest possible is `lowest` (`None`:
    /// the floor does not apply to it), given the configured one.
    pub(super) fn for_target(
        &self,
        triple: &str,
        lowest: Option<Version>,
        configured: Option<Version>,
    ) -> Result<Option<Version>> {
        let FloorKey {
            key, system, done, ..
        } = self;
        match (lowest, configured) {
            (None, _) => Ok(None),
            (Some(lowest), None) => Ok(Some(lowest)),
            (Some(lowest), Some(floor)) if floor < lowest => bail!(
                "[workspace.metadata.dist] `{key}` is {floor}, but Rust's standard library \
                 needs {system} {lowest} or newer on {triple}, so no binary for it can run on \
                 an older one. Raise `{key}` to {lowest} or more, or remove it to {done} its \
                 own lowest."
            ),
            (Some(_), Some(floor)) => Ok(Some(floor)),
        }
    }
}
