//! The run view: executions folded from engine events, drawn over the canvas, with the
//! controls to start, approve, stop and retry. Its state is split three ways: the services
//! it talks to ([`services::RunServices`]), what it knows ([`data::RunData`]) and how it
//! shows it ([`view::RunView`]).

pub mod approval;
pub mod data;
pub mod details;
pub mod dialog;
pub mod engine_link;
pub mod overlay;
pub mod reader;
pub mod services;
pub mod tabs;
pub mod triggers;
pub mod view;

use std::path::Path;
use std::sync::Arc;

use crate::execution::ActionId;
use crate::model::edit::ActionRef;
use crate::ui::logs::view::LogView;
use crate::ui::services::Notifier;
use crate::watch::WatchOptions;

/// A repaint request for the UI, callable from any thread.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// The run side of the app for one workspace.
pub struct Run {
    /// The engine, the store reader and notifications.
    pub services: services::RunServices,
    /// What is known about executions.
    pub data: data::RunData,
    /// How the run view shows it.
    pub view: view::RunView,
}

impl Run {
    /// Starts the run side of `workspace` (the engine starts in the background).
    pub fn start(
        workspace: &Path,
        wake: Wake,
        notifier: Arc<dyn Notifier>,
        watch: WatchOptions,
    ) -> Self {
        Self {
            services: services::RunServices::start(workspace, wake, notifier, watch),
            data: data::RunData::new(workspace),
            view: view::RunView::default(),
        }
    }

    /// The execution shown, when it is known.
    pub fn shown(&self) -> Option<&crate::execution::ExecutionSnapshot> {
        self.data.execution(self.view.shown.as_deref()?)
    }

    /// Opens the log of the latest attempt of an action of the shown execution; says
    /// whether there is one.
    pub fn open_log(&mut self, action: &ActionId) -> bool {
        let Some(attempt) = self.shown().and_then(|e| e.attempts.get(action)) else {
            self.view.logs = None;
            return false;
        };
        let path = self.data.workspace.join(&attempt.log_path);
        if self.view.logs.as_ref().is_some_and(|l| l.path() == path) {
            return true;
        }
        let title = attempt.key.to_string();
        let wake = self.services.wake();
        self.view.logs = Some(LogView::open(&path, &title, move || wake()));
        true
    }

    /// Opens the log of the action at a place of the shown execution's definition.
    pub fn open_log_at(&mut self, at: ActionRef) -> bool {
        let action = self
            .shown()
            .and_then(|e| self.data.definition(e))
            .and_then(|p| p.stages.get(at.stage))
            .and_then(|stage| {
                let action = stage.actions.get(at.action)?;
                Some(ActionId::new(&stage.name, &action.name))
            });
        action.is_some_and(|action| self.open_log(&action))
    }
}
