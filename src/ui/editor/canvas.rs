//! The canvas: stage lanes, action cards and artifact arrows, drawn with egui_graphs, with
//! the editor's own interactions (select, move a card, wire an artifact, pan, zoom, fit,
//! drop a palette item).
//!
//! egui_graphs' `GraphView::show` asks for a repaint every time it runs, which would keep an
//! idle window repainting forever. So `show` runs only on frames with input; other frames
//! paint the same card and arrow shapes directly, and ask for nothing.

use std::collections::HashMap;

use egui::{
    Align2, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, Ui, Vec2,
    vec2,
};
use egui_graphs::{
    GraphView, MetadataFrame, SettingsInteraction, SettingsNavigation, SettingsStyle,
};
use petgraph::stable_graph::NodeIndex;

use super::artifact_edge::{arrow_shapes, curve};
use super::card_shape::{CardData, RunBadge, card_shapes};
use super::graph::{self, FixedLayout, FixedState, PipeGraph};
use super::placement::{CARD_SIZE, DropTarget, LANE_HEADER, Placement, place};
use crate::model::edit::{ActionRef, runs_before};
use crate::model::{Category, Pipeline, Problem, ProviderKind};
use crate::ui::command::{AppCommand, Commands};
use crate::ui::theme;

const GRAPH_ID: &str = "pipeline-canvas";
const MIN_ZOOM: f32 = 0.2;
const MAX_ZOOM: f32 = 2.0;
/// The output port's radius, on the right edge of a card.
const PORT_RADIUS: f32 = 7.0;

/// A palette item being dragged onto the canvas: a provider in a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaletteItem {
    /// The provider.
    pub kind: ProviderKind,
    /// The category the new action gets.
    pub category: Category,
}

/// What is selected in the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Selection {
    /// The pipeline itself.
    #[default]
    Pipeline,
    /// A stage.
    Stage(usize),
    /// An action.
    Action(ActionRef),
}

/// What the canvas lets the person do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanvasMode {
    /// Design: select, move cards, wire artifacts, add and remove stages, drop palette items.
    Edit,
    /// Look at a run: select, pan, zoom, and click a transition arrow; nothing edits.
    Inspect,
}

/// How a canvas is shown: its zoom and pan. Kept per pipeline in the app's settings, never
/// in the pipeline file.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CanvasView {
    /// Zoom factor (1.0 = 100%).
    pub zoom: f32,
    /// Pan offset in screen points, `[x, y]`.
    pub pan: [f32; 2],
}

/// What a lane's title bar shows besides the stage's name (the run view fills it).
#[derive(Debug, Clone, PartialEq)]
pub struct LaneBadge {
    /// Colour of the state.
    pub color: Color32,
    /// First line, e.g. "▶ InProgress".
    pub status: String,
    /// Second line, e.g. the execution and revision in it.
    pub detail: String,
}

/// What the canvas draws, besides the pipeline.
#[derive(Default)]
pub struct Overlay {
    /// Live state of cards.
    pub cards: HashMap<ActionRef, RunBadge>,
    /// Live state of lanes, by stage index.
    pub lanes: HashMap<usize, LaneBadge>,
    /// Text at transition arrows (waiting executions, disabled reasons), by stage index.
    pub transitions: HashMap<usize, (String, bool)>,
    /// Changes whenever the overlay does, so the canvas knows to rebuild.
    pub revision: u64,
}

enum Gesture {
    Idle,
    MovingCard { at: ActionRef, grab: Vec2 },
    Wiring { from: ActionRef },
    Panning,
}

/// The canvas's state between frames.
pub struct Canvas {
    graph: PipeGraph,
    nodes: HashMap<ActionRef, NodeIndex>,
    placement: Placement,
    built: Option<(u64, u64, Option<ActionRef>)>,
    zoom: f32,
    pan: Vec2,
    rect: Rect,
    gesture: Gesture,
    pointer: Option<Pos2>,
    menu_target: Option<MenuTarget>,
    fit_pending: bool,
    view_changed: bool,
    first_frame: bool,
    mode: CanvasMode,
}

#[derive(Debug, Clone, Copy)]
enum MenuTarget {
    Card(ActionRef),
    Lane(usize),
    Empty(usize),
}

impl Default for Canvas {
    fn default() -> Self {
        Self {
            graph: PipeGraph::new(),
            nodes: HashMap::new(),
            placement: Placement::default(),
            built: None,
            zoom: 1.0,
            pan: vec2(24.0, 24.0),
            rect: Rect::NOTHING,
            gesture: Gesture::Idle,
            pointer: None,
            menu_target: None,
            fit_pending: true,
            view_changed: true,
            first_frame: true,
            mode: CanvasMode::Edit,
        }
    }
}

impl Canvas {
    /// A canvas that starts at `view` (remembered in the settings) instead of fitting.
    pub fn with_view(view: Option<CanvasView>) -> Self {
        let mut canvas = Self::default();
        if let Some(view) =
            view.filter(|view| view.zoom.is_finite() && view.pan.iter().all(|p| p.is_finite()))
        {
            canvas.zoom = view.zoom.clamp(MIN_ZOOM, MAX_ZOOM);
            canvas.pan = vec2(view.pan[0], view.pan[1]);
            canvas.fit_pending = false;
        }
        canvas
    }

    /// The current zoom and pan, for the settings; `None` until the first fit is done.
    pub fn view(&self) -> Option<CanvasView> {
        (!self.fit_pending).then_some(CanvasView {
            zoom: self.zoom,
            pan: [self.pan.x, self.pan.y],
        })
    }

    /// Fits everything into view on the next frame.
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// The zoom, for the toolbar.
    pub fn zoom(&self) -> f32 {
        self.zoom
    }

    /// Sets the zoom around the canvas centre.
    pub fn set_zoom(&mut self, zoom: f32) {
        let center = self.rect.size() / 2.0;
        self.zoom_around(center.to_pos2(), zoom / self.zoom);
    }

    fn zoom_around(&mut self, local: Pos2, factor: f32) {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let canvas = (local.to_vec2() - self.pan) / self.zoom;
        self.pan = local.to_vec2() - canvas * zoom;
        self.zoom = zoom;
        self.view_changed = true;
    }

    fn to_screen(&self, point: Pos2) -> Pos2 {
        self.rect.min + self.pan + point.to_vec2() * self.zoom
    }

    fn to_canvas(&self, screen: Pos2) -> Pos2 {
        ((screen - self.rect.min - self.pan) / self.zoom).to_pos2()
    }

    fn screen_rect(&self, rect: Rect) -> Rect {
        Rect::from_min_max(self.to_screen(rect.min), self.to_screen(rect.max))
    }

    /// Where a card is on screen (tests use this instead of fixed pixels).
    pub fn card_screen_rect(&self, at: ActionRef) -> Option<Rect> {
        self.placement
            .card(at)
            .map(|card| self.screen_rect(card.rect))
    }

    /// Where a stage's lane is on screen.
    pub fn lane_screen_rect(&self, stage: usize) -> Option<Rect> {
        self.placement
            .lanes
            .get(stage)
            .map(|lane| self.screen_rect(lane.rect))
    }

    /// Where the transition arrow in front of a stage is on screen.
    pub fn transition_screen_rect(&self, stage: usize) -> Option<Rect> {
        let (from, to) = self.placement.transition(stage)?;
        Some(self.screen_rect(Rect::from_two_pos(from, to).expand2(vec2(0.0, 6.0))))
    }

    /// Where the canvas is on screen.
    pub fn screen(&self) -> Rect {
        self.rect
    }

    fn fit(&mut self) {
        let bounds = self.placement.bounds();
        if !bounds.is_positive() || !self.rect.is_positive() {
            return;
        }
        let margin = 20.0;
        let room = (self.rect.size() - Vec2::splat(2.0 * margin)).max(Vec2::splat(1.0));
        self.zoom = (room.x / bounds.width())
            .min(room.y / bounds.height())
            .clamp(MIN_ZOOM, 1.0);
        let content = bounds.size() * self.zoom;
        self.pan = vec2(
            ((self.rect.width() - content.x) / 2.0).max(margin),
            ((self.rect.height() - content.y) / 2.0).max(margin),
        ) - bounds.min.to_vec2() * self.zoom;
        self.fit_pending = false;
        self.view_changed = true;
    }

    fn rebuild(
        &mut self,
        pipeline: &Pipeline,
        problems: &[Problem],
        overlay: &Overlay,
        selected: Option<ActionRef>,
        revision: u64,
    ) {
        let key = (revision, overlay.revision, selected);
        if self.built == Some(key) {
            return;
        }
        self.placement = place(pipeline);
        let views = graph::card_views(pipeline, problems, &overlay.cards);
        let (graph, nodes) = graph::build(pipeline, &self.placement, &views, selected);
        self.graph = graph;
        self.nodes = nodes;
        self.built = Some(key);
        self.view_changed = true;
    }

    /// A canvas for `mode`.
    pub fn new(mode: CanvasMode) -> Self {
        Self {
            mode,
            ..Self::default()
        }
    }

    /// What the canvas lets the person do.
    pub fn mode(&self) -> CanvasMode {
        self.mode
    }

    /// Draws the canvas and pushes what the person did.
    #[allow(clippy::too_many_arguments)]
    pub fn show(
        &mut self,
        ui: &mut Ui,
        pipeline: &Pipeline,
        problems: &[Problem],
        revision: u64,
        selection: Selection,
        overlay: &Overlay,
        commands: &mut Commands,
    ) {
        let selected = match selection {
            Selection::Action(at) => Some(at),
            _ => None,
        };
        self.rebuild(pipeline, problems, overlay, selected, revision);
        let available = ui.available_rect_before_wrap();
        if available != self.rect {
            self.rect = available;
            self.view_changed = true;
        }
        if self.fit_pending {
            self.fit();
        }
        let painter = ui.painter_at(self.rect);
        painter.rect_filled(self.rect, CornerRadius::ZERO, theme::CANVAS);
        self.paint_lanes(&painter, pipeline, selection, overlay);

        let live = self.first_frame
            || self.view_changed
            || ui.input(|i| {
                !i.events.is_empty() || i.pointer.any_down() || i.pointer.any_released()
            });
        let response = ui
            .push_id(GRAPH_ID, |ui| {
                if live {
                    self.show_graph(ui)
                } else {
                    self.paint_graph(ui)
                }
            })
            .inner;
        self.view_changed = false;
        if self.first_frame {
            // egui_graphs fits the view once on its first frame; put ours back.
            self.first_frame = false;
            self.store_view(ui);
            ui.ctx().request_repaint();
        }
        self.interact(ui, &response, pipeline, commands);
        if self.mode == CanvasMode::Edit {
            self.paint_gesture(&ui.painter_at(self.rect), pipeline, &response);
        }
        self.context_menu(&response, pipeline, commands);
        if pipeline.stages.is_empty() && self.mode == CanvasMode::Edit {
            painter.text(
                self.rect.center(),
                Align2::CENTER_CENTER,
                "Drag an action from the palette above and drop it here to start",
                FontId::proportional(16.0),
                theme::TEXT_WEAK,
            );
        }
    }

    fn store_view(&self, ui: &mut Ui) {
        let mut meta = MetadataFrame::new(Some(GRAPH_ID.into())).load(ui);
        meta.zoom = self.zoom;
        meta.pan = self.pan;
        meta.save(ui);
    }

    fn show_graph(&mut self, ui: &mut Ui) -> egui::Response {
        self.store_view(ui);
        GraphView::<FixedState, FixedLayout>::new()
            .with_id(Some(GRAPH_ID.into()))
            .with_interactions(
                &SettingsInteraction::new()
                    .with_dragging_enabled(false)
                    .with_node_clicking_enabled(false)
                    .with_node_selection_enabled(false),
            )
            .with_navigations(
                &SettingsNavigation::new()
                    .with_fit_to_screen_enabled(false)
                    .with_zoom_and_pan_enabled(false),
            )
            .with_styles(&SettingsStyle::new())
            .show(ui, &mut self.graph)
            .response
    }

    /// Paints what `show_graph` would, without egui_graphs (so nothing asks for a repaint).
    fn paint_graph(&mut self, ui: &mut Ui) -> egui::Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let hovered = self.pointer.and_then(|p| self.placement.card_at(p));
        let mut on_top = Vec::new();
        let edges: Vec<(Pos2, Pos2, String)> = self
            .graph
            .edges_iter()
            .filter_map(|(index, edge)| {
                let (a, b) = self.graph.edge_endpoints(index)?;
                Some((
                    self.graph.node(a)?.location(),
                    self.graph.node(b)?.location(),
                    edge.payload().artifact.clone(),
                ))
            })
            .collect();
        for (from, to, name) in edges {
            let points = curve(from, to).map(|p| self.to_screen(p));
            painter.extend(arrow_shapes(
                &painter,
                points,
                self.zoom,
                Some(&name),
                theme::ARTIFACT,
            ));
        }
        for (_, node) in self.graph.nodes_iter() {
            let view: &CardData = node.payload();
            let rect =
                Rect::from_center_size(self.to_screen(node.location()), CARD_SIZE * self.zoom);
            let shapes = card_shapes(
                &painter,
                rect,
                self.zoom,
                view,
                node.selected(),
                hovered == Some(view.at),
            );
            if node.selected() {
                on_top.extend(shapes);
            } else {
                painter.extend(shapes);
            }
        }
        painter.extend(on_top);
        response
    }

    fn paint_lanes(
        &self,
        painter: &egui::Painter,
        pipeline: &Pipeline,
        selection: Selection,
        overlay: &Overlay,
    ) {
        let zoom = self.zoom;
        for lane in &self.placement.lanes {
            let rect = self.screen_rect(lane.rect);
            let radius = CornerRadius::from(10.0 * zoom);
            painter.rect_filled(rect, radius, theme::LANE);
            let header = self.screen_rect(lane.header());
            let badge = overlay.lanes.get(&lane.stage);
            let header_fill = badge.map_or(theme::LANE_HEADER, |b| {
                super::card_shape::mix(theme::LANE_HEADER, b.color, 0.3)
            });
            painter.rect_filled(
                header,
                CornerRadius {
                    nw: radius.nw,
                    ne: radius.ne,
                    sw: 0,
                    se: 0,
                },
                header_fill,
            );
            if selection == Selection::Stage(lane.stage) {
                painter.rect_stroke(
                    rect,
                    radius,
                    Stroke::new(2.0, theme::ACCENT),
                    StrokeKind::Inside,
                );
            }
            let Some(stage) = pipeline.stages.get(lane.stage) else {
                continue;
            };
            if zoom >= 0.3 {
                let title = theme::one_line(
                    painter,
                    &stage.name,
                    FontId::proportional((16.0 * zoom).round()),
                    theme::TEXT,
                    header.width() - 20.0 * zoom,
                );
                painter.galley(header.min + vec2(12.0, 6.0) * zoom, title, theme::TEXT);
                let (line, color) = match badge {
                    Some(badge) => (format!("{}  {}", badge.status, badge.detail), badge.color),
                    None => (
                        format!(
                            "stage {} · {} action{}",
                            lane.stage + 1,
                            stage.actions.len(),
                            if stage.actions.len() == 1 { "" } else { "s" }
                        ),
                        theme::TEXT_WEAK,
                    ),
                };
                let line = theme::one_line(
                    painter,
                    &line,
                    FontId::proportional((12.0 * zoom).round()),
                    color,
                    header.width() - 20.0 * zoom,
                );
                painter.galley(header.min + vec2(12.0, 28.0) * zoom, line, color);
                if stage.actions.is_empty() {
                    painter.text(
                        rect.center() + vec2(0.0, LANE_HEADER * zoom / 2.0),
                        Align2::CENTER_CENTER,
                        "drop an action here",
                        FontId::proportional((13.0 * zoom).round()),
                        theme::TEXT_WEAK,
                    );
                }
            }
            if let Some((from, to)) = self.placement.transition(lane.stage) {
                let (from, to) = (self.to_screen(from), self.to_screen(to));
                let (text, disabled) = overlay
                    .transitions
                    .get(&lane.stage)
                    .cloned()
                    .unwrap_or_default();
                let color = if disabled {
                    theme::ERROR
                } else {
                    theme::TEXT_WEAK
                };
                let stroke = Stroke::new(2.0 * zoom.max(0.5), color);
                if disabled {
                    painter.extend(Shape::dashed_line(
                        &[from, to - vec2(8.0 * zoom, 0.0)],
                        stroke,
                        5.0 * zoom,
                        4.0 * zoom,
                    ));
                } else {
                    painter.line_segment([from, to - vec2(8.0 * zoom, 0.0)], stroke);
                }
                painter.add(Shape::convex_polygon(
                    vec![to, to - vec2(9.0, 5.0) * zoom, to - vec2(9.0, -5.0) * zoom],
                    color,
                    Stroke::NONE,
                ));
                if disabled {
                    painter.text(
                        (from + to.to_vec2()) / 2.0,
                        Align2::CENTER_CENTER,
                        "⛔",
                        FontId::proportional(14.0 * zoom.max(0.6)),
                        theme::ERROR,
                    );
                }
                if !text.is_empty() && zoom >= 0.4 {
                    let galley = painter.layout(
                        text,
                        FontId::proportional((11.0 * zoom).round()),
                        color,
                        (to.x - from.x).max(40.0) + 40.0 * zoom,
                    );
                    painter.galley(
                        Pos2::new(from.x - 20.0 * zoom, from.y + 12.0 * zoom),
                        galley,
                        color,
                    );
                }
            }
        }
    }

    /// The card whose output port is under `point` (a little outside the card counts).
    fn port_at(&self, point: Pos2) -> Option<ActionRef> {
        let reach = PORT_RADIUS * 2.0 / self.zoom.max(0.5);
        self.placement
            .cards
            .iter()
            .find(|card| card.rect.right_center().distance(point) <= reach)
            .map(|card| card.at)
    }

    fn port(&self, at: ActionRef) -> Option<Pos2> {
        self.placement.card(at).map(|card| card.rect.right_center())
    }

    fn interact(
        &mut self,
        ui: &Ui,
        response: &egui::Response,
        pipeline: &Pipeline,
        commands: &mut Commands,
    ) {
        let editing = self.mode == CanvasMode::Edit;
        self.pointer = response.hover_pos().map(|p| self.to_canvas(p));
        if response.hovered() {
            let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
            if zoom != 1.0 {
                if let Some(pointer) = response.hover_pos() {
                    self.zoom_around((pointer - self.rect.min).to_pos2(), zoom);
                }
            } else if scroll != Vec2::ZERO {
                self.pan += scroll;
                self.view_changed = true;
            }
        }
        if response.drag_started() {
            let origin = ui
                .input(|i| i.pointer.press_origin())
                .map(|p| self.to_canvas(p));
            self.gesture = match origin {
                Some(point) if editing => {
                    match (self.port_at(point), self.placement.card_at(point)) {
                        (Some(from), _) => Gesture::Wiring { from },
                        (None, Some(at)) => {
                            let min = self.placement.card(at).map_or(point, |card| card.rect.min);
                            Gesture::MovingCard {
                                at,
                                grab: point - min,
                            }
                        }
                        (None, None) => Gesture::Panning,
                    }
                }
                _ => Gesture::Panning,
            };
        }
        if response.dragged() && matches!(self.gesture, Gesture::Panning) {
            self.pan += response.drag_delta();
            self.view_changed = true;
        }
        if response.drag_stopped() {
            let end = response.interact_pointer_pos().map(|p| self.to_canvas(p));
            match (std::mem::replace(&mut self.gesture, Gesture::Idle), end) {
                (Gesture::MovingCard { at, grab }, Some(point)) => {
                    let center = point - grab + CARD_SIZE / 2.0;
                    let to = self.placement.drop_target(center);
                    let same_place = matches!(to, DropTarget::Stage { stage, run_order }
                        if stage == at.stage && pipeline.stages[at.stage].actions[at.action].run_order == run_order);
                    if !same_place {
                        commands.push(AppCommand::MoveAction { from: at, to });
                    }
                }
                (Gesture::Wiring { from }, Some(point)) => {
                    if let Some(to) = self.placement.card_at(point).filter(|to| *to != from) {
                        commands.push(AppCommand::Connect { from, to });
                    }
                }
                _ => {}
            }
        }
        if response.clicked()
            && let Some(point) = response.interact_pointer_pos().map(|p| self.to_canvas(p))
        {
            let transition = if editing {
                None
            } else {
                self.transition_at(point)
            };
            if let Some(stage) = transition {
                commands.push(AppCommand::AskTransition(stage));
            } else {
                let selection = match (
                    self.placement.card_at(point),
                    self.placement.header_at(point),
                ) {
                    (Some(at), _) => Selection::Action(at),
                    (None, Some(stage)) => Selection::Stage(stage),
                    (None, None) => Selection::Pipeline,
                };
                commands.push(if editing {
                    AppCommand::Select(selection)
                } else {
                    AppCommand::SelectInRun(selection)
                });
            }
        }
        if response.secondary_clicked()
            && let Some(point) = response.interact_pointer_pos().map(|p| self.to_canvas(p))
        {
            self.menu_target = Some(
                match (
                    self.placement.card_at(point),
                    self.placement.header_at(point),
                ) {
                    (Some(at), _) => MenuTarget::Card(at),
                    (None, Some(stage)) => MenuTarget::Lane(stage),
                    (None, None) => MenuTarget::Empty(match self.placement.drop_target(point) {
                        DropTarget::NewStage { index } => index,
                        DropTarget::Stage { stage, .. } => stage + 1,
                    }),
                },
            );
        }
        if editing
            && let Some(item) = response.dnd_release_payload::<PaletteItem>()
            && let Some(point) = response
                .hover_pos()
                .or_else(|| ui.input(|i| i.pointer.latest_pos()))
                .map(|p| self.to_canvas(p))
        {
            commands.push(AppCommand::AddAction {
                item: *item,
                to: self.placement.drop_target(point),
            });
        }
    }

    fn transition_at(&self, point: Pos2) -> Option<usize> {
        (1..self.placement.lanes.len()).find(|stage| {
            self.placement.transition(*stage).is_some_and(|(from, to)| {
                Rect::from_two_pos(from, to)
                    .expand2(vec2(0.0, 12.0))
                    .contains(point)
            })
        })
    }

    fn paint_drop_target(&self, painter: &egui::Painter, target: DropTarget) {
        let color = theme::ACCENT.gamma_multiply(0.35);
        match target {
            DropTarget::Stage { stage, run_order } => {
                if let Some(lane) = self.placement.lanes.get(stage) {
                    let row_top = lane
                        .rows
                        .iter()
                        .find(|row| row.run_order == run_order)
                        .map_or_else(
                            || {
                                lane.rows
                                    .last()
                                    .map_or(LANE_HEADER + 14.0, |r| r.top + CARD_SIZE.y + 26.0)
                            },
                            |row| row.top,
                        );
                    let rect = Rect::from_min_size(
                        Pos2::new(lane.rect.min.x + 6.0, row_top - 6.0),
                        vec2(lane.rect.width() - 12.0, CARD_SIZE.y + 12.0),
                    );
                    painter.rect_filled(
                        self.screen_rect(rect),
                        CornerRadius::from(8.0 * self.zoom),
                        color,
                    );
                }
            }
            DropTarget::NewStage { index } => {
                let x = match (
                    index
                        .checked_sub(1)
                        .and_then(|i| self.placement.lanes.get(i)),
                    self.placement.lanes.get(index),
                ) {
                    (Some(before), Some(after)) => (before.rect.max.x + after.rect.min.x) / 2.0,
                    (Some(before), None) => before.rect.max.x + 32.0,
                    (None, Some(after)) => after.rect.min.x - 32.0,
                    (None, None) => 40.0,
                };
                let height = self.placement.bounds().height().max(200.0);
                let rect = Rect::from_min_size(Pos2::new(x - 6.0, 0.0), vec2(12.0, height));
                painter.rect_filled(
                    self.screen_rect(rect),
                    CornerRadius::from(6.0),
                    theme::ACCENT.gamma_multiply(0.6),
                );
            }
        }
    }

    fn paint_gesture(
        &self,
        painter: &egui::Painter,
        pipeline: &Pipeline,
        response: &egui::Response,
    ) {
        // Output ports on hover, to show where wires start.
        if let Some(at) = self.pointer.and_then(|p| self.placement.card_at(p))
            && let Some(port) = self.port(at)
        {
            painter.circle(
                self.to_screen(port),
                PORT_RADIUS * self.zoom,
                theme::CANVAS,
                Stroke::new(2.0, theme::ARTIFACT),
            );
        }
        if response.dnd_hover_payload::<PaletteItem>().is_some()
            && let Some(point) = self.pointer
        {
            self.paint_drop_target(painter, self.placement.drop_target(point));
        }
        match self.gesture {
            Gesture::MovingCard { at, grab } => {
                if let (Some(point), Some(view)) = (
                    self.pointer,
                    self.nodes.get(&at).and_then(|n| self.graph.node(*n)),
                ) {
                    let center = point - grab + CARD_SIZE / 2.0;
                    self.paint_drop_target(painter, self.placement.drop_target(center));
                    let rect = self.screen_rect(Rect::from_center_size(center, CARD_SIZE));
                    let shapes = card_shapes(painter, rect, self.zoom, view.payload(), true, false);
                    painter.extend(shapes.into_iter().map(|shape| fade(shape, 0.75)));
                }
            }
            Gesture::Wiring { from } => {
                if let (Some(start), Some(point)) = (self.port(from), self.pointer) {
                    let target = self.placement.card_at(point).filter(|to| *to != from);
                    let valid = target.map(|to| runs_before(pipeline, from, to));
                    let color = match valid {
                        Some(true) => theme::SUCCESS,
                        Some(false) => theme::ERROR,
                        None => theme::ARTIFACT,
                    };
                    if let Some(card) = target.and_then(|to| self.placement.card(to)) {
                        painter.rect_stroke(
                            self.screen_rect(card.rect),
                            CornerRadius::from(8.0 * self.zoom),
                            Stroke::new(3.0, color),
                            StrokeKind::Outside,
                        );
                    }
                    let (a, b) = (self.to_screen(start), self.to_screen(point));
                    painter.extend(Shape::dashed_line(
                        &[a, b],
                        Stroke::new(2.0, color),
                        8.0,
                        5.0,
                    ));
                }
            }
            Gesture::Idle | Gesture::Panning => {}
        }
    }

    fn context_menu(
        &mut self,
        response: &egui::Response,
        pipeline: &Pipeline,
        commands: &mut Commands,
    ) {
        let Some(target) = self.menu_target else {
            return;
        };
        if self.mode == CanvasMode::Inspect {
            response.context_menu(|ui| {
                if ui.button("Fit to view").clicked() {
                    self.fit_pending = true;
                    ui.close();
                }
            });
            return;
        }
        response.context_menu(|ui| match target {
            MenuTarget::Card(at) => {
                if ui.button("Duplicate").clicked() {
                    commands.push(AppCommand::DuplicateAction(at));
                    ui.close();
                }
                if ui.button("Delete").clicked() {
                    commands.push(AppCommand::DeleteAction(at));
                    ui.close();
                }
            }
            MenuTarget::Lane(stage) => {
                if ui.button("Add stage after").clicked() {
                    commands.push(AppCommand::AddStage(stage + 1));
                    ui.close();
                }
                if stage > 0 && ui.button("Move stage left").clicked() {
                    commands.push(AppCommand::ShiftStage(stage, -1));
                    ui.close();
                }
                if stage + 1 < pipeline.stages.len() && ui.button("Move stage right").clicked() {
                    commands.push(AppCommand::ShiftStage(stage, 1));
                    ui.close();
                }
                if ui.button("Remove stage…").clicked() {
                    commands.push(AppCommand::AskRemoveStage(stage));
                    ui.close();
                }
            }
            MenuTarget::Empty(index) => {
                if ui.button("Add stage here").clicked() {
                    commands.push(AppCommand::AddStage(index));
                    ui.close();
                }
                if ui.button("Fit to view").clicked() {
                    self.fit_pending = true;
                    ui.close();
                }
            }
        });
    }
}

fn fade(shape: Shape, alpha: f32) -> Shape {
    let mut shape = shape;
    match &mut shape {
        Shape::Rect(rect) => rect.fill = rect.fill.gamma_multiply(alpha),
        Shape::Text(text) => text.fallback_color = text.fallback_color.gamma_multiply(alpha),
        _ => {}
    }
    shape
}
