//! How dist smoke-runs a package's binaries: `smoke-run` in its
//! `[package.metadata.dist]`.
//!
//! By default each binary runs as `<bin> --version` under its target's
//! runner. A program whose version is reported otherwise names its own
//! arguments, `smoke-run = ["version"]`; one that cannot start here (it
//! needs a display, a device, a service) turns the run off with the
//! reason, `smoke-run = { skip = "needs a display" }`, which dist prints.

use anyhow::{Result, bail};
use serde_json::Value;

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
    pub(super) fn from_setting(setting: Option<&Value>, package: &str) -> Result<SmokeRun> {
        let arguments = |list: &Vec<Value>| -> Option<Vec<String>> {
            list.iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect()
        };
        match setting {
            None => Ok(SmokeRun::default()),
            Some(Value::Array(list)) => match arguments(list) {
                Some(args) if !args.is_empty() => Ok(SmokeRun::Args(args)),
                _ => bail!(
                    "[package.metadata.dist] of `{package}` has `smoke-run = {}`: give the \
                     arguments that make the binary print its version, like [\"--version\"], \
                     or turn it off with `smoke-run = {{ skip = \"why\" }}`.",
                    Value::Array(list.clone())
                ),
            },
            Some(Value::Object(table)) => match (table.get("skip"), table.len()) {
                (Some(Value::String(why)), 1) if !why.trim().is_empty() => {
                    Ok(SmokeRun::Skip(why.trim().to_owned()))
                }
                _ => bail!(
                    "[package.metadata.dist] of `{package}` has `smoke-run = {}`: a table turns \
                     the smoke run off and has only `skip`, the reason dist prints, like \
                     `smoke-run = {{ skip = \"needs a display\" }}`.",
                    Value::Object(table.clone())
                ),
            },
            Some(other) => bail!(
                "[package.metadata.dist] of `{package}` has `smoke-run = {other}`: it is a list \
                 of arguments, like [\"--version\"], or `{{ skip = \"why\" }}`."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_a_reason_or_the_default() {
        assert_eq!(
            SmokeRun::from_setting(None, "tool").unwrap(),
            SmokeRun::Args(vec!["--version".into()])
        );
        let args = json!(["version", "--short"]);
        assert_eq!(
            SmokeRun::from_setting(Some(&args), "tool").unwrap(),
            SmokeRun::Args(vec!["version".into(), "--short".into()])
        );
        let skip = json!({ "skip": "needs a display" });
        assert_eq!(
            SmokeRun::from_setting(Some(&skip), "tool").unwrap(),
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
            let err = SmokeRun::from_setting(Some(&bad), "tool").unwrap_err();
            assert!(format!("{err}").contains("`tool`"), "{bad}: {err}");
        }
    }
}
