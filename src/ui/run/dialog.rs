//! The Run dialog: values for the pipeline's variables (defaults and the last values used
//! filled in), an optional revision per source action, and Start. A pipeline with
//! validation problems cannot start, and the dialog says why.

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::{Id, Modal};
use indexmap::IndexMap;

use crate::engine::StartRequest;
use crate::engine::user::current_user;
use crate::execution::Trigger;
use crate::model::{Category, Pipeline, Problem, Provider};
use crate::ui::command::{AppCommand, Commands};
use crate::ui::theme;

/// An open Run dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDialog {
    file: PathBuf,
    pipeline: Pipeline,
    problems: Vec<Problem>,
    values: IndexMap<String, String>,
    revisions: IndexMap<String, String>,
}

impl RunDialog {
    /// A dialog for `pipeline` from `file`, with `remembered` values of earlier runs.
    pub fn new(
        file: PathBuf,
        pipeline: Pipeline,
        problems: Vec<Problem>,
        remembered: Option<&BTreeMap<String, String>>,
    ) -> Self {
        let values = pipeline
            .variables
            .iter()
            .map(|variable| {
                let value = remembered
                    .and_then(|r| r.get(&variable.name).cloned())
                    .or_else(|| variable.default.clone())
                    .unwrap_or_default();
                (variable.name.clone(), value)
            })
            .collect();
        let revisions = pipeline
            .actions()
            .filter(|(_, action)| {
                action.category == Category::Source && matches!(action.provider, Provider::Git(_))
            })
            .map(|(_, action)| (action.name.clone(), String::new()))
            .collect();
        Self {
            file,
            pipeline,
            problems,
            values,
            revisions,
        }
    }

    fn values(&self) -> BTreeMap<String, String> {
        self.values
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn request(&self) -> StartRequest {
        StartRequest {
            pipeline: self.pipeline.clone(),
            file: self.file.clone(),
            variables: self.values.clone(),
            source_revisions: self
                .revisions
                .iter()
                .filter(|(_, revision)| !revision.trim().is_empty())
                .map(|(action, revision)| (action.clone(), revision.trim().to_string()))
                .collect(),
            trigger: Trigger::manual(&current_user()),
        }
    }

    /// Shows the dialog. Start pushes [`AppCommand::Start`]; Start and Cancel push
    /// [`AppCommand::CloseDialog`].
    pub fn show(&mut self, ctx: &egui::Context, commands: &mut Commands) {
        let mut answer: Option<Option<AppCommand>> = None;
        let modal = Modal::new(Id::new("run-dialog")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading(format!("Run {}", self.pipeline.name));
            if !self.problems.is_empty() {
                ui.label(
                    egui::RichText::new(format!(
                        "This pipeline has {} problem{} and cannot run. Fix {} in the editor first:",
                        self.problems.len(),
                        if self.problems.len() == 1 { "" } else { "s" },
                        if self.problems.len() == 1 { "it" } else { "them" }
                    ))
                    .color(theme::ERROR),
                );
                for problem in self.problems.iter().take(6) {
                    ui.label(egui::RichText::new(format!("• {} ({})", problem.message, problem.path)).small().color(theme::ERROR));
                }
            }
            if !self.values.is_empty() {
                ui.add_space(6.0);
                ui.label(egui::RichText::new("Variables").strong());
                for variable in &self.pipeline.variables {
                    let caption = ui.label(&variable.name);
                    if let Some(value) = self.values.get_mut(&variable.name) {
                        let hint = variable.default.clone().unwrap_or_else(|| "required".into());
                        ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(f32::INFINITY)).labelled_by(caption.id);
                    }
                    if let Some(description) = &variable.description {
                        ui.label(egui::RichText::new(description).small().color(theme::TEXT_WEAK));
                    }
                }
            }
            if !self.revisions.is_empty() {
                ui.add_space(6.0);
                ui.label(egui::RichText::new("Source revisions").strong());
                for (action, revision) in &mut self.revisions {
                    let caption = ui.label(format!("Revision for {action}"));
                    ui.add(egui::TextEdit::singleline(revision).hint_text("the branch head").desired_width(f32::INFINITY)).labelled_by(caption.id);
                }
            }
            ui.add_space(10.0);
            ui.horizontal(|ui| {
                let can_start = self.problems.is_empty();
                let start = ui.add_enabled(can_start, egui::Button::new("▶ Start").fill(theme::ACCENT.gamma_multiply(0.6)));
                let enter = can_start && ui.input(|i| i.key_pressed(egui::Key::Enter) && i.modifiers.command);
                if start.clicked() || enter {
                    answer = Some(Some(AppCommand::Start {
                        request: Box::new(self.request()),
                        values: self.values(),
                    }));
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(None);
                }
            });
        });
        if answer.is_none() && modal.should_close() {
            answer = Some(None);
        }
        if let Some(confirmed) = answer {
            commands.push(AppCommand::CloseDialog);
            if let Some(command) = confirmed {
                commands.push(command);
            }
        }
    }
}
