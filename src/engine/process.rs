//! Running one process for an action: its own process group, stdin closed (or fed a
//! document), stdout and stderr captured into the attempt's log. A timeout, a stop-and-abandon
//! or the end of the main process kills the whole group, so background children never outlive
//! their action.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use std::os::fd::AsFd;

use nix::fcntl::{FcntlArg, fcntl};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::store::logs::Stream;

use super::log_sink::LogSink;

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

fn kill_group(pgid: i32, signal: Signal) {
    // ESRCH (the group is already gone) is the normal case after a clean exit.
    let _ = killpg(Pid::from_raw(pgid), signal);
}

/// Runs `spec` to its end and returns how it ended.
pub async fn run(
    spec: Spec<'_>,
    log: &Arc<LogSink>,
    control: &Control,
    tracker: &dyn ProcessTracker,
) -> std::io::Result<Finished> {
    let mut command = tokio::process::Command::new(spec.program);
    command
        .args(spec.args)
        .current_dir(spec.cwd)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .process_group(0)
        .stdin(if spec.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(false);
    let mut child = command.spawn()?;
    let pgid = child.id().map_or(0, |pid| pid as i32);
    tracker.started(pgid);

    if let (Some(bytes), Some(mut stdin)) = (spec.stdin, child.stdin.take()) {
        tokio::spawn(async move {
            let _ = stdin.write_all(&bytes).await;
        });
    }
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    // A larger pipe lets a chatty process write ahead while the log is being written, so it
    // is read in fewer, bigger chunks. The kernel may refuse; the default then applies.
    for fd in [
        stdout.as_ref().map(|p| p.as_fd()),
        stderr.as_ref().map(|p| p.as_fd()),
    ]
    .into_iter()
    .flatten()
    {
        let _ = fcntl(fd, FcntlArg::F_SETPIPE_SZ(PIPE_SIZE));
    }
    let mut out_buf = vec![0u8; READ_CHUNK];
    let mut err_buf = vec![0u8; READ_CHUNK];
    let mut captured = Vec::new();
    let mut exit: Option<std::process::ExitStatus> = None;
    let mut end_override: Option<End> = None;
    let mut hard_kill_at: Option<Instant> = None;
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
            status = child.wait(), if exit.is_none() => {
                exit = Some(status?);
                // Whatever the main process left running in its group goes with it.
                kill_group(pgid, Signal::SIGKILL);
                drain_until = Some(Instant::now() + PIPE_DRAIN_LIMIT);
            }
            () = tokio::time::sleep_until(control.deadline.unwrap_or(far)), if exit.is_none() && end_override.is_none() && control.deadline.is_some() => {
                end_override = Some(End::TimedOut);
                kill_group(pgid, Signal::SIGTERM);
                hard_kill_at = Some(Instant::now() + KILL_GRACE);
            }
            () = control.cancel.cancelled(), if exit.is_none() && end_override.is_none() => {
                end_override = Some(End::Cancelled);
                kill_group(pgid, Signal::SIGKILL);
            }
            () = tokio::time::sleep_until(hard_kill_at.unwrap_or(far)), if hard_kill_at.is_some() && exit.is_none() => {
                kill_group(pgid, Signal::SIGKILL);
                hard_kill_at = None;
            }
            () = tokio::time::sleep_until(drain_until.unwrap_or(far)), if drain_until.is_some() => {}
        }
    }
    let end = match (end_override, exit) {
        (Some(forced), _) => forced,
        (None, Some(status)) => {
            use std::os::unix::process::ExitStatusExt;
            match (status.code(), status.signal()) {
                (Some(code), _) => End::Exited(code),
                (None, Some(signal)) => End::Signaled(signal),
                (None, None) => End::Exited(-1),
            }
        }
        (None, None) => End::Exited(-1),
    };
    Ok(Finished {
        end,
        stdout: captured,
    })
}
