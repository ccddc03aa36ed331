//! Between frames: news from outside becomes commands or state. Engine events and answers,
//! file changes on disk, file dialog answers, close requests, and the window title.

use super::app::{BottomTab, FileTarget, FolderTarget, PipewrightApp};
use super::command::{AppCommand, Notice};
use super::dialogs::Dialog;
use super::run::reader::Query;
use super::run::tabs::TABS;

impl PipewrightApp {
    /// Looks at everything that may have changed outside since the last frame.
    pub(super) fn housekeeping(&mut self, ctx: &egui::Context) {
        self.run_housekeeping();
        if ctx.memory(|m| m.focused()).is_none()
            && let Some(editor) = &mut self.state.editor
        {
            // Typing into one field is one undo step, until the field loses focus.
            editor.document.end_group();
        }
        self.notice_file_changes();
        self.receive_dialog_answers();
        if ctx.input(|i| i.viewport().close_requested()) {
            if !self.state.allow_close && self.dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.state.dialog = Some(Dialog::Unsaved(Box::new(AppCommand::Quit)));
            } else {
                self.remember();
            }
        }
        self.update_title(ctx);
    }

    /// The run side: engine events and answers folded in, the open log refreshed, the newest
    /// execution looked up while the view follows, and what the tabs need read.
    fn run_housekeeping(&mut self) {
        let pipeline = self
            .state
            .editor
            .as_ref()
            .map(|e| e.pipeline().name.clone());
        let bottom = self.state.bottom;
        let Some(run) = &mut self.run else { return };
        if run.view.history_pipeline != pipeline {
            run.view.history_pipeline = pipeline.clone();
            run.view.history.visible = None;
        }
        run.services
            .pump(&mut run.data, &run.view, &mut self.commands);
        if let Some(logs) = &mut run.view.logs {
            logs.refresh();
        }
        if let Some(pipeline) = pipeline
            && !run.view.pinned
            && run.view.following.as_deref() != Some(pipeline.as_str())
            && run.shown().is_none_or(|e| e.pipeline != pipeline)
        {
            run.view.following = Some(pipeline.clone());
            run.services.ask(Query::Latest(pipeline));
        }
        for tab in TABS {
            let visible = bottom == BottomTab::Run(tab.id());
            if let Some(query) = tab.wants(&run.data, &run.view, visible) {
                let (history, disk) = (
                    matches!(query, Query::History(_)),
                    matches!(query, Query::DiskUse),
                );
                if run.services.ask(query) {
                    run.data.history_stale &= !history;
                    run.data.disk_stale &= !disk;
                }
            }
        }
    }

    /// Reloads the open file when it changed on disk (or asks, when it has edits).
    fn notice_file_changes(&mut self) {
        let changed = self.state.workspace.as_mut().is_some_and(|w| w.poll());
        let Some(editor) = &mut self.state.editor else {
            return;
        };
        if !changed || !editor.document.changed_on_disk() {
            return;
        }
        let notice = if !editor.document.path().exists() {
            Notice::error("The open pipeline's file was deleted; save to write it again")
        } else if editor.document.is_dirty() {
            if self.state.dialog.is_none() {
                self.state.dialog = Some(Dialog::ChangedOnDisk);
            }
            return;
        } else {
            match editor.document.reload() {
                Ok(()) => Notice::info(format!(
                    "Reloaded {}: it changed on disk",
                    editor.document.file_name()
                )),
                Err(error) => Notice::error(format!(
                    "The file changed on disk and cannot be read: {error}"
                )),
            }
        };
        self.commands.push(AppCommand::Report(notice));
    }

    /// Turns the answers of the folder and save dialogs into commands.
    fn receive_dialog_answers(&mut self) {
        if let Some((receiver, target)) = &self.services.folder_request
            && let Ok(answer) = receiver.try_recv()
        {
            let target = *target;
            self.services.folder_request = None;
            if let Some(folder) = answer {
                self.commands.push(match target {
                    FolderTarget::Workspace => AppCommand::OpenWorkspace(folder),
                    FolderTarget::Field(field) => AppCommand::SetFolder(field, folder),
                });
            }
        }
        if let Some((receiver, target)) = &self.services.file_request
            && let Ok(answer) = receiver.try_recv()
        {
            let target = *target;
            self.services.file_request = None;
            if let Some(path) = answer {
                self.commands.push(match target {
                    FileTarget::Import => AppCommand::Import(path),
                    FileTarget::Export(format) => AppCommand::ExportTo {
                        path,
                        format,
                        lossy: false,
                    },
                });
            }
        }
        if let Some(receiver) = &self.services.save_as_request
            && let Ok(answer) = receiver.try_recv()
        {
            self.services.save_as_request = None;
            if let Some(path) = answer {
                self.commands.push(AppCommand::SaveTo(path));
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match (&self.state.workspace, &self.state.editor) {
            (_, Some(editor)) => format!(
                "{}{} — Pipewright",
                editor.document.file_name(),
                if editor.document.is_dirty() {
                    " ●"
                } else {
                    ""
                }
            ),
            (Some(workspace), None) => format!("{} — Pipewright", workspace.name()),
            (None, None) => "Pipewright".to_string(),
        };
        if title != self.state.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.state.title = title;
        }
    }
}
