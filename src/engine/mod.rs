//! The engine: runs executions with CodePipeline's semantics on this machine.
//!
//! It owns a tokio runtime on background threads and one core thread that makes every
//! scheduling decision. Front ends send [`Command`]s and receive [`Event`]s; every state change
//! is committed to the store before its event is sent. Nothing here knows about egui.

pub mod actions;
mod bus;
mod command;
mod core;
mod dir_pool;
mod execution;
mod gates;
mod handle;
mod heartbeat;
pub mod host_lock;
mod launch;
mod log_sink;
pub mod process;
pub mod recovery;
pub mod refusal;
pub mod retention;
mod runner;
pub mod supervisor;
pub mod target_locks;
pub mod test_reports;
pub mod user;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::execution::AttemptKey;
use crate::model::Problem;
use crate::store::{Store, StoreError};

pub use bus::{EventBus, Waker};
pub use command::{Command, Event, LiveExecution, Reply, StartRequest, WaitingApproval};
pub use handle::{Answer, Commander, Pending};
pub use refusal::Refusal;

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
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The engine could not start its threads.
    #[error("cannot start the engine: {0}")]
    Startup(#[from] std::io::Error),
    /// The engine has shut down.
    #[error("the engine has shut down")]
    ShutDown,
    /// Another process hosts the workspace (see `host`): be its client instead.
    #[error(transparent)]
    Hosted(#[from] host_lock::LockError),
    /// The workspace's settings file has a mistake.
    #[error(transparent)]
    Settings(#[from] crate::model::ron_io::LoadError),
    /// The workspace's host failed to carry out a command.
    #[error("the workspace's host failed: {0}")]
    Remote(String),
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
    Command(Command, Answer),
    AttemptDone {
        key: AttemptKey,
        result: actions::ActionResult,
    },
    ProcessStarted {
        key: AttemptKey,
        pgid: i32,
    },
    AttemptWaiting {
        key: AttemptKey,
        reason: Option<String>,
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
    /// Released after the threads stopped (fields drop after `Drop::drop`).
    _lock: host_lock::HostLock,
}

impl Engine {
    /// Takes the workspace's host lock, opens its store, recovers from a crashed earlier run,
    /// and starts. Fails with [`EngineError::Hosted`] when another process hosts it.
    pub fn start(workspace: &Path, options: EngineOptions) -> Result<Self, EngineError> {
        Self::start_with_bus(workspace, options, Arc::new(EventBus::default()))
    }

    /// Like [`Self::start`], publishing events on `bus` (which may already have subscribers).
    pub fn start_with_bus(
        workspace: &Path,
        options: EngineOptions,
        bus: Arc<EventBus>,
    ) -> Result<Self, EngineError> {
        let workspace = std::path::absolute(workspace)?;
        let lock = host_lock::HostLock::acquire(&crate::store::WorkspacePaths::new(&workspace))?;
        let mut store = Store::open(&workspace)?;
        recovery::recover(&mut store)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("pipewright-engine")
            .enable_all()
            .build()?;
        let pool = dir_pool::DirPool::new(&store.paths().scratch())?;
        let zygote = supervisor::Zygote::start()?;
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
            _lock: lock,
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
        Commander::core(self.sender.clone())
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
