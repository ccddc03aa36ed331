//! The pipeline editor: the canvas, palette, inspector and outline over one open document.

pub mod artifact_edge;
pub mod canvas;
pub mod card_shape;
pub mod document;
pub mod form;
pub mod graph;
pub mod inspector;
pub mod outline;
pub mod palette;
pub mod placement;
pub mod preview;
pub mod problems;
pub mod providers;
pub mod state;
pub mod triggers_form;
