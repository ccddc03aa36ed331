//! The report window after an import or an export: one line per item with the path it came
//! from, coloured by what became of it; an export that would lose something offers to go on
//! without it.

use std::path::Path;

use egui::{Id, Modal, RichText};

use super::command::{AppCommand, Commands};
use super::theme;
use crate::model::aws::report::{Outcome, Report};

/// What the window shows.
#[derive(Debug, Clone)]
pub struct TransferReport {
    /// The window's title.
    pub title: String,
    /// One sentence above the lines.
    pub summary: String,
    /// Per file written: the file and its report.
    pub sections: Vec<(String, Report)>,
    /// Export anyway, leaving out what is lost (offered when the export was refused).
    pub retry: Option<AppCommand>,
}

impl TransferReport {
    /// The report of an import of `file`, filled by [`TransferReport::add_pipeline`].
    pub fn imported(file: &Path) -> Self {
        Self {
            title: "Import report".into(),
            summary: format!("Imported from {}", file.display()),
            sections: Vec::new(),
            retry: None,
        }
    }

    /// Adds one imported pipeline, saved as `file`.
    pub fn add_pipeline(&mut self, file: &Path, report: Report) {
        self.sections
            .push((format!("Saved as {}", file.display()), report));
    }

    /// The report of an export to `file`; `retry` when it was refused for losses.
    pub fn exported(file: &Path, report: Report, retry: Option<AppCommand>) -> Self {
        let lost = report.with(Outcome::Lost).count();
        Self {
            title: "Export report".into(),
            summary: match &retry {
                Some(_) => format!(
                    "{lost} item(s) cannot be expressed in CodePipeline. Export anyway to leave them out of {}.",
                    file.display()
                ),
                None => format!("Exported to {}", file.display()),
            },
            sections: vec![(String::new(), report)],
            retry,
        }
    }

    /// Shows the window; pushes the answer and [`AppCommand::CloseDialog`].
    pub fn show(&mut self, ctx: &egui::Context, commands: &mut Commands) {
        let mut close = false;
        let modal = Modal::new(Id::new("pipewright-transfer-report")).show(ctx, |ui| {
            ui.set_max_width(760.0);
            ui.heading(&self.title);
            ui.label(&self.summary);
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for (heading, report) in &self.sections {
                        if !heading.is_empty() {
                            ui.label(RichText::new(heading).strong());
                        }
                        for item in &report.items {
                            ui.horizontal_wrapped(|ui| {
                                ui.label(
                                    RichText::new(format!("[{}]", item.outcome.label()))
                                        .color(color(item.outcome))
                                        .monospace(),
                                );
                                ui.label(RichText::new(&item.path).color(theme::TEXT_WEAK).small());
                                ui.label(&item.text);
                            });
                        }
                    }
                });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if let Some(retry) = &self.retry {
                    if ui.button("Export anyway").clicked() {
                        commands.push(retry.clone());
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                } else if ui.button("OK").clicked() {
                    close = true;
                }
            });
        });
        if close || modal.should_close() {
            commands.push(AppCommand::CloseDialog);
        }
    }
}

/// The colour of an outcome (its label says it too).
fn color(outcome: Outcome) -> egui::Color32 {
    match outcome {
        Outcome::Mapped => theme::SUCCESS,
        Outcome::Foreign | Outcome::NotRun | Outcome::Note => theme::TEXT_WEAK,
        Outcome::Placeholder | Outcome::ToDo => theme::WARNING,
        Outcome::Lost => theme::ERROR,
    }
}
