//! The supervisor of one action's process tree.
//!
//! It runs in its own process, forked from the zygote. It is a child subreaper, so anything
//! the action double-forks or detaches with `setsid` is re-parented to it and stays in reach.
//! It starts the action's program in a new process group, reports its pid, and waits. When
//! the program ends, or the host asks, or the host dies (its control socket closes), it kills
//! the group and then every remaining descendant, reaps them all, reports how the program
//! ended, and exits. So once the host hears "ended", no process of the action is left and the
//! output pipes are closed.

use std::ffi::CString;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, kill, killpg, sigprocmask};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::unistd::{ForkResult, Pid, fork};

use super::tree;
use super::wire::{CONTROL_LEN, Control, SpawnRequest};

/// How often the tree is swept again while it is being killed, for processes that were born
/// or re-parented to the supervisor after the last sweep.
const SWEEP_EVERY: Duration = Duration::from_millis(20);

/// What the supervisor is doing to the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The program runs.
    Running,
    /// SIGTERM was sent; SIGKILL follows at the instant.
    Terminating(Instant),
    /// Everything left is killed on every sweep.
    Killing,
}

/// Runs the action described by `request` with `fds` (stdin, stdout, stderr, control) and
/// supervises it to its end. Never returns.
pub fn run(request: SpawnRequest, fds: Vec<OwnedFd>) -> ! {
    let mut fds = fds.into_iter();
    let (Some(stdin), Some(stdout), Some(stderr), Some(control)) =
        (fds.next(), fds.next(), fds.next(), fds.next())
    else {
        exit(1)
    };
    let mut control = UnixStream::from(control);
    // SAFETY: prctl with these arguments only sets flags of this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM, 0, 0, 0);
        libc::prctl(libc::PR_SET_NAME, c"pw-supervisor".as_ptr(), 0, 0, 0);
    }
    let mut handled = SigSet::empty();
    for signal in [
        Signal::SIGCHLD,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGINT,
    ] {
        handled.add(signal);
    }
    if sigprocmask(SigmaskHow::SIG_BLOCK, Some(&handled), None).is_err() {
        exit(1);
    }
    let Ok(signals) =
        SignalFd::with_flags(&handled, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)
    else {
        exit(1)
    };
    let Ok((report_read, report_write)) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC) else {
        exit(1)
    };
    // SAFETY: this process is single-threaded (a fork of the single-threaded zygote).
    let program = match unsafe { fork() } {
        Ok(ForkResult::Child) => start_program(&request, stdin, stdout, stderr, report_write),
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => exit(1),
    };
    // The program has its own copies now: without ours, its pipes close when its tree is gone.
    drop((stdin, stdout, stderr, report_write));
    let mut failure = [0u8; 5];
    let mut report = std::fs::File::from(report_read);
    if report.read_exact(&mut failure).is_ok() {
        let errno = i32::from_le_bytes([failure[1], failure[2], failure[3], failure[4]]);
        let message = if failure[0] == b'D' {
            Control::CwdFailed(errno)
        } else {
            Control::ExecFailed(errno)
        };
        let _ = nix::sys::wait::waitpid(program, None);
        let _ = control.write_all(&message.encode());
        exit(0);
    }
    let _ = control.write_all(&Control::Started(program.as_raw()).encode());
    let status = watch(program, &request, &mut control, &signals);
    if let Some(status) = status {
        let _ = control.write_all(&Control::Ended(status).encode());
    }
    exit(0)
}

/// Waits for the program and its tree; returns the program's wait status once every process
/// is gone (`None` when the host is gone and nobody is listening).
fn watch(
    program: Pid,
    request: &SpawnRequest,
    control: &mut UnixStream,
    signals: &SignalFd,
) -> Option<i32> {
    let grace = Duration::from_millis(request.grace_ms);
    let mut phase = Phase::Running;
    let mut status: Option<i32> = None;
    let mut host_gone = false;
    loop {
        match reap(program, &mut status) {
            Reaped::NoneLeft => return if host_gone { None } else { status },
            Reaped::SomeLeft => {}
        }
        if status.is_some() && phase != Phase::Killing {
            // The program ended: whatever it left running goes with it.
            phase = Phase::Killing;
        }
        match phase {
            Phase::Killing => signal_tree(program, Signal::SIGKILL),
            Phase::Terminating(until) if Instant::now() >= until => {
                phase = Phase::Killing;
                signal_tree(program, Signal::SIGKILL);
            }
            Phase::Running | Phase::Terminating(_) => {}
        }
        let timeout = match phase {
            Phase::Running => PollTimeout::NONE,
            Phase::Terminating(until) => {
                poll_timeout(until.saturating_duration_since(Instant::now()))
            }
            Phase::Killing => poll_timeout(SWEEP_EVERY),
        };
        let mut fds = [
            PollFd::new(control.as_fd(), PollFlags::POLLIN),
            PollFd::new(signals.as_fd(), PollFlags::POLLIN),
        ];
        if host_gone {
            // Only the signals matter now.
            fds[0] = PollFd::new(signals.as_fd(), PollFlags::POLLIN);
        }
        if poll(&mut fds, timeout).is_err() {
            continue;
        }
        let control_ready = !host_gone && fds[0].revents().is_some_and(|r| !r.is_empty());
        if control_ready {
            let mut message = [0u8; CONTROL_LEN];
            match control.read_exact(&mut message) {
                Ok(()) => match Control::decode(message) {
                    Some(Control::Terminate) if phase == Phase::Running => {
                        signal_tree(program, Signal::SIGTERM);
                        phase = Phase::Terminating(Instant::now() + grace);
                    }
                    Some(Control::Kill) => {
                        phase = Phase::Killing;
                        signal_tree(program, Signal::SIGKILL);
                    }
                    _ => {}
                },
                Err(_) => {
                    // The host died or dropped us: nobody may outlive it.
                    host_gone = true;
                    phase = Phase::Killing;
                    signal_tree(program, Signal::SIGKILL);
                }
            }
        }
        while let Ok(Some(info)) = signals.read_signal() {
            if info.ssi_signo != Signal::SIGCHLD as u32 {
                // Told to go (or the zygote died): take the tree down first.
                phase = Phase::Killing;
                signal_tree(program, Signal::SIGKILL);
            }
        }
    }
}

fn poll_timeout(duration: Duration) -> PollTimeout {
    PollTimeout::try_from(duration.as_millis().clamp(1, 60_000) as i32).unwrap_or(PollTimeout::MAX)
}

enum Reaped {
    NoneLeft,
    SomeLeft,
}

/// Reaps every child that has ended, noting the program's status.
fn reap(program: Pid, status: &mut Option<i32>) -> Reaped {
    loop {
        let mut raw = 0;
        // SAFETY: waitpid writes the status into `raw`.
        let pid = unsafe { libc::waitpid(-1, &mut raw, libc::WNOHANG) };
        match pid {
            0 => return Reaped::SomeLeft,
            -1 if nix::errno::Errno::last() == nix::errno::Errno::EINTR => continue,
            -1 => return Reaped::NoneLeft,
            pid if pid == program.as_raw() => *status = Some(raw),
            _ => {}
        }
    }
}

/// Sends `signal` to the program's process group and to every process below the supervisor.
fn signal_tree(program: Pid, signal: Signal) {
    let _ = killpg(program, signal);
    for pid in tree::descendants(std::process::id() as i32) {
        let _ = kill(Pid::from_raw(pid), signal);
    }
}

/// In the forked child: becomes the action's program. Never returns; on failure it writes a
/// tag (`D` for the working directory, `E` for exec) and the errno to `report`.
fn start_program(
    request: &SpawnRequest,
    stdin: OwnedFd,
    stdout: OwnedFd,
    stderr: OwnedFd,
    report: OwnedFd,
) -> ! {
    let fail = |tag: u8, errno: i32| -> ! {
        let mut bytes = [tag, 0, 0, 0, 0];
        bytes[1..].copy_from_slice(&errno.to_le_bytes());
        let mut report = std::fs::File::from(report.try_clone().unwrap_or_else(|_| exit(127)));
        let _ = report.write_all(&bytes);
        exit(127)
    };
    // SAFETY: plain system calls on descriptors this process owns, in a single-threaded child.
    unsafe {
        libc::setpgid(0, 0);
        for (from, to) in [
            (stdin.as_raw_fd(), 0),
            (stdout.as_raw_fd(), 1),
            (stderr.as_raw_fd(), 2),
        ] {
            if libc::dup2(from, to) < 0 {
                fail(b'E', nix::errno::Errno::last_raw());
            }
        }
        // The program starts with every signal unblocked and at its default action (Rust
        // ignores SIGPIPE in Pipewright itself; a shell pipeline must not inherit that).
        let empty = SigSet::empty();
        let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&empty), None);
        for signal in 1..32 {
            if signal != libc::SIGKILL && signal != libc::SIGSTOP {
                libc::signal(signal, libc::SIG_DFL);
            }
        }
        libc::prctl(libc::PR_SET_PDEATHSIG, 0, 0, 0, 0);
        if libc::chdir(request.cwd.as_ptr()) != 0 {
            fail(b'D', nix::errno::Errno::last_raw());
        }
    }
    let argv = pointers(&request.argv);
    let envp = pointers(&request.envp);
    // SAFETY: both arrays are NULL-terminated and point into CStrings that outlive the call.
    unsafe {
        libc::execve(request.program.as_ptr(), argv.as_ptr(), envp.as_ptr());
    }
    fail(b'E', nix::errno::Errno::last_raw())
}

fn pointers(items: &[CString]) -> Vec<*const libc::c_char> {
    items
        .iter()
        .map(|item| item.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

/// Leaves at once, without running anything of the process this was forked from.
fn exit(code: i32) -> ! {
    // SAFETY: _exit ends the process; nothing runs after it.
    unsafe { libc::_exit(code) }
}
