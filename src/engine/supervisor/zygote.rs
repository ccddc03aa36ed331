//! The zygote: a small process forked from the host when its engine starts, which forks one
//! supervisor per action on request.
//!
//! Forking the host itself for every action would copy a large, multi-threaded process each
//! time; executing a supervisor program would cost a program start per action. The zygote is
//! forked once, drops every descriptor it does not need, and from then on forks cheaply. It
//! exits when the host closes its socket (or dies).

use std::os::fd::{AsFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, SigmaskHow, sigprocmask};
use nix::unistd::{ForkResult, fork};

use super::guard;
use super::wire::receive_request;

/// The descriptor the zygote keeps its socket on.
const SOCKET_FD: RawFd = 3;

/// Serves spawn requests on `socket` until the host goes away. Never returns.
///
/// Runs in a child just forked from a multi-threaded host: it only uses system calls and the
/// allocator (which glibc keeps usable across fork), never locks of the host's libraries.
pub fn serve(socket: OwnedFd) -> ! {
    let socket = isolate(socket);
    let mut socket = UnixStream::from(socket);
    loop {
        let ready = {
            let mut fds = [PollFd::new(socket.as_fd(), PollFlags::POLLIN)];
            poll(&mut fds, PollTimeout::from(1_000u16)).is_ok_and(|n| n > 0)
        };
        reap_supervisors();
        if !ready {
            continue;
        }
        match receive_request(&mut socket) {
            Ok(Some((request, fds))) => {
                // SAFETY: the zygote is single-threaded.
                match unsafe { fork() } {
                    Ok(ForkResult::Child) => {
                        drop(socket);
                        guard::run(request, fds)
                    }
                    // The supervisor holds the descriptors now; ours would keep pipes open.
                    Ok(ForkResult::Parent { .. }) | Err(_) => drop(fds),
                }
            }
            Ok(None) | Err(_) => exit(0),
        }
    }
}

/// Keeps only the socket (moved to [`SOCKET_FD`]) and /dev/null on 0–2, leaves the host's
/// process group and signal handlers behind.
fn isolate(socket: OwnedFd) -> OwnedFd {
    use std::os::fd::IntoRawFd;
    let raw = socket.into_raw_fd();
    // SAFETY: plain system calls on this process's own descriptors and signal state.
    unsafe {
        if raw != SOCKET_FD {
            if libc::dup3(raw, SOCKET_FD, libc::O_CLOEXEC) < 0 {
                exit(1);
            }
            libc::close(raw);
        }
        // Every other descriptor of the host (database, pipes of running actions, sockets)
        // would otherwise stay open in here and in every supervisor.
        libc::close_range(SOCKET_FD as u32 + 1, u32::MAX, 0);
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        for fd in 0..3 {
            libc::dup2(null, fd);
        }
        if null > 2 {
            libc::close(null);
        }
        libc::setpgid(0, 0);
        libc::prctl(libc::PR_SET_NAME, c"pw-zygote".as_ptr(), 0, 0, 0);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGCHLD] {
            libc::signal(signal, libc::SIG_DFL);
        }
        // A write to a closed socket must fail, not kill the zygote.
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None);
        OwnedFd::from_raw_fd(SOCKET_FD)
    }
}

/// Collects the exit status of supervisors that have finished.
fn reap_supervisors() {
    let mut status = 0;
    // SAFETY: waitpid writes the status into `status`.
    while unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) } > 0 {}
}

fn exit(code: i32) -> ! {
    // SAFETY: _exit ends the process; nothing of the host runs after it.
    unsafe { libc::_exit(code) }
}
