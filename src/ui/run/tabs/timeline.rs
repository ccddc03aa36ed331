//! The timeline: a Gantt chart of the shown execution. Each stage shows the time it waited in
//! front of its transition (hatched) and the time it ran; each action shows the time it
//! waited for its run order group (thin) and the time it ran, coloured by how it ended.

use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Stroke, Ui, vec2};

use super::{RunTab, TabId, nothing_shown};
use crate::clock::{format_duration_ms, now_ms};
use crate::execution::{ActionId, ExecutionSnapshot};
use crate::model::Pipeline;
use crate::model::status::{ActionStatus, StageStatus};
use crate::ui::command::Commands;
use crate::ui::run::data::RunData;
use crate::ui::run::overlay::{NOT_RUN, RUNNING};
use crate::ui::run::view::RunView;
use crate::ui::theme;

const LABEL_WIDTH: f32 = 200.0;
const ROW: f32 = 20.0;

fn action_color(status: ActionStatus) -> Color32 {
    match status {
        ActionStatus::InProgress => RUNNING,
        ActionStatus::Succeeded => theme::SUCCESS,
        ActionStatus::Failed => theme::ERROR,
        ActionStatus::Abandoned => NOT_RUN,
    }
}

fn stage_color(status: Option<StageStatus>) -> Color32 {
    match status {
        Some(StageStatus::Succeeded) => theme::SUCCESS,
        Some(StageStatus::Failed) => theme::ERROR,
        Some(StageStatus::InProgress | StageStatus::Stopping) => RUNNING,
        _ => NOT_RUN,
    }
}

/// The tab's name.
pub const ID: TabId = TabId("Timeline");

/// The Timeline tab.
pub struct Timeline;

impl RunTab for Timeline {
    fn id(&self) -> TabId {
        ID
    }

    fn show(&self, ui: &mut Ui, data: &RunData, view: &mut RunView, _commands: &mut Commands) {
        match view.shown.as_deref().and_then(|id| data.execution(id)) {
            Some(execution) => match data.definition(execution) {
                Some(pipeline) => chart(ui, execution, pipeline),
                None => {
                    ui.label("The definition of this execution is not available.");
                }
            },
            None => nothing_shown(ui),
        }
    }
}

fn chart(ui: &mut Ui, execution: &ExecutionSnapshot, pipeline: &Pipeline) {
    let now = now_ms();
    let start = execution.started_ms;
    let end = execution.ended_ms.unwrap_or(now).max(start + 1);
    let rows = pipeline.stages.len()
        + pipeline
            .stages
            .iter()
            .map(|s| s.actions.len())
            .sum::<usize>();
    egui::ScrollArea::vertical()
        .id_salt("timeline")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let width = ui.available_width().max(LABEL_WIDTH + 100.0);
            let (response, painter) =
                ui.allocate_painter(vec2(width, (rows as f32 + 1.0) * ROW), Sense::hover());
            let area = response.rect;
            let chart = Rect::from_min_max(
                Pos2::new(area.min.x + LABEL_WIDTH, area.min.y + ROW),
                area.max,
            );
            let x =
                |ms: i64| chart.min.x + (ms - start) as f32 / (end - start) as f32 * chart.width();
            painter.text(
                Pos2::new(chart.min.x, area.min.y + 2.0),
                Align2::LEFT_TOP,
                "0s",
                FontId::proportional(11.0),
                theme::TEXT_WEAK,
            );
            painter.text(
                Pos2::new(chart.max.x, area.min.y + 2.0),
                Align2::RIGHT_TOP,
                format_duration_ms(end - start),
                FontId::proportional(11.0),
                theme::TEXT_WEAK,
            );
            let mut y = chart.min.y;
            for stage in &pipeline.stages {
                let view = execution.stages.get(&stage.name);
                painter.text(
                    Pos2::new(area.min.x + 4.0, y + ROW / 2.0),
                    Align2::LEFT_CENTER,
                    &stage.name,
                    FontId::proportional(13.0),
                    theme::TEXT,
                );
                for wait in &execution.waits {
                    if wait.stage == stage.name {
                        let bar = Rect::from_min_max(
                            Pos2::new(x(wait.from_ms), y + 5.0),
                            Pos2::new(x(wait.to_ms.unwrap_or(now)), y + ROW - 5.0),
                        );
                        painter.rect_filled(bar, CornerRadius::ZERO, NOT_RUN.gamma_multiply(0.4));
                        let mut hatch = bar.min.x;
                        while hatch < bar.max.x {
                            painter.line_segment(
                                [
                                    Pos2::new(hatch, bar.max.y),
                                    Pos2::new((hatch + 6.0).min(bar.max.x), bar.min.y),
                                ],
                                Stroke::new(1.0, NOT_RUN),
                            );
                            hatch += 6.0;
                        }
                    }
                }
                if let Some(started) = view.and_then(|v| v.started_ms) {
                    let finished = view.and_then(|v| v.ended_ms).unwrap_or(now);
                    let bar = Rect::from_min_max(
                        Pos2::new(x(started), y + 4.0),
                        Pos2::new(x(finished).max(x(started) + 2.0), y + ROW - 4.0),
                    );
                    painter.rect_filled(
                        bar,
                        CornerRadius::from(3.0),
                        stage_color(view.and_then(|v| v.status)).gamma_multiply(0.7),
                    );
                    painter.text(
                        bar.right_center() + vec2(4.0, 0.0),
                        Align2::LEFT_CENTER,
                        format_duration_ms(finished - started),
                        FontId::proportional(11.0),
                        theme::TEXT_WEAK,
                    );
                }
                y += ROW;
                for action in &stage.actions {
                    painter.text(
                        Pos2::new(area.min.x + 18.0, y + ROW / 2.0),
                        Align2::LEFT_CENTER,
                        &action.name,
                        FontId::proportional(12.0),
                        theme::TEXT_WEAK,
                    );
                    if let Some(attempt) = execution
                        .attempts
                        .get(&ActionId::new(&stage.name, &action.name))
                    {
                        if let Some(stage_start) = view
                            .and_then(|v| v.started_ms)
                            .filter(|s| *s < attempt.started_ms)
                        {
                            painter.line_segment(
                                [
                                    Pos2::new(x(stage_start), y + ROW / 2.0),
                                    Pos2::new(x(attempt.started_ms), y + ROW / 2.0),
                                ],
                                Stroke::new(1.0, NOT_RUN),
                            );
                        }
                        let finished = attempt.ended_ms.unwrap_or(now);
                        let bar = Rect::from_min_max(
                            Pos2::new(x(attempt.started_ms), y + 5.0),
                            Pos2::new(x(finished).max(x(attempt.started_ms) + 2.0), y + ROW - 5.0),
                        );
                        painter.rect_filled(
                            bar,
                            CornerRadius::from(3.0),
                            action_color(attempt.status),
                        );
                        painter.text(
                            bar.right_center() + vec2(4.0, 0.0),
                            Align2::LEFT_CENTER,
                            format_duration_ms(finished - attempt.started_ms),
                            FontId::proportional(11.0),
                            theme::TEXT_WEAK,
                        );
                    }
                    y += ROW;
                }
            }
            if execution.is_live() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(500));
            }
        });
}
