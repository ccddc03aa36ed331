//! The approval card: under a waiting approval's card on the canvas, its message, review
//! link, a summary field, and Approve / Reject.

use std::collections::HashMap;

use egui::{Area, Frame, Id, Order, Rect, Ui, vec2};

use super::model::ExecutionView;
use crate::clock::{format_duration_ms, now_ms};
use crate::ui::theme;

/// A decision made on a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The stage of the approval.
    pub stage: String,
    /// The approval action.
    pub action: String,
    /// Approve (true) or reject.
    pub approved: bool,
    /// The summary typed.
    pub summary: String,
}

/// Draws a card for each waiting approval of `execution`; `card_rect` gives where its action
/// card is on screen. Returns the decisions made this frame.
pub fn show(
    ui: &Ui,
    execution: &ExecutionView,
    summaries: &mut HashMap<(String, String, String), String>,
    card_rect: impl Fn(&str, &str) -> Option<Rect>,
) -> Vec<Decision> {
    let mut decisions = Vec::new();
    let clip = ui.clip_rect();
    for (stage, action) in execution.waiting_approvals() {
        let Some(rect) = card_rect(&stage, &action).filter(|r| clip.intersects(*r)) else {
            continue;
        };
        let Some(approval) = execution.approvals.get(&(stage.clone(), action.clone())) else {
            continue;
        };
        let key = (execution.id.clone(), stage.clone(), action.clone());
        let summary = summaries.entry(key).or_default();
        Area::new(Id::new(("approval", &execution.id, &stage, &action)))
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
                                    decisions.push(Decision {
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
    decisions
}
