//! The `*.pipeline.ron` text as a lossless syntax tree: one parser that serves the layout of
//! new files ([`format::pretty`]) and saving edits into a hand-written file without losing its
//! comments ([`update::update`]); the same grammar, streamed without a tree, gives positions
//! for validation ([`Positions`]).

pub mod format;
pub mod literal;
pub mod parse;
pub mod positions;
pub mod syntax;
pub mod update;

pub use positions::{Position, Positions};
pub use syntax::Tree;
