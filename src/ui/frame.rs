//! One frame of the app: keyboard shortcuts, the top bar, the side panels, the canvas and
//! the dialog on top. Everything here reads the state and pushes commands.

use egui::{Key, KeyboardShortcut, Modifiers, Ui};

use super::app::{Mode, PipewrightApp};
use super::command::AppCommand;
use super::dialogs;
use super::editor::canvas::{CanvasMode, Overlay};
use super::editor::{inspector, outline, palette};
use super::theme;
use super::workspace_panel;
use crate::model::aws::export::Format;

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
        self.handle_commands(ctx);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Quitting stops running executions and kills their processes.
        if let Some(run) = &mut self.run {
            run.services.shutdown();
        }
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.shortcuts(ui);
        egui::Panel::top("top-bar").show(ui, |ui| self.top_bar(ui));
        // Panel sizes start from the settings and are noted back there (view state).
        let sizes = self.state.settings.panels;
        let left = egui::Panel::left("left")
            .resizable(true)
            .default_size(sizes.left)
            .size_range(160.0..=420.0)
            .show(ui, |ui| {
                self.left_panel(ui);
            });
        self.state.settings.panels.left = left.response.rect.width();
        if self.state.editor.is_some() {
            let right = egui::Panel::right("inspector")
                .resizable(true)
                .default_size(sizes.right)
                .size_range(260.0..=600.0)
                .show(ui, |ui| match self.state.mode {
                    Mode::Edit => self.inspector(ui),
                    Mode::Run => self.run_details(ui),
                });
            let bottom = egui::Panel::bottom("bottom")
                .resizable(true)
                .default_size(sizes.bottom)
                .size_range(80.0..=700.0)
                .show(ui, |ui| {
                    // Keep the height the user chose even when a tab has little to show.
                    ui.set_min_height(ui.max_rect().height());
                    self.bottom_tabs(ui);
                });
            self.state.settings.panels.right = right.response.rect.width();
            self.state.settings.panels.bottom = bottom.response.rect.height();
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(theme::CANVAS))
            .show(ui, |ui| match self.state.mode {
                Mode::Edit => self.center(ui),
                Mode::Run => self.run_center(ui),
            });
        // What the panels asked for is carried out before the dialog is drawn, so a dialog a
        // click opens shows in the same frame.
        let ctx = ui.ctx().clone();
        self.handle_commands(&ctx);
        if let Some(dialog) = &mut self.state.dialog {
            dialogs::show(&ctx, dialog, &mut self.commands);
        }
        self.handle_commands(&ctx);
    }
}

impl PipewrightApp {
    fn shortcuts(&mut self, ui: &mut Ui) {
        if self.state.dialog.is_some() {
            return;
        }
        let commands = &mut self.commands;
        if ui.input_mut(|i| i.consume_shortcut(&RUN)) {
            commands.push(AppCommand::OpenRunDialog);
        }
        let typing = ui.ctx().egui_wants_keyboard_input();
        let (save_as, save) =
            ui.input_mut(|i| (i.consume_shortcut(&SAVE_AS), i.consume_shortcut(&SAVE)));
        if save_as {
            commands.push(AppCommand::SaveAs);
        } else if save {
            commands.push(AppCommand::Save);
        }
        if typing || self.state.mode != Mode::Edit {
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
        if redo || redo_y {
            commands.push(AppCommand::Redo);
        } else if undo {
            commands.push(AppCommand::Undo);
        }
        if duplicate {
            commands.push(AppCommand::DuplicateSelected);
        }
        if delete {
            commands.push(AppCommand::DeleteSelected);
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            self.file_menu(ui, &ctx);
            self.edit_menu(ui, &ctx);
            ui.separator();
            self.run_controls(ui);
            if let Some(triggers) = self.triggers() {
                triggers.menu(ui);
            }
            ui.separator();
            self.document_controls(ui);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(notice) = &self.state.status {
                    let color = if notice.error {
                        theme::ERROR
                    } else {
                        theme::TEXT_WEAK
                    };
                    ui.label(egui::RichText::new(&notice.text).color(color));
                }
            });
        });
    }

    fn file_menu(&mut self, ui: &mut Ui, ctx: &egui::Context) {
        let open = self.state.editor.is_some();
        let workspace_open = self.state.workspace.is_some();
        let commands = &mut self.commands;
        ui.menu_button("File", |ui| {
            for (template, label) in crate::model::templates::Template::ALL {
                if ui.button(format!("New: {label}")).clicked() {
                    commands.push(AppCommand::NewPipeline(template));
                    ui.close();
                }
            }
            if ui.button("Open folder…").clicked() {
                commands.push(AppCommand::PickWorkspace);
                ui.close();
            }
            ui.separator();
            if ui
                .add_enabled(workspace_open, egui::Button::new("Import…"))
                .on_hover_text("Import an AWS CodePipeline (get-pipeline JSON or CloudFormation) into this folder")
                .clicked()
            {
                commands.push(AppCommand::PickImport);
                ui.close();
            }
            ui.add_enabled_ui(open, |ui| {
                ui.menu_button("Export…", |ui| {
                    if ui.button("CodePipeline JSON…").clicked() {
                        commands.push(AppCommand::PickExport(Format::CodePipelineJson));
                        ui.close();
                    }
                    if ui.button("CloudFormation template…").clicked() {
                        commands.push(AppCommand::PickExport(Format::CloudFormation));
                        ui.close();
                    }
                });
            });
            ui.separator();
            let save = egui::Button::new("Save").shortcut_text(ctx.format_shortcut(&SAVE));
            if ui.add_enabled(open, save).clicked() {
                commands.push(AppCommand::Save);
                ui.close();
            }
            let save_as =
                egui::Button::new("Save as…").shortcut_text(ctx.format_shortcut(&SAVE_AS));
            if ui.add_enabled(open, save_as).clicked() {
                commands.push(AppCommand::SaveAs);
                ui.close();
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                commands.push(AppCommand::Quit);
                ui.close();
            }
        });
    }

    fn edit_menu(&mut self, ui: &mut Ui, ctx: &egui::Context) {
        let editing = self.state.mode == Mode::Edit;
        let editor = self.state.editor.as_ref();
        let commands = &mut self.commands;
        ui.menu_button("Edit", |ui| {
            let Some(editor) = editor else {
                ui.label("No pipeline open");
                return;
            };
            let items = [
                (
                    "Undo",
                    Some(&UNDO),
                    editor.document.can_undo(),
                    AppCommand::Undo,
                ),
                (
                    "Redo",
                    Some(&REDO),
                    editor.document.can_redo(),
                    AppCommand::Redo,
                ),
                ("Duplicate", None, editing, AppCommand::DuplicateSelected),
                ("Delete", None, editing, AppCommand::DeleteSelected),
            ];
            for (index, (label, shortcut, enabled, command)) in items.into_iter().enumerate() {
                if index == 2 {
                    ui.separator();
                }
                let mut button = egui::Button::new(label);
                if let Some(shortcut) = shortcut {
                    button = button.shortcut_text(ctx.format_shortcut(shortcut));
                }
                if ui.add_enabled(enabled, button).clicked() {
                    commands.push(command);
                    ui.close();
                }
            }
        });
    }

    /// The workspace ▸ pipeline breadcrumb, Save, Undo and Redo.
    fn document_controls(&mut self, ui: &mut Ui) {
        let workspace = self
            .state
            .workspace
            .as_ref()
            .map(|w| w.name())
            .unwrap_or_else(|| "no workspace".into());
        ui.label(egui::RichText::new(format!("📁 {workspace}")).color(theme::TEXT_WEAK));
        let Some(editor) = &self.state.editor else {
            return;
        };
        ui.label("▸");
        let dirty = editor.document.is_dirty();
        ui.label(
            egui::RichText::new(crate::model::workspace::stem(editor.document.path())).strong(),
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
            self.commands.push(AppCommand::Save);
        }
        if ui
            .add_enabled(editor.document.can_undo(), egui::Button::new("↶"))
            .on_hover_text("Undo (Ctrl+Z)")
            .clicked()
        {
            self.commands.push(AppCommand::Undo);
        }
        if ui
            .add_enabled(editor.document.can_redo(), egui::Button::new("↷"))
            .on_hover_text("Redo (Ctrl+Shift+Z)")
            .clicked()
        {
            self.commands.push(AppCommand::Redo);
        }
    }

    fn left_panel(&mut self, ui: &mut Ui) {
        if let Some(workspace) = &self.state.workspace {
            let open = self
                .state
                .editor
                .as_ref()
                .map(|e| e.document.path().to_path_buf());
            workspace_panel::show(
                ui,
                workspace,
                open.as_deref(),
                self.dirty(),
                &mut self.commands,
            );
        }
        let Some(editor) = &self.state.editor else {
            return;
        };
        ui.separator();
        ui.label(egui::RichText::new("Outline").strong());
        let commands = &mut self.commands;
        if self.state.mode == Mode::Run {
            // In the run view the outline follows the shown execution's definition and
            // selects on the run canvas.
            let run = self.run.as_ref();
            let shown = run.and_then(|r| r.shown().and_then(|e| r.data.definition(e)));
            let pipeline = shown
                .cloned()
                .unwrap_or_else(|| std::sync::Arc::new(editor.pipeline().clone()));
            let selection = run.map_or(Default::default(), |r| r.view.selection);
            egui::ScrollArea::vertical()
                .id_salt("outline")
                .show(ui, |ui| {
                    outline::show(ui, &pipeline, selection, CanvasMode::Inspect, commands)
                });
            return;
        }
        egui::ScrollArea::vertical()
            .id_salt("outline")
            .show(ui, |ui| {
                outline::show(
                    ui,
                    editor.pipeline(),
                    editor.selection,
                    CanvasMode::Edit,
                    commands,
                )
            });
    }

    fn inspector(&mut self, ui: &mut Ui) {
        let Some(editor) = &self.state.editor else {
            return;
        };
        inspector::show(
            ui,
            editor.pipeline(),
            editor.document.problems(),
            editor.selection,
            &mut self.commands,
        );
    }

    fn center(&mut self, ui: &mut Ui) {
        let Some(editor) = &mut self.state.editor else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    egui::RichText::new("Open a pipeline on the left, or create one with ➕ New")
                        .color(theme::TEXT_WEAK),
                );
            });
            return;
        };
        let commands = &mut self.commands;
        egui::Frame::NONE
            .inner_margin(egui::Margin::symmetric(8, 6))
            .fill(theme::LANE_HEADER)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    palette::show(ui, commands);
                    // Zoom and fit are the canvas's own view state.
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
        editor.canvas.show(
            ui,
            editor.document.pipeline(),
            editor.document.problems(),
            editor.document.revision(),
            editor.selection,
            &Overlay::default(),
            commands,
        );
    }
}
