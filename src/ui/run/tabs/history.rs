//! The History tab: every execution of the open pipeline, newest first, filtered in SQL by
//! status, trigger kind, branch or commit, text and dates, with the true total and the count
//! per status. The list scrolls virtually over all of them: the store reader answers the
//! rows around those on screen. Choosing one shows it on the canvas, and it stays there
//! while new executions start.

use chrono::{Local, TimeZone};
use egui::Ui;
use egui_extras::{Column, TableBuilder};

use super::{RunTab, TabId};
use crate::clock::{format_duration_ms, now_ms};
use crate::execution::TriggerKind;
use crate::model::status::ExecutionStatus;
use crate::store::history::{DecisionMark, HistoryEntry};
use crate::ui::command::{AppCommand, Commands};
use crate::ui::run::data::RunData;
use crate::ui::run::overlay::execution_look;
use crate::ui::run::reader::Query;
use crate::ui::run::view::{HistoryView, RunView};
use crate::ui::theme;

/// The tab's name.
pub const ID: TabId = TabId("History");

/// The History tab.
pub struct History;

const STATUSES: [Option<ExecutionStatus>; 8] = [
    None,
    Some(ExecutionStatus::InProgress),
    Some(ExecutionStatus::Succeeded),
    Some(ExecutionStatus::Failed),
    Some(ExecutionStatus::Stopped),
    Some(ExecutionStatus::Superseded),
    Some(ExecutionStatus::Cancelled),
    Some(ExecutionStatus::Stopping),
];

const ROW_HEIGHT: f32 = 22.0;

fn time(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// "10,305" for 10305.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "1.5 MB" for 1_500_000 (decimal units, as file managers show them).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn decisions_text(decisions: &[DecisionMark]) -> String {
    decisions
        .iter()
        .map(|mark| {
            let verb = if mark.approved {
                "✔ approved by"
            } else {
                "✖ rejected by"
            };
            format!("{verb} {}", mark.by)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl RunTab for History {
    fn id(&self) -> TabId {
        ID
    }

    fn wants(&self, data: &RunData, view: &RunView, visible: bool) -> Option<Query> {
        let query = view.history.query(view.history_pipeline.as_deref()?);
        let answered = data.history.as_ref().map(|page| &page.query);
        let same = answered == Some(&query);
        // Off screen, only the first page is read ahead, so the tab opens at once.
        let wanted = if visible {
            !same || data.history_stale
        } else {
            answered.is_none_or(|a| a.filter.pipeline != query.filter.pipeline)
        };
        let disk = visible && data.disk_stale;
        match wanted {
            true => Some(Query::History(query)),
            false => disk.then_some(Query::DiskUse),
        }
    }

    fn show(&self, ui: &mut Ui, data: &RunData, view: &mut RunView, commands: &mut Commands) {
        filters(ui, data, &mut view.history);
        if let Some(bytes) = data.disk_use {
            ui.label(
                egui::RichText::new(format!(
                    "The workspace's history takes {} on disk (.pipewright/); pipewright.ron sets how much is kept",
                    human_bytes(bytes)
                ))
                .color(theme::TEXT_WEAK),
            );
        }
        let Some(page) = &data.history else {
            ui.label(egui::RichText::new("Reading the history…").color(theme::TEXT_WEAK));
            return;
        };
        if page.total == 0 {
            let filtered = page.query.filter.status.is_some()
                || page.query.filter.trigger_kind.is_some()
                || page.query.filter.text.is_some()
                || page.query.filter.revision.is_some()
                || page.query.filter.from_ms.is_some()
                || page.query.filter.until_ms.is_some();
            let text = if filtered {
                "No executions match these filters."
            } else {
                "No executions yet: press ▶ Run."
            };
            ui.label(egui::RichText::new(text).color(theme::TEXT_WEAK));
            return;
        }
        table(ui, data, view, commands);
    }
}

fn filters(ui: &mut Ui, data: &RunData, history: &mut HistoryView) {
    let counts = data.history.as_ref().map(|page| &page.counts);
    let count_of = |status: ExecutionStatus| {
        counts
            .and_then(|c| c.iter().find(|(s, _)| *s == status))
            .map_or(0, |(_, n)| *n)
    };
    ui.horizontal_wrapped(|ui| {
        let caption = ui.label("Status");
        let label = |status: Option<ExecutionStatus>| match status {
            None => "All".to_string(),
            Some(status) => format!("{status} ({})", thousands(count_of(status))),
        };
        egui::ComboBox::from_id_salt("history-status")
            .selected_text(label(history.status))
            .show_ui(ui, |ui| {
                for option in STATUSES {
                    ui.selectable_value(&mut history.status, option, label(option));
                }
            })
            .response
            .labelled_by(caption.id);
        let caption = ui.label("Trigger");
        egui::ComboBox::from_id_salt("history-trigger")
            .selected_text(history.trigger_kind.map_or("Any", TriggerKind::as_str))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut history.trigger_kind, None, "Any");
                for kind in TriggerKind::ALL {
                    ui.selectable_value(&mut history.trigger_kind, Some(kind), kind.as_str());
                }
            })
            .response
            .labelled_by(caption.id);
        for (label, text, hint, width) in [
            (
                "Branch or commit",
                &mut history.revision,
                "main, 1a2b3c4",
                110.0,
            ),
            ("Search", &mut history.text, "trigger or pipeline", 130.0),
        ] {
            let caption = ui.label(label);
            ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(width),
            )
            .labelled_by(caption.id);
        }
        for (label, text) in [("From", &mut history.from), ("Until", &mut history.until)] {
            let caption = ui.label(label);
            let bad = HistoryView::bad_date(text);
            let response = ui
                .add(
                    egui::TextEdit::singleline(text)
                        .hint_text("YYYY-MM-DD")
                        .desired_width(82.0)
                        .text_color_opt(bad.then_some(theme::ERROR)),
                )
                .labelled_by(caption.id);
            if bad {
                response.on_hover_text("Write the day as YYYY-MM-DD");
            }
        }
    });
    if let Some(page) = &data.history {
        let all: usize = page.counts.iter().map(|(_, n)| n).sum();
        let failed = count_of(ExecutionStatus::Failed);
        let mut summary = format!(
            "{} execution{}",
            thousands(all),
            if all == 1 { "" } else { "s" }
        );
        if failed > 0 {
            summary.push_str(&format!(", {} failed", thousands(failed)));
        }
        if page.total != all {
            summary.push_str(&format!(
                " · {} shown by the filters",
                thousands(page.total)
            ));
        }
        ui.label(egui::RichText::new(summary).color(theme::TEXT_WEAK));
    }
}

fn table(ui: &mut Ui, data: &RunData, view: &mut RunView, commands: &mut Commands) {
    let Some(page) = &data.history else { return };
    let offset = page.query.page.offset;
    let shown = view.shown.clone();
    let now = now_ms();
    let mut visible: Option<(usize, usize)> = None;
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
            body.rows(ROW_HEIGHT, page.total, |mut row| {
                let index = row.index();
                visible =
                    Some(visible.map_or((index, index), |(a, b)| (a.min(index), b.max(index))));
                let entry = index.checked_sub(offset).and_then(|i| page.entries.get(i));
                let Some(HistoryEntry {
                    execution,
                    revision,
                    decisions,
                }) = entry
                else {
                    row.col(|ui| {
                        ui.label(egui::RichText::new("…").color(theme::TEXT_WEAK));
                    });
                    return;
                };
                let selected = shown.as_deref() == Some(execution.id.as_str());
                row.set_selected(selected);
                let (color, status) = execution_look(execution.status, now);
                row.col(|ui| {
                    ui.label(egui::RichText::new(status).color(color));
                });
                let mut picked = false;
                row.col(|ui| {
                    // A real button, so keyboards, screen readers and tests reach the row.
                    let id = egui::RichText::new(execution.id.short()).monospace();
                    picked = ui
                        .add(egui::Button::selectable(selected, id))
                        .on_hover_text("Show this execution")
                        .clicked();
                });
                row.col(|ui| {
                    ui.label(&execution.trigger.detail);
                });
                row.col(|ui| {
                    ui.label(revision.as_ref().map_or_else(
                        || "-".to_string(),
                        |r| format!("{} {}", r.commit, r.message),
                    ));
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
                    ui.label(decisions_text(decisions));
                });
                if picked || row.response().clicked() {
                    commands.push(AppCommand::ShowExecution(execution.id.clone()));
                }
            });
        });
    view.history.visible = visible;
}

#[cfg(test)]
mod tests {
    use super::{human_bytes, thousands};

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(human_bytes(0), "0 bytes");
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(1_500), "1.5 kB");
        assert_eq!(human_bytes(15_000_000), "15.0 MB");
    }

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_305), "10,305");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
