//! The palette: one chip per provider and category. Drag a chip onto the canvas, or click it
//! to add the action to the selected stage.

use egui::{Id, Sense, Ui};

use super::canvas::PaletteItem;
use crate::model::{Category, ProviderKind};
use crate::ui::theme;

/// Every palette entry, in pipeline order, with its label.
pub const ITEMS: [(ProviderKind, Category, &str); 7] = [
    (ProviderKind::Git, Category::Source, "Git source"),
    (ProviderKind::Folder, Category::Source, "Folder source"),
    (ProviderKind::Commands, Category::Build, "Build commands"),
    (ProviderKind::Commands, Category::Test, "Test commands"),
    (ProviderKind::Manual, Category::Approval, "Manual approval"),
    (ProviderKind::LocalDeploy, Category::Deploy, "Local deploy"),
    (ProviderKind::Script, Category::Invoke, "Script invoke"),
];

/// Draws the palette; returns an item that was clicked.
pub fn show(ui: &mut Ui) -> Option<PaletteItem> {
    let mut clicked = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Palette").color(theme::TEXT_WEAK))
            .on_hover_text("Drag onto a stage lane (or between lanes for a new stage), or click to add to the selected stage");
        for (kind, category, label) in ITEMS {
            let item = PaletteItem { kind, category };
            let text = egui::RichText::new(format!("{} {label}", theme::category_icon(category)))
                .color(theme::category_color(category));
            let response = ui
                .add(egui::Button::new(text).sense(Sense::click_and_drag()))
                .on_hover_text(format!("{} action ({})", category.as_str(), kind.as_str()));
            if response.drag_started() {
                response.dnd_set_drag_payload(item);
            }
            if response.dragged()
                && let Some(pointer) = ui.ctx().pointer_latest_pos()
            {
                egui::Area::new(Id::new(("palette-drag", label)))
                    .order(egui::Order::Tooltip)
                    .fixed_pos(pointer + egui::vec2(12.0, 12.0))
                    .interactable(false)
                    .show(ui.ctx(), |ui| {
                        egui::Frame::popup(ui.style()).show(ui, |ui| {
                            ui.label(format!("{} {label}", theme::category_icon(category)));
                        });
                    });
            }
            if response.clicked() {
                clicked = Some(item);
            }
        }
    });
    clicked
}
