//! What the run view knows about executions: folded from engine events as they arrive, or
//! loaded from the store for executions that ended before the app opened.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::engine::Event;
use crate::execution::{AttemptKey, Change, Trigger};
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};
use crate::model::{Pipeline, ron_io};
use crate::store::{Store, StoreError};

/// One stage of an execution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageView {
    /// Its status, once entered.
    pub status: Option<StageStatus>,
    /// Why it ended as it did.
    pub reason: Option<String>,
    /// How many times it was entered.
    pub attempt: u32,
    /// When it started (Unix ms).
    pub started_ms: Option<i64>,
    /// When it ended (Unix ms).
    pub ended_ms: Option<i64>,
}

/// The latest attempt of one action.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptView {
    /// Which attempt.
    pub key: AttemptKey,
    /// The provider's name.
    pub provider: String,
    /// How it is or ended.
    pub status: ActionStatus,
    /// Its exit code.
    pub exit_code: Option<i32>,
    /// What happened.
    pub summary: Option<String>,
    /// The configuration with variables resolved.
    pub resolved_config: String,
    /// Variables it set.
    pub output_variables: IndexMap<String, String>,
    /// Things that went wrong without failing it.
    pub warnings: Vec<String>,
    /// The log file, relative to the workspace.
    pub log_path: String,
    /// How long the log is, as far as events told.
    pub log_len: u64,
    /// Start (Unix ms).
    pub started_ms: i64,
    /// End (Unix ms).
    pub ended_ms: Option<i64>,
}

/// An approval request and what was decided.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalView {
    /// The message, variables resolved.
    pub message: Option<String>,
    /// The review link.
    pub review_url: Option<String>,
    /// When it times out (Unix ms).
    pub expires_ms: i64,
    /// Approved or rejected, by whom, with what summary, when.
    pub decision: Option<(bool, String, String, i64)>,
}

/// One execution, as far as the UI knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionView {
    /// Its id.
    pub id: String,
    /// The pipeline's name.
    pub pipeline: String,
    /// The definition it runs (shown on the canvas).
    pub definition: Option<Arc<Pipeline>>,
    /// What started it.
    pub trigger: Trigger,
    /// Variables after overrides.
    pub variables: IndexMap<String, String>,
    /// Its status.
    pub status: ExecutionStatus,
    /// Why it ended as it did.
    pub reason: Option<String>,
    /// The stage it waits in front of.
    pub waiting_for: Option<String>,
    /// Start (Unix ms).
    pub started_ms: i64,
    /// End (Unix ms).
    pub ended_ms: Option<i64>,
    /// Stages by name.
    pub stages: HashMap<String, StageView>,
    /// Latest attempt per (stage, action).
    pub attempts: HashMap<(String, String), AttemptView>,
    /// Approvals per (stage, action), latest attempt.
    pub approvals: HashMap<(String, String), ApprovalView>,
    /// Waiting periods in front of stages: (stage, from, to).
    pub waits: Vec<(String, i64, Option<i64>)>,
}

fn parse_definition(text: &str) -> Option<Arc<Pipeline>> {
    ron_io::parse(text, Path::new("definition.pipeline.ron"))
        .ok()
        .map(|loaded| Arc::new(loaded.pipeline))
}

impl ExecutionView {
    /// Reads an execution from the store.
    pub fn load(store: &Store, id: &str) -> Result<Option<Self>, StoreError> {
        let Some(row) = store.execution(id)? else {
            return Ok(None);
        };
        let definition = store
            .definition(&row.definition_hash)?
            .as_deref()
            .and_then(parse_definition);
        let mut view = Self {
            id: row.id.to_string(),
            pipeline: row.pipeline,
            definition,
            trigger: row.trigger,
            variables: row.variables,
            status: row.status,
            reason: row.reason,
            waiting_for: row.waiting_for,
            started_ms: row.started_ms,
            ended_ms: row.ended_ms,
            stages: HashMap::new(),
            attempts: HashMap::new(),
            approvals: HashMap::new(),
            waits: Vec::new(),
        };
        for stage in store.stages(id)? {
            view.stages.insert(
                stage.stage,
                StageView {
                    status: stage.status,
                    reason: stage.reason,
                    attempt: stage.attempt,
                    started_ms: stage.started_ms,
                    ended_ms: stage.ended_ms,
                },
            );
        }
        for attempt in store.attempts(id)? {
            let log_len = std::fs::metadata(store.paths().root().join(&attempt.log_path))
                .map_or(0, |m| m.len());
            view.attempts.insert(
                (attempt.key.stage.clone(), attempt.key.action.clone()),
                AttemptView {
                    key: attempt.key,
                    provider: attempt.provider,
                    status: attempt.status,
                    exit_code: attempt.exit_code,
                    summary: attempt.summary,
                    resolved_config: attempt.resolved_config,
                    output_variables: attempt.output_variables,
                    warnings: attempt.warnings,
                    log_path: attempt.log_path,
                    log_len,
                    started_ms: attempt.started_ms,
                    ended_ms: attempt.ended_ms,
                },
            );
        }
        for approval in store.approvals(id)? {
            view.approvals.insert(
                (approval.key.stage.clone(), approval.key.action.clone()),
                ApprovalView {
                    message: approval.message,
                    review_url: approval.review_url,
                    expires_ms: approval.expires_ms,
                    decision: match (
                        approval.approved,
                        approval.decided_by,
                        approval.summary,
                        approval.decided_ms,
                    ) {
                        (Some(approved), Some(by), Some(summary), Some(at)) => {
                            Some((approved, by, summary, at))
                        }
                        _ => None,
                    },
                },
            );
        }
        Ok(Some(view))
    }

    /// Whether it may still change.
    pub fn is_live(&self) -> bool {
        !self.status.is_final()
    }

    /// The commit the execution took and the first line of its message, from its first
    /// Git source's output variables.
    pub fn revision(&self) -> Option<(String, String)> {
        self.attempts.values().find_map(|attempt| {
            let commit = attempt.output_variables.get("CommitId")?;
            let message = attempt
                .output_variables
                .get("CommitMessage")
                .map_or("", String::as_str);
            Some((
                commit.chars().take(7).collect(),
                message.lines().next().unwrap_or("").to_string(),
            ))
        })
    }

    /// The approvals that wait for a decision now.
    pub fn waiting_approvals(&self) -> Vec<(String, String)> {
        self.approvals
            .iter()
            .filter(|((stage, action), approval)| {
                approval.decision.is_none()
                    && self
                        .attempts
                        .get(&(stage.clone(), action.clone()))
                        .is_some_and(|attempt| attempt.status == ActionStatus::InProgress)
            })
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// Applies one change about this execution.
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::ExecutionStarted(_) | Change::TransitionChanged { .. } => {}
            Change::ExecutionWaiting { stage, at_ms, .. } => {
                if let Some(last) = self.waits.last_mut().filter(|w| w.2.is_none()) {
                    last.2 = Some(*at_ms);
                }
                if let Some(stage) = stage {
                    self.waits.push((stage.clone(), *at_ms, None));
                }
                self.waiting_for = stage.clone();
            }
            Change::ExecutionStatus {
                status,
                reason,
                at_ms,
                ..
            } => {
                self.status = *status;
                if reason.is_some() {
                    self.reason = reason.clone();
                }
                if status.is_final() {
                    self.ended_ms = Some(*at_ms);
                    self.waiting_for = None;
                    if let Some(last) = self.waits.last_mut().filter(|w| w.2.is_none()) {
                        last.2 = Some(*at_ms);
                    }
                } else {
                    self.ended_ms = None;
                }
            }
            Change::StageStatus {
                stage,
                status,
                reason,
                attempt,
                at_ms,
                ..
            } => {
                let view = self.stages.entry(stage.clone()).or_default();
                view.status = Some(*status);
                view.reason = reason.clone();
                view.attempt = *attempt;
                if status.is_final() {
                    view.ended_ms = Some(*at_ms);
                } else {
                    view.started_ms = Some(*at_ms);
                    view.ended_ms = None;
                }
            }
            Change::AttemptStarted {
                key,
                provider,
                resolved_config,
                log_path,
                at_ms,
            } => {
                self.attempts.insert(
                    (key.stage.clone(), key.action.clone()),
                    AttemptView {
                        key: key.clone(),
                        provider: provider.clone(),
                        status: ActionStatus::InProgress,
                        exit_code: None,
                        summary: None,
                        resolved_config: resolved_config.clone(),
                        output_variables: IndexMap::new(),
                        warnings: Vec::new(),
                        log_path: log_path.clone(),
                        log_len: 0,
                        started_ms: *at_ms,
                        ended_ms: None,
                    },
                );
            }
            Change::AttemptFinished {
                key,
                status,
                exit_code,
                summary,
                output_variables,
                warnings,
                at_ms,
                ..
            } => {
                if let Some(view) = self
                    .attempts
                    .get_mut(&(key.stage.clone(), key.action.clone()))
                    && view.key.attempt == key.attempt
                {
                    view.status = *status;
                    view.exit_code = *exit_code;
                    view.summary = summary.clone();
                    view.output_variables = output_variables.clone();
                    view.warnings = warnings.clone();
                    view.ended_ms = Some(*at_ms);
                }
            }
            Change::ApprovalRequested {
                key,
                message,
                review_url,
                expires_ms,
                ..
            } => {
                self.approvals.insert(
                    (key.stage.clone(), key.action.clone()),
                    ApprovalView {
                        message: message.clone(),
                        review_url: review_url.clone(),
                        expires_ms: *expires_ms,
                        decision: None,
                    },
                );
            }
            Change::ApprovalDecided {
                key,
                approved,
                by,
                summary,
                at_ms,
            } => {
                if let Some(view) = self
                    .approvals
                    .get_mut(&(key.stage.clone(), key.action.clone()))
                {
                    view.decision = Some((*approved, by.clone(), summary.clone(), *at_ms));
                }
            }
        }
    }
}

/// Everything the run view knows: executions seen while the app runs, and transitions.
#[derive(Debug, Default)]
pub struct RunModel {
    /// Executions by id.
    pub executions: HashMap<String, ExecutionView>,
    /// Disabled transitions: (pipeline, stage) → reason.
    pub disabled: HashMap<(String, String), String>,
    /// Increases whenever anything changes.
    pub revision: u64,
    /// Executions that ended since the last look, with how they ended (for notifications).
    pub ended: Vec<(String, String, ExecutionStatus)>,
    /// Approvals requested since the last look: (pipeline, stage/action, message).
    pub requested: Vec<(String, String, Option<String>)>,
}

impl RunModel {
    /// Folds one engine event in.
    pub fn apply(&mut self, event: &Event) {
        self.revision += 1;
        match event {
            Event::Changed(Change::ExecutionStarted(new)) => {
                self.executions.insert(
                    new.id.to_string(),
                    ExecutionView {
                        id: new.id.to_string(),
                        pipeline: new.pipeline.clone(),
                        definition: parse_definition(&new.definition),
                        trigger: new.trigger.clone(),
                        variables: new.variables.clone(),
                        status: ExecutionStatus::InProgress,
                        reason: None,
                        waiting_for: None,
                        started_ms: new.started_ms,
                        ended_ms: None,
                        stages: HashMap::new(),
                        attempts: HashMap::new(),
                        approvals: HashMap::new(),
                        waits: Vec::new(),
                    },
                );
            }
            Event::Changed(Change::TransitionChanged {
                pipeline,
                stage,
                enabled,
                reason,
                ..
            }) => {
                let key = (pipeline.clone(), stage.clone());
                if *enabled {
                    self.disabled.remove(&key);
                } else {
                    self.disabled
                        .insert(key, reason.clone().unwrap_or_default());
                }
            }
            Event::Changed(change) => {
                let Some(view) = change
                    .execution_id()
                    .and_then(|id| self.executions.get_mut(id.as_str()))
                else {
                    return;
                };
                view.apply(change);
                match change {
                    Change::ExecutionStatus { status, .. } if status.is_final() => {
                        self.ended
                            .push((view.pipeline.clone(), view.id.clone(), *status));
                    }
                    Change::ApprovalRequested { key, message, .. } => {
                        self.requested.push((
                            view.pipeline.clone(),
                            format!("{}/{}", key.stage, key.action),
                            message.clone(),
                        ));
                    }
                    _ => {}
                }
            }
            Event::LogGrew { key, len } => {
                if let Some(attempt) = self
                    .executions
                    .get_mut(key.execution_id.as_str())
                    .and_then(|view| {
                        view.attempts
                            .get_mut(&(key.stage.clone(), key.action.clone()))
                    })
                    .filter(|attempt| attempt.key.attempt == key.attempt)
                {
                    attempt.log_len = attempt.log_len.max(*len);
                }
            }
        }
    }

    /// Adds an execution read from the store (unless a live one is already known).
    pub fn remember(&mut self, view: ExecutionView) {
        self.executions.entry(view.id.clone()).or_insert(view);
        self.revision += 1;
    }

    /// Executions of `pipeline` waiting in front of `stage`.
    pub fn waiting_at(&self, pipeline: &str, stage: &str) -> Vec<&ExecutionView> {
        let mut waiting: Vec<&ExecutionView> = self
            .executions
            .values()
            .filter(|v| {
                v.pipeline == pipeline && v.is_live() && v.waiting_for.as_deref() == Some(stage)
            })
            .collect();
        waiting.sort_by_key(|v| v.started_ms);
        waiting
    }

    /// All approvals waiting now, across executions: (execution id, stage, action).
    pub fn waiting_approvals(&self) -> Vec<(String, String, String)> {
        let mut all: Vec<(String, String, String)> = self
            .executions
            .values()
            .flat_map(|v| {
                v.waiting_approvals()
                    .into_iter()
                    .map(|(s, a)| (v.id.clone(), s, a))
            })
            .collect();
        all.sort();
        all
    }
}
