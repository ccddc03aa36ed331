//! The engine's vocabulary with front ends: the [`Command`]s it takes, the [`Reply`]s it gives
//! and the [`Event`]s it sends. All of it is serializable, so a client of the workspace's host
//! speaks it over a socket exactly as an in-process front end does.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::execution::{ActionId, AttemptKey, Change, ExecutionId, Trigger};
use crate::model::Pipeline;
use crate::model::status::{ExecutionStatus, RetryMode, StopMode};

/// Something that happened, for front ends to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A durable state change (already committed to the store).
    Changed(Change),
    /// An attempt's log file grew to `len` bytes.
    LogGrew {
        /// Which attempt.
        key: AttemptKey,
        /// The file's length now.
        len: u64,
    },
    /// The front end's link to the workspace's engine changed (its host went away and this
    /// process took over, or connected to the new host). Events may have been missed: read
    /// what is shown again from the store.
    Relinked {
        /// Whether this process now hosts the engine.
        hosting: bool,
    },
}

/// A request to start an execution.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartRequest {
    /// The definition to run (a snapshot: later edits do not affect the execution).
    pub pipeline: Pipeline,
    /// The file it came from.
    pub file: PathBuf,
    /// Values for declared pipeline variables, overriding their defaults.
    pub variables: IndexMap<String, String>,
    /// Source action name → revision (commit) to take instead of the configured one.
    pub source_revisions: IndexMap<String, String>,
    /// What started it.
    pub trigger: Trigger,
}

/// What front ends ask the engine to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Command {
    /// Start an execution.
    Start(Box<StartRequest>),
    /// Approve or reject a waiting approval.
    Decide {
        /// The execution.
        execution_id: ExecutionId,
        /// The approval's stage.
        stage: String,
        /// The approval action.
        action: String,
        /// Approve (true) or reject.
        approved: bool,
        /// Why (at most 512 characters).
        summary: String,
    },
    /// Stop an execution.
    Stop {
        /// The execution.
        execution_id: ExecutionId,
        /// Wait for running actions, or kill them.
        mode: StopMode,
        /// Why.
        reason: String,
    },
    /// Run a failed stage again.
    RetryStage {
        /// The failed execution.
        execution_id: ExecutionId,
        /// The failed stage.
        stage: String,
        /// Failed actions only, or all.
        mode: RetryMode,
    },
    /// Disable or enable the transition into a stage.
    SetTransition {
        /// The pipeline.
        pipeline: String,
        /// The stage the transition leads into.
        stage: String,
        /// Enable (true) or disable.
        enabled: bool,
        /// Why it is disabled.
        reason: Option<String>,
    },
    /// List the executions in progress.
    Status,
    /// Remove the executions past the workspace's retention rule (see
    /// [`crate::engine::retention`]); with `dry_run`, only list them.
    Prune {
        /// List, remove nothing.
        dry_run: bool,
    },
}

/// The engine's answer to a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// An execution started.
    Started {
        /// Its id.
        execution_id: ExecutionId,
    },
    /// The command was carried out.
    Done,
    /// The executions in progress, oldest first.
    Status(Vec<LiveExecution>),
    /// What a prune removed (or would remove).
    Pruned(super::retention::Pruned),
}

/// An execution in progress, as `pipewright status` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveExecution {
    /// Its id.
    pub id: ExecutionId,
    /// The pipeline.
    pub pipeline: String,
    /// InProgress or Stopping.
    pub status: ExecutionStatus,
    /// When it started (Unix ms).
    pub started_ms: i64,
    /// The stage it runs, or waits in front of.
    pub stage: String,
    /// Whether it waits in front of `stage` rather than running it.
    pub waiting: bool,
    /// The actions running now.
    pub running: Vec<ActionId>,
    /// The approvals waiting for a decision.
    pub approvals: Vec<WaitingApproval>,
}

/// An approval waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingApproval {
    /// The approval action.
    pub action: ActionId,
    /// Its message.
    pub message: Option<String>,
    /// When it times out (Unix ms).
    pub expires_ms: i64,
}
