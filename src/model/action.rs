//! Actions: what runs inside a stage, with each provider's typed configuration.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::aws::AwsAction;
use super::duration::Duration;
use super::providers::Provider;

/// One step of a stage: a provider with its configuration, its artifacts and its variables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Unique within its stage; `[A-Za-z0-9.@_-]{1,100}`.
    pub name: String,
    /// What kind of work this is (Source, Build, Test, Deploy, Approval, Invoke).
    pub category: Category,
    /// Actions with the same run order run in parallel; higher ones wait for lower ones.
    #[serde(
        default = "default_run_order",
        skip_serializing_if = "is_default_run_order"
    )]
    pub run_order: u32,
    /// The provider and its typed configuration.
    pub provider: Provider,
    /// Artifacts this action reads; the first one is its working directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_artifacts: Vec<String>,
    /// Artifacts this action produces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_artifacts: Vec<OutputArtifact>,
    /// The namespace under which later actions read this action's output variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Environment variables for the processes this action runs.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, String>,
    /// Secret environment variables: their values never appear in stored logs.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub secrets: IndexMap<String, SecretSource>,
    /// How long the action may run before its processes are killed (default 1h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// What the action carried when imported from AWS, kept for export (boxed: most actions
    /// have none, and a huge definition holds hundreds of thousands of actions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<Box<AwsAction>>,
}

impl Action {
    /// How long an attempt of this action may take: its provider decides (an approval's
    /// timeout is in its configuration), otherwise its own `timeout` or the default.
    pub fn effective_timeout(&self) -> Duration {
        self.provider.config().timeout(self.timeout)
    }
}

/// The run order an action gets when the file does not say.
pub const DEFAULT_RUN_ORDER: u32 = 1;

fn default_run_order() -> u32 {
    DEFAULT_RUN_ORDER
}

fn is_default_run_order(value: &u32) -> bool {
    *value == DEFAULT_RUN_ORDER
}

/// CodePipeline's action categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    /// Produces the pipeline's first artifacts from a repository or folder.
    Source,
    /// Turns artifacts into new artifacts.
    Build,
    /// Checks artifacts, usually producing test reports.
    Test,
    /// Puts an artifact where it is used.
    Deploy,
    /// Waits for a person to approve or reject.
    Approval,
    /// Calls a program that answers with success or failure.
    Invoke,
}

impl Category {
    /// Every category, in pipeline order.
    pub const ALL: [Category; 6] = [
        Category::Source,
        Category::Build,
        Category::Test,
        Category::Approval,
        Category::Deploy,
        Category::Invoke,
    ];

    /// The category's name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Source => "Source",
            Category::Build => "Build",
            Category::Test => "Test",
            Category::Deploy => "Deploy",
            Category::Approval => "Approval",
            Category::Invoke => "Invoke",
        }
    }
}

/// An output artifact: its name and, for Commands, which files go into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputArtifact {
    /// Unique within the pipeline; `[A-Za-z0-9_-]{1,100}`.
    pub name: String,
    /// Globs of files to collect, relative to `base_directory` (default: everything).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// The folder, relative to the working directory, that the globs start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_directory: Option<String>,
}

impl OutputArtifact {
    /// An output artifact that collects everything in the working directory.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            files: Vec::new(),
            base_directory: None,
        }
    }
}

/// Where a secret environment variable's value comes from at run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretSource {
    /// The value of an environment variable of the Pipewright process.
    Env(String),
    /// The contents of a file (trailing newline removed); relative paths start at the workspace.
    File(String),
    /// A literal value, kept in the pipeline file (avoid for real secrets).
    Value(String),
}
