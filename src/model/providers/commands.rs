//! The Commands provider (Build, Test): shell commands run in the input artifact's working
//! copy, with exported variables, output artifacts collected by globs and JUnit reports.

use serde::{Deserialize, Serialize};

use super::{FieldProblem, PaletteEntry, ProviderConfig, ProviderInfo, push_list};
use crate::model::Category;
use crate::model::validate::{check_env_name, check_glob};

/// Commands configuration (Build and Test).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandsConfig {
    /// Shell commands, run in order with `sh`; the first failure stops the rest.
    pub commands: Vec<String>,
    /// Commands that always run afterwards, even when `commands` failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finally: Vec<String>,
    /// Environment variables whose final values become output variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exported_variables: Vec<String>,
    /// Globs of JUnit XML test reports, relative to the working directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<String>,
}

static INFO: ProviderInfo = ProviderInfo {
    categories: &[Category::Build, Category::Test],
    inputs: None,
    outputs: None,
    collects_files: true,
    approval: false,
    aws_only: false,
    palette: &[
        PaletteEntry {
            category: Category::Build,
            label: "Build",
            action_name: "Build",
        },
        PaletteEntry {
            category: Category::Test,
            label: "Test",
            action_name: "Test",
        },
    ],
};

impl ProviderConfig for CommandsConfig {
    fn info() -> &'static ProviderInfo {
        &INFO
    }

    fn starting() -> Self {
        Self {
            commands: vec!["echo hello".into()],
            ..Self::default()
        }
    }

    fn output_variables(&self) -> Option<Vec<String>> {
        Some(self.exported_variables.clone())
    }

    fn validate(&self) -> Vec<FieldProblem> {
        let mut found = Vec::new();
        if self
            .commands
            .iter()
            .all(|command| command.trim().is_empty())
        {
            found.push((
                "commands".to_string(),
                "commands is empty: add at least one shell command".to_string(),
            ));
        }
        for (index, name) in self.exported_variables.iter().enumerate() {
            if let Err(message) = check_env_name(name) {
                found.push((format!("exported_variables[{index}]"), message));
            }
        }
        for (index, pattern) in self.reports.iter().enumerate() {
            if let Err(message) = check_glob(pattern) {
                found.push((format!("reports[{index}]"), message));
            }
        }
        found
    }

    fn strings_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out = Vec::new();
        push_list(&mut out, "commands", &mut self.commands);
        push_list(&mut out, "finally", &mut self.finally);
        push_list(&mut out, "reports", &mut self.reports);
        out
    }

    fn summary(&self) -> String {
        let first = self.commands.first().cloned().unwrap_or_default();
        match self.commands.len() {
            0 | 1 => first,
            more => format!("{first}  (+{} more)", more - 1),
        }
    }
}
