//! SIGINT, SIGTERM and SIGHUP to a front end: delivered as [`Interrupt`]s on a channel, so the
//! front end can stop and abandon what it hosts, record why, and exit with the usual code.

use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// One of the signals that ask a front end to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupt(i32);

impl Interrupt {
    /// The signal's name, as recorded in the reason ("stopped: SIGTERM").
    pub fn name(self) -> &'static str {
        match self.0 {
            SIGINT => "SIGINT",
            SIGTERM => "SIGTERM",
            SIGHUP => "SIGHUP",
            _ => "a signal",
        }
    }

    /// The exit code a process killed by this signal conventionally reports (128 + number):
    /// 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
    pub fn exit_code(self) -> u8 {
        u8::try_from(128 + self.0).unwrap_or(u8::MAX)
    }

    /// The reason recorded on what the signal stopped.
    pub fn reason(self) -> String {
        format!("stopped: {}", self.name())
    }
}

/// The signals received since [`listen`].
pub struct Interrupts(Receiver<Interrupt>);

impl Interrupts {
    /// The next signal, if one arrived.
    pub fn try_next(&self) -> Option<Interrupt> {
        self.0.try_recv().ok()
    }

    /// Waits up to `timeout` for the next signal.
    pub fn next_within(&self, timeout: Duration) -> Option<Interrupt> {
        self.0.recv_timeout(timeout).ok()
    }
}

/// Starts listening for SIGINT, SIGTERM and SIGHUP (their default actions no longer apply).
pub fn listen() -> std::io::Result<Interrupts> {
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let (sender, receiver) = channel();
    std::thread::Builder::new()
        .name("pipewright-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if sender.send(Interrupt(signal)).is_err() {
                    break;
                }
            }
        })?;
    Ok(Interrupts(receiver))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_and_reasons_follow_the_signal() {
        assert_eq!(Interrupt(SIGINT).exit_code(), 130);
        assert_eq!(Interrupt(SIGTERM).exit_code(), 143);
        assert_eq!(Interrupt(SIGHUP).exit_code(), 129);
        assert_eq!(Interrupt(SIGTERM).reason(), "stopped: SIGTERM");
    }
}
