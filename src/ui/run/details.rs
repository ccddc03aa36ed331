//! The details panel of the run view: the execution (and Stop), a selected stage (and Retry),
//! or a selected action: its outcome, artifacts, variables, configuration and log.

use chrono::{Local, TimeZone};
use egui::Ui;

use super::data::RunData;
use super::overlay::{execution_look, stage_look};
use super::view::RunView;
use crate::clock::{format_duration_ms, now_ms};
use crate::execution::ActionId;
use crate::model::status::ActionStatus;
use crate::store::WorkspacePaths;
use crate::ui::command::{AppCommand, Commands};
use crate::ui::editor::canvas::Selection;
use crate::ui::theme;

fn when(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(String::new, |t| t.format("%H:%M:%S").to_string())
}

fn row(ui: &mut Ui, name: &str, value: impl Into<egui::WidgetText>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(name).color(theme::TEXT_WEAK));
        ui.label(value);
    });
}

/// Draws the panel for the shown execution.
pub fn show(ui: &mut Ui, data: &RunData, view: &mut RunView, commands: &mut Commands) {
    let Some(execution) = view.shown.as_deref().and_then(|id| data.execution(id)) else {
        let text = if view.shown.is_some() {
            "Reading the execution…"
        } else {
            "No execution shown."
        };
        ui.label(egui::RichText::new(text).color(theme::TEXT_WEAK));
        return;
    };
    let selection = view.selection;
    let workspace = data.workspace.as_path();
    let now = now_ms();
    egui::ScrollArea::vertical()
        .id_salt("details")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let (color, status) = execution_look(execution.status, now);
            ui.heading(egui::RichText::new(status).color(color));
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new("Execution").color(theme::TEXT_WEAK));
                ui.monospace(execution.id.as_str());
                if ui.small_button("📋").on_hover_text("Copy the id").clicked() {
                    ui.ctx().copy_text(execution.id.to_string());
                }
            });
            row(ui, "Trigger", &execution.trigger.detail);
            row(ui, "Started", when(execution.started_ms));
            row(
                ui,
                "Duration",
                format_duration_ms(execution.ended_ms.unwrap_or(now) - execution.started_ms),
            );
            if let Some(revision) = execution.revision() {
                row(
                    ui,
                    "Revision",
                    format!("{} {}", revision.commit, revision.message),
                );
            }
            for (name, value) in &execution.variables {
                row(ui, &format!("#{{variables.{name}}}"), value);
            }
            if let Some(reason) = &execution.reason {
                ui.label(
                    egui::RichText::new(reason).color(if execution.status.is_final() {
                        theme::ERROR
                    } else {
                        theme::TEXT
                    }),
                );
            }
            if execution.is_live() && ui.button("⏹ Stop…").clicked() {
                commands.push(AppCommand::AskStop(execution.id.clone()));
            }
            ui.separator();
            let Some(pipeline) = data.definition(execution) else {
                return;
            };
            match selection {
                Selection::Stage(index) if index < pipeline.stages.len() => {
                    let stage = &pipeline.stages[index];
                    let view = execution
                        .stages
                        .get(&stage.name)
                        .cloned()
                        .unwrap_or_default();
                    let (color, status) = stage_look(view.status, now);
                    ui.heading(format!("Stage {}", stage.name));
                    ui.label(egui::RichText::new(status).color(color));
                    if view.attempt > 1 {
                        row(ui, "Entered", format!("{} times", view.attempt));
                    }
                    if let Some(started) = view.started_ms {
                        row(
                            ui,
                            "Ran",
                            format_duration_ms(view.ended_ms.unwrap_or(now) - started),
                        );
                    }
                    if let Some(reason) = &view.reason {
                        ui.label(egui::RichText::new(reason).color(theme::ERROR));
                    }
                    let retryable = matches!(
                        view.status,
                        Some(
                            crate::model::status::StageStatus::Failed
                                | crate::model::status::StageStatus::Stopped
                        )
                    );
                    if retryable && !execution.is_live() && ui.button("⟳ Retry stage…").clicked()
                    {
                        commands.push(AppCommand::AskRetry {
                            execution: execution.id.clone(),
                            stage: stage.name.clone(),
                        });
                    }
                }
                Selection::Action(at)
                    if at.stage < pipeline.stages.len()
                        && at.action < pipeline.stages[at.stage].actions.len() =>
                {
                    let stage = &pipeline.stages[at.stage];
                    let action = &stage.actions[at.action];
                    ui.heading(format!(
                        "{} {}/{}",
                        theme::category_icon(action.category),
                        stage.name,
                        action.name
                    ));
                    let key = ActionId::new(&stage.name, &action.name);
                    let Some(attempt) = execution.attempts.get(&key) else {
                        ui.label(
                            egui::RichText::new("Not run in this execution.")
                                .color(theme::TEXT_WEAK),
                        );
                        return;
                    };
                    let color = match attempt.status {
                        ActionStatus::Succeeded => theme::SUCCESS,
                        ActionStatus::Failed => theme::ERROR,
                        ActionStatus::InProgress => super::overlay::RUNNING,
                        ActionStatus::Abandoned => super::overlay::NOT_RUN,
                    };
                    ui.label(
                        egui::RichText::new(format!(
                            "{} (attempt {})",
                            attempt.status, attempt.key.attempt
                        ))
                        .color(color),
                    );
                    row(
                        ui,
                        "Ran",
                        format_duration_ms(attempt.ended_ms.unwrap_or(now) - attempt.started_ms),
                    );
                    if let Some(code) = attempt.exit_code {
                        row(ui, "Exit code", code.to_string());
                    }
                    if let Some(summary) = &attempt.summary {
                        let color = if attempt.status == ActionStatus::Failed {
                            theme::ERROR
                        } else {
                            theme::TEXT
                        };
                        ui.label(egui::RichText::new(summary).monospace().color(color));
                    }
                    for warning in &attempt.warnings {
                        ui.label(egui::RichText::new(format!("⚠ {warning}")).color(theme::WARNING));
                    }
                    if let Some(approval) = execution.approvals.get(&key) {
                        match &approval.decision {
                            Some(decision) => {
                                let verb = if decision.approved {
                                    "✔ Approved"
                                } else {
                                    "✖ Rejected"
                                };
                                ui.label(
                                    egui::RichText::new(format!(
                                        "{verb} by {} at {}: {}",
                                        decision.by,
                                        when(decision.at_ms),
                                        decision.summary
                                    ))
                                    .strong(),
                                );
                            }
                            None => {
                                ui.label(
                                    egui::RichText::new(
                                        "✋ Waiting for a decision (see the card on the canvas)",
                                    )
                                    .color(theme::WARNING),
                                );
                            }
                        }
                    }
                    if ui.button("📄 Show log").clicked() {
                        commands.push(AppCommand::ShowLog {
                            stage: stage.name.clone(),
                            action: action.name.clone(),
                        });
                    }
                    let run = WorkspacePaths::new(workspace).run(&execution.id);
                    let artifacts: Vec<(&str, &str)> = action
                        .input_artifacts
                        .iter()
                        .map(|name| ("Input", name.as_str()))
                        .chain(
                            action
                                .output_artifacts
                                .iter()
                                .map(|o| ("Output", o.name.as_str())),
                        )
                        .collect();
                    if !artifacts.is_empty() {
                        ui.label(egui::RichText::new("Artifacts").strong());
                    }
                    for (kind, name) in artifacts {
                        ui.horizontal(|ui| {
                            ui.label(format!("{kind} {name}"));
                            let folder = run.artifact(name);
                            if ui
                                .add_enabled(folder.exists(), egui::Button::new("📂 Open folder"))
                                .clicked()
                            {
                                commands.push(AppCommand::OpenFolder(folder));
                            }
                        });
                    }
                    if !attempt.output_variables.is_empty() {
                        ui.label(egui::RichText::new("Output variables").strong());
                        egui::Grid::new("outputs").striped(true).show(ui, |ui| {
                            for (name, value) in &attempt.output_variables {
                                ui.monospace(name);
                                ui.monospace(value);
                                ui.end_row();
                            }
                        });
                    }
                    egui::CollapsingHeader::new("Resolved configuration")
                        .id_salt("resolved")
                        .show(ui, |ui| {
                            ui.monospace(&attempt.resolved_config);
                        });
                }
                _ => {
                    ui.label(
                        egui::RichText::new(
                            "Select a stage or an action on the canvas for its details.",
                        )
                        .color(theme::TEXT_WEAK),
                    );
                }
            }
        });
}
