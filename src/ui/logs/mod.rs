//! The logs panel: ANSI parsing, a line index over growing files, search, and the view.

pub mod ansi;
pub mod index;
pub mod search;
pub mod view;
