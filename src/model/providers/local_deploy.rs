//! The LocalDeploy provider (Deploy): the input artifact becomes a new release folder under
//! the target, switched in atomically, with `before` and `after` (health check) commands.

use serde::{Deserialize, Serialize};

use super::{FieldProblem, PaletteEntry, ProviderConfig, ProviderInfo, push_list, required};
use crate::model::{ArtifactRule, Category};

/// How many releases are kept when `keep_releases` is not set.
pub const DEFAULT_KEEP_RELEASES: u32 = 5;
/// Most releases LocalDeploy may keep.
pub const MAX_KEEP_RELEASES: u32 = 100;

/// LocalDeploy configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalDeployConfig {
    /// The folder that receives `releases/<execution-id>/` and the `current` link.
    pub target: String,
    /// How many releases to keep (default [`DEFAULT_KEEP_RELEASES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_releases: Option<u32>,
    /// Commands run in the new release before the switch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Commands run after the switch (a health check); failure rolls back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
}

impl LocalDeployConfig {
    /// How many releases are kept.
    pub fn keep(&self) -> u32 {
        self.keep_releases.unwrap_or(DEFAULT_KEEP_RELEASES)
    }
}

static INFO: ProviderInfo = ProviderInfo {
    categories: &[Category::Deploy],
    inputs: Some(ArtifactRule {
        allowed: &[1],
        advice: "a deploy takes exactly one input artifact, the one to release",
    }),
    outputs: Some(ArtifactRule {
        allowed: &[0],
        advice: "a deploy produces no artifacts; remove them",
    }),
    collects_files: false,
    approval: false,
    aws_only: false,
    palette: &[PaletteEntry {
        category: Category::Deploy,
        label: "Deploy",
        action_name: "Deploy",
    }],
};

impl ProviderConfig for LocalDeployConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self {
            target: "deployments".into(),
            ..Self::default()
        }
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        Some(vec!["ReleasePath".into(), "PreviousRelease".into()])
    }

    fn validate(&self) -> Vec<FieldProblem> {
        let mut found: Vec<FieldProblem> =
            required("target", &self.target, "give the folder to deploy into")
                .into_iter()
                .collect();
        if let Some(keep) = self.keep_releases
            && !(1..=MAX_KEEP_RELEASES).contains(&keep)
        {
            found.push((
                "keep_releases".into(),
                format!("keep_releases is {keep}: use a number from 1 to {MAX_KEEP_RELEASES}"),
            ));
        }
        found
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out = vec![("provider.target".to_string(), &mut self.target)];
        push_list(&mut out, "before", &mut self.before);
        push_list(&mut out, "after", &mut self.after);
        out
    }

    fn summary(&self) -> String {
        format!("→ {}", self.target)
    }
}
