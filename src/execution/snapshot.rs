//! One execution as far as a front end knows it: started from its
//! [`NewExecution`](super::NewExecution) (or read back from the store) and brought up to date
//! by folding each [`Change`] in with [`ExecutionSnapshot::apply`], a pure function.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{ActionId, AttemptKey, Change, ExecutionId, NewExecution, Trigger};
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};

/// One stage of an execution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageState {
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
pub struct AttemptState {
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
    /// How long the log is, as far as is known.
    pub log_len: u64,
    /// Start (Unix ms).
    pub started_ms: i64,
    /// End (Unix ms).
    pub ended_ms: Option<i64>,
    /// What it waits for while it runs (a deploy target another execution holds).
    pub waiting: Option<String>,
}

/// Someone's answer to an approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalDecision {
    /// Approved (true) or rejected.
    pub approved: bool,
    /// Who decided.
    pub by: String,
    /// Their summary.
    pub summary: String,
    /// When (Unix ms).
    pub at_ms: i64,
}

/// An approval request and what was decided.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalState {
    /// The message, variables resolved.
    pub message: Option<String>,
    /// The review link.
    pub review_url: Option<String>,
    /// When it times out (Unix ms).
    pub expires_ms: i64,
    /// The answer, once given.
    pub decision: Option<ApprovalDecision>,
}

/// A time the execution waited in front of a stage's transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// The stage it waited to enter.
    pub stage: String,
    /// From (Unix ms).
    pub from_ms: i64,
    /// Until (Unix ms), or still waiting.
    pub to_ms: Option<i64>,
}

/// The commit a Git source took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The short commit id.
    pub commit: String,
    /// The first line of its message.
    pub message: String,
}

impl Revision {
    /// The revision in a Git source's output variables (`CommitId`, `CommitMessage`).
    pub fn from_variables(variables: &IndexMap<String, String>) -> Option<Self> {
        let commit = variables.get("CommitId")?;
        let message = variables.get("CommitMessage").map_or("", String::as_str);
        Some(Self {
            commit: commit.chars().take(7).collect(),
            message: message.lines().next().unwrap_or("").to_string(),
        })
    }
}

/// One execution as far as it is known.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionSnapshot {
    /// Its id.
    pub id: ExecutionId,
    /// The pipeline's name.
    pub pipeline: String,
    /// The hash of the definition it runs (the definitions table holds the text).
    pub definition_hash: String,
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
    pub stages: HashMap<String, StageState>,
    /// The latest attempt of each action.
    pub attempts: HashMap<ActionId, AttemptState>,
    /// The latest approval request of each approval action.
    pub approvals: HashMap<ActionId, ApprovalState>,
    /// Waits in front of stages, in order (only those seen as changes).
    pub waits: Vec<Wait>,
}

impl ExecutionSnapshot {
    /// A just-started execution.
    pub fn started(new: &NewExecution) -> Self {
        Self {
            id: new.id.clone(),
            pipeline: new.pipeline.clone(),
            definition_hash: new.definition_hash.clone(),
            trigger: new.trigger.clone(),
            variables: new.variables.clone(),
            status: ExecutionStatus::InProgress,
            reason: None,
            waiting_for: None,
            started_ms: new.started_ms,
            ended_ms: None,
            stages: new
                .stages
                .iter()
                .map(|stage| (stage.clone(), StageState::default()))
                .collect(),
            attempts: HashMap::new(),
            approvals: HashMap::new(),
            waits: Vec::new(),
        }
    }

    /// Whether it may still change.
    pub fn is_live(&self) -> bool {
        !self.status.is_final()
    }

    /// The commit its first Git source took.
    pub fn revision(&self) -> Option<Revision> {
        let mut attempts: Vec<&AttemptState> = self.attempts.values().collect();
        attempts.sort_by_key(|attempt| attempt.started_ms);
        attempts
            .into_iter()
            .find_map(|attempt| Revision::from_variables(&attempt.output_variables))
    }

    /// The approvals that wait for a decision now, in name order.
    pub fn waiting_approvals(&self) -> Vec<ActionId> {
        let mut waiting: Vec<ActionId> = self
            .approvals
            .iter()
            .filter(|(action, approval)| {
                approval.decision.is_none()
                    && self
                        .attempts
                        .get(*action)
                        .is_some_and(|attempt| attempt.status == ActionStatus::InProgress)
            })
            .map(|(action, _)| action.clone())
            .collect();
        waiting.sort();
        waiting
    }

    /// Folds one change in. Changes about other executions, and transition changes, leave it
    /// as it is; the answer says whether this one changed.
    pub fn apply(&mut self, change: &Change) -> bool {
        if change.execution_id() != Some(&self.id) {
            return false;
        }
        match change {
            Change::ExecutionStarted(_) | Change::TransitionChanged { .. } => return false,
            Change::ExecutionWaiting { stage, at_ms, .. } => {
                self.end_wait(*at_ms);
                if let Some(stage) = stage {
                    self.waits.push(Wait {
                        stage: stage.clone(),
                        from_ms: *at_ms,
                        to_ms: None,
                    });
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
                    self.end_wait(*at_ms);
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
                let state = self.stages.entry(stage.clone()).or_default();
                state.status = Some(*status);
                state.reason = reason.clone();
                state.attempt = *attempt;
                if status.is_final() {
                    state.ended_ms = Some(*at_ms);
                } else {
                    state.started_ms = Some(*at_ms);
                    state.ended_ms = None;
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
                    ActionId::new(&key.stage, &key.action),
                    AttemptState {
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
                        waiting: None,
                    },
                );
            }
            Change::AttemptWaiting { key, reason, .. } => {
                let Some(state) = self
                    .attempts
                    .get_mut(&ActionId::new(&key.stage, &key.action))
                    .filter(|state| state.key.attempt == key.attempt)
                else {
                    return false;
                };
                state.waiting = reason.clone();
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
                let Some(state) = self
                    .attempts
                    .get_mut(&ActionId::new(&key.stage, &key.action))
                    .filter(|state| state.key.attempt == key.attempt)
                else {
                    return false;
                };
                state.status = *status;
                state.exit_code = *exit_code;
                state.summary = summary.clone();
                state.output_variables = output_variables.clone();
                state.warnings = warnings.clone();
                state.ended_ms = Some(*at_ms);
                state.waiting = None;
            }
            Change::ApprovalRequested {
                key,
                message,
                review_url,
                expires_ms,
                ..
            } => {
                self.approvals.insert(
                    ActionId::new(&key.stage, &key.action),
                    ApprovalState {
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
                let Some(state) = self
                    .approvals
                    .get_mut(&ActionId::new(&key.stage, &key.action))
                else {
                    return false;
                };
                state.decision = Some(ApprovalDecision {
                    approved: *approved,
                    by: by.clone(),
                    summary: summary.clone(),
                    at_ms: *at_ms,
                });
            }
        }
        true
    }

    /// Notes that an attempt's log has grown to `len` bytes.
    pub fn log_grew(&mut self, key: &AttemptKey, len: u64) {
        if let Some(state) = self
            .attempts
            .get_mut(&ActionId::new(&key.stage, &key.action))
            .filter(|state| state.key == *key)
        {
            state.log_len = state.log_len.max(len);
        }
    }

    fn end_wait(&mut self, at_ms: i64) {
        if let Some(last) = self.waits.last_mut().filter(|wait| wait.to_ms.is_none()) {
            last.to_ms = Some(at_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(action: &str, attempt: u32) -> AttemptKey {
        AttemptKey {
            execution_id: ExecutionId::from("e1"),
            stage: "Build".into(),
            action: action.into(),
            attempt,
        }
    }

    fn started() -> ExecutionSnapshot {
        ExecutionSnapshot::started(&NewExecution {
            id: ExecutionId::from("e1"),
            pipeline: "p".into(),
            file: "p.pipeline.ron".into(),
            definition_hash: "h".into(),
            definition: String::new(),
            trigger: Trigger::manual("ada"),
            variables: IndexMap::new(),
            source_revisions: IndexMap::new(),
            stages: vec!["Build".into(), "Deploy".into()],
            started_ms: 100,
        })
    }

    fn attempt_started(action: &str, attempt: u32, at_ms: i64) -> Change {
        Change::AttemptStarted {
            key: key(action, attempt),
            provider: "Commands".into(),
            resolved_config: "()".into(),
            log_path: format!("{action}.log"),
            at_ms,
        }
    }

    fn attempt_finished(action: &str, attempt: u32, status: ActionStatus) -> Change {
        Change::AttemptFinished {
            key: key(action, attempt),
            status,
            exit_code: Some(0),
            summary: None,
            output_variables: IndexMap::from([
                ("CommitId".to_string(), "0123456789".to_string()),
                ("CommitMessage".to_string(), "Fix it\n\nbody".to_string()),
            ]),
            warnings: Vec::new(),
            reports: Vec::new(),
            at_ms: 300,
        }
    }

    #[test]
    fn a_started_execution_lists_its_stages_not_yet_run() {
        let snapshot = started();
        assert!(snapshot.is_live());
        assert_eq!(snapshot.stages.len(), 2);
        assert_eq!(snapshot.stages["Deploy"].status, None);
    }

    #[test]
    fn changes_about_other_executions_leave_it_alone() {
        let mut snapshot = started();
        let before = snapshot.clone();
        let mut other = attempt_started("Compile", 1, 200);
        if let Change::AttemptStarted { key, .. } = &mut other {
            key.execution_id = ExecutionId::from("e2");
        }
        assert!(!snapshot.apply(&other));
        assert_eq!(snapshot, before);
    }

    #[test]
    fn an_attempt_runs_and_finishes_with_its_variables_and_revision() {
        let mut snapshot = started();
        assert!(snapshot.apply(&attempt_started("Compile", 1, 200)));
        let compile = ActionId::new("Build", "Compile");
        assert_eq!(snapshot.attempts[&compile].status, ActionStatus::InProgress);
        assert!(snapshot.apply(&attempt_finished("Compile", 1, ActionStatus::Succeeded)));
        let state = &snapshot.attempts[&compile];
        assert_eq!(
            (state.status, state.ended_ms),
            (ActionStatus::Succeeded, Some(300))
        );
        assert_eq!(
            snapshot.revision(),
            Some(Revision {
                commit: "0123456".into(),
                message: "Fix it".into()
            })
        );
    }

    #[test]
    fn a_finish_of_an_older_attempt_does_not_overwrite_a_retry() {
        let mut snapshot = started();
        snapshot.apply(&attempt_started("Compile", 1, 200));
        snapshot.apply(&attempt_started("Compile", 2, 250));
        assert!(!snapshot.apply(&attempt_finished("Compile", 1, ActionStatus::Failed)));
        let state = &snapshot.attempts[&ActionId::new("Build", "Compile")];
        assert_eq!(
            (state.key.attempt, state.status),
            (2, ActionStatus::InProgress)
        );
    }

    #[test]
    fn stage_statuses_keep_their_start_and_end() {
        let mut snapshot = started();
        let stage = |status, at_ms| Change::StageStatus {
            execution_id: ExecutionId::from("e1"),
            stage: "Build".into(),
            status,
            reason: None,
            attempt: 1,
            at_ms,
        };
        snapshot.apply(&stage(StageStatus::InProgress, 110));
        snapshot.apply(&stage(StageStatus::Succeeded, 190));
        let build = &snapshot.stages["Build"];
        assert_eq!(
            (
                build.status,
                build.started_ms,
                build.ended_ms,
                build.attempt
            ),
            (Some(StageStatus::Succeeded), Some(110), Some(190), 1)
        );
    }

    #[test]
    fn waits_open_and_close_and_the_end_closes_the_last() {
        let mut snapshot = started();
        let waiting = |stage: Option<&str>, at_ms| Change::ExecutionWaiting {
            execution_id: ExecutionId::from("e1"),
            stage: stage.map(str::to_string),
            at_ms,
        };
        snapshot.apply(&waiting(Some("Deploy"), 200));
        assert_eq!(snapshot.waiting_for.as_deref(), Some("Deploy"));
        snapshot.apply(&waiting(None, 260));
        assert_eq!(snapshot.waits[0].to_ms, Some(260));
        snapshot.apply(&waiting(Some("Deploy"), 270));
        snapshot.apply(&Change::ExecutionStatus {
            execution_id: ExecutionId::from("e1"),
            status: ExecutionStatus::Stopped,
            reason: Some("stopped by ada".into()),
            at_ms: 400,
        });
        assert_eq!(
            snapshot.waits,
            vec![
                Wait {
                    stage: "Deploy".into(),
                    from_ms: 200,
                    to_ms: Some(260)
                },
                Wait {
                    stage: "Deploy".into(),
                    from_ms: 270,
                    to_ms: Some(400)
                },
            ]
        );
        assert_eq!(
            (
                snapshot.status,
                snapshot.ended_ms,
                snapshot.waiting_for.clone()
            ),
            (ExecutionStatus::Stopped, Some(400), None)
        );
        assert_eq!(snapshot.reason.as_deref(), Some("stopped by ada"));
        assert!(!snapshot.is_live());
    }

    #[test]
    fn an_approval_waits_until_decided() {
        let mut snapshot = started();
        snapshot.apply(&attempt_started("Release", 1, 200));
        snapshot.apply(&Change::ApprovalRequested {
            key: key("Release", 1),
            message: Some("Ship?".into()),
            review_url: None,
            expires_ms: 10_000,
            at_ms: 210,
        });
        let release = ActionId::new("Build", "Release");
        assert_eq!(snapshot.waiting_approvals(), vec![release.clone()]);
        snapshot.apply(&Change::ApprovalDecided {
            key: key("Release", 1),
            approved: true,
            by: "ada".into(),
            summary: "ship it".into(),
            at_ms: 220,
        });
        assert!(snapshot.waiting_approvals().is_empty());
        assert_eq!(
            snapshot.approvals[&release].decision,
            Some(ApprovalDecision {
                approved: true,
                by: "ada".into(),
                summary: "ship it".into(),
                at_ms: 220
            })
        );
    }

    #[test]
    fn logs_grow_only_for_the_latest_attempt_and_never_shrink() {
        let mut snapshot = started();
        snapshot.apply(&attempt_started("Compile", 1, 200));
        snapshot.log_grew(&key("Compile", 1), 500);
        snapshot.log_grew(&key("Compile", 1), 100);
        snapshot.log_grew(&key("Compile", 2), 900);
        assert_eq!(
            snapshot.attempts[&ActionId::new("Build", "Compile")].log_len,
            500
        );
    }
}
