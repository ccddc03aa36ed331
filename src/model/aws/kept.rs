//! What a pipeline imported from AWS CodePipeline carried that Pipewright does not run,
//! kept verbatim in the pipeline file so an export gives it back unchanged.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// CodePipeline's action type: owner, provider and version (`AWS/CodeBuild/1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionType {
    /// The AWS category, when it is not the action's own (`Compute` runs here as Build).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `AWS`, `ThirdParty` or `Custom`.
    pub owner: String,
    /// The AWS provider, e.g. `CodeBuild`.
    pub provider: String,
    /// Usually `1`.
    pub version: String,
}

/// The AWS side of an imported action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsAction {
    /// The action type it was imported from, when it runs here as a Pipewright provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_type: Option<ActionType>,
    /// Its configuration as imported, verbatim; an export writes it back, with the values
    /// changed here in Pipewright replaced.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub configuration: IndexMap<String, Value>,
    /// For configuration values that were CloudFormation expressions (`!Ref Branch`), what
    /// they resolved to on import, so an unchanged value is exported as the expression.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub resolved: IndexMap<String, Value>,
    /// The action's other members (`region`, `roleArn`, …) by their API name, verbatim.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub members: IndexMap<String, Value>,
}

/// The AWS side of an imported stage or pipeline: members Pipewright has no field for
/// (`roleArn`, `artifactStore`, `blockers`, …) by their API name, verbatim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsMembers {
    /// The members, in their original order.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub members: IndexMap<String, Value>,
}

/// A stage's conditions (CodePipeline V2 `beforeEntry`, `onSuccess`, `onFailure`), kept as
/// imported. They are shown, exported, and not yet run here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageConditions {
    /// Checked before an execution enters the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_entry: Option<Value>,
    /// Checked when the stage succeeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<Value>,
    /// What happens when the stage fails (for example a rollback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<Value>,
}

impl StageConditions {
    /// Whether no condition is set.
    pub fn is_empty(&self) -> bool {
        self.before_entry.is_none() && self.on_success.is_none() && self.on_failure.is_none()
    }

    /// The conditions that are set, by their CodePipeline name.
    pub fn named(&self) -> Vec<(&'static str, &Value)> {
        [
            ("beforeEntry", &self.before_entry),
            ("onSuccess", &self.on_success),
            ("onFailure", &self.on_failure),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|value| (name, value)))
        .collect()
    }
}
