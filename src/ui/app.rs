//! The app's state, split three ways: the services it talks to (file dialogs, notifications,
//! the workspace's engine, watcher and store reader), what it shows (the open workspace and
//! document, the executions), and how it shows them (mode, tabs, dialogs, the status line).
//! Panels read the state and push commands; `command_handling` is the only place that acts
//! on them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use super::command::{Commands, Notice};
use super::dialogs::Dialog;
use super::editor::inspector::FolderField;
use super::editor::state::Editor;
use super::run::Run;
use super::run::data::RunData;
use super::run::tabs::TabId;
use super::run::triggers::Triggers;
use super::run::view::RunView;
use super::services::{Dialogs, Notifier};
use super::settings::Settings;
use super::workspace::WorkspaceView;
use crate::execution::ExecutionSnapshot;
use crate::watch::WatchOptions;

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
    /// How the workspace's triggers are watched (tests give a clock they control).
    pub watch: WatchOptions,
}

/// Whether the canvas edits the pipeline or shows a run of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Design the pipeline.
    Edit,
    /// Watch an execution.
    Run,
}

/// The tabs of the bottom panel: the editor's problems, then the run view's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BottomTab {
    /// Validation problems.
    Problems,
    /// A tab of the run view (see [`super::run::tabs::TABS`]).
    Run(TabId),
}

/// Where a picked folder goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FolderTarget {
    Workspace,
    Field(FolderField),
}

/// What a picked file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileTarget {
    /// An AWS definition to import.
    Import,
    /// Where to write an export.
    Export(crate::model::aws::export::Format),
}

/// The edge of the OS and the answers the app waits for from it.
pub(super) struct Services {
    pub(super) data_dir: PathBuf,
    pub(super) dialogs: Arc<dyn Dialogs>,
    pub(super) notifier: Arc<dyn Notifier>,
    pub(super) watch: WatchOptions,
    pub(super) folder_request: Option<(Receiver<Option<PathBuf>>, FolderTarget)>,
    pub(super) save_as_request: Option<Receiver<Option<PathBuf>>>,
    pub(super) file_request: Option<(Receiver<Option<PathBuf>>, FileTarget)>,
}

/// What the app shows and how: written only by command handling (and the between-frames
/// housekeeping that turns outside news into commands).
pub(super) struct AppState {
    pub(super) settings: Settings,
    pub(super) workspace: Option<WorkspaceView>,
    pub(super) editor: Option<Editor>,
    pub(super) dialog: Option<Dialog>,
    pub(super) status: Option<Notice>,
    pub(super) mode: Mode,
    pub(super) bottom: BottomTab,
    pub(super) title: String,
    pub(super) allow_close: bool,
}

/// The Pipewright desktop app.
pub struct PipewrightApp {
    pub(super) services: Services,
    pub(super) state: AppState,
    pub(super) run: Option<Run>,
    pub(super) commands: Commands,
}

impl PipewrightApp {
    /// Starts the app: the launch's workspace or file, else the last workspace, else the demo.
    pub fn new(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        super::theme::install(&cc.egui_ctx);
        let settings_file = Settings::file(&launch.data_dir);
        let (settings, settings_problem) = Settings::load(&settings_file);
        let mut app = Self {
            services: Services {
                data_dir: launch.data_dir,
                dialogs: launch.dialogs,
                notifier: launch.notifier,
                watch: launch.watch,
                folder_request: None,
                save_as_request: None,
                file_request: None,
            },
            state: AppState {
                settings,
                workspace: None,
                editor: None,
                dialog: None,
                status: None,
                mode: Mode::Edit,
                bottom: BottomTab::Problems,
                title: String::new(),
                allow_close: false,
            },
            run: None,
            commands: Commands::default(),
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
                .state
                .settings
                .last_workspace
                .clone()
                .filter(|root| root.is_dir())
            {
                Some(root) => app.open_workspace(ctx, &root, true),
                None => app.open_demo(ctx),
            },
        }
        if let Some(problem) = settings_problem {
            app.report(Notice::error(problem));
        }
        app
    }

    /// The open workspace folder.
    pub fn workspace_root(&self) -> Option<&Path> {
        self.state.workspace.as_ref().map(WorkspaceView::root)
    }

    /// The pipeline files of the workspace.
    pub fn pipeline_files(&self) -> Vec<PathBuf> {
        self.state
            .workspace
            .as_ref()
            .map(|w| w.files().to_vec())
            .unwrap_or_default()
    }

    /// The editor of the open pipeline.
    pub fn editor(&self) -> Option<&Editor> {
        self.state.editor.as_ref()
    }

    /// The editor of the open pipeline, to change (benchmarks set the zoom).
    pub fn editor_mut(&mut self) -> Option<&mut Editor> {
        self.state.editor.as_mut()
    }

    /// The question on screen, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.state.dialog.as_ref()
    }

    /// The status line's message.
    pub fn status(&self) -> Option<&Notice> {
        self.state.status.as_ref()
    }

    /// What the run view knows about the open workspace's executions.
    pub fn run_data(&self) -> Option<&RunData> {
        self.run.as_ref().map(|run| &run.data)
    }

    /// How the run view shows them.
    pub fn run_view(&self) -> Option<&RunView> {
        self.run.as_ref().map(|run| &run.view)
    }

    /// The execution the run view shows, once it is known.
    pub fn shown_execution(&self) -> Option<&ExecutionSnapshot> {
        self.run.as_ref().and_then(Run::shown)
    }

    /// The workspace's trigger watcher, while this app hosts the workspace.
    pub fn triggers(&self) -> Option<&Triggers> {
        self.run.as_ref().and_then(|run| run.services.triggers())
    }

    /// Whether this app hosts the workspace's engine (rather than being a client of another
    /// Pipewright process).
    pub fn is_host(&self) -> bool {
        self.run.as_ref().is_some_and(|run| run.services.is_host())
    }

    /// Whether the canvas edits or shows a run.
    pub fn mode(&self) -> Mode {
        self.state.mode
    }

    /// The bottom panel's tab.
    pub fn bottom_tab(&self) -> BottomTab {
        self.state.bottom
    }

    /// Whether the open document has unsaved edits.
    pub(super) fn dirty(&self) -> bool {
        self.state
            .editor
            .as_ref()
            .is_some_and(|e| e.document.is_dirty())
    }

    /// Puts a sentence in the status line.
    pub(super) fn report(&mut self, notice: Notice) {
        self.state.status = Some(notice);
    }
}
