//! The app's state and what it does between frames: which workspace and pipeline are open,
//! file operations, answers to dialogs, and noticing files that changed on disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use super::dialogs::{Answer, Dialog, Then};
use super::editor::inspector::FolderField;
use super::editor::state::Editor;
use super::run::dialog::RunDialog;
use super::run::state::RunState;
use super::services::{Dialogs, Notifier};
use super::settings::Settings;
use super::workspace::WorkspaceView;
use super::workspace_panel::WorkspaceAction;
use crate::model::templates::Template;
use crate::model::workspace;

/// How the app starts.
pub struct Launch {
    /// Open this workspace folder.
    pub workspace: Option<PathBuf>,
    /// Open this pipeline file (its folder is the workspace).
    pub file: Option<PathBuf>,
    /// Where settings and the demo live.
    pub data_dir: PathBuf,
    /// File dialogs.
    pub dialogs: Arc<dyn Dialogs>,
    /// Desktop notifications.
    pub notifier: Arc<dyn Notifier>,
}

/// Whether the canvas edits the pipeline or shows a run of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Design the pipeline.
    Edit,
    /// Watch an execution.
    Run,
}

/// The tabs of the bottom panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BottomTab {
    /// Validation problems.
    Problems,
    /// The selected action's log.
    Logs,
    /// Past executions.
    History,
    /// The Gantt chart of the shown execution.
    Timeline,
    /// Test reports of the shown execution.
    Tests,
}

/// Where a picked folder goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FolderTarget {
    Workspace,
    Field(FolderField),
}

/// A line in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
}

/// The Pipewright desktop app.
pub struct PipewrightApp {
    pub(super) data_dir: PathBuf,
    pub(super) dialogs: Arc<dyn Dialogs>,
    pub(super) settings: Settings,
    pub(super) workspace: Option<WorkspaceView>,
    pub(super) editor: Option<Editor>,
    pub(super) dialog: Option<Dialog>,
    pub(super) folder_request: Option<(Receiver<Option<PathBuf>>, FolderTarget)>,
    pub(super) save_as_request: Option<Receiver<Option<PathBuf>>>,
    pub(super) status: Option<Status>,
    pub(super) allow_close: bool,
    pub(super) title: String,
    pub(super) notifier: Arc<dyn Notifier>,
    pub(super) run: Option<RunState>,
    pub(super) mode: Mode,
    pub(super) bottom: BottomTab,
    pub(super) run_dialog: Option<RunDialog>,
}

impl PipewrightApp {
    /// Starts the app: the launch's workspace or file, else the last workspace, else the demo.
    pub fn new(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        super::theme::install(&cc.egui_ctx);
        let settings = Settings::load(&Settings::file(&launch.data_dir));
        let mut app = Self {
            data_dir: launch.data_dir,
            dialogs: launch.dialogs,
            settings,
            workspace: None,
            editor: None,
            dialog: None,
            folder_request: None,
            save_as_request: None,
            status: None,
            allow_close: false,
            title: String::new(),
            notifier: launch.notifier,
            run: None,
            mode: Mode::Edit,
            bottom: BottomTab::Problems,
            run_dialog: None,
        };
        let ctx = &cc.egui_ctx;
        match (launch.file, launch.workspace) {
            (Some(file), _) => {
                let root = file
                    .parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                app.open_workspace(ctx, &root, false);
                app.open_file(&file);
            }
            (None, Some(root)) => app.open_workspace(ctx, &root, true),
            (None, None) => match app
                .settings
                .last_workspace
                .clone()
                .filter(|root| root.is_dir())
            {
                Some(root) => app.open_workspace(ctx, &root, true),
                None => app.open_demo(ctx),
            },
        }
        app
    }

    fn open_demo(&mut self, ctx: &egui::Context) {
        let folder = self.data_dir.join("demo");
        match crate::demo::ensure(&folder) {
            Ok(file) => {
                self.open_workspace(ctx, &folder, false);
                self.open_file(&file);
                self.report(
                    "Welcome! This is the demo workspace: press Run to try it.",
                    false,
                );
            }
            Err(error) => self.report(&error.to_string(), true),
        }
    }

    /// The open workspace folder.
    pub fn workspace_root(&self) -> Option<&Path> {
        self.workspace.as_ref().map(WorkspaceView::root)
    }

    /// The pipeline files of the workspace.
    pub fn pipeline_files(&self) -> Vec<PathBuf> {
        self.workspace
            .as_ref()
            .map(|w| w.files().to_vec())
            .unwrap_or_default()
    }

    /// The editor of the open pipeline.
    pub fn editor(&self) -> Option<&Editor> {
        self.editor.as_ref()
    }

    /// The editor of the open pipeline, to change.
    pub fn editor_mut(&mut self) -> Option<&mut Editor> {
        self.editor.as_mut()
    }

    /// The question on screen, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The status bar's message.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// The runs of the open workspace.
    pub fn runs(&self) -> Option<&RunState> {
        self.run.as_ref()
    }

    /// Whether the canvas edits or shows a run.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The bottom panel's tab.
    pub fn bottom_tab(&self) -> BottomTab {
        self.bottom
    }

    pub(super) fn report(&mut self, text: &str, error: bool) {
        self.status = Some(Status {
            text: text.to_string(),
            error,
        });
    }

    /// Writes the settings: the open workspace and pipeline, and how its canvas is shown.
    fn remember(&mut self) {
        self.keep_view();
        self.settings.last_workspace = self.workspace_root().map(Path::to_path_buf);
        self.settings.last_pipeline = self
            .editor
            .as_ref()
            .map(|e| e.document.path().to_path_buf());
        if let Err(error) = self.settings.save(&Settings::file(&self.data_dir)) {
            eprintln!("pipewright: cannot save settings: {error}");
        }
    }

    /// Notes in the settings how the open pipeline's canvas is shown (view state stays out of
    /// the pipeline file).
    fn keep_view(&mut self) {
        if let Some(editor) = &self.editor
            && let Some(view) = editor.canvas.view()
        {
            let file = editor.document.path().to_path_buf();
            self.settings.views.insert(file, view);
        }
    }

    /// Opens a workspace folder; with `open_pipeline`, also its last or first pipeline.
    pub(super) fn open_workspace(&mut self, ctx: &egui::Context, root: &Path, open_pipeline: bool) {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        self.keep_view();
        let view = WorkspaceView::open(&root, ctx);
        let first = self
            .settings
            .last_pipeline
            .clone()
            .filter(|file| view.files().contains(file))
            .or_else(|| view.files().first().cloned());
        self.workspace = Some(view);
        self.editor = None;
        let waker = ctx.clone();
        self.run = Some(RunState::start(
            &root,
            Arc::new(move || waker.request_repaint()),
            self.notifier.clone(),
        ));
        self.mode = Mode::Edit;
        if open_pipeline && let Some(file) = first {
            self.open_file(&file);
        }
        self.remember();
    }

    /// Opens a pipeline file in the editor.
    pub(super) fn open_file(&mut self, file: &Path) {
        let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        self.keep_view();
        match Editor::open(&file, self.settings.views.get(&file).copied()) {
            Ok(editor) => {
                self.editor = Some(editor);
                self.status = None;
                self.remember();
            }
            Err(error) => {
                self.dialog = Some(Dialog::Message(
                    "Cannot open the pipeline".into(),
                    error.to_string(),
                ));
            }
        }
    }

    fn dirty(&self) -> bool {
        self.editor.as_ref().is_some_and(|e| e.document.is_dirty())
    }

    /// Goes on with `then`, asking first when there are unsaved edits.
    pub(super) fn leave(&mut self, ctx: &egui::Context, then: Then) {
        if self.dirty() {
            self.dialog = Some(Dialog::Unsaved(then));
        } else {
            self.proceed(ctx, then);
        }
    }

    fn proceed(&mut self, ctx: &egui::Context, then: Then) {
        match then {
            Then::Open(file) => self.open_file(&file),
            Then::OpenFolder(root) => self.open_workspace(ctx, &root, true),
            Then::New(template) => self.create(template),
            Then::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn create(&mut self, template: Template) {
        let Some(root) = self.workspace_root().map(Path::to_path_buf) else {
            return;
        };
        match workspace::create(&root, template) {
            Ok(file) => {
                self.rescan();
                self.open_file(&file);
                if let Some(editor) = &mut self.editor {
                    editor.canvas.request_fit();
                }
            }
            Err(error) => self.report(&error.to_string(), true),
        }
    }

    fn rescan(&mut self) {
        if let Some(workspace) = &mut self.workspace {
            workspace.rescan();
        }
    }

    /// Saves the open pipeline; reports problems that keep it from running.
    pub(super) fn save(&mut self) -> bool {
        let Some(editor) = &mut self.editor else {
            return false;
        };
        let result = editor.save();
        let problems = editor.document.problems().len();
        match result {
            Ok(()) if problems > 0 => self.report(
                &format!(
                    "Saved with {problems} problem{}: it cannot run until they are fixed",
                    if problems == 1 { "" } else { "s" }
                ),
                false,
            ),
            Ok(()) => self.report("Saved", false),
            Err(error) => {
                self.report(&error.to_string(), true);
                return false;
            }
        }
        self.rescan();
        true
    }

    /// Asks where to save a copy, then saves there.
    pub(super) fn save_as(&mut self, ctx: &egui::Context) {
        let (Some(root), Some(editor)) = (self.workspace_root(), &self.editor) else {
            return;
        };
        self.save_as_request = Some(self.dialogs.save_file(
            ctx,
            root,
            &editor.document.file_name(),
        ));
    }

    /// Carries out a workspace panel action.
    pub(super) fn workspace_action(&mut self, ctx: &egui::Context, action: WorkspaceAction) {
        match action {
            WorkspaceAction::Open(file) => self.leave(ctx, Then::Open(file)),
            WorkspaceAction::New(template) => self.leave(ctx, Then::New(template)),
            WorkspaceAction::OpenFolder => {
                let start = self
                    .workspace_root()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                self.folder_request = Some((
                    self.dialogs.pick_folder(ctx, &start),
                    FolderTarget::Workspace,
                ));
            }
            WorkspaceAction::Rename(path) => {
                self.dialog = Some(Dialog::Rename {
                    name: workspace::stem(&path),
                    path,
                });
            }
            WorkspaceAction::Duplicate(path) => match workspace::duplicate(&path) {
                Ok(copy) => {
                    self.rescan();
                    self.report(&format!("Duplicated as {}", workspace::stem(&copy)), false);
                }
                Err(error) => self.report(&error.to_string(), true),
            },
            WorkspaceAction::Delete(path) => self.dialog = Some(Dialog::Delete(path)),
        }
    }

    /// Carries out the answer to the open dialog.
    pub(super) fn answer(&mut self, ctx: &egui::Context, answer: Answer) {
        self.dialog = None;
        match answer {
            Answer::Save(then) => {
                if self.save() {
                    self.proceed(ctx, then);
                }
            }
            Answer::Discard(then) => self.proceed(ctx, then),
            Answer::Reload => {
                if let Some(editor) = &mut self.editor
                    && let Err(error) = editor.document.reload()
                {
                    self.report(&format!("Cannot reload: {error}"), true);
                }
            }
            Answer::KeepEdits => {
                if let Some(editor) = &mut self.editor {
                    editor.document.keep_edits();
                }
            }
            Answer::Delete(path) => {
                if let Err(error) = workspace::delete(&path) {
                    self.report(&error.to_string(), true);
                } else if self
                    .editor
                    .as_ref()
                    .is_some_and(|e| e.document.path() == path)
                {
                    self.editor = None;
                }
                self.rescan();
            }
            Answer::Rename(path, name) => {
                let open = self
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
                        self.report(&error.to_string(), true);
                        self.dialog = Some(Dialog::Rename { path, name });
                    }
                }
            }
            Answer::RemoveStage(stage) => {
                if let Some(editor) = &mut self.editor {
                    editor.remove_stage(stage);
                }
            }
            Answer::Stop(execution, mode, reason) => {
                if let Some(run) = &mut self.run {
                    run.stop(&execution, mode, reason);
                }
            }
            Answer::Retry(execution, stage, mode) => {
                if let Some(run) = &mut self.run {
                    run.retry(&execution, &stage, mode);
                }
            }
            Answer::Transition(pipeline, stage, enabled, reason) => {
                if let Some(run) = &mut self.run {
                    run.set_transition(&pipeline, &stage, enabled, reason);
                }
            }
            Answer::Cancel => {}
        }
    }

    /// Between frames: file changes on disk, dialog results, close requests, the title.
    pub(super) fn housekeeping(&mut self, ctx: &egui::Context) {
        if let Some(run) = &mut self.run {
            run.pump();
            if let Some(error) = run.error.take() {
                self.status = Some(Status {
                    text: error,
                    error: true,
                });
            }
        }
        let changed = self.workspace.as_mut().is_some_and(WorkspaceView::poll);
        if changed
            && let Some(editor) = &mut self.editor
            && editor.document.changed_on_disk()
        {
            if !editor.document.path().exists() {
                self.status = Some(Status {
                    text: "The open pipeline's file was deleted; save to write it again".into(),
                    error: true,
                });
            } else if editor.document.is_dirty() {
                if self.dialog.is_none() {
                    self.dialog = Some(Dialog::ChangedOnDisk);
                }
            } else {
                let note = match editor.document.reload() {
                    Ok(()) => (
                        format!(
                            "Reloaded {}: it changed on disk",
                            editor.document.file_name()
                        ),
                        false,
                    ),
                    Err(error) => (
                        format!("The file changed on disk and cannot be read: {error}"),
                        true,
                    ),
                };
                self.report(&note.0, note.1);
            }
        }
        if let Some((receiver, target)) = &self.folder_request
            && let Ok(answer) = receiver.try_recv()
        {
            let target = *target;
            self.folder_request = None;
            if let Some(folder) = answer {
                match target {
                    FolderTarget::Workspace => self.leave(ctx, Then::OpenFolder(folder)),
                    FolderTarget::Field(field) => {
                        if let (Some(editor), Some(root)) = (
                            self.editor.as_mut(),
                            self.workspace.as_ref().map(|w| w.root().to_path_buf()),
                        ) {
                            editor.set_folder(field, &folder, &root);
                        }
                    }
                }
            }
        }
        if let Some(receiver) = &self.save_as_request
            && let Ok(answer) = receiver.try_recv()
        {
            self.save_as_request = None;
            if let (Some(path), Some(editor)) = (answer, self.editor.as_mut()) {
                let path = if crate::model::ron_io::is_pipeline_file(&path) {
                    path
                } else {
                    PathBuf::from(format!(
                        "{}{}",
                        path.display(),
                        crate::model::ron_io::PIPELINE_SUFFIX
                    ))
                };
                match editor.save_as(&path) {
                    Ok(()) => {
                        self.rescan();
                        self.remember();
                        self.report(&format!("Saved as {}", path.display()), false);
                    }
                    Err(error) => self.report(&error.to_string(), true),
                }
            }
        }
        if ctx.input(|i| i.viewport().close_requested()) {
            if !self.allow_close && self.dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.dialog = Some(Dialog::Unsaved(Then::Quit));
            } else {
                self.remember();
            }
        }
        let title = match (&self.workspace, &self.editor) {
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
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}
