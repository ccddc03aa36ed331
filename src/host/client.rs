//! A client's side of the socket: the handshake, numbered requests whose replies come back to
//! their [`Pending`], and the host's events published on the client's own bus.

use std::collections::HashMap;
use std::io::{self, BufReader};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::protocol::{ToClient, ToHost, VERSION, read_frame, write_frame};
use crate::engine::{Answer, Command, EngineError, EventBus, Pending};

/// How long the host may take to answer the hello.
const WELCOME_LIMIT: Duration = Duration::from_secs(10);

/// Why a connection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Nothing listens at the socket (no host, or one still starting or just gone).
    #[error("no host is listening")]
    NotListening,
    /// The host refused the handshake.
    #[error("the workspace's host refused this connection: {0}")]
    Refused(String),
    /// The connection failed.
    #[error("cannot talk to the workspace's host: {0}")]
    Io(#[from] io::Error),
}

/// Who the client is connected to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInfo {
    /// The host's pid.
    pub pid: u32,
    /// What the host is ("pipewright run", "the app", ...).
    pub name: String,
}

/// Called once when the connection ends; the argument is the host's closing reason, if it
/// said one.
pub type OnLost = Box<dyn FnOnce(Option<String>) + Send>;

/// A connection to the workspace's host.
pub struct Client {
    writer: Mutex<UnixStream>,
    next_id: AtomicU64,
    waiting: Arc<Mutex<HashMap<u64, Answer>>>,
    host: HostInfo,
}

impl Client {
    /// Connects and shakes hands; events go to `bus`, and `on_lost` runs when the host goes.
    pub fn connect(
        socket: &Path,
        workspace: &Path,
        program: &str,
        bus: Arc<EventBus>,
        on_lost: OnLost,
    ) -> Result<Self, ConnectError> {
        let stream = match UnixStream::connect(socket) {
            Ok(stream) => stream,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Err(ConnectError::NotListening);
            }
            Err(error) => return Err(error.into()),
        };
        let mut writer = stream.try_clone()?;
        write_frame(
            &mut writer,
            &ToHost::Hello {
                version: VERSION,
                workspace: workspace.to_path_buf(),
                program: program.to_string(),
            },
        )?;
        stream.set_read_timeout(Some(WELCOME_LIMIT))?;
        let mut reader = BufReader::new(stream);
        let host = match read_frame::<ToClient>(&mut reader) {
            Ok(Some(ToClient::Welcome { host_pid, host, .. })) => HostInfo {
                pid: host_pid,
                name: host,
            },
            Ok(Some(ToClient::Refused { reason })) => return Err(ConnectError::Refused(reason)),
            // The host closed while we connected: it is going away.
            Ok(None) | Ok(Some(_)) => return Err(ConnectError::NotListening),
            Err(error) => return Err(error.into()),
        };
        reader.get_ref().set_read_timeout(None)?;
        let waiting: Arc<Mutex<HashMap<u64, Answer>>> = Arc::default();
        {
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name("pipewright-host-link".into())
                .spawn(move || {
                    let reason = listen(&mut reader, &bus, &waiting);
                    for (_, answer) in lock(&waiting).drain() {
                        answer.send(Err(EngineError::Remote(
                            "the workspace's host went away before answering".into(),
                        )));
                    }
                    on_lost(reason);
                })?;
        }
        Ok(Self {
            writer: Mutex::new(writer),
            next_id: AtomicU64::new(1),
            waiting,
            host,
        })
    }

    /// The host this client talks to.
    pub fn host(&self) -> &HostInfo {
        &self.host
    }

    /// Sends a command to the host; its reply arrives through the returned [`Pending`].
    pub fn send(&self, command: Command) -> Pending {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (answer, pending) = Pending::channel();
        lock(&self.waiting).insert(id, answer);
        let written = write_frame(&mut *lock(&self.writer), &ToHost::Request { id, command });
        if let Err(error) = written
            && let Some(answer) = lock(&self.waiting).remove(&id)
        {
            answer.send(Err(EngineError::Remote(format!(
                "cannot reach the workspace's host: {error}"
            ))));
        }
        pending
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = lock(&self.writer).shutdown(std::net::Shutdown::Both);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads the host's messages until the connection ends; returns its closing reason.
fn listen(
    reader: &mut BufReader<UnixStream>,
    bus: &EventBus,
    waiting: &Mutex<HashMap<u64, Answer>>,
) -> Option<String> {
    let mut closing = None;
    while let Ok(Some(message)) = read_frame::<ToClient>(reader) {
        match message {
            ToClient::Event(event) => bus.publish(event),
            ToClient::Reply { id, result } => {
                if let Some(answer) = lock(waiting).remove(&id) {
                    answer.send(result.map_err(Into::into));
                }
            }
            ToClient::Closing { reason } => closing = Some(reason),
            ToClient::Welcome { .. } | ToClient::Refused { .. } => {}
        }
    }
    closing
}
