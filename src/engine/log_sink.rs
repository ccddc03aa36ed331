//! One attempt's log while it runs: the file writer, shared by the processes of the attempt,
//! and throttled "log grew" events so a chatty process cannot flood the UI.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::clock::now_ms;
use crate::execution::{AttemptKey, Secrets};
use crate::store::logs::{LogWriter, Stream, parse_line};

use super::Event;
use super::bus::EventBus;

/// How often, at most, a "log grew" event is sent per attempt.
const NOTIFY_EVERY: Duration = Duration::from_millis(100);

struct Inner {
    writer: LogWriter,
    last_notified: Option<Instant>,
    notified_len: u64,
}

/// The log of one running attempt.
pub struct LogSink {
    inner: Mutex<Inner>,
    path: PathBuf,
    key: AttemptKey,
    bus: Arc<EventBus>,
}

impl LogSink {
    /// Creates the log file for `key` at `path`, masking `secrets` in all it writes.
    pub fn create(
        path: &Path,
        key: AttemptKey,
        bus: Arc<EventBus>,
        secrets: Secrets,
    ) -> std::io::Result<Self> {
        let mut writer = LogWriter::create(path)?;
        writer.mask_with(secrets);
        Ok(Self {
            inner: Mutex::new(Inner {
                writer,
                last_notified: None,
                notified_len: 0,
            }),
            path: path.to_path_buf(),
            key,
            bus,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// More values to mask from now on (in this log and everywhere the engine masks).
    pub fn add_secrets(&self, values: Vec<String>) {
        self.lock().writer.secrets().add(values);
    }

    /// Writes a chunk of process output.
    pub fn output(&self, stream: Stream, chunk: &[u8]) {
        let mut inner = self.lock();
        // A full disk must not kill the action; the log simply stops growing.
        let _ = inner.writer.write_output(stream, chunk, now_ms());
        self.maybe_notify(&mut inner, false);
    }

    /// Ends a stream, writing its unterminated last line.
    pub fn end_stream(&self, stream: Stream) {
        let mut inner = self.lock();
        let _ = inner.writer.end_stream(stream, now_ms());
    }

    /// Writes a note from Pipewright.
    pub fn note(&self, text: &str) {
        let mut inner = self.lock();
        let _ = inner.writer.note(text, now_ms());
        self.maybe_notify(&mut inner, false);
    }

    /// Flushes the file and tells subscribers its final length.
    pub fn finish(&self) {
        let mut inner = self.lock();
        self.maybe_notify(&mut inner, true);
    }

    fn maybe_notify(&self, inner: &mut Inner, force: bool) {
        let due = inner
            .last_notified
            .is_none_or(|last| last.elapsed() >= NOTIFY_EVERY);
        if !(force || due) {
            return;
        }
        let _ = inner.writer.flush();
        let len = inner.writer.len();
        inner.last_notified = Some(Instant::now());
        if len != inner.notified_len || force {
            inner.notified_len = len;
            self.bus.publish(Event::LogGrew {
                key: self.key.clone(),
                len,
            });
        }
    }

    /// The last `count` non-note lines written, read back from the end of the file.
    pub fn tail(&self, count: usize) -> Vec<String> {
        let _ = self.lock().writer.flush();
        let Ok(bytes) = read_end(&self.path, 16 * 1024) else {
            return Vec::new();
        };
        let mut lines: Vec<String> = bytes
            .split(|&b| b == b'\n')
            .filter_map(parse_line)
            .filter(|(_, stream, _)| *stream != Stream::Note)
            .map(|(_, _, text)| String::from_utf8_lossy(text).into_owned())
            .collect();
        let skip = lines.len().saturating_sub(count);
        lines.drain(..skip);
        lines
    }

    /// The last command announced in the log (a `$ make test` note), without the `$ `.
    pub fn last_command(&self) -> Option<String> {
        let _ = self.lock().writer.flush();
        let bytes = read_end(&self.path, 64 * 1024).ok()?;
        bytes
            .rsplit(|&b| b == b'\n')
            .filter_map(parse_line)
            .find(|(_, stream, text)| *stream == Stream::Note && text.starts_with(b"$ "))
            .map(|(_, _, text)| String::from_utf8_lossy(&text[2..]).into_owned())
    }
}

/// The last `max` bytes of a file, starting at a line boundary.
fn read_end(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(max);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    if start > 0
        && let Some(first_newline) = memchr::memchr(b'\n', &bytes)
    {
        bytes.drain(..=first_newline);
    }
    Ok(bytes)
}
