//! The egui_graphs graph behind the canvas: one node per action card, one edge per artifact
//! an action reads from an earlier one, positions taken from [`super::placement`].

use std::collections::HashMap;
use std::sync::Arc;

use egui_graphs::{DisplayNode, Graph, Layout, LayoutState};
use petgraph::Directed;
use petgraph::stable_graph::{DefaultIx, NodeIndex};

use super::artifact_edge::{ArtifactEdge, EdgeData, EdgeView};
use super::card_shape::{CardData, CardShape, CardView, RunBadge};
use super::placement::Placement;
use super::preview::without_escapes;
use crate::model::edit::ActionRef;
use crate::model::{Pipeline, Problem};

/// The canvas graph.
pub type PipeGraph = Graph<CardData, EdgeData, Directed, DefaultIx, CardShape, ArtifactEdge>;

/// A layout that never moves anything: the editor places every card itself.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct FixedState;

impl LayoutState for FixedState {}

/// See [`FixedState`].
#[derive(Debug, Default)]
pub struct FixedLayout;

impl Layout<FixedState> for FixedLayout {
    fn from_state(_state: FixedState) -> impl Layout<FixedState> {
        FixedLayout
    }

    fn next<N, E, Ty, Ix, Dn, De>(
        &mut self,
        _graph: &mut Graph<N, E, Ty, Ix, Dn, De>,
        _ui: &egui::Ui,
    ) where
        N: Clone,
        E: Clone,
        Ty: petgraph::EdgeType,
        Ix: petgraph::stable_graph::IndexType,
        Dn: egui_graphs::DisplayNode<N, E, Ty, Ix>,
        De: egui_graphs::DisplayEdge<N, E, Ty, Ix, Dn>,
    {
    }

    fn state(&self) -> FixedState {
        FixedState
    }
}

/// The card views of a pipeline, by action.
pub fn card_views(
    pipeline: &Pipeline,
    problems: &[Problem],
    badges: &HashMap<ActionRef, RunBadge>,
) -> HashMap<ActionRef, CardData> {
    let mut counts: HashMap<ActionRef, usize> = HashMap::new();
    for problem in problems {
        if let Some(at) = action_of_path(&problem.path) {
            *counts.entry(at).or_default() += 1;
        }
    }
    let mut views = HashMap::new();
    for (stage_index, stage) in pipeline.stages.iter().enumerate() {
        for (action_index, action) in stage.actions.iter().enumerate() {
            let at = ActionRef::new(stage_index, action_index);
            views.insert(
                at,
                Arc::new(CardView {
                    at,
                    name: action.name.clone(),
                    category: action.category,
                    provider: action.provider.kind().as_str(),
                    detail: without_escapes(&action.provider.config().summary()),
                    aws_only: action.provider.info().aws_only,
                    problems: counts.get(&at).copied().unwrap_or(0),
                    run: badges.get(&at).cloned(),
                }),
            );
        }
    }
    views
}

/// `stages[2].actions[1]...` → the action it is about.
pub fn action_of_path(path: &str) -> Option<ActionRef> {
    let rest = path.strip_prefix("stages[")?;
    let (stage, rest) = rest.split_once(']')?;
    let rest = rest.strip_prefix(".actions[")?;
    let (action, _) = rest.split_once(']')?;
    Some(ActionRef::new(stage.parse().ok()?, action.parse().ok()?))
}

/// Builds the graph: a node per card (selected as asked) and an edge per artifact flow.
pub fn build(
    pipeline: &Pipeline,
    placement: &Placement,
    views: &HashMap<ActionRef, CardData>,
    selected: Option<ActionRef>,
) -> (PipeGraph, HashMap<ActionRef, NodeIndex>) {
    let mut graph = PipeGraph::new();
    let mut nodes = HashMap::new();
    for card in &placement.cards {
        let Some(view) = views.get(&card.at) else {
            continue;
        };
        let center = card.rect.center();
        let index = graph.add_node_custom(view.clone(), |node| {
            node.set_location(center);
            node.set_selected(Some(card.at) == selected);
        });
        if let Some(node) = graph.node_mut(index) {
            let props = node.props().clone();
            DisplayNode::<CardData, EdgeData, Directed, DefaultIx>::update(
                node.display_mut(),
                &props,
            );
        }
        nodes.insert(card.at, index);
    }
    let producers: HashMap<&str, ActionRef> = pipeline
        .stages
        .iter()
        .enumerate()
        .flat_map(|(s, stage)| {
            stage
                .actions
                .iter()
                .enumerate()
                .flat_map(move |(a, action)| {
                    action
                        .output_artifacts
                        .iter()
                        .map(move |output| (output.name.as_str(), ActionRef::new(s, a)))
                })
        })
        .collect();
    for (s, stage) in pipeline.stages.iter().enumerate() {
        for (a, action) in stage.actions.iter().enumerate() {
            for input in &action.input_artifacts {
                let (Some(producer), Some(&to)) = (
                    producers.get(input.as_str()),
                    nodes.get(&ActionRef::new(s, a)),
                ) else {
                    continue;
                };
                if let Some(&from) = nodes.get(producer) {
                    graph.add_edge(
                        from,
                        to,
                        Arc::new(EdgeView {
                            artifact: input.clone(),
                        }),
                    );
                }
            }
        }
    }
    (graph, nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_paths_point_at_their_action() {
        assert_eq!(
            action_of_path("stages[2].actions[10].provider.commands[0]"),
            Some(ActionRef::new(2, 10))
        );
        assert_eq!(action_of_path("stages[1].name"), None);
        assert_eq!(action_of_path("name"), None);
    }
}
