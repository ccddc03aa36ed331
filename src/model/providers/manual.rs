//! The Manual approval provider: waits for a person to approve or reject, with a message, a
//! review link and its own timeout.

use serde::{Deserialize, Serialize};

use super::{FieldProblem, PaletteEntry, ProviderConfig, ProviderInfo};
use crate::model::validate::check_range;
use crate::model::{ArtifactRule, Category, Duration};

/// Longest approval custom message, in characters.
pub const MAX_APPROVAL_MESSAGE: usize = 500;
/// Longest approval timeout (and its default).
pub const MAX_APPROVAL_TIMEOUT: Duration = Duration::from_days(7);

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

static INFO: ProviderInfo = ProviderInfo {
    categories: &[Category::Approval],
    inputs: Some(ArtifactRule {
        allowed: &[0],
        advice: "an approval reads no artifacts; remove them",
    }),
    outputs: Some(ArtifactRule {
        allowed: &[0],
        advice: "an approval produces no artifacts; remove them",
    }),
    collects_files: false,
    approval: true,
    aws_only: false,
    palette: &[PaletteEntry {
        category: Category::Approval,
        label: "Approval",
        action_name: "Approve",
    }],
};

impl ProviderConfig for ManualConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self::default()
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        Some(Vec::new())
    }

    fn validate(&self) -> Vec<FieldProblem> {
        let mut found = Vec::new();
        if let Some(message) = &self.custom_message {
            let length = message.chars().count();
            if length > MAX_APPROVAL_MESSAGE {
                found.push((
                    "custom_message".to_string(),
                    format!(
                        "the message is {length} characters long; shorten it to at most {MAX_APPROVAL_MESSAGE}"
                    ),
                ));
            }
        }
        if let Some(url) = &self.review_url
            && !["http://", "https://", "file://"]
                .iter()
                .any(|scheme| url.starts_with(scheme))
        {
            found.push((
                "review_url".to_string(),
                format!("\"{url}\" is not a link: start it with https://, http:// or file://"),
            ));
        }
        if let Some(timeout) = self.timeout
            && let Err(message) = check_range(timeout, MAX_APPROVAL_TIMEOUT)
        {
            found.push(("timeout".to_string(), message));
        }
        found
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out = Vec::new();
        if let Some(message) = &mut self.custom_message {
            out.push(("provider.custom_message".to_string(), message));
        }
        if let Some(url) = &mut self.review_url {
            out.push(("provider.review_url".to_string(), url));
        }
        out
    }

    fn summary(&self) -> String {
        self.custom_message
            .clone()
            .unwrap_or_else(|| "waits for approval".into())
    }

    fn timeout(&self, _action_timeout: Option<Duration>) -> Duration {
        self.timeout.unwrap_or(MAX_APPROVAL_TIMEOUT)
    }
}
