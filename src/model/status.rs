//! The states of executions, stages and actions (CodePipeline's names).

use serde::{Deserialize, Serialize};

/// The state of a pipeline execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExecutionStatus {
    /// Running, or waiting in front of a stage.
    InProgress,
    /// A stop was asked for; running actions are finishing or being killed.
    Stopping,
    /// Stopped by a person.
    Stopped,
    /// Every stage succeeded.
    Succeeded,
    /// A newer execution replaced it while it waited in front of a stage.
    Superseded,
    /// An action failed, an approval was rejected, or Pipewright was interrupted.
    Failed,
    /// Ended before it started a stage.
    Cancelled,
}

/// The state of one stage in one execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StageStatus {
    /// Its actions are running.
    InProgress,
    /// A stop was asked for while it ran.
    Stopping,
    /// Stopped by a person.
    Stopped,
    /// Every action succeeded.
    Succeeded,
    /// An action failed.
    Failed,
    /// Ended before it started.
    Cancelled,
    /// Not run, because an earlier stage ended the execution.
    Skipped,
}

/// The state of one action attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionStatus {
    /// Running, or (for an approval) waiting for a decision.
    InProgress,
    /// Killed or given up by a stop.
    Abandoned,
    /// Finished well.
    Succeeded,
    /// Finished badly.
    Failed,
}

macro_rules! status_text {
    ($type:ty { $($variant:ident),* $(,)? }) => {
        impl $type {
            /// The status's name as CodePipeline writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => stringify!($variant),)*
                }
            }

            /// Reads a status name written by [`Self::as_str`].
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $(stringify!($variant) => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

status_text!(ExecutionStatus {
    InProgress,
    Stopping,
    Stopped,
    Succeeded,
    Superseded,
    Failed,
    Cancelled
});
status_text!(StageStatus {
    InProgress,
    Stopping,
    Stopped,
    Succeeded,
    Failed,
    Cancelled,
    Skipped
});
status_text!(ActionStatus {
    InProgress,
    Abandoned,
    Succeeded,
    Failed
});

impl ExecutionStatus {
    /// Whether the execution has ended for good (it may still be retried if Failed).
    pub fn is_final(self) -> bool {
        !matches!(self, Self::InProgress | Self::Stopping)
    }
}

impl StageStatus {
    /// Whether the stage has ended.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::InProgress | Self::Stopping)
    }
}

impl ActionStatus {
    /// Whether the attempt has ended.
    pub fn is_final(self) -> bool {
        self != Self::InProgress
    }
}

/// How a stop treats running actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StopMode {
    /// Let running actions finish; start nothing new.
    Wait,
    /// Kill running process trees; their actions end Abandoned.
    Abandon,
}

/// Which actions a stage retry runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RetryMode {
    /// Only the actions that did not succeed (CodePipeline's FAILED_ACTIONS).
    FailedActions,
    /// Every action of the stage (ALL_ACTIONS).
    AllActions,
}
