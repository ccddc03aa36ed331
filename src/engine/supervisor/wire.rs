//! What travels between the host, the zygote and a supervisor: the spawn request (bytes plus
//! file descriptors over a Unix socket) and the small fixed-size control messages.

use std::ffi::CString;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

/// The descriptors a spawn request carries: the process's stdin, stdout and stderr, and the
/// supervisor's end of its control socket.
pub const FDS_PER_REQUEST: usize = 4;

/// Everything a supervisor needs to start an action's process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpawnRequest {
    /// The program, as a path the kernel can execute (already looked up in `PATH`).
    pub program: CString,
    /// Its arguments, the program's name first.
    pub argv: Vec<CString>,
    /// Its whole environment as `NAME=value`.
    pub envp: Vec<CString>,
    /// The working directory.
    pub cwd: CString,
    /// How long a graceful stop waits before SIGKILL, in milliseconds.
    pub grace_ms: u64,
}

impl SpawnRequest {
    /// The request as bytes: counts and lengths as little-endian u32, strings without NULs.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.grace_ms.to_le_bytes());
        for single in [&self.program, &self.cwd] {
            put(&mut out, single.as_bytes());
        }
        for list in [&self.argv, &self.envp] {
            out.extend_from_slice(&(list.len() as u32).to_le_bytes());
            for item in list {
                put(&mut out, item.as_bytes());
            }
        }
        out
    }

    /// Reads a request written by [`Self::encode`].
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut reader = Reader { bytes, at: 0 };
        let grace_ms = u64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        let program = reader.string()?;
        let cwd = reader.string()?;
        let argv = reader.list()?;
        let envp = reader.list()?;
        Some(Self {
            program,
            argv,
            envp,
            cwd,
            grace_ms,
        })
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(count)?)?;
        self.at += count;
        Some(slice)
    }

    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    fn string(&mut self) -> Option<CString> {
        let len = self.u32()?;
        CString::new(self.take(len)?).ok()
    }

    fn list(&mut self) -> Option<Vec<CString>> {
        let count = self.u32()?;
        (0..count).map(|_| self.string()).collect()
    }
}

/// Sends a request: an 8-byte length with the descriptors attached, then the body.
pub fn send_request(
    socket: &mut UnixStream,
    request: &SpawnRequest,
    fds: [RawFd; FDS_PER_REQUEST],
) -> io::Result<()> {
    let body = request.encode();
    let header = (body.len() as u64).to_le_bytes();
    let iov = [io::IoSlice::new(&header)];
    let rights = [nix::sys::socket::ControlMessage::ScmRights(&fds)];
    let sent = nix::sys::socket::sendmsg::<()>(
        socket.as_raw_fd(),
        &iov,
        &rights,
        nix::sys::socket::MsgFlags::MSG_NOSIGNAL,
        None,
    )
    .map_err(io::Error::from)?;
    if sent != header.len() {
        // A Unix stream socket takes a small write whole or not at all.
        return Err(io::Error::new(
            io::ErrorKind::WriteZero,
            "the supervisor did not take the request",
        ));
    }
    socket.write_all(&body)
}

/// Receives a request; `Ok(None)` when the host closed its end.
pub fn receive_request(
    socket: &mut UnixStream,
) -> io::Result<Option<(SpawnRequest, Vec<OwnedFd>)>> {
    let mut header = [0u8; 8];
    let mut space = nix::cmsg_space!([RawFd; FDS_PER_REQUEST]);
    let (read, fds) = {
        let mut iov = [io::IoSliceMut::new(&mut header)];
        let message = nix::sys::socket::recvmsg::<()>(
            socket.as_raw_fd(),
            &mut iov,
            Some(&mut space),
            nix::sys::socket::MsgFlags::MSG_CMSG_CLOEXEC,
        )
        .map_err(io::Error::from)?;
        let mut fds = Vec::new();
        for cmsg in message.cmsgs().map_err(io::Error::from)? {
            if let nix::sys::socket::ControlMessageOwned::ScmRights(received) = cmsg {
                // SAFETY: the kernel just installed these descriptors in this process for us.
                fds.extend(
                    received
                        .into_iter()
                        .map(|fd| unsafe { OwnedFd::from_raw_fd(fd) }),
                );
            }
        }
        (message.bytes, fds)
    };
    if read == 0 {
        return Ok(None);
    }
    socket.read_exact(&mut header[read..])?;
    let len = u64::from_le_bytes(header) as usize;
    let mut body = vec![0u8; len];
    socket.read_exact(&mut body)?;
    let request = SpawnRequest::decode(&body)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "a malformed spawn request"))?;
    Ok(Some((request, fds)))
}

/// One control message between the host and a supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Supervisor → host: the action's process started with this pid (its process group).
    Started(i32),
    /// Supervisor → host: the program could not be executed (an errno).
    ExecFailed(i32),
    /// Supervisor → host: the working directory could not be entered (an errno).
    CwdFailed(i32),
    /// Supervisor → host: the process ended with this wait status and its whole tree is gone.
    Ended(i32),
    /// Host → supervisor: stop gracefully (SIGTERM, then SIGKILL after the grace time).
    Terminate,
    /// Host → supervisor: kill the whole tree now.
    Kill,
}

/// The size of every control message.
pub const CONTROL_LEN: usize = 8;

impl Control {
    /// The message as bytes.
    pub fn encode(self) -> [u8; CONTROL_LEN] {
        let (tag, value) = match self {
            Control::Started(pid) => (b'P', pid),
            Control::ExecFailed(errno) => (b'E', errno),
            Control::CwdFailed(errno) => (b'D', errno),
            Control::Ended(status) => (b'X', status),
            Control::Terminate => (b'T', 0),
            Control::Kill => (b'K', 0),
        };
        let mut out = [0u8; CONTROL_LEN];
        out[0] = tag;
        out[4..].copy_from_slice(&value.to_le_bytes());
        out
    }

    /// Reads a message written by [`Self::encode`].
    pub fn decode(bytes: [u8; CONTROL_LEN]) -> Option<Self> {
        let value = i32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        Some(match bytes[0] {
            b'P' => Control::Started(value),
            b'E' => Control::ExecFailed(value),
            b'D' => Control::CwdFailed(value),
            b'X' => Control::Ended(value),
            b'T' => Control::Terminate,
            b'K' => Control::Kill,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> CString {
        CString::new(s).expect("no NUL")
    }

    #[test]
    fn a_request_reads_back_as_written() {
        let request = SpawnRequest {
            program: text("/bin/sh"),
            argv: vec![text("sh"), text("-c"), text("echo 'hi'")],
            envp: vec![text("A=1"), text("PATH=/usr/bin")],
            cwd: text("/tmp/work dir"),
            grace_ms: 2_000,
        };
        assert_eq!(SpawnRequest::decode(&request.encode()), Some(request));
    }

    #[test]
    fn a_truncated_request_is_refused() {
        let request = SpawnRequest {
            program: text("/bin/true"),
            argv: vec![text("true")],
            envp: Vec::new(),
            cwd: text("/"),
            grace_ms: 0,
        };
        let bytes = request.encode();
        for cut in 0..bytes.len() {
            assert_eq!(SpawnRequest::decode(&bytes[..cut]), None, "cut at {cut}");
        }
    }

    #[test]
    fn control_messages_read_back() {
        for message in [
            Control::Started(4242),
            Control::ExecFailed(2),
            Control::CwdFailed(20),
            Control::Ended(-1),
            Control::Terminate,
            Control::Kill,
        ] {
            assert_eq!(Control::decode(message.encode()), Some(message));
        }
        assert_eq!(Control::decode([b'?'; CONTROL_LEN]), None);
    }
}
