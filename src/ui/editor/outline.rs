//! The outline: the stages and actions of the canvas as real widgets, so everything on the
//! canvas can be reached by keyboard, screen readers and tests. Items can be selected; while
//! editing they can also be reordered by dragging, and deleted.

use egui::{Sense, Ui, WidgetInfo, WidgetType};

use super::canvas::{CanvasMode, Selection};
use crate::model::Pipeline;
use crate::model::edit::ActionRef;
use crate::ui::command::{AppCommand, Commands};
use crate::ui::theme;

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
    payload: Option<Dragged>,
) -> egui::Response {
    let sense = if payload.is_some() {
        Sense::click_and_drag()
    } else {
        Sense::click()
    };
    let response = ui.add(egui::Button::selectable(selected, text).sense(sense));
    response
        .widget_info(|| WidgetInfo::selected(WidgetType::Button, true, selected, label.clone()));
    if let Some(payload) = payload
        && response.drag_started()
    {
        response.dnd_set_drag_payload(payload);
    }
    response
}

fn select(mode: CanvasMode, selection: Selection) -> AppCommand {
    match mode {
        CanvasMode::Edit => AppCommand::Select(selection),
        CanvasMode::Inspect => AppCommand::SelectInRun(selection),
    }
}

/// Draws the outline. In [`CanvasMode::Inspect`] it only selects: nothing can be moved or
/// deleted.
pub fn show(
    ui: &mut Ui,
    pipeline: &Pipeline,
    selection: Selection,
    mode: CanvasMode,
    commands: &mut Commands,
) {
    let editing = mode == CanvasMode::Edit;
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
            editing.then_some(Dragged::Stage(stage_index)),
        );
        if header.clicked() {
            commands.push(select(mode, Selection::Stage(stage_index)));
        }
        if editing && let Some(dragged) = header.dnd_release_payload::<Dragged>() {
            match *dragged {
                Dragged::Stage(from) if from != stage_index => {
                    commands.push(AppCommand::MoveStage {
                        from,
                        to: stage_index,
                    });
                }
                Dragged::Action(from) if from.stage != stage_index => {
                    commands.push(AppCommand::MoveActionToStage {
                        from,
                        stage: stage_index,
                    });
                }
                _ => {}
            }
        }
        if editing && header.dnd_hover_payload::<Dragged>().is_some() {
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
                let aws_only = if action.provider.info().aws_only {
                    "   (runs on AWS only)"
                } else {
                    ""
                };
                let text = egui::RichText::new(format!(
                    "{} {}{order}{aws_only}",
                    theme::category_icon(action.category),
                    action.name
                ));
                let response = row(
                    ui,
                    selected,
                    text,
                    action_label(&stage.name, &action.name),
                    editing.then_some(Dragged::Action(at)),
                );
                if response.clicked() {
                    commands.push(select(mode, Selection::Action(at)));
                }
            });
        }
    }
    if editing && selection != Selection::Pipeline {
        ui.add_space(6.0);
        if ui
            .button("🗑 Delete selected")
            .on_hover_text("Delete the selected stage or action (Delete)")
            .clicked()
        {
            commands.push(AppCommand::DeleteSelected);
        }
    }
}
