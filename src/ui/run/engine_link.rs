//! The workspace's engine as the app reaches it. It starts (with crash recovery) on a
//! background thread behind a visible "starting" state; commands sent meanwhile wait and go
//! out once it runs. This is the one place the app touches the engine, so running it
//! in-process or talking to another process's engine is a change here only.

use std::path::Path;
use std::sync::mpsc::{Receiver, channel};

use super::Wake;
use super::triggers::Triggers;
use crate::engine::{Command, Engine, EngineOptions, Event, Pending, Reply};
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

/// A started engine with its event subscription and the trigger watcher over it.
struct Running {
    engine: Engine,
    events: Receiver<Event>,
    triggers: Option<Triggers>,
}

/// What the start thread hands over.
type Started = Result<(Running, Option<String>), String>;

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
}

/// What the engine said since the last look.
#[derive(Default)]
pub struct EngineNews {
    /// It finished starting (a sentence when the trigger watcher could not start).
    pub started: Option<Result<Option<String>, String>>,
    /// Answers to commands: what was asked, and the answer (or why there is none, as the
    /// status line says it).
    pub replies: Vec<(String, Result<Reply, String>)>,
}

impl EngineLink {
    /// Starts the engine of `workspace` and its trigger watcher on a background thread;
    /// `wake` repaints the UI when it is ready and whenever events arrive.
    pub fn start(workspace: &Path, watch: WatchOptions, wake: Wake) -> Self {
        let (sender, receiver) = channel();
        let workspace = workspace.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("pipewright-engine-start".into())
            .spawn(move || {
                let started = start(&workspace, watch, wake.clone());
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
                    .push((what.to_string(), running.engine.send(command)));
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

    /// The trigger watcher, once the engine runs.
    pub fn triggers(&self) -> Option<&Triggers> {
        match &self.link {
            Link::Ready(running) => running.triggers.as_ref(),
            _ => None,
        }
    }

    /// Notices the end of the start, sends what waited for it, and collects answers.
    pub fn poll(&mut self) -> EngineNews {
        let mut news = EngineNews::default();
        if let Link::Starting(receiver) = &self.link {
            match receiver.try_recv() {
                Ok(Ok((running, problem))) => {
                    self.link = Link::Ready(running);
                    news.started = Some(Ok(problem));
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

    /// Stops the watcher and the engine, killing running processes.
    pub fn shutdown(&mut self) {
        if let Link::Ready(running) = std::mem::replace(&mut self.link, Link::Stopped) {
            drop(running.triggers);
            running.engine.shutdown();
        }
    }
}

impl Drop for EngineLink {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn start(workspace: &Path, watch: WatchOptions, wake: Wake) -> Started {
    let engine = Engine::start(workspace, EngineOptions::default())
        .map_err(|error| format!("cannot start the engine: {error}"))?;
    let waker = wake.clone();
    let events = engine.subscribe_with_waker(Box::new(move || waker()));
    let (triggers, problem) = match Triggers::start(workspace, &engine, watch, move || wake()) {
        Ok(triggers) => (Some(triggers), None),
        Err(error) => (None, Some(format!("cannot watch the triggers: {error}"))),
    };
    Ok((
        Running {
            engine,
            events,
            triggers,
        },
        problem,
    ))
}
