//! A line index over a log file that grows. Every [`EVERY`]th line start is remembered with
//! the ANSI state of stdout and stderr at that point, so any line can be shown with the right
//! colours by reading from the checkpoint before it, never the whole file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::ansi::{Parser, Style};
use crate::store::logs::{Stream, parse_line};

/// Lines between checkpoints.
pub const EVERY: usize = 64;
/// The most bytes indexed per call to [`Index::update`], to keep frames short.
const STEP: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
struct Checkpoint {
    offset: u64,
    parsers: [Parser; 2],
}

/// One line ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Its number, from 0.
    pub number: usize,
    /// When it was read from the process (Unix ms).
    pub at_ms: i64,
    /// Where it came from.
    pub stream: Stream,
    /// Its text as styled runs.
    pub runs: Vec<(Style, String)>,
}

/// The index of one log file.
#[derive(Debug, Clone, Default)]
pub struct Index {
    checkpoints: Vec<Checkpoint>,
    lines: usize,
    end: u64,
    parsers: [Parser; 2],
}

fn slot(stream: Stream) -> Option<usize> {
    match stream {
        Stream::Stdout => Some(0),
        Stream::Stderr => Some(1),
        Stream::Note => None,
    }
}

impl Index {
    /// Complete lines indexed.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// The byte offset just after the last complete line indexed.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// Indexes the complete lines of `bytes`, which start at [`Self::end`]; returns how
    /// many bytes it used (an unfinished last line waits).
    pub fn extend(&mut self, bytes: &[u8]) -> usize {
        let mut used = 0;
        while let Some(newline) = memchr::memchr(b'\n', &bytes[used..]) {
            let line = &bytes[used..used + newline];
            if self.lines.is_multiple_of(EVERY) {
                self.checkpoints.push(Checkpoint {
                    offset: self.end + used as u64,
                    parsers: self.parsers.clone(),
                });
            }
            if let Some((_, stream, text)) = parse_line(line)
                && let Some(slot) = slot(stream)
                && (memchr::memchr(0x1b, text).is_some() || self.parsers[slot] != Parser::default())
            {
                self.parsers[slot].advance(text);
            }
            self.lines += 1;
            used += newline + 1;
        }
        self.end += used as u64;
        used
    }

    /// Reads and indexes what was appended to `path` since the last call, at most a few
    /// megabytes at a time; returns whether there is more to read.
    pub fn update(&mut self, path: &Path) -> std::io::Result<bool> {
        let len = std::fs::metadata(path)?.len();
        if len <= self.end {
            return Ok(false);
        }
        let want = (len - self.end).min(STEP);
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(self.end))?;
        let mut bytes = vec![0; want as usize];
        file.read_exact(&mut bytes)?;
        let used = self.extend(&bytes);
        // A single line longer than a step: take it whole next time.
        if used == 0 && want == STEP {
            return Err(std::io::Error::other("a log line is longer than 8 MiB"));
        }
        Ok(self.end < len)
    }

    /// Builds the index of a whole file, reporting bytes done in `progress`; stops early
    /// (returning what it has) when `cancel` is set.
    pub fn build(path: &Path, progress: &AtomicU64, cancel: &AtomicBool) -> std::io::Result<Self> {
        let mut index = Self::default();
        while index.update(path)? {
            progress.store(index.end, Ordering::Relaxed);
            if cancel.load(Ordering::Relaxed) {
                break;
            }
        }
        progress.store(index.end, Ordering::Relaxed);
        Ok(index)
    }

    /// Reads `count` lines from line `first`, styled.
    pub fn read(&self, path: &Path, first: usize, count: usize) -> std::io::Result<Vec<Line>> {
        let last = (first + count).min(self.lines);
        if first >= last {
            return Ok(Vec::new());
        }
        let checkpoint = &self.checkpoints[first / EVERY];
        let mut parsers = checkpoint.parsers.clone();
        let mut number = (first / EVERY) * EVERY;
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(checkpoint.offset))?;
        let mut out = Vec::with_capacity(last - first);
        let mut pending: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        let mut position = checkpoint.offset;
        while number < last && position < self.end {
            let want = chunk.len().min((self.end - position) as usize);
            let got = file.read(&mut chunk[..want])?;
            if got == 0 {
                break;
            }
            position += got as u64;
            pending.extend_from_slice(&chunk[..got]);
            let mut used = 0;
            while let Some(newline) = memchr::memchr(b'\n', &pending[used..]) {
                let raw = &pending[used..used + newline];
                used += newline + 1;
                let (at_ms, stream, text) = parse_line(raw).unwrap_or((0, Stream::Note, raw));
                let mut runs = Vec::new();
                match slot(stream) {
                    Some(slot) if number >= first => parsers[slot].feed(text, &mut runs),
                    Some(slot) => parsers[slot].feed(text, &mut Vec::new()),
                    None if number >= first => {
                        runs.push((Style::default(), String::from_utf8_lossy(text).into_owned()))
                    }
                    None => {}
                }
                if number >= first {
                    out.push(Line {
                        number,
                        at_ms,
                        stream,
                        runs,
                    });
                }
                number += 1;
                if number >= last {
                    break;
                }
            }
            pending.drain(..used);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::logs::LogWriter;

    fn write_log(lines: usize) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.log");
        let mut writer = LogWriter::create(&path).unwrap();
        for n in 0..lines {
            let text = match n {
                100 => "\x1b[31mred starts\n".to_string(),
                101..=149 => format!("still red {n}\n"),
                150 => "\x1b[0mback to normal\n".to_string(),
                _ => format!("line {n}\n"),
            };
            writer
                .write_output(Stream::Stdout, text.as_bytes(), 1_000 + n as i64)
                .unwrap();
        }
        writer
            .write_output(Stream::Stderr, b"oops\n", 9_999)
            .unwrap();
        writer.flush().unwrap();
        (dir, path)
    }

    #[test]
    fn lines_far_from_a_checkpoint_keep_the_colour_set_earlier() {
        let (_dir, path) = write_log(300);
        let mut index = Index::default();
        while index.update(&path).unwrap() {}
        assert_eq!(index.lines(), 301);
        let lines = index.read(&path, 130, 3).unwrap();
        assert_eq!(lines[0].number, 130);
        assert_eq!(lines[0].runs[0].1, "still red 130");
        assert!(
            lines[0].runs[0].0.fg.is_some(),
            "the red set on line 100 carries on"
        );
        let after = index.read(&path, 200, 1).unwrap();
        assert_eq!(after[0].runs[0].0, Style::default());
        let last = index.read(&path, 300, 5).unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!((last[0].stream, last[0].at_ms), (Stream::Stderr, 9_999));
    }

    #[test]
    fn a_growing_file_is_indexed_incrementally_without_half_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.log");
        let mut writer = LogWriter::create(&path).unwrap();
        writer
            .write_output(Stream::Stdout, b"one\ntwo\n", 1)
            .unwrap();
        writer.flush().unwrap();
        let mut index = Index::default();
        index.update(&path).unwrap();
        assert_eq!(index.lines(), 2);
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"0000000000003 o thr").unwrap();
        index.update(&path).unwrap();
        assert_eq!(index.lines(), 2, "half a line waits");
        file.write_all(b"ee\n").unwrap();
        index.update(&path).unwrap();
        assert_eq!(index.read(&path, 2, 1).unwrap()[0].runs[0].1, "three");
    }
}
