//! The editor for one open pipeline file: the document, the canvas and the selection, and
//! what each gesture does to the document (one undoable step each).

use std::path::Path;

use super::canvas::{Canvas, CanvasAction, CanvasView, PaletteItem, Selection};
use super::document::Document;
use super::inspector::{FolderField, InspectorAction};
use super::outline::OutlineAction;
use super::placement::DropTarget;
use crate::model::edit::{self, ActionRef};
use crate::model::ron_io::{LoadError, SaveError};
use crate::model::strings::action_strings_mut;
use crate::model::{Category, Pipeline};

/// Something the editor needs the app to do (ask a question, open a dialog).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Ask before removing a stage.
    ConfirmRemoveStage(usize),
    /// Open a folder dialog for a field.
    PickFolder(FolderField),
    /// The transition in front of a stage was clicked (the run view toggles it).
    Transition(usize),
}

/// The editor of one file.
pub struct Editor {
    /// The file and its edits.
    pub document: Document,
    /// The canvas.
    pub canvas: Canvas,
    /// What is selected.
    pub selection: Selection,
    /// The last thing the editor refused or reported, for the status bar.
    pub message: Option<Note>,
}

/// A sentence for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The sentence.
    pub text: String,
    /// Whether it reports something refused.
    pub refused: bool,
}

fn stage_name_for(category: Category) -> &'static str {
    match category {
        Category::Source => "Source",
        Category::Build => "Build",
        Category::Test => "Test",
        Category::Approval => "Approval",
        Category::Deploy => "Deploy",
        Category::Invoke => "Invoke",
    }
}

impl Editor {
    /// Opens a pipeline file, shown at `view` (or fitted).
    pub fn open(path: &Path, view: Option<CanvasView>) -> Result<Self, LoadError> {
        Ok(Self::new(Document::open(path)?, view))
    }

    /// An editor for a document, shown at `view` (or fitted).
    pub fn new(document: Document, view: Option<CanvasView>) -> Self {
        Self {
            document,
            canvas: Canvas::with_view(view),
            selection: Selection::Pipeline,
            message: None,
        }
    }

    /// The pipeline as edited.
    pub fn pipeline(&self) -> &Pipeline {
        self.document.pipeline()
    }

    fn fix_selection(&mut self) {
        let pipeline = self.document.pipeline();
        let valid = match self.selection {
            Selection::Pipeline => true,
            Selection::Stage(stage) => stage < pipeline.stages.len(),
            Selection::Action(at) => pipeline
                .stages
                .get(at.stage)
                .is_some_and(|s| at.action < s.actions.len()),
        };
        if !valid {
            self.selection = Selection::Pipeline;
        }
    }

    /// Adds a palette item at a drop target; selects it.
    pub fn add(&mut self, item: PaletteItem, to: DropTarget) {
        let placed = self.document.edit(None, |p| {
            let (stage, run_order) = match to {
                DropTarget::Stage { stage, run_order } => (stage, run_order),
                DropTarget::NewStage { index } => (
                    edit::insert_stage(p, index, stage_name_for(item.category)),
                    1,
                ),
            };
            let action = edit::new_action(p, stage, item.kind, item.category);
            edit::add_action(p, stage, action, run_order)
        });
        self.selection = Selection::Action(placed);
    }

    /// Adds a palette item to the selected stage (or a new last stage).
    pub fn add_to_selection(&mut self, item: PaletteItem) {
        let pipeline = self.document.pipeline();
        let to = match self.selection {
            Selection::Stage(stage) | Selection::Action(ActionRef { stage, .. }) => {
                let next = pipeline.stages[stage]
                    .run_orders()
                    .last()
                    .copied()
                    .unwrap_or(0)
                    + 1;
                let run_order = if matches!(self.selection, Selection::Action(_)) {
                    next.saturating_sub(1).max(1)
                } else {
                    next
                };
                DropTarget::Stage { stage, run_order }
            }
            Selection::Pipeline => DropTarget::NewStage {
                index: pipeline.stages.len(),
            },
        };
        self.add(item, to);
    }

    /// Carries out a canvas gesture.
    pub fn apply_canvas(&mut self, action: CanvasAction) -> Option<Request> {
        match action {
            CanvasAction::Select(selection) => self.selection = selection,
            CanvasAction::Add { item, to } => self.add(item, to),
            CanvasAction::Move { from, to } => {
                let placed = self.document.edit(None, |p| match to {
                    DropTarget::Stage { stage, run_order } => {
                        edit::move_action(p, from, stage, run_order)
                    }
                    DropTarget::NewStage { index } => {
                        let name =
                            stage_name_for(p.stages[from.stage].actions[from.action].category);
                        let index = edit::insert_stage(p, index, name);
                        let from = if index <= from.stage {
                            ActionRef::new(from.stage + 1, from.action)
                        } else {
                            from
                        };
                        edit::move_action(p, from, index, 1)
                    }
                });
                self.selection = Selection::Action(placed);
            }
            CanvasAction::Connect { from, to } => {
                let result = self.document.edit(None, |p| edit::connect(p, from, to));
                self.message = Some(match result {
                    Ok(artifact) => Note {
                        text: format!("Wired artifact {artifact}"),
                        refused: false,
                    },
                    Err(refusal) => Note {
                        text: format!("Not wired: {refusal}"),
                        refused: true,
                    },
                });
            }
            CanvasAction::Duplicate(at) => {
                let copy = self.document.edit(None, |p| edit::duplicate_action(p, at));
                self.selection = Selection::Action(copy);
            }
            CanvasAction::Delete(at) => {
                self.document.edit(None, |p| edit::delete_action(p, at));
                self.selection = Selection::Stage(at.stage);
            }
            CanvasAction::AddStage(index) => {
                let index = self
                    .document
                    .edit(None, |p| edit::insert_stage(p, index, "Stage"));
                self.selection = Selection::Stage(index);
            }
            CanvasAction::RemoveStage(stage) => return Some(Request::ConfirmRemoveStage(stage)),
            CanvasAction::ShiftStage(stage, by) => self.shift_stage(stage, by),
            CanvasAction::Transition(stage) => return Some(Request::Transition(stage)),
        }
        self.fix_selection();
        None
    }

    fn shift_stage(&mut self, stage: usize, by: isize) {
        let count = self.document.pipeline().stages.len();
        let Some(to) = stage.checked_add_signed(by).filter(|to| *to < count) else {
            return;
        };
        self.document.edit(None, |p| edit::move_stage(p, stage, to));
        self.selection = Selection::Stage(to);
    }

    /// Removes a stage (the person confirmed).
    pub fn remove_stage(&mut self, stage: usize) {
        if stage < self.document.pipeline().stages.len() {
            self.document.edit(None, |p| edit::remove_stage(p, stage));
            self.selection = Selection::Pipeline;
        }
    }

    /// Carries out an outline gesture.
    pub fn apply_outline(&mut self, action: OutlineAction) -> Option<Request> {
        match action {
            OutlineAction::Select(selection) => self.selection = selection,
            OutlineAction::MoveStage { from, to } => {
                self.document.edit(None, |p| edit::move_stage(p, from, to));
                self.selection = Selection::Stage(to);
            }
            OutlineAction::MoveAction { from, to_stage } => {
                let placed = self.document.edit(None, |p| {
                    let run_order =
                        p.stages[to_stage].run_orders().last().copied().unwrap_or(0) + 1;
                    edit::move_action(p, from, to_stage, run_order)
                });
                self.selection = Selection::Action(placed);
            }
            OutlineAction::Delete(selection) => {
                self.selection = selection;
                return self.delete_selected();
            }
        }
        self.fix_selection();
        None
    }

    /// Carries out an inspector change. `typing` names the text field being typed into, so
    /// a run of keystrokes in one field becomes one undo step.
    pub fn apply_inspector(
        &mut self,
        action: InspectorAction,
        typing: Option<&str>,
    ) -> Option<Request> {
        match action {
            InspectorAction::Pipeline {
                name,
                mode,
                variables,
                triggers,
            } => {
                self.document.edit(typing, |p| {
                    p.name = name;
                    p.execution_mode = mode;
                    p.variables = variables;
                    p.triggers = triggers;
                });
            }
            InspectorAction::RenameStage(stage, name) => {
                self.document.edit(typing, |p| {
                    if edit::rename_stage(p, stage, &name).is_err() {
                        // A duplicate name is allowed while typing; validation shows it.
                        p.stages[stage].name = name;
                    }
                });
            }
            InspectorAction::Action(at, action) => {
                self.document.edit(typing, |p| {
                    p.stages[at.stage].actions[at.action] = *action;
                });
            }
            InspectorAction::PickFolder(field) => return Some(Request::PickFolder(field)),
            InspectorAction::ShiftStage(stage, by) => self.shift_stage(stage, by),
            InspectorAction::RemoveStage(stage) => return Some(Request::ConfirmRemoveStage(stage)),
            InspectorAction::AddStageAfter(stage) => {
                let index = self
                    .document
                    .edit(None, |p| edit::insert_stage(p, stage + 1, "Stage"));
                self.selection = Selection::Stage(index);
            }
        }
        self.fix_selection();
        None
    }

    /// Puts a folder chosen in a dialog into its field (relative to the workspace when inside it).
    pub fn set_folder(&mut self, field: FolderField, folder: &Path, workspace: &Path) {
        let text = folder
            .strip_prefix(workspace)
            .map(|relative| relative.to_string_lossy().into_owned())
            .unwrap_or_else(|_| folder.to_string_lossy().into_owned());
        let text = if text.is_empty() {
            ".".to_string()
        } else {
            text
        };
        self.document.edit(None, |p| {
            let Some(action) = p
                .stages
                .get_mut(field.at.stage)
                .and_then(|s| s.actions.get_mut(field.at.action))
            else {
                return;
            };
            if let Some((_, value)) = action_strings_mut(action)
                .into_iter()
                .find(|(path, _)| path == field.field)
            {
                *value = text;
            }
        });
    }

    /// Deletes the selected action at once, or asks before removing a selected stage.
    pub fn delete_selected(&mut self) -> Option<Request> {
        match self.selection {
            Selection::Action(at) => {
                self.apply_canvas(CanvasAction::Delete(at));
                None
            }
            Selection::Stage(stage) => Some(Request::ConfirmRemoveStage(stage)),
            Selection::Pipeline => None,
        }
    }

    /// Duplicates the selected action.
    pub fn duplicate_selected(&mut self) {
        if let Selection::Action(at) = self.selection {
            self.apply_canvas(CanvasAction::Duplicate(at));
        }
    }

    /// Undoes one step.
    pub fn undo(&mut self) {
        if self.document.undo() {
            self.fix_selection();
        }
    }

    /// Redoes one step.
    pub fn redo(&mut self) {
        if self.document.redo() {
            self.fix_selection();
        }
    }

    /// Saves to the document's file.
    pub fn save(&mut self) -> Result<(), SaveError> {
        self.document.save()
    }

    /// Saves to another file, which becomes the document's file.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        self.document.save_as(path)
    }
}
