//! Where things go on the canvas: one lane per stage, left to right; one row per run_order
//! group, top to bottom; parallel actions side by side in their row. Also answers "what is
//! under this point" for drops and clicks. Canvas coordinates, before zoom and pan.

use egui::{Pos2, Rect, Vec2, pos2, vec2};

use crate::model::Pipeline;
use crate::model::edit::ActionRef;

/// Card size.
pub const CARD_SIZE: Vec2 = vec2(200.0, 84.0);
/// Space between cards in a row.
pub const CARD_GAP: f32 = 12.0;
/// Space between rows.
pub const ROW_GAP: f32 = 24.0;
/// Padding inside a lane.
pub const LANE_PAD: f32 = 12.0;
/// Height of a lane's title bar.
pub const LANE_HEADER: f32 = 52.0;
/// Space between lanes, where the transition arrow goes.
pub const LANE_GAP: f32 = 44.0;

/// A stage's lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The stage index.
    pub stage: usize,
    /// The whole lane, title bar included.
    pub rect: Rect,
    /// Its run_order rows, in order.
    pub rows: Vec<Row>,
}

impl Lane {
    /// The title bar.
    pub fn header(&self) -> Rect {
        Rect::from_min_size(self.rect.min, vec2(self.rect.width(), LANE_HEADER))
    }
}

/// One run_order group in a lane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Its run order.
    pub run_order: u32,
    /// The y of its cards' top edge.
    pub top: f32,
}

/// An action's card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Card {
    /// The action.
    pub at: ActionRef,
    /// Where it is drawn.
    pub rect: Rect,
}

/// Where a dropped action would go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropTarget {
    /// Into `stage` with `run_order` (joining that row, or starting a new one).
    Stage {
        /// The stage index.
        stage: usize,
        /// The run order it gets.
        run_order: u32,
    },
    /// Into a new stage inserted at `index`.
    NewStage {
        /// Where the new stage goes.
        index: usize,
    },
}

/// The placement of a whole pipeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placement {
    /// One lane per stage.
    pub lanes: Vec<Lane>,
    /// One card per action.
    pub cards: Vec<Card>,
}

/// Places every stage and action.
pub fn place(pipeline: &Pipeline) -> Placement {
    let mut placement = Placement::default();
    let mut x = 0.0;
    let mut tallest: f32 = 0.0;
    for (stage_index, stage) in pipeline.stages.iter().enumerate() {
        let orders = stage.run_orders();
        let widest = orders
            .iter()
            .map(|order| {
                stage
                    .actions
                    .iter()
                    .filter(|a| a.run_order == *order)
                    .count()
            })
            .max()
            .unwrap_or(1)
            .max(1);
        let width = LANE_PAD * 2.0 + widest as f32 * CARD_SIZE.x + (widest - 1) as f32 * CARD_GAP;
        let mut rows = Vec::new();
        for (row_index, order) in orders.iter().enumerate() {
            let top = LANE_HEADER + LANE_PAD + row_index as f32 * (CARD_SIZE.y + ROW_GAP);
            rows.push(Row {
                run_order: *order,
                top,
            });
            let members = stage
                .actions
                .iter()
                .enumerate()
                .filter(|(_, action)| action.run_order == *order);
            for (slot, (action_index, _)) in members.enumerate() {
                let min = pos2(x + LANE_PAD + slot as f32 * (CARD_SIZE.x + CARD_GAP), top);
                placement.cards.push(Card {
                    at: ActionRef::new(stage_index, action_index),
                    rect: Rect::from_min_size(min, CARD_SIZE),
                });
            }
        }
        let rows_height = orders.len().max(1) as f32 * (CARD_SIZE.y + ROW_GAP);
        let height = LANE_HEADER + LANE_PAD + rows_height;
        tallest = tallest.max(height);
        placement.lanes.push(Lane {
            stage: stage_index,
            rect: Rect::from_min_size(pos2(x, 0.0), vec2(width, height)),
            rows,
        });
        x += width + LANE_GAP;
    }
    // Lanes share one height, so the canvas reads as a table of stages.
    for lane in &mut placement.lanes {
        lane.rect.max.y = tallest;
    }
    placement
}

impl Placement {
    /// The rectangle around everything.
    pub fn bounds(&self) -> Rect {
        self.lanes
            .iter()
            .map(|lane| lane.rect)
            .fold(Rect::NOTHING, |all, rect| all.union(rect))
    }

    /// The card of an action.
    pub fn card(&self, at: ActionRef) -> Option<&Card> {
        self.cards.iter().find(|card| card.at == at)
    }

    /// The card under a point.
    pub fn card_at(&self, point: Pos2) -> Option<ActionRef> {
        self.cards
            .iter()
            .find(|card| card.rect.contains(point))
            .map(|card| card.at)
    }

    /// The lane whose title bar is under a point.
    pub fn header_at(&self, point: Pos2) -> Option<usize> {
        self.lanes
            .iter()
            .find(|lane| lane.header().contains(point))
            .map(|lane| lane.stage)
    }

    /// The transition arrow in front of the lane of `stage` (stages after the first).
    pub fn transition(&self, stage: usize) -> Option<(Pos2, Pos2)> {
        let before = self.lanes.get(stage.checked_sub(1)?)?;
        let lane = self.lanes.get(stage)?;
        let y = LANE_HEADER / 2.0;
        Some((
            pos2(before.rect.max.x + 6.0, y),
            pos2(lane.rect.min.x - 6.0, y),
        ))
    }

    /// Where an action dropped at `point` goes.
    pub fn drop_target(&self, point: Pos2) -> DropTarget {
        let Some(first) = self.lanes.first() else {
            return DropTarget::NewStage { index: 0 };
        };
        if point.x < first.rect.min.x {
            return DropTarget::NewStage { index: 0 };
        }
        for lane in &self.lanes {
            if point.x < lane.rect.min.x {
                // In the gap in front of this lane.
                return DropTarget::NewStage { index: lane.stage };
            }
            if point.x <= lane.rect.max.x {
                return DropTarget::Stage {
                    stage: lane.stage,
                    run_order: Self::row_for(lane, point.y),
                };
            }
        }
        DropTarget::NewStage {
            index: self.lanes.len(),
        }
    }

    fn row_for(lane: &Lane, y: f32) -> u32 {
        let Some(last) = lane.rows.last() else {
            return 1;
        };
        for row in &lane.rows {
            if y < row.top + CARD_SIZE.y + ROW_GAP / 2.0 {
                return row.run_order;
            }
        }
        last.run_order + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProviderKind;
    use crate::model::edit::{add_action, insert_stage, new_action};

    fn sample() -> Pipeline {
        let mut p = Pipeline::new("p");
        insert_stage(&mut p, 0, "Source");
        insert_stage(&mut p, 1, "Test");
        let a = new_action(&p, 0, ProviderKind::Git, crate::model::Category::Build);
        add_action(&mut p, 0, a, 1);
        for order in [1, 1, 2] {
            let action = new_action(&p, 1, ProviderKind::Commands, crate::model::Category::Build);
            add_action(&mut p, 1, action, order);
        }
        p
    }

    #[test]
    fn parallel_actions_share_a_row_and_later_ones_go_below() {
        let placement = place(&sample());
        let card = |s, a| placement.card(ActionRef::new(s, a)).unwrap().rect;
        assert_eq!(card(1, 0).top(), card(1, 1).top());
        assert!(card(1, 1).left() > card(1, 0).right());
        assert!(card(1, 2).top() > card(1, 0).bottom());
        let lanes = &placement.lanes;
        assert!(
            lanes[1].rect.width() > lanes[0].rect.width(),
            "the wider row widens its lane"
        );
        assert_eq!(lanes[0].rect.height(), lanes[1].rect.height());
    }

    #[test]
    fn drops_land_in_rows_new_rows_and_new_stages() {
        let placement = place(&sample());
        let lanes = &placement.lanes;
        let second = lanes[1].rect;
        let row_one = lanes[1].rows[0].top + 10.0;
        assert_eq!(
            placement.drop_target(pos2(second.center().x, row_one)),
            DropTarget::Stage {
                stage: 1,
                run_order: 1
            }
        );
        let below = lanes[1].rows[1].top + CARD_SIZE.y + ROW_GAP;
        assert_eq!(
            placement.drop_target(pos2(second.center().x, below)),
            DropTarget::Stage {
                stage: 1,
                run_order: 3
            }
        );
        let gap = (lanes[0].rect.max.x + second.min.x) / 2.0;
        assert_eq!(
            placement.drop_target(pos2(gap, 100.0)),
            DropTarget::NewStage { index: 1 }
        );
        assert_eq!(
            placement.drop_target(pos2(second.max.x + 30.0, 100.0)),
            DropTarget::NewStage { index: 2 }
        );
    }
}
