//! The run side of the app for one workspace: its engine, the events folded into the run
//! model, the commands waiting for an answer, the history list, and which execution the run
//! view shows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use super::model::{ExecutionView, RunModel};
use super::triggers::Triggers;
use crate::engine::{Command, Engine, EngineOptions, Event, Pending, Reply, StartRequest};
use crate::execution::AttemptKey;
use crate::execution::{TestReport, TriggerKind};
use crate::model::status::{ExecutionStatus, RetryMode, StopMode};
use crate::store::history::{ExecutionFilter, HistoryExtra};
use crate::store::{ExecutionRow, Store};
use crate::ui::editor::canvas::{Canvas, Selection};
use crate::ui::logs::view::LogView;
use crate::ui::services::Notifier;

/// How long folding events may take per frame.
const EVENT_BUDGET: Duration = Duration::from_millis(4);
/// Executions listed in history.
const HISTORY_LIMIT: usize = 200;

/// A repaint request for the UI, callable from any thread.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Test reports of one execution, as of a model revision.
type CachedReports = (String, u64, Vec<(AttemptKey, TestReport)>);

/// The runs of one workspace.
pub struct RunState {
    engine: Option<Engine>,
    events: Option<Receiver<Event>>,
    store: Option<Store>,
    workspace: PathBuf,
    wake: Wake,
    notifier: Arc<dyn Notifier>,
    pending: Vec<(String, Pending)>,
    /// Executions as far as known.
    pub model: RunModel,
    /// The execution the run view shows.
    pub shown: Option<String>,
    /// The run view's canvas.
    pub canvas: Canvas,
    /// What is selected in the run view.
    pub selection: Selection,
    /// The log on screen.
    pub logs: Option<LogView>,
    /// Executions of the open pipeline, newest first.
    pub history: Vec<ExecutionRow>,
    /// Only executions with this status in history.
    pub history_filter: Option<ExecutionStatus>,
    /// Revisions and approvers of the executions in history.
    pub history_extras: HashMap<String, HistoryExtra>,
    reports: Option<CachedReports>,
    history_for: Option<String>,
    history_stale: bool,
    /// Approval summaries being typed, by (execution, stage, action).
    pub summaries: HashMap<(String, String, String), String>,
    /// The last thing that went wrong, for the status bar.
    pub error: Option<String>,
    /// Executions this app started (run view jumps to them).
    started: Vec<String>,
    /// The workspace's trigger watcher.
    pub triggers: Option<Triggers>,
}

impl RunState {
    /// Starts the engine of `workspace`; `wake` repaints the UI when events arrive.
    pub fn start(workspace: &Path, wake: Wake, notifier: Arc<dyn Notifier>) -> Self {
        let (engine, events, mut error) = match Engine::start(workspace, EngineOptions::default()) {
            Ok(engine) => {
                let waker = wake.clone();
                let events = engine.subscribe_with_waker(Box::new(move || waker()));
                (Some(engine), Some(events), None)
            }
            Err(error) => (
                None,
                None,
                Some(format!("cannot start the engine: {error}")),
            ),
        };
        let triggers = engine.as_ref().and_then(|engine| {
            let waker = wake.clone();
            Triggers::start(workspace, engine, move || waker())
                .map_err(|e| error = Some(format!("cannot watch the triggers: {e}")))
                .ok()
        });
        let store = Store::open(workspace).ok();
        let mut state = Self {
            engine,
            events,
            store,
            workspace: workspace.to_path_buf(),
            wake,
            notifier,
            pending: Vec::new(),
            model: RunModel::default(),
            shown: None,
            canvas: Canvas::default(),
            selection: Selection::Pipeline,
            logs: None,
            history: Vec::new(),
            history_filter: None,
            history_extras: HashMap::new(),
            reports: None,
            history_for: None,
            history_stale: true,
            summaries: HashMap::new(),
            error,
            started: Vec::new(),
            triggers,
        };
        if let Some(store) = &state.store
            && let Ok(transitions) = store.transitions_all()
        {
            for (pipeline, row) in transitions.into_iter().filter(|(_, r)| !r.enabled) {
                state
                    .model
                    .disabled
                    .insert((pipeline, row.stage), row.reason.unwrap_or_default());
            }
        }
        state
    }

    /// The workspace folder.
    pub fn workspace(&self) -> &Path {
        &self.workspace
    }

    /// Stops the engine, killing running processes.
    pub fn shutdown(&mut self) {
        self.triggers = None;
        if let Some(engine) = self.engine.take() {
            engine.shutdown();
        }
    }

    /// Folds waiting engine events in (within a time budget), answers to commands,
    /// notifications and the open log. Returns whether anything changed.
    pub fn pump(&mut self) -> bool {
        let started = Instant::now();
        let mut changed = false;
        let mut triggered = None;
        if let Some(events) = &self.events {
            while started.elapsed() < EVENT_BUDGET {
                let Ok(event) = events.try_recv() else { break };
                if let Event::Changed(change) = &event {
                    use crate::execution::Change;
                    if matches!(
                        change,
                        Change::ExecutionStarted(_) | Change::ExecutionStatus { .. }
                    ) {
                        self.history_stale = true;
                    }
                    if let Change::ExecutionStarted(new) = change
                        && new.trigger.kind != TriggerKind::Manual
                    {
                        triggered = Some((new.pipeline.clone(), new.id.to_string()));
                    }
                }
                self.model.apply(&event);
                changed = true;
            }
            if started.elapsed() >= EVENT_BUDGET {
                (self.wake)();
            }
        }
        // A trigger's execution takes over the view unless the shown one is still running.
        if let Some((pipeline, id)) = triggered
            && self
                .shown()
                .is_none_or(|v| !v.is_live() && v.pipeline == pipeline)
        {
            self.show(&id);
        }
        for (pipeline, id, status) in std::mem::take(&mut self.model.ended) {
            self.notifier.notify(
                &format!("{pipeline}: {status}"),
                &format!(
                    "Execution {} ended {status}",
                    crate::execution::short_id(&id)
                ),
            );
        }
        for (pipeline, action, message) in std::mem::take(&mut self.model.requested) {
            self.notifier.notify(
                &format!("{pipeline}: approval needed"),
                &format!(
                    "{action}: {}",
                    message.unwrap_or_else(|| "waiting for your decision".into())
                ),
            );
        }
        let mut index = 0;
        while index < self.pending.len() {
            match self.pending[index].1.try_take() {
                None => index += 1,
                Some(answer) => {
                    let (what, _) = self.pending.remove(index);
                    match answer {
                        Ok(Reply::Started { execution_id }) => {
                            self.started.push(execution_id.to_string());
                            self.shown = Some(execution_id.to_string());
                            self.canvas.request_fit();
                            self.selection = Selection::Pipeline;
                        }
                        Ok(Reply::Done) => {}
                        Err(error) => self.error = Some(format!("{what}: {error}")),
                    }
                    changed = true;
                }
            }
        }
        if !self.pending.is_empty() {
            (self.wake)();
        }
        if let Some(logs) = &mut self.logs {
            logs.refresh();
        }
        changed
    }

    fn send(&mut self, what: &str, command: Command) {
        let Some(engine) = &self.engine else {
            self.error = Some(format!("{what}: the engine is not running"));
            return;
        };
        self.error = None;
        self.pending.push((what.to_string(), engine.send(command)));
        (self.wake)();
    }

    /// Starts an execution; the run view switches to it when it has started.
    pub fn run(&mut self, request: StartRequest) {
        self.send("Run", Command::Start(Box::new(request)));
    }

    /// Approves or rejects a waiting approval.
    pub fn decide(
        &mut self,
        execution: &str,
        stage: &str,
        action: &str,
        approved: bool,
        summary: String,
    ) {
        let command = Command::Decide {
            execution_id: execution.into(),
            stage: stage.into(),
            action: action.into(),
            approved,
            summary,
        };
        self.send(if approved { "Approve" } else { "Reject" }, command);
    }

    /// Stops an execution.
    pub fn stop(&mut self, execution: &str, mode: StopMode, reason: String) {
        self.send(
            "Stop",
            Command::Stop {
                execution_id: execution.into(),
                mode,
                reason,
            },
        );
    }

    /// Retries a failed stage.
    pub fn retry(&mut self, execution: &str, stage: &str, mode: RetryMode) {
        self.send(
            "Retry stage",
            Command::RetryStage {
                execution_id: execution.into(),
                stage: stage.into(),
                mode,
            },
        );
    }

    /// Disables (with a reason) or enables the transition into a stage.
    pub fn set_transition(
        &mut self,
        pipeline: &str,
        stage: &str,
        enabled: bool,
        reason: Option<String>,
    ) {
        self.send(
            if enabled {
                "Enable transition"
            } else {
                "Disable transition"
            },
            Command::SetTransition {
                pipeline: pipeline.into(),
                stage: stage.into(),
                enabled,
                reason,
            },
        );
    }

    /// Whether commands are still waiting for the engine's answer.
    pub fn is_busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Executions still in progress in this workspace.
    pub fn running(&self) -> usize {
        self.model
            .executions
            .values()
            .filter(|v| v.is_live())
            .count()
    }

    /// The execution shown, loading it from the store when needed.
    pub fn shown(&self) -> Option<&ExecutionView> {
        self.shown
            .as_ref()
            .and_then(|id| self.model.executions.get(id))
    }

    /// Shows an execution in the run view (loading it from history if needed).
    pub fn show(&mut self, id: &str) {
        if !self.model.executions.contains_key(id)
            && let Some(store) = &self.store
        {
            match ExecutionView::load(store, id) {
                Ok(Some(view)) => self.model.remember(view),
                Ok(None) => return,
                Err(error) => {
                    self.error = Some(error.to_string());
                    return;
                }
            }
        }
        if self.shown.as_deref() != Some(id) {
            self.shown = Some(id.to_string());
            self.canvas.request_fit();
            self.selection = Selection::Pipeline;
            self.logs = None;
        }
    }

    /// Shows the newest execution of `pipeline`, if the run view shows none of it.
    pub fn show_latest(&mut self, pipeline: &str) {
        if self.shown().is_some_and(|v| v.pipeline == pipeline) {
            return;
        }
        self.refresh_history(pipeline);
        if let Some(id) = self.history.first().map(|row| row.id.clone()) {
            self.show(&id);
        } else {
            self.shown = None;
        }
    }

    /// Reloads the history list of `pipeline` when it is stale.
    pub fn refresh_history(&mut self, pipeline: &str) {
        if !self.history_stale && self.history_for.as_deref() == Some(pipeline) {
            return;
        }
        self.history_stale = false;
        self.history_for = Some(pipeline.to_string());
        if let Some(store) = &self.store {
            let filter = ExecutionFilter {
                pipeline: Some(pipeline.to_string()),
                statuses: Vec::new(),
                limit: HISTORY_LIMIT,
            };
            match store.executions(&filter) {
                Ok(rows) => {
                    self.history_extras = rows
                        .iter()
                        .filter_map(|row| {
                            Some((row.id.to_string(), store.history_extra(&row.id).ok()?))
                        })
                        .collect();
                    self.history = rows;
                }
                Err(error) => self.error = Some(error.to_string()),
            }
        }
    }

    /// The test reports of the shown execution (read again when it changed).
    pub fn reports(&mut self) -> Vec<(AttemptKey, TestReport)> {
        let Some(id) = self.shown.clone() else {
            return Vec::new();
        };
        let fresh = self
            .reports
            .as_ref()
            .is_some_and(|(shown, revision, _)| *shown == id && *revision == self.model.revision);
        if !fresh && let Some(store) = &self.store {
            let reports = store.test_reports(&id).unwrap_or_default();
            self.reports = Some((id, self.model.revision, reports));
        }
        self.reports
            .as_ref()
            .map(|(_, _, reports)| reports.clone())
            .unwrap_or_default()
    }

    /// Opens the log of the latest attempt of an action of the shown execution.
    pub fn open_log(&mut self, stage: &str, action: &str) {
        let Some(attempt) = self
            .shown()
            .and_then(|v| v.attempts.get(&(stage.to_string(), action.to_string())))
        else {
            self.logs = None;
            return;
        };
        let path = self.workspace.join(&attempt.log_path);
        if self.logs.as_ref().is_some_and(|l| l.path() == path) {
            return;
        }
        let title = attempt.key.to_string();
        let wake = self.wake.clone();
        self.logs = Some(LogView::open(&path, &title, move || wake()));
    }
}

impl Drop for RunState {
    fn drop(&mut self) {
        self.shutdown();
    }
}
