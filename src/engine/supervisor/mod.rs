//! Containment of action processes: every action runs under its own supervisor process.
//!
//! A process group is not enough: `setsid` leaves it, and a double fork hands a child to
//! init. So each action's program is started by a supervisor ([`guard`]) that is a child
//! subreaper: whatever the program leaves behind is re-parented to the supervisor, which kills
//! the group and then every remaining descendant when the action ends, times out, is
//! abandoned, or when the host dies (the supervisor's control socket closes with the host, so
//! this holds after `kill -9` too). Supervisors are forked by a [`zygote`] that the engine
//! forks once when it starts, so an action costs one small fork more than a bare spawn.
//!
//! The host side is [`Zygote::spawn`], which hands over the program, its environment and its
//! standard streams, and returns a [`Supervised`] to wait on and control.

mod guard;
mod tree;
pub mod wire;
mod zygote;

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::unistd::{ForkResult, Pid, fork};
use tokio::io::AsyncReadExt;

use wire::{CONTROL_LEN, Control, SpawnRequest};

/// How the supervised program ended (its tree is gone by then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal killed it.
    Signal(i32),
}

impl Exit {
    fn from_wait_status(status: i32) -> Self {
        if libc::WIFEXITED(status) {
            Exit::Code(libc::WEXITSTATUS(status))
        } else if libc::WIFSIGNALED(status) {
            Exit::Signal(libc::WTERMSIG(status))
        } else {
            Exit::Code(-1)
        }
    }
}

/// The engine's zygote: forks a supervisor for each action.
pub struct Zygote {
    socket: Mutex<Option<UnixStream>>,
    pid: Pid,
}

impl Zygote {
    /// Forks the zygote.
    pub fn start() -> io::Result<Self> {
        let (host, child) = UnixStream::pair()?;
        // SAFETY: the child only runs `zygote::serve`, which uses system calls and the
        // allocator, never locks the host's other threads may hold.
        match unsafe { fork() }.map_err(io::Error::from)? {
            ForkResult::Child => {
                drop(host);
                zygote::serve(OwnedFd::from(child))
            }
            ForkResult::Parent { child: pid } => {
                drop(child);
                Ok(Self {
                    socket: Mutex::new(Some(host)),
                    pid,
                })
            }
        }
    }

    /// Starts `program` under a new supervisor. `stdin`, `stdout` and `stderr` become the
    /// program's standard streams; the returned handle waits for it and can stop it.
    pub fn spawn(&self, program: &Program<'_>, streams: Streams) -> io::Result<Supervised> {
        let (host_end, supervisor_end) = UnixStream::pair()?;
        let request = program.request()?;
        {
            let mut socket = self.socket.lock().unwrap_or_else(|e| e.into_inner());
            let socket = socket
                .as_mut()
                .ok_or_else(|| io::Error::other("the engine has shut down"))?;
            wire::send_request(
                socket,
                &request,
                [
                    streams.stdin.as_raw_fd(),
                    streams.stdout.as_raw_fd(),
                    streams.stderr.as_raw_fd(),
                    supervisor_end.as_raw_fd(),
                ],
            )?;
        }
        // The supervisor has its own copies now.
        drop((streams, supervisor_end));
        host_end.set_nonblocking(true)?;
        let control = tokio::net::UnixStream::from_std(host_end)?;
        Ok(Supervised { control })
    }
}

impl Drop for Zygote {
    fn drop(&mut self) {
        // Closing the socket tells the zygote to exit; it does so at once.
        drop(self.socket.lock().unwrap_or_else(|e| e.into_inner()).take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            match nix::sys::wait::waitpid(self.pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
                Ok(nix::sys::wait::WaitStatus::StillAlive) => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                _ => return,
            }
        }
    }
}

/// What to run.
pub struct Program<'a> {
    /// The program: a path, or a name looked up in the `PATH` of `env`.
    pub program: &'a str,
    /// Its arguments (without the program).
    pub args: &'a [String],
    /// Its working directory.
    pub cwd: &'a Path,
    /// Its whole environment.
    pub env: &'a [(String, String)],
    /// How long a graceful stop waits before killing.
    pub grace: Duration,
}

impl Program<'_> {
    fn request(&self) -> io::Result<SpawnRequest> {
        let path = resolve(self.program, self.env).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} was not found in PATH", self.program),
            )
        })?;
        let text = |bytes: &[u8]| {
            CString::new(bytes).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "an argument contains a NUL byte",
                )
            })
        };
        Ok(SpawnRequest {
            program: text(path.as_os_str().as_bytes())?,
            argv: std::iter::once(self.program)
                .chain(self.args.iter().map(String::as_str))
                .map(|arg| text(arg.as_bytes()))
                .collect::<io::Result<_>>()?,
            envp: self
                .env
                .iter()
                .map(|(name, value)| text(format!("{name}={value}").as_bytes()))
                .collect::<io::Result<_>>()?,
            cwd: text(self.cwd.as_os_str().as_bytes())?,
            grace_ms: self.grace.as_millis() as u64,
        })
    }
}

/// Looks `program` up like a shell: as given when it holds a `/`, otherwise in each folder of
/// the `PATH` in `env`.
pub fn resolve(program: &str, env: &[(String, String)]) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    let path = env
        .iter()
        .rev()
        .find(|(name, _)| name == "PATH")
        .map_or("/usr/local/bin:/usr/bin:/bin", |(_, value)| value.as_str());
    path.split(':')
        .filter(|dir| !dir.is_empty())
        .map(|dir| Path::new(dir).join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The program's standard streams.
pub struct Streams {
    /// Its stdin (a pipe, or /dev/null).
    pub stdin: OwnedFd,
    /// Its stdout.
    pub stdout: OwnedFd,
    /// Its stderr.
    pub stderr: OwnedFd,
}

/// A supervised program, seen from the host.
pub struct Supervised {
    control: tokio::net::UnixStream,
}

impl Supervised {
    /// Waits until the program has started; returns its pid (which is also its process
    /// group), or why it could not start.
    pub async fn started(&mut self) -> io::Result<i32> {
        match self.next().await? {
            Control::Started(pid) => Ok(pid),
            Control::ExecFailed(errno) => Err(io::Error::from_raw_os_error(errno)),
            Control::CwdFailed(errno) => {
                let error = io::Error::from_raw_os_error(errno);
                Err(io::Error::new(
                    error.kind(),
                    format!("cannot enter the working folder: {error}"),
                ))
            }
            other => Err(io::Error::other(format!(
                "unexpected message from the supervisor: {other:?}"
            ))),
        }
    }

    /// Waits until the program has ended and its whole tree is gone.
    pub async fn ended(&mut self) -> io::Result<Exit> {
        loop {
            if let Control::Ended(status) = self.next().await? {
                return Ok(Exit::from_wait_status(status));
            }
        }
    }

    /// Asks for a graceful stop: SIGTERM to the tree, SIGKILL after the grace time.
    pub fn terminate(&self) {
        self.send(Control::Terminate);
    }

    /// Asks for the tree to be killed now.
    pub fn kill(&self) {
        self.send(Control::Kill);
    }

    fn send(&self, message: Control) {
        // Eight bytes always fit in an idle socket's buffer; if the supervisor is already
        // gone there is nothing left to stop.
        let _ = self.control.try_write(&message.encode());
    }

    async fn next(&mut self) -> io::Result<Control> {
        let mut bytes = [0u8; CONTROL_LEN];
        self.control.read_exact(&mut bytes).await?;
        Control::decode(bytes).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidData, "a malformed supervisor message")
        })
    }
}

/// `/dev/null`, for a program that reads nothing.
pub fn null_stdin() -> io::Result<OwnedFd> {
    Ok(std::fs::File::open("/dev/null")?.into())
}
