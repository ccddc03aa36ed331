//! The Folder source provider: a local folder or `.zip` file (the S3 equivalent).

use serde::{Deserialize, Serialize};

use super::git::{SOURCE_INPUTS, SOURCE_OUTPUTS};
use super::{FieldProblem, PaletteEntry, ProviderConfig, ProviderInfo, push_list, required};
use crate::model::Category;
use crate::model::validate::check_glob;

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

static INFO: ProviderInfo = ProviderInfo {
    categories: &[Category::Source],
    inputs: Some(SOURCE_INPUTS),
    outputs: Some(SOURCE_OUTPUTS),
    collects_files: false,
    approval: false,
    aws_only: false,
    palette: &[PaletteEntry {
        category: Category::Source,
        label: "Folder",
        action_name: "Files",
    }],
};

impl ProviderConfig for FolderConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self {
            path: "folder".into(),
            ..Self::default()
        }
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        Some(vec!["ETag".into(), "FileCount".into()])
    }

    fn validate(&self) -> Vec<FieldProblem> {
        let mut found: Vec<FieldProblem> =
            required("path", &self.path, "give a folder or a .zip file")
                .into_iter()
                .collect();
        for (index, pattern) in self.exclude.iter().enumerate() {
            if let Err(message) = check_glob(pattern) {
                found.push((format!("exclude[{index}]"), message));
            }
        }
        found
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out = vec![("provider.path".to_string(), &mut self.path)];
        push_list(&mut out, "exclude", &mut self.exclude);
        out
    }

    fn local_source(&self) -> Option<(&'static str, &str)> {
        Some(("path", self.path.as_str()))
    }

    fn summary(&self) -> String {
        self.path.clone()
    }
}
