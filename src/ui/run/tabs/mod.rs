//! The run view's tabs in the bottom panel. Each tab is one file with a type implementing
//! [`RunTab`]; [`TABS`] lists them in the order they show. A new tab is one file plus one
//! line here.

pub mod history;
pub mod logs;
pub mod tests;
pub mod timeline;

use egui::Ui;

use super::data::RunData;
use super::reader::Query;
use super::view::RunView;
use crate::ui::command::Commands;

/// A tab's stable name (also its label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TabId(pub &'static str);

/// A tab of the run view's bottom panel.
pub trait RunTab: Sync {
    /// Its name and label.
    fn id(&self) -> TabId;

    /// What it needs read from the store that `data` does not have yet; `visible` says
    /// whether it is on screen (a tab may read ahead so it opens at once).
    fn wants(&self, _data: &RunData, _view: &RunView, _visible: bool) -> Option<Query> {
        None
    }

    /// Draws it. Panels read the data, change their own view state, and push commands.
    fn show(&self, ui: &mut Ui, data: &RunData, view: &mut RunView, commands: &mut Commands);
}

/// The run view's tabs, in order.
pub const TABS: &[&dyn RunTab] = &[
    &logs::Logs,
    &history::History,
    &timeline::Timeline,
    &tests::Tests,
];

/// The tab named `id`.
pub fn tab(id: TabId) -> Option<&'static dyn RunTab> {
    TABS.iter().copied().find(|tab| tab.id() == id)
}

/// Says there is no execution to show.
pub fn nothing_shown(ui: &mut Ui) {
    ui.label(egui::RichText::new("No execution shown.").color(crate::ui::theme::TEXT_WEAK));
}
