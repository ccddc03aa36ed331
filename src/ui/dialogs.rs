//! Modal questions: unsaved changes, a file changed on disk, deleting or renaming a pipeline,
//! removing a stage, and plain messages.

use std::path::PathBuf;

use egui::{Id, Modal};

use crate::model::status::{RetryMode, StopMode};
use crate::model::templates::Template;

/// What to do once unsaved changes are dealt with.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    /// Open another pipeline file.
    Open(PathBuf),
    /// Open another workspace folder.
    OpenFolder(PathBuf),
    /// Create a pipeline from a template.
    New(Template),
    /// Quit the app.
    Quit,
}

/// An open question.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// The open pipeline has unsaved changes.
    Unsaved(Then),
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
        execution: String,
        /// Kill running actions (true) or let them finish.
        abandon: bool,
        /// Why.
        reason: String,
    },
    /// Retry a failed stage: which actions.
    Retry {
        /// The execution.
        execution: String,
        /// The stage.
        stage: String,
        /// All actions (true) or only those that did not succeed.
        all: bool,
    },
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

/// The answer to a dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Save, then go on.
    Save(Then),
    /// Discard the edits, then go on.
    Discard(Then),
    /// Reload the file from disk.
    Reload,
    /// Keep the edits (the file on disk will be overwritten on save).
    KeepEdits,
    /// Delete the file.
    Delete(PathBuf),
    /// Rename the file.
    Rename(PathBuf, String),
    /// Remove the stage.
    RemoveStage(usize),
    /// Stop the execution.
    Stop(String, StopMode, String),
    /// Retry the stage.
    Retry(String, String, RetryMode),
    /// Set the transition: pipeline, stage, enabled, reason.
    Transition(String, String, bool, Option<String>),
    /// Nothing (closed or cancelled).
    Cancel,
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

/// Shows the dialog; returns the answer once there is one.
pub fn show(ctx: &egui::Context, dialog: &mut Dialog) -> Option<Answer> {
    let mut answer = None;
    let modal = Modal::new(Id::new("pipewright-dialog")).show(ctx, |ui| {
        ui.set_max_width(440.0);
        match dialog {
            Dialog::Unsaved(then) => {
                ui.heading("Unsaved changes");
                ui.label("The open pipeline has changes that are not saved.");
                answer = buttons(ui, &["Save", "Discard changes", "Cancel"]).map(|i| match i {
                    0 => Answer::Save(then.clone()),
                    1 => Answer::Discard(then.clone()),
                    _ => Answer::Cancel,
                });
            }
            Dialog::ChangedOnDisk => {
                ui.heading("The file changed on disk");
                ui.label(
                    "Another program changed the open pipeline file, and you have unsaved edits.",
                );
                answer = buttons(ui, &["Reload from disk", "Keep my edits"]).map(|i| match i {
                    0 => Answer::Reload,
                    _ => Answer::KeepEdits,
                });
            }
            Dialog::Delete(path) => {
                ui.heading("Delete pipeline?");
                ui.label(format!(
                    "{} will be deleted. Its run history is kept.",
                    path.display()
                ));
                answer = buttons(ui, &["Delete", "Cancel"]).map(|i| match i {
                    0 => Answer::Delete(path.clone()),
                    _ => Answer::Cancel,
                });
            }
            Dialog::Rename { path, name } => {
                ui.heading("Rename pipeline");
                let caption = ui.label("New name");
                let field = ui.text_edit_singleline(name).labelled_by(caption.id);
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                answer = buttons(ui, &["Rename", "Cancel"]).map(|i| match i {
                    0 => Answer::Rename(path.clone(), name.clone()),
                    _ => Answer::Cancel,
                });
                if enter {
                    answer = Some(Answer::Rename(path.clone(), name.clone()));
                }
            }
            Dialog::RemoveStage(index, name) => {
                ui.heading("Remove stage?");
                ui.label(format!(
                    "Stage \"{name}\" and its actions will be removed. You can undo this."
                ));
                answer = buttons(ui, &["Remove stage", "Cancel"]).map(|i| match i {
                    0 => Answer::RemoveStage(*index),
                    _ => Answer::Cancel,
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
                    crate::execution::short_id(execution)
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
                    0 => Answer::Stop(
                        execution.clone(),
                        if *abandon {
                            StopMode::Abandon
                        } else {
                            StopMode::Wait
                        },
                        if reason.trim().is_empty() {
                            "stopped from the app".into()
                        } else {
                            reason.trim().to_string()
                        },
                    ),
                    _ => Answer::Cancel,
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
                    0 => Answer::Retry(
                        execution.clone(),
                        stage.clone(),
                        if *all {
                            RetryMode::AllActions
                        } else {
                            RetryMode::FailedActions
                        },
                    ),
                    _ => Answer::Cancel,
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
                        0 => Answer::Transition(
                            pipeline.clone(),
                            stage.clone(),
                            false,
                            Some(reason.clone()),
                        ),
                        _ => Answer::Cancel,
                    });
                } else {
                    ui.heading(format!("Enable the transition into {stage}?"));
                    ui.label("Executions waiting in front of the stage will go on.");
                    answer = buttons(ui, &["Enable transition", "Cancel"]).map(|i| match i {
                        0 => Answer::Transition(pipeline.clone(), stage.clone(), true, None),
                        _ => Answer::Cancel,
                    });
                }
            }
            Dialog::Message(title, text) => {
                ui.heading(title.as_str());
                ui.label(text.as_str());
                answer = buttons(ui, &["OK"]).map(|_| Answer::Cancel);
            }
        }
    });
    if answer.is_none() && modal.should_close() {
        answer = Some(Answer::Cancel);
    }
    answer
}
