//! Standard output for commands that print lists (`history`, `logs`, `status`): a reader that
//! stops early, such as `| head`, closes the pipe, and the command then ends quietly with
//! exit code 0, as Unix tools do, instead of panicking in `println!`.

use std::io::{self, Write};

/// Buffered standard output that knows when its reader went away.
pub struct Output {
    out: io::BufWriter<io::StdoutLock<'static>>,
}

impl Output {
    /// Standard output, locked for this command.
    pub fn stdout() -> Self {
        Self {
            out: io::BufWriter::new(io::stdout().lock()),
        }
    }

    /// Writes one line.
    pub fn line(&mut self, text: impl std::fmt::Display) -> io::Result<()> {
        writeln!(self.out, "{text}")
    }

    /// Writes everything buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Finishes a printing command: a closed pipe is a normal end (exit code `ok`); any other
/// write failure is an error.
pub fn finish(result: io::Result<u8>, ok: u8) -> anyhow::Result<u8> {
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(ok),
        Err(error) => Err(anyhow::anyhow!("cannot write the output: {error}")),
        Ok(code) => Ok(code),
    }
}
