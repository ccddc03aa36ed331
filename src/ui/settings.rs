//! What the app remembers between launches: the last workspace and pipeline, the last
//! variable values used per pipeline, and view state, which never goes into a pipeline file:
//! how each pipeline's canvas was shown (zoom and pan) and the sizes of the side and bottom
//! panels. Kept as RON in the user's data folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::editor::canvas::CanvasView;

/// Remembered settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The workspace open when the app last closed.
    #[serde(default)]
    pub last_workspace: Option<PathBuf>,
    /// The pipeline file open when the app last closed.
    #[serde(default)]
    pub last_pipeline: Option<PathBuf>,
    /// Last variable values used to run each pipeline file.
    #[serde(default)]
    pub variables: BTreeMap<PathBuf, BTreeMap<String, String>>,
    /// How each pipeline file's canvas was last shown.
    #[serde(default)]
    pub views: BTreeMap<PathBuf, CanvasView>,
    /// The sizes the panels were last given.
    #[serde(default)]
    pub panels: PanelSizes,
}

/// The sizes of the resizable panels, in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PanelSizes {
    /// The width of the left panel (pipelines and outline).
    pub left: f32,
    /// The width of the right panel (inspector or details).
    pub right: f32,
    /// The height of the bottom panel (problems, logs, history).
    pub bottom: f32,
}

impl Default for PanelSizes {
    fn default() -> Self {
        Self {
            left: 200.0,
            right: 340.0,
            bottom: 300.0,
        }
    }
}

impl Settings {
    /// The settings file in `data_dir`.
    pub fn file(data_dir: &Path) -> PathBuf {
        data_dir.join("settings.ron")
    }

    /// Reads the settings; a missing file gives the defaults, and so does a damaged one,
    /// with a sentence saying so (for the status line, so it is not silently ignored).
    pub fn load(path: &Path) -> (Self, Option<String>) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return (Self::default(), None);
        };
        match ron::from_str(&text) {
            Ok(settings) => (settings, None),
            Err(error) => (
                Self::default(),
                Some(format!(
                    "Ignoring damaged settings {}: {error}",
                    path.display()
                )),
            ),
        }
    }

    /// Writes the settings (atomically).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(std::io::Error::other)?;
        crate::model::ron_io::write_atomically(path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_damage_falls_back_to_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = Settings::file(dir.path());
        let mut settings = Settings {
            last_workspace: Some(dir.path().to_path_buf()),
            ..Settings::default()
        };
        settings
            .variables
            .entry("a.pipeline.ron".into())
            .or_default()
            .insert("env".into(), "prod".into());
        settings.views.insert(
            "a.pipeline.ron".into(),
            CanvasView {
                zoom: 0.8,
                pan: [10.0, -4.5],
            },
        );
        settings.panels.right = 420.0;
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path), (settings, None));
        std::fs::write(&path, "(broken").unwrap();
        let (loaded, problem) = Settings::load(&path);
        assert_eq!(loaded, Settings::default());
        assert!(problem.is_some_and(|p| p.contains("settings.ron")));
    }
}
