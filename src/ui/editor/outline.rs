//! The outline: the stages and actions of the canvas as real widgets, so everything on the
//! canvas can be reached by keyboard, screen readers and tests. Items can be selected,
//! reordered by dragging, and deleted.

use egui::{Sense, Ui, WidgetInfo, WidgetType};

use super::canvas::Selection;
use crate::model::Pipeline;
use crate::model::edit::ActionRef;
use crate::ui::theme;

/// What the outline asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutlineAction {
    /// Select something.
    Select(Selection),
    /// Move a stage to another index.
    MoveStage {
        /// The stage.
        from: usize,
        /// Where it goes.
        to: usize,
    },
    /// Move an action into a stage (as a new last row).
    MoveAction {
        /// The action.
        from: ActionRef,
        /// The stage it goes into.
        to_stage: usize,
    },
    /// Delete the selected stage or action.
    Delete(Selection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dragged {
    Stage(usize),
    Action(ActionRef),
}

/// The label an outline row is known by (screen readers and tests).
pub fn stage_label(name: &str) -> String {
    format!("Stage {name}")
}

/// The label of an action row.
pub fn action_label(stage: &str, action: &str) -> String {
    format!("{stage}/{action}")
}

fn row(
    ui: &mut Ui,
    selected: bool,
    text: egui::RichText,
    label: String,
    payload: Dragged,
) -> egui::Response {
    let response = ui.add(egui::Button::selectable(selected, text).sense(Sense::click_and_drag()));
    response
        .widget_info(|| WidgetInfo::selected(WidgetType::Button, true, selected, label.clone()));
    if response.drag_started() {
        response.dnd_set_drag_payload(payload);
    }
    response
}

/// Draws the outline.
pub fn show(ui: &mut Ui, pipeline: &Pipeline, selection: Selection) -> Vec<OutlineAction> {
    let mut actions = Vec::new();
    if pipeline.stages.is_empty() {
        ui.label(egui::RichText::new("No stages yet.").color(theme::TEXT_WEAK));
    }
    for (stage_index, stage) in pipeline.stages.iter().enumerate() {
        let selected = selection == Selection::Stage(stage_index);
        let header = row(
            ui,
            selected,
            egui::RichText::new(format!("▸ {}", stage.name)).strong(),
            stage_label(&stage.name),
            Dragged::Stage(stage_index),
        );
        if header.clicked() {
            actions.push(OutlineAction::Select(Selection::Stage(stage_index)));
        }
        if let Some(dragged) = header.dnd_release_payload::<Dragged>() {
            match *dragged {
                Dragged::Stage(from) if from != stage_index => {
                    actions.push(OutlineAction::MoveStage {
                        from,
                        to: stage_index,
                    });
                }
                Dragged::Action(from) if from.stage != stage_index => {
                    actions.push(OutlineAction::MoveAction {
                        from,
                        to_stage: stage_index,
                    });
                }
                _ => {}
            }
        }
        if header.dnd_hover_payload::<Dragged>().is_some() {
            ui.painter().rect_stroke(
                header.rect,
                4.0,
                (1.5, theme::ACCENT),
                egui::StrokeKind::Outside,
            );
        }
        for (action_index, action) in stage.actions.iter().enumerate() {
            let at = ActionRef::new(stage_index, action_index);
            let selected = selection == Selection::Action(at);
            ui.horizontal(|ui| {
                ui.add_space(14.0);
                let order = if action.run_order > 1 {
                    format!("   (order {})", action.run_order)
                } else {
                    String::new()
                };
                let text = egui::RichText::new(format!(
                    "{} {}{order}",
                    theme::category_icon(action.category),
                    action.name
                ));
                let response = row(
                    ui,
                    selected,
                    text,
                    action_label(&stage.name, &action.name),
                    Dragged::Action(at),
                );
                if response.clicked() {
                    actions.push(OutlineAction::Select(Selection::Action(at)));
                }
            });
        }
    }
    if selection != Selection::Pipeline {
        ui.add_space(6.0);
        if ui
            .button("🗑 Delete selected")
            .on_hover_text("Delete the selected stage or action (Delete)")
            .clicked()
        {
            actions.push(OutlineAction::Delete(selection));
        }
    }
    actions
}
