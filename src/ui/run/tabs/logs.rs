//! The Logs tab: the log of the action selected in the run view.

use egui::Ui;

use super::{RunTab, TabId};
use crate::ui::command::Commands;
use crate::ui::run::data::RunData;
use crate::ui::run::view::RunView;
use crate::ui::theme;

/// The tab's name.
pub const ID: TabId = TabId("Logs");

/// The Logs tab.
pub struct Logs;

impl RunTab for Logs {
    fn id(&self) -> TabId {
        ID
    }

    fn show(&self, ui: &mut Ui, _data: &RunData, view: &mut RunView, _commands: &mut Commands) {
        match &mut view.logs {
            Some(logs) => {
                let ctx = ui.ctx().clone();
                logs.show(ui, move || ctx.request_repaint());
            }
            None => {
                ui.label(
                    egui::RichText::new("Select an action in the run view to see its log.")
                        .color(theme::TEXT_WEAK),
                );
            }
        }
    }
}
