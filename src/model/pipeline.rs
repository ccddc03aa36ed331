//! The pipeline definition: stages of actions, variables and execution mode.

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::aws::{AwsMembers, StageConditions};
use super::triggers::TriggerSpec;

/// A pipeline as written in a `*.pipeline.ron` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// `[A-Za-z0-9.@_-]{1,100}`.
    pub name: String,
    /// How executions share the stages (default SUPERSEDED).
    #[serde(default, skip_serializing_if = "ExecutionMode::is_default")]
    pub execution_mode: ExecutionMode,
    /// Pipeline-level variables, overridable when an execution starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<PipelineVariable>,
    /// What starts the pipeline by itself (manual starts are always possible).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<TriggerSpec>,
    /// The stages, run one after another.
    pub stages: Vec<Stage>,
    /// What the pipeline carried when imported from AWS, kept for export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<AwsMembers>,
    /// The `layout` section earlier versions wrote (card positions and the canvas view). It
    /// is still accepted, so those files load, and left in the file as written, but never
    /// used: cards are placed from the stages and run orders, and the view is kept in the
    /// app's settings.
    #[serde(default, skip_serializing)]
    pub layout: Option<serde::de::IgnoredAny>,
}

/// CodePipeline's execution modes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExecutionMode {
    /// One execution per stage; a newer one replaces the one waiting in front of a stage.
    #[default]
    #[serde(alias = "SUPERSEDED")]
    Superseded,
    /// One execution per stage; waiting executions queue in order.
    #[serde(alias = "QUEUED")]
    Queued,
    /// Executions run independently of each other.
    #[serde(alias = "PARALLEL")]
    Parallel,
}

impl ExecutionMode {
    /// Every execution mode.
    pub const ALL: [ExecutionMode; 3] = [
        ExecutionMode::Superseded,
        ExecutionMode::Queued,
        ExecutionMode::Parallel,
    ];

    fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The mode's name as CodePipeline writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionMode::Superseded => "SUPERSEDED",
            ExecutionMode::Queued => "QUEUED",
            ExecutionMode::Parallel => "PARALLEL",
        }
    }
}

/// A pipeline-level variable, read as `#{variables.name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineVariable {
    /// `[A-Za-z0-9@_-]{1,128}`.
    pub name: String,
    /// The value used when a start does not override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// What the variable is for, shown in the Run dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A stage: a group of actions that an execution passes through as one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Unique within the pipeline; `[A-Za-z0-9.@_-]{1,100}`.
    pub name: String,
    /// The stage's actions, in file order.
    pub actions: Vec<Action>,
    /// CodePipeline conditions, kept as imported; not run yet.
    #[serde(default, skip_serializing_if = "StageConditions::is_empty")]
    pub conditions: StageConditions,
    /// What the stage carried when imported from AWS, kept for export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<AwsMembers>,
}

/// When an action runs in an execution: stages run one after another, and within a stage a
/// lower run order runs first. Ordered, so `a < b` reads "a runs before b".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunSlot {
    /// The stage's index.
    pub stage: usize,
    /// The action's run order within the stage.
    pub run_order: u32,
}

impl RunSlot {
    /// The slot of an action with `run_order` in stage `stage`.
    pub fn new(stage: usize, run_order: u32) -> Self {
        Self { stage, run_order }
    }

    /// Whether an action in this slot has finished before one in `other` starts, so an
    /// artifact or an output variable can flow from it: the one rule for "runs before".
    pub fn runs_before(self, other: RunSlot) -> bool {
        self < other
    }
}

impl Pipeline {
    /// When the action at `action` in stage `stage` runs, if there is one.
    pub fn slot(&self, stage: usize, action: usize) -> Option<RunSlot> {
        let run_order = self.stages.get(stage)?.actions.get(action)?.run_order;
        Some(RunSlot::new(stage, run_order))
    }

    /// An empty pipeline with the given name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            execution_mode: ExecutionMode::default(),
            variables: Vec::new(),
            triggers: Vec::new(),
            stages: Vec::new(),
            aws: None,
            layout: None,
        }
    }

    /// Finds an action of the first stage (where sources live) by name.
    pub fn source_action(&self, name: &str) -> Option<&Action> {
        self.stages.first()?.actions.iter().find(|a| a.name == name)
    }

    /// Finds a stage by name.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.name == name)
    }

    /// Finds an action by stage and action name.
    pub fn action(&self, stage: &str, action: &str) -> Option<&Action> {
        self.stage(stage)?
            .actions
            .iter()
            .find(|candidate| candidate.name == action)
    }

    /// Every action with its stage index, in file order.
    pub fn actions(&self) -> impl Iterator<Item = (usize, &Action)> {
        self.stages
            .iter()
            .enumerate()
            .flat_map(|(index, stage)| stage.actions.iter().map(move |action| (index, action)))
    }
}

impl Stage {
    /// The distinct run orders of the stage's actions, ascending.
    pub fn run_orders(&self) -> Vec<u32> {
        let mut orders: Vec<u32> = self.actions.iter().map(|action| action.run_order).collect();
        orders.sort_unstable();
        orders.dedup();
        orders
    }
}
