//! Searching a log off the UI thread: the file is scanned in large chunks, case-insensitively,
//! in the text of each line (not its time and stream prefix); matching line numbers and the
//! progress are shared with the UI as they are found.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes of the `<time> <tag> ` prefix of every log line.
const PREFIX: usize = 16;
/// The most matches kept.
pub const MAX_MATCHES: usize = 1_000_000;

#[derive(Default)]
struct Shared {
    matches: Mutex<Vec<usize>>,
    scanned: AtomicU64,
    done: AtomicBool,
    cancel: AtomicBool,
}

/// A search running (or done) over one log.
pub struct Search {
    /// What is searched for.
    pub needle: String,
    total: u64,
    shared: Arc<Shared>,
}

impl Search {
    /// Starts searching the first `total` bytes of `path`; `wake` is called as results come.
    pub fn start(
        path: PathBuf,
        needle: &str,
        total: u64,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let shared = Arc::new(Shared::default());
        let worker = shared.clone();
        let lowered = needle.to_ascii_lowercase().into_bytes();
        std::thread::spawn(move || {
            let _ = scan(&path, &lowered, total, &worker, &wake);
            worker.done.store(true, Ordering::Relaxed);
            wake();
        });
        Self {
            needle: needle.to_string(),
            total,
            shared,
        }
    }

    /// The matching line numbers found so far, in order.
    pub fn matches(&self) -> Vec<usize> {
        self.shared
            .matches
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    /// The line number of match `index`, if found yet (without copying the list).
    pub fn match_at(&self, index: usize) -> Option<usize> {
        self.shared
            .matches
            .lock()
            .ok()
            .and_then(|m| m.get(index).copied())
    }

    /// How many lines match so far.
    pub fn count(&self) -> usize {
        self.shared.matches.lock().map_or(0, |m| m.len())
    }

    /// Whether the whole file was searched.
    pub fn is_done(&self) -> bool {
        self.shared.done.load(Ordering::Relaxed)
    }

    /// How far the search is, from 0 to 1.
    pub fn progress(&self) -> f32 {
        if self.total == 0 {
            return 1.0;
        }
        self.shared.scanned.load(Ordering::Relaxed) as f32 / self.total as f32
    }
}

impl Drop for Search {
    fn drop(&mut self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
    }
}

fn scan(
    path: &PathBuf,
    needle: &[u8],
    total: u64,
    shared: &Shared,
    wake: &dyn Fn(),
) -> std::io::Result<()> {
    if needle.is_empty() {
        return Ok(());
    }
    let finder = memchr::memmem::Finder::new(needle);
    let mut file = File::open(path)?;
    let mut chunk = vec![0u8; 4 * 1024 * 1024];
    let mut carry: Vec<u8> = Vec::new();
    let mut line = 0usize;
    let mut read_total = 0u64;
    while read_total < total {
        if shared.cancel.load(Ordering::Relaxed) {
            return Ok(());
        }
        let want = chunk.len().min((total - read_total) as usize);
        let got = file.read(&mut chunk[..want])?;
        if got == 0 {
            break;
        }
        read_total += got as u64;
        carry.extend_from_slice(&chunk[..got]);
        let complete = memchr::memrchr(b'\n', &carry).map_or(0, |last| last + 1);
        let block = &mut carry[..complete];
        block.make_ascii_lowercase();
        let mut found = Vec::new();
        let mut line_start = 0usize;
        let mut counted_to = 0usize;
        let mut last_line = usize::MAX;
        for position in finder.find_iter(block) {
            line += memchr::memchr_iter(b'\n', &block[counted_to..position]).count();
            if position >= counted_to {
                line_start = memchr::memrchr(b'\n', &block[..position]).map_or(0, |n| n + 1);
            }
            counted_to = position;
            if position - line_start >= PREFIX && line != last_line {
                found.push(line);
                last_line = line;
            }
        }
        line += memchr::memchr_iter(b'\n', &block[counted_to..]).count();
        carry.drain(..complete);
        if let Ok(mut matches) = shared.matches.lock() {
            let room = MAX_MATCHES.saturating_sub(matches.len());
            matches.extend(found.into_iter().take(room));
        }
        shared.scanned.store(read_total, Ordering::Relaxed);
        wake();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::logs::{LogWriter, Stream};

    #[test]
    fn finds_lines_case_insensitively_and_not_in_the_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.log");
        let mut writer = LogWriter::create(&path).unwrap();
        for n in 0..10_000 {
            let text = if n % 2500 == 7 {
                format!("Needle here {n}\n")
            } else {
                format!("hay {n}\n")
            };
            writer
                .write_output(Stream::Stdout, text.as_bytes(), 1_234_567_000_000 + n)
                .unwrap();
        }
        writer.flush().unwrap();
        let total = std::fs::metadata(&path).unwrap().len();
        let search = Search::start(path.clone(), "NEEDLE", total, || {});
        while !search.is_done() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(search.matches(), vec![7, 2507, 5007, 7507]);
        assert_eq!(search.match_at(2), Some(5007));
        assert_eq!(search.match_at(4), None);
        let digits = Search::start(path, "1234567", total, || {});
        while !digits.is_done() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(digits.count(), 0, "the time prefix is not searched");
    }
}
