//! The app's trigger watcher and its top-bar menu: whether triggers are active, each
//! pipeline's triggers with their state, a pause switch per pipeline, and what fired lately.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::Local;
use egui::Ui;

use crate::engine::Commander;
use crate::ui::theme;
use crate::watch::{TriggerStatus, WatchOptions, Watcher};

/// Lines of recent trigger activity kept for the menu.
const RECENT: usize = 8;

/// The watcher of the open workspace, and what it reported lately.
pub struct Triggers {
    watcher: Watcher,
    recent: Arc<Mutex<VecDeque<String>>>,
}

impl Triggers {
    /// Starts watching `workspace`, starting executions through `commander`; `wake`
    /// repaints.
    pub fn start(
        workspace: &Path,
        commander: Commander,
        options: WatchOptions,
        wake: impl Fn() + Send + 'static,
    ) -> std::io::Result<Self> {
        let recent: Arc<Mutex<VecDeque<String>>> = Arc::default();
        let lines = recent.clone();
        let watcher = Watcher::start(
            workspace,
            options,
            Box::new(move |request| commander.start(request)),
            Box::new(move |note| {
                if let Ok(mut lines) = lines.lock() {
                    lines.push_front(format!("{} {note}", Local::now().format("%H:%M:%S")));
                    lines.truncate(RECENT);
                }
                wake();
            }),
        )?;
        Ok(Self { watcher, recent })
    }

    /// Pauses or resumes one pipeline's triggers.
    pub fn set_paused(&self, pipeline: &str, paused: bool) {
        self.watcher.set_paused(pipeline, paused);
    }

    /// Whether one pipeline's triggers are paused.
    pub fn is_paused(&self, pipeline: &str) -> bool {
        self.watcher.is_paused(pipeline)
    }

    /// Every trigger and how it is doing.
    pub fn statuses(&self) -> Vec<TriggerStatus> {
        self.watcher.statuses()
    }

    /// The top-bar button and its menu.
    pub fn menu(&self, ui: &mut Ui) {
        let statuses = self.statuses();
        let mut by_pipeline: BTreeMap<String, Vec<TriggerStatus>> = BTreeMap::new();
        for status in statuses {
            by_pipeline
                .entry(status.pipeline.clone())
                .or_default()
                .push(status);
        }
        let active = by_pipeline
            .keys()
            .filter(|pipeline| !self.is_paused(pipeline))
            .count();
        let failing = by_pipeline
            .values()
            .flatten()
            .any(|status| status.problem.is_some());
        let label = match (by_pipeline.len(), active) {
            (0, _) => "⚡ No triggers".to_string(),
            (_, 0) => "⏸ Triggers paused".to_string(),
            (_, active) => format!("⚡ Triggers: {active} active"),
        };
        let text = egui::RichText::new(label).color(if failing {
            theme::WARNING
        } else if active > 0 {
            theme::ACCENT
        } else {
            theme::TEXT_WEAK
        });
        ui.menu_button(text, |ui| {
            if by_pipeline.is_empty() {
                ui.label("No pipeline in this workspace has triggers.");
                ui.label(
                    egui::RichText::new("Add them in the pipeline's inspector.")
                        .small()
                        .color(theme::TEXT_WEAK),
                );
            }
            for (pipeline, statuses) in &by_pipeline {
                let mut paused = self.is_paused(pipeline);
                if ui
                    .checkbox(&mut paused, format!("Pause {pipeline}"))
                    .changed()
                {
                    self.set_paused(pipeline, paused);
                }
                for status in statuses {
                    trigger_line(ui, status);
                }
                ui.separator();
            }
            let recent = self.recent.lock().map(|r| r.clone()).unwrap_or_default();
            if !recent.is_empty() {
                ui.label(egui::RichText::new("Recent").strong());
                for line in recent {
                    ui.label(egui::RichText::new(line).small());
                }
            }
        });
    }
}

fn trigger_line(ui: &mut Ui, status: &TriggerStatus) {
    ui.horizontal(|ui| {
        ui.add_space(18.0);
        ui.vertical(|ui| {
            ui.label(&status.summary);
            if let Some(problem) = &status.problem {
                ui.label(
                    egui::RichText::new(format!("⚠ {problem}"))
                        .small()
                        .color(theme::WARNING),
                );
            }
            if let Some(next) = status.next_fire {
                ui.label(
                    egui::RichText::new(format!(
                        "next {}",
                        next.with_timezone(&Local).format("%a %H:%M")
                    ))
                    .small()
                    .color(theme::TEXT_WEAK),
                );
            }
            if let Some(fired) = &status.last_fired {
                ui.label(
                    egui::RichText::new(format!("last: {fired}"))
                        .small()
                        .color(theme::TEXT_WEAK),
                );
            }
        });
    });
}
