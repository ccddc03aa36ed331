//! Running one process for an action: under its own supervisor (see
//! [`super::supervisor`]), in its own process group, stdin closed (or fed a document), stdout
//! and stderr captured into the attempt's log. A timeout, a stop-and-abandon or the end of the
//! main process takes down the whole tree, so background children never outlive their action,
//! even those that left the group with `setsid`.

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::store::logs::Stream;

use super::log_sink::LogSink;
use super::supervisor::{Exit, Program, Streams, Zygote, null_stdin};

/// How long a timed-out process group gets between SIGTERM and SIGKILL.
pub const KILL_GRACE: Duration = Duration::from_secs(2);
/// How long to wait for pipes to close after the main process and its group are gone.
const PIPE_DRAIN_LIMIT: Duration = Duration::from_secs(2);
/// The pipe size asked for each captured stream.
const PIPE_SIZE: i32 = 1024 * 1024;
/// The most read from a stream at once.
const READ_CHUNK: usize = 128 * 1024;
/// The most stdout kept in memory when the caller asks for it.
const MAX_CAPTURE: usize = 1024 * 1024;

/// When a process must stop.
#[derive(Clone)]
pub struct Control {
    /// Kill the group (SIGTERM, then SIGKILL) at this instant.
    pub deadline: Option<Instant>,
    /// Kill the group at once when cancelled (a stop-and-abandon).
    pub cancel: CancellationToken,
}

/// Told when a process group starts, so the store can track it for crash recovery.
pub trait ProcessTracker: Send + Sync {
    /// A process group started.
    fn started(&self, pgid: i32);
}

/// What to run.
pub struct Spec<'a> {
    /// The program.
    pub program: &'a str,
    /// Its arguments.
    pub args: &'a [String],
    /// The working directory.
    pub cwd: &'a Path,
    /// Variables added to Pipewright's own environment.
    pub env: &'a [(String, String)],
    /// Bytes written to stdin before it is closed (`None`: stdin is /dev/null).
    pub stdin: Option<Vec<u8>>,
    /// Keep (the first MiB of) stdout in memory as well as in the log.
    pub capture_stdout: bool,
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// It exited with this code.
    Exited(i32),
    /// A signal killed it.
    Signaled(i32),
    /// Its deadline passed and it was killed.
    TimedOut,
    /// It was cancelled and killed.
    Cancelled,
}

/// The result of [`run`].
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub end: End,
    /// Stdout, when [`Spec::capture_stdout`] asked for it.
    pub stdout: Vec<u8>,
}

/// Starts an attempt's processes: each under a supervisor forked by the engine's zygote, and
/// reported to the tracker.
#[derive(Clone)]
pub struct Launcher {
    /// Forks the supervisors.
    pub zygote: Arc<Zygote>,
    /// Records process groups for crash recovery.
    pub tracker: Arc<dyn ProcessTracker>,
}

/// Runs `spec` to its end and returns how it ended.
pub async fn run(
    spec: Spec<'_>,
    log: &Arc<LogSink>,
    control: &Control,
    launcher: &Launcher,
) -> std::io::Result<Finished> {
    let (out_read, out_write) = pipe_pair()?;
    let (err_read, err_write) = pipe_pair()?;
    let (stdin, feed) = match spec.stdin {
        Some(bytes) => {
            let (read, write) = pipe_pair()?;
            (read, Some((write, bytes)))
        }
        None => (null_stdin()?, None),
    };
    // A larger pipe lets a chatty process write ahead while the log is being written, so it
    // is read in fewer, bigger chunks. The kernel may refuse; the default then applies.
    for fd in [out_read.as_fd(), err_read.as_fd()] {
        let _ = fcntl(fd, FcntlArg::F_SETPIPE_SZ(PIPE_SIZE));
    }
    let env: Vec<(String, String)> = std::env::vars().chain(spec.env.iter().cloned()).collect();
    let program = Program {
        program: spec.program,
        args: spec.args,
        cwd: spec.cwd,
        env: &env,
        grace: KILL_GRACE,
    };
    let mut child = launcher.zygote.spawn(
        &program,
        Streams {
            stdin,
            stdout: out_write,
            stderr: err_write,
        },
    )?;
    let pgid = child.started().await?;
    launcher.tracker.started(pgid);

    if let Some((write, bytes)) = feed {
        let mut sender = pipe::Sender::from_owned_fd(write)?;
        tokio::spawn(async move {
            let _ = sender.write_all(&bytes).await;
        });
    }
    let mut stdout = Some(pipe::Receiver::from_owned_fd(out_read)?);
    let mut stderr = Some(pipe::Receiver::from_owned_fd(err_read)?);
    let mut out_buf = vec![0u8; READ_CHUNK];
    let mut err_buf = vec![0u8; READ_CHUNK];
    let mut captured = Vec::new();
    let mut exit: Option<Exit> = None;
    let mut end_override: Option<End> = None;
    let mut drain_until: Option<Instant> = None;
    let far = Instant::now() + Duration::from_secs(86_400 * 365);

    loop {
        if exit.is_some() && stdout.is_none() && stderr.is_none() {
            break;
        }
        if drain_until.is_some_and(|limit| Instant::now() >= limit) {
            break;
        }
        // Biased: when both pipes have data, stdout (where Pipewright's own notes about the
        // next command go) is read first, so a command's announcement precedes its stderr.
        tokio::select! {
            biased;
            read = async { stdout.as_mut().expect("guarded").read(&mut out_buf).await }, if stdout.is_some() => {
                match read {
                    Ok(0) | Err(_) => {
                        log.end_stream(Stream::Stdout);
                        stdout = None;
                    }
                    Ok(n) => {
                        log.output(Stream::Stdout, &out_buf[..n]);
                        if spec.capture_stdout && captured.len() < MAX_CAPTURE {
                            captured.extend_from_slice(&out_buf[..n.min(MAX_CAPTURE - captured.len())]);
                        }
                    }
                }
            }
            read = async { stderr.as_mut().expect("guarded").read(&mut err_buf).await }, if stderr.is_some() => {
                match read {
                    Ok(0) | Err(_) => {
                        log.end_stream(Stream::Stderr);
                        stderr = None;
                    }
                    Ok(n) => log.output(Stream::Stderr, &err_buf[..n]),
                }
            }
            ended = child.ended(), if exit.is_none() => {
                // The supervisor reports only once the whole tree is gone, so the pipes are
                // closed already; the limit guards against a process it could not reach.
                exit = Some(ended?);
                drain_until = Some(Instant::now() + PIPE_DRAIN_LIMIT);
            }
            () = tokio::time::sleep_until(control.deadline.unwrap_or(far)), if exit.is_none() && end_override.is_none() && control.deadline.is_some() => {
                end_override = Some(End::TimedOut);
                child.terminate();
            }
            () = control.cancel.cancelled(), if exit.is_none() && end_override != Some(End::Cancelled) => {
                end_override = Some(End::Cancelled);
                child.kill();
            }
            () = tokio::time::sleep_until(drain_until.unwrap_or(far)), if drain_until.is_some() => {}
        }
    }
    let end = match (end_override, exit) {
        (Some(forced), _) => forced,
        (None, Some(Exit::Code(code))) => End::Exited(code),
        (None, Some(Exit::Signal(signal))) => End::Signaled(signal),
        (None, None) => End::Exited(-1),
    };
    Ok(Finished {
        end,
        stdout: captured,
    })
}

/// A pipe whose ends are closed on exec (the supervisor gets its ends by descriptor passing).
fn pipe_pair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(std::io::Error::from)
}
