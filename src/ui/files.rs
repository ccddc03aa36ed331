//! What the file commands do: open a workspace or a pipeline file, create, save, rename and
//! delete pipeline files, and ask the file dialogs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::app::{FolderTarget, Mode, PipewrightApp};
use super::command::Notice;
use super::dialogs::Dialog;
use super::editor::state::Editor;
use super::run::Run;
use super::workspace::WorkspaceView;
use crate::model::templates::Template;
use crate::model::{ron_io, workspace};

impl PipewrightApp {
    /// Opens the demo workspace (unpacking it first).
    pub(super) fn open_demo(&mut self, ctx: &egui::Context) {
        let folder = self.services.data_dir.join("demo");
        match crate::demo::ensure(&folder) {
            Ok(file) => {
                self.open_workspace(ctx, &folder, false);
                self.open_file(&file);
                self.report(Notice::info(
                    "Welcome! This is the demo workspace: press Run to try it.",
                ));
            }
            Err(error) => self.report(Notice::error(error.to_string())),
        }
    }

    /// Writes the settings: the open workspace and pipeline, and how its canvas is shown.
    pub(super) fn remember(&mut self) {
        self.keep_view();
        self.state.settings.views.retain(|file, _| file.exists());
        self.state.settings.last_workspace = self.workspace_root().map(Path::to_path_buf);
        self.state.settings.last_pipeline = self
            .state
            .editor
            .as_ref()
            .map(|e| e.document.path().to_path_buf());
        self.save_settings();
    }

    /// Notes in the settings how the open pipeline's canvas is shown (view state stays out of
    /// the pipeline file).
    fn keep_view(&mut self) {
        if let Some(editor) = &self.state.editor
            && let Some(view) = editor.canvas.view()
        {
            let file = editor.document.path().to_path_buf();
            self.state.settings.views.insert(file, view);
        }
    }

    /// Opens a workspace folder; with `open_pipeline`, also its last or first pipeline.
    pub(super) fn open_workspace(&mut self, ctx: &egui::Context, root: &Path, open_pipeline: bool) {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        self.keep_view();
        let (view, problem) = WorkspaceView::open(&root, ctx);
        let first = self
            .state
            .settings
            .last_pipeline
            .clone()
            .filter(|file| view.files().contains(file))
            .or_else(|| view.files().first().cloned());
        self.state.workspace = Some(view);
        self.state.editor = None;
        // The old workspace's engine stops before the new one starts.
        self.run = None;
        let waker = ctx.clone();
        self.run = Some(Run::start(
            &root,
            Arc::new(move || waker.request_repaint()),
            self.services.notifier.clone(),
            self.services.watch.clone(),
        ));
        self.state.mode = Mode::Edit;
        if let Some(problem) = problem {
            self.report(Notice::error(problem));
        }
        if open_pipeline && let Some(file) = first {
            self.open_file(&file);
        }
        self.remember();
    }

    /// Opens a pipeline file in the editor.
    pub(super) fn open_file(&mut self, file: &Path) {
        let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        self.keep_view();
        match Editor::open(&file, self.state.settings.views.get(&file).copied()) {
            Ok(editor) => {
                self.state.editor = Some(editor);
                self.state.status = None;
                self.remember();
            }
            Err(error) => {
                self.state.dialog = Some(Dialog::Message(
                    "Cannot open the pipeline".into(),
                    error.to_string(),
                ));
            }
        }
    }

    /// Creates a pipeline from a template in the workspace and opens it.
    pub(super) fn create(&mut self, template: Template) {
        let Some(root) = self.workspace_root().map(Path::to_path_buf) else {
            return;
        };
        match workspace::create(&root, template) {
            Ok(file) => {
                self.rescan();
                self.open_file(&file);
                if let Some(editor) = &mut self.state.editor {
                    editor.canvas.request_fit();
                }
            }
            Err(error) => self.report(Notice::error(error.to_string())),
        }
    }

    /// Lists the workspace's pipeline files again.
    pub(super) fn rescan(&mut self) {
        if let Some(workspace) = &mut self.state.workspace {
            workspace.rescan();
        }
    }

    /// Saves the open pipeline; reports problems that keep it from running.
    pub(super) fn save(&mut self) -> bool {
        let Some(editor) = &mut self.state.editor else {
            return false;
        };
        let result = editor.save();
        let problems = editor.document.problems().len();
        match result {
            Ok(()) if problems > 0 => self.report(Notice::info(format!(
                "Saved with {problems} problem{}: it cannot run until they are fixed",
                if problems == 1 { "" } else { "s" }
            ))),
            Ok(()) => self.report(Notice::info("Saved")),
            Err(error) => {
                self.report(Notice::error(error.to_string()));
                return false;
            }
        }
        self.rescan();
        true
    }

    /// Asks where to save a copy; the answer arrives as [`super::command::AppCommand::SaveTo`].
    pub(super) fn ask_save_as(&mut self, ctx: &egui::Context) {
        let (Some(root), Some(editor)) = (self.workspace_root(), &self.state.editor) else {
            return;
        };
        self.services.save_as_request = Some(self.services.dialogs.save_file(
            ctx,
            root,
            &editor.document.file_name(),
        ));
    }

    /// Saves the open pipeline to `path` (adding the pipeline suffix when it is missing).
    pub(super) fn save_to(&mut self, path: PathBuf) {
        let Some(editor) = &mut self.state.editor else {
            return;
        };
        let path = if ron_io::is_pipeline_file(&path) {
            path
        } else {
            PathBuf::from(format!("{}{}", path.display(), ron_io::PIPELINE_SUFFIX))
        };
        match editor.save_as(&path) {
            Ok(()) => {
                self.rescan();
                self.remember();
                self.report(Notice::info(format!("Saved as {}", path.display())));
            }
            Err(error) => self.report(Notice::error(error.to_string())),
        }
    }

    /// Renames a pipeline file (saving it first when it is open with edits).
    pub(super) fn rename(&mut self, path: PathBuf, name: String) {
        let open = self
            .state
            .editor
            .as_ref()
            .is_some_and(|e| e.document.path() == path);
        if open && self.dirty() && !self.save() {
            return;
        }
        match workspace::rename(&path, &name) {
            Ok(new_path) => {
                self.rescan();
                if open {
                    self.open_file(&new_path);
                }
            }
            Err(error) => {
                self.report(Notice::error(error.to_string()));
                self.state.dialog = Some(Dialog::Rename { path, name });
            }
        }
    }

    /// Deletes a pipeline file (closing it when it is open).
    pub(super) fn delete(&mut self, path: &Path) {
        if let Err(error) = workspace::delete(path) {
            self.report(Notice::error(error.to_string()));
        } else if self
            .state
            .editor
            .as_ref()
            .is_some_and(|e| e.document.path() == path)
        {
            self.state.editor = None;
        }
        self.rescan();
    }

    /// Asks for a folder; the answer arrives between frames.
    pub(super) fn pick_folder(&mut self, ctx: &egui::Context, target: FolderTarget) {
        let start = self
            .workspace_root()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        self.services.folder_request =
            Some((self.services.dialogs.pick_folder(ctx, &start), target));
    }
}
