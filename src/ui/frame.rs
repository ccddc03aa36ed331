//! One frame of the app: keyboard shortcuts, the top bar, the side panels, the canvas and
//! the dialog on top.

use egui::{Key, KeyboardShortcut, Modifiers, Ui};

use super::app::{FolderTarget, Mode, PipewrightApp};
use super::dialogs::{self, Then};
use super::editor::canvas::Overlay;
use super::editor::canvas::Selection;
use super::editor::state::Request;
use super::editor::{inspector, outline, palette};
use super::theme;
use super::workspace_panel;

const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
const DUPLICATE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::D);
const DELETE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Delete);
const RUN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);

impl eframe::App for PipewrightApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.housekeeping(ctx);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Quitting stops running executions and kills their processes.
        if let Some(run) = &mut self.run {
            run.shutdown();
        }
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.shortcuts(ui);
        egui::Panel::top("top-bar").show(ui, |ui| self.top_bar(ui));
        egui::Panel::left("left")
            .resizable(true)
            .default_size(200.0)
            .size_range(160.0..=420.0)
            .show(ui, |ui| {
                self.left_panel(ui);
            });
        if self.editor.is_some() {
            egui::Panel::right("inspector")
                .resizable(true)
                .default_size(340.0)
                .size_range(260.0..=600.0)
                .show(ui, |ui| match self.mode {
                    Mode::Edit => self.inspector(ui),
                    Mode::Run => self.run_details(ui),
                });
            egui::Panel::bottom("bottom")
                .resizable(true)
                .default_size(300.0)
                .size_range(80.0..=700.0)
                .show(ui, |ui| {
                    // Keep the height the user chose even when a tab has little to show.
                    ui.set_min_height(ui.max_rect().height());
                    self.bottom_tabs(ui);
                });
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(theme::CANVAS))
            .show(ui, |ui| match self.mode {
                Mode::Edit => self.center(ui),
                Mode::Run => self.run_center(ui),
            });
        self.run_dialog(&ui.ctx().clone());
        if let Some(dialog) = &mut self.dialog
            && let Some(answer) = dialogs::show(ui.ctx(), dialog)
        {
            self.answer(&ui.ctx().clone(), answer);
        }
    }
}

impl PipewrightApp {
    fn shortcuts(&mut self, ui: &mut Ui) {
        if self.dialog.is_some() || self.run_dialog.is_some() {
            return;
        }
        if ui.input_mut(|i| i.consume_shortcut(&RUN)) {
            self.open_run_dialog();
        }
        let typing = ui.ctx().egui_wants_keyboard_input();
        let (save_as, save) =
            ui.input_mut(|i| (i.consume_shortcut(&SAVE_AS), i.consume_shortcut(&SAVE)));
        if save_as {
            self.save_as(&ui.ctx().clone());
        } else if save {
            self.save();
        }
        if typing {
            return;
        }
        let (redo, undo, redo_y, duplicate, delete) = ui.input_mut(|i| {
            (
                i.consume_shortcut(&REDO),
                i.consume_shortcut(&UNDO),
                i.consume_shortcut(&REDO_Y),
                i.consume_shortcut(&DUPLICATE),
                i.consume_shortcut(&DELETE),
            )
        });
        let mut request = None;
        if let Some(editor) = &mut self.editor {
            if redo || redo_y {
                editor.redo();
            } else if undo {
                editor.undo();
            }
            if duplicate {
                editor.duplicate_selected();
            }
            if delete {
                request = editor.delete_selected();
            }
        }
        if let Some(request) = request {
            self.request(ui.ctx(), request);
        }
    }

    fn request(&mut self, ctx: &egui::Context, request: Request) {
        match request {
            Request::ConfirmRemoveStage(stage) => {
                let name = self
                    .editor
                    .as_ref()
                    .and_then(|e| e.pipeline().stages.get(stage))
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                self.dialog = Some(dialogs::Dialog::RemoveStage(stage, name));
            }
            Request::PickFolder(field) => {
                let start = self
                    .workspace_root()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default();
                self.folder_request = Some((
                    self.dialogs.pick_folder(ctx, &start),
                    FolderTarget::Field(field),
                ));
            }
            Request::Transition(_) => {}
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for (template, label) in crate::model::templates::Template::ALL {
                    if ui.button(format!("New: {label}")).clicked() {
                        self.leave(&ctx, Then::New(template));
                        ui.close();
                    }
                }
                if ui.button("Open folder…").clicked() {
                    self.workspace_action(&ctx, workspace_panel::WorkspaceAction::OpenFolder);
                    ui.close();
                }
                ui.separator();
                let open = self.editor.is_some();
                if ui
                    .add_enabled(
                        open,
                        egui::Button::new("Save").shortcut_text(ctx.format_shortcut(&SAVE)),
                    )
                    .clicked()
                {
                    self.save();
                    ui.close();
                }
                if ui
                    .add_enabled(
                        open,
                        egui::Button::new("Save as…").shortcut_text(ctx.format_shortcut(&SAVE_AS)),
                    )
                    .clicked()
                {
                    self.save_as(&ctx);
                    ui.close();
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    self.leave(&ctx, Then::Quit);
                    ui.close();
                }
            });
            ui.menu_button("Edit", |ui| {
                let Some(editor) = &mut self.editor else {
                    ui.label("No pipeline open");
                    return;
                };
                if ui
                    .add_enabled(
                        editor.document.can_undo(),
                        egui::Button::new("Undo").shortcut_text(ctx.format_shortcut(&UNDO)),
                    )
                    .clicked()
                {
                    editor.undo();
                    ui.close();
                }
                if ui
                    .add_enabled(
                        editor.document.can_redo(),
                        egui::Button::new("Redo").shortcut_text(ctx.format_shortcut(&REDO)),
                    )
                    .clicked()
                {
                    editor.redo();
                    ui.close();
                }
                ui.separator();
                if ui.button("Duplicate").clicked() {
                    editor.duplicate_selected();
                    ui.close();
                }
                if ui.button("Delete").clicked() {
                    let request = editor.delete_selected();
                    ui.close();
                    if let Some(request) = request {
                        self.request(&ctx, request);
                    }
                }
            });
            ui.separator();
            self.run_controls(ui);
            if let Some(triggers) = self.run.as_ref().and_then(|r| r.triggers.as_ref()) {
                triggers.menu(ui);
            }
            ui.separator();
            let workspace = self
                .workspace
                .as_ref()
                .map(|w| w.name())
                .unwrap_or_else(|| "no workspace".into());
            ui.label(egui::RichText::new(format!("📁 {workspace}")).color(theme::TEXT_WEAK));
            if let Some(editor) = &mut self.editor {
                ui.label("▸");
                let dirty = editor.document.is_dirty();
                ui.label(
                    egui::RichText::new(crate::model::workspace::stem(editor.document.path()))
                        .strong(),
                );
                if dirty {
                    ui.label(egui::RichText::new("●").color(theme::WARNING))
                        .on_hover_text("Unsaved changes");
                }
                ui.separator();
                if ui
                    .add_enabled(dirty, egui::Button::new("💾 Save"))
                    .on_hover_text("Save (Ctrl+S)")
                    .clicked()
                {
                    self.save();
                }
                let Some(editor) = &mut self.editor else {
                    return;
                };
                if ui
                    .add_enabled(editor.document.can_undo(), egui::Button::new("↶"))
                    .on_hover_text("Undo (Ctrl+Z)")
                    .clicked()
                {
                    editor.undo();
                }
                if ui
                    .add_enabled(editor.document.can_redo(), egui::Button::new("↷"))
                    .on_hover_text("Redo (Ctrl+Shift+Z)")
                    .clicked()
                {
                    editor.redo();
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let editor_note = self
                    .editor
                    .as_ref()
                    .and_then(|e| e.message.clone())
                    .map(|n| (n.text, n.refused));
                let message =
                    editor_note.or_else(|| self.status.as_ref().map(|s| (s.text.clone(), s.error)));
                if let Some((text, error)) = message {
                    let color = if error {
                        theme::ERROR
                    } else {
                        theme::TEXT_WEAK
                    };
                    ui.label(egui::RichText::new(text).color(color));
                }
            });
        });
    }

    fn left_panel(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if let Some(workspace) = &self.workspace {
            let open = self
                .editor
                .as_ref()
                .map(|e| e.document.path().to_path_buf());
            let dirty = self.editor.as_ref().is_some_and(|e| e.document.is_dirty());
            if let Some(action) = workspace_panel::show(ui, workspace, open.as_deref(), dirty) {
                self.workspace_action(&ctx, action);
            }
        }
        let Some(editor) = &mut self.editor else {
            return;
        };
        ui.separator();
        ui.label(egui::RichText::new("Outline").strong());
        if self.mode == Mode::Run {
            // In the run view the outline follows the shown execution's definition and
            // selects on the run canvas.
            let shown = self
                .run
                .as_ref()
                .and_then(|r| r.shown())
                .and_then(|v| v.definition.clone());
            let pipeline = shown.unwrap_or_else(|| std::sync::Arc::new(editor.pipeline().clone()));
            let selection = self
                .run
                .as_ref()
                .map_or(Selection::Pipeline, |r| r.selection);
            let actions = egui::ScrollArea::vertical()
                .id_salt("outline")
                .show(ui, |ui| outline::show(ui, &pipeline, selection))
                .inner;
            self.select_in_run(&actions);
            return;
        }
        let actions = egui::ScrollArea::vertical()
            .id_salt("outline")
            .show(ui, |ui| {
                outline::show(ui, editor.pipeline(), editor.selection)
            })
            .inner;
        let mut request = None;
        for action in actions {
            request = request.or(editor.apply_outline(action));
        }
        if let Some(request) = request {
            self.request(&ctx, request);
        }
    }

    fn inspector(&mut self, ui: &mut Ui) {
        let Some(editor) = &mut self.editor else {
            return;
        };
        let focused = ui.ctx().memory(|m| m.focused()).map(|id| format!("{id:?}"));
        if focused.is_none() {
            editor.document.end_group();
        }
        let actions = inspector::show(
            ui,
            editor.pipeline(),
            editor.document.problems(),
            editor.selection,
        );
        let mut request = None;
        for action in actions {
            request = request.or(editor.apply_inspector(action, focused.as_deref()));
        }
        if let Some(request) = request {
            self.request(&ui.ctx().clone(), request);
        }
    }

    fn center(&mut self, ui: &mut Ui) {
        let Some(editor) = &mut self.editor else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    egui::RichText::new("Open a pipeline on the left, or create one with ➕ New")
                        .color(theme::TEXT_WEAK),
                );
            });
            return;
        };
        egui::Frame::NONE
            .inner_margin(egui::Margin::symmetric(8, 6))
            .fill(theme::LANE_HEADER)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    if let Some(item) = palette::show(ui) {
                        editor.add_to_selection(item);
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .button("Fit")
                            .on_hover_text("Fit the whole pipeline into view")
                            .clicked()
                        {
                            editor.canvas.request_fit();
                        }
                        if ui.small_button("➕").on_hover_text("Zoom in").clicked() {
                            editor.canvas.set_zoom(editor.canvas.zoom() * 1.25);
                        }
                        ui.label(format!("{:.0}%", editor.canvas.zoom() * 100.0));
                        if ui.small_button("➖").on_hover_text("Zoom out").clicked() {
                            editor.canvas.set_zoom(editor.canvas.zoom() / 1.25);
                        }
                    });
                });
            });
        let overlay = Overlay::default();
        let actions = editor.canvas.show(
            ui,
            editor.document.pipeline(),
            editor.document.problems(),
            editor.document.revision(),
            editor.selection,
            &overlay,
        );
        let mut request = None;
        for action in actions {
            request = request.or(editor.apply_canvas(action));
        }
        if let Some(request) = request {
            self.request(&ui.ctx().clone(), request);
        }
    }
}
