//! The workspace's engine as the app reaches it: hosted in this process when nobody else hosts
//! the workspace, otherwise through the process that does (see [`crate::host`]); either way
//! the same commands and events. The link is made on a background thread behind a visible
//! "starting" state; commands sent meanwhile wait and go out once it is up. While the app
//! hosts, it also runs the workspace's triggers (only the host does); when its host goes
//! away, the app takes over or follows the new host by itself.
//!
//! This is the one place the app touches the engine.

use std::path::Path;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex, PoisonError};

use super::Wake;
use super::triggers::Triggers;
use crate::engine::{Command, Commander, Event, Pending, Reply};
use crate::host::{Session, SessionOptions, TriggerStarter};
use crate::watch::WatchOptions;

/// How far the engine is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineState {
    /// Starting (recovering what a crash left behind, then starting its threads).
    Starting,
    /// Running.
    Ready,
    /// It could not start; the sentence says why.
    Failed(String),
}

/// The linked engine and its event subscription.
struct Running {
    session: Session,
    events: Receiver<Event>,
}

/// What the start thread hands over.
type Started = Result<Running, String>;

/// The trigger watcher while this process hosts, and why it could not start if it could not.
#[derive(Default)]
struct TriggerSlot {
    current: Option<Arc<Triggers>>,
    problem: Option<String>,
}

type SharedSlot = Arc<Mutex<TriggerSlot>>;

fn lock(slot: &SharedSlot) -> std::sync::MutexGuard<'_, TriggerSlot> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Held by the session while this process hosts; dropping it stops the triggers.
struct HostingTriggers(SharedSlot);

impl Drop for HostingTriggers {
    fn drop(&mut self) {
        lock(&self.0).current = None;
    }
}

enum Link {
    Starting(Receiver<Started>),
    Ready(Running),
    Failed(String),
    Stopped,
}

/// The engine and the commands waiting to go to it or for its answer.
pub struct EngineLink {
    link: Link,
    queued: Vec<(String, Command)>,
    pending: Vec<(String, Pending)>,
    slot: SharedSlot,
    /// The watcher as of the last [`Self::poll`] (so frames can borrow it).
    triggers: Option<Arc<Triggers>>,
}

/// What the engine said since the last look.
#[derive(Default)]
pub struct EngineNews {
    /// It finished starting (a sentence when the trigger watcher could not start).
    pub started: Option<Result<Option<String>, String>>,
    /// Another process hosts the workspace: which one (once, when the link is made).
    pub hosted_by: Option<String>,
    /// Answers to commands: what was asked, and the answer (or why there is none, as the
    /// status line says it).
    pub replies: Vec<(String, Result<Reply, String>)>,
}

impl EngineLink {
    /// Links to the engine of `workspace` on a background thread (hosting it, with its
    /// trigger watcher, when nobody else does); `wake` repaints the UI when it is ready and
    /// whenever events arrive.
    pub fn start(workspace: &Path, watch: WatchOptions, wake: Wake) -> Self {
        let (sender, receiver) = channel();
        let workspace = workspace.to_path_buf();
        let slot = SharedSlot::default();
        let starter = trigger_starter(slot.clone(), watch, wake.clone());
        let spawned = std::thread::Builder::new()
            .name("pipewright-engine-start".into())
            .spawn(move || {
                let started = start(&workspace, starter, wake.clone());
                let _ = sender.send(started);
                wake();
            });
        let link = match spawned {
            Ok(_) => Link::Starting(receiver),
            Err(error) => Link::Failed(format!("cannot start the engine: {error}")),
        };
        Self {
            link,
            queued: Vec::new(),
            pending: Vec::new(),
            slot,
            triggers: None,
        }
    }

    /// How far the engine is.
    pub fn state(&self) -> EngineState {
        match &self.link {
            Link::Starting(_) => EngineState::Starting,
            Link::Ready(_) => EngineState::Ready,
            Link::Failed(why) => EngineState::Failed(why.clone()),
            Link::Stopped => EngineState::Failed("the engine was stopped".into()),
        }
    }

    /// Sends a command (held back while the engine starts); `what` names it in errors.
    pub fn send(&mut self, what: &str, command: Command) -> Result<(), String> {
        match &self.link {
            Link::Starting(_) => {
                self.queued.push((what.to_string(), command));
                Ok(())
            }
            Link::Ready(running) => {
                self.pending
                    .push((what.to_string(), running.session.send(command)));
                Ok(())
            }
            Link::Failed(why) => Err(format!("{what}: {why}")),
            Link::Stopped => Err(format!("{what}: the engine was stopped")),
        }
    }

    /// Whether commands wait to be sent or answered.
    pub fn is_busy(&self) -> bool {
        !self.queued.is_empty() || !self.pending.is_empty()
    }

    /// The engine's events.
    pub fn events(&self) -> Option<&Receiver<Event>> {
        match &self.link {
            Link::Ready(running) => Some(&running.events),
            _ => None,
        }
    }

    /// The trigger watcher, while this process hosts the workspace.
    pub fn triggers(&self) -> Option<&Triggers> {
        self.triggers.as_deref()
    }

    /// Whether this process hosts the workspace's engine.
    pub fn is_host(&self) -> bool {
        match &self.link {
            Link::Ready(running) => running.session.is_host(),
            _ => false,
        }
    }

    /// Notices the end of the start, sends what waited for it, and collects answers.
    pub fn poll(&mut self) -> EngineNews {
        let mut news = EngineNews::default();
        if let Link::Starting(receiver) = &self.link {
            match receiver.try_recv() {
                Ok(Ok(running)) => {
                    news.hosted_by = running
                        .session
                        .host()
                        .map(|host| format!("{} (pid {})", host.name, host.pid));
                    self.link = Link::Ready(running);
                    news.started = Some(Ok(lock(&self.slot).problem.take()));
                    for (what, command) in std::mem::take(&mut self.queued) {
                        if let Err(why) = self.send(&what, command) {
                            news.replies.push((what, Err(why)));
                        }
                    }
                }
                Ok(Err(why)) => {
                    self.link = Link::Failed(why.clone());
                    news.started = Some(Err(why.clone()));
                    for (what, _) in std::mem::take(&mut self.queued) {
                        news.replies
                            .push((what.clone(), Err(format!("{what}: {why}"))));
                    }
                }
                Err(_) => {}
            }
        }
        self.triggers.clone_from(&lock(&self.slot).current);
        let mut index = 0;
        while index < self.pending.len() {
            match self.pending[index].1.try_take() {
                None => index += 1,
                Some(answer) => {
                    let (what, _) = self.pending.remove(index);
                    let answer = answer.map_err(|error| format!("{what}: {error}"));
                    news.replies.push((what, answer));
                }
            }
        }
        news
    }

    /// Ends the link. As the host: stops the watcher, stops and abandons what runs (saying
    /// why), and tells the clients, so one of them takes over.
    pub fn shutdown(&mut self) {
        self.triggers = None;
        if let Link::Ready(running) = std::mem::replace(&mut self.link, Link::Stopped) {
            running.session.close("the app was closed");
        }
    }
}

impl Drop for EngineLink {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts the app's trigger watcher whenever this process becomes the host.
fn trigger_starter(slot: SharedSlot, watch: WatchOptions, wake: Wake) -> TriggerStarter {
    Arc::new(move |root: &Path, commander: Commander| {
        let waker = wake.clone();
        let mut state = lock(&slot);
        match Triggers::start(root, commander, watch.clone(), move || waker()) {
            Ok(triggers) => state.current = Some(Arc::new(triggers)),
            Err(error) => state.problem = Some(format!("cannot watch the triggers: {error}")),
        }
        wake();
        Ok(Box::new(HostingTriggers(slot.clone())) as Box<dyn Send>)
    })
}

fn start(workspace: &Path, triggers: TriggerStarter, wake: Wake) -> Started {
    let session = Session::open(
        workspace,
        SessionOptions {
            triggers: Some(triggers),
            ..SessionOptions::new("the Pipewright app")
        },
    )
    .map_err(|error| format!("cannot start the engine: {error}"))?;
    let events = session.subscribe_with_waker(Box::new(move || wake()));
    Ok(Running { session, events })
}
