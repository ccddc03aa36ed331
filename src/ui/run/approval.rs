//! The approval card: under a waiting approval's card on the canvas, its message, review
//! link, a summary field, and Approve / Reject.

use std::collections::HashMap;

use egui::{Area, Frame, Id, Order, Rect, Ui, vec2};

use crate::clock::{format_duration_ms, now_ms};
use crate::execution::{ActionId, ExecutionId, ExecutionSnapshot};
use crate::ui::command::{AppCommand, Commands};
use crate::ui::theme;

/// Draws a card for each waiting approval of `execution`; `card_rect` gives where its action
/// card is on screen. Approve and Reject push [`AppCommand::Decide`].
pub fn show(
    ui: &Ui,
    execution: &ExecutionSnapshot,
    summaries: &mut HashMap<(ExecutionId, ActionId), String>,
    card_rect: impl Fn(&str, &str) -> Option<Rect>,
    commands: &mut Commands,
) {
    let clip = ui.clip_rect();
    for approval_id in execution.waiting_approvals() {
        let (stage, action) = (&approval_id.stage, &approval_id.action);
        let Some(rect) = card_rect(stage, action).filter(|r| clip.intersects(*r)) else {
            continue;
        };
        let Some(approval) = execution.approvals.get(&approval_id) else {
            continue;
        };
        let summary = summaries
            .entry((execution.id.clone(), approval_id.clone()))
            .or_default();
        Area::new(Id::new(("approval", &execution.id, stage, action)))
            .order(Order::Foreground)
            .fixed_pos(rect.left_bottom() + vec2(0.0, 8.0))
            .show(ui.ctx(), |ui| {
                Frame::popup(ui.style())
                    .stroke((1.5, theme::WARNING))
                    .show(ui, |ui| {
                        ui.set_width(rect.width().max(260.0));
                        ui.label(
                            egui::RichText::new(format!("✋ Approval needed: {stage}/{action}"))
                                .strong()
                                .color(theme::WARNING),
                        );
                        if let Some(message) = &approval.message {
                            ui.label(message);
                        }
                        if let Some(url) = &approval.review_url {
                            ui.hyperlink_to(format!("🔗 Review: {url}"), url);
                        }
                        let left = approval.expires_ms - now_ms();
                        ui.label(
                            egui::RichText::new(format!(
                                "times out in {}",
                                format_duration_ms(left)
                            ))
                            .small()
                            .color(theme::TEXT_WEAK),
                        );
                        let caption = ui.label("Summary");
                        ui.add(
                            egui::TextEdit::multiline(summary)
                                .desired_rows(2)
                                .hint_text("why (shown in history)")
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(caption.id);
                        ui.horizontal(|ui| {
                            let approve = ui.add(
                                egui::Button::new("✔ Approve")
                                    .fill(theme::SUCCESS.gamma_multiply(0.5)),
                            );
                            let reject = ui.add(
                                egui::Button::new("✖ Reject")
                                    .fill(theme::ERROR.gamma_multiply(0.5)),
                            );
                            for (response, approved) in [(approve, true), (reject, false)] {
                                response.widget_info(|| {
                                    egui::WidgetInfo::labeled(
                                        egui::WidgetType::Button,
                                        true,
                                        if approved { "Approve" } else { "Reject" },
                                    )
                                });
                                if response.clicked() {
                                    let text = if summary.trim().is_empty() {
                                        if approved { "approved" } else { "rejected" }.to_string()
                                    } else {
                                        summary.trim().to_string()
                                    };
                                    commands.push(AppCommand::Decide {
                                        execution: execution.id.clone(),
                                        stage: stage.clone(),
                                        action: action.clone(),
                                        approved,
                                        summary: text,
                                    });
                                }
                            }
                        });
                    });
            });
    }
}
