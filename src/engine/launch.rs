//! What an attempt needs before it starts: its configuration with variables resolved, its
//! secrets read, its environment and its timeout.

use std::path::Path;
use std::time::Duration;

use crate::execution::AttemptKey;
use crate::model::strings::action_strings_mut;
use crate::model::variables::resolve;
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

/// Resolves the action's variables and secrets and builds its environment.
pub fn prepare(
    execution: &Execution,
    stage_index: usize,
    action_index: usize,
    key: &AttemptKey,
    workspace: &Path,
) -> Result<Prepared, String> {
    let mut action = execution.pipeline.stages[stage_index].actions[action_index].clone();
    for (field, text) in action_strings_mut(&mut action) {
        *text = resolve(text, |reference| execution.lookup(reference))
            .map_err(|error| format!("{field}: {error}"))?;
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
        let value =
            read_secret(source, workspace).map_err(|error| format!("secret {name}: {error}"))?;
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
        .flat_map(|(_, action)| action.secrets.values())
        .filter_map(|source| read_secret(source, workspace).ok())
        .collect()
}

/// The one place a secret's value is read.
fn read_secret(source: &SecretSource, workspace: &Path) -> Result<String, String> {
    match source {
        SecretSource::Value(value) => Ok(value.clone()),
        SecretSource::Env(variable) => std::env::var(variable).map_err(|_| {
            format!(
                "the environment variable {variable} is not set: set it before starting Pipewright"
            )
        }),
        SecretSource::File(path) => {
            let path = workspace.join(path);
            std::fs::read_to_string(&path)
                .map(|text| text.trim_end_matches(['\n', '\r']).to_string())
                .map_err(|error| format!("cannot read {}: {error}", path.display()))
        }
    }
}
