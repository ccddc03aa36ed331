//! The command line: a thin front end over the model, engine and store.

mod answers;
mod error;
mod export;
mod follow;
mod history;
mod import;
mod output;
mod prune;
mod run;
mod validate;
mod verbs;
mod watch;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use error::CliError;

use clap::{Parser, Subcommand};

/// Pipewright: AWS CodePipeline's model (stages, actions, artifacts, approvals), run locally.
#[derive(Debug, Parser)]
#[command(name = "pipewright", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check pipeline files and print every problem as FILE:LINE:COL: message.
    Validate {
        /// The `*.pipeline.ron` files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Open the app on a workspace folder or a pipeline file.
    Open {
        /// A folder, or a `*.pipeline.ron` file.
        path: PathBuf,
    },
    /// Run a pipeline once, printing each state change; exit 0 if it succeeded.
    Run(run::RunArgs),
    /// List a workspace's executions, newest first.
    History(history::HistoryArgs),
    /// Print the logs of an execution.
    Logs(history::LogsArgs),
    /// Host a workspace and run its triggers in the foreground (or follow the process that
    /// hosts it) until Ctrl-C.
    Watch(watch::WatchArgs),
    /// Host a workspace headless with its triggers (for a machine without a display), logging
    /// what happens, until Ctrl-C.
    Serve(watch::WatchArgs),
    /// Show the executions running in a workspace and the approvals they wait for.
    Status(verbs::StatusArgs),
    /// Approve an approval an execution waits for.
    Approve(verbs::ApproveArgs),
    /// Reject an approval an execution waits for.
    Reject(verbs::RejectArgs),
    /// Stop an execution (letting running actions finish, or abandoning them).
    Stop(verbs::StopArgs),
    /// Run a failed stage of an execution again.
    Retry(verbs::RetryArgs),
    /// Disable or enable the transition into a stage of a pipeline.
    Transition(verbs::TransitionArgs),
    /// Read an AWS CodePipeline definition (get-pipeline JSON or CloudFormation) into
    /// pipeline files, with a report of what maps and what does not.
    Import(import::ImportArgs),
    /// Write a pipeline as CodePipeline JSON or a CloudFormation template.
    Export(export::ExportArgs),
    /// Remove the executions past the workspace's retention rule (pipewright.ron; the newest
    /// 200 of each pipeline by default), with their logs, artifacts and reports.
    Prune(prune::PruneArgs),
}

/// Exit code: everything was fine.
pub const EXIT_OK: u8 = 0;
/// Exit code: something was invalid or failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: the input could not be read or used at all.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let code = match cli.command {
        None => gui(None, None)?,
        Some(Command::Open { path }) => {
            if path.is_dir() {
                gui(Some(path), None)?
            } else if path.is_file() {
                gui(None, Some(path))?
            } else {
                return Err(CliError::bad_input(format!(
                    "{} is neither a folder nor a file",
                    path.display()
                )));
            }
        }
        Some(Command::Validate { files }) => validate::run(&files),
        Some(Command::Run(args)) => run::run(args)?,
        Some(Command::History(args)) => history::history(args)?,
        Some(Command::Logs(args)) => history::logs(args)?,
        Some(Command::Watch(args)) => watch::watch(args)?,
        Some(Command::Serve(args)) => watch::serve(args)?,
        Some(Command::Status(args)) => verbs::status(args)?,
        Some(Command::Approve(args)) => verbs::approve(args)?,
        Some(Command::Reject(args)) => verbs::reject(args)?,
        Some(Command::Stop(args)) => verbs::stop(args)?,
        Some(Command::Retry(args)) => verbs::retry(args)?,
        Some(Command::Transition(args)) => verbs::transition(args)?,
        Some(Command::Import(args)) => import::run(args)?,
        Some(Command::Export(args)) => export::run(args)?,
        Some(Command::Prune(args)) => prune::run(args)?,
    };
    Ok(ExitCode::from(code))
}

fn gui(workspace: Option<PathBuf>, file: Option<PathBuf>) -> anyhow::Result<u8> {
    crate::ui::run(workspace, file)
        .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))?;
    Ok(EXIT_OK)
}

/// The workspace folder given, or the current one; refused when it is not a folder.
fn workspace_or_here(given: Option<&Path>) -> Result<PathBuf, CliError> {
    let root = given.unwrap_or(Path::new("."));
    if !root.is_dir() {
        return Err(CliError::bad_input(format!(
            "{} is not a folder: give the workspace folder that holds the *.pipeline.ron files",
            root.display()
        )));
    }
    Ok(std::path::absolute(root)?)
}

/// Prints a line on stdout; false once stdout is closed (`| head`), so callers stop quietly.
fn print_line(line: &str) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").is_ok()
}
