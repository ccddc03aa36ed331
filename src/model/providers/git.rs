//! The Git source provider: any repository `git` can read, at a branch or a commit.

use serde::{Deserialize, Serialize};

use super::{ArtifactRule, FieldProblem, PaletteEntry, ProviderConfig, ProviderInfo, required};
use crate::model::Category;

/// The variables a Git source always sets.
pub const OUTPUT_VARIABLES: [&str; 6] = [
    "CommitId",
    "CommitMessage",
    "BranchName",
    "AuthorDate",
    "CommitterDate",
    "RepositoryName",
];

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

/// Whether `repository` is a URL (`https://…`, `ssh://…`, `git@host:path`) rather than a path.
pub fn is_url(repository: &str) -> bool {
    if repository.contains("://") {
        return true;
    }
    match (repository.find(':'), repository.find('/')) {
        (Some(colon), Some(slash)) => colon < slash && repository[..colon].contains('@'),
        (Some(_), None) => repository.contains('@'),
        _ => false,
    }
}

/// The rules every source provider shares.
pub(super) const SOURCE_INPUTS: ArtifactRule = ArtifactRule {
    allowed: &[0],
    advice: "a source reads no artifacts; remove them",
};
/// A source produces one artifact.
pub(super) const SOURCE_OUTPUTS: ArtifactRule = ArtifactRule {
    allowed: &[1],
    advice: "a source produces exactly one output artifact",
};

static INFO: ProviderInfo = ProviderInfo {
    categories: &[Category::Source],
    inputs: Some(SOURCE_INPUTS),
    outputs: Some(SOURCE_OUTPUTS),
    collects_files: false,
    approval: false,
    aws_only: false,
    palette: &[PaletteEntry {
        category: Category::Source,
        label: "Git",
        action_name: "Checkout",
    }],
};

impl ProviderConfig for GitConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self {
            repository: "repository".into(),
            ..Self::default()
        }
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        Some(OUTPUT_VARIABLES.iter().map(|s| s.to_string()).collect())
    }

    fn validate(&self) -> Vec<FieldProblem> {
        let mut found: Vec<FieldProblem> = required(
            "repository",
            &self.repository,
            "give a local path or a URL git can read",
        )
        .into_iter()
        .collect();
        if let Some(commit) = &self.commit
            && !commit.contains("#{")
            && (commit.len() < 4
                || commit.len() > 40
                || !commit.chars().all(|c| c.is_ascii_hexdigit()))
        {
            found.push((
                "commit".into(),
                format!("\"{commit}\" is not a commit id: use 4 to 40 hexadecimal digits"),
            ));
        }
        found
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out = vec![("provider.repository".to_string(), &mut self.repository)];
        if let Some(branch) = &mut self.branch {
            out.push(("provider.branch".into(), branch));
        }
        if let Some(commit) = &mut self.commit {
            out.push(("provider.commit".into(), commit));
        }
        out
    }

    fn local_source(&self) -> Option<(&'static str, &str)> {
        (!is_url(&self.repository)).then_some(("repository", self.repository.as_str()))
    }

    fn summary(&self) -> String {
        match &self.branch {
            Some(branch) => format!("{} @ {branch}", self.repository),
            None => self.repository.clone(),
        }
    }
}
