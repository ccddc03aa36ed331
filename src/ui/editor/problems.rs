//! The problems list: every validation problem of the open pipeline; clicking one selects
//! what it is about.

use egui::Ui;

use super::canvas::Selection;
use super::graph::action_of_path;
use crate::model::Problem;
use crate::ui::command::{AppCommand, Commands};
use crate::ui::theme;

/// What a problem is about, for selecting it.
pub fn target(problem: &Problem) -> Selection {
    if let Some(at) = action_of_path(&problem.path) {
        return Selection::Action(at);
    }
    problem
        .path
        .strip_prefix("stages[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(index, _)| index.parse().ok())
        .map_or(Selection::Pipeline, Selection::Stage)
}

/// Draws the list; a click shows the problem in the editor.
pub fn show(ui: &mut Ui, problems: &[Problem], commands: &mut Commands) {
    if problems.is_empty() {
        ui.label(
            egui::RichText::new("✔ No problems: this pipeline can run.").color(theme::SUCCESS),
        );
        return;
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for problem in problems {
                let text =
                    egui::RichText::new(format!("⚠ {}  ({})", problem.message, problem.path))
                        .color(theme::ERROR);
                if ui.add(egui::Button::new(text).frame(false)).clicked() {
                    commands.push(AppCommand::ShowProblem(target(problem)));
                }
            }
        });
}
