//! What an attempt needs before it starts: its configuration with variables resolved, its
//! secrets read, its environment and its timeout.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::execution::AttemptKey;
use crate::model::strings::action_strings_mut;
use crate::model::variables::{ResolveError, resolve};
use crate::model::{Action, Pipeline, SecretSource};

use super::execution::Execution;

/// An attempt ready to start.
pub struct Prepared {
    /// The action with every variable resolved.
    pub action: Action,
    /// Environment variables for its processes.
    pub env: Vec<(String, String)>,
    /// Secret values to mask in its log.
    pub secrets: Vec<String>,
    /// How long it may take.
    pub timeout: Duration,
}

/// Why an attempt could not be prepared; it fails at once with this message.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// A field refers to a variable that has no value.
    #[error("{field}: {source}")]
    Variable {
        /// The field's path, e.g. `configuration.commands[0]`.
        field: String,
        /// What is wrong with the reference.
        source: ResolveError,
    },
    /// A secret comes from an environment variable that is not set.
    #[error(
        "secret {name}: the environment variable {variable} is not set: set it before starting Pipewright"
    )]
    SecretUnset {
        /// The secret's name.
        name: String,
        /// The environment variable.
        variable: String,
    },
    /// A secret's file cannot be read.
    #[error("secret {name}: cannot read {}: {source}", path.display())]
    SecretFile {
        /// The secret's name.
        name: String,
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
}

/// Resolves the action's variables and secrets and builds its environment.
pub fn prepare(
    execution: &Execution,
    stage_index: usize,
    action_index: usize,
    key: &AttemptKey,
    workspace: &Path,
) -> Result<Prepared, PrepareError> {
    let mut action = execution.pipeline.stages[stage_index].actions[action_index].clone();
    for (field, text) in action_strings_mut(&mut action) {
        *text = resolve(text, |reference| execution.lookup(reference)).map_err(|source| {
            PrepareError::Variable {
                field: field.to_string(),
                source,
            }
        })?;
    }
    let mut env: Vec<(String, String)> = vec![
        ("PIPEWRIGHT_EXECUTION_ID".into(), execution.id.to_string()),
        (
            "PIPEWRIGHT_PIPELINE".into(),
            execution.pipeline.name.clone(),
        ),
        ("PIPEWRIGHT_STAGE".into(), key.stage.clone()),
        ("PIPEWRIGHT_ACTION".into(), key.action.clone()),
        ("PIPEWRIGHT_ATTEMPT".into(), key.attempt.to_string()),
        (
            "PIPEWRIGHT_WORKSPACE".into(),
            workspace.to_string_lossy().into_owned(),
        ),
    ];
    env.extend(action.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut secrets = Vec::new();
    for (name, source) in &action.secrets {
        let value = read_secret(name, source, workspace)?;
        secrets.push(value.clone());
        env.push((name.clone(), value));
    }
    let timeout = action.effective_timeout().to_std();
    Ok(Prepared {
        action,
        env,
        secrets,
        timeout,
    })
}

/// Every secret value of `pipeline` that can be read now, so the engine masks them all from
/// the start of an execution (one that cannot be read yet is read when its action starts).
pub fn readable_secrets(pipeline: &Pipeline, workspace: &Path) -> Vec<String> {
    pipeline
        .actions()
        .flat_map(|(_, action)| &action.secrets)
        .filter_map(|(name, source)| read_secret(name, source, workspace).ok())
        .collect()
}

/// The one place a secret's value is read.
fn read_secret(
    name: &str,
    source: &SecretSource,
    workspace: &Path,
) -> Result<String, PrepareError> {
    match source {
        SecretSource::Value(value) => Ok(value.clone()),
        SecretSource::Env(variable) => {
            std::env::var(variable).map_err(|_| PrepareError::SecretUnset {
                name: name.to_string(),
                variable: variable.clone(),
            })
        }
        SecretSource::File(path) => {
            let path = workspace.join(path);
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(text.trim_end_matches(['\n', '\r']).to_string()),
                Err(source) => Err(PrepareError::SecretFile {
                    name: name.to_string(),
                    path,
                    source,
                }),
            }
        }
    }
}
