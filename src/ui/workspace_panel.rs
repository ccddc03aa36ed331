//! The workspace panel: the pipelines of the open folder, with new, open folder, rename,
//! duplicate and delete.

use std::path::{Path, PathBuf};

use egui::Ui;

use super::theme;
use super::workspace::WorkspaceView;
use crate::model::templates::Template;
use crate::model::workspace::stem;

/// What the person asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkspaceAction {
    /// Open a pipeline file.
    Open(PathBuf),
    /// Create a pipeline from a template.
    New(Template),
    /// Choose another workspace folder.
    OpenFolder,
    /// Rename a pipeline.
    Rename(PathBuf),
    /// Duplicate a pipeline.
    Duplicate(PathBuf),
    /// Delete a pipeline (after asking).
    Delete(PathBuf),
}

/// Draws the panel.
pub fn show(
    ui: &mut Ui,
    workspace: &WorkspaceView,
    open: Option<&Path>,
    dirty: bool,
) -> Option<WorkspaceAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Pipelines").strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("📂")
                .on_hover_text("Open folder…")
                .clicked()
            {
                action = Some(WorkspaceAction::OpenFolder);
            }
            ui.menu_button("➕ New", |ui| {
                for (template, label) in Template::ALL {
                    if ui.button(label).clicked() {
                        action = Some(WorkspaceAction::New(template));
                        ui.close();
                    }
                }
            });
        });
    });
    ui.label(
        egui::RichText::new(workspace.root().display().to_string())
            .small()
            .color(theme::TEXT_WEAK),
    )
    .on_hover_text("The workspace folder");
    if workspace.files().is_empty() {
        ui.label(egui::RichText::new("No *.pipeline.ron files here yet.").color(theme::TEXT_WEAK));
    }
    for file in workspace.files() {
        let is_open = open == Some(file.as_path());
        let name = stem(file);
        let text = if is_open && dirty {
            format!("{name} ●")
        } else {
            name.clone()
        };
        let response = ui.add(
            egui::Button::selectable(is_open, text).min_size(egui::vec2(ui.available_width(), 0.0)),
        );
        if response.clicked() && !is_open {
            action = Some(WorkspaceAction::Open(file.clone()));
        }
        response.context_menu(|ui| {
            if ui.button("Rename…").clicked() {
                action = Some(WorkspaceAction::Rename(file.clone()));
                ui.close();
            }
            if ui.button("Duplicate").clicked() {
                action = Some(WorkspaceAction::Duplicate(file.clone()));
                ui.close();
            }
            if ui.button("Delete…").clicked() {
                action = Some(WorkspaceAction::Delete(file.clone()));
                ui.close();
            }
        });
    }
    if let Some(open) = open {
        ui.horizontal(|ui| {
            if ui.small_button("Rename…").clicked() {
                action = Some(WorkspaceAction::Rename(open.to_path_buf()));
            }
            if ui.small_button("Duplicate").clicked() {
                action = Some(WorkspaceAction::Duplicate(open.to_path_buf()));
            }
            if ui.small_button("Delete…").clicked() {
                action = Some(WorkspaceAction::Delete(open.to_path_buf()));
            }
        });
    }
    action
}
