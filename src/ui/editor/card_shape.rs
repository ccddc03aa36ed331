//! The action card: how egui_graphs draws a node (category strip and icon, name, provider,
//! one line of configuration, a validation badge, and in the run view its live state).

use std::sync::Arc;

use egui::epaint::CircleShape;
use egui::{
    Align2, Color32, CornerRadius, FontId, Painter, Pos2, Rect, Shape, Stroke, StrokeKind, Vec2,
    vec2,
};
use egui_graphs::{DisplayNode, DrawContext, NodeProps};
use petgraph::EdgeType;
use petgraph::stable_graph::IndexType;

use crate::model::Category;
use crate::model::edit::ActionRef;
use crate::ui::theme;

/// What a card shows about its action's latest run, when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct RunBadge {
    /// The card's colour for this state.
    pub color: Color32,
    /// A short word with its icon, e.g. "✔ Succeeded".
    pub label: String,
    /// Elapsed or total time, e.g. "12.3s".
    pub time: String,
}

/// Everything a card shows; shared cheaply between frames.
#[derive(Debug, Clone, PartialEq)]
pub struct CardView {
    /// The action it stands for.
    pub at: ActionRef,
    /// The action's name.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// Its provider's name.
    pub provider: &'static str,
    /// One line about its configuration.
    pub detail: String,
    /// It runs on AWS only (a foreign action): drawn apart, skipped when run here.
    pub aws_only: bool,
    /// How many validation problems it has.
    pub problems: usize,
    /// Its latest run, in the run view.
    pub run: Option<RunBadge>,
}

/// The payload of a canvas node.
pub type CardData = Arc<CardView>;

/// Draws a card and hit-tests it (canvas coordinates; `location` is the card's centre).
#[derive(Debug, Clone)]
pub struct CardShape {
    center: Pos2,
    view: CardData,
    selected: bool,
    hovered: bool,
}

impl From<NodeProps<CardData>> for CardShape {
    fn from(props: NodeProps<CardData>) -> Self {
        Self {
            center: props.location(),
            view: props.payload.clone(),
            selected: props.selected,
            hovered: props.hovered,
        }
    }
}

impl<E: Clone, Ty: EdgeType, Ix: IndexType> DisplayNode<CardData, E, Ty, Ix> for CardShape {
    fn closest_boundary_point(&self, dir: Vec2) -> Pos2 {
        let half = super::placement::CARD_SIZE * 0.5;
        let tx = if dir.x == 0.0 {
            f32::INFINITY
        } else {
            half.x / dir.x.abs()
        };
        let ty = if dir.y == 0.0 {
            f32::INFINITY
        } else {
            half.y / dir.y.abs()
        };
        let t = tx.min(ty);
        if t.is_finite() {
            self.center + dir * t
        } else {
            self.center
        }
    }

    fn shapes(&mut self, ctx: &DrawContext) -> Vec<Shape> {
        let zoom = ctx.meta.zoom;
        let rect = Rect::from_center_size(
            ctx.meta.canvas_to_screen_pos(self.center),
            super::placement::CARD_SIZE * zoom,
        );
        card_shapes(
            ctx.painter,
            rect,
            zoom,
            &self.view,
            self.selected,
            self.hovered,
        )
    }

    fn update(&mut self, props: &NodeProps<CardData>) {
        self.center = props.location();
        if !Arc::ptr_eq(&self.view, &props.payload) {
            self.view = props.payload.clone();
        }
        self.selected = props.selected;
        self.hovered = props.hovered;
    }

    fn is_inside(&self, pos: Pos2) -> bool {
        Rect::from_center_size(self.center, super::placement::CARD_SIZE).contains(pos)
    }
}

/// The shapes of one card drawn in `rect` (screen coordinates) at `zoom`.
pub fn card_shapes(
    painter: &Painter,
    rect: Rect,
    zoom: f32,
    view: &CardView,
    selected: bool,
    hovered: bool,
) -> Vec<Shape> {
    let radius = CornerRadius::from(8.0 * zoom);
    let accent = theme::category_color(view.category);
    let base = if view.aws_only {
        theme::AWS_ONLY
    } else {
        theme::CARD
    };
    let fill = match &view.run {
        Some(run) => mix(base, run.color, 0.22),
        None => base,
    };
    let stroke = if selected {
        Stroke::new(2.5, theme::ACCENT)
    } else if view.problems > 0 {
        Stroke::new(1.5, theme::ERROR)
    } else if let Some(run) = &view.run {
        Stroke::new(1.5, run.color)
    } else if hovered {
        Stroke::new(1.5, theme::TEXT_WEAK)
    } else {
        Stroke::new(1.0, Color32::from_gray(70))
    };
    let mut shapes = vec![
        Shape::rect_filled(rect, radius, fill),
        Shape::rect_filled(
            Rect::from_min_size(rect.min, vec2(5.0 * zoom, rect.height())),
            CornerRadius {
                nw: radius.nw,
                sw: radius.sw,
                ne: 0,
                se: 0,
            },
            accent,
        ),
        Shape::rect_stroke(rect, radius, stroke, StrokeKind::Inside),
    ];
    if zoom < 0.35 {
        return shapes;
    }
    let pad = 11.0 * zoom;
    let left = rect.min.x + pad;
    let width = rect.width() - 2.0 * pad;
    let title = FontId::proportional((16.0 * zoom).round());
    let small = FontId::proportional((12.5 * zoom).round());
    let mono = FontId::monospace((12.0 * zoom).round());
    let icon = painter.layout_no_wrap(
        theme::category_icon(view.category).into(),
        title.clone(),
        accent,
    );
    let icon_width = icon.size().x + 6.0 * zoom;
    shapes.push(Shape::galley(
        Pos2::new(left, rect.min.y + 9.0 * zoom),
        icon,
        accent,
    ));
    let badge_room = if view.problems > 0 { 26.0 * zoom } else { 0.0 };
    let name = theme::one_line(
        painter,
        &view.name,
        title,
        theme::TEXT,
        width - icon_width - badge_room,
    );
    shapes.push(Shape::galley(
        Pos2::new(left + icon_width, rect.min.y + 9.0 * zoom),
        name,
        theme::TEXT,
    ));
    let (kind, kind_color) = if view.aws_only {
        (
            format!("runs on AWS only · {}", view.category.as_str()),
            theme::ACCENT,
        )
    } else {
        (
            format!("{} · {}", view.provider, view.category.as_str()),
            theme::TEXT_WEAK,
        )
    };
    let kind = theme::one_line(painter, &kind, small.clone(), kind_color, width);
    shapes.push(Shape::galley(
        Pos2::new(left, rect.min.y + 33.0 * zoom),
        kind,
        kind_color,
    ));
    match &view.run {
        Some(run) => {
            let label = theme::one_line(painter, &run.label, small.clone(), run.color, width * 0.7);
            shapes.push(Shape::galley(
                Pos2::new(left, rect.max.y - 24.0 * zoom),
                label,
                run.color,
            ));
            let time = painter.layout_no_wrap(run.time.clone(), small, theme::TEXT_WEAK);
            let at = Pos2::new(rect.max.x - pad - time.size().x, rect.max.y - 24.0 * zoom);
            shapes.push(Shape::galley(at, time, theme::TEXT_WEAK));
        }
        None => {
            let detail = theme::one_line(painter, &view.detail, mono, theme::TEXT_WEAK, width);
            shapes.push(Shape::galley(
                Pos2::new(left, rect.max.y - 26.0 * zoom),
                detail,
                theme::TEXT_WEAK,
            ));
        }
    }
    if view.problems > 0 {
        let center = Pos2::new(rect.max.x - 16.0 * zoom, rect.min.y + 18.0 * zoom);
        shapes.push(Shape::Circle(CircleShape::filled(
            center,
            10.0 * zoom,
            theme::ERROR,
        )));
        let count = painter.layout_no_wrap(
            view.problems.min(99).to_string(),
            FontId::proportional((11.0 * zoom).round()),
            Color32::WHITE,
        );
        let at = Align2::CENTER_CENTER.anchor_size(center, count.size()).min;
        shapes.push(Shape::galley(at, count, Color32::WHITE));
    }
    shapes
}

/// `a` moved `amount` of the way towards `b`.
pub fn mix(a: Color32, b: Color32, amount: f32) -> Color32 {
    let lerp = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * amount).round() as u8;
    Color32::from_rgb(lerp(a.r(), b.r()), lerp(a.g(), b.g()), lerp(a.b(), b.b()))
}
