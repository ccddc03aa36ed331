//! Pipewright: AWS CodePipeline's model, run locally. See `DESIGN.md` for the layers:
//! [`model`] (definitions and rules), then engine, store, ui and cli built on top.

pub mod cli;
pub mod clock;
pub mod demo;
pub mod engine;
pub mod execution;
pub mod host;
pub mod model;
pub mod store;
pub mod ui;
pub mod watch;
