//! The one masking service: the secret values an engine has read, and the replacement of each
//! by `***` in every text on its way to a person or the disk (log lines, failure messages,
//! output variables, resolved configuration, every recorded [`Change`]).
//!
//! A variable whose value contains a secret is *tainted*: its whole value becomes a secret
//! too, so it is masked wherever it is shown or substituted later.

use std::borrow::Cow;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use indexmap::IndexMap;
use memchr::memmem::Finder;

use super::Change;

/// What replaces a secret value.
pub const MASK: &str = "***";

/// Secret values to mask, shared by the engine and every log it writes (cloning shares them).
#[derive(Clone, Default)]
pub struct Secrets {
    /// Longest first, so a value containing another is masked whole.
    finders: Arc<RwLock<Vec<Finder<'static>>>>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} values)", self.read().len())
    }
}

impl Secrets {
    fn read(&self) -> RwLockReadGuard<'_, Vec<Finder<'static>>> {
        self.finders.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds values to mask from now on. Empty values are ignored; each line of a value that
    /// spans lines is masked on its own as well, since logs are kept line by line.
    pub fn add<S: AsRef<str>>(&self, values: impl IntoIterator<Item = S>) {
        let mut wanted: Vec<String> = Vec::new();
        for value in values {
            let value = value.as_ref();
            if value.contains('\n') {
                wanted.extend(
                    value
                        .lines()
                        .map(|line| line.trim_end_matches('\r'))
                        .filter(|line| !line.trim().is_empty())
                        .map(str::to_string),
                );
            }
            wanted.push(value.to_string());
        }
        wanted.retain(|value| !value.is_empty());
        if wanted.is_empty() {
            return;
        }
        let mut finders = self.finders.write().unwrap_or_else(PoisonError::into_inner);
        for value in wanted {
            if finders.iter().all(|f| f.needle() != value.as_bytes()) {
                finders.push(Finder::new(value.as_bytes()).into_owned());
            }
        }
        finders.sort_by_key(|finder| std::cmp::Reverse(finder.needle().len()));
    }

    /// The length in bytes of the longest secret (0 when there is none).
    pub fn longest(&self) -> usize {
        self.read()
            .first()
            .map_or(0, |finder| finder.needle().len())
    }

    /// Whether `text` contains a secret.
    pub fn reveals(&self, text: &[u8]) -> bool {
        self.read().iter().any(|finder| finder.find(text).is_some())
    }

    /// `bytes` with every secret replaced by `***`.
    pub fn mask_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let mut current = Cow::Borrowed(bytes);
        for finder in self.read().iter() {
            if finder.find(&current).is_none() {
                continue;
            }
            let needle_len = finder.needle().len();
            let mut out = Vec::with_capacity(current.len());
            let mut last = 0;
            for start in finder.find_iter(&current) {
                if start < last {
                    continue;
                }
                out.extend_from_slice(&current[last..start]);
                out.extend_from_slice(MASK.as_bytes());
                last = start + needle_len;
            }
            out.extend_from_slice(&current[last..]);
            current = Cow::Owned(out);
        }
        current
    }

    /// `text` with every secret replaced by `***`.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.mask_bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Whole UTF-8 values were replaced in UTF-8 text: the result is UTF-8.
            Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
        }
    }

    /// Masks `text` where it is.
    pub fn mask_in_place(&self, text: &mut String) {
        if let Cow::Owned(masked) = self.mask(text) {
            *text = masked;
        }
    }

    /// Marks as secret every variable value that contains a secret (the value is tainted).
    pub fn taint(&self, variables: &IndexMap<String, String>) {
        let tainted: Vec<&String> = variables
            .values()
            .filter(|value| self.reveals(value.as_bytes()))
            .collect();
        self.add(tainted);
    }

    /// Masks every text of a change (reasons, summaries, variables, configuration, reports).
    pub fn mask_change(&self, change: &mut Change) {
        if self.read().is_empty() {
            return;
        }
        change.for_each_text(&mut |text| self.mask_in_place(text));
    }

    /// Where to cut `bytes` at or before `wanted` so that no secret is split (a secret that
    /// straddles `wanted` is left whole for after the cut). May be 0.
    pub fn safe_cut(&self, bytes: &[u8], wanted: usize) -> usize {
        let finders = self.read();
        let mut cut = wanted.min(bytes.len());
        loop {
            let mut moved = false;
            for finder in finders.iter() {
                let len = finder.needle().len();
                let from = cut.saturating_sub(len - 1);
                let to = (cut + len - 1).min(bytes.len());
                if let Some(start) = finder.find(&bytes[from..to]) {
                    let start = from + start;
                    if start < cut && start + len > cut {
                        cut = start;
                        moved = true;
                    }
                }
            }
            if !moved {
                return cut;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_masked_longest_first_and_in_place() {
        let secrets = Secrets::default();
        secrets.add(["hunter2", "", "id-hunter2-x"]);
        assert_eq!(secrets.mask("a hunter2 b id-hunter2-x"), "a *** b ***");
        assert_eq!(secrets.mask("xxhunter2yy"), "xx***yy");
        assert!(matches!(secrets.mask("nothing"), Cow::Borrowed(_)));
        assert_eq!(format!("{secrets:?}"), "Secrets(2 values)");
    }

    #[test]
    fn each_line_of_a_multi_line_secret_is_masked() {
        let secrets = Secrets::default();
        secrets.add(["-----BEGIN-----\nAAAA\r\n-----END-----"]);
        assert_eq!(secrets.mask("AAAA"), "***");
    }

    #[test]
    fn a_variable_containing_a_secret_is_tainted() {
        let secrets = Secrets::default();
        secrets.add(["hunter2"]);
        let variables: IndexMap<String, String> = [
            ("URL".to_string(), "https://u:hunter2@host".to_string()),
            ("PLAIN".to_string(), "host".to_string()),
        ]
        .into_iter()
        .collect();
        secrets.taint(&variables);
        assert_eq!(secrets.mask("https://u:hunter2@host"), "***");
        assert_eq!(secrets.mask("host"), "host");
    }

    #[test]
    fn a_cut_never_splits_a_secret() {
        let secrets = Secrets::default();
        secrets.add(["abcdef"]);
        let text = b"0123abcdef456";
        assert_eq!(secrets.safe_cut(text, 6), 4);
        assert_eq!(secrets.safe_cut(text, 4), 4);
        assert_eq!(secrets.safe_cut(text, 10), 10);
        assert_eq!(secrets.safe_cut(text, 100), text.len());
    }
}
