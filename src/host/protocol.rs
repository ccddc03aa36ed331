//! The host protocol: the engine's own [`Command`] / [`Reply`] / [`Event`] vocabulary in
//! length-prefixed JSON frames, after a versioned handshake.
//!
//! A client sends `Hello` with its protocol version and workspace; the host answers
//! `Welcome` or `Refused` with a reason. Then the client sends numbered requests and the host
//! sends replies (by number) and every engine event. A host that exits on purpose says
//! `Closing` first.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::engine::{Command, EngineError, Event, Refusal, Reply};
use crate::model::Problem;

/// The protocol version this build speaks. A host refuses clients of another version.
pub const VERSION: u32 = 1;

/// The largest frame accepted (a start request carries a whole pipeline).
const MAX_FRAME: usize = 64 * 1024 * 1024;

/// From a client to the host.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToHost {
    /// The handshake.
    Hello {
        /// The client's protocol version.
        version: u32,
        /// The workspace it means (the host checks it is its own).
        workspace: PathBuf,
        /// What the client is ("pipewright run", "the app"), for the host's log.
        program: String,
    },
    /// A command, answered by a [`ToClient::Reply`] with the same id.
    Request {
        /// Chosen by the client.
        id: u64,
        /// What to do.
        command: Command,
    },
}

/// From the host to a client.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToClient {
    /// The handshake succeeded.
    Welcome {
        /// The host's protocol version.
        version: u32,
        /// The host's pid.
        host_pid: u32,
        /// What the host is.
        host: String,
    },
    /// The handshake failed; the connection closes.
    Refused {
        /// Why, and what to do.
        reason: String,
    },
    /// The answer to a request.
    Reply {
        /// The request's id.
        id: u64,
        /// The engine's answer.
        result: Result<Reply, WireError>,
    },
    /// An engine event.
    Event(Event),
    /// The host is about to exit on purpose.
    Closing {
        /// Why.
        reason: String,
    },
}

/// An engine error as it crosses the socket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WireError {
    /// The pipeline has validation problems.
    Invalid(Vec<Problem>),
    /// The command breaks a rule.
    Refused(Refusal),
    /// The host's engine has shut down.
    ShutDown,
    /// Anything else, as text.
    Fault(String),
}

impl From<EngineError> for WireError {
    fn from(error: EngineError) -> Self {
        match error {
            EngineError::Invalid { problems } => WireError::Invalid(problems),
            EngineError::Refused(refusal) => WireError::Refused(refusal),
            EngineError::ShutDown => WireError::ShutDown,
            other => WireError::Fault(other.to_string()),
        }
    }
}

impl From<WireError> for EngineError {
    fn from(error: WireError) -> Self {
        match error {
            WireError::Invalid(problems) => EngineError::Invalid { problems },
            WireError::Refused(refusal) => EngineError::Refused(refusal),
            WireError::ShutDown => EngineError::ShutDown,
            WireError::Fault(text) => EngineError::Remote(text),
        }
    }
}

/// Writes one frame: the JSON body's length as a little-endian u32, then the body.
pub fn write_frame<T: Serialize>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    let body = serde_json::to_vec(message).map_err(io::Error::other)?;
    let len = u32::try_from(body.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "message too large"))?;
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(&body);
    writer.write_all(&frame)
}

/// Reads one frame; `Ok(None)` at a clean end of the stream.
pub fn read_frame<T: DeserializeOwned>(reader: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match reader.read_exact(&mut len) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution::ActionId;

    #[test]
    fn frames_read_back_and_a_clean_end_is_none() {
        let mut buffer = Vec::new();
        write_frame(
            &mut buffer,
            &ToClient::Reply {
                id: 7,
                result: Err(WireError::Refused(Refusal::NotWaitingForApproval {
                    action: ActionId::new("Gate", "Ship"),
                })),
            },
        )
        .expect("write");
        let mut reader = buffer.as_slice();
        match read_frame::<ToClient>(&mut reader).expect("read") {
            Some(ToClient::Reply {
                id: 7,
                result: Err(WireError::Refused(refusal)),
            }) => {
                assert_eq!(refusal.to_string(), "Gate/Ship is not waiting for approval");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(read_frame::<ToClient>(&mut reader).expect("end").is_none());
    }

    #[test]
    fn a_garbled_frame_is_an_error_not_a_panic() {
        let mut bytes = 5u32.to_le_bytes().to_vec();
        bytes.extend_from_slice(b"{oops");
        assert!(read_frame::<ToHost>(&mut bytes.as_slice()).is_err());
        let huge = u32::MAX.to_le_bytes();
        assert!(read_frame::<ToHost>(&mut huge.as_slice()).is_err());
    }
}
