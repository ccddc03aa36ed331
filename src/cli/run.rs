//! `pipewright run FILE`: one execution, one printed line per state change.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::Context;
use indexmap::IndexMap;

use crate::clock::{format_duration_ms, now_ms};
use crate::engine::user::current_user;
use crate::engine::{Command, Engine, EngineOptions, Event, Reply, StartRequest};
use crate::execution::{AttemptKey, Change, ExecutionId, Trigger};
use crate::host::signals::{self, Interrupt, Interrupts};
use crate::model::status::{ActionStatus, ExecutionStatus, StopMode};
use crate::model::{Category, Pipeline, ron_io, validate_located};
use crate::store::logs::read_lines;

use super::validate::format_problem;
use super::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK};

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
    /// Run at most this many actions at once.
    #[arg(long, value_name = "N")]
    pub max_parallel: Option<usize>,
    /// Fail actions that run on AWS only (imported foreign actions) instead of skipping them.
    #[arg(long)]
    pub strict: bool,
}

/// How approvals are answered.
struct Answers {
    approve_all: bool,
    approve: Vec<String>,
    reject: HashMap<String, String>,
}

/// Splits `NAME=VALUE` pairs, naming the flag in errors.
fn pairs(flag: &str, items: &[String]) -> anyhow::Result<IndexMap<String, String>> {
    items
        .iter()
        .map(|item| {
            item.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .with_context(|| format!("{flag} {item:?}: write it as NAME=VALUE"))
        })
        .collect()
}

fn answers(pipeline: &Pipeline, args: &RunArgs) -> anyhow::Result<Answers> {
    let approvals: Vec<String> = pipeline
        .stages
        .iter()
        .flat_map(|stage| {
            stage
                .actions
                .iter()
                .filter(|a| a.category == Category::Approval)
                .map(move |a| format!("{}/{}", stage.name, a.name))
        })
        .collect();
    let check = |flag: &str, target: &str| -> anyhow::Result<()> {
        if approvals.iter().any(|a| a == target) {
            Ok(())
        } else {
            anyhow::bail!(
                "{flag} {target}: no approval action has that name; the approvals are: {}",
                if approvals.is_empty() {
                    "none".into()
                } else {
                    approvals.join(", ")
                }
            )
        }
    };
    let mut result = Answers {
        approve_all: false,
        approve: Vec::new(),
        reject: HashMap::new(),
    };
    for target in &args.approve {
        if target == "all" {
            result.approve_all = true;
        } else {
            check("--approve", target)?;
            result.approve.push(target.clone());
        }
    }
    for (target, summary) in pairs("--reject", &args.reject)? {
        check("--reject", &target)?;
        result.reject.insert(target, summary);
    }
    Ok(result)
}

/// Runs the pipeline and returns the exit code.
pub fn run(args: RunArgs) -> anyhow::Result<u8> {
    let loaded = match ron_io::load(&args.file) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("{error}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let problems = validate_located(&loaded.pipeline, &loaded.positions);
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("{}", format_problem(&args.file, problem));
        }
        eprintln!("pipewright: the pipeline is not valid; fix the problems above and run again");
        return Ok(EXIT_BAD_INPUT);
    }
    let (variables, revisions, answers) = match (
        pairs("--var", &args.variables),
        pairs("--revision", &args.revisions),
        answers(&loaded.pipeline, &args),
    ) {
        (Ok(v), Ok(r), Ok(a)) => (v, r, a),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!("pipewright: {e}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let mut pipeline = loaded.pipeline;
    if args.strict {
        crate::model::providers::make_strict(&mut pipeline);
    }
    let workspace = workspace_of(&args.file);
    let engine = Engine::start(
        &workspace,
        EngineOptions {
            max_parallel_actions: args.max_parallel,
        },
    )?;
    let events = engine.subscribe();
    let interrupts = signals::listen().context("cannot listen for SIGINT, SIGTERM and SIGHUP")?;
    let started = engine
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
        Ok(_) => anyhow::bail!("the engine did not start an execution"),
        Err(error) => {
            eprintln!("pipewright: {error}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let mut watcher = Watcher {
        engine: &engine,
        execution_id,
        answers,
        show_logs: args.logs,
        live: std::io::stdout().is_terminal(),
        running: IndexMap::new(),
        log_offsets: HashMap::new(),
        workspace,
    };
    let (status, interrupted) = watcher.watch(&events, &interrupts);
    engine.shutdown();
    Ok(match interrupted {
        Some(interrupt) => interrupt.exit_code(),
        None if status == ExecutionStatus::Succeeded => EXIT_OK,
        None => EXIT_FAILED,
    })
}

/// The folder a pipeline file lives in.
pub fn workspace_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

struct Watcher<'a> {
    engine: &'a Engine,
    execution_id: ExecutionId,
    answers: Answers,
    show_logs: bool,
    live: bool,
    running: IndexMap<AttemptKey, i64>,
    log_offsets: HashMap<AttemptKey, (PathBuf, u64)>,
    workspace: PathBuf,
}

impl Watcher<'_> {
    /// Follows the execution to its end; also returns the signal that stopped it, if one did.
    fn watch(
        &mut self,
        events: &Receiver<Event>,
        interrupts: &Interrupts,
    ) -> (ExecutionStatus, Option<Interrupt>) {
        let mut interrupted: Option<Interrupt> = None;
        loop {
            if let Some(interrupt) = interrupts.try_next() {
                if interrupted.is_some() {
                    self.print(&format!("{}: quitting now", interrupt.name()));
                    return (ExecutionStatus::Stopped, interrupted);
                }
                interrupted = Some(interrupt);
                self.print(&format!(
                    "{}: stopping and abandoning running actions (again to quit now)",
                    interrupt.name()
                ));
                let _ = self.engine.send(Command::Stop {
                    execution_id: self.execution_id.clone(),
                    mode: StopMode::Abandon,
                    reason: interrupt.reason(),
                });
            }
            match events.recv_timeout(Duration::from_millis(200)) {
                Ok(Event::Changed(change)) => {
                    if change.execution_id() != Some(&self.execution_id) {
                        continue;
                    }
                    if let Some(status) = self.on_change(change) {
                        self.clear_status();
                        return (status, interrupted);
                    }
                }
                Ok(Event::LogGrew { key, .. }) => {
                    if self.show_logs && key.execution_id == self.execution_id {
                        self.print_new_log_lines(&key);
                    }
                }
                Ok(Event::Relinked { .. }) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return (ExecutionStatus::Failed, interrupted);
                }
            }
            self.draw_status();
        }
    }

    /// Prints a change; returns the final status when the execution ended.
    fn on_change(&mut self, change: Change) -> Option<ExecutionStatus> {
        match change {
            Change::ExecutionStarted(new) => self.print(&format!(
                "execution {} of {} started ({})",
                new.id, new.pipeline, new.trigger.detail
            )),
            Change::ExecutionWaiting {
                stage: Some(stage), ..
            } => self.print(&format!("waiting to enter stage {stage}")),
            Change::ExecutionWaiting { stage: None, .. } => {}
            Change::StageStatus {
                stage,
                status,
                reason,
                ..
            } => {
                let reason = reason.map(|r| format!(": {r}")).unwrap_or_default();
                self.print(&format!("stage {stage} {status}{reason}"));
            }
            Change::AttemptStarted {
                key,
                provider,
                log_path,
                at_ms,
                ..
            } => {
                self.print(&format!("  {key} started ({provider})"));
                self.running.insert(key.clone(), at_ms);
                self.log_offsets
                    .insert(key, (self.workspace.join(log_path), 0));
            }
            Change::AttemptFinished {
                key,
                status,
                summary,
                at_ms,
                output_variables,
                ..
            } => {
                if self.show_logs {
                    self.print_new_log_lines(&key);
                }
                let took = self
                    .running
                    .shift_remove(&key)
                    .map(|start| format!(" in {}", format_duration_ms(at_ms - start)))
                    .unwrap_or_default();
                self.print(&format!("  {key} {status}{took}"));
                if status != ActionStatus::Succeeded
                    && let Some(summary) = summary
                {
                    for line in summary.lines() {
                        self.print(&format!("      {line}"));
                    }
                }
                for (name, value) in output_variables {
                    self.print(&format!("      {name} = {value}"));
                }
            }
            Change::ApprovalRequested {
                key,
                message,
                review_url,
                ..
            } => {
                self.print(&format!(
                    "  {key} waits for approval{}{}",
                    message.map(|m| format!(": {m}")).unwrap_or_default(),
                    review_url
                        .map(|u| format!(" (review: {u})"))
                        .unwrap_or_default()
                ));
                self.answer(&key);
            }
            Change::ApprovalDecided {
                key,
                approved,
                by,
                summary,
                ..
            } => self.print(&format!(
                "  {key} {} by {by}: {summary}",
                if approved { "approved" } else { "rejected" }
            )),
            Change::ExecutionStatus { status, reason, .. } => {
                let reason = reason.map(|r| format!(": {r}")).unwrap_or_default();
                self.print(&format!("execution {status}{reason}"));
                if status.is_final() {
                    return Some(status);
                }
            }
            Change::TransitionChanged { .. } => {}
        }
        None
    }

    fn answer(&mut self, key: &AttemptKey) {
        let target = format!("{}/{}", key.stage, key.action);
        let decision = if let Some(summary) = self.answers.reject.get(&target) {
            Some((false, summary.clone()))
        } else if self.answers.approve_all || self.answers.approve.contains(&target) {
            Some((true, "approved on the command line".to_string()))
        } else if std::io::stdin().is_terminal() {
            self.clear_status();
            Some(ask(&target))
        } else {
            let message = format!(
                "no terminal to ask about {target}: rejecting it; run with --approve {target} (or --approve all) or --reject {target}=SUMMARY"
            );
            eprintln!("pipewright: {message}");
            Some((
                false,
                "nobody could answer: no terminal and no --approve or --reject".to_string(),
            ))
        };
        if let Some((approved, summary)) = decision {
            let reply = self
                .engine
                .send(Command::Decide {
                    execution_id: key.execution_id.clone(),
                    stage: key.stage.clone(),
                    action: key.action.clone(),
                    approved,
                    summary,
                })
                .wait();
            if let Err(error) = reply {
                eprintln!("pipewright: {error}");
            }
        }
    }

    fn print_new_log_lines(&mut self, key: &AttemptKey) {
        let Some((path, offset)) = self.log_offsets.get(key).cloned() else {
            return;
        };
        let Ok((lines, next)) = read_lines(&path, offset) else {
            return;
        };
        self.log_offsets.insert(key.clone(), (path, next));
        for line in lines {
            self.print(&format!("    [{}/{}] {}", key.stage, key.action, line.text));
        }
    }

    fn print(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        if self.live {
            let _ = write!(out, "\r\x1b[2K");
        }
        let _ = writeln!(out, "{text}");
    }

    fn draw_status(&self) {
        if !self.live || self.running.is_empty() {
            return;
        }
        let now = now_ms();
        let spinner =
            ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'][((now / 100) % 10) as usize];
        let parts: Vec<String> = self
            .running
            .iter()
            .map(|(key, start)| format!("{key} {}", format_duration_ms(now - start)))
            .collect();
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\r\x1b[2K{spinner} running: {}", parts.join(", "));
        let _ = out.flush();
    }

    fn clear_status(&self) {
        if self.live {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
    }
}

/// Asks on the terminal whether to approve; returns (approved, summary).
fn ask(target: &str) -> (bool, String) {
    loop {
        print!("Approve {target}? [a]pprove / [r]eject: ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).unwrap_or(0) == 0 {
            return (false, "no answer (end of input)".into());
        }
        let approved = match answer.trim().to_lowercase().as_str() {
            "a" | "approve" | "y" | "yes" => true,
            "r" | "reject" | "n" | "no" => false,
            _ => continue,
        };
        print!("Summary: ");
        let _ = std::io::stdout().flush();
        let mut summary = String::new();
        let _ = std::io::stdin().read_line(&mut summary);
        let summary = summary.trim().to_string();
        let summary = if summary.is_empty() {
            if approved { "approved" } else { "rejected" }.to_string()
        } else {
            summary
        };
        return (approved, summary);
    }
}
