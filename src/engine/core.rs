//! The core: one thread that owns every execution's state and makes every scheduling
//! decision, in the order messages arrive. Actions run as tokio tasks and report back here.
//! Each state change is committed to the store, then published.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use indexmap::IndexMap;
use sha2::{Digest, Sha256};
use tokio::runtime::Handle;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_util::sync::CancellationToken;

use crate::clock::now_ms;
use crate::execution::{ActionId, AttemptKey, Change, ExecutionId, NewExecution, Secrets};
use crate::model::status::{ActionStatus, ExecutionStatus, RetryMode, StageStatus, StopMode};
use crate::model::validate::{check_approval_summary, check_variable_value};
use crate::model::{Category, ron_io, validate};
use crate::store::{Store, WorkspacePaths};

use super::actions::{self, ActionResult, Signal};
use super::bus::EventBus;
use super::dir_pool::DirPool;
use super::execution::{Execution, LoadError, Place, Running};
use super::gates::{Admission, Gates};
use super::launch;
use super::log_sink::LogSink;
use super::process::{Launcher, ProcessTracker};
use super::refusal::Refusal;
use super::retention;
use super::runner::{self, AttemptJob};
use super::supervisor::Zygote;
use super::target_locks::{TargetLocks, WaitReporter};
use super::user::current_user;
use super::{
    Command, EngineError, EngineOptions, Event, LiveExecution, Message, Reply, StartRequest,
    WaitingApproval,
};

/// Reports process groups of one attempt to the core.
struct Tracker {
    key: AttemptKey,
    sender: UnboundedSender<Message>,
}

impl ProcessTracker for Tracker {
    fn started(&self, pgid: i32) {
        let _ = self.sender.send(Message::ProcessStarted {
            key: self.key.clone(),
            pgid,
        });
    }
}

/// Passes what an attempt waits for to the core, which records it.
struct Waiting {
    key: AttemptKey,
    sender: UnboundedSender<Message>,
}

impl WaitReporter for Waiting {
    fn waiting(&self, reason: Option<String>) {
        let _ = self.sender.send(Message::AttemptWaiting {
            key: self.key.clone(),
            reason,
        });
    }
}

pub(super) struct Core {
    store: Store,
    workspace: PathBuf,
    paths: WorkspacePaths,
    bus: Arc<EventBus>,
    runtime: Handle,
    sender: UnboundedSender<Message>,
    permits: Option<Arc<Semaphore>>,
    pool: Arc<DirPool>,
    zygote: Arc<Zygote>,
    targets: Arc<TargetLocks>,
    live: Arc<AtomicUsize>,
    gates: HashMap<String, Gates>,
    executions: HashMap<ExecutionId, Execution>,
    shutting_down: Option<std::sync::mpsc::Sender<()>>,
    pending: Vec<Change>,
    /// Every secret value read so far, masked in all that is recorded, published or logged.
    secrets: Secrets,
    /// Pipelines an execution of which ended since the last flush: retention looks at them.
    ended: Vec<String>,
    user: String,
}

/// What the core is built from: the store, where events go, and the means to run actions.
pub(super) struct CoreParts {
    pub store: Store,
    pub workspace: PathBuf,
    pub bus: Arc<EventBus>,
    pub runtime: Handle,
    pub sender: UnboundedSender<Message>,
    pub options: EngineOptions,
    pub pool: DirPool,
    pub zygote: Zygote,
    pub live: Arc<AtomicUsize>,
}

impl Core {
    pub(super) fn new(parts: CoreParts) -> Self {
        let CoreParts {
            store,
            workspace,
            bus,
            runtime,
            sender,
            options,
            pool,
            zygote,
            live,
        } = parts;
        let paths = store.paths().clone();
        Self {
            pool: Arc::new(pool),
            zygote: Arc::new(zygote),
            targets: Arc::default(),
            live,
            store,
            workspace,
            paths,
            bus,
            runtime,
            sender,
            permits: options
                .max_parallel_actions
                .map(|cap| Arc::new(Semaphore::new(cap.max(1)))),
            gates: HashMap::new(),
            executions: HashMap::new(),
            shutting_down: None,
            pending: Vec::new(),
            secrets: Secrets::default(),
            ended: Vec::new(),
            user: current_user(),
        }
    }

    pub(super) fn run(mut self, mut receiver: UnboundedReceiver<Message>) {
        while let Some(message) = receiver.blocking_recv() {
            self.handle(message);
            self.live.store(self.executions.len(), Ordering::Relaxed);
            if self.shutdown_complete() {
                break;
            }
        }
    }

    /// Handles one message; its state changes are committed together before they are
    /// published and before a command is answered.
    fn handle(&mut self, message: Message) {
        let mut reply = None;
        match message {
            Message::Command(command, sender) => {
                let answer = if self.shutting_down.is_some() {
                    Err(EngineError::ShutDown)
                } else {
                    self.command(command)
                };
                reply = Some((sender, answer));
            }
            Message::AttemptDone { key, result } => self.attempt_done(key, result),
            Message::ProcessStarted { key, pgid } => {
                if let Err(error) = self.store.track_process(&key, pgid, now_ms()) {
                    eprintln!("pipewright: could not record process group {pgid}: {error}");
                }
            }
            Message::AttemptWaiting { key, reason } => self.record(Change::AttemptWaiting {
                key,
                reason,
                at_ms: now_ms(),
            }),
            Message::Shutdown(done, reason) => self.begin_shutdown(done, reason),
        }
        let flushed = self.flush();
        if flushed.is_ok() {
            self.retain();
        }
        match reply {
            Some((sender, answer)) => {
                sender.send(flushed.and(answer));
            }
            None => {
                if let Err(error) = flushed {
                    eprintln!("pipewright: could not record state changes: {error}");
                }
            }
        }
    }

    fn command(&mut self, command: Command) -> Result<Reply, EngineError> {
        match command {
            Command::Start(request) => self.start(*request),
            Command::Decide {
                execution_id,
                stage,
                action,
                approved,
                summary,
            } => self.decide(&execution_id, &stage, &action, approved, summary),
            Command::Stop {
                execution_id,
                mode,
                reason,
            } => self.stop(&execution_id, mode, reason),
            Command::RetryStage {
                execution_id,
                stage,
                mode,
            } => self.retry(&execution_id, &stage, mode),
            Command::SetTransition {
                pipeline,
                stage,
                enabled,
                reason,
            } => self.set_transition(&pipeline, &stage, enabled, reason),
            Command::Status => self.status().map(Some),
            Command::Prune { dry_run } => {
                let live = self.executions.keys().cloned().collect::<Vec<_>>();
                retention::prune(&mut self.store, &self.workspace, live, dry_run)
                    .map(|pruned| Some(Reply::Pruned(pruned)))
            }
        }
        .map(|reply| reply.unwrap_or(Reply::Done))
    }

    /// The executions in progress with what they run and the approvals they wait for.
    fn status(&self) -> Result<Reply, EngineError> {
        let mut live = Vec::new();
        for execution in self.executions.values() {
            let (index, waiting) = match execution.place {
                Place::Waiting(index) => (index, true),
                Place::InStage(index) => (index, false),
            };
            let definition = &execution.pipeline.stages[index];
            let stage = &execution.stages[index];
            let running = || {
                definition
                    .actions
                    .iter()
                    .zip(&stage.actions)
                    .filter(|(_, run)| run.running.is_some())
            };
            let asked: Vec<ActionId> = running()
                .filter(|(_, run)| run.running.as_ref().is_some_and(|r| r.awaiting_approval))
                .map(|(action, _)| ActionId::new(&definition.name, &action.name))
                .collect();
            let approvals = if asked.is_empty() {
                Vec::new()
            } else {
                self.store
                    .approvals(&execution.id)?
                    .into_iter()
                    .filter(|row| row.approved.is_none() && asked.iter().any(|a| row.key.is_of(a)))
                    .map(|row| WaitingApproval {
                        action: row.key.action_id(),
                        message: row.message,
                        expires_ms: row.expires_ms,
                    })
                    .collect()
            };
            live.push(LiveExecution {
                id: execution.id.clone(),
                pipeline: execution.pipeline.name.clone(),
                status: execution.status,
                started_ms: execution.started_ms,
                stage: definition.name.clone(),
                waiting,
                running: running()
                    .map(|(action, _)| ActionId::new(&definition.name, &action.name))
                    .collect(),
                approvals,
            });
        }
        live.sort_by_key(|execution| execution.started_ms);
        Ok(Reply::Status(live))
    }

    /// Queues a change; [`Self::flush`] commits the queue and then publishes it.
    fn record(&mut self, change: Change) {
        self.pending.push(change);
    }

    /// Masks secrets in every queued change, commits the queue in one transaction, then tells
    /// every subscriber.
    fn flush(&mut self) -> Result<(), EngineError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut changes = std::mem::take(&mut self.pending);
        for change in &mut changes {
            self.secrets.mask_change(change);
        }
        self.store.record_all(&changes)?;
        for change in changes {
            self.bus.publish(Event::Changed(change));
        }
        Ok(())
    }

    /// Prunes the pipelines whose executions ended, when they are over the retention rule
    /// (after the end was committed, so the ended execution counts).
    fn retain(&mut self) {
        let mut pipelines = std::mem::take(&mut self.ended);
        pipelines.dedup();
        if self.shutting_down.is_some() {
            return;
        }
        for pipeline in pipelines {
            let live = self.executions.keys().cloned().collect::<Vec<_>>();
            // Best effort: the next end, or `pipewright prune`, tries again.
            let _ = retention::after_end(&mut self.store, &self.workspace, &pipeline, live);
        }
    }

    fn gates_for(&mut self, pipeline: &str) -> &mut Gates {
        if !self.gates.contains_key(pipeline) {
            let mut gates = Gates::new(Default::default());
            if let Ok(transitions) = self.store.transitions(pipeline) {
                for transition in transitions.into_iter().filter(|t| !t.enabled) {
                    gates.set_disabled(
                        &transition.stage,
                        Some(transition.reason.unwrap_or_default()),
                    );
                }
            }
            self.gates.insert(pipeline.to_string(), gates);
        }
        self.gates
            .get_mut(pipeline)
            .expect("inserted above when missing")
    }

    // ----- commands -----

    fn start(&mut self, request: StartRequest) -> Result<Option<Reply>, EngineError> {
        let StartRequest {
            pipeline,
            file,
            variables: overrides,
            source_revisions,
            trigger,
        } = request;
        let problems = validate(&pipeline);
        if !problems.is_empty() {
            return Err(EngineError::Invalid { problems });
        }
        let variables = resolve_variables(&pipeline, &overrides)?;
        for action_name in source_revisions.keys() {
            let is_source = pipeline.actions().any(|(_, action)| {
                action.name == *action_name && action.category == Category::Source
            });
            if !is_source {
                return Err(Refusal::NotASource {
                    action: action_name.clone(),
                    pipeline: pipeline.name.clone(),
                }
                .into());
            }
        }
        let definition =
            ron_io::to_string(&pipeline).map_err(|error| Refusal::Unwritable(error.to_string()))?;
        self.secrets
            .add(launch::readable_secrets(&pipeline, &self.workspace));
        let id = ExecutionId::new_random();
        let started_ms = now_ms();
        let new = NewExecution {
            id: id.clone(),
            pipeline: pipeline.name.clone(),
            file: file.to_string_lossy().into_owned(),
            definition_hash: hex::encode(Sha256::digest(definition.as_bytes())),
            definition,
            trigger,
            variables: variables.clone(),
            source_revisions: source_revisions.clone(),
            stages: pipeline.stages.iter().map(|s| s.name.clone()).collect(),
            started_ms,
        };
        self.record(Change::ExecutionStarted(Box::new(new)));
        let mode = pipeline.execution_mode;
        let name = pipeline.name.clone();
        self.gates_for(&name).set_mode(mode);
        let mut execution =
            Execution::new(id.clone(), Arc::new(pipeline), variables, source_revisions);
        execution.started_ms = started_ms;
        self.executions.insert(id.clone(), execution);
        self.request_entry(&id, 0);
        Ok(Some(Reply::Started { execution_id: id }))
    }

    fn decide(
        &mut self,
        id: &str,
        stage: &str,
        action: &str,
        approved: bool,
        summary: String,
    ) -> Result<Option<Reply>, EngineError> {
        check_approval_summary(&summary).map_err(Refusal::BadSummary)?;
        let user = self.user.clone();
        let wanted = ActionId::new(stage, action);
        if !self.executions.contains_key(id) {
            return Err(self.stale_approval(id, &wanted)?.into());
        }
        let execution = self.live(id)?;
        let (stage_index, action_index) =
            execution
                .locate(stage, action)
                .ok_or_else(|| Refusal::UnknownAction {
                    id: id.into(),
                    action: wanted.clone(),
                })?;
        let run = &mut execution.stages[stage_index].actions[action_index];
        let attempt = run.attempts;
        let Some(running) = run.running.as_mut().filter(|r| r.awaiting_approval) else {
            return Err(self.stale_approval(id, &wanted)?.into());
        };
        running.awaiting_approval = false;
        let signals = running.signals.clone();
        self.record(Change::ApprovalDecided {
            key: AttemptKey {
                execution_id: id.into(),
                stage: stage.to_string(),
                action: action.to_string(),
                attempt,
            },
            approved,
            by: user.clone(),
            summary: summary.clone(),
            at_ms: now_ms(),
        });
        let _ = signals.send(Signal::Decision {
            approved,
            summary,
            by: user,
        });
        Ok(None)
    }

    fn stop(
        &mut self,
        id: &str,
        mode: StopMode,
        reason: String,
    ) -> Result<Option<Reply>, EngineError> {
        let execution = self.live(id)?;
        if execution.stop.is_some() {
            // A second stop may turn a stop-and-wait into a stop-and-abandon.
            if mode == StopMode::Abandon {
                execution.stop = Some((mode, reason));
                cancel_running(execution, mode);
            }
            return Ok(None);
        }
        match execution.place {
            Place::Waiting(stage_index) => {
                let stage = execution.pipeline.stages[stage_index].name.clone();
                let pipeline = execution.pipeline.name.clone();
                self.gates_for(&pipeline).leave(&stage, id);
                self.end_execution(id, ExecutionStatus::Stopped, Some(reason));
            }
            Place::InStage(stage_index) => {
                execution.stop = Some((mode, reason.clone()));
                cancel_running(execution, mode);
                let stage = execution.pipeline.stages[stage_index].name.clone();
                let attempt = execution.stages[stage_index].attempt;
                execution.status = ExecutionStatus::Stopping;
                let busy = execution.stages[stage_index].is_busy();
                let now = now_ms();
                self.record(Change::ExecutionStatus {
                    execution_id: id.into(),
                    status: ExecutionStatus::Stopping,
                    reason: Some(reason.clone()),
                    at_ms: now,
                });
                self.record(Change::StageStatus {
                    execution_id: id.into(),
                    stage,
                    status: StageStatus::Stopping,
                    reason: Some(reason),
                    attempt,
                    at_ms: now,
                });
                if !busy {
                    self.finish_stage(id, stage_index);
                }
            }
        }
        Ok(None)
    }

    fn retry(
        &mut self,
        id: &str,
        stage: &str,
        mode: RetryMode,
    ) -> Result<Option<Reply>, EngineError> {
        if self.executions.contains_key(id) {
            return Err(Refusal::StillRunning { id: id.into() }.into());
        }
        let mut execution = Execution::load(&self.store, id).map_err(|error| match error {
            LoadError::Store(store) => EngineError::Store(store),
            LoadError::Refused(refusal) => EngineError::Refused(refusal),
        })?;
        self.secrets.add(launch::readable_secrets(
            &execution.pipeline,
            &self.workspace,
        ));
        if !matches!(
            execution.status,
            ExecutionStatus::Failed | ExecutionStatus::Stopped
        ) {
            return Err(Refusal::NotRetryable {
                id: id.into(),
                status: execution.status,
            }
            .into());
        }
        let stage_index = execution
            .stage_index(stage)
            .ok_or_else(|| Refusal::UnknownStage {
                id: id.into(),
                stage: stage.to_string(),
            })?;
        let stage_status = execution.stages[stage_index].status;
        if !matches!(
            stage_status,
            Some(StageStatus::Failed | StageStatus::Stopped)
        ) {
            return Err(Refusal::StageDidNotFail {
                stage: stage.to_string(),
                status: stage_status
                    .map_or("not run", StageStatus::as_str)
                    .to_string(),
            }
            .into());
        }
        let pipeline = execution.pipeline.name.clone();
        let mode_of_pipeline = execution.pipeline.execution_mode;
        let gates = self.gates_for(&pipeline);
        gates.set_mode(mode_of_pipeline);
        gates.reenter(stage, id)?;
        execution.status = ExecutionStatus::InProgress;
        execution.place = Place::InStage(stage_index);
        self.executions.insert(id.into(), execution);
        self.record(Change::ExecutionStatus {
            execution_id: id.into(),
            status: ExecutionStatus::InProgress,
            reason: None,
            at_ms: now_ms(),
        });
        self.enter_stage(id, stage_index, Some(mode));
        Ok(None)
    }

    fn set_transition(
        &mut self,
        pipeline: &str,
        stage: &str,
        enabled: bool,
        reason: Option<String>,
    ) -> Result<Option<Reply>, EngineError> {
        let reason = if enabled {
            None
        } else {
            Some(
                reason
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or_else(|| "disabled".into()),
            )
        };
        self.record(Change::TransitionChanged {
            pipeline: pipeline.to_string(),
            stage: stage.to_string(),
            enabled,
            reason: reason.clone(),
            by: self.user.clone(),
            at_ms: now_ms(),
        });
        let admitted = {
            let gates = self.gates_for(pipeline);
            gates.set_disabled(stage, reason);
            if enabled {
                gates.admit(stage)
            } else {
                Vec::new()
            }
        };
        self.enter_admitted(&admitted, stage);
        Ok(None)
    }

    fn live(&mut self, id: &str) -> Result<&mut Execution, EngineError> {
        if !self.executions.contains_key(id) {
            return Err(self.not_live(id)?.into());
        }
        Ok(self.executions.get_mut(id).expect("checked above"))
    }

    /// Why an execution that is not in progress cannot be changed.
    fn not_live(&self, id: &str) -> Result<Refusal, EngineError> {
        Ok(match self.store.execution(id)? {
            Some(row) => Refusal::ExecutionEnded {
                id: row.id,
                status: row.status,
                reason: row.reason,
            },
            None => Refusal::UnknownExecution(id.into()),
        })
    }

    /// Why a decision on `action` comes too late: answered already, timed out, or its
    /// execution is over.
    fn stale_approval(&self, id: &str, action: &ActionId) -> Result<Refusal, EngineError> {
        let latest = self
            .store
            .approvals(id)?
            .into_iter()
            .rfind(|approval| approval.key.is_of(action));
        if let Some(approval) = latest {
            if let (Some(approved), Some(by)) = (approval.approved, approval.decided_by) {
                return Ok(Refusal::AlreadyAnswered {
                    action: action.clone(),
                    approved,
                    by,
                });
            }
            if approval.expires_ms <= now_ms() {
                return Ok(Refusal::ApprovalTimedOut {
                    action: action.clone(),
                });
            }
        }
        if self.executions.contains_key(id) {
            Ok(Refusal::NotWaitingForApproval {
                action: action.clone(),
            })
        } else {
            self.not_live(id)
        }
    }

    // ----- scheduling -----

    fn request_entry(&mut self, id: &str, stage_index: usize) {
        let Some(execution) = self.executions.get_mut(id) else {
            return;
        };
        let stage = execution.pipeline.stages[stage_index].name.clone();
        let pipeline = execution.pipeline.name.clone();
        execution.place = Place::Waiting(stage_index);
        match self.gates_for(&pipeline).request(&stage, id) {
            Admission::Enter => self.enter_stage(id, stage_index, None),
            Admission::Wait { superseded } => {
                self.record(Change::ExecutionWaiting {
                    execution_id: id.into(),
                    stage: Some(stage),
                    at_ms: now_ms(),
                });
                if let Some(old) = superseded {
                    self.end_execution(
                        &old,
                        ExecutionStatus::Superseded,
                        Some(format!("superseded by newer execution {id}")),
                    );
                }
            }
        }
    }

    fn enter_admitted(&mut self, admitted: &[String], stage: &str) {
        for id in admitted {
            if let Some(index) = self
                .executions
                .get(id.as_str())
                .and_then(|e| e.stage_index(stage))
            {
                self.record(Change::ExecutionWaiting {
                    execution_id: id.as_str().into(),
                    stage: None,
                    at_ms: now_ms(),
                });
                self.enter_stage(id, index, None);
            }
        }
    }

    fn enter_stage(&mut self, id: &str, stage_index: usize, retry: Option<RetryMode>) {
        let Some(execution) = self.executions.get_mut(id) else {
            return;
        };
        execution.place = Place::InStage(stage_index);
        let stage_name = execution.pipeline.stages[stage_index].name.clone();
        let stage = &mut execution.stages[stage_index];
        stage.attempt += 1;
        stage.failure = None;
        stage.status = Some(StageStatus::InProgress);
        for action in &mut stage.actions {
            action.pending = match retry {
                Some(RetryMode::FailedActions) => action.status != Some(ActionStatus::Succeeded),
                None | Some(RetryMode::AllActions) => true,
            };
        }
        let attempt = stage.attempt;
        self.record(Change::StageStatus {
            execution_id: id.into(),
            stage: stage_name,
            status: StageStatus::InProgress,
            reason: None,
            attempt,
            at_ms: now_ms(),
        });
        self.advance(id, stage_index);
    }

    /// Starts the next run_order group of the stage, or finishes the stage.
    fn advance(&mut self, id: &str, stage_index: usize) {
        let Some(execution) = self.executions.get(id) else {
            return;
        };
        if execution.stop.is_some() {
            self.finish_stage(id, stage_index);
            return;
        }
        let definition = &execution.pipeline.stages[stage_index];
        let run = &execution.stages[stage_index];
        let next_order = definition
            .actions
            .iter()
            .zip(&run.actions)
            .filter(|(_, state)| state.pending)
            .map(|(action, _)| action.run_order)
            .min();
        let Some(order) = next_order else {
            self.finish_stage(id, stage_index);
            return;
        };
        let group: Vec<usize> = definition
            .actions
            .iter()
            .enumerate()
            .filter(|(index, action)| action.run_order == order && run.actions[*index].pending)
            .map(|(index, _)| index)
            .collect();
        for action_index in group {
            self.start_attempt(id, stage_index, action_index);
        }
    }

    fn start_attempt(&mut self, id: &str, stage_index: usize, action_index: usize) {
        let Some(execution) = self.executions.get_mut(id) else {
            return;
        };
        let run = &mut execution.stages[stage_index].actions[action_index];
        run.pending = false;
        run.attempts += 1;
        let cancel = CancellationToken::new();
        let (signal_sender, signal_receiver) = unbounded_channel();
        run.running = Some(Running {
            cancel: cancel.clone(),
            signals: signal_sender,
            awaiting_approval: false,
        });
        let definition = &execution.pipeline.stages[stage_index];
        let action = &definition.actions[action_index];
        let key = AttemptKey {
            execution_id: id.into(),
            stage: definition.name.clone(),
            action: action.name.clone(),
            attempt: run.attempts,
        };
        let source_revision = execution.source_revisions.get(&action.name).cloned();
        let provider = action.provider.kind().as_str().to_string();
        let run_paths = self.paths.run(id);
        let log_path = run_paths.log(&key.stage, &key.action, key.attempt);
        let relative_log = log_path
            .strip_prefix(&self.workspace)
            .unwrap_or(&log_path)
            .to_string_lossy()
            .into_owned();
        let prepared = launch::prepare(execution, stage_index, action_index, &key, &self.workspace);
        let resolved_config = match &prepared {
            Ok(prepared) => ron_io::to_ron(&prepared.action).unwrap_or_default(),
            Err(_) => ron_io::to_ron(action).unwrap_or_default(),
        };
        if let Ok(prepared) = &prepared {
            self.secrets.add(&prepared.secrets);
        }
        let log = LogSink::create(
            &log_path,
            key.clone(),
            self.bus.clone(),
            self.secrets.clone(),
        );
        self.record(Change::AttemptStarted {
            key: key.clone(),
            provider,
            resolved_config,
            log_path: relative_log,
            at_ms: now_ms(),
        });
        let (prepared, log) = match (prepared, log) {
            (Ok(prepared), Ok(log)) => (prepared, Arc::new(log)),
            (Err(error), _) => return self.fail_at_once(key, error.to_string()),
            (_, Err(error)) => {
                return self.fail_at_once(
                    key,
                    format!("cannot create the log file {}: {error}", log_path.display()),
                );
            }
        };
        if let Some(approval) = actions::step(&prepared.action.provider).approval() {
            if let Some(running) = self
                .executions
                .get_mut(id)
                .and_then(|e| e.stages[stage_index].actions[action_index].running.as_mut())
            {
                running.awaiting_approval = true;
            }
            let now = now_ms();
            self.record(Change::ApprovalRequested {
                key: key.clone(),
                message: approval.message,
                review_url: approval.review_url,
                expires_ms: now + prepared.timeout.as_millis() as i64,
                at_ms: now,
            });
        }
        let job = AttemptJob {
            key: key.clone(),
            action: prepared.action,
            workspace: self.workspace.clone(),
            run: run_paths,
            env: prepared.env,
            timeout: prepared.timeout,
            cancel,
            signals: signal_receiver,
            source_revision,
            log,
            launcher: Launcher {
                zygote: self.zygote.clone(),
                tracker: Arc::new(Tracker {
                    key: key.clone(),
                    sender: self.sender.clone(),
                }),
            },
            permits: self.permits.clone(),
            pool: self.pool.clone(),
            targets: self.targets.clone(),
            waiting: Arc::new(Waiting {
                key: key.clone(),
                sender: self.sender.clone(),
            }),
        };
        let sender = self.sender.clone();
        self.runtime.spawn(async move {
            let result = runner::run(job).await;
            let _ = sender.send(Message::AttemptDone { key, result });
        });
    }

    /// Ends an attempt that could not even start, through the normal path.
    fn fail_at_once(&mut self, key: AttemptKey, summary: String) {
        let _ = self.sender.send(Message::AttemptDone {
            key,
            result: ActionResult::failed(summary),
        });
    }

    fn attempt_done(&mut self, key: AttemptKey, result: ActionResult) {
        let Some(execution) = self.executions.get_mut(&key.execution_id) else {
            return;
        };
        let Some((stage_index, action_index)) = execution.locate(&key.stage, &key.action) else {
            return;
        };
        let namespace = execution.pipeline.stages[stage_index].actions[action_index]
            .namespace
            .clone();
        // A variable holding a secret is a secret (the real value stays in memory for the
        // actions that use it; everything recorded is masked).
        self.secrets.taint(&result.output_variables);
        let stage = &mut execution.stages[stage_index];
        let run = &mut stage.actions[action_index];
        run.running = None;
        run.status = Some(result.status);
        if result.status == ActionStatus::Succeeded {
            if let Some(namespace) = namespace {
                execution
                    .outputs
                    .insert(namespace, result.output_variables.clone());
            }
        } else if stage.failure.is_none() && result.status == ActionStatus::Failed {
            let first_line = result
                .summary
                .as_deref()
                .and_then(|s| s.lines().next())
                .unwrap_or("failed");
            stage.failure = Some(format!("{}/{} failed: {first_line}", key.stage, key.action));
        }
        let busy = stage.is_busy();
        let failed = stage.failure.is_some();
        let id = key.execution_id.clone();
        self.record(Change::AttemptFinished {
            key,
            status: result.status,
            exit_code: result.exit_code,
            summary: result.summary,
            output_variables: result.output_variables,
            warnings: result.warnings,
            reports: result.reports,
            at_ms: now_ms(),
        });
        if busy {
            return;
        }
        let stopping = self
            .executions
            .get(&id)
            .is_some_and(|execution| execution.stop.is_some());
        if failed || stopping {
            self.finish_stage(&id, stage_index);
        } else {
            self.advance(&id, stage_index);
        }
    }

    /// Ends the stage (nothing runs in it any more) and moves the execution on.
    fn finish_stage(&mut self, id: &str, stage_index: usize) {
        let Some(execution) = self.executions.get_mut(id) else {
            return;
        };
        let stage_name = execution.pipeline.stages[stage_index].name.clone();
        let pipeline = execution.pipeline.name.clone();
        let stage_count = execution.pipeline.stages.len();
        let stage = &mut execution.stages[stage_index];
        let (stage_status, outcome) = match (&execution.stop, &stage.failure) {
            (Some((_, reason)), _) => (
                StageStatus::Stopped,
                Some((ExecutionStatus::Stopped, reason.clone())),
            ),
            (None, Some(failure)) => (
                StageStatus::Failed,
                Some((ExecutionStatus::Failed, failure.clone())),
            ),
            (None, None) => (StageStatus::Succeeded, None),
        };
        stage.status = Some(stage_status);
        let attempt = stage.attempt;
        self.record(Change::StageStatus {
            execution_id: id.into(),
            stage: stage_name.clone(),
            status: stage_status,
            reason: outcome.as_ref().map(|(_, reason)| reason.clone()),
            attempt,
            at_ms: now_ms(),
        });
        self.gates_for(&pipeline).leave(&stage_name, id);
        match outcome {
            Some((status, reason)) => self.end_execution(id, status, Some(reason)),
            None if stage_index + 1 < stage_count => self.request_entry(id, stage_index + 1),
            None => self.end_execution(id, ExecutionStatus::Succeeded, None),
        }
        let admitted = self.gates_for(&pipeline).admit(&stage_name);
        self.enter_admitted(&admitted, &stage_name);
    }

    fn end_execution(&mut self, id: &str, status: ExecutionStatus, reason: Option<String>) {
        let Some(execution) = self.executions.remove(id) else {
            return;
        };
        self.ended.push(execution.pipeline.name.clone());
        if let Place::Waiting(stage_index) = execution.place {
            let stage = execution.pipeline.stages[stage_index].name.clone();
            self.gates_for(&execution.pipeline.name).leave(&stage, id);
        }
        let now = now_ms();
        if status != ExecutionStatus::Succeeded {
            let skipped: Vec<String> = execution
                .pipeline
                .stages
                .iter()
                .zip(&execution.stages)
                .filter(|(_, run)| run.status.is_none())
                .map(|(stage, _)| stage.name.clone())
                .collect();
            for stage in skipped {
                self.record(Change::StageStatus {
                    execution_id: id.into(),
                    stage,
                    status: StageStatus::Skipped,
                    reason: None,
                    attempt: 0,
                    at_ms: now,
                });
            }
        }
        self.record(Change::ExecutionStatus {
            execution_id: id.into(),
            status,
            reason,
            at_ms: now,
        });
    }

    // ----- shutdown -----

    fn begin_shutdown(&mut self, done: std::sync::mpsc::Sender<()>, reason: String) {
        self.shutting_down = Some(done);
        let ids: Vec<ExecutionId> = self.executions.keys().cloned().collect();
        for id in ids {
            let _ = self.stop(&id, StopMode::Abandon, reason.clone());
        }
    }

    fn shutdown_complete(&self) -> bool {
        match &self.shutting_down {
            Some(done) if self.executions.is_empty() => {
                let _ = done.send(());
                true
            }
            _ => false,
        }
    }
}

fn cancel_running(execution: &mut Execution, mode: StopMode) {
    for stage in &mut execution.stages {
        for action in &mut stage.actions {
            if let Some(running) = &action.running
                && (mode == StopMode::Abandon || running.awaiting_approval)
            {
                running.cancel.cancel();
            }
        }
    }
}

/// Declared defaults with the overrides applied; unknown names and missing values refused.
fn resolve_variables(
    pipeline: &crate::model::Pipeline,
    overrides: &IndexMap<String, String>,
) -> Result<IndexMap<String, String>, EngineError> {
    for (name, value) in overrides {
        if !pipeline.variables.iter().any(|v| v.name == *name) {
            return Err(Refusal::UnknownVariable {
                pipeline: pipeline.name.clone(),
                name: name.clone(),
                declared: pipeline.variables.iter().map(|v| v.name.clone()).collect(),
            }
            .into());
        }
        check_variable_value(value).map_err(|problem| Refusal::BadVariable {
            name: name.clone(),
            problem,
        })?;
    }
    let mut values = IndexMap::new();
    for variable in &pipeline.variables {
        let value = overrides
            .get(&variable.name)
            .or(variable.default.as_ref())
            .ok_or_else(|| Refusal::MissingVariable(variable.name.clone()))?;
        values.insert(variable.name.clone(), value.clone());
    }
    Ok(values)
}
