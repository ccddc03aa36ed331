//! The history tab: the executions of the open pipeline, newest first, filterable by status;
//! choosing one shows it on the canvas as it ended.

use std::collections::HashMap;

use chrono::{Local, TimeZone};
use egui::Ui;
use egui_extras::{Column, TableBuilder};

use super::overlay::execution_look;
use crate::clock::{format_duration_ms, now_ms};
use crate::model::status::ExecutionStatus;
use crate::store::ExecutionRow;
use crate::store::history::HistoryExtra;
use crate::ui::theme;

const FILTERS: [Option<ExecutionStatus>; 6] = [
    None,
    Some(ExecutionStatus::InProgress),
    Some(ExecutionStatus::Succeeded),
    Some(ExecutionStatus::Failed),
    Some(ExecutionStatus::Stopped),
    Some(ExecutionStatus::Superseded),
];

fn time(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// Draws the table; returns the id of an execution the person chose.
pub fn show(
    ui: &mut Ui,
    rows: &[ExecutionRow],
    extras: &HashMap<String, HistoryExtra>,
    filter: &mut Option<ExecutionStatus>,
    shown: Option<&str>,
) -> Option<String> {
    let mut chosen = None;
    ui.horizontal(|ui| {
        let caption = ui.label("Status");
        egui::ComboBox::from_id_salt("history-filter")
            .selected_text(filter.map_or("All", |s| s.as_str()))
            .show_ui(ui, |ui| {
                for option in FILTERS {
                    ui.selectable_value(filter, option, option.map_or("All", |s| s.as_str()));
                }
            })
            .response
            .labelled_by(caption.id);
        ui.label(egui::RichText::new(format!("{} executions", rows.len())).color(theme::TEXT_WEAK));
    });
    let visible: Vec<&ExecutionRow> = rows
        .iter()
        .filter(|row| filter.is_none_or(|f| row.status == f))
        .collect();
    if visible.is_empty() {
        ui.label(egui::RichText::new("No executions yet: press ▶ Run.").color(theme::TEXT_WEAK));
        return None;
    }
    let now = now_ms();
    TableBuilder::new(ui)
        .id_salt("history")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(120.0))
        .column(Column::exact(80.0))
        .column(Column::initial(190.0).clip(true))
        .column(Column::initial(220.0).clip(true))
        .column(Column::exact(140.0))
        .column(Column::exact(70.0))
        .column(Column::remainder().clip(true))
        .header(20.0, |mut header| {
            for title in [
                "Status",
                "Execution",
                "Trigger",
                "Revision",
                "Started",
                "Duration",
                "Approvals",
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, visible.len(), |mut row| {
                let execution = visible[row.index()];
                row.set_selected(shown == Some(execution.id.as_str()));
                let extra = extras.get(execution.id.as_str());
                let (color, status) = execution_look(execution.status, now);
                row.col(|ui| {
                    ui.label(egui::RichText::new(status).color(color));
                });
                row.col(|ui| {
                    ui.monospace(crate::execution::short_id(&execution.id));
                });
                row.col(|ui| {
                    ui.label(&execution.trigger.detail);
                });
                row.col(|ui| {
                    let revision = extra.and_then(|e| e.revision.clone()).map_or_else(
                        || "-".to_string(),
                        |(commit, message)| format!("{commit} {message}"),
                    );
                    ui.label(revision);
                });
                row.col(|ui| {
                    ui.label(time(execution.started_ms));
                });
                row.col(|ui| {
                    ui.label(format_duration_ms(
                        execution.ended_ms.unwrap_or(now) - execution.started_ms,
                    ));
                });
                row.col(|ui| {
                    let text: Vec<String> = extra
                        .map(|e| {
                            e.decisions
                                .iter()
                                .map(|(ok, by)| {
                                    format!(
                                        "{} {by}",
                                        if *ok {
                                            "✔ approved by"
                                        } else {
                                            "✖ rejected by"
                                        }
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    ui.label(text.join(", "));
                });
                if row.response().clicked() {
                    chosen = Some(execution.id.to_string());
                }
            });
        });
    chosen
}
