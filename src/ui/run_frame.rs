//! The run side of a frame: the top bar's Run, Stop and approvals, the run view's canvas
//! (inspect mode: nothing edits) with approval cards and the "newer executions" control, its
//! details panel, and the bottom tabs (the editor's problems, then the run view's registry).

use std::sync::Arc;

use egui::Ui;

use super::app::{BottomTab, Mode, PipewrightApp};
use super::command::{AppCommand, Commands};
use super::editor::problems;
use super::run::data::RunData;
use super::run::engine_link::EngineState;
use super::run::view::RunView;
use super::run::{approval, details, overlay, tabs};
use super::theme;
use crate::clock::now_ms;
use crate::model::Pipeline;
use crate::model::edit::ActionRef;

impl PipewrightApp {
    /// The run controls of the top bar.
    pub(super) fn run_controls(&mut self, ui: &mut Ui) {
        let mode = self.state.mode;
        for (target, label) in [(Mode::Edit, "✏ Edit"), (Mode::Run, "👁 Run view")] {
            if ui.selectable_label(mode == target, label).clicked() && mode != target {
                self.commands.push(AppCommand::SetMode(target));
            }
        }
        ui.separator();
        let can_run = self.state.editor.is_some() && self.run.is_some();
        if ui
            .add_enabled(
                can_run,
                egui::Button::new("▶ Run").fill(theme::ACCENT.gamma_multiply(0.5)),
            )
            .on_hover_text("Start an execution (Ctrl+Enter)")
            .clicked()
        {
            self.commands.push(AppCommand::OpenRunDialog);
        }
        let Some(run) = &self.run else { return };
        if run.data.engine == EngineState::Starting {
            ui.label(egui::RichText::new("⏳ Starting the engine…").color(theme::TEXT_WEAK))
                .on_hover_text("Recovering what an earlier run left behind; Run waits for it");
        }
        if let Some(execution) = run.shown().filter(|e| e.is_live())
            && mode == Mode::Run
            && ui
                .button("⏹ Stop")
                .on_hover_text("Stop the shown execution")
                .clicked()
        {
            self.commands
                .push(AppCommand::AskStop(execution.id.clone()));
        }
        let waiting = run.data.waiting_approvals();
        if let Some((execution, _)) = waiting.first() {
            let text = egui::RichText::new(format!("✋ {} waiting", waiting.len()))
                .color(theme::WARNING)
                .strong();
            if ui
                .button(text)
                .on_hover_text("Approvals waiting for you: show the first")
                .clicked()
            {
                self.commands
                    .push(AppCommand::ShowExecution(execution.clone()));
            }
        }
    }

    /// The run view's canvas.
    pub(super) fn run_center(&mut self, ui: &mut Ui) {
        let (Some(run), Some(editor)) = (&mut self.run, &self.state.editor) else {
            return;
        };
        let fallback = Arc::new(editor.pipeline().clone());
        canvas(ui, &run.data, &mut run.view, &fallback, &mut self.commands);
    }

    /// The run view's details panel.
    pub(super) fn run_details(&mut self, ui: &mut Ui) {
        if let Some(run) = &mut self.run {
            details::show(ui, &run.data, &mut run.view, &mut self.commands);
        }
    }

    /// The bottom panel: problems, then the run view's tabs.
    pub(super) fn bottom_tabs(&mut self, ui: &mut Ui) {
        let problems_count = self
            .state
            .editor
            .as_ref()
            .map_or(0, |e| e.document.problems().len());
        let current = self.state.bottom;
        ui.horizontal(|ui| {
            let problems = (BottomTab::Problems, format!("Problems ({problems_count})"));
            let run_tabs = tabs::TABS
                .iter()
                .map(|tab| (BottomTab::Run(tab.id()), tab.id().0.to_string()));
            for (tab, label) in std::iter::once(problems).chain(run_tabs) {
                if ui.selectable_label(current == tab, label).clicked() && current != tab {
                    self.commands.push(AppCommand::ShowTab(tab));
                }
            }
        });
        ui.separator();
        match current {
            BottomTab::Problems => {
                if let Some(editor) = &self.state.editor {
                    problems::show(ui, editor.document.problems(), &mut self.commands);
                }
            }
            BottomTab::Run(id) => {
                if let (Some(run), Some(tab)) = (&mut self.run, tabs::tab(id)) {
                    tab.show(ui, &run.data, &mut run.view, &mut self.commands);
                }
            }
        }
    }
}

/// The header line (the shown execution, or how many newer ones there are), the canvas with
/// the execution's state over its definition, and approval cards.
fn canvas(
    ui: &mut Ui,
    data: &RunData,
    view: &mut RunView,
    fallback: &Arc<Pipeline>,
    commands: &mut Commands,
) {
    let now = now_ms();
    let execution = view.shown.as_deref().and_then(|id| data.execution(id));
    egui::Frame::NONE
        .inner_margin(egui::Margin::symmetric(8, 6))
        .fill(theme::LANE_HEADER)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                match (execution, &view.shown) {
                    (Some(execution), _) => {
                        let (color, status) = overlay::execution_look(execution.status, now);
                        ui.label(egui::RichText::new(status).color(color).strong());
                        ui.monospace(execution.id.short());
                        ui.label(
                            egui::RichText::new(&execution.trigger.detail).color(theme::TEXT_WEAK),
                        );
                    }
                    (None, Some(_)) => {
                        ui.label(
                            egui::RichText::new("Reading the execution…").color(theme::TEXT_WEAK),
                        );
                    }
                    (None, None) => {
                        ui.label(
                            egui::RichText::new("No runs of this pipeline yet: press ▶ Run")
                                .color(theme::TEXT_WEAK),
                        );
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Fit").clicked() {
                        view.canvas.request_fit();
                    }
                    if view.pinned && data.newer > 0 {
                        let text = format!(
                            "{} newer execution{} — show latest",
                            data.newer,
                            if data.newer == 1 { "" } else { "s" }
                        );
                        if ui
                            .button(egui::RichText::new(text).color(theme::ACCENT))
                            .on_hover_text("Show the newest execution and follow new ones")
                            .clicked()
                        {
                            commands.push(AppCommand::ShowLatest);
                        }
                    }
                });
            });
        });
    let definition = execution.and_then(|e| data.definition(e).map(|d| (e, d)));
    let (pipeline, overlay, revision) = match definition {
        Some((execution, definition)) => {
            let overlay = overlay::build(data, execution, definition, now);
            let revision = u64::from_str_radix(
                &execution.id.replace('-', "")[..12.min(execution.id.len())],
                16,
            )
            .unwrap_or(1);
            (definition.clone(), overlay, revision)
        }
        None => (fallback.clone(), Default::default(), u64::MAX),
    };
    view.canvas.show(
        ui,
        &pipeline,
        &[],
        revision,
        view.selection,
        &overlay,
        commands,
    );
    if let Some(execution) = execution {
        let canvas = &view.canvas;
        let find = |stage: &str, action: &str| {
            let s = pipeline.stages.iter().position(|x| x.name == stage)?;
            let a = pipeline.stages[s]
                .actions
                .iter()
                .position(|x| x.name == action)?;
            canvas.card_screen_rect(ActionRef::new(s, a))
        };
        approval::show(ui, execution, &mut view.summaries, find, commands);
        if execution.is_live() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(150));
        }
    }
}
