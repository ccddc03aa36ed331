//! The verbs of the aws codepipeline CLI, sent to the workspace's host: `approve`, `reject`,
//! `stop`, `retry`, `transition` and `status`. Without a host they say that nothing runs.

use std::path::{Path, PathBuf};

use chrono::{Local, TimeZone};

use super::error::CliError;
use super::{EXIT_OK, workspace_or_here};
use crate::engine::{Command, LiveExecution, Reply};
use crate::execution::{ActionId, ExecutionId};
use crate::host::Session;
use crate::model::quote::quote;
use crate::model::status::{RetryMode, StopMode};
use crate::model::workspace;
use crate::store::{Store, StoreError, WorkspacePaths};

/// Where the workspace is (default: the current folder).
#[derive(Debug, clap::Args)]
pub struct WorkspaceArg {
    /// The workspace folder (default: the current folder).
    #[arg(long, short = 'w')]
    pub workspace: Option<PathBuf>,
}

/// The options of `pipewright approve`.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The execution id, or any unique beginning of it.
    pub execution: String,
    /// The approval action.
    #[arg(value_name = "STAGE/ACTION")]
    pub action: String,
    /// Why (at most 512 characters).
    #[arg(long, default_value = "approved on the command line")]
    pub summary: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub workspace: WorkspaceArg,
}

/// The options of `pipewright reject`.
#[derive(Debug, clap::Args)]
pub struct RejectArgs {
    /// The execution id, or any unique beginning of it.
    pub execution: String,
    /// The approval action.
    #[arg(value_name = "STAGE/ACTION")]
    pub action: String,
    /// Why (at most 512 characters).
    #[arg(long)]
    pub summary: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub workspace: WorkspaceArg,
}

/// The options of `pipewright stop`.
#[derive(Debug, clap::Args)]
pub struct StopArgs {
    /// The execution id, or any unique beginning of it.
    pub execution: String,
    /// Kill running actions instead of letting them finish.
    #[arg(long)]
    pub abandon: bool,
    /// Why (recorded with the execution).
    #[arg(long, default_value = "stopped on the command line")]
    pub reason: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub workspace: WorkspaceArg,
}

/// The options of `pipewright retry`.
#[derive(Debug, clap::Args)]
pub struct RetryArgs {
    /// The execution id, or any unique beginning of it.
    pub execution: String,
    /// The stage that failed.
    pub stage: String,
    /// Run every action of the stage again, not only the failed ones.
    #[arg(long)]
    pub all_actions: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub workspace: WorkspaceArg,
}

/// The options of `pipewright transition`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("switch").required(true).args(["enable", "disable"])))]
pub struct TransitionArgs {
    /// The pipeline.
    pub pipeline: String,
    /// The stage the transition leads into.
    pub stage: String,
    /// Let executions into the stage again.
    #[arg(long)]
    pub enable: bool,
    /// Hold executions in front of the stage.
    #[arg(long, requires = "reason")]
    pub disable: bool,
    /// Why it is disabled.
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub workspace: WorkspaceArg,
}

/// The options of `pipewright status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The workspace folder (default: the current folder).
    pub workspace: Option<PathBuf>,
    /// Print one JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// Connects to the host, or says that nothing runs.
fn host(workspace: &Path, verb: &str) -> Result<Session, CliError> {
    match Session::connect(workspace, &format!("pipewright {verb}")) {
        Ok(Some(session)) => Ok(session),
        Ok(None) => Err(CliError::failed(format!(
            "nothing is running in {}: no Pipewright hosts it (the app, `pipewright run`, `watch` or `serve` do)",
            workspace.display()
        ))),
        Err(error) => Err(CliError::failed(error.to_string())),
    }
}

/// A full execution id from any unique beginning of it, read from the history.
fn resolve(workspace: &Path, prefix: &str) -> Result<ExecutionId, CliError> {
    let store = Store::open_read_only(workspace).map_err(|error| match error {
        StoreError::NoHistory(_) => CliError::failed(format!(
            "nothing has run in {}: there is no execution {}",
            workspace.display(),
            quote(prefix)
        )),
        other => CliError::bad_input(other.to_string()),
    })?;
    store
        .resolve_execution_id(prefix)
        .map(ExecutionId::from)
        .map_err(|error| CliError::bad_input(error.to_string()))
}

fn action(text: &str) -> Result<ActionId, CliError> {
    ActionId::parse(text).ok_or_else(|| {
        CliError::bad_input(format!("{}: write the action as STAGE/ACTION", quote(text)))
    })
}

/// Sends `command` and prints `done` when the host carried it out.
fn send(session: &Session, command: Command, done: &str) -> Result<u8, CliError> {
    session
        .send(command)
        .wait()
        .map_err(|error| CliError::failed(error.to_string()))?;
    println!("{done}");
    Ok(EXIT_OK)
}

fn decide(
    workspace: &WorkspaceArg,
    execution: &str,
    target: &str,
    approved: bool,
    summary: String,
) -> Result<u8, CliError> {
    let root = workspace_or_here(workspace.workspace.as_deref())?;
    let target = action(target)?;
    let session = host(&root, if approved { "approve" } else { "reject" })?;
    let id = resolve(&root, execution)?;
    let done = format!(
        "{target} of execution {} {}",
        id.short(),
        if approved { "approved" } else { "rejected" }
    );
    send(
        &session,
        Command::Decide {
            execution_id: id,
            stage: target.stage,
            action: target.action,
            approved,
            summary,
        },
        &done,
    )
}

/// `pipewright approve EXECUTION STAGE/ACTION [--summary TEXT]`.
pub fn approve(args: ApproveArgs) -> Result<u8, CliError> {
    decide(
        &args.workspace,
        &args.execution,
        &args.action,
        true,
        args.summary,
    )
}

/// `pipewright reject EXECUTION STAGE/ACTION --summary TEXT`.
pub fn reject(args: RejectArgs) -> Result<u8, CliError> {
    decide(
        &args.workspace,
        &args.execution,
        &args.action,
        false,
        args.summary,
    )
}

/// `pipewright stop EXECUTION [--abandon] [--reason TEXT]`.
pub fn stop(args: StopArgs) -> Result<u8, CliError> {
    let root = workspace_or_here(args.workspace.workspace.as_deref())?;
    let session = host(&root, "stop")?;
    let id = resolve(&root, &args.execution)?;
    let done = format!(
        "execution {} {}",
        id.short(),
        if args.abandon {
            "stops now: running actions are abandoned"
        } else {
            "stops once its running actions finish"
        }
    );
    send(
        &session,
        Command::Stop {
            execution_id: id,
            mode: if args.abandon {
                StopMode::Abandon
            } else {
                StopMode::Wait
            },
            reason: args.reason,
        },
        &done,
    )
}

/// `pipewright retry EXECUTION STAGE [--all-actions]`.
pub fn retry(args: RetryArgs) -> Result<u8, CliError> {
    let root = workspace_or_here(args.workspace.workspace.as_deref())?;
    let session = host(&root, "retry")?;
    let id = resolve(&root, &args.execution)?;
    let done = format!(
        "stage {} of execution {} runs again",
        args.stage,
        id.short()
    );
    send(
        &session,
        Command::RetryStage {
            execution_id: id,
            stage: args.stage,
            mode: if args.all_actions {
                RetryMode::AllActions
            } else {
                RetryMode::FailedActions
            },
        },
        &done,
    )
}

/// `pipewright transition PIPELINE STAGE --disable --reason TEXT | --enable`.
pub fn transition(args: TransitionArgs) -> Result<u8, CliError> {
    let root = workspace_or_here(args.workspace.workspace.as_deref())?;
    let session = host(&root, "transition")?;
    let done = format!(
        "the transition into {}/{} is {}",
        args.pipeline,
        args.stage,
        if args.enable { "enabled" } else { "disabled" }
    );
    send(
        &session,
        Command::SetTransition {
            pipeline: args.pipeline,
            stage: args.stage,
            enabled: args.enable,
            reason: args.reason,
        },
        &done,
    )
}

/// `pipewright status [WORKSPACE] [--json]`: the live executions and their waiting approvals.
pub fn status(args: StatusArgs) -> Result<u8, CliError> {
    let root = workspace_or_here(args.workspace.as_deref())?;
    let session = match Session::connect(&root, "pipewright status") {
        Ok(Some(session)) => session,
        Ok(None) => {
            let state = WorkspacePaths::new(&root).state_dir();
            if !state.is_dir() && workspace::pipeline_files(&root).is_empty() {
                return Err(CliError::bad_input(format!(
                    "{} is not a Pipewright workspace (no .pipewright/ and no *.pipeline.ron files): give the workspace folder",
                    root.display()
                )));
            }
            if !args.json {
                println!("nothing is running in {}", root.display());
            }
            return Ok(EXIT_OK);
        }
        Err(error) => return Err(CliError::failed(error.to_string())),
    };
    let live = match session.send(Command::Status).wait() {
        Ok(Reply::Status(live)) => live,
        Ok(_) => Vec::new(),
        Err(error) => return Err(CliError::failed(error.to_string())),
    };
    if args.json {
        for execution in &live {
            let line = serde_json::to_string(execution)
                .map_err(|error| CliError::failed(error.to_string()))?;
            if !super::print_line(&line) {
                break;
            }
        }
        return Ok(EXIT_OK);
    }
    let host = session
        .host()
        .map(|h| format!("{} (pid {})", h.name, h.pid))
        .unwrap_or_default();
    if live.is_empty() {
        super::print_line(&format!("nothing is running; hosted by {host}"));
        return Ok(EXIT_OK);
    }
    super::print_line(&format!("hosted by {host}"));
    for execution in &live {
        if !print_live(execution) {
            break;
        }
    }
    Ok(EXIT_OK)
}

/// Prints one live execution; false when stdout is closed.
fn print_live(execution: &LiveExecution) -> bool {
    let started = Local
        .timestamp_millis_opt(execution.started_ms)
        .single()
        .map_or_else(String::new, |t| t.format("%H:%M:%S").to_string());
    let place = if execution.waiting {
        format!("waiting for stage {}", execution.stage)
    } else {
        format!("in stage {}", execution.stage)
    };
    let mut lines = vec![format!(
        "{}  {}  {}  started {started}  {place}",
        execution.id.short(),
        execution.pipeline,
        execution.status
    )];
    for approval in &execution.approvals {
        lines.push(format!(
            "          {} waits for approval{} (pipewright approve {} {})",
            approval.action,
            approval
                .message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default(),
            execution.id.short(),
            approval.action
        ));
    }
    lines.iter().all(|line| super::print_line(line))
}
