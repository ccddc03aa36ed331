//! The artifact arrow: how egui_graphs draws an edge from the card that produces an artifact
//! to a card that reads it, labelled with the artifact's name.

use std::sync::Arc;

use egui::epaint::{CubicBezierShape, RectShape};
use egui::{Color32, CornerRadius, FontId, Pos2, Rect, Shape, Stroke, Vec2, vec2};
use egui_graphs::{DisplayEdge, DrawContext, EdgeProps, Node};
use petgraph::EdgeType;
use petgraph::stable_graph::IndexType;

use super::card_shape::{CardData, CardShape};
use super::placement::CARD_SIZE;
use crate::ui::theme;

/// What an arrow shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeView {
    /// The artifact's name.
    pub artifact: String,
}

/// The payload of a canvas edge.
pub type EdgeData = Arc<EdgeView>;

/// Draws an artifact arrow.
#[derive(Debug, Clone)]
pub struct ArtifactEdge {
    view: EdgeData,
}

impl From<EdgeProps<EdgeData>> for ArtifactEdge {
    fn from(props: EdgeProps<EdgeData>) -> Self {
        Self {
            view: props.payload,
        }
    }
}

/// The bezier's four points in canvas coordinates: right side to left side between lanes,
/// bottom to top within a lane.
pub fn curve(from: Pos2, to: Pos2) -> [Pos2; 4] {
    let half = CARD_SIZE * 0.5;
    if to.x - from.x > half.x {
        let start = from + vec2(half.x, 0.0);
        let end = to - vec2(half.x, 0.0);
        let reach = ((end.x - start.x) * 0.5).max(30.0);
        [start, start + vec2(reach, 0.0), end - vec2(reach, 0.0), end]
    } else {
        let start = from + vec2(0.0, half.y);
        let end = to - vec2(0.0, half.y);
        let reach = ((end.y - start.y) * 0.5).max(20.0);
        [start, start + vec2(0.0, reach), end - vec2(0.0, reach), end]
    }
}

/// The shapes of an arrow between two screen-space control polygons.
pub fn arrow_shapes(
    ctx: &egui::Painter,
    points: [Pos2; 4],
    zoom: f32,
    label: Option<&str>,
    color: Color32,
) -> Vec<Shape> {
    let stroke = Stroke::new((1.8 * zoom).max(1.0), color);
    let tip = points[3];
    let direction = (points[3] - points[2]).normalized();
    let direction = if direction.is_finite() {
        direction
    } else {
        Vec2::X
    };
    let (length, width) = (9.0 * zoom, 5.0 * zoom);
    let back = tip - direction * length;
    let mut shapes = vec![
        Shape::CubicBezier(CubicBezierShape::from_points_stroke(
            [points[0], points[1], points[2], back],
            false,
            Color32::TRANSPARENT,
            stroke,
        )),
        Shape::convex_polygon(
            vec![
                tip,
                back + direction.rot90() * width,
                back - direction.rot90() * width,
            ],
            color,
            Stroke::NONE,
        ),
    ];
    if let Some(label) = label.filter(|_| zoom >= 0.7) {
        let middle =
            CubicBezierShape::from_points_stroke(points, false, Color32::TRANSPARENT, stroke)
                .sample(0.5);
        let galley = ctx.layout_no_wrap(
            label.to_string(),
            FontId::proportional((11.0 * zoom).round()),
            theme::TEXT,
        );
        let rect = Rect::from_center_size(middle, galley.size() + vec2(10.0, 4.0) * zoom);
        shapes.push(Shape::Rect(RectShape::filled(
            rect,
            CornerRadius::from(rect.height() / 2.0),
            theme::CANVAS,
        )));
        shapes.push(Shape::rect_stroke(
            rect,
            CornerRadius::from(rect.height() / 2.0),
            Stroke::new(1.0, color),
            egui::StrokeKind::Inside,
        ));
        shapes.push(Shape::galley(
            rect.center() - galley.size() / 2.0,
            galley,
            theme::TEXT,
        ));
    }
    shapes
}

impl<Ty: EdgeType, Ix: IndexType> DisplayEdge<CardData, EdgeData, Ty, Ix, CardShape>
    for ArtifactEdge
{
    fn shapes(
        &mut self,
        start: &Node<CardData, EdgeData, Ty, Ix, CardShape>,
        end: &Node<CardData, EdgeData, Ty, Ix, CardShape>,
        ctx: &DrawContext,
    ) -> Vec<Shape> {
        let points =
            curve(start.location(), end.location()).map(|p| ctx.meta.canvas_to_screen_pos(p));
        arrow_shapes(
            ctx.painter,
            points,
            ctx.meta.zoom,
            Some(&self.view.artifact),
            theme::ARTIFACT,
        )
    }

    fn update(&mut self, props: &EdgeProps<EdgeData>) {
        if !Arc::ptr_eq(&self.view, &props.payload) {
            self.view = props.payload.clone();
        }
    }

    fn is_inside(
        &self,
        start: &Node<CardData, EdgeData, Ty, Ix, CardShape>,
        end: &Node<CardData, EdgeData, Ty, Ix, CardShape>,
        pos: Pos2,
    ) -> bool {
        let points = curve(start.location(), end.location());
        let samples: Vec<Pos2> = (0..=16)
            .map(|i| {
                CubicBezierShape::from_points_stroke(
                    points,
                    false,
                    Color32::TRANSPARENT,
                    Stroke::NONE,
                )
                .sample(i as f32 / 16.0)
            })
            .collect();
        samples
            .windows(2)
            .any(|pair| distance_to_segment(pos, pair[0], pair[1]) < 6.0)
    }
}

fn distance_to_segment(point: Pos2, a: Pos2, b: Pos2) -> f32 {
    let along = b - a;
    let t = if along.length_sq() == 0.0 {
        0.0
    } else {
        ((point - a).dot(along) / along.length_sq()).clamp(0.0, 1.0)
    };
    point.distance(a + along * t)
}
