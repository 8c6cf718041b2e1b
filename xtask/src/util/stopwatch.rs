//! Time spent per named stage, for dist's summary and `bench dist`: where
//! the time went, printed, never asserted.

use std::cell::RefCell;
use std::time::{Duration, Instant};

/// The time of each stage, summed over every time it ran, in the order
/// the stages first ran.
#[derive(Debug, Default)]
pub struct Stopwatch {
    stages: RefCell<Vec<(String, Duration)>>,
}

impl Stopwatch {
    /// Runs `work` and adds its time to `stage`.
    pub fn time<T>(&self, stage: &str, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        self.add(stage, started.elapsed());
        result
    }

    /// Adds `took` to `stage`.
    pub fn add(&self, stage: &str, took: Duration) {
        let mut stages = self.stages.borrow_mut();
        match stages.iter_mut().find(|(name, _)| name == stage) {
            Some((_, total)) => *total += took,
            None => stages.push((stage.to_owned(), took)),
        }
    }

    /// The time of `stage` (zero if it never ran).
    pub fn of(&self, stage: &str) -> Duration {
        self.stages
            .borrow()
            .iter()
            .find(|(name, _)| name == stage)
            .map_or(Duration::ZERO, |(_, took)| *took)
    }

    /// Every stage and its time.
    pub fn stages(&self) -> Vec<(String, Duration)> {
        self.stages.borrow().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_that_runs_twice_is_summed_in_its_first_place() {
        let stopwatch = Stopwatch::default();
        stopwatch.add("build", Duration::from_secs(2));
        stopwatch.add("tar.gz", Duration::from_secs(1));
        assert_eq!(stopwatch.time("build", || 7), 7);
        stopwatch.add("build", Duration::from_secs(3));
        let stages = stopwatch.stages();
        assert_eq!(stages[0].0, "build");
        assert!(stopwatch.of("build") >= Duration::from_secs(5));
        assert_eq!(stages[1], ("tar.gz".to_owned(), Duration::from_secs(1)));
        assert_eq!(stopwatch.of("deb"), Duration::ZERO);
    }
}
