//! The command line: a thin front end over the model, engine and store.

mod export;
mod history;
mod import;
mod output;
mod run;
mod validate;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Run the triggers of a workspace's pipelines in the foreground until Ctrl-C.
    Watch(watch::WatchArgs),
    /// Read an AWS CodePipeline definition (get-pipeline JSON or CloudFormation) into
    /// pipeline files, with a report of what maps and what does not.
    Import(import::ImportArgs),
    /// Write a pipeline as CodePipeline JSON or a CloudFormation template.
    Export(export::ExportArgs),
}

/// Exit code: everything was fine.
pub const EXIT_OK: u8 = 0;
/// Exit code: something was invalid or failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: the input could not be read or used at all.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let code = match cli.command {
        None => gui(None, None)?,
        Some(Command::Open { path }) => {
            if path.is_dir() {
                gui(Some(path), None)?
            } else if path.is_file() {
                gui(None, Some(path))?
            } else {
                eprintln!(
                    "pipewright: {} is neither a folder nor a file",
                    path.display()
                );
                EXIT_BAD_INPUT
            }
        }
        Some(Command::Validate { files }) => validate::run(&files),
        Some(Command::Run(args)) => run::run(args)?,
        Some(Command::History(args)) => history::history(args)?,
        Some(Command::Logs(args)) => history::logs(args)?,
        Some(Command::Watch(args)) => watch::watch(args)?,
        Some(Command::Import(args)) => import::run(args)?,
        Some(Command::Export(args)) => export::run(args)?,
    };
    Ok(ExitCode::from(code))
}

fn gui(workspace: Option<PathBuf>, file: Option<PathBuf>) -> anyhow::Result<u8> {
    crate::ui::run(workspace, file)
        .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))?;
    Ok(EXIT_OK)
}
