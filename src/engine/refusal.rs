//! Why the engine refused a command: one variant per rule, each with a message that says what
//! to do. Refusals cross the host socket as they are, so a client shows the host's words.

use serde::{Deserialize, Serialize};

use crate::execution::{ActionId, ExecutionId};
use crate::model::status::ExecutionStatus;

/// A command the engine would not carry out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    /// No execution has this id.
    #[error("no execution {0}: list them with `pipewright history`")]
    UnknownExecution(ExecutionId),
    /// The execution is over, so it cannot be changed.
    #[error("execution {} has already ended ({status}{}): nothing can be changed in it", id.short(), reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    ExecutionEnded {
        /// The execution.
        id: ExecutionId,
        /// How it ended.
        status: ExecutionStatus,
        /// Why it ended so.
        reason: Option<String>,
    },
    /// The execution has no such action.
    #[error("execution {} has no action {action}", id.short())]
    UnknownAction {
        /// The execution.
        id: ExecutionId,
        /// The action asked for.
        action: ActionId,
    },
    /// The execution has no such stage.
    #[error("execution {} has no stage \"{stage}\"", id.short())]
    UnknownStage {
        /// The execution.
        id: ExecutionId,
        /// The stage asked for.
        stage: String,
    },
    /// The action is not an approval waiting for a decision.
    #[error("{action} is not waiting for approval")]
    NotWaitingForApproval {
        /// The action.
        action: ActionId,
    },
    /// The approval was answered already.
    #[error("{action} was already {} by {by}", if *approved { "approved" } else { "rejected" })]
    AlreadyAnswered {
        /// The approval.
        action: ActionId,
        /// How it was answered.
        approved: bool,
        /// By whom.
        by: String,
    },
    /// The approval timed out before anyone answered.
    #[error("{action} timed out before anyone answered it")]
    ApprovalTimedOut {
        /// The approval.
        action: ActionId,
    },
    /// An approval summary breaks the rules.
    #[error("{0}")]
    BadSummary(String),
    /// A revision override names something that is not a source action.
    #[error(
        "\"{action}\" is not a source action of pipeline {pipeline}: revision overrides name a source action"
    )]
    NotASource {
        /// The name given.
        action: String,
        /// The pipeline.
        pipeline: String,
    },
    /// A variable was set that the pipeline does not declare.
    #[error("pipeline {pipeline} {}", if declared.is_empty() { format!("declares no variables, so \"{name}\" cannot be set") } else { format!("has no variable \"{name}\"; it declares {}", declared.join(", ")) })]
    UnknownVariable {
        /// The pipeline.
        pipeline: String,
        /// The name given.
        name: String,
        /// The names it declares.
        declared: Vec<String>,
    },
    /// A declared variable has no default and no value was given.
    #[error("variable \"{0}\" has no default: give it a value when starting")]
    MissingVariable(String),
    /// A variable's value breaks the limits a declared default must keep.
    #[error("variable \"{name}\": {problem}")]
    BadVariable {
        /// The variable.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// Only an ended execution's stage can be retried.
    #[error("execution {} is still in progress: only an ended execution's stage can be retried", id.short())]
    StillRunning {
        /// The execution.
        id: ExecutionId,
    },
    /// Only a failed or stopped execution can be retried.
    #[error("execution {} is {status}: only a failed or stopped execution can be retried", id.short())]
    NotRetryable {
        /// The execution.
        id: ExecutionId,
        /// Its status.
        status: ExecutionStatus,
    },
    /// The stage to retry did not fail.
    #[error("stage \"{stage}\" did not fail (it is {status}): retry the stage that failed")]
    StageDidNotFail {
        /// The stage.
        stage: String,
        /// What it is.
        status: String,
    },
    /// Another execution is inside the stage.
    #[error("stage \"{stage}\" is running execution {other}: retry when it is free")]
    StageBusy {
        /// The stage.
        stage: String,
        /// The execution inside it.
        other: String,
    },
    /// A newer execution already ran the stage.
    #[error("a newer execution ({newer}) has already run stage \"{stage}\"")]
    NewerRanStage {
        /// The stage.
        stage: String,
        /// The newer execution.
        newer: String,
    },
    /// A stored execution could not be rebuilt.
    #[error("execution {} cannot be used: {why}", id.short())]
    Unloadable {
        /// The execution.
        id: ExecutionId,
        /// Why.
        why: String,
    },
    /// The definition could not be stored.
    #[error("the definition cannot be stored: {0}")]
    Unwritable(String),
    /// The engine answered a start without an execution id.
    #[error("no execution was started")]
    NothingStarted,
}
