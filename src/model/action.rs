//! Actions: what runs inside a stage, with each provider's typed configuration.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::duration::Duration;

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

/// The provider of an action, holding its typed configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Provider {
    /// A git repository (Source).
    Git(GitConfig),
    /// A local folder or `.zip` file (Source; the S3 equivalent).
    Folder(FolderConfig),
    /// Shell commands (Build, Test).
    Commands(CommandsConfig),
    /// A manual approval (Approval).
    Manual(ManualConfig),
    /// A release into a local folder with an atomic switch (Deploy).
    LocalDeploy(LocalDeployConfig),
    /// A program answering CodePipeline's job contract (Invoke).
    Script(ScriptConfig),
}

/// The provider kinds, without configuration: what the palette offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderKind {
    /// See [`Provider::Git`].
    Git,
    /// See [`Provider::Folder`].
    Folder,
    /// See [`Provider::Commands`].
    Commands,
    /// See [`Provider::Manual`].
    Manual,
    /// See [`Provider::LocalDeploy`].
    LocalDeploy,
    /// See [`Provider::Script`].
    Script,
}

impl ProviderKind {
    /// Every provider kind.
    pub const ALL: [ProviderKind; 6] = [
        ProviderKind::Git,
        ProviderKind::Folder,
        ProviderKind::Commands,
        ProviderKind::Manual,
        ProviderKind::LocalDeploy,
        ProviderKind::Script,
    ];

    /// The provider's name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Git => "Git",
            ProviderKind::Folder => "Folder",
            ProviderKind::Commands => "Commands",
            ProviderKind::Manual => "Manual",
            ProviderKind::LocalDeploy => "LocalDeploy",
            ProviderKind::Script => "Script",
        }
    }

    /// The categories this provider may be used in.
    pub fn categories(self) -> &'static [Category] {
        match self {
            ProviderKind::Git | ProviderKind::Folder => &[Category::Source],
            ProviderKind::Commands => &[Category::Build, Category::Test],
            ProviderKind::Manual => &[Category::Approval],
            ProviderKind::LocalDeploy => &[Category::Deploy],
            ProviderKind::Script => &[Category::Invoke],
        }
    }

    /// The output variables this provider always sets, or `None` when they are not known
    /// before it runs.
    pub fn fixed_output_variables(self) -> Option<&'static [&'static str]> {
        match self {
            ProviderKind::Git => Some(&[
                "CommitId",
                "CommitMessage",
                "BranchName",
                "AuthorDate",
                "CommitterDate",
                "RepositoryName",
            ]),
            ProviderKind::Folder => Some(&["ETag", "FileCount"]),
            ProviderKind::LocalDeploy => Some(&["ReleasePath", "PreviousRelease"]),
            ProviderKind::Manual => Some(&[]),
            ProviderKind::Commands | ProviderKind::Script => None,
        }
    }

    /// A new provider of this kind with an empty configuration.
    pub fn empty_provider(self) -> Provider {
        match self {
            ProviderKind::Git => Provider::Git(GitConfig::default()),
            ProviderKind::Folder => Provider::Folder(FolderConfig::default()),
            ProviderKind::Commands => Provider::Commands(CommandsConfig::default()),
            ProviderKind::Manual => Provider::Manual(ManualConfig::default()),
            ProviderKind::LocalDeploy => Provider::LocalDeploy(LocalDeployConfig::default()),
            ProviderKind::Script => Provider::Script(ScriptConfig::default()),
        }
    }
}

impl Provider {
    /// Which kind of provider this is.
    pub fn kind(&self) -> ProviderKind {
        match self {
            Provider::Git(_) => ProviderKind::Git,
            Provider::Folder(_) => ProviderKind::Folder,
            Provider::Commands(_) => ProviderKind::Commands,
            Provider::Manual(_) => ProviderKind::Manual,
            Provider::LocalDeploy(_) => ProviderKind::LocalDeploy,
            Provider::Script(_) => ProviderKind::Script,
        }
    }
}

/// Git source configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitConfig {
    /// A local path (relative to the workspace) or any URL `git` can read.
    pub repository: String,
    /// The branch to take (default: the repository's default branch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// A fixed commit to take instead of the branch head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Files only (default), or a full clone with `.git`.
    #[serde(default, skip_serializing_if = "GitOutputFormat::is_default")]
    pub output_format: GitOutputFormat,
}

/// What a Git source puts into its artifact (CodePipeline's OutputArtifactFormat).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GitOutputFormat {
    /// The files at the commit, without history (CODE_ZIP).
    #[default]
    Files,
    /// A full clone including `.git` (CODEBUILD_CLONE_REF).
    FullClone,
}

impl GitOutputFormat {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// Folder source configuration (the S3 equivalent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderConfig {
    /// A folder or a `.zip` file; relative paths start at the workspace.
    pub path: String,
    /// Globs of files to leave out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// Commands configuration (Build and Test).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandsConfig {
    /// Shell commands, run in order with `sh`; the first failure stops the rest.
    pub commands: Vec<String>,
    /// Commands that always run afterwards, even when `commands` failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finally: Vec<String>,
    /// Environment variables whose final values become output variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exported_variables: Vec<String>,
    /// Globs of JUnit XML test reports, relative to the working directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<String>,
}

/// Manual approval configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualConfig {
    /// A message shown to the approver (variables allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_message: Option<String>,
    /// A link the approver should look at before deciding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_url: Option<String>,
    /// How long to wait for a decision before failing (default 7 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

/// LocalDeploy configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalDeployConfig {
    /// The folder that receives `releases/<execution-id>/` and the `current` link.
    pub target: String,
    /// How many releases to keep (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_releases: Option<u32>,
    /// Commands run in the new release before the switch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Commands run after the switch (a health check); failure rolls back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
}

/// Script (Invoke) configuration: the local equivalent of a Lambda invoke.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptConfig {
    /// The program to run; relative paths start at the working directory.
    pub program: String,
    /// Arguments passed to the program.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    /// Free text handed to the program as `UserParameters` (variables allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_parameters: Option<String>,
    /// The pause before the program is invoked again after it asks to continue (default 1s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation_delay: Option<Duration>,
}
