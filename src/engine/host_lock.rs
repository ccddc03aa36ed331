//! The lock that makes one process the host of a workspace: an exclusive `flock` on
//! `.pipewright/host.lock`. The kernel releases it when the process dies, so a crashed host
//! never leaves a stale lock. The file holds the host's pid, for messages.

use std::fs::File;
use std::io::{Read, Seek, Write};

use nix::fcntl::{Flock, FlockArg};

use crate::store::WorkspacePaths;

/// Held by the process that hosts the workspace's engine; dropping it releases the workspace.
pub struct HostLock {
    _lock: Flock<File>,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process hosts the workspace.
    #[error("another process{} hosts this workspace", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Held {
        /// The other host's pid, when it wrote one.
        pid: Option<u32>,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {path}: {source}")]
    Io {
        /// The lock file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl HostLock {
    /// Takes the lock of the workspace at `paths`, or says who holds it.
    pub fn acquire(paths: &WorkspacePaths) -> Result<Self, LockError> {
        let path = paths.host_lock();
        let io = |source: std::io::Error| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(paths.state_dir()).map_err(io)?;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(mut lock) => {
                let pid = std::process::id().to_string();
                let _ = lock.set_len(0);
                let _ = lock.rewind();
                let _ = lock.write_all(pid.as_bytes());
                Ok(Self { _lock: lock })
            }
            Err((mut file, nix::errno::Errno::EWOULDBLOCK)) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                Err(LockError::Held {
                    pid: text.trim().parse().ok(),
                })
            }
            Err((_, errno)) => Err(io(errno.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = WorkspacePaths::new(dir.path());
        let first = HostLock::acquire(&paths).expect("first lock");
        match HostLock::acquire(&paths) {
            Err(LockError::Held { pid }) => assert_eq!(pid, Some(std::process::id())),
            Err(other) => panic!("unexpected error {other}"),
            Ok(_) => panic!("a second host was allowed"),
        }
        drop(first);
        HostLock::acquire(&paths).expect("free again");
    }
}
