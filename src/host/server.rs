//! The host's side of the socket: accepts clients, checks their handshake, forwards their
//! commands to the engine and every engine event to them.

use std::io::{self, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::protocol::{ToClient, ToHost, VERSION, read_frame, write_frame};
use crate::engine::{Commander, EventBus};

/// How long a new connection may take to say hello.
const HELLO_LIMIT: Duration = Duration::from_secs(5);

/// A connected client's write side, shared by its reply and event senders.
type Writer = Arc<Mutex<UnixStream>>;

/// Set when the host closes: why. A client's event forwarder then sends what is left, then
/// `Closing`, and ends the connection.
type Closing = Arc<Mutex<Option<String>>>;

/// The listening socket and the connected clients' event forwarders.
pub struct Server {
    path: PathBuf,
    closing: Closing,
    forwarders: Arc<Mutex<Vec<std::thread::JoinHandle<()>>>>,
    accept: Option<std::thread::JoinHandle<()>>,
}

/// What the server serves.
struct Serving {
    workspace: PathBuf,
    host: String,
    bus: Arc<EventBus>,
    commander: Commander,
    closing: Closing,
    forwarders: Arc<Mutex<Vec<std::thread::JoinHandle<()>>>>,
}

impl Server {
    /// Listens at `path` (a stale socket left by a crashed host is replaced: only the holder
    /// of the host lock gets here).
    pub fn start(
        path: &Path,
        workspace: &Path,
        host: &str,
        bus: Arc<EventBus>,
        commander: Commander,
    ) -> io::Result<Self> {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        let listener = UnixListener::bind(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        let closing: Closing = Arc::default();
        let forwarders = Arc::new(Mutex::new(Vec::new()));
        let serving = Arc::new(Serving {
            workspace: workspace.canonicalize()?,
            host: host.to_string(),
            bus,
            commander,
            closing: closing.clone(),
            forwarders: forwarders.clone(),
        });
        let accept = std::thread::Builder::new()
            .name("pipewright-host".into())
            .spawn(move || accept_loop(&listener, &serving))?;
        Ok(Self {
            path: path.to_path_buf(),
            closing,
            forwarders,
            accept: Some(accept),
        })
    }

    /// Sends every client the events published so far, then `Closing` with the reason, and
    /// stops listening.
    pub fn close(&mut self, reason: &str) {
        {
            let mut closing = lock(&self.closing);
            if closing.is_some() {
                return;
            }
            *closing = Some(reason.to_string());
        }
        // Wake the accept loop so it sees the server closing, then stop listening.
        let _ = UnixStream::connect(&self.path);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let _ = std::fs::remove_file(&self.path);
        let forwarders = std::mem::take(&mut *lock(&self.forwarders));
        for forwarder in forwarders {
            let _ = forwarder.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.close("the host stopped");
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(listener: &UnixListener, serving: &Arc<Serving>) {
    for stream in listener.incoming() {
        if lock(&serving.closing).is_some() {
            break;
        }
        let Ok(stream) = stream else { continue };
        let serving = serving.clone();
        let _ = std::thread::Builder::new()
            .name("pipewright-client".into())
            .spawn(move || {
                let _ = serve_client(stream, &serving);
            });
    }
}

/// Runs one client's connection to its end.
fn serve_client(stream: UnixStream, serving: &Serving) -> io::Result<()> {
    stream.set_read_timeout(Some(HELLO_LIMIT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let writer: Writer = Arc::new(Mutex::new(stream));
    let refuse = |reason: String| {
        let mut stream = lock(&writer);
        let _ = write_frame(&mut *stream, &ToClient::Refused { reason });
    };
    match read_frame::<ToHost>(&mut reader) {
        Ok(Some(ToHost::Hello {
            version, workspace, ..
        })) => {
            if version != VERSION {
                refuse(format!(
                    "this workspace is hosted by a Pipewright that speaks protocol {VERSION}, and this one speaks {version}: use the same Pipewright version for both"
                ));
                return Ok(());
            }
            if workspace.canonicalize().ok().as_deref() != Some(serving.workspace.as_path()) {
                refuse(format!(
                    "this host serves {}, not {}",
                    serving.workspace.display(),
                    workspace.display()
                ));
                return Ok(());
            }
        }
        _ => {
            refuse("the first message was not a Pipewright hello: a different version of Pipewright may be talking".into());
            return Ok(());
        }
    }
    // Subscribe before welcoming, so the client misses no event after the handshake.
    let events = serving.bus.subscribe(None);
    if lock(&serving.closing).is_some() {
        return Ok(());
    }
    {
        let mut stream = lock(&writer);
        write_frame(
            &mut *stream,
            &ToClient::Welcome {
                version: VERSION,
                host_pid: std::process::id(),
                host: serving.host.clone(),
            },
        )?;
        stream.set_read_timeout(None)?;
    }
    let connected = Arc::new(AtomicBool::new(true));
    {
        let writer = writer.clone();
        let connected = connected.clone();
        let closing = serving.closing.clone();
        let forwarder = std::thread::Builder::new()
            .name("pipewright-client-events".into())
            .spawn(move || forward(&events, &writer, &connected, &closing))?;
        lock(&serving.forwarders).push(forwarder);
    }
    while let Ok(Some(ToHost::Request { id, command })) = read_frame::<ToHost>(&mut reader) {
        let result = serving.commander.send(command).wait().map_err(Into::into);
        let mut stream = lock(&writer);
        if write_frame(&mut *stream, &ToClient::Reply { id, result }).is_err() {
            break;
        }
    }
    connected.store(false, Ordering::SeqCst);
    Ok(())
}

/// Sends a client every event until it disconnects, or until the host closes: then what is
/// still queued, `Closing`, and the end of the connection.
fn forward(
    events: &std::sync::mpsc::Receiver<crate::engine::Event>,
    writer: &Writer,
    connected: &AtomicBool,
    closing: &Closing,
) {
    let send = |event| write_frame(&mut *lock(writer), &ToClient::Event(event)).is_ok();
    while connected.load(Ordering::SeqCst) {
        if let Some(reason) = lock(closing).clone() {
            while let Ok(event) = events.try_recv() {
                if !send(event) {
                    return;
                }
            }
            let mut stream = lock(writer);
            let _ = write_frame(&mut *stream, &ToClient::Closing { reason });
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
        match events.recv_timeout(Duration::from_millis(50)) {
            Ok(event) => {
                if !send(event) {
                    return;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
