//! The run view: executions folded from engine events, drawn over the canvas, with the
//! controls to start, approve, stop and retry.

pub mod approval;
pub mod details;
pub mod dialog;
pub mod history;
pub mod model;
pub mod overlay;
pub mod state;
pub mod tests_tab;
pub mod timeline;
pub mod triggers;
