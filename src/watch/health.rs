//! Retry with back-off for a trigger whose repository or folder cannot be read, so a failure
//! is reported once and checked again less and less often until it comes back.

use std::time::{Duration, Instant};

use super::WatchError;

/// The failure state of one trigger.
#[derive(Debug, Default)]
pub struct Health {
    failing: Option<WatchError>,
    delay: Duration,
    retry_at: Option<Instant>,
}

impl Health {
    /// Whether the trigger may be checked at `now`.
    pub fn ready(&self, now: Instant) -> bool {
        self.retry_at.is_none_or(|at| now >= at)
    }

    /// The current problem, if failing.
    pub fn problem(&self) -> Option<&WatchError> {
        self.failing.as_ref()
    }

    /// Records a failure; returns true when it is new (and should be reported).
    pub fn failed(
        &mut self,
        error: WatchError,
        now: Instant,
        first: Duration,
        max: Duration,
    ) -> bool {
        let new = self.failing.is_none();
        self.delay = if new {
            first
        } else {
            (self.delay * 2).min(max)
        };
        self.retry_at = Some(now + self.delay);
        self.failing = Some(error);
        new
    }

    /// Records a success; returns true when the trigger was failing until now.
    pub fn succeeded(&mut self) -> bool {
        self.retry_at = None;
        self.failing.take().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_new_once_and_back_off_up_to_the_limit() {
        let (first, max) = (Duration::from_secs(1), Duration::from_secs(5));
        let start = Instant::now();
        let gone = || WatchError::FolderMissing {
            path: "gone".into(),
        };
        let mut health = Health::default();
        assert!(health.ready(start));
        assert!(health.failed(gone(), start, first, max));
        assert!(!health.ready(start));
        assert!(health.ready(start + first));
        assert!(!health.failed(gone(), start, first, max));
        assert!(!health.ready(start + first), "waits 2s the second time");
        health.failed(gone(), start, first, max);
        health.failed(gone(), start, first, max);
        assert!(health.ready(start + max), "never more than the limit");
        assert_eq!(health.problem(), Some(&gone()));
        assert!(health.succeeded());
        assert!(!health.succeeded());
        assert!(health.ready(start));
    }
}
