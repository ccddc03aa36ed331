//! The Tests tab: the JUnit reports of the shown execution, with totals and the failed
//! cases first, each with its message.

use egui::Ui;

use super::{RunTab, TabId, nothing_shown};
use crate::clock::format_duration_ms;
use crate::execution::{AttemptKey, CaseOutcome, ExecutionSnapshot, TestReport, Totals};
use crate::model::status::ActionStatus;
use crate::ui::command::Commands;
use crate::ui::run::data::RunData;
use crate::ui::run::reader::Query;
use crate::ui::run::view::RunView;
use crate::ui::theme;

/// The tab's name.
pub const ID: TabId = TabId("Tests");

/// The Tests tab.
pub struct Tests;

/// Reports change only when an attempt finishes.
fn finished_attempts(execution: &ExecutionSnapshot) -> usize {
    execution
        .attempts
        .values()
        .filter(|a| a.status != ActionStatus::InProgress)
        .count()
}

impl RunTab for Tests {
    fn id(&self) -> TabId {
        ID
    }

    fn wants(&self, data: &RunData, view: &RunView, visible: bool) -> Option<Query> {
        if !visible {
            return None;
        }
        let execution = data.execution(view.shown.as_deref()?)?;
        let fresh = data.reports.as_ref().is_some_and(|r| {
            r.execution == execution.id && r.finished_attempts == finished_attempts(execution)
        });
        (!fresh).then(|| Query::Reports {
            execution: execution.id.clone(),
            as_of: finished_attempts(execution),
        })
    }

    fn show(&self, ui: &mut Ui, data: &RunData, view: &mut RunView, _commands: &mut Commands) {
        let Some(shown) = view.shown.as_deref() else {
            nothing_shown(ui);
            return;
        };
        match data.reports.as_ref().filter(|r| r.execution == shown) {
            Some(reports) => show_reports(ui, &reports.reports),
            None => {
                ui.label(egui::RichText::new("Reading the test reports…").color(theme::TEXT_WEAK));
            }
        }
    }
}

fn show_reports(ui: &mut Ui, reports: &[(AttemptKey, TestReport)]) {
    if reports.is_empty() {
        ui.label(egui::RichText::new("No test reports in this execution. Commands actions list report files under reports.").color(theme::TEXT_WEAK));
        return;
    }
    let mut all = Totals::default();
    for (_, report) in reports {
        let totals = report.totals();
        all.tests += totals.tests;
        all.passed += totals.passed;
        all.failures += totals.failures;
        all.errors += totals.errors;
        all.skipped += totals.skipped;
        all.duration_ms += totals.duration_ms;
    }
    let color = if all.failures + all.errors > 0 {
        theme::ERROR
    } else {
        theme::SUCCESS
    };
    ui.label(
        egui::RichText::new(format!(
            "{} tests: {} passed, {} failed, {} errors, {} skipped ({})",
            all.tests,
            all.passed,
            all.failures,
            all.errors,
            all.skipped,
            format_duration_ms(all.duration_ms)
        ))
        .strong()
        .color(color),
    );
    egui::ScrollArea::vertical()
        .id_salt("tests")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (key, report) in reports {
                ui.label(
                    egui::RichText::new(format!("{key} · {}", report.file)).color(theme::TEXT_WEAK),
                );
                let mut cases: Vec<_> = report.cases().collect();
                cases.sort_by_key(|(_, case)| match case.outcome {
                    CaseOutcome::Failed { .. } | CaseOutcome::Errored { .. } => 0,
                    CaseOutcome::Skipped { .. } => 2,
                    CaseOutcome::Passed => 3,
                });
                for (suite, case) in cases {
                    let name = format!(
                        "{} › {}",
                        case.classname.as_deref().unwrap_or(&suite.name),
                        case.name
                    );
                    match &case.outcome {
                        CaseOutcome::Failed { message, details }
                        | CaseOutcome::Errored { message, details } => {
                            egui::CollapsingHeader::new(
                                egui::RichText::new(format!("❌ {name}: {message}"))
                                    .color(theme::ERROR),
                            )
                            .id_salt((&key.stage, &key.action, &report.file, &case.name))
                            .show(ui, |ui| {
                                ui.monospace(if details.is_empty() { message } else { details });
                            });
                        }
                        CaseOutcome::Skipped { message } => {
                            ui.label(
                                egui::RichText::new(format!("⏭ {name}: {message}"))
                                    .color(theme::TEXT_WEAK),
                            );
                        }
                        CaseOutcome::Passed => {
                            ui.label(
                                egui::RichText::new(format!(
                                    "✔ {name}  ({})",
                                    format_duration_ms(case.duration_ms)
                                ))
                                .color(theme::SUCCESS),
                            );
                        }
                    }
                }
                ui.separator();
            }
        });
}
