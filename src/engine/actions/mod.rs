//! Action providers: one file each, all behind [`ActionStep`].
//!
//! The runner prepares an [`ActionContext`] (working copy, inputs, outputs, environment, log,
//! stop control) and calls the provider's configuration to do the work. The generic engine
//! code asks a provider only through [`step`], the one `match` over providers in the engine:
//! adding a provider to the model's registry fails to compile until it has a file here.

mod buildspec;
mod commands;
mod folder;
mod foreign;
pub mod git;
pub mod local_deploy;
mod manual;
mod script;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use indexmap::IndexMap;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::execution::AttemptKey;
use crate::execution::TestReport;
use crate::model::Provider;
use crate::model::status::ActionStatus;

use super::log_sink::LogSink;
use super::process::{Control, Launcher};
use super::target_locks::{TargetLocks, WaitReporter};

/// A message to a running action from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// A person approved (true) or rejected an approval, with a summary.
    Decision {
        /// Approved or rejected.
        approved: bool,
        /// Their words.
        summary: String,
        /// Who.
        by: String,
    },
}

/// Everything an action needs to run.
pub struct ActionContext {
    /// Which attempt this is.
    pub key: AttemptKey,
    /// The workspace folder (relative paths in configurations start here).
    pub workspace: PathBuf,
    /// The working directory: a fresh copy of the first input artifact (or empty).
    pub work_dir: PathBuf,
    /// A folder for files about the attempt that are not part of the working copy; it does
    /// not exist until a provider creates it.
    pub side_dir: PathBuf,
    /// Input artifacts: name and the private copy the action may read.
    pub inputs: Vec<(String, PathBuf)>,
    /// Output artifacts: name and the folder to fill.
    pub outputs: Vec<(String, PathBuf)>,
    /// Environment variables for processes (action env, secrets and `PIPEWRIGHT_*`).
    pub env: Vec<(String, String)>,
    /// The attempt's log.
    pub log: Arc<LogSink>,
    /// Deadline and stop-and-abandon.
    pub control: Control,
    /// Starts the attempt's processes under supervision.
    pub launcher: Launcher,
    /// Messages such as approval decisions.
    pub signals: UnboundedReceiver<Signal>,
    /// A revision asked for at start (source actions).
    pub source_revision: Option<String>,
    /// The action's timeout, for messages.
    pub timeout: std::time::Duration,
    /// Deploy targets, one deploy at a time each.
    pub targets: Arc<TargetLocks>,
    /// Tells the engine (and so the card) what the attempt waits for.
    pub waiting: Arc<dyn WaitReporter>,
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionResult {
    /// Succeeded, Failed or Abandoned.
    pub status: ActionStatus,
    /// What happened, in a sentence or a few lines.
    pub summary: Option<String>,
    /// The exit code of the process that decided the outcome.
    pub exit_code: Option<i32>,
    /// Variables for later actions.
    pub output_variables: IndexMap<String, String>,
    /// Things that went wrong without failing the action.
    pub warnings: Vec<String>,
    /// Test reports the action wrote.
    pub reports: Vec<TestReport>,
}

impl ActionResult {
    /// A success with a summary.
    pub fn succeeded(summary: impl Into<Option<String>>) -> Self {
        Self {
            status: ActionStatus::Succeeded,
            summary: summary.into(),
            exit_code: None,
            output_variables: IndexMap::new(),
            warnings: Vec::new(),
            reports: Vec::new(),
        }
    }

    /// A failure with a summary.
    pub fn failed(summary: impl Into<String>) -> Self {
        Self {
            status: ActionStatus::Failed,
            summary: Some(summary.into()),
            exit_code: None,
            output_variables: IndexMap::new(),
            warnings: Vec::new(),
            reports: Vec::new(),
        }
    }

    /// An action given up by a stop.
    pub fn abandoned(summary: impl Into<String>) -> Self {
        Self {
            status: ActionStatus::Abandoned,
            summary: Some(summary.into()),
            exit_code: None,
            output_variables: IndexMap::new(),
            warnings: Vec::new(),
            reports: Vec::new(),
        }
    }
}

/// The future a provider's run step returns.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = ActionResult> + Send + 'a>>;

/// What an approval asks a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRequest {
    /// The message for the approver (variables resolved).
    pub message: Option<String>,
    /// A link to look at before deciding.
    pub review_url: Option<String>,
}

/// A provider in the engine: its run step, and the answers to what the generic runner asks
/// before and after it.
pub trait ActionStep: Sync {
    /// Does the work of one attempt.
    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a>;

    /// Whether it runs processes in a private working copy of its first input (otherwise it
    /// reads its inputs where they are, without changing them, in the workspace).
    fn uses_working_copy(&self) -> bool {
        false
    }

    /// Whether it takes one of the slots that limit how many actions run processes at once
    /// (an approval only waits, so it does not).
    fn needs_slot(&self) -> bool {
        true
    }

    /// What to ask a person, when the action is an approval.
    fn approval(&self) -> Option<ApprovalRequest> {
        None
    }

    /// Globs (relative to the working copy) of JUnit reports the runner collects after it.
    fn report_globs(&self) -> &[String] {
        &[]
    }
}

/// The engine's registry: the run step of each provider.
pub fn step(provider: &Provider) -> &dyn ActionStep {
    match provider {
        Provider::Git(config) => config,
        Provider::Folder(config) => config,
        Provider::Commands(config) => config,
        Provider::Manual(config) => config,
        Provider::LocalDeploy(config) => config,
        Provider::Script(config) => config,
        Provider::Buildspec(config) => config,
        Provider::Foreign(config) => config,
    }
}

/// Quotes `text` for `sh` as one word.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
