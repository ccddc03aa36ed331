//! `pipewright watch [WORKSPACE]`: runs the triggers of every pipeline in a workspace in the
//! foreground, printing what fired and why and how each execution ended; Ctrl-C stops.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use chrono::Local;

use crate::engine::{Command, Engine, EngineOptions, Event};
use crate::execution::{AttemptKey, Change};
use crate::host::signals;
use crate::model::workspace;
use crate::watch::{WatchOptions, Watcher};

use super::EXIT_BAD_INPUT;

/// The options of `pipewright watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// The workspace folder (default: the current folder).
    pub workspace: Option<PathBuf>,
    /// Approve every approval (`all`) or one (`STAGE/ACTION`) of triggered executions
    /// (repeatable); other approvals wait for their timeout.
    #[arg(long = "approve", value_name = "all|STAGE/ACTION")]
    pub approve: Vec<String>,
}

/// Approves a waiting approval the command line named, or says how it could be answered.
fn approval(engine: &Engine, approve: &[String], key: &AttemptKey, message: Option<&str>) {
    let target = format!("{}/{}", key.stage, key.action);
    let execution = key.execution_id.short();
    if !approve.iter().any(|a| a == "all" || *a == target) {
        say(&format!(
            "execution {execution}: {target} waits for approval{}; it times out unless answered (watch --approve {target} answers it)",
            message.map(|m| format!(" ({m})")).unwrap_or_default()
        ));
        return;
    }
    let decided = engine
        .send(Command::Decide {
            execution_id: key.execution_id.clone(),
            stage: key.stage.clone(),
            action: key.action.clone(),
            approved: true,
            summary: "approved by pipewright watch --approve".into(),
        })
        .wait();
    match decided {
        Ok(_) => say(&format!("execution {execution}: {target} approved")),
        Err(error) => say(&format!(
            "execution {execution}: cannot approve {target}: {error}"
        )),
    }
}

fn say(line: &str) {
    println!("{} {line}", Local::now().format("%H:%M:%S"));
}

/// Watches until Ctrl-C; exit 2 when the workspace cannot be used.
pub fn watch(args: WatchArgs) -> anyhow::Result<u8> {
    let root = args.workspace.unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        eprintln!(
            "pipewright: {} is not a folder: give the workspace folder that holds the *.pipeline.ron files",
            root.display()
        );
        return Ok(EXIT_BAD_INPUT);
    }
    let root = std::path::absolute(&root).context("cannot resolve the workspace path")?;
    let engine = Engine::start(&root, EngineOptions::default())
        .with_context(|| format!("cannot start the engine in {}", root.display()))?;
    let events = engine.subscribe();
    let commander = engine.commander();
    let interrupts = signals::listen().context("cannot listen for SIGINT, SIGTERM and SIGHUP")?;

    let files = workspace::pipeline_files(&root).len();
    say(&format!(
        "watching the triggers of {files} pipeline file(s) in {} (Ctrl-C stops)",
        root.display()
    ));
    let watcher = Watcher::start(
        &root,
        WatchOptions::default(),
        Box::new(move |request| commander.start(request).map_err(|e| e.to_string())),
        Box::new(|note| say(&note.to_string())),
    )
    .context("cannot start the trigger watcher")?;

    let interrupt = loop {
        if let Some(interrupt) = interrupts.next_within(Duration::from_millis(200)) {
            break interrupt;
        }
        while let Ok(event) = events.try_recv() {
            match event {
                Event::Changed(Change::ExecutionStatus {
                    execution_id,
                    status,
                    reason,
                    ..
                }) if status.is_final() => {
                    let why = reason.map(|r| format!(": {r}")).unwrap_or_default();
                    say(&format!(
                        "execution {} ended {status}{why}",
                        execution_id.short()
                    ));
                }
                Event::Changed(Change::ApprovalRequested { key, message, .. }) => {
                    approval(&engine, &args.approve, &key, message.as_deref());
                }
                _ => {}
            }
        }
    };
    say(&format!(
        "{}: stopping; running actions are abandoned",
        interrupt.name()
    ));
    drop(watcher);
    engine.shutdown_with(&interrupt.reason());
    Ok(interrupt.exit_code())
}
