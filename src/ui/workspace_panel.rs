//! The workspace panel: the pipelines of the open folder, with new, open folder, rename,
//! duplicate and delete.

use std::path::Path;

use egui::Ui;

use super::command::{AppCommand, Commands};
use super::theme;
use super::workspace::WorkspaceView;
use crate::model::templates::Template;
use crate::model::workspace::stem;

/// Draws the panel.
pub fn show(
    ui: &mut Ui,
    workspace: &WorkspaceView,
    open: Option<&Path>,
    dirty: bool,
    commands: &mut Commands,
) {
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Pipelines").strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("📂")
                .on_hover_text("Open folder…")
                .clicked()
            {
                commands.push(AppCommand::PickWorkspace);
            }
            ui.menu_button("➕ New", |ui| {
                for (template, label) in Template::ALL {
                    if ui.button(label).clicked() {
                        commands.push(AppCommand::NewPipeline(template));
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
            commands.push(AppCommand::OpenFile(file.clone()));
        }
        response.context_menu(|ui| {
            if ui.button("Rename…").clicked() {
                commands.push(AppCommand::AskRename(file.clone()));
                ui.close();
            }
            if ui.button("Duplicate").clicked() {
                commands.push(AppCommand::Duplicate(file.clone()));
                ui.close();
            }
            if ui.button("Delete…").clicked() {
                commands.push(AppCommand::AskDelete(file.clone()));
                ui.close();
            }
        });
    }
    if let Some(open) = open {
        ui.horizontal(|ui| {
            if ui.small_button("Rename…").clicked() {
                commands.push(AppCommand::AskRename(open.to_path_buf()));
            }
            if ui.small_button("Duplicate").clicked() {
                commands.push(AppCommand::Duplicate(open.to_path_buf()));
            }
            if ui.small_button("Delete…").clicked() {
                commands.push(AppCommand::AskDelete(open.to_path_buf()));
            }
        });
    }
}
