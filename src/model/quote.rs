//! Echoing what a user typed back in a message: a long value is cut short, so a 10 MB name
//! makes a readable error, not a 10 MB one.

/// The most characters of a value a message repeats.
pub const QUOTE_LIMIT: usize = 80;

/// `text` in double quotes, cut to [`QUOTE_LIMIT`] characters with a note of its length.
pub fn quote(text: &str) -> String {
    let count = text.chars().count();
    if count <= QUOTE_LIMIT {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(QUOTE_LIMIT).collect();
        format!("{head:?}… ({count} characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_quoted_whole_and_long_ones_cut() {
        assert_eq!(quote("Build"), "\"Build\"");
        let long = "x".repeat(10_000_000);
        let quoted = quote(&long);
        assert!(quoted.len() < 200, "{}", quoted.len());
        assert!(quoted.ends_with("… (10000000 characters)"), "{quoted}");
    }
}
