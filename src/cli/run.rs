//! `pipewright run FILE`: one execution, one printed line per state change.
//!
//! When no process hosts the workspace, `run` hosts it for as long as it runs (serving other
//! front ends meanwhile) and exits once every execution it hosts has ended; otherwise it is a
//! client of the host, with the same output and exit code.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;

use super::answers::Answers;
use super::error::CliError;
use super::follow::{Follower, live_ids};
use super::validate::format_problem;
use super::{EXIT_FAILED, EXIT_OK};
use crate::engine::user::current_user;
use crate::engine::{Command, EngineOptions, Reply, StartRequest};
use crate::execution::Trigger;
use crate::host::signals::{self, Interrupts};
use crate::host::{Session, SessionOptions};
use crate::model::quote::quote;
use crate::model::status::{ExecutionStatus, StopMode};
use crate::model::{ron_io, validate_located};

/// The options of `pipewright run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The `*.pipeline.ron` file to run; its folder is the workspace.
    pub file: PathBuf,
    /// Set a pipeline variable (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub variables: Vec<String>,
    /// Take this revision for a source action (repeatable).
    #[arg(long = "revision", value_name = "ACTION=COMMIT")]
    pub revisions: Vec<String>,
    /// Approve every approval (`all`) or one (`STAGE/ACTION`) without asking (repeatable).
    #[arg(long = "approve", value_name = "all|STAGE/ACTION")]
    pub approve: Vec<String>,
    /// Reject an approval with a summary (repeatable).
    #[arg(long = "reject", value_name = "STAGE/ACTION=SUMMARY")]
    pub reject: Vec<String>,
    /// Print every action's output as it runs.
    #[arg(long)]
    pub logs: bool,
    /// Run at most this many actions at once (when this process hosts the workspace).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_parallel: Option<u32>,
    /// Fail actions that run on AWS only (imported foreign actions) instead of skipping them.
    #[arg(long)]
    pub strict: bool,
}

/// Splits `NAME=VALUE` pairs, naming the flag in errors.
fn pairs(flag: &str, items: &[String]) -> Result<IndexMap<String, String>, CliError> {
    items
        .iter()
        .map(|item| {
            item.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| {
                    CliError::bad_input(format!("{flag} {}: write it as NAME=VALUE", quote(item)))
                })
        })
        .collect()
}

/// Runs the pipeline and returns the exit code.
pub fn run(args: RunArgs) -> Result<u8, CliError> {
    let loaded =
        ron_io::load(&args.file).map_err(|error| CliError::bad_input(error.to_string()))?;
    let problems = validate_located(&loaded.pipeline, &loaded.source);
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("{}", format_problem(&args.file, problem));
        }
        return Err(CliError::bad_input(
            "the pipeline is not valid; fix the problems above and run again",
        ));
    }
    let variables = pairs("--var", &args.variables)?;
    let revisions = pairs("--revision", &args.revisions)?;
    let answers = Answers::parse(&args.approve, &args.reject, Some(&loaded.pipeline))
        .map_err(CliError::bad_input)?;
    let mut pipeline = loaded.pipeline;
    if args.strict {
        crate::model::providers::make_strict(&mut pipeline);
    }
    let workspace = workspace_of(&args.file);
    let interrupts = signals::listen()?;
    let session = Session::open(
        &workspace,
        SessionOptions {
            engine: EngineOptions {
                max_parallel_actions: args.max_parallel.map(|n| n as usize),
            },
            ..SessionOptions::new("pipewright run")
        },
    )
    .map_err(|error| CliError::bad_input(error.to_string()))?;
    if let Some(host) = session.host()
        && args.max_parallel.is_some()
    {
        eprintln!(
            "pipewright: --max-parallel is ignored: {} (pid {}) hosts this workspace with its own setting",
            host.name, host.pid
        );
    }
    let events = session.subscribe();
    let started = session
        .send(Command::Start(Box::new(StartRequest {
            pipeline,
            file: std::path::absolute(&args.file)?,
            variables,
            source_revisions: revisions,
            trigger: Trigger::manual(&current_user()),
        })))
        .wait();
    let execution_id = match started {
        Ok(Reply::Started { execution_id }) => execution_id,
        Ok(_) => return Err(CliError::failed("the engine did not start an execution")),
        Err(error) => return Err(CliError::bad_input(error.to_string())),
    };
    let mut follower = Follower {
        session: &session,
        execution_id,
        answers,
        show_logs: args.logs,
        live: std::io::stdout().is_terminal(),
        workspace,
        running: IndexMap::new(),
        log_offsets: HashMap::new(),
    };
    let outcome = follower.follow(&events, &interrupts);
    let mut interrupted = outcome.interrupted;
    if interrupted.is_none() {
        interrupted = host_until_idle(&session, &follower, &interrupts);
    }
    session.close(&interrupted.map_or_else(|| "pipewright run ended".to_string(), |i| i.reason()));
    Ok(match interrupted {
        Some(interrupt) => interrupt.exit_code(),
        None if outcome.status == ExecutionStatus::Succeeded => EXIT_OK,
        None => EXIT_FAILED,
    })
}

/// As the host, waits until no execution runs (other front ends may have started some);
/// returns the signal that ended the wait, if one did (after stopping them all).
fn host_until_idle(
    session: &Session,
    follower: &Follower<'_>,
    interrupts: &Interrupts,
) -> Option<crate::host::signals::Interrupt> {
    let mut told = false;
    while session.is_host() {
        let live = live_ids(session);
        if live.is_empty() {
            return None;
        }
        if !told {
            follower.print(&format!(
                "this process hosts {} more execution{} started by other front ends; waiting for {} to end (Ctrl-C stops {})",
                live.len(),
                if live.len() == 1 { "" } else { "s" },
                if live.len() == 1 { "it" } else { "them" },
                if live.len() == 1 { "it" } else { "them" },
            ));
            told = true;
        }
        if let Some(interrupt) = interrupts.next_within(Duration::from_millis(200)) {
            for execution_id in live {
                let _ = session
                    .send(Command::Stop {
                        execution_id,
                        mode: StopMode::Abandon,
                        reason: interrupt.reason(),
                    })
                    .wait();
            }
            return Some(interrupt);
        }
    }
    None
}

/// The folder a pipeline file lives in.
pub fn workspace_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
