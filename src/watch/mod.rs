//! The trigger watcher: runs the triggers of every pipeline in a workspace on a background
//! thread and starts executions through the engine when one fires. The GUI and
//! `pipewright watch` both use it; it knows nothing of either.

pub mod clock;
mod error;
mod folder;
mod git;
mod git_command;
mod health;
mod note;
mod refs;
mod runner;
mod schedule;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use indexmap::IndexMap;

use crate::engine::{EngineError, StartRequest};
use crate::execution::{ExecutionId, TriggerKind};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{GitError, WatchError};
pub use note::{Note, NoteKind};

/// Wakes the watcher's thread (from notify callbacks).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Starts an execution for a trigger; the execution id, or why it could not start.
pub type Starter = Box<dyn Fn(StartRequest) -> Result<ExecutionId, EngineError> + Send>;

/// Receives what the watcher does, for a log or a status line.
pub type NoteSink = Box<dyn Fn(&Note) + Send>;

/// The moment a trigger is checked at.
pub struct Tick {
    /// For intervals and debouncing.
    pub now: Instant,
    /// For schedules.
    pub clock: DateTime<Utc>,
}

/// A trigger that fired: what to record and what to start with.
#[derive(Debug, Clone, PartialEq)]
pub struct Fire {
    /// `GitChange`, `FolderChange` or `Schedule`.
    pub kind: TriggerKind,
    /// What happened, e.g. "push to main by Ada: 1a2b3c4 Fix the build".
    pub detail: String,
    /// Source action → revision to take.
    pub revisions: IndexMap<String, String>,
    /// Pipeline variable values.
    pub variables: IndexMap<String, String>,
    /// A Git source action and the branch that moved, when it is not the configured one.
    pub branch: Option<(String, String)>,
}

/// Watcher settings.
#[derive(Clone)]
pub struct WatchOptions {
    /// How often a local repository is checked when no ref change was noticed.
    pub local_poll: Duration,
    /// The first wait after a failure; it doubles up to `retry_max`.
    pub retry_first: Duration,
    /// The longest wait between retries.
    pub retry_max: Duration,
    /// How often the workspace is looked at for new or edited pipeline files.
    pub rescan: Duration,
    /// The clock schedules follow.
    pub clock: Arc<dyn Clock>,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            local_poll: Duration::from_secs(10),
            retry_first: Duration::from_secs(2),
            retry_max: Duration::from_secs(300),
            rescan: Duration::from_secs(2),
            clock: Arc::new(SystemClock),
        }
    }
}

/// How one trigger is doing, for the GUI.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerStatus {
    /// The pipeline's name.
    pub pipeline: String,
    /// E.g. "GitChange on Checkout".
    pub summary: String,
    /// Why it cannot watch right now.
    pub problem: Option<String>,
    /// What fired last.
    pub last_fired: Option<String>,
    /// The next fire time of a schedule.
    pub next_fire: Option<DateTime<Utc>>,
}

/// What the watcher's thread and its handle share.
#[derive(Default)]
struct Shared {
    /// Set when the watcher is dropped: nothing is started after that.
    stopping: AtomicBool,
    paused: Mutex<HashSet<String>>,
    statuses: Mutex<Vec<TriggerStatus>>,
}

enum Control {
    Wake,
    Stop,
}

/// How long dropping a watcher waits for its thread (which may be inside a git call).
const STOP_WAIT: Duration = Duration::from_secs(1);

/// The running watcher of one workspace; stops when dropped.
pub struct Watcher {
    control: Sender<Control>,
    shared: Arc<Shared>,
    /// Disconnects when the thread has ended.
    ended: Mutex<Receiver<()>>,
}

impl Watcher {
    /// Starts watching the triggers of the pipelines in `workspace`.
    pub fn start(
        workspace: &Path,
        options: WatchOptions,
        starter: Starter,
        notes: NoteSink,
    ) -> std::io::Result<Self> {
        let (control, commands) = channel();
        let shared = Arc::new(Shared::default());
        let waker = control.clone();
        let wake: Wake = Arc::new(move || {
            let _ = waker.send(Control::Wake);
        });
        let runner = runner::Runner::new(
            workspace.to_path_buf(),
            options,
            starter,
            notes,
            shared.clone(),
            wake,
        );
        let (alive, ended) = channel::<()>();
        std::thread::Builder::new()
            .name("pipewright-watch".into())
            .spawn(move || {
                runner.run(commands);
                drop(alive);
            })?;
        Ok(Self {
            control,
            shared,
            ended: Mutex::new(ended),
        })
    }

    /// Every trigger and how it is doing.
    pub fn statuses(&self) -> Vec<TriggerStatus> {
        self.shared
            .statuses
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Pauses (or resumes) the triggers of `pipeline`; changes seen while paused are dropped.
    pub fn set_paused(&self, pipeline: &str, paused: bool) {
        if let Ok(mut set) = self.shared.paused.lock() {
            if paused {
                set.insert(pipeline.to_string());
            } else {
                set.remove(pipeline);
            }
        }
        let _ = self.control.send(Control::Wake);
    }

    /// Whether `pipeline`'s triggers are paused.
    pub fn is_paused(&self, pipeline: &str) -> bool {
        self.shared
            .paused
            .lock()
            .is_ok_and(|set| set.contains(pipeline))
    }
}

impl Drop for Watcher {
    /// Stops the thread; a git call it is in may finish on its own after this returns, and
    /// the thread then ends without starting anything.
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        let _ = self.control.send(Control::Stop);
        if let Ok(ended) = self.ended.lock() {
            let _ = ended.recv_timeout(STOP_WAIT);
        }
    }
}
