//! The in-memory state of one execution while it is in progress, and how to rebuild it from
//! the store (to retry a failed stage, even after a restart).

use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexMap;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::execution::ExecutionId;
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus, StopMode};
use crate::model::variables::{EXECUTION_ID_KEY, Reference};
use crate::model::{Pipeline, ron_io};
use crate::store::{Store, StoreError};

use super::actions::Signal;
use super::refusal::Refusal;

/// Where an execution is in its pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Waiting in front of the stage with this index.
    Waiting(usize),
    /// Running the stage with this index.
    InStage(usize),
}

/// A running attempt's handles.
pub struct Running {
    /// Cancels the attempt (stop-and-abandon).
    pub cancel: CancellationToken,
    /// Delivers approval decisions.
    pub signals: UnboundedSender<Signal>,
    /// Whether it is an approval still waiting for a decision.
    pub awaiting_approval: bool,
}

/// One action of the current stage.
#[derive(Default)]
pub struct ActionRun {
    /// Attempts started so far.
    pub attempts: u32,
    /// The latest attempt's status.
    pub status: Option<ActionStatus>,
    /// Whether it still has to run in this stage entry.
    pub pending: bool,
    /// Set while an attempt runs.
    pub running: Option<Running>,
}

/// One stage of the execution.
#[derive(Default)]
pub struct StageRun {
    /// Its status, once entered.
    pub status: Option<StageStatus>,
    /// How many times it was entered.
    pub attempt: u32,
    /// Its actions, in definition order.
    pub actions: Vec<ActionRun>,
    /// The first failure in the current entry.
    pub failure: Option<String>,
}

impl StageRun {
    /// Whether any of its actions is running.
    pub fn is_busy(&self) -> bool {
        self.actions.iter().any(|action| action.running.is_some())
    }
}

/// An execution in progress.
pub struct Execution {
    /// Its id.
    pub id: ExecutionId,
    /// The definition it runs.
    pub pipeline: Arc<Pipeline>,
    /// Its status.
    pub status: ExecutionStatus,
    /// Where it is.
    pub place: Place,
    /// Pipeline variables after overrides.
    pub variables: IndexMap<String, String>,
    /// Revisions asked for at start, by source action name.
    pub source_revisions: IndexMap<String, String>,
    /// Output variables by namespace.
    pub outputs: HashMap<String, IndexMap<String, String>>,
    /// Its stages.
    pub stages: Vec<StageRun>,
    /// A stop that was asked for.
    pub stop: Option<(StopMode, String)>,
    /// When it started (Unix ms).
    pub started_ms: i64,
}

impl Execution {
    /// A new execution, before it asks to enter its first stage.
    pub fn new(
        id: ExecutionId,
        pipeline: Arc<Pipeline>,
        variables: IndexMap<String, String>,
        source_revisions: IndexMap<String, String>,
    ) -> Self {
        let stages = pipeline
            .stages
            .iter()
            .map(|stage| StageRun {
                actions: stage.actions.iter().map(|_| ActionRun::default()).collect(),
                ..StageRun::default()
            })
            .collect();
        Self {
            id,
            pipeline,
            status: ExecutionStatus::InProgress,
            place: Place::Waiting(0),
            variables,
            source_revisions,
            outputs: HashMap::new(),
            stages,
            stop: None,
            started_ms: 0,
        }
    }

    /// Rebuilds an ended execution from history, to retry one of its stages.
    pub fn load(store: &Store, id: &str) -> Result<Self, LoadError> {
        let row = store
            .execution(id)?
            .ok_or_else(|| LoadError::Refused(Refusal::UnknownExecution(id.into())))?;
        let text = store.definition(&row.definition_hash)?.ok_or_else(|| {
            LoadError::Refused(Refusal::Unloadable {
                id: id.into(),
                why: "its definition is missing from the store".into(),
            })
        })?;
        let pipeline = ron_io::parse(&text, std::path::Path::new(&row.file))
            .map_err(|error| {
                LoadError::Refused(Refusal::Unloadable {
                    id: id.into(),
                    why: format!("the stored definition cannot be read: {error}"),
                })
            })?
            .pipeline;
        let mut execution = Self::new(
            row.id.clone(),
            Arc::new(pipeline),
            row.variables,
            row.source_revisions,
        );
        execution.status = row.status;
        execution.started_ms = row.started_ms;
        let stage_rows = store.stages(id)?;
        for (stage, stage_row) in execution.stages.iter_mut().zip(&stage_rows) {
            stage.status = stage_row.status;
            stage.attempt = stage_row.attempt;
        }
        for attempt in store.attempts(id)? {
            let Some((stage_index, action_index)) =
                execution.locate(&attempt.key.stage, &attempt.key.action)
            else {
                continue;
            };
            let action = &mut execution.stages[stage_index].actions[action_index];
            if attempt.key.attempt >= action.attempts {
                action.attempts = attempt.key.attempt;
                action.status = Some(attempt.status);
            }
            if attempt.status == ActionStatus::Succeeded
                && let Some(namespace) =
                    &execution.pipeline.stages[stage_index].actions[action_index].namespace
            {
                execution
                    .outputs
                    .insert(namespace.clone(), attempt.output_variables);
            }
        }
        Ok(execution)
    }

    /// The (stage, action) indexes of an action by name.
    pub fn locate(&self, stage: &str, action: &str) -> Option<(usize, usize)> {
        let stage_index = self.pipeline.stages.iter().position(|s| s.name == stage)?;
        let action_index = self.pipeline.stages[stage_index]
            .actions
            .iter()
            .position(|a| a.name == action)?;
        Some((stage_index, action_index))
    }

    /// The stage index of a stage name.
    pub fn stage_index(&self, stage: &str) -> Option<usize> {
        self.pipeline.stages.iter().position(|s| s.name == stage)
    }

    /// The value of a variable reference in this execution so far.
    pub fn lookup(&self, reference: &Reference) -> Option<String> {
        match reference {
            Reference::Pipeline(name) => self.variables.get(name).cloned(),
            Reference::Execution(key) if key == EXECUTION_ID_KEY => Some(self.id.to_string()),
            Reference::Execution(_) => None,
            Reference::Action { namespace, key } => self.outputs.get(namespace)?.get(key).cloned(),
        }
    }
}

/// Why an execution could not be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The execution cannot be used.
    #[error("{0}")]
    Refused(Refusal),
}
