//! Carries out [`AppCommand`]s: the one `match` over everything the UI can ask for. Panels,
//! dialogs and background answers only push commands; this is where they act.

use super::app::{BottomTab, FolderTarget, Mode, PipewrightApp};
use super::command::{AppCommand, Notice};
use super::dialogs::Dialog;
use super::editor::canvas::Selection;
use super::run::dialog::RunDialog;
use super::run::reader::Query;
use super::run::tabs;
use super::settings::Settings;
use crate::engine::Command;
use crate::execution::ActionId;
use crate::model::workspace;

/// How many rounds of commands pushing commands are carried out in one go.
const MAX_ROUNDS: usize = 8;

impl PipewrightApp {
    /// Carries out every command waiting, including those the commands push.
    pub(super) fn handle_commands(&mut self, ctx: &egui::Context) {
        let mut handled = false;
        for _ in 0..MAX_ROUNDS {
            let commands = self.commands.take();
            if commands.is_empty() {
                break;
            }
            handled = true;
            for command in commands {
                self.handle(ctx, command);
            }
        }
        if handled {
            ctx.request_repaint();
        }
    }

    /// Carries out one command; a command that would drop unsaved edits asks first.
    fn handle(&mut self, ctx: &egui::Context, command: AppCommand) {
        if command.leaves_document() && self.dirty() {
            self.state.dialog = Some(Dialog::Unsaved(Box::new(command)));
        } else {
            self.carry_out(ctx, command);
        }
    }

    fn carry_out(&mut self, ctx: &egui::Context, command: AppCommand) {
        let focused = || ctx.memory(|m| m.focused()).map(|id| format!("{id:?}"));
        match command {
            // Workspace and files.
            AppCommand::OpenFile(file) => self.open_file(&file),
            AppCommand::PickWorkspace => self.pick_folder(ctx, FolderTarget::Workspace),
            AppCommand::OpenWorkspace(root) => self.open_workspace(ctx, &root, true),
            AppCommand::NewPipeline(template) => self.create(template),
            AppCommand::Quit => {
                self.state.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            AppCommand::SaveThen(then) => {
                if self.save() {
                    self.carry_out(ctx, *then);
                }
            }
            AppCommand::Discarding(then) => self.carry_out(ctx, *then),
            AppCommand::Save => {
                self.save();
            }
            AppCommand::SaveAs => self.ask_save_as(ctx),
            AppCommand::PickImport => self.ask_import(ctx),
            AppCommand::Import(file) => self.import_file(&file),
            AppCommand::PickExport(format) => self.ask_export(ctx, format),
            AppCommand::ExportTo {
                path,
                format,
                lossy,
            } => self.export_to(path, format, lossy),
            AppCommand::SaveTo(path) => self.save_to(path),
            AppCommand::AskRename(path) => {
                self.state.dialog = Some(Dialog::Rename {
                    name: workspace::stem(&path),
                    path,
                });
            }
            AppCommand::Rename { path, name } => self.rename(path, name),
            AppCommand::Duplicate(path) => match workspace::duplicate(&path) {
                Ok(copy) => {
                    self.rescan();
                    self.report(Notice::info(format!(
                        "Duplicated as {}",
                        workspace::stem(&copy)
                    )));
                }
                Err(error) => self.report(Notice::error(error.to_string())),
            },
            AppCommand::AskDelete(path) => self.state.dialog = Some(Dialog::Delete(path)),
            AppCommand::Delete(path) => self.delete(&path),
            AppCommand::Reload => {
                if let Some(editor) = &mut self.state.editor
                    && let Err(error) = editor.document.reload()
                {
                    self.report(Notice::error(format!("Cannot reload: {error}")));
                }
            }
            AppCommand::KeepEdits => {
                if let Some(editor) = &mut self.state.editor {
                    editor.document.keep_edits();
                }
            }

            // Editing.
            AppCommand::Undo => self.edit(|editor| editor.undo()),
            AppCommand::Redo => self.edit(|editor| editor.redo()),
            AppCommand::Select(selection) => self.edit(|editor| editor.select(selection)),
            AppCommand::AddAction { item, to } => self.edit(|editor| editor.add(item, to)),
            AppCommand::AddToSelection(item) => self.edit(|editor| editor.add_to_selection(item)),
            AppCommand::MoveAction { from, to } => self.edit(|editor| editor.move_action(from, to)),
            AppCommand::MoveActionToStage { from, stage } => {
                self.edit(|editor| editor.move_action_to_stage(from, stage))
            }
            AppCommand::Connect { from, to } => {
                let Some(editor) = &mut self.state.editor else {
                    return;
                };
                let notice = match editor.connect(from, to) {
                    Ok(artifact) => Notice::info(format!("Wired artifact {artifact}")),
                    Err(refusal) => Notice::error(format!("Not wired: {refusal}")),
                };
                self.report(notice);
            }
            AppCommand::DuplicateAction(at) => self.edit(|editor| editor.duplicate_action(at)),
            AppCommand::DuplicateSelected => self.edit(|editor| editor.duplicate_selected()),
            AppCommand::DeleteAction(at) => self.edit(|editor| editor.delete_action(at)),
            AppCommand::DeleteSelected => match self.state.editor.as_ref().map(|e| e.selection) {
                Some(Selection::Action(at)) => self.edit(|editor| editor.delete_action(at)),
                Some(Selection::Stage(stage)) => self.ask_remove_stage(stage),
                Some(Selection::Pipeline) | None => {}
            },
            AppCommand::AddStage(index) => self.edit(|editor| editor.add_stage(index)),
            AppCommand::AskRemoveStage(stage) => self.ask_remove_stage(stage),
            AppCommand::RemoveStage(stage) => self.edit(|editor| editor.remove_stage(stage)),
            AppCommand::MoveStage { from, to } => self.edit(|editor| editor.move_stage(from, to)),
            AppCommand::ShiftStage(stage, by) => self.edit(|editor| editor.shift_stage(stage, by)),
            AppCommand::SetPipeline(settings) => {
                let typing = focused();
                self.edit(|editor| editor.set_pipeline(*settings, typing.as_deref()));
            }
            AppCommand::RenameStage(stage, name) => {
                let typing = focused();
                self.edit(|editor| editor.rename_stage(stage, name, typing.as_deref()));
            }
            AppCommand::SetAction(at, action) => {
                let typing = focused();
                self.edit(|editor| editor.set_action(at, *action, typing.as_deref()));
            }
            AppCommand::PickFolder(field) => self.pick_folder(ctx, FolderTarget::Field(field)),
            AppCommand::SetFolder(field, folder) => {
                let root = self.workspace_root().map(std::path::Path::to_path_buf);
                if let (Some(editor), Some(root)) = (&mut self.state.editor, root) {
                    editor.set_folder(field, &folder, &root);
                }
            }
            AppCommand::ShowProblem(selection) => {
                self.edit(|editor| editor.select(selection));
                self.state.mode = Mode::Edit;
            }

            // Panels.
            AppCommand::CloseDialog => self.state.dialog = None,
            AppCommand::SetMode(mode) => self.state.mode = mode,
            AppCommand::ShowTab(tab) => self.state.bottom = tab,

            // Runs.
            AppCommand::OpenRunDialog => {
                if let Some(editor) = &self.state.editor {
                    let file = editor.document.path().to_path_buf();
                    let remembered = self.state.settings.variables.get(&file);
                    let dialog = RunDialog::new(
                        file.clone(),
                        editor.pipeline().clone(),
                        editor.document.problems().to_vec(),
                        remembered,
                    );
                    self.state.dialog = Some(Dialog::Run(Box::new(dialog)));
                }
            }
            AppCommand::Start { request, values } => {
                self.state
                    .settings
                    .variables
                    .insert(request.file.clone(), values);
                self.save_settings();
                self.state.status = None;
                self.state.mode = Mode::Run;
                self.send("Run", Command::Start(request));
            }
            AppCommand::Decide {
                execution,
                stage,
                action,
                approved,
                summary,
            } => {
                if let Some(run) = &mut self.run {
                    let approval = ActionId::new(&stage, &action);
                    run.view.summaries.remove(&(execution.clone(), approval));
                }
                let command = Command::Decide {
                    execution_id: execution,
                    stage,
                    action,
                    approved,
                    summary,
                };
                self.send(if approved { "Approve" } else { "Reject" }, command);
            }
            AppCommand::AskStop(execution) => {
                self.state.dialog = Some(Dialog::Stop {
                    execution,
                    abandon: false,
                    reason: String::new(),
                });
            }
            AppCommand::Stop {
                execution,
                mode,
                reason,
            } => {
                let command = Command::Stop {
                    execution_id: execution,
                    mode,
                    reason,
                };
                self.send("Stop", command);
            }
            AppCommand::AskRetry { execution, stage } => {
                self.state.dialog = Some(Dialog::Retry {
                    execution,
                    stage,
                    all: false,
                });
            }
            AppCommand::Retry {
                execution,
                stage,
                mode,
            } => {
                let command = Command::RetryStage {
                    execution_id: execution,
                    stage,
                    mode,
                };
                self.send("Retry stage", command);
            }
            AppCommand::AskTransition(stage) => self.ask_transition(stage),
            AppCommand::SetTransition {
                pipeline,
                stage,
                enabled,
                reason,
            } => {
                let what = if enabled {
                    "Enable transition"
                } else {
                    "Disable transition"
                };
                let command = Command::SetTransition {
                    pipeline,
                    stage,
                    enabled,
                    reason,
                };
                self.send(what, command);
            }
            AppCommand::ShowExecution(id) => {
                let Some(run) = &mut self.run else { return };
                run.view.show(&id);
                run.view.pinned = true;
                run.data.newer = 0;
                match run.data.execution(&id) {
                    Some(execution) => run.services.ask(Query::Newer {
                        pipeline: execution.pipeline.clone(),
                        after_ms: execution.started_ms,
                    }),
                    None => run.services.ask(Query::Execution(id)),
                };
                self.state.mode = Mode::Run;
            }
            AppCommand::ShowLatest => {
                let pipeline = self
                    .state
                    .editor
                    .as_ref()
                    .map(|e| e.pipeline().name.clone());
                if let (Some(run), Some(pipeline)) = (&mut self.run, pipeline) {
                    run.view.pinned = false;
                    run.data.newer = 0;
                    run.view.following = None;
                    run.services.ask(Query::Latest(pipeline));
                }
            }
            AppCommand::ShowStarted(id) => {
                if let Some(run) = &mut self.run {
                    run.view.pinned = false;
                    run.data.newer = 0;
                    run.view.show(&id);
                }
            }
            AppCommand::Follow { pipeline, id } => {
                let open = self
                    .state
                    .editor
                    .as_ref()
                    .map(|e| e.pipeline().name.as_str());
                let Some(run) = &mut self.run else { return };
                let shown_ended_or_elsewhere = run
                    .shown()
                    .is_none_or(|e| !e.is_live() || e.pipeline != pipeline);
                if open == Some(pipeline.as_str()) && !run.view.pinned && shown_ended_or_elsewhere {
                    run.view.show(&id);
                    if run.data.execution(&id).is_none() {
                        run.services.ask(Query::Execution(id));
                    }
                }
            }
            AppCommand::SelectInRun(selection) => {
                let Some(run) = &mut self.run else { return };
                run.view.selection = selection;
                if let Selection::Action(at) = selection
                    && run.open_log_at(at)
                    && self.state.bottom == BottomTab::Problems
                {
                    self.state.bottom = BottomTab::Run(tabs::logs::ID);
                }
            }
            AppCommand::ShowLog { stage, action } => {
                if let Some(run) = &mut self.run {
                    run.open_log(&ActionId::new(stage, action));
                    self.state.bottom = BottomTab::Run(tabs::logs::ID);
                }
            }
            AppCommand::OpenFolder(folder) => {
                if let Err(error) = self.services.dialogs.open_folder(&folder) {
                    self.report(Notice::error(format!(
                        "cannot open {} (xdg-open: {error})",
                        folder.display()
                    )));
                }
            }

            // The status line.
            AppCommand::Report(notice) => self.report(notice),
        }
    }

    /// Runs a change on the open editor, if any.
    fn edit(&mut self, change: impl FnOnce(&mut super::editor::state::Editor)) {
        if let Some(editor) = &mut self.state.editor {
            change(editor);
        }
    }

    fn ask_remove_stage(&mut self, stage: usize) {
        let name = self
            .state
            .editor
            .as_ref()
            .and_then(|e| e.pipeline().stages.get(stage))
            .map(|s| s.name.clone());
        if let Some(name) = name {
            self.state.dialog = Some(Dialog::RemoveStage(stage, name));
        }
    }

    /// Sends a command to the engine; says in the status line when it cannot.
    fn send(&mut self, what: &str, command: Command) {
        let Some(run) = &mut self.run else { return };
        if let Err(why) = run.services.send(what, command) {
            self.report(Notice::error(why));
        }
    }

    /// Asks whether to disable or enable the transition into a stage of the shown run.
    fn ask_transition(&mut self, stage: usize) {
        let (Some(run), Some(editor)) = (&self.run, &self.state.editor) else {
            return;
        };
        let shown = run.shown().and_then(|e| run.data.definition(e)).cloned();
        let pipeline = shown.unwrap_or_else(|| std::sync::Arc::new(editor.pipeline().clone()));
        let Some(stage) = pipeline.stages.get(stage) else {
            return;
        };
        let enabled = !run
            .data
            .disabled
            .contains_key(&(pipeline.name.clone(), stage.name.clone()));
        self.state.dialog = Some(Dialog::Transition {
            pipeline: pipeline.name.clone(),
            stage: stage.name.clone(),
            enabled,
            reason: String::new(),
        });
    }

    /// Writes the settings; says so in the status line when it cannot.
    pub(super) fn save_settings(&mut self) {
        if let Err(error) = self
            .state
            .settings
            .save(&Settings::file(&self.services.data_dir))
        {
            self.report(Notice::error(format!("Cannot save the settings: {error}")));
        }
    }
}

impl AppCommand {
    /// Whether carrying it out closes the open document (so unsaved edits are asked about).
    pub fn leaves_document(&self) -> bool {
        matches!(
            self,
            AppCommand::OpenFile(_)
                | AppCommand::Import(_)
                | AppCommand::OpenWorkspace(_)
                | AppCommand::NewPipeline(_)
                | AppCommand::Quit
        )
    }
}
