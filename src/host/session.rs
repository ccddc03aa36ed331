//! A front end's link to its workspace's engine: hosting it in this process, or a client of
//! the process that does. Either way the front end sends the same [`Command`]s and receives
//! the same [`Event`]s; when a host goes away, its clients take over (the first to take the
//! lock hosts, and runs crash recovery) or connect to the new host, and say so with
//! [`Event::Relinked`].

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use super::address::socket_path;
use super::client::{Client, ConnectError, HostInfo};
use super::server::Server;
use crate::engine::{
    Command, Commander, Engine, EngineError, EngineOptions, Event, EventBus, Pending, Waker,
};

/// How long attaching keeps trying while a host is starting or going away.
const ATTACH_PATIENCE: Duration = Duration::from_secs(15);
/// How long between attempts.
const ATTACH_RETRY: Duration = Duration::from_millis(20);

/// Starts a host's triggers; the returned value stops them when dropped.
pub type TriggerStarter =
    Arc<dyn Fn(&Path, Commander) -> std::io::Result<Box<dyn Send>> + Send + Sync>;

/// How a front end links to its workspace.
#[derive(Clone)]
pub struct SessionOptions {
    /// What this front end is, for the host's and clients' messages ("pipewright run").
    pub program: String,
    /// Whether this process may host the engine (when nobody else does).
    pub may_host: bool,
    /// Engine settings, used when this process hosts.
    pub engine: EngineOptions,
    /// Starts the workspace's triggers while this process hosts (only the host runs them).
    pub triggers: Option<TriggerStarter>,
}

impl SessionOptions {
    /// A front end that hosts when nobody else does, without triggers.
    pub fn new(program: &str) -> Self {
        Self {
            program: program.to_string(),
            may_host: true,
            engine: EngineOptions::default(),
            triggers: None,
        }
    }
}

/// Why a front end could not link to its workspace.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No process hosts the workspace (and this one may not).
    #[error("nothing is running in this workspace (no Pipewright hosts it)")]
    NoHost,
    /// The engine could not start here.
    #[error(transparent)]
    Engine(EngineError),
    /// The host could not be reached.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// A host holds the lock but never answered.
    #[error("{0} holds the workspace but does not answer: if it hangs, stop it")]
    Unresponsive(String),
    /// The socket folder could not be used.
    #[error("cannot find the workspace's host socket: {0}")]
    Socket(#[from] std::io::Error),
}

/// The current link.
enum Link {
    /// This process hosts the engine.
    Hosting {
        // Dropped in this order: triggers first, then the server, then the engine.
        triggers: Option<Box<dyn Send>>,
        server: Server,
        engine: Engine,
    },
    /// Another process hosts it.
    Client(Client),
    /// Between hosts.
    Down,
}

struct Shared {
    workspace: PathBuf,
    socket: PathBuf,
    options: SessionOptions,
    bus: Arc<EventBus>,
    link: Mutex<Link>,
}

/// A front end's link to its workspace's engine.
pub struct Session {
    shared: Arc<Shared>,
}

impl Session {
    /// Links to the workspace: hosts its engine when nobody does (and `options.may_host`),
    /// otherwise connects to the process that does.
    pub fn open(workspace: &Path, options: SessionOptions) -> Result<Self, SessionError> {
        let workspace = std::path::absolute(workspace)?;
        let socket = socket_path(&workspace)?;
        let shared = Arc::new(Shared {
            workspace,
            socket,
            options,
            bus: Arc::new(EventBus::default()),
            link: Mutex::new(Link::Down),
        });
        let link = attach(&shared)?;
        *lock(&shared.link) = link;
        Ok(Self { shared })
    }

    /// Connects to the workspace's host as a client; `Ok(None)` when nothing hosts it. Creates
    /// nothing in the workspace.
    pub fn connect(workspace: &Path, program: &str) -> Result<Option<Self>, SessionError> {
        let options = SessionOptions {
            may_host: false,
            ..SessionOptions::new(program)
        };
        match Self::open(workspace, options) {
            Ok(session) => Ok(Some(session)),
            Err(SessionError::NoHost) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The workspace folder.
    pub fn workspace(&self) -> &Path {
        &self.shared.workspace
    }

    /// Whether this process hosts the engine now.
    pub fn is_host(&self) -> bool {
        matches!(*lock(&self.shared.link), Link::Hosting { .. })
    }

    /// The other process this one is a client of, if it is one.
    pub fn host(&self) -> Option<HostInfo> {
        match &*lock(&self.shared.link) {
            Link::Client(client) => Some(client.host().clone()),
            _ => None,
        }
    }

    /// Sends a command to the engine, wherever it runs.
    pub fn send(&self, command: Command) -> Pending {
        self.shared.send(command)
    }

    /// A handle that sends commands from any thread.
    pub fn commander(&self) -> Commander {
        let shared = Arc::downgrade(&self.shared);
        Commander::through(move |command| match shared.upgrade() {
            Some(shared) => shared.send(command),
            None => Pending::ready(Err(EngineError::ShutDown)),
        })
    }

    /// Receives every event from now on.
    pub fn subscribe(&self) -> Receiver<Event> {
        self.shared.bus.subscribe(None)
    }

    /// Receives every event from now on; `waker` runs after each one is queued.
    pub fn subscribe_with_waker(&self, waker: Waker) -> Receiver<Event> {
        self.shared.bus.subscribe(Some(waker))
    }

    /// Ends the link. A host first stops and abandons what it runs (recording `reason`),
    /// then tells its clients it is closing, so one of them takes over.
    pub fn close(self, reason: &str) {
        let link = std::mem::replace(&mut *lock(&self.shared.link), Link::Down);
        if let Link::Hosting {
            triggers,
            mut server,
            engine,
        } = link
        {
            drop(triggers);
            // Clients see their executions end (with the reason), then `Closing`.
            engine.shutdown_with(reason);
            server.close(reason);
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let link = std::mem::replace(&mut *lock(&self.shared.link), Link::Down);
        if let Link::Hosting {
            triggers,
            mut server,
            engine,
        } = link
        {
            drop(triggers);
            engine.shutdown();
            server.close("the host closed");
        }
    }
}

impl Shared {
    fn send(&self, command: Command) -> Pending {
        match &*lock(&self.link) {
            Link::Hosting { engine, .. } => engine.send(command),
            Link::Client(client) => client.send(command),
            Link::Down => Pending::ready(Err(EngineError::Remote(
                "the workspace's host went away; reconnecting: try again in a moment".into(),
            ))),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Hosts, or connects to the host, retrying while a host is starting or going away.
fn attach(shared: &Arc<Shared>) -> Result<Link, SessionError> {
    let deadline = Instant::now() + ATTACH_PATIENCE;
    loop {
        if shared.options.may_host {
            match host(shared) {
                Ok(link) => return Ok(link),
                Err(SessionError::Engine(EngineError::Hosted(_))) => {}
                Err(error) => return Err(error),
            }
        } else if !super::hosted(&shared.workspace) {
            return Err(SessionError::NoHost);
        }
        match connect(shared) {
            Ok(client) => return Ok(Link::Client(client)),
            Err(ConnectError::NotListening) => {}
            Err(error) => return Err(error.into()),
        }
        if Instant::now() >= deadline {
            return Err(SessionError::Unresponsive(
                "another Pipewright process".into(),
            ));
        }
        std::thread::sleep(ATTACH_RETRY);
    }
}

/// Starts the engine here (taking the host lock), its server and its triggers.
fn host(shared: &Arc<Shared>) -> Result<Link, SessionError> {
    let engine = Engine::start_with_bus(
        &shared.workspace,
        shared.options.engine.clone(),
        shared.bus.clone(),
    )
    .map_err(SessionError::Engine)?;
    let server = Server::start(
        &shared.socket,
        &shared.workspace,
        &shared.options.program,
        shared.bus.clone(),
        engine.commander(),
    )?;
    let triggers = match &shared.options.triggers {
        Some(start) => Some(start(&shared.workspace, engine.commander())?),
        None => None,
    };
    Ok(Link::Hosting {
        triggers,
        server,
        engine,
    })
}

/// Connects to the host; when the connection is lost, relinks in the background.
fn connect(shared: &Arc<Shared>) -> Result<Client, ConnectError> {
    let weak: Weak<Shared> = Arc::downgrade(shared);
    Client::connect(
        &shared.socket,
        &shared.workspace,
        &shared.options.program,
        shared.bus.clone(),
        Box::new(move |_reason| {
            if let Some(shared) = weak.upgrade() {
                relink(&shared);
            }
        }),
    )
}

/// After the host went away: host or connect again, and tell subscribers.
fn relink(shared: &Arc<Shared>) {
    {
        let mut link = lock(&shared.link);
        if !matches!(*link, Link::Client(_)) {
            return;
        }
        *link = Link::Down;
    }
    let shared = shared.clone();
    let _ = std::thread::Builder::new()
        .name("pipewright-relink".into())
        .spawn(move || {
            if let Ok(link) = attach(&shared) {
                let hosting = matches!(link, Link::Hosting { .. });
                *lock(&shared.link) = link;
                shared.bus.publish(Event::Relinked { hosting });
            }
        });
}
