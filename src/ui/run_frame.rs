//! The run side of a frame: the top bar's Run, Stop and approvals, the Run dialog, the run
//! view's canvas with approval cards, its details panel, and the bottom tabs.

use egui::Ui;

use super::app::{BottomTab, Mode, PipewrightApp};
use super::dialogs::Dialog;
use super::editor::canvas::{CanvasAction, Selection};
use super::editor::problems;
use super::run::details::DetailsAction;
use super::run::dialog::{RunAnswer, RunDialog};
use super::run::{approval, details, history, overlay, tests_tab, timeline};
use super::theme;
use crate::clock::now_ms;
use crate::model::edit::ActionRef;

impl PipewrightApp {
    /// The run controls of the top bar.
    pub(super) fn run_controls(&mut self, ui: &mut Ui) {
        ui.selectable_value(&mut self.mode, Mode::Edit, "✏ Edit");
        ui.selectable_value(&mut self.mode, Mode::Run, "👁 Run view");
        ui.separator();
        let can_run = self.editor.is_some() && self.run.is_some();
        if ui
            .add_enabled(
                can_run,
                egui::Button::new("▶ Run").fill(theme::ACCENT.gamma_multiply(0.5)),
            )
            .on_hover_text("Start an execution (Ctrl+Enter)")
            .clicked()
        {
            self.open_run_dialog();
        }
        let live = self
            .run
            .as_ref()
            .and_then(|r| r.shown())
            .filter(|v| v.is_live())
            .map(|v| v.id.clone());
        if let Some(id) = live
            && self.mode == Mode::Run
            && ui
                .button("⏹ Stop")
                .on_hover_text("Stop the shown execution")
                .clicked()
        {
            self.dialog = Some(Dialog::Stop {
                execution: id,
                abandon: false,
                reason: String::new(),
            });
        }
        let waiting = self
            .run
            .as_ref()
            .map(|r| r.model.waiting_approvals())
            .unwrap_or_default();
        if let Some((execution, _, _)) = waiting.first().cloned() {
            let text = egui::RichText::new(format!("✋ {} waiting", waiting.len()))
                .color(theme::WARNING)
                .strong();
            if ui
                .button(text)
                .on_hover_text("Approvals waiting for you: show the first")
                .clicked()
                && let Some(run) = &mut self.run
            {
                run.show(&execution);
                self.mode = Mode::Run;
            }
        }
    }

    /// Opens the Run dialog for the open pipeline.
    pub(super) fn open_run_dialog(&mut self) {
        let Some(editor) = &self.editor else { return };
        let file = editor.document.path().to_path_buf();
        let remembered = self.settings.variables.get(&file);
        self.run_dialog = Some(RunDialog::new(
            file.clone(),
            editor.pipeline().clone(),
            editor.document.problems().to_vec(),
            remembered,
        ));
    }

    /// Shows the Run dialog and starts the execution it asks for.
    pub(super) fn run_dialog(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.run_dialog else {
            return;
        };
        let Some(answer) = dialog.show(ctx) else {
            return;
        };
        if let RunAnswer::Start(request) = answer {
            self.settings
                .variables
                .insert(dialog.file().clone(), dialog.values());
            if let Err(error) = self
                .settings
                .save(&super::settings::Settings::file(&self.data_dir))
            {
                eprintln!("pipewright: cannot save settings: {error}");
            }
            if let Some(run) = &mut self.run {
                run.run(*request);
                self.status = None;
                self.mode = Mode::Run;
            }
        }
        self.run_dialog = None;
    }

    /// The run view's canvas.
    pub(super) fn run_center(&mut self, ui: &mut Ui) {
        let (Some(run), Some(editor)) = (&mut self.run, &self.editor) else {
            return;
        };
        let pipeline_name = editor.pipeline().name.clone();
        run.show_latest(&pipeline_name);
        let now = now_ms();
        egui::Frame::NONE
            .inner_margin(egui::Margin::symmetric(8, 6))
            .fill(theme::LANE_HEADER)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    match run.shown() {
                        Some(view) => {
                            let (color, status) = overlay::execution_look(view.status, now);
                            ui.label(egui::RichText::new(status).color(color).strong());
                            ui.monospace(crate::execution::short_id(&view.id));
                            ui.label(
                                egui::RichText::new(&view.trigger.detail).color(theme::TEXT_WEAK),
                            );
                        }
                        None => {
                            ui.label(
                                egui::RichText::new("No runs of this pipeline yet: press ▶ Run")
                                    .color(theme::TEXT_WEAK),
                            );
                        }
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.button("Fit").clicked() {
                            run.canvas.request_fit();
                        }
                    });
                });
            });
        let super::run::state::RunState {
            model,
            canvas,
            selection,
            summaries,
            shown,
            ..
        } = run;
        let view = shown.as_ref().and_then(|id| model.executions.get(id));
        let (pipeline, overlay, revision) =
            match view.and_then(|v| v.definition.clone().map(|d| (v, d))) {
                Some((view, definition)) => {
                    let overlay = overlay::build(model, view, now);
                    let revision =
                        u64::from_str_radix(&view.id.replace('-', "")[..12.min(view.id.len())], 16)
                            .unwrap_or(1);
                    (definition, overlay, revision)
                }
                None => (
                    std::sync::Arc::new(editor.pipeline().clone()),
                    Default::default(),
                    u64::MAX,
                ),
            };
        let actions = canvas.show(ui, &pipeline, &[], revision, *selection, &overlay);
        let mut decisions = Vec::new();
        if let Some(view) = view {
            let find = |stage: &str, action: &str| {
                let s = pipeline.stages.iter().position(|x| x.name == stage)?;
                let a = pipeline.stages[s]
                    .actions
                    .iter()
                    .position(|x| x.name == action)?;
                canvas.card_screen_rect(ActionRef::new(s, a))
            };
            decisions = approval::show(ui, view, summaries, find);
            if view.is_live() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(150));
            }
        }
        let shown_id = shown.clone();
        let mut open_log = None;
        for action in actions {
            match action {
                CanvasAction::Select(selection_now) => {
                    *selection = selection_now;
                    if let Selection::Action(at) = selection_now
                        && let Some(stage) = pipeline.stages.get(at.stage)
                        && let Some(action) = stage.actions.get(at.action)
                    {
                        open_log = Some((stage.name.clone(), action.name.clone()));
                    }
                }
                CanvasAction::Transition(stage) => {
                    if let Some(stage) = pipeline.stages.get(stage) {
                        let enabled = !model
                            .disabled
                            .contains_key(&(pipeline.name.clone(), stage.name.clone()));
                        self.dialog = Some(Dialog::Transition {
                            pipeline: pipeline.name.clone(),
                            stage: stage.name.clone(),
                            enabled,
                            reason: String::new(),
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some((stage, action)) = open_log {
            run.open_log(&stage, &action);
            if self.bottom == BottomTab::Problems {
                self.bottom = BottomTab::Logs;
            }
        }
        if let Some(id) = shown_id {
            for decision in decisions {
                run.summaries.remove(&(
                    id.clone(),
                    decision.stage.clone(),
                    decision.action.clone(),
                ));
                run.decide(
                    &id,
                    &decision.stage,
                    &decision.action,
                    decision.approved,
                    decision.summary,
                );
            }
        }
    }

    /// Outline clicks in the run view: select on the run canvas, open an action's log.
    pub(super) fn select_in_run(&mut self, actions: &[super::editor::outline::OutlineAction]) {
        let Some(run) = &mut self.run else { return };
        for action in actions {
            if let super::editor::outline::OutlineAction::Select(selection) = action {
                run.selection = *selection;
                if let Selection::Action(at) = selection {
                    let names = run
                        .shown()
                        .and_then(|v| v.definition.as_ref())
                        .and_then(|p| p.stages.get(at.stage).map(|s| (s, at.action)))
                        .and_then(|(stage, a)| {
                            stage
                                .actions
                                .get(a)
                                .map(|action| (stage.name.clone(), action.name.clone()))
                        });
                    if let Some((stage, action)) = names {
                        run.open_log(&stage, &action);
                    }
                }
            }
        }
    }

    /// The run view's details panel.
    pub(super) fn run_details(&mut self, ui: &mut Ui) {
        let Some(run) = &mut self.run else { return };
        let Some(view) = run.shown() else {
            ui.label(egui::RichText::new("No execution shown.").color(theme::TEXT_WEAK));
            return;
        };
        let actions = details::show(ui, view, run.selection, run.workspace());
        let id = view.id.clone();
        for action in actions {
            match action {
                DetailsAction::Stop => {
                    self.dialog = Some(Dialog::Stop {
                        execution: id.clone(),
                        abandon: false,
                        reason: String::new(),
                    })
                }
                DetailsAction::Retry(stage) => {
                    self.dialog = Some(Dialog::Retry {
                        execution: id.clone(),
                        stage,
                        all: false,
                    })
                }
                DetailsAction::OpenFolder(folder) => {
                    if let Err(error) = self.dialogs.open_folder(&folder) {
                        self.status = Some(super::app::Status {
                            text: error,
                            error: true,
                        });
                    }
                }
                DetailsAction::ShowLog(stage, action) => {
                    run.open_log(&stage, &action);
                    self.bottom = BottomTab::Logs;
                }
            }
        }
    }

    /// The bottom panel: problems, logs, history, timeline, tests.
    pub(super) fn bottom_tabs(&mut self, ui: &mut Ui) {
        let problems_count = self
            .editor
            .as_ref()
            .map_or(0, |e| e.document.problems().len());
        ui.horizontal(|ui| {
            for (tab, label) in [
                (BottomTab::Problems, format!("Problems ({problems_count})")),
                (BottomTab::Logs, "Logs".to_string()),
                (BottomTab::History, "History".to_string()),
                (BottomTab::Timeline, "Timeline".to_string()),
                (BottomTab::Tests, "Tests".to_string()),
            ] {
                ui.selectable_value(&mut self.bottom, tab, label);
            }
        });
        ui.separator();
        match self.bottom {
            BottomTab::Problems => {
                if let Some(editor) = &mut self.editor
                    && let Some(selection) = problems::show(ui, editor.document.problems())
                {
                    editor.selection = selection;
                    self.mode = Mode::Edit;
                }
            }
            BottomTab::Logs => match self.run.as_mut().and_then(|r| r.logs.as_mut()) {
                Some(logs) => {
                    let ctx = ui.ctx().clone();
                    logs.show(ui, move || ctx.request_repaint());
                }
                None => {
                    ui.label(
                        egui::RichText::new("Select an action in the run view to see its log.")
                            .color(theme::TEXT_WEAK),
                    );
                }
            },
            BottomTab::History => {
                let (Some(run), Some(editor)) = (&mut self.run, &self.editor) else {
                    return;
                };
                run.refresh_history(&editor.pipeline().name);
                let shown = run.shown.clone();
                if let Some(id) = history::show(
                    ui,
                    &run.history,
                    &run.history_extras,
                    &mut run.history_filter,
                    shown.as_deref(),
                ) {
                    run.show(&id);
                    self.mode = Mode::Run;
                }
            }
            BottomTab::Timeline => match self.run.as_ref().and_then(|r| r.shown()) {
                Some(view) => timeline::show(ui, view),
                None => {
                    ui.label(egui::RichText::new("No execution shown.").color(theme::TEXT_WEAK));
                }
            },
            BottomTab::Tests => {
                let Some(run) = &mut self.run else { return };
                let reports = run.reports();
                tests_tab::show(ui, &reports);
            }
        }
    }
}
