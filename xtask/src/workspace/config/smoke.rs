//! How dist smoke-runs a package's binaries: `smoke-run` in its
//! `[package.metadata.dist]`.
//!
//! By default each binary runs as `<bin> --version` under its target's
//! runner. A program whose version is reported otherwise names its own
//! arguments, `smoke-run = ["version"]`; one that cannot start here (it
//! needs a display, a device, a service) turns the run off with the
//! reason, `smoke-run = { skip = "needs a display" }`, which dist prints.

use anyhow::{Result, bail};

use super::tables::SmokeRunSetting;

/// The package's smoke run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmokeRun {
    /// Run each binary with these arguments: it must exit 0 and print the
    /// release's version.
    Args(Vec<String>),
    /// Not run, for this reason.
    Skip(String),
}

impl Default for SmokeRun {
    fn default() -> SmokeRun {
        SmokeRun::Args(vec!["--version".to_owned()])
    }
}

impl SmokeRun {
    /// `smoke-run` of `[package.metadata.dist]` of `package`, if set.
    pub(super) fn from_setting(
        setting: Option<&SmokeRunSetting>,
        package: &str,
    ) -> Result<SmokeRun> {
        match setting {
            None => Ok(SmokeRun::default()),
            Some(SmokeRunSetting::Args(args)) if !args.is_empty() => {
                Ok(SmokeRun::Args(args.clone()))
            }
            Some(SmokeRunSetting::Args(_)) => bail!(
                "[package.metadata.dist] of `{package}` has `smoke-run = []`: give the \
                 arguments that make the binary print its version, like [\"--version\"], \
                 or turn it off with `smoke-run = {{ skip = \"why\" }}`."
            ),
            Some(SmokeRunSetting::Off(off)) if !off.skip.trim().is_empty() => {
                Ok(SmokeRun::Skip(off.skip.trim().to_owned()))
            }
            Some(SmokeRunSetting::Off(_)) => bail!(
                "[package.metadata.dist] of `{package}` turns the smoke run off without a \
                 reason: `skip` is the reason dist prints, like \
                 `smoke-run = {{ skip = \"needs a display\" }}`."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::config::tables::{self, PackageTable};
    use serde_json::{Value, json};

    fn smoke_run(setting: Value) -> Result<SmokeRun> {
        let table = json!({ "smoke-run": setting });
        let table: PackageTable = tables::read(&table, "[package.metadata.dist] of `tool`")?;
        SmokeRun::from_setting(table.smoke_run.as_ref(), "tool")
    }

    #[test]
    fn arguments_a_reason_or_the_default() {
        assert_eq!(
            SmokeRun::from_setting(None, "tool").unwrap(),
            SmokeRun::Args(vec!["--version".into()])
        );
        assert_eq!(
            smoke_run(json!(["version", "--short"])).unwrap(),
            SmokeRun::Args(vec!["version".into(), "--short".into()])
        );
        assert_eq!(
            smoke_run(json!({ "skip": "needs a display" })).unwrap(),
            SmokeRun::Skip("needs a display".into())
        );
    }

    #[test]
    fn empty_or_misshapen_settings_are_refused() {
        for bad in [
            json!([]),
            json!([1]),
            json!("--version"),
            json!(false),
            json!({ "skip": "" }),
            json!({ "skip": "why", "args": [] }),
        ] {
            let err = format!("{:#}", smoke_run(bad.clone()).unwrap_err());
            assert!(err.contains("`tool`"), "{bad}: {err}");
            assert!(err.contains("smoke-run"), "{bad}: {err}");
        }
    }
}
