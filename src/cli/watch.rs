//! `pipewright watch [WORKSPACE]` and `pipewright serve [WORKSPACE]`: keep a workspace's
//! engine and triggers running in the foreground, printing what fired and why and how each
//! execution ended, until SIGINT / SIGTERM / SIGHUP.
//!
//! Both host the workspace when nobody does (and then run its triggers: only the host does).
//! When another process already hosts it, `watch` follows it as a client (taking over when it
//! goes), while `serve` refuses: it exists to be the host on a machine without a display.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::Local;

use super::answers::{self, Answers, Plan};
use super::error::CliError;
use super::workspace_or_here;
use crate::engine::{Commander, Event};
use crate::execution::Change;
use crate::host::signals::{self, Interrupt};
use crate::host::{Session, SessionError, SessionOptions, TriggerStarter};
use crate::model::workspace;
use crate::watch::{WatchOptions, Watcher};

/// The options of `pipewright watch` and `pipewright serve`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// The workspace folder (default: the current folder).
    pub workspace: Option<PathBuf>,
    /// Approve every approval (`all`) or one (`STAGE/ACTION`) of the executions this process
    /// sees (repeatable); other approvals wait for an answer (the app, `pipewright approve`)
    /// or their timeout.
    #[arg(long = "approve", value_name = "all|STAGE/ACTION")]
    pub approve: Vec<String>,
}

fn say(line: &str) {
    super::print_line(&format!("{} {line}", Local::now().format("%H:%M:%S")));
}

/// Starts the workspace's trigger watcher (while this process hosts), printing its notes.
fn trigger_starter() -> TriggerStarter {
    Arc::new(|root: &Path, commander: Commander| {
        let files = workspace::pipeline_files(root).len();
        say(&format!(
            "hosting {} and watching the triggers of {files} pipeline file(s) (Ctrl-C stops)",
            root.display()
        ));
        let watcher = Watcher::start(
            root,
            WatchOptions::default(),
            Box::new(move |request| commander.start(request)),
            Box::new(|note| say(&note.to_string())),
        )?;
        Ok(Box::new(watcher) as Box<dyn Send>)
    })
}

/// `pipewright watch`: hosts with triggers, or follows the host.
pub fn watch(args: WatchArgs) -> Result<u8, CliError> {
    keep_running(args, "pipewright watch", true)
}

/// `pipewright serve`: hosts headless with triggers; refuses when another process hosts.
pub fn serve(args: WatchArgs) -> Result<u8, CliError> {
    keep_running(args, "pipewright serve", false)
}

fn keep_running(args: WatchArgs, program: &str, may_follow: bool) -> Result<u8, CliError> {
    let root = workspace_or_here(args.workspace.as_deref())?;
    let answers = Answers::parse(&args.approve, &[], None).map_err(CliError::bad_input)?;
    let interrupts = signals::listen()?;
    let session = Session::open(
        &root,
        SessionOptions {
            triggers: Some(trigger_starter()),
            ..SessionOptions::new(program)
        },
    )
    .map_err(|error| match error {
        SessionError::Engine(error) => CliError::bad_input(format!(
            "cannot start the engine in {}: {error}",
            root.display()
        )),
        other => CliError::bad_input(other.to_string()),
    })?;
    if let Some(host) = session.host() {
        if !may_follow {
            return Err(CliError::failed(format!(
                "{} is already hosted by {} (pid {}): stop it first, or use `pipewright watch` to follow it",
                root.display(),
                host.name,
                host.pid
            )));
        }
        say(&format!(
            "{} (pid {}) hosts {} and runs its triggers; following it (Ctrl-C stops following)",
            host.name,
            host.pid,
            root.display()
        ));
    }
    let events = session.subscribe();
    let commander = session.commander();
    let interrupt: Interrupt = loop {
        if let Some(interrupt) = interrupts.next_within(Duration::from_millis(200)) {
            break interrupt;
        }
        while let Ok(event) = events.try_recv() {
            report(&event, &answers, &commander);
        }
    };
    if session.is_host() {
        say(&format!(
            "{}: stopping; running executions are abandoned",
            interrupt.name()
        ));
    }
    session.close(&interrupt.reason());
    Ok(interrupt.exit_code())
}

/// Prints what an event means to someone watching the workspace, and answers approvals the
/// command line named.
fn report(event: &Event, answers: &Answers, commander: &Commander) {
    match event {
        Event::Changed(Change::ExecutionStatus {
            execution_id,
            status,
            reason,
            ..
        }) if status.is_final() => {
            let why = reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            say(&format!(
                "execution {} ended {status}{why}",
                execution_id.short()
            ));
        }
        Event::Changed(Change::ApprovalRequested { key, message, .. }) => {
            let execution = key.execution_id.short();
            match answers.plan(&key.action_id(), false) {
                Plan::Decide { approved, .. } => {
                    let summary = "approved by pipewright watch --approve".to_string();
                    match answers::decide(commander, key, approved, summary) {
                        Ok(()) => say(&format!(
                            "execution {execution}: {} approved",
                            key.action_id()
                        )),
                        Err(refusal) => say(&format!(
                            "execution {execution}: cannot approve {}: {refusal}",
                            key.action_id()
                        )),
                    }
                }
                Plan::Ask | Plan::Wait => say(&format!(
                    "execution {execution}: {}{}",
                    answers::how_to_answer(key),
                    message
                        .as_deref()
                        .map(|m| format!(" (message: {m})"))
                        .unwrap_or_default()
                )),
            }
        }
        Event::Relinked { hosting } => say(if *hosting {
            "the host went away: this process hosts the workspace now and runs its triggers"
        } else {
            "the host went away: following the new host"
        }),
        _ => {}
    }
}
