//! The desktop app (eframe + egui). It never blocks: it sends engine commands and folds
//! engine events into what it draws.

pub mod editor;
pub mod theme;
