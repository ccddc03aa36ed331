//! Modal questions: unsaved changes, a file changed on disk, deleting or renaming a pipeline,
//! removing a stage, the Run dialog, stopping, retrying, transitions, and plain messages.
//! Each answers with the command it confirms.

use std::path::PathBuf;

use egui::{Id, Modal};

use super::command::{AppCommand, Commands};
use super::run::dialog::RunDialog;
use super::transfer_report::TransferReport;
use crate::execution::ExecutionId;
use crate::model::status::{RetryMode, StopMode};

/// An open question.
#[derive(Debug, Clone)]
pub enum Dialog {
    /// The open pipeline has unsaved changes; the command waits for the answer.
    Unsaved(Box<AppCommand>),
    /// The open pipeline's file changed on disk while it has unsaved edits.
    ChangedOnDisk,
    /// Delete a pipeline file?
    Delete(PathBuf),
    /// A new name for a pipeline file.
    Rename {
        /// The file.
        path: PathBuf,
        /// The name typed so far.
        name: String,
    },
    /// Remove a stage and its actions?
    RemoveStage(usize, String),
    /// Something to read.
    Message(String, String),
    /// Stop an execution: how, and why.
    Stop {
        /// The execution.
        execution: ExecutionId,
        /// Kill running actions (true) or let them finish.
        abandon: bool,
        /// Why.
        reason: String,
    },
    /// Retry a failed stage: which actions.
    Retry {
        /// The execution.
        execution: ExecutionId,
        /// The stage.
        stage: String,
        /// All actions (true) or only those that did not succeed.
        all: bool,
    },
    /// Values for a run.
    Run(Box<RunDialog>),
    /// What an import or export did, item by item.
    Transfer(Box<TransferReport>),
    /// Disable (with a reason) or enable the transition into a stage.
    Transition {
        /// The pipeline.
        pipeline: String,
        /// The stage it leads into.
        stage: String,
        /// Whether it is enabled now (so the question is whether to disable it).
        enabled: bool,
        /// Why it is being disabled.
        reason: String,
    },
}

fn buttons(ui: &mut egui::Ui, labels: &[&str]) -> Option<usize> {
    let mut chosen = None;
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        for (index, label) in labels.iter().enumerate() {
            if ui.button(*label).clicked() {
                chosen = Some(index);
            }
        }
    });
    chosen
}

/// What a dialog's buttons said: nothing yet, or closed with or without a command.
type Answer = Option<Option<AppCommand>>;

/// Shows the dialog. Once the person answers, pushes the command they confirmed (if any)
/// and [`AppCommand::CloseDialog`].
pub fn show(ctx: &egui::Context, dialog: &mut Dialog, commands: &mut Commands) {
    if let Dialog::Run(run) = dialog {
        run.show(ctx, commands);
        return;
    }
    if let Dialog::Transfer(report) = dialog {
        report.show(ctx, commands);
        return;
    }
    let mut answer: Answer = None;
    let modal = Modal::new(Id::new("pipewright-dialog")).show(ctx, |ui| {
        ui.set_max_width(440.0);
        match dialog {
            Dialog::Unsaved(then) => {
                ui.heading("Unsaved changes");
                ui.label("The open pipeline has changes that are not saved.");
                answer = buttons(ui, &["Save", "Discard changes", "Cancel"]).map(|i| match i {
                    0 => Some(AppCommand::SaveThen(then.clone())),
                    1 => Some(AppCommand::Discarding(then.clone())),
                    _ => None,
                });
            }
            Dialog::ChangedOnDisk => {
                ui.heading("The file changed on disk");
                ui.label(
                    "Another program changed the open pipeline file, and you have unsaved edits.",
                );
                answer = buttons(ui, &["Reload from disk", "Keep my edits"]).map(|i| match i {
                    0 => Some(AppCommand::Reload),
                    _ => Some(AppCommand::KeepEdits),
                });
            }
            Dialog::Delete(path) => {
                ui.heading("Delete pipeline?");
                ui.label(format!(
                    "{} will be deleted. Its run history is kept.",
                    path.display()
                ));
                answer = buttons(ui, &["Delete", "Cancel"]).map(|i| match i {
                    0 => Some(AppCommand::Delete(path.clone())),
                    _ => None,
                });
            }
            Dialog::Rename { path, name } => {
                ui.heading("Rename pipeline");
                let caption = ui.label("New name");
                let field = ui.text_edit_singleline(name).labelled_by(caption.id);
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                answer = buttons(ui, &["Rename", "Cancel"]).map(|i| match i {
                    0 => Some(rename(path, name)),
                    _ => None,
                });
                if enter {
                    answer = Some(Some(rename(path, name)));
                }
            }
            Dialog::RemoveStage(index, name) => {
                ui.heading("Remove stage?");
                ui.label(format!(
                    "Stage \"{name}\" and its actions will be removed. You can undo this."
                ));
                answer = buttons(ui, &["Remove stage", "Cancel"]).map(|i| match i {
                    0 => Some(AppCommand::RemoveStage(*index)),
                    _ => None,
                });
            }
            Dialog::Stop {
                execution,
                abandon,
                reason,
            } => {
                ui.heading("Stop execution?");
                ui.label(format!(
                    "Execution {} will stop. Nothing new starts in it.",
                    execution.short()
                ));
                ui.radio_value(abandon, false, "Stop and wait: running actions finish");
                ui.radio_value(
                    abandon,
                    true,
                    "Stop and abandon: running actions are killed",
                );
                let caption = ui.label("Reason");
                ui.text_edit_singleline(reason).labelled_by(caption.id);
                answer = buttons(ui, &["Stop execution", "Cancel"]).map(|i| match i {
                    0 => Some(AppCommand::Stop {
                        execution: execution.clone(),
                        mode: if *abandon {
                            StopMode::Abandon
                        } else {
                            StopMode::Wait
                        },
                        reason: if reason.trim().is_empty() {
                            "stopped from the app".into()
                        } else {
                            reason.trim().to_string()
                        },
                    }),
                    _ => None,
                });
            }
            Dialog::Retry {
                execution,
                stage,
                all,
            } => {
                ui.heading(format!("Retry stage {stage}?"));
                ui.radio_value(all, false, "Failed actions only");
                ui.radio_value(all, true, "All actions of the stage");
                answer = buttons(ui, &["Retry", "Cancel"]).map(|i| match i {
                    0 => Some(AppCommand::Retry {
                        execution: execution.clone(),
                        stage: stage.clone(),
                        mode: if *all {
                            RetryMode::AllActions
                        } else {
                            RetryMode::FailedActions
                        },
                    }),
                    _ => None,
                });
            }
            Dialog::Transition {
                pipeline,
                stage,
                enabled,
                reason,
            } => {
                if *enabled {
                    ui.heading(format!("Disable the transition into {stage}?"));
                    ui.label(
                        "Executions will wait in front of the stage until you enable it again.",
                    );
                    let caption = ui.label("Reason");
                    ui.text_edit_singleline(reason).labelled_by(caption.id);
                    answer = buttons(ui, &["Disable transition", "Cancel"]).map(|i| match i {
                        0 => Some(AppCommand::SetTransition {
                            pipeline: pipeline.clone(),
                            stage: stage.clone(),
                            enabled: false,
                            reason: Some(reason.clone()),
                        }),
                        _ => None,
                    });
                } else {
                    ui.heading(format!("Enable the transition into {stage}?"));
                    ui.label("Executions waiting in front of the stage will go on.");
                    answer = buttons(ui, &["Enable transition", "Cancel"]).map(|i| match i {
                        0 => Some(AppCommand::SetTransition {
                            pipeline: pipeline.clone(),
                            stage: stage.clone(),
                            enabled: true,
                            reason: None,
                        }),
                        _ => None,
                    });
                }
            }
            Dialog::Message(title, text) => {
                ui.heading(title.as_str());
                ui.label(text.as_str());
                answer = buttons(ui, &["OK"]).map(|_| None);
            }
            Dialog::Run(_) | Dialog::Transfer(_) => {}
        }
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

fn rename(path: &std::path::Path, name: &str) -> AppCommand {
    AppCommand::Rename {
        path: path.to_path_buf(),
        name: name.to_string(),
    }
}
