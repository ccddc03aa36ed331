//! Hosting a workspace's engine. Exactly one process at a time hosts a workspace's engine and
//! its triggers: the one holding the host lock (see `engine::host_lock`). Every other front
//! end (the app, `run`, `watch`, `serve`, the approve / stop / retry verbs) is a client of it
//! over a Unix socket that carries the engine's own command, reply and event vocabulary
//! ([`protocol`]). A [`Session`] is a front end's link, hosted or not.

pub mod address;
pub mod client;
pub mod protocol;
pub mod server;
pub mod session;
pub mod signals;

use std::path::Path;

use nix::fcntl::{Flock, FlockArg};

pub use session::{Session, SessionError, SessionOptions, TriggerStarter};

/// Whether some process hosts the workspace now. Reads the lock without creating anything.
pub fn hosted(workspace: &Path) -> bool {
    let path = crate::store::WorkspacePaths::new(workspace).host_lock();
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    // A shared lock is refused while the host holds its exclusive one.
    Flock::lock(file, FlockArg::LockSharedNonblock).is_err()
}
