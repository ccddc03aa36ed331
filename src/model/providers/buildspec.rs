//! The Buildspec provider (Build, Test): CodeBuild's `buildspec.yml` run on this machine, in
//! the input artifact's working copy. The buildspec comes from a file in the working copy or
//! is written inline.

use serde::{Deserialize, Serialize};

use super::{FieldProblem, PaletteEntry, ProviderConfig, ProviderInfo};
use crate::model::Category;
use crate::model::buildspec;

/// The file read when neither `file` nor `inline` is set.
pub const DEFAULT_BUILDSPEC_FILE: &str = "buildspec.yml";

/// Buildspec configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildspecConfig {
    /// The buildspec file, relative to the working copy (default `buildspec.yml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The buildspec itself, instead of a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline: Option<String>,
    /// The input artifact that is `CODEBUILD_SRC_DIR` (CodePipeline's `PrimarySource`;
    /// default: the first input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_source: Option<String>,
}

impl BuildspecConfig {
    /// The file to read when the buildspec is not inline.
    pub fn file(&self) -> &str {
        self.file.as_deref().unwrap_or(DEFAULT_BUILDSPEC_FILE)
    }
}

static INFO: ProviderInfo = ProviderInfo {
    categories: &[Category::Build, Category::Test],
    inputs: None,
    outputs: None,
    collects_files: false,
    approval: false,
    aws_only: false,
    palette: &[PaletteEntry {
        category: Category::Build,
        label: "Buildspec",
        action_name: "CodeBuild",
    }],
};

impl ProviderConfig for BuildspecConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self::default()
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        let parsed = buildspec::parse(self.inline.as_deref()?).ok()?;
        Some(parsed.buildspec.exported_variables)
    }

    fn validate(&self) -> Vec<FieldProblem> {
        let mut found = Vec::new();
        if self.file.is_some() && self.inline.is_some() {
            found.push((
                "inline".to_string(),
                "both file and inline are set: keep one".to_string(),
            ));
        }
        if let Some(file) = &self.file
            && (file.trim().is_empty()
                || file.starts_with('/')
                || file.split('/').any(|part| part == ".."))
        {
            found.push((
                "file".to_string(),
                format!(
                    "\"{file}\" is not a file in the working copy: use a relative path without '..'"
                ),
            ));
        }
        if let Some(text) = &self.inline
            && !text.contains("#{")
            && let Err(error) = buildspec::parse(text)
        {
            found.push((
                "inline".to_string(),
                format!("inline buildspec, line {}: {}", error.at, error.message),
            ));
        }
        found
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out = Vec::new();
        if let Some(file) = &mut self.file {
            out.push(("provider.file".to_string(), file));
        }
        if let Some(text) = &mut self.inline {
            out.push(("provider.inline".to_string(), text));
        }
        out
    }

    fn summary(&self) -> String {
        match &self.inline {
            Some(_) => "inline buildspec".to_string(),
            None => self.file().to_string(),
        }
    }
}
