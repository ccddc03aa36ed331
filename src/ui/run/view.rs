//! How the run view shows things: which execution, whether it follows the newest, the
//! canvas, the selection, the open log, the history list's filters and window, and the
//! approval summaries being typed.

use std::collections::HashMap;

use super::reader::HistoryQuery;
use crate::execution::{ActionId, ExecutionId, TriggerKind};
use crate::model::status::ExecutionStatus;
use crate::store::history::{HistoryFilter, Page};
use crate::ui::editor::canvas::{Canvas, CanvasMode, Selection};
use crate::ui::logs::view::LogView;

/// Rows of history read at once around what is on screen.
pub const HISTORY_PAGE: usize = 200;

/// The history list's filters as typed, and the rows on screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryView {
    /// Only this status.
    pub status: Option<ExecutionStatus>,
    /// Only this trigger kind.
    pub trigger_kind: Option<TriggerKind>,
    /// Branch or commit.
    pub revision: String,
    /// Text in the pipeline's name or the trigger's sentence.
    pub text: String,
    /// From this day (YYYY-MM-DD).
    pub from: String,
    /// Until this day, inclusive (YYYY-MM-DD).
    pub until: String,
    /// The first and last row drawn in the last frame.
    pub visible: Option<(usize, usize)>,
}

fn day_start_ms(text: &str) -> Option<i64> {
    use chrono::{Local, NaiveDate, TimeZone};
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    Local
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.timestamp_millis())
}

impl HistoryView {
    /// Whether a date field holds something that is not a date.
    pub fn bad_date(text: &str) -> bool {
        !text.trim().is_empty() && day_start_ms(text).is_none()
    }

    /// The filter for `pipeline`'s executions.
    pub fn filter(&self, pipeline: &str) -> HistoryFilter {
        let some = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        HistoryFilter {
            pipeline: Some(pipeline.to_string()),
            status: self.status,
            trigger_kind: self.trigger_kind,
            revision: some(&self.revision),
            text: some(&self.text),
            from_ms: day_start_ms(&self.from),
            until_ms: day_start_ms(&self.until).map(|start| start + 24 * 3600 * 1000),
        }
    }

    /// The query for the rows around those on screen: windows of [`HISTORY_PAGE`] rows that
    /// start at multiples of half of it, so scrolling a row does not ask again.
    pub fn query(&self, pipeline: &str) -> HistoryQuery {
        let first = self.visible.map_or(0, |(first, _)| first);
        let half = HISTORY_PAGE / 2;
        HistoryQuery {
            filter: self.filter(pipeline),
            page: Page {
                offset: first.saturating_sub(HISTORY_PAGE / 4) / half * half,
                limit: HISTORY_PAGE,
            },
        }
    }
}

/// The run view's view state.
pub struct RunView {
    /// The execution shown.
    pub shown: Option<ExecutionId>,
    /// Whether the person picked the shown execution (so it stays while others start);
    /// otherwise the view follows the newest execution of the open pipeline.
    pub pinned: bool,
    /// The canvas (inspect mode: it never edits).
    pub canvas: Canvas,
    /// What is selected.
    pub selection: Selection,
    /// The log on screen.
    pub logs: Option<LogView>,
    /// The history list.
    pub history: HistoryView,
    /// The pipeline whose history the list shows (the open one).
    pub history_pipeline: Option<String>,
    /// The pipeline whose newest execution was asked for, while following.
    pub following: Option<String>,
    /// Approval summaries being typed, by (execution, approval action).
    pub summaries: HashMap<(ExecutionId, ActionId), String>,
}

impl Default for RunView {
    fn default() -> Self {
        Self {
            shown: None,
            pinned: false,
            canvas: Canvas::new(CanvasMode::Inspect),
            selection: Selection::Pipeline,
            logs: None,
            history: HistoryView::default(),
            history_pipeline: None,
            following: None,
            summaries: HashMap::new(),
        }
    }
}

impl RunView {
    /// Shows another execution: a fresh fit, nothing selected, no log.
    pub fn show(&mut self, id: &ExecutionId) {
        if self.shown.as_ref() != Some(id) {
            self.shown = Some(id.clone());
            self.canvas.request_fit();
            self.selection = Selection::Pipeline;
            self.logs = None;
        }
    }
}
