//! The palette: one chip per provider and category. Drag a chip onto the canvas, or click it
//! to add the action to the selected stage.

use egui::{Id, Sense, Ui};

use super::canvas::PaletteItem;
use crate::model::providers::PaletteEntry;
use crate::model::{Category, ProviderKind};
use crate::ui::command::{AppCommand, Commands};
use crate::ui::theme;

/// Every palette entry, in pipeline order (by category, then provider), with its label.
pub fn items() -> Vec<(ProviderKind, PaletteEntry)> {
    let mut items: Vec<(ProviderKind, PaletteEntry)> = ProviderKind::ALL
        .iter()
        .flat_map(|kind| kind.info().palette.iter().map(|entry| (*kind, *entry)))
        .collect();
    items.sort_by_key(|(_, entry)| {
        Category::ALL
            .iter()
            .position(|category| *category == entry.category)
    });
    items
}

/// The accessible name of a palette chip, e.g. "Add Build".
pub fn palette_label(label: &str) -> String {
    format!("Add {label}")
}

/// Draws the palette; a click adds the item to the selected stage.
pub fn show(ui: &mut Ui, commands: &mut Commands) {
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Palette").color(theme::TEXT_WEAK))
            .on_hover_text("Drag onto a stage lane (or between lanes for a new stage), or click to add to the selected stage");
        for (kind, PaletteEntry { category, label, .. }) in items() {
            let item = PaletteItem { kind, category };
            let text = egui::RichText::new(format!("{} {label}", theme::category_icon(category)))
                .color(theme::category_color(category));
            let response = ui
                .add(egui::Button::new(text).sense(Sense::click_and_drag()))
                .on_hover_text(format!("A {} action ({} provider): drag it onto the canvas", category.as_str(), kind.as_str()));
            response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, palette_label(label)));
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
                commands.push(AppCommand::AddToSelection(item));
            }
        }
    });
}
