//! How front ends talk to an engine from any thread: a [`Commander`] sends a [`Command`] and
//! returns a [`Pending`] answer. The engine's own commander feeds its core; the host layer
//! builds commanders that route commands over a socket instead.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::command::{Command, Reply, StartRequest};
use super::refusal::Refusal;
use super::{EngineError, Message};
use crate::execution::ExecutionId;

/// A command's answer, to wait for or poll.
pub struct Pending(oneshot::Receiver<Result<Reply, EngineError>>);

/// The sending side of a [`Pending`]: whoever carries out the command answers through it.
pub struct Answer(oneshot::Sender<Result<Reply, EngineError>>);

impl Answer {
    /// Delivers the answer (dropped silently when nobody waits any more).
    pub fn send(self, answer: Result<Reply, EngineError>) {
        let _ = self.0.send(answer);
    }
}

impl Pending {
    /// A new answer to wait for, and the means to give it.
    pub fn channel() -> (Answer, Pending) {
        let (sender, receiver) = oneshot::channel();
        (Answer(sender), Pending(receiver))
    }

    /// An answer that is already known.
    pub fn ready(answer: Result<Reply, EngineError>) -> Pending {
        let (sender, pending) = Self::channel();
        sender.send(answer);
        pending
    }

    /// Blocks until the engine answers (do not call on the UI thread).
    pub fn wait(self) -> Result<Reply, EngineError> {
        self.0.blocking_recv().unwrap_or(Err(EngineError::ShutDown))
    }

    /// The answer, if it has arrived.
    pub fn try_take(&mut self) -> Option<Result<Reply, EngineError>> {
        match self.0.try_recv() {
            Ok(answer) => Some(answer),
            Err(oneshot::error::TryRecvError::Empty) => None,
            Err(oneshot::error::TryRecvError::Closed) => Some(Err(EngineError::ShutDown)),
        }
    }
}

/// Where a commander's commands go.
#[derive(Clone)]
enum Route {
    /// Straight into an engine's core in this process.
    Core(mpsc::UnboundedSender<Message>),
    /// Through a function (the host layer: to the current host, local or remote).
    Through(Arc<dyn Fn(Command) -> Pending + Send + Sync>),
}

/// Sends commands to an engine from any thread; cheap to clone.
#[derive(Clone)]
pub struct Commander(Route);

impl Commander {
    pub(super) fn core(sender: mpsc::UnboundedSender<Message>) -> Self {
        Self(Route::Core(sender))
    }

    /// A commander that hands every command to `send`.
    pub fn through(send: impl Fn(Command) -> Pending + Send + Sync + 'static) -> Self {
        Self(Route::Through(Arc::new(send)))
    }

    /// Sends a command; the answer comes through the returned [`Pending`].
    pub fn send(&self, command: Command) -> Pending {
        match &self.0 {
            Route::Core(sender) => {
                let (answer, pending) = Pending::channel();
                if let Err(mpsc::error::SendError(Message::Command(_, answer))) =
                    sender.send(Message::Command(command, answer))
                {
                    answer.send(Err(EngineError::ShutDown));
                }
                pending
            }
            Route::Through(send) => send(command),
        }
    }

    /// Starts an execution and waits for its id (blocks: not for the UI thread).
    pub fn start(&self, request: StartRequest) -> Result<ExecutionId, EngineError> {
        match self.send(Command::Start(Box::new(request))).wait()? {
            Reply::Started { execution_id } => Ok(execution_id),
            _ => Err(Refusal::NothingStarted.into()),
        }
    }
}
