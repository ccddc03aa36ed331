//! Colours, icons and text helpers shared by the UI. Status is always shown by colour **and**
//! an icon or word, never by colour alone.

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Color32, FontId, Galley, Painter};

use crate::model::Category;

/// The accent colour (selection, focus, primary buttons).
pub const ACCENT: Color32 = Color32::from_rgb(0x4c, 0x9a, 0xff);
/// The colour of errors.
pub const ERROR: Color32 = Color32::from_rgb(0xe5, 0x48, 0x4d);
/// The colour of warnings.
pub const WARNING: Color32 = Color32::from_rgb(0xe8, 0xa3, 0x3d);
/// The colour of success.
pub const SUCCESS: Color32 = Color32::from_rgb(0x3f, 0xb9, 0x50);
/// Background of the canvas.
pub const CANVAS: Color32 = Color32::from_rgb(0x16, 0x19, 0x1e);
/// Background of a stage lane.
pub const LANE: Color32 = Color32::from_rgb(0x20, 0x24, 0x2b);
/// Background of a lane's title bar.
pub const LANE_HEADER: Color32 = Color32::from_rgb(0x29, 0x2e, 0x37);
/// Background of a card.
pub const CARD: Color32 = Color32::from_rgb(0x30, 0x36, 0x40);
/// Cards of actions that run on AWS only (foreign actions).
pub const AWS_ONLY: Color32 = Color32::from_rgb(0x22, 0x2c, 0x3c);
/// Main text on cards and lanes.
pub const TEXT: Color32 = Color32::from_rgb(0xe6, 0xe9, 0xee);
/// Secondary text.
pub const TEXT_WEAK: Color32 = Color32::from_rgb(0x9a, 0xa3, 0xb0);
/// Artifact arrows.
pub const ARTIFACT: Color32 = Color32::from_rgb(0x8a, 0x7d, 0xff);

/// The colour that marks a category.
pub fn category_color(category: Category) -> Color32 {
    match category {
        Category::Source => Color32::from_rgb(0x2e, 0xa0, 0x8f),
        Category::Build => Color32::from_rgb(0x4c, 0x9a, 0xff),
        Category::Test => Color32::from_rgb(0xb3, 0x7c, 0xf0),
        Category::Approval => Color32::from_rgb(0xe8, 0xa3, 0x3d),
        Category::Deploy => Color32::from_rgb(0x3f, 0xb9, 0x50),
        Category::Invoke => Color32::from_rgb(0xe0, 0x6c, 0x9f),
    }
}

/// A small icon for a category (from egui's bundled emoji font).
pub fn category_icon(category: Category) -> &'static str {
    match category {
        Category::Source => "📥",
        Category::Build => "🔨",
        Category::Test => "🔬",
        Category::Approval => "✋",
        Category::Deploy => "🚀",
        Category::Invoke => "⚡",
    }
}

/// One line of text, cut with `…` to fit `width`.
pub fn one_line(
    painter: &Painter,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> Arc<Galley> {
    let mut job = LayoutJob::single_section(text.to_string(), TextFormat::simple(font, color));
    job.wrap = TextWrapping::truncate_at_width(width.max(1.0));
    painter.layout_job(job)
}

/// Sets Pipewright's look: dark, with a little more room than egui's defaults.
pub fn install(ctx: &egui::Context) {
    // Arrows, bullets and triangles are in Hack but not in the proportional fonts.
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.push("Hack".into());
    }
    ctx.set_fonts(fonts);
    ctx.set_visuals(egui::Visuals::dark());
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
        style.visuals.selection.bg_fill = ACCENT.gamma_multiply(0.55);
        style.visuals.hyperlink_color = ACCENT;
    });
}
