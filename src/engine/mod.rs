//! The engine: runs executions with CodePipeline's semantics on this machine.
//!
//! It owns a tokio runtime on background threads and one core thread that makes every
//! scheduling decision. Front ends send [`Command`]s and receive [`Event`]s; every state change
//! is committed to the store before its event is sent. Nothing here knows about egui.

pub mod actions;
mod bus;
mod core;
mod dir_pool;
mod execution;
mod gates;
mod heartbeat;
mod launch;
mod log_sink;
pub mod process;
pub mod recovery;
mod runner;
pub mod supervisor;
pub mod test_reports;
pub mod user;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::Duration;

use indexmap::IndexMap;
use tokio::sync::{mpsc, oneshot};

use crate::execution::{AttemptKey, Change, ExecutionId, Trigger};
use crate::model::status::{RetryMode, StopMode};
use crate::model::{Pipeline, Problem};
use crate::store::{Store, StoreError};

pub use bus::Waker;

/// Something that happened, for front ends to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A durable state change (already committed to the store).
    Changed(Change),
    /// An attempt's log file grew to `len` bytes.
    LogGrew {
        /// Which attempt.
        key: AttemptKey,
        /// The file's length now.
        len: u64,
    },
}

/// A request to start an execution.
#[derive(Debug, Clone)]
pub struct StartRequest {
    /// The definition to run (a snapshot: later edits do not affect the execution).
    pub pipeline: Pipeline,
    /// The file it came from.
    pub file: PathBuf,
    /// Values for declared pipeline variables, overriding their defaults.
    pub variables: IndexMap<String, String>,
    /// Source action name → revision (commit) to take instead of the configured one.
    pub source_revisions: IndexMap<String, String>,
    /// What started it.
    pub trigger: Trigger,
}

/// What front ends ask the engine to do.
#[derive(Debug, Clone)]
pub enum Command {
    /// Start an execution.
    Start(Box<StartRequest>),
    /// Approve or reject a waiting approval.
    Decide {
        /// The execution.
        execution_id: ExecutionId,
        /// The approval's stage.
        stage: String,
        /// The approval action.
        action: String,
        /// Approve (true) or reject.
        approved: bool,
        /// Why (at most 512 characters).
        summary: String,
    },
    /// Stop an execution.
    Stop {
        /// The execution.
        execution_id: ExecutionId,
        /// Wait for running actions, or kill them.
        mode: StopMode,
        /// Why.
        reason: String,
    },
    /// Run a failed stage again.
    RetryStage {
        /// The failed execution.
        execution_id: ExecutionId,
        /// The failed stage.
        stage: String,
        /// Failed actions only, or all.
        mode: RetryMode,
    },
    /// Disable or enable the transition into a stage.
    SetTransition {
        /// The pipeline.
        pipeline: String,
        /// The stage the transition leads into.
        stage: String,
        /// Enable (true) or disable.
        enabled: bool,
        /// Why it is disabled.
        reason: Option<String>,
    },
}

/// The engine's answer to a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An execution started.
    Started {
        /// Its id.
        execution_id: ExecutionId,
    },
    /// The command was carried out.
    Done,
}

/// Why the engine refused or could not do something.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The pipeline has validation problems.
    #[error("the pipeline is not valid ({} problem{}): {}", problems.len(), if problems.len() == 1 { "" } else { "s" }, problems.first().map(|p| format!("{}: {}", p.path, p.message)).unwrap_or_default())]
    Invalid {
        /// Every problem.
        problems: Vec<Problem>,
    },
    /// The command breaks a rule; the message says which and what to do.
    #[error("{0}")]
    Refused(String),
    /// The engine could not start its threads.
    #[error("cannot start the engine: {0}")]
    Startup(#[from] std::io::Error),
    /// The engine has shut down.
    #[error("the engine has shut down")]
    ShutDown,
}

/// A command's answer, to wait for or poll.
pub struct Pending(oneshot::Receiver<Result<Reply, EngineError>>);

impl Pending {
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

/// Sends commands to an engine from any thread; cheap to clone.
#[derive(Clone)]
pub struct Commander(mpsc::UnboundedSender<Message>);

impl Commander {
    /// Sends a command; the answer comes through the returned [`Pending`].
    pub fn send(&self, command: Command) -> Pending {
        let (reply, answer) = oneshot::channel();
        if let Err(mpsc::error::SendError(Message::Command(_, reply))) =
            self.0.send(Message::Command(command, reply))
        {
            let _ = reply.send(Err(EngineError::ShutDown));
        }
        Pending(answer)
    }

    /// Starts an execution and waits for its id (blocks: not for the UI thread).
    pub fn start(&self, request: StartRequest) -> Result<ExecutionId, EngineError> {
        match self.send(Command::Start(Box::new(request))).wait()? {
            Reply::Started { execution_id } => Ok(execution_id),
            Reply::Done => Err(EngineError::Refused("no execution was started".into())),
        }
    }
}

/// Engine settings.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// At most this many actions run processes at once (`None`: no cap).
    pub max_parallel_actions: Option<usize>,
}

/// The reason recorded on executions stopped because their engine closed.
const CLOSED: &str = "Pipewright was closed";

/// How long shutting down waits for killed actions to report back.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(10);

/// Messages the core thread handles, in order.
enum Message {
    Command(Command, oneshot::Sender<Result<Reply, EngineError>>),
    AttemptDone {
        key: AttemptKey,
        result: actions::ActionResult,
    },
    ProcessStarted {
        key: AttemptKey,
        pgid: i32,
    },
    Shutdown(std::sync::mpsc::Sender<()>, String),
}

/// A running engine for one workspace.
pub struct Engine {
    sender: mpsc::UnboundedSender<Message>,
    bus: Arc<bus::EventBus>,
    workspace: PathBuf,
    core_thread: Option<JoinHandle<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Engine {
    /// Opens the workspace's store, recovers from a crashed earlier run, and starts.
    pub fn start(workspace: &Path, options: EngineOptions) -> Result<Self, EngineError> {
        let workspace = std::path::absolute(workspace)?;
        let mut store = Store::open(&workspace)?;
        recovery::recover(&mut store)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("pipewright-engine")
            .enable_all()
            .build()?;
        let pool = dir_pool::DirPool::new(&store.paths().scratch())?;
        let zygote = supervisor::Zygote::start()?;
        let bus = Arc::new(bus::EventBus::default());
        let live = Arc::new(AtomicUsize::new(0));
        runtime.spawn(heartbeat::beat(store.paths().heartbeat(), live.clone()));
        let (sender, receiver) = mpsc::unbounded_channel();
        let core = core::Core::new(core::CoreParts {
            store,
            workspace: workspace.clone(),
            bus: bus.clone(),
            runtime: runtime.handle().clone(),
            sender: sender.clone(),
            options,
            pool,
            zygote,
            live,
        });
        let core_thread = std::thread::Builder::new()
            .name("pipewright-core".into())
            .spawn(move || core.run(receiver))?;
        Ok(Self {
            sender,
            bus,
            workspace,
            core_thread: Some(core_thread),
            runtime: Some(runtime),
        })
    }

    /// The workspace folder this engine runs in.
    pub fn workspace(&self) -> &Path {
        &self.workspace
    }

    /// Receives every event from now on.
    pub fn subscribe(&self) -> Receiver<Event> {
        self.bus.subscribe(None)
    }

    /// Receives every event from now on; `waker` runs after each one is queued.
    pub fn subscribe_with_waker(&self, waker: Waker) -> Receiver<Event> {
        self.bus.subscribe(Some(waker))
    }

    /// Sends a command; the answer comes through the returned [`Pending`].
    pub fn send(&self, command: Command) -> Pending {
        self.commander().send(command)
    }

    /// A handle that sends commands from another thread (such as the trigger watcher).
    pub fn commander(&self) -> Commander {
        Commander(self.sender.clone())
    }

    /// Stops every running execution (killing its processes) and the engine's threads.
    pub fn shutdown(self) {
        self.shutdown_with(CLOSED);
    }

    /// Like [`Self::shutdown`], recording `reason` on every execution it stops.
    pub fn shutdown_with(mut self, reason: &str) {
        self.stop_threads(reason);
    }

    fn stop_threads(&mut self, reason: &str) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        let (done, finished) = std::sync::mpsc::channel();
        if self
            .sender
            .send(Message::Shutdown(done, reason.to_string()))
            .is_ok()
        {
            let _ = finished.recv_timeout(SHUTDOWN_LIMIT);
        }
        if let Some(thread) = self.core_thread.take() {
            let _ = thread.join();
        }
        runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.stop_threads(CLOSED);
    }
}
