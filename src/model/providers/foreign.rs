//! Foreign actions: AWS actions with no local equivalent (CloudFormation, CodeDeploy, ECS,
//! …), kept with their configuration verbatim so an export gives them back. When run here
//! they are skipped with a note, or fail when `strict` is set.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{FieldProblem, ProviderConfig, ProviderInfo, required};
use crate::model::Category;

/// A foreign action's configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignConfig {
    /// `AWS`, `ThirdParty` or `Custom`.
    pub owner: String,
    /// The AWS provider, e.g. `CloudFormation`.
    pub provider: String,
    /// The action type's version, usually `1`.
    pub version: String,
    /// The configuration, verbatim.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub configuration: IndexMap<String, Value>,
    /// Fail instead of skipping when the pipeline runs here.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
}

/// Makes every foreign action of `pipeline` strict, for a run that must not skip anything.
pub fn make_strict(pipeline: &mut crate::model::Pipeline) {
    for stage in &mut pipeline.stages {
        for action in &mut stage.actions {
            if let super::Provider::Foreign(config) = &mut action.provider {
                config.strict = true;
            }
        }
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

static INFO: ProviderInfo = ProviderInfo {
    categories: &Category::ALL,
    inputs: None,
    outputs: None,
    collects_files: false,
    approval: false,
    aws_only: true,
    palette: &[],
};

impl ProviderConfig for ForeignConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self {
            owner: "AWS".into(),
            provider: "CloudFormation".into(),
            version: "1".into(),
            ..Self::default()
        }
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        None
    }

    fn validate(&self) -> Vec<FieldProblem> {
        [
            required("owner", &self.owner, "give AWS, ThirdParty or Custom"),
            required("provider", &self.provider, "give the AWS provider's name"),
            required(
                "version",
                &self.version,
                "give the action type's version, usually 1",
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        Vec::new()
    }

    fn summary(&self) -> String {
        format!("runs on AWS only: {}", self.provider)
    }
}
