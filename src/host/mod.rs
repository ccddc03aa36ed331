//! Hosting a workspace's engine: exactly one process at a time runs a workspace's executions
//! (and its triggers); every other front end is a client of it. This layer sits between the
//! engine and the front ends (ui, cli).

pub mod signals;
