//! The editor for one open pipeline file: the document, the canvas and the selection, and
//! what each gesture does to the document (one undoable step each).

use std::path::Path;

use super::canvas::{Canvas, CanvasView, PaletteItem, Selection};
use super::document::Document;
use super::inspector::FolderField;
use super::placement::DropTarget;
use crate::model::edit::{self, ActionRef, EditError};
use crate::model::ron_io::{LoadError, SaveError};
use crate::model::strings::action_strings_mut;
use crate::model::validate::check_entity_name;
use crate::model::workspace;
use crate::model::{Action, Category, Pipeline};
use crate::ui::command::PipelineSettings;

/// The editor of one file.
pub struct Editor {
    /// The file and its edits.
    pub document: Document,
    /// The canvas.
    pub canvas: Canvas,
    /// What is selected.
    pub selection: Selection,
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

    /// Selects something (kept valid as the document changes).
    pub fn select(&mut self, selection: Selection) {
        self.selection = selection;
        self.fix_selection();
    }

    /// Moves an action to a lane and row, or into a new stage; selects it.
    pub fn move_action(&mut self, from: ActionRef, to: DropTarget) {
        if !self.exists(from) {
            return;
        }
        let placed = self.document.edit(None, |p| match to {
            DropTarget::Stage { stage, run_order } => edit::move_action(p, from, stage, run_order),
            DropTarget::NewStage { index } => {
                let name = stage_name_for(p.stages[from.stage].actions[from.action].category);
                let index = edit::insert_stage(p, index, name);
                let from = if index <= from.stage {
                    ActionRef::new(from.stage + 1, from.action)
                } else {
                    from
                };
                edit::move_action(p, from, index, 1)
            }
        });
        self.select(Selection::Action(placed));
    }

    /// Moves an action into a stage as its new last row; selects it.
    pub fn move_action_to_stage(&mut self, from: ActionRef, stage: usize) {
        if !self.exists(from) || stage >= self.pipeline().stages.len() {
            return;
        }
        let placed = self.document.edit(None, |p| {
            let run_order = p.stages[stage].run_orders().last().copied().unwrap_or(0) + 1;
            edit::move_action(p, from, stage, run_order)
        });
        self.select(Selection::Action(placed));
    }

    /// Wires `from`'s output into `to`'s inputs; returns the artifact's name, or why not.
    pub fn connect(&mut self, from: ActionRef, to: ActionRef) -> Result<String, EditError> {
        if !self.exists(from) || !self.exists(to) {
            return Err(EditError::Gone);
        }
        self.document.edit(None, |p| edit::connect(p, from, to))
    }

    /// Duplicates an action; selects the copy.
    pub fn duplicate_action(&mut self, at: ActionRef) {
        if self.exists(at) {
            let copy = self.document.edit(None, |p| edit::duplicate_action(p, at));
            self.select(Selection::Action(copy));
        }
    }

    /// Deletes an action; selects its stage.
    pub fn delete_action(&mut self, at: ActionRef) {
        if self.exists(at) {
            self.document.edit(None, |p| edit::delete_action(p, at));
            self.select(Selection::Stage(at.stage));
        }
    }

    /// Adds a stage at `index`; selects it.
    pub fn add_stage(&mut self, index: usize) {
        let index = index.min(self.pipeline().stages.len());
        let index = self
            .document
            .edit(None, |p| edit::insert_stage(p, index, "Stage"));
        self.select(Selection::Stage(index));
    }

    /// Moves a stage to another index; selects it.
    pub fn move_stage(&mut self, from: usize, to: usize) {
        let count = self.pipeline().stages.len();
        if from < count && to < count {
            self.document.edit(None, |p| edit::move_stage(p, from, to));
            self.select(Selection::Stage(to));
        }
    }

    fn exists(&self, at: ActionRef) -> bool {
        self.pipeline()
            .stages
            .get(at.stage)
            .is_some_and(|stage| at.action < stage.actions.len())
    }

    /// Moves a stage one place left (-1) or right (+1).
    pub fn shift_stage(&mut self, stage: usize, by: isize) {
        let count = self.document.pipeline().stages.len();
        let Some(to) = stage.checked_add_signed(by).filter(|to| *to < count) else {
            return;
        };
        self.move_stage(stage, to);
    }

    /// Removes a stage (the person confirmed).
    pub fn remove_stage(&mut self, stage: usize) {
        if stage < self.document.pipeline().stages.len() {
            self.document.edit(None, |p| edit::remove_stage(p, stage));
            self.selection = Selection::Pipeline;
        }
    }

    /// New pipeline-level settings. `typing` names the text field being typed into, so a
    /// run of keystrokes in one field becomes one undo step.
    pub fn set_pipeline(&mut self, settings: PipelineSettings, typing: Option<&str>) {
        self.document.edit(typing, |p| {
            p.name = settings.name;
            p.execution_mode = settings.mode;
            p.variables = settings.variables;
            p.triggers = settings.triggers;
        });
    }

    /// A stage's new name (a duplicate is allowed while typing; validation shows it).
    pub fn rename_stage(&mut self, stage: usize, name: String, typing: Option<&str>) {
        if stage >= self.pipeline().stages.len() {
            return;
        }
        self.document.edit(typing, |p| {
            if edit::rename_stage(p, stage, &name).is_err() {
                p.stages[stage].name = name;
            }
        });
    }

    /// An action's new content.
    pub fn set_action(&mut self, at: ActionRef, action: Action, typing: Option<&str>) {
        if !self.exists(at) {
            return;
        }
        self.document.edit(typing, |p| {
            p.stages[at.stage].actions[at.action] = action;
        });
        self.fix_selection();
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

    /// Duplicates the selected action.
    pub fn duplicate_selected(&mut self) {
        if let Selection::Action(at) = self.selection {
            self.duplicate_action(at);
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

    /// Saves to another file, which becomes the document's file. The pipeline takes the new
    /// file's name (when it is a valid pipeline name), so name and file stay together.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        let name = workspace::stem(path);
        if name != self.pipeline().name && check_entity_name("pipeline", &name).is_ok() {
            self.document.edit(None, |p| p.name = name);
        }
        self.document.save_as(path)
    }
}
