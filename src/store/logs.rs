//! Action logs: one append-only file per attempt, one line per output line.
//!
//! Each line is `<unix-ms> <tag> <text>`, where the tag is `o` (stdout), `e` (stderr) or `p`
//! (a note from Pipewright itself, such as the command about to run). The time is taken once
//! per chunk read from the process, so writing costs a copy, not a clock read, per line.
//! Secret values are replaced by `***` (through the engine's [`Secrets`]) before a line reaches
//! the disk, and a long line is cut only where no secret is split.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::execution::Secrets;

/// A stdout line that starts with this byte is a note from Pipewright (the byte is dropped).
pub const NOTE_MARKER: u8 = 0x1e;
/// Lines longer than this are split, so a process that never prints a newline still shows.
pub const MAX_LINE: usize = 64 * 1024;
const PREFIX_LEN: usize = 16; // 13 digits, space, tag, space

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// The process's standard output.
    Stdout,
    /// The process's standard error.
    Stderr,
    /// A note written by Pipewright.
    Note,
}

impl Stream {
    fn tag(self) -> u8 {
        match self {
            Stream::Stdout => b'o',
            Stream::Stderr => b'e',
            Stream::Note => b'p',
        }
    }

    fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            b'o' => Some(Stream::Stdout),
            b'e' => Some(Stream::Stderr),
            b'p' => Some(Stream::Note),
            _ => None,
        }
    }
}

/// Appends lines to one attempt's log file.
pub struct LogWriter {
    file: BufWriter<File>,
    written: u64,
    /// The last time written as a prefix, and its 13 digits (one clock value per chunk, so
    /// the digits are formatted once per chunk, not once per line).
    stamp: (i64, [u8; 13]),
    pending: [Vec<u8>; 2],
    secrets: Secrets,
}

impl LogWriter {
    /// Creates (or truncates) the log file, making its folder if needed.
    pub fn create(path: &Path) -> io::Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let file = File::create(path)?;
        Ok(Self {
            file: BufWriter::with_capacity(256 * 1024, file),
            written: 0,
            stamp: (-1, [b'0'; 13]),
            pending: [Vec::new(), Vec::new()],
            secrets: Secrets::default(),
        })
    }

    /// Masks every line written from now on with `secrets` (shared: values added to them
    /// later are masked too).
    pub fn mask_with(&mut self, secrets: Secrets) {
        self.secrets = secrets;
    }

    /// The secrets this log masks.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Bytes written so far (including what is still buffered).
    pub fn len(&self) -> u64 {
        self.written
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.written == 0
    }

    /// Writes a chunk of process output; an incomplete last line waits for the next chunk.
    pub fn write_output(&mut self, stream: Stream, chunk: &[u8], now_ms: i64) -> io::Result<()> {
        let slot = usize::from(stream == Stream::Stderr);
        let mut rest = chunk;
        while let Some(newline) = memchr::memchr(b'\n', rest) {
            let (line, after) = rest.split_at(newline);
            rest = &after[1..];
            if self.pending[slot].is_empty() {
                self.write_line(stream, line, now_ms)?;
            } else {
                let mut joined = std::mem::take(&mut self.pending[slot]);
                joined.extend_from_slice(line);
                self.write_line(stream, &joined, now_ms)?;
            }
        }
        self.pending[slot].extend_from_slice(rest);
        if self.pending[slot].len() >= MAX_LINE {
            // Cut where no secret is split; keep back what could be the start of one.
            let keep = self.secrets.longest().saturating_sub(1);
            let wanted = self.pending[slot].len().saturating_sub(keep);
            let cut = self.secrets.safe_cut(&self.pending[slot], wanted);
            if cut > 0 {
                let rest = self.pending[slot].split_off(cut);
                let long = std::mem::replace(&mut self.pending[slot], rest);
                self.write_line(stream, &long, now_ms)?;
            }
        }
        Ok(())
    }

    /// Writes what is left of a stream that ended without a final newline.
    pub fn end_stream(&mut self, stream: Stream, now_ms: i64) -> io::Result<()> {
        let slot = usize::from(stream == Stream::Stderr);
        if !self.pending[slot].is_empty() {
            let last = std::mem::take(&mut self.pending[slot]);
            self.write_line(stream, &last, now_ms)?;
        }
        Ok(())
    }

    /// Writes a note from Pipewright.
    pub fn note(&mut self, text: &str, now_ms: i64) -> io::Result<()> {
        // Masked before it is split, so a secret spanning lines is masked whole.
        let text = self.secrets.mask(text);
        for line in text.lines() {
            self.write_line(Stream::Note, line.as_bytes(), now_ms)?;
        }
        Ok(())
    }

    /// Pushes buffered lines to the file.
    pub fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }

    fn write_line(&mut self, mut stream: Stream, line: &[u8], now_ms: i64) -> io::Result<()> {
        let mut line = line.strip_suffix(b"\r").unwrap_or(line);
        if stream == Stream::Stdout && line.first() == Some(&NOTE_MARKER) {
            stream = Stream::Note;
            line = &line[1..];
        }
        if self.stamp.0 != now_ms {
            self.stamp.0 = now_ms;
            write_millis(&mut self.stamp.1, now_ms);
        }
        let mut prefix = [b' '; PREFIX_LEN];
        prefix[..13].copy_from_slice(&self.stamp.1);
        prefix[14] = stream.tag();
        let line = self.secrets.mask_bytes(line);
        self.file.write_all(&prefix)?;
        self.file.write_all(&line)?;
        self.file.write_all(b"\n")?;
        self.written += (PREFIX_LEN + line.len() + 1) as u64;
        Ok(())
    }
}

/// Writes `value` as exactly 13 decimal digits (zero-padded) into `out`.
fn write_millis(out: &mut [u8], value: i64) {
    let mut value = value.clamp(0, 9_999_999_999_999) as u64;
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// One line read back from a log file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// When the line was read from the process (Unix milliseconds).
    pub at_ms: i64,
    /// Where it came from.
    pub stream: Stream,
    /// The text, with invalid UTF-8 replaced.
    pub text: String,
}

/// Splits one raw log line (without its newline) into time, stream and text.
pub fn parse_line(raw: &[u8]) -> Option<(i64, Stream, &[u8])> {
    if raw.len() < PREFIX_LEN - 1 || raw[13] != b' ' {
        return None;
    }
    let digits = std::str::from_utf8(&raw[..13]).ok()?;
    let at_ms = digits.parse().ok()?;
    let stream = Stream::from_tag(raw[14])?;
    let text = raw.get(PREFIX_LEN..).unwrap_or_default();
    Some((at_ms, stream, text))
}

/// Reads the complete lines of a log file from byte `offset`; returns them and the offset just
/// after the last complete line.
pub fn read_lines(path: &Path, offset: u64) -> io::Result<(Vec<LogLine>, u64)> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let complete = memchr::memrchr(b'\n', &bytes).map_or(0, |last| last + 1);
    let lines = bytes[..complete]
        .split(|&b| b == b'\n')
        .filter(|raw| !raw.is_empty())
        .filter_map(|raw| {
            parse_line(raw).map(|(at_ms, stream, text)| LogLine {
                at_ms,
                stream,
                text: String::from_utf8_lossy(text).into_owned(),
            })
        })
        .collect();
    Ok((lines, offset + complete as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(write: impl FnOnce(&mut LogWriter)) -> Vec<LogLine> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b/1.log");
        let mut writer = LogWriter::create(&path).expect("create");
        write(&mut writer);
        writer.flush().expect("flush");
        let (lines, offset) = read_lines(&path, 0).expect("read");
        assert_eq!(offset, writer.len());
        lines
    }

    #[test]
    fn lines_split_across_chunks_are_joined_and_streams_kept_apart() {
        let lines = written(|w| {
            w.write_output(Stream::Stdout, b"hel", 1).unwrap();
            w.write_output(Stream::Stderr, b"oops\n", 2).unwrap();
            w.write_output(Stream::Stdout, b"lo\nworld", 3).unwrap();
            w.end_stream(Stream::Stdout, 4).unwrap();
        });
        let seen: Vec<(i64, Stream, &str)> = lines
            .iter()
            .map(|l| (l.at_ms, l.stream, l.text.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (2, Stream::Stderr, "oops"),
                (3, Stream::Stdout, "hello"),
                (4, Stream::Stdout, "world"),
            ]
        );
    }

    #[test]
    fn secrets_are_masked_and_markers_become_notes() {
        let lines = written(|w| {
            let secrets = Secrets::default();
            secrets.add(["hunter2", ""]);
            w.mask_with(secrets);
            w.write_output(
                Stream::Stdout,
                b"pass=hunter2 again hunter2\n\x1e$ make\n",
                5,
            )
            .unwrap();
            w.note("collected 3 files", 6).unwrap();
        });
        assert_eq!(lines[0].text, "pass=*** again ***");
        assert_eq!(
            (lines[1].stream, lines[1].text.as_str()),
            (Stream::Note, "$ make")
        );
        assert_eq!(lines[2].stream, Stream::Note);
    }

    #[test]
    fn a_secret_across_the_cut_of_a_long_line_is_masked_whole() {
        let secret = "s3cr3t-Straddle";
        let lines = written(|w| {
            let secrets = Secrets::default();
            secrets.add([secret]);
            w.mask_with(secrets);
            let mut long = vec![b'x'; MAX_LINE - 5];
            long.extend_from_slice(secret.as_bytes());
            long.extend(vec![b'y'; 3 * MAX_LINE]);
            long.extend_from_slice(secret.as_bytes());
            for chunk in long.chunks(4096) {
                w.write_output(Stream::Stdout, chunk, 1).unwrap();
            }
            w.write_output(Stream::Stdout, b"\n", 2).unwrap();
        });
        assert!(lines.len() > 1, "the long line is cut");
        let all: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(all.matches("***").count(), 2);
        assert!(!all.contains("s3cr") && !all.contains("addle"));
    }

    #[test]
    fn a_line_without_newline_is_written_once_it_reaches_the_limit() {
        let lines = written(|w| {
            w.write_output(Stream::Stdout, &vec![b'x'; MAX_LINE - 1], 1)
                .unwrap();
            w.write_output(Stream::Stdout, b"0123456789", 2).unwrap();
            w.write_output(Stream::Stdout, b"tail\n", 3).unwrap();
        });
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text.len(), MAX_LINE + 9);
        assert_eq!(lines[1].text, "tail");
    }
}
