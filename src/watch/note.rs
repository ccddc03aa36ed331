//! What the watcher reports: a trigger started watching, fired, failed or recovered.

use std::fmt;

use super::WatchError;
use crate::execution::ExecutionId;

/// One thing the watcher did or noticed.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The pipeline (or file) concerned.
    pub pipeline: String,
    /// The trigger, e.g. "GitChange on Checkout".
    pub trigger: String,
    /// What happened.
    pub kind: NoteKind,
}

/// The kinds of [`Note`].
#[derive(Debug, Clone, PartialEq)]
pub enum NoteKind {
    /// The trigger's first check succeeded: from now on changes fire.
    Watching,
    /// It fired and an execution started.
    Fired {
        /// What happened, e.g. "push to main by Ada: 1a2b3c4 Fix".
        detail: String,
        /// The execution it started.
        execution: ExecutionId,
    },
    /// It fired while the pipeline's triggers were paused.
    Paused {
        /// What happened.
        detail: String,
    },
    /// It fired but the execution could not start.
    NotStarted {
        /// What happened.
        detail: String,
        /// Why it did not start (the engine's message).
        error: String,
    },
    /// It cannot watch (reported once; retried with back-off).
    Failing(WatchError),
    /// It can watch again.
    Recovered,
    /// The pipeline file has problems; its triggers are off until it validates.
    Invalid(String),
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (pipeline, trigger) = (&self.pipeline, &self.trigger);
        match &self.kind {
            NoteKind::Watching => write!(f, "{pipeline}: watching {trigger}"),
            NoteKind::Fired { detail, execution } => write!(
                f,
                "{pipeline}: {detail} → started execution {}",
                execution.short()
            ),
            NoteKind::Paused { detail } => {
                write!(f, "{pipeline}: {detail} → ignored, triggers are paused")
            }
            NoteKind::NotStarted { detail, error } => {
                write!(f, "{pipeline}: {detail} → could not start: {error}")
            }
            NoteKind::Failing(error) => {
                write!(f, "{pipeline}: {trigger}: {error} (will retry)")
            }
            NoteKind::Recovered => write!(f, "{pipeline}: {trigger}: working again"),
            NoteKind::Invalid(problem) => write!(
                f,
                "{pipeline}: triggers are off until the file validates: {problem}"
            ),
        }
    }
}
