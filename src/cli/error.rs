//! The one way the command line fails: a message printed once by `main`, and the exit code
//! that goes with it.

use super::{EXIT_BAD_INPUT, EXIT_FAILED};
use crate::model::quote::shorten_quotes;

/// A failure to report: `main` prints "pipewright: MESSAGE" and exits with `code`. A long
/// quoted value in the message is cut short.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    /// The process exit code.
    pub code: u8,
    /// What went wrong and what to do.
    pub message: String,
}

impl CliError {
    /// The input could not be read or used (exit 2).
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(EXIT_BAD_INPUT, message.into())
    }

    /// Something was refused or failed (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(EXIT_FAILED, message.into())
    }

    fn new(code: u8, message: String) -> Self {
        let message = shorten_quotes(&message).into_owned();
        Self { code, message }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        Self::bad_input(format!("{error:#}"))
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        Self::bad_input(error.to_string())
    }
}
