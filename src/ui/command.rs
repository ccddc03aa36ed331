//! The one way the UI asks for something: every panel, widget and dialog pushes an
//! [`AppCommand`] onto the frame's [`Commands`] queue, and `command_handling` carries them out
//! after the frame, in one `match`. Answers from other threads (the engine, the store reader,
//! file dialogs) arrive as commands too.
//!
//! The rule of thumb: a widget may change its own view state directly (text being typed, a
//! scroll position, a filter's combo box); anything that edits the document, talks to the
//! engine or the store, opens a dialog, or changes another panel is a command.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::app::{BottomTab, Mode};
use super::editor::canvas::{PaletteItem, Selection};
use super::editor::inspector::FolderField;
use super::editor::placement::DropTarget;
use crate::engine::StartRequest;
use crate::execution::ExecutionId;
use crate::model::aws::export::Format;
use crate::model::edit::ActionRef;
use crate::model::status::{RetryMode, StopMode};
use crate::model::templates::Template;
use crate::model::triggers::TriggerSpec;
use crate::model::{Action, ExecutionMode, PipelineVariable};

/// Something the person (or a background answer) asks the app to do.
#[must_use = "push it onto the command queue"]
#[derive(Debug, Clone)]
pub enum AppCommand {
    // ---- Workspace and files ----
    /// Open a pipeline file (asks first when there are unsaved edits).
    OpenFile(PathBuf),
    /// Ask for a workspace folder with the folder dialog.
    PickWorkspace,
    /// Open a workspace folder (asks first when there are unsaved edits).
    OpenWorkspace(PathBuf),
    /// Create a pipeline from a template (asks first when there are unsaved edits).
    NewPipeline(Template),
    /// Close the window (asks first when there are unsaved edits).
    Quit,
    /// Save, then carry out the command (the "Save" answer to unsaved changes).
    SaveThen(Box<AppCommand>),
    /// Carry out the command, dropping unsaved edits (the "Discard" answer).
    Discarding(Box<AppCommand>),
    /// Save the open pipeline.
    Save,
    /// Ask where to save a copy, then save there.
    SaveAs,
    /// A path chosen in the save dialog.
    SaveTo(PathBuf),
    /// Ask for a new name for a pipeline file.
    AskRename(PathBuf),
    /// Rename a pipeline file.
    Rename {
        /// The file.
        path: PathBuf,
        /// The new name (without the suffix).
        name: String,
    },
    /// Copy a pipeline file next to itself.
    Duplicate(PathBuf),
    /// Ask before deleting a pipeline file.
    AskDelete(PathBuf),
    /// Delete a pipeline file.
    Delete(PathBuf),
    /// Read the open file again from disk, dropping the edits.
    Reload,
    /// Keep the edits although the file changed on disk.
    KeepEdits,
    /// Ask for an AWS CodePipeline definition (JSON or CloudFormation) to import.
    PickImport,
    /// Import a definition into the workspace, open it and show the report.
    Import(PathBuf),
    /// Ask where to export the open pipeline.
    PickExport(Format),
    /// Export the open pipeline; without `lossy`, anything that cannot be expressed is
    /// shown first.
    ExportTo {
        /// The file to write.
        path: PathBuf,
        /// CodePipeline JSON or CloudFormation.
        format: Format,
        /// Leave out what cannot be expressed.
        lossy: bool,
    },

    // ---- Editing the open pipeline ----
    /// Undo one step.
    Undo,
    /// Redo one step.
    Redo,
    /// Select something in the editor.
    Select(Selection),
    /// Add a palette item at a drop target.
    AddAction {
        /// What to add.
        item: PaletteItem,
        /// Where it goes.
        to: DropTarget,
    },
    /// Add a palette item to the selected stage (or a new last stage).
    AddToSelection(PaletteItem),
    /// Move an action to a lane and row (or a new stage).
    MoveAction {
        /// The action.
        from: ActionRef,
        /// Where it goes.
        to: DropTarget,
    },
    /// Move an action into a stage, as its new last row.
    MoveActionToStage {
        /// The action.
        from: ActionRef,
        /// The stage it goes into.
        stage: usize,
    },
    /// Wire `from`'s output into `to`'s inputs.
    Connect {
        /// The producer.
        from: ActionRef,
        /// The consumer.
        to: ActionRef,
    },
    /// Duplicate an action.
    DuplicateAction(ActionRef),
    /// Duplicate the selected action.
    DuplicateSelected,
    /// Delete an action.
    DeleteAction(ActionRef),
    /// Delete the selected action, or ask before removing the selected stage.
    DeleteSelected,
    /// Add a stage at this index.
    AddStage(usize),
    /// Ask before removing a stage.
    AskRemoveStage(usize),
    /// Remove a stage (the person confirmed).
    RemoveStage(usize),
    /// Move a stage to another index.
    MoveStage {
        /// The stage.
        from: usize,
        /// Where it goes.
        to: usize,
    },
    /// Move a stage one place left (-1) or right (+1).
    ShiftStage(usize, isize),
    /// New pipeline-level settings from the inspector.
    SetPipeline(Box<PipelineSettings>),
    /// A stage's new name.
    RenameStage(usize, String),
    /// An action's new content.
    SetAction(ActionRef, Box<Action>),
    /// Open a folder dialog for a field of the inspector.
    PickFolder(FolderField),
    /// A folder chosen for a field.
    SetFolder(FolderField, PathBuf),
    /// Show a problem: select what it is about, in the editor.
    ShowProblem(Selection),

    // ---- Panels ----
    /// Close the open dialog (it was answered or dismissed).
    CloseDialog,
    /// Switch between editing and the run view.
    SetMode(Mode),
    /// Show a tab of the bottom panel.
    ShowTab(BottomTab),

    // ---- Runs ----
    /// Open the Run dialog for the open pipeline.
    OpenRunDialog,
    /// Start an execution; remember the variable values for the next run of the file.
    Start {
        /// What to start.
        request: Box<StartRequest>,
        /// The values typed, by variable.
        values: BTreeMap<String, String>,
    },
    /// Approve or reject a waiting approval.
    Decide {
        /// The execution.
        execution: ExecutionId,
        /// The approval's stage.
        stage: String,
        /// The approval action.
        action: String,
        /// Approve (true) or reject.
        approved: bool,
        /// The summary.
        summary: String,
    },
    /// Ask how to stop an execution.
    AskStop(ExecutionId),
    /// Stop an execution.
    Stop {
        /// The execution.
        execution: ExecutionId,
        /// Let running actions finish, or kill them.
        mode: StopMode,
        /// Why.
        reason: String,
    },
    /// Ask which actions of a failed stage to retry.
    AskRetry {
        /// The execution.
        execution: ExecutionId,
        /// The stage.
        stage: String,
    },
    /// Retry a failed stage.
    Retry {
        /// The execution.
        execution: ExecutionId,
        /// The stage.
        stage: String,
        /// Which actions.
        mode: RetryMode,
    },
    /// Ask whether to disable or enable the transition into a stage of the shown execution.
    AskTransition(usize),
    /// Disable (with a reason) or enable the transition into a stage.
    SetTransition {
        /// The pipeline.
        pipeline: String,
        /// The stage the transition leads into.
        stage: String,
        /// Whether executions may enter.
        enabled: bool,
        /// Why it is disabled.
        reason: Option<String>,
    },
    /// Show an execution in the run view, and keep showing it while others start.
    ShowExecution(ExecutionId),
    /// Show the newest execution of the open pipeline, and follow new ones.
    ShowLatest,
    /// An execution this app started is running: show it and follow new ones.
    ShowStarted(ExecutionId),
    /// A pipeline's newest execution is known (it started, or the store said so): show it
    /// if the view follows the newest one of that pipeline and the shown one has ended.
    Follow {
        /// The pipeline.
        pipeline: String,
        /// The execution.
        id: ExecutionId,
    },
    /// Select a stage or action in the run view.
    SelectInRun(Selection),
    /// Show the log of an action of the shown execution.
    ShowLog {
        /// The stage.
        stage: String,
        /// The action.
        action: String,
    },
    /// Show a folder in the desktop's file manager.
    OpenFolder(PathBuf),

    // ---- The status line ----
    /// Say something in the status line.
    Report(Notice),
}

/// Pipeline-level settings, as the inspector edits them.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineSettings {
    /// The name.
    pub name: String,
    /// The execution mode.
    pub mode: ExecutionMode,
    /// The variables.
    pub variables: Vec<PipelineVariable>,
    /// The triggers.
    pub triggers: Vec<TriggerSpec>,
}

/// A sentence for the status line: the one way status text reaches the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The sentence.
    pub text: String,
    /// Whether it reports a failure or something refused.
    pub error: bool,
}

impl Notice {
    /// News.
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: false,
        }
    }

    /// A failure or refusal.
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: true,
        }
    }
}

/// The commands pushed during one frame, carried out after it in order.
#[derive(Debug, Default)]
pub struct Commands {
    queue: Vec<AppCommand>,
}

impl Commands {
    /// Asks for `command`.
    pub fn push(&mut self, command: AppCommand) {
        self.queue.push(command);
    }

    /// Takes every command waiting, in the order they were pushed.
    pub fn take(&mut self) -> Vec<AppCommand> {
        std::mem::take(&mut self.queue)
    }
}
