//! Pipewright: AWS CodePipeline's model, run locally.
//!
//! `ARCHITECTURE.md` at the repository's root is the map: the layers, lowest first
//! ([`model`], [`execution`], [`store`], [`engine`], [`host`], [`watch`], then the front ends
//! [`ui`] and [`cli`]; no arrow runs upward), the life of one execution from Run to a green
//! card, where to add a provider, a run-view tab or a command-line verb, and the invariants.

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
