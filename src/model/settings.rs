//! A workspace's own settings, in `pipewright.ron` at its root (beside the pipeline files, so
//! they can be committed with them). Every field is optional; a missing file means the
//! defaults. Today it holds the retention rule:
//!
//! ```ron
//! (
//!     retention: (
//!         executions: 200, // per pipeline; None keeps every one
//!         days: 30,        // older executions go too; None (the default) keeps them
//!     ),
//! )
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ron_io::{LoadError, options, syntax_error};

/// The settings file's name, at the workspace's root.
pub const SETTINGS_FILE: &str = "pipewright.ron";

/// How many executions a pipeline keeps by default.
pub const DEFAULT_KEPT_EXECUTIONS: u32 = 200;

/// A workspace's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkspaceSettings {
    /// Which finished executions are kept.
    pub retention: Retention,
}

/// Which finished executions (with their logs, artifacts and reports) are kept. An execution
/// goes when it is past either limit; a live one, and the one whose release is deployed,
/// always stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    /// The newest this many executions of each pipeline stay (`None`: no count limit).
    pub executions: Option<u32>,
    /// Executions that started more than this many days ago go (`None`: no age limit).
    pub days: Option<u32>,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            executions: Some(DEFAULT_KEPT_EXECUTIONS),
            days: None,
        }
    }
}

impl WorkspaceSettings {
    /// The settings of the workspace at `root` (the defaults when it has no settings file).
    pub fn load(root: &Path) -> Result<Self, LoadError> {
        let path = root.join(SETTINGS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(source) => return Err(LoadError::Io { path, source }),
        };
        Self::parse(&text, &path)
    }

    /// Parses settings text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, LoadError> {
        options()
            .from_str(text)
            .map_err(|error| syntax_error(&error, path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_file_means_two_hundred_executions_per_pipeline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = WorkspaceSettings::load(dir.path()).expect("defaults");
        assert_eq!(settings.retention.executions, Some(200));
        assert_eq!(settings.retention.days, None);
    }

    #[test]
    fn limits_are_read_and_a_missing_one_keeps_its_default() {
        let path = Path::new("pipewright.ron");
        let settings =
            WorkspaceSettings::parse("(retention: (days: 30))", path).expect("valid settings");
        assert_eq!(settings.retention.executions, Some(200));
        assert_eq!(settings.retention.days, Some(30));
        let settings = WorkspaceSettings::parse("(retention: (executions: None))", path)
            .expect("valid settings");
        assert_eq!(settings.retention.executions, None);
    }

    #[test]
    fn a_wrong_field_names_the_file_line_and_column() {
        let error =
            WorkspaceSettings::parse("(\n  retention: (keep: 3),\n)", Path::new("pipewright.ron"))
                .expect_err("unknown field");
        let text = error.to_string();
        assert!(text.starts_with("pipewright.ron:2:"), "{text}");
        assert!(text.contains("keep"), "{text}");
    }
}
