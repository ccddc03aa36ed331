//! What the run view knows: executions folded from engine events through
//! [`ExecutionSnapshot`] (or read back by the store reader), the definitions they ran,
//! disabled transitions, the history page on screen and the shown execution's test reports.
//! Memory stays bounded: the shown and live executions are kept, plus a window of recent
//! ones.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::engine_link::EngineState;
use super::reader::{HistoryPage, LoadedExecution, parse_definition};
use crate::execution::{
    ActionId, AttemptKey, Change, ExecutionId, ExecutionSnapshot, TestReport, TriggerKind,
};
use crate::model::Pipeline;
use crate::model::status::ExecutionStatus;

/// Ended executions kept besides the shown and live ones.
pub const RECENT_KEPT: usize = 16;

/// Something a fold noticed that the person may want to hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Noticed {
    /// An execution started.
    Started {
        /// Its pipeline.
        pipeline: String,
        /// Its id.
        id: ExecutionId,
        /// Whether a trigger (not a person) started it.
        triggered: bool,
    },
    /// An execution ended.
    Ended {
        /// Its pipeline.
        pipeline: String,
        /// Its id.
        id: ExecutionId,
        /// How.
        status: ExecutionStatus,
    },
    /// An approval waits.
    ApprovalRequested {
        /// Its pipeline.
        pipeline: String,
        /// The approval action.
        action: ActionId,
        /// Its message.
        message: Option<String>,
    },
}

/// The test reports of one execution, as of a number of finished attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct Reports {
    /// The execution.
    pub execution: ExecutionId,
    /// How many of its attempts had finished when they were read.
    pub finished_attempts: usize,
    /// The reports.
    pub reports: Vec<(AttemptKey, TestReport)>,
}

/// Everything the run view shows.
#[derive(Debug)]
pub struct RunData {
    /// The workspace folder.
    pub workspace: PathBuf,
    executions: HashMap<ExecutionId, ExecutionSnapshot>,
    /// Ids in the order they became known (oldest first), for eviction.
    order: VecDeque<ExecutionId>,
    definitions: HashMap<String, Arc<Pipeline>>,
    /// Disabled transitions: (pipeline, stage) → reason.
    pub disabled: HashMap<(String, String), String>,
    /// Increases whenever an execution changes (the canvas rebuilds its overlay then).
    pub revision: u64,
    /// The history page on screen (the answer to the last history query).
    pub history: Option<HistoryPage>,
    /// Whether history changed since that page was read.
    pub history_stale: bool,
    /// The bytes the workspace's state takes on disk, as last read.
    pub disk_use: Option<u64>,
    /// Whether an execution ended (and retention may have pruned) since it was read.
    pub disk_stale: bool,
    /// How many executions of the shown one's pipeline started after it.
    pub newer: usize,
    /// The shown execution's test reports.
    pub reports: Option<Reports>,
    /// How far the engine is.
    pub engine: EngineState,
}

impl RunData {
    /// Nothing known yet about `workspace`'s executions; the engine is starting.
    pub fn new(workspace: &Path) -> Self {
        Self {
            workspace: workspace.to_path_buf(),
            executions: HashMap::new(),
            order: VecDeque::new(),
            definitions: HashMap::new(),
            disabled: HashMap::new(),
            revision: 0,
            history: None,
            history_stale: true,
            disk_use: None,
            disk_stale: true,
            newer: 0,
            reports: None,
            engine: EngineState::Starting,
        }
    }

    /// An execution, if known.
    pub fn execution(&self, id: &str) -> Option<&ExecutionSnapshot> {
        self.executions.get(id)
    }

    /// How many executions are kept in memory.
    pub fn kept(&self) -> usize {
        self.executions.len()
    }

    /// The definition an execution ran.
    pub fn definition(&self, execution: &ExecutionSnapshot) -> Option<&Arc<Pipeline>> {
        self.definitions.get(&execution.definition_hash)
    }

    /// Folds one change in; says what it noticed.
    pub fn apply(&mut self, change: &Change) -> Option<Noticed> {
        self.revision += 1;
        match change {
            Change::ExecutionStarted(new) => {
                if !self.definitions.contains_key(&new.definition_hash)
                    && let Some(definition) = parse_definition(&new.definition)
                {
                    self.definitions
                        .insert(new.definition_hash.clone(), definition);
                }
                self.insert(ExecutionSnapshot::started(new));
                self.history_stale = true;
                Some(Noticed::Started {
                    pipeline: new.pipeline.clone(),
                    id: new.id.clone(),
                    triggered: new.trigger.kind != TriggerKind::Manual,
                })
            }
            Change::TransitionChanged {
                pipeline,
                stage,
                enabled,
                reason,
                ..
            } => {
                let key = (pipeline.clone(), stage.clone());
                if *enabled {
                    self.disabled.remove(&key);
                } else {
                    self.disabled
                        .insert(key, reason.clone().unwrap_or_default());
                }
                None
            }
            _ => {
                let snapshot = self.executions.get_mut(change.execution_id()?)?;
                if !snapshot.apply(change) {
                    return None;
                }
                match change {
                    Change::ExecutionStatus { status, .. } => {
                        self.history_stale = true;
                        self.disk_stale |= status.is_final();
                        status.is_final().then(|| Noticed::Ended {
                            pipeline: snapshot.pipeline.clone(),
                            id: snapshot.id.clone(),
                            status: *status,
                        })
                    }
                    Change::ApprovalRequested { key, message, .. } => {
                        Some(Noticed::ApprovalRequested {
                            pipeline: snapshot.pipeline.clone(),
                            action: ActionId::new(&key.stage, &key.action),
                            message: message.clone(),
                        })
                    }
                    Change::ApprovalDecided { .. } | Change::AttemptFinished { .. } => {
                        self.history_stale = true;
                        None
                    }
                    _ => None,
                }
            }
        }
    }

    /// Notes that an attempt's log has grown.
    pub fn log_grew(&mut self, key: &AttemptKey, len: u64) {
        self.revision += 1;
        if let Some(snapshot) = self.executions.get_mut(&key.execution_id) {
            snapshot.log_grew(key, len);
        }
    }

    /// Adds an execution read from the store (unless a live one is already known).
    pub fn remember(&mut self, loaded: LoadedExecution) {
        self.revision += 1;
        if let Some(definition) = loaded.definition {
            self.definitions
                .entry(loaded.snapshot.definition_hash.clone())
                .or_insert(definition);
        }
        if !self.executions.contains_key(&loaded.snapshot.id) {
            self.insert(loaded.snapshot);
        }
    }

    fn insert(&mut self, snapshot: ExecutionSnapshot) {
        self.order.push_back(snapshot.id.clone());
        self.executions.insert(snapshot.id.clone(), snapshot);
    }

    /// Forgets ended executions beyond the [`RECENT_KEPT`] newest, except `keep` (the shown
    /// one), and definitions no kept execution ran.
    pub fn evict(&mut self, keep: Option<&str>) {
        let ended = self
            .order
            .iter()
            .filter(|id| Some(id.as_str()) != keep)
            .filter(|id| self.executions.get(*id).is_some_and(|e| !e.is_live()))
            .count();
        let mut surplus = ended.saturating_sub(RECENT_KEPT);
        if surplus == 0 && self.order.len() == self.executions.len() {
            return;
        }
        let executions = &mut self.executions;
        self.order.retain(|id| {
            let Some(execution) = executions.get(id) else {
                return false;
            };
            if surplus > 0 && !execution.is_live() && Some(id.as_str()) != keep {
                surplus -= 1;
                executions.remove(id);
                return false;
            }
            true
        });
        let used: std::collections::HashSet<&String> = self
            .executions
            .values()
            .map(|e| &e.definition_hash)
            .collect();
        self.definitions.retain(|hash, _| used.contains(hash));
    }

    /// Executions of `pipeline` waiting in front of `stage`, oldest first.
    pub fn waiting_at(&self, pipeline: &str, stage: &str) -> Vec<&ExecutionSnapshot> {
        let mut waiting: Vec<&ExecutionSnapshot> = self
            .executions
            .values()
            .filter(|e| {
                e.pipeline == pipeline && e.is_live() && e.waiting_for.as_deref() == Some(stage)
            })
            .collect();
        waiting.sort_by_key(|e| e.started_ms);
        waiting
    }

    /// Every approval waiting now, across executions: (execution id, approval action).
    pub fn waiting_approvals(&self) -> Vec<(ExecutionId, ActionId)> {
        let mut all: Vec<(ExecutionId, ActionId)> = self
            .executions
            .values()
            .filter(|e| e.is_live())
            .flat_map(|e| {
                e.waiting_approvals()
                    .into_iter()
                    .map(|action| (e.id.clone(), action))
            })
            .collect();
        all.sort();
        all
    }

    /// The newest execution of `pipeline` in memory.
    pub fn latest_of(&self, pipeline: &str) -> Option<&ExecutionSnapshot> {
        self.executions
            .values()
            .filter(|e| e.pipeline == pipeline)
            .max_by_key(|e| e.started_ms)
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::execution::{NewExecution, Trigger};

    fn started(index: usize) -> Change {
        Change::ExecutionStarted(Box::new(NewExecution {
            id: ExecutionId::from(format!("e{index}")),
            pipeline: "p".into(),
            file: "p.pipeline.ron".into(),
            definition_hash: "h".into(),
            definition: "(name: \"p\", stages: [])".into(),
            trigger: Trigger::manual("ada"),
            variables: IndexMap::new(),
            source_revisions: IndexMap::new(),
            stages: Vec::new(),
            started_ms: index as i64,
        }))
    }

    fn ended(index: usize) -> Change {
        Change::ExecutionStatus {
            execution_id: ExecutionId::from(format!("e{index}")),
            status: ExecutionStatus::Succeeded,
            reason: None,
            at_ms: index as i64 + 1,
        }
    }

    #[test]
    fn memory_keeps_the_shown_the_live_and_the_recent_executions_only() {
        let mut data = RunData::new(Path::new("/ws"));
        for index in 0..1000 {
            data.apply(&started(index));
            if index != 500 {
                data.apply(&ended(index));
            }
            data.evict(Some("e3"));
        }
        assert_eq!(
            data.kept(),
            RECENT_KEPT + 2,
            "the recent, e3 (shown) and e500 (live)"
        );
        assert!(data.execution("e3").is_some());
        assert!(data.execution("e500").is_some_and(|e| e.is_live()));
        assert!(data.execution("e999").is_some());
        assert!(data.execution("e10").is_none());
        let newest = data.latest_of("p").map(|e| e.id.to_string());
        assert_eq!(newest.as_deref(), Some("e999"));
        assert_eq!(data.definitions.len(), 1, "one definition, shared by hash");
    }

    #[test]
    fn a_start_and_an_end_are_noticed_and_make_history_stale() {
        let mut data = RunData::new(Path::new("/ws"));
        data.history_stale = false;
        assert!(matches!(
            data.apply(&started(1)),
            Some(Noticed::Started {
                triggered: false,
                ..
            })
        ));
        assert!(data.history_stale);
        assert!(matches!(
            data.apply(&ended(1)),
            Some(Noticed::Ended {
                status: ExecutionStatus::Succeeded,
                ..
            })
        ));
        assert!(data.execution("e1").is_some_and(|e| !e.is_live()));
    }
}
