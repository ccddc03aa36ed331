//! Runs `git` for the watcher with a time limit, never asking for a password. A call that
//! runs out of time is killed with everything it started (ssh, remote helpers).

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use super::error::GitError;

/// How long a quick git call (ls-remote, log, diff) may take.
pub const QUICK: Duration = Duration::from_secs(60);
/// How long a fetch may take (a first fetch of a large repository).
pub const FETCH: Duration = Duration::from_secs(600);
/// How long output is awaited once git has exited (a helper it left behind may hold a pipe).
const DRAIN: Duration = Duration::from_secs(5);

/// Reads a stream to its end on its own thread.
fn drain(stream: Option<impl Read + Send + 'static>) -> Receiver<String> {
    let (sender, text) = channel();
    std::thread::spawn(move || {
        let mut read = String::new();
        if let Some(mut stream) = stream {
            let _ = stream.read_to_string(&mut read);
        }
        let _ = sender.send(read);
    });
    text
}

/// Runs `git args` in `dir` within [`QUICK`].
pub fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    git_within(dir, args, QUICK)
}

/// Runs `git args` in `dir`; its standard output, or why not (with the first line of its
/// standard error when git failed).
pub fn git_within(dir: &Path, args: &[&str], limit: Duration) -> Result<String, GitError> {
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|error| GitError::NotRun(error.to_string()))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = killpg(Pid::from_raw(child.id() as i32), Signal::SIGKILL);
                let _ = child.wait();
                return Err(GitError::TimedOut {
                    command: args.first().unwrap_or(&"").to_string(),
                    limit,
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(error) => return Err(GitError::Wait(error.to_string())),
        }
    };
    let output = stdout.recv_timeout(DRAIN).unwrap_or_default();
    if status.success() {
        return Ok(output);
    }
    let error = stderr.recv_timeout(DRAIN).unwrap_or_default();
    let first = error
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no message");
    Err(GitError::Failed(first.trim().to_string()))
}
