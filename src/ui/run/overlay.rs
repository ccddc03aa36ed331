//! Turns an execution into what the canvas draws over its pipeline: each card's state (colour
//! **and** icon and word), elapsed or total time, the attempt number; each lane's state with
//! the execution and revision in it; and what waits at each transition.

use egui::Color32;

use super::data::RunData;
use crate::clock::format_duration_ms;
use crate::execution::{ActionId, ExecutionSnapshot};
use crate::model::Pipeline;
use crate::model::edit::ActionRef;
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};
use crate::ui::editor::canvas::{LaneBadge, Overlay};
use crate::ui::editor::card_shape::RunBadge;
use crate::ui::theme;

/// Grey for "not run".
pub const NOT_RUN: Color32 = Color32::from_rgb(0x6b, 0x73, 0x80);
/// Blue for running.
pub const RUNNING: Color32 = Color32::from_rgb(0x4c, 0x9a, 0xff);

/// The spinner frame for `now_ms`.
pub fn spinner(now_ms: i64) -> char {
    ['◐', '◓', '◑', '◒'][((now_ms / 150) % 4) as usize]
}

/// Colour and label of a stage status.
pub fn stage_look(status: Option<StageStatus>, now_ms: i64) -> (Color32, String) {
    match status {
        None => (NOT_RUN, "○ Not run".into()),
        Some(StageStatus::InProgress) => (RUNNING, format!("{} In progress", spinner(now_ms))),
        Some(StageStatus::Stopping) => (theme::WARNING, "⏸ Stopping".into()),
        Some(StageStatus::Stopped) => (NOT_RUN, "⏹ Stopped".into()),
        Some(StageStatus::Succeeded) => (theme::SUCCESS, "✔ Succeeded".into()),
        Some(StageStatus::Failed) => (theme::ERROR, "❌ Failed".into()),
        Some(StageStatus::Cancelled) => (NOT_RUN, "⏹ Cancelled".into()),
        Some(StageStatus::Skipped) => (NOT_RUN, "⏭ Skipped".into()),
    }
}

/// Colour and label of an execution status.
pub fn execution_look(status: ExecutionStatus, now_ms: i64) -> (Color32, String) {
    match status {
        ExecutionStatus::InProgress => (RUNNING, format!("{} InProgress", spinner(now_ms))),
        ExecutionStatus::Stopping => (theme::WARNING, "⏸ Stopping".into()),
        ExecutionStatus::Stopped => (NOT_RUN, "⏹ Stopped".into()),
        ExecutionStatus::Succeeded => (theme::SUCCESS, "✔ Succeeded".into()),
        ExecutionStatus::Superseded => (NOT_RUN, "⇢ Superseded".into()),
        ExecutionStatus::Failed => (theme::ERROR, "❌ Failed".into()),
        ExecutionStatus::Cancelled => (NOT_RUN, "⏹ Cancelled".into()),
    }
}

fn action_badge(execution: &ExecutionSnapshot, stage: &str, action: &str, now_ms: i64) -> RunBadge {
    let key = ActionId::new(stage, action);
    let Some(attempt) = execution.attempts.get(&key) else {
        let stage_status = execution.stages.get(stage).and_then(|s| s.status);
        let (color, label) = match stage_status {
            Some(StageStatus::InProgress) => (NOT_RUN, "⏳ Queued".to_string()),
            Some(StageStatus::Skipped) => (NOT_RUN, "⏭ Skipped".to_string()),
            _ if execution.status == ExecutionStatus::Superseded => {
                (NOT_RUN, "⇢ Superseded".to_string())
            }
            _ => (NOT_RUN, "○ Not run".to_string()),
        };
        return RunBadge {
            color,
            label,
            time: String::new(),
        };
    };
    let waiting_approval = execution
        .approvals
        .get(&key)
        .is_some_and(|a| a.decision.is_none());
    let (color, mut label) = match attempt.status {
        ActionStatus::InProgress if waiting_approval => {
            (theme::WARNING, "✋ Waiting for approval".to_string())
        }
        ActionStatus::InProgress if attempt.waiting.is_some() => (
            theme::WARNING,
            format!("⏳ {}", attempt.waiting.as_deref().unwrap_or_default()),
        ),
        ActionStatus::InProgress => (RUNNING, format!("{} Running", spinner(now_ms))),
        ActionStatus::Succeeded => (theme::SUCCESS, "✔ Succeeded".to_string()),
        ActionStatus::Failed => (theme::ERROR, "❌ Failed".to_string()),
        ActionStatus::Abandoned => (NOT_RUN, "⏹ Abandoned".to_string()),
    };
    if attempt.key.attempt > 1 {
        label.push_str(&format!(" · attempt {}", attempt.key.attempt));
    }
    let time = format_duration_ms(attempt.ended_ms.unwrap_or(now_ms) - attempt.started_ms);
    RunBadge { color, label, time }
}

/// The overlay for `execution` on its definition `pipeline`.
pub fn build(
    data: &RunData,
    execution: &ExecutionSnapshot,
    pipeline: &Pipeline,
    now_ms: i64,
) -> Overlay {
    // While it runs, spinners turn and times tick: a new revision every spinner frame.
    let tick = if execution.is_live() {
        (now_ms / 150) as u64
    } else {
        0
    };
    let mut overlay = Overlay {
        revision: data.revision.wrapping_mul(1_000_003) ^ tick,
        ..Overlay::default()
    };
    let revision = execution
        .revision()
        .map(|r| format!(" · {} {}", r.commit, r.message))
        .unwrap_or_default();
    for (stage_index, stage) in pipeline.stages.iter().enumerate() {
        for (action_index, action) in stage.actions.iter().enumerate() {
            overlay.cards.insert(
                ActionRef::new(stage_index, action_index),
                action_badge(execution, &stage.name, &action.name, now_ms),
            );
        }
        let view = execution.stages.get(&stage.name);
        let (color, status) = stage_look(view.and_then(|s| s.status), now_ms);
        let detail = match view.and_then(|s| s.status) {
            Some(_) => format!("{}{revision}", crate::execution::short_id(&execution.id)),
            None => String::new(),
        };
        overlay.lanes.insert(
            stage_index,
            LaneBadge {
                color,
                status,
                detail,
            },
        );
        if stage_index > 0 {
            let mut lines = Vec::new();
            let disabled = data
                .disabled
                .get(&(pipeline.name.clone(), stage.name.clone()));
            if let Some(reason) = disabled {
                lines.push(format!("disabled: {reason}"));
            }
            for waiting in data.waiting_at(&pipeline.name, &stage.name) {
                lines.push(format!(
                    "⏳ {} waiting",
                    crate::execution::short_id(&waiting.id)
                ));
            }
            if !lines.is_empty() || disabled.is_some() {
                overlay
                    .transitions
                    .insert(stage_index, (lines.join("\n"), disabled.is_some()));
            }
        }
    }
    overlay
}
