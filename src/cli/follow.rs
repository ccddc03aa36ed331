//! Following one execution on the terminal for `pipewright run`: a line per state change, the
//! output of actions with `--logs`, a live status line on a terminal, approvals answered as
//! the flags say, and signals turned into a stop.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use indexmap::IndexMap;

use super::answers::{self, Answers, Plan};
use crate::clock::{format_duration_ms, now_ms};
use crate::engine::{Command, Event, Reply};
use crate::execution::{AttemptKey, Change, ExecutionId};
use crate::host::Session;
use crate::host::signals::{Interrupt, Interrupts};
use crate::model::status::{ActionStatus, ExecutionStatus, StopMode};
use crate::store::Store;
use crate::store::logs::read_lines;

/// How an execution the CLI followed came out.
pub struct Outcome {
    /// Its final status.
    pub status: ExecutionStatus,
    /// The signal that stopped it, if one did.
    pub interrupted: Option<Interrupt>,
}

/// Prints one execution as it runs.
pub struct Follower<'a> {
    /// The link to the engine.
    pub session: &'a Session,
    /// The execution followed.
    pub execution_id: ExecutionId,
    /// How approvals are answered.
    pub answers: Answers,
    /// Print action output too.
    pub show_logs: bool,
    /// Whether stdout is a terminal (for the live status line).
    pub live: bool,
    /// The workspace folder (log paths are relative to it).
    pub workspace: PathBuf,
    /// Attempts running now, with their start.
    pub running: IndexMap<AttemptKey, i64>,
    /// How far each attempt's log was printed.
    pub log_offsets: HashMap<AttemptKey, (PathBuf, u64)>,
}

impl Follower<'_> {
    /// Follows the execution to its end.
    pub fn follow(&mut self, events: &Receiver<Event>, interrupts: &Interrupts) -> Outcome {
        let mut interrupted: Option<Interrupt> = None;
        loop {
            if let Some(interrupt) = interrupts.try_next() {
                if interrupted.is_some() {
                    self.print(&format!("{}: quitting now", interrupt.name()));
                    return Outcome {
                        status: ExecutionStatus::Stopped,
                        interrupted,
                    };
                }
                interrupted = Some(interrupt);
                self.print(&format!(
                    "{}: stopping and abandoning running actions (again to quit now)",
                    interrupt.name()
                ));
                self.stop(&interrupt.reason());
            }
            match events.recv_timeout(Duration::from_millis(200)) {
                Ok(Event::Changed(change)) => {
                    if change.execution_id() != Some(&self.execution_id) {
                        continue;
                    }
                    if let Some(status) = self.on_change(change) {
                        self.clear_status();
                        return Outcome {
                            status,
                            interrupted,
                        };
                    }
                }
                Ok(Event::LogGrew { key, .. }) => {
                    if self.show_logs && key.execution_id == self.execution_id {
                        self.print_new_log_lines(&key);
                    }
                }
                Ok(Event::Relinked { hosting }) => {
                    if let Some(status) = self.after_relink(hosting) {
                        self.clear_status();
                        return Outcome {
                            status,
                            interrupted,
                        };
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Outcome {
                        status: ExecutionStatus::Failed,
                        interrupted,
                    };
                }
            }
            self.draw_status();
        }
    }

    /// Stops what a signal asked to stop: as the host, every execution it runs (nobody else
    /// can); as a client, the execution this process started.
    fn stop(&self, reason: &str) {
        let ids = if self.session.is_host() {
            live_ids(self.session)
        } else {
            vec![self.execution_id.clone()]
        };
        for execution_id in ids {
            let _ = self.session.send(Command::Stop {
                execution_id,
                mode: StopMode::Abandon,
                reason: reason.to_string(),
            });
        }
    }

    /// The host changed: events may have been lost, so read the execution from the store.
    fn after_relink(&self, hosting: bool) -> Option<ExecutionStatus> {
        self.print(&format!(
            "the workspace's host went away; {}",
            if hosting {
                "this process hosts it now"
            } else {
                "connected to the new host"
            }
        ));
        let row = Store::open_read_only(&self.workspace)
            .ok()?
            .execution(&self.execution_id)
            .ok()??;
        if row.status.is_final() {
            let reason = row.reason.map(|r| format!(": {r}")).unwrap_or_default();
            self.print(&format!("execution {}{reason}", row.status));
            return Some(row.status);
        }
        None
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
            Change::AttemptWaiting {
                key,
                reason: Some(reason),
                ..
            } => self.print(&format!("  {key} {reason}")),
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
            Change::AttemptWaiting { reason: None, .. } | Change::TransitionChanged { .. } => {}
        }
        None
    }

    fn answer(&mut self, key: &AttemptKey) {
        match self.answers.plan(&key.action_id(), answers::can_ask()) {
            Plan::Decide { approved, summary } => {
                if let Err(refusal) =
                    answers::decide(&self.session.commander(), key, approved, summary)
                {
                    eprintln!("pipewright: {refusal}");
                }
            }
            Plan::Ask => {
                // The question and its answer own the terminal now: no more status line.
                self.clear_status();
                self.live = false;
                answers::ask_in_background(self.session.commander(), key.clone());
            }
            Plan::Wait => eprintln!("pipewright: {}", answers::how_to_answer(key)),
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

    /// Prints a line (a closed terminal is not an error worth dying for).
    pub fn print(&self, text: &str) {
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

/// The executions the engine runs now.
pub fn live_ids(session: &Session) -> Vec<ExecutionId> {
    match session.send(Command::Status).wait() {
        Ok(Reply::Status(live)) => live.into_iter().map(|execution| execution.id).collect(),
        _ => Vec::new(),
    }
}
