//! The per-target summary printed at the end of `build`, `test` and `dist`.

use anyhow::{Result, bail};

use crate::targets::TargetSpec;
use crate::util::progress;

/// How one target fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Built, and its tests (or smoke run) passed under its runner.
    Passed,
    /// Built; nothing on this machine can run it, so nothing was run.
    BuildOnly,
    /// Built and nothing more was asked.
    Built,
    /// Not built on this machine, for the reason given, which also says
    /// where it is built instead; the other targets go on.
    NotHere(String),
    /// Something failed; the message says what.
    Failed(String),
}

impl Outcome {
    /// Passed for a target whose binaries ran here, build-only for one that
    /// nothing here can run.
    pub fn ran_or_build_only(spec: &TargetSpec) -> Outcome {
        if spec.is_runnable() {
            Outcome::Passed
        } else {
            Outcome::BuildOnly
        }
    }

    /// `success` if the step worked, else what went wrong.
    pub fn of<E: std::fmt::Display>(result: Result<(), E>, success: Outcome) -> Outcome {
        match result {
            Ok(()) => success,
            Err(err) => Outcome::Failed(format!("{err:#}")),
        }
    }
}

/// The outcomes of one command, in target order.
#[derive(Debug, Default)]
pub struct Report {
    rows: Vec<(String, Outcome)>,
}

impl Report {
    pub fn push(&mut self, triple: &str, outcome: Outcome) {
        self.rows.push((triple.to_owned(), outcome));
    }

    /// Whether any target got as far as its build.
    pub fn any_built(&self) -> bool {
        self.rows
            .iter()
            .any(|(_, outcome)| !matches!(outcome, Outcome::NotHere(_)))
    }

    /// Prints the table and fails if any target failed.
    pub fn finish(self, what: &str) -> Result<()> {
        progress::summary(format_args!("\n{what} results:"));
        let width = self
            .rows
            .iter()
            .map(|(triple, _)| triple.len())
            .max()
            .unwrap_or(0);
        for (triple, outcome) in &self.rows {
            let text = match outcome {
                Outcome::Passed => "passed".to_owned(),
                Outcome::BuildOnly => {
                    "build-only (nothing here runs this target's binaries)".to_owned()
                }
                Outcome::Built => "built".to_owned(),
                Outcome::NotHere(reason) => format!("not built here: {reason}"),
                Outcome::Failed(reason) => format!("FAILED: {reason}"),
            };
            progress::summary(format_args!("  {triple:<width$}  {text}"));
        }
        let failed: Vec<&str> = self
            .rows
            .iter()
            .filter(|(_, outcome)| matches!(outcome, Outcome::Failed(_)))
            .map(|(triple, _)| triple.as_str())
            .collect();
        if !failed.is_empty() {
            bail!(
                "{what} failed for {}; the log above says why.",
                failed.join(", ")
            );
        }
        Ok(())
    }
}
