//! `pipewright prune [WORKSPACE] [--dry-run]`: removes the executions past the workspace's
//! retention rule (`pipewright.ron`; by default the newest 200 of each pipeline stay), with
//! their logs, artifacts and reports. It goes through the workspace's engine (hosting it for
//! the moment when nobody does), so it never races a running execution; live executions and
//! deployed releases always stay.

use std::path::PathBuf;

use chrono::{Local, TimeZone};

use super::error::CliError;
use super::{EXIT_OK, print_line, workspace_or_here};
use crate::engine::{Command, Reply};
use crate::host::{Session, SessionOptions};
use crate::model::settings::SETTINGS_FILE;
use crate::store::WorkspacePaths;

/// The options of `pipewright prune`.
#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// The workspace folder (default: the current folder).
    pub workspace: Option<PathBuf>,
    /// List what would be removed; remove nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `pipewright prune`.
pub fn run(args: PruneArgs) -> Result<u8, CliError> {
    let root = workspace_or_here(args.workspace.as_deref())?;
    if !WorkspacePaths::new(&root).database().is_file() {
        print_line(&format!(
            "nothing to prune: nothing has run in {}",
            root.display()
        ));
        return Ok(EXIT_OK);
    }
    let session = Session::open(&root, SessionOptions::new("pipewright prune"))
        .map_err(|error| CliError::failed(error.to_string()))?;
    let answer = session.send(Command::Prune {
        dry_run: args.dry_run,
    });
    let answer = answer.wait();
    session.close("pipewright prune ended");
    let pruned = match answer {
        Ok(Reply::Pruned(pruned)) => pruned,
        Ok(other) => {
            return Err(CliError::failed(format!(
                "the workspace's host answered {other:?}: is it an older Pipewright?"
            )));
        }
        Err(error) => return Err(CliError::failed(error.to_string())),
    };
    let verb = if pruned.dry_run {
        "would remove"
    } else {
        "removed"
    };
    for execution in &pruned.executions {
        let started = Local
            .timestamp_millis_opt(execution.started_ms)
            .single()
            .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S").to_string());
        let line = format!(
            "{verb} {} {} {started} {}",
            execution.id, execution.pipeline, execution.status
        );
        if !print_line(&line) {
            return Ok(EXIT_OK);
        }
    }
    for left in &pruned.left {
        print_line(&format!("could not remove {left}"));
    }
    let count = pruned.executions.len();
    let summary = match (count, pruned.dry_run) {
        (0, _) => format!(
            "nothing to prune: every execution is within the retention rule ({SETTINGS_FILE})"
        ),
        (_, true) => format!(
            "would remove {count} execution(s) with their logs, artifacts and reports: run without --dry-run to remove them"
        ),
        (_, false) => {
            format!("removed {count} execution(s) with their logs, artifacts and reports")
        }
    };
    print_line(&summary);
    Ok(if pruned.left.is_empty() {
        EXIT_OK
    } else {
        super::EXIT_FAILED
    })
}
