//! The pipeline model: plain data, its file format and its rules. No I/O beyond reading and
//! writing one file; no async, no UI.

pub mod action;
pub mod aws;
pub mod buildspec;
pub mod duration;
pub mod edit;
pub mod file;
pub mod pipeline;
pub mod providers;
pub mod quote;
pub mod ron_io;
pub mod settings;
pub mod status;
pub mod strings;
pub mod templates;
pub mod triggers;
pub mod validate;
pub mod variables;
pub mod workspace;
pub mod yaml;

pub use action::{Action, Category, OutputArtifact, SecretSource};
pub use duration::Duration;
pub use file::{Position, Positions};
pub use pipeline::{ExecutionMode, Pipeline, PipelineVariable, RunSlot, Stage};
pub use providers::{
    ArtifactRule, BuildspecConfig, CommandsConfig, FolderConfig, ForeignConfig, GitConfig,
    GitOutputFormat, LocalDeployConfig, ManualConfig, Provider, ProviderConfig, ProviderKind,
    ScriptConfig,
};
pub use validate::{Problem, validate, validate_located};
