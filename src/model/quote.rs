//! Echoing what a user typed back in a message: a long value is cut short, so a 10 MB name
//! makes a readable error, not a 10 MB one. [`quote`] cuts one value; [`shorten_quotes`] cuts
//! every quoted value of a finished message (validation problems, CLI errors).

use std::borrow::Cow;

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

/// `message` with each value between `"` or `` ` `` that is longer than [`QUOTE_LIMIT`]
/// characters cut to that many, with a note of its length.
pub fn shorten_quotes(message: &str) -> Cow<'_, str> {
    if message.len() <= QUOTE_LIMIT {
        return Cow::Borrowed(message);
    }
    let mut out = String::new();
    let mut rest = message;
    let mut cut_any = false;
    while let Some(open) = rest.find(['"', '`']) {
        let delimiter = &rest[open..open + 1];
        let after = &rest[open + 1..];
        let Some(close) = after.find(delimiter) else {
            break;
        };
        let inner = &after[..close];
        out.push_str(&rest[..=open]);
        let count = inner.chars().count();
        if count > QUOTE_LIMIT {
            cut_any = true;
            out.extend(inner.chars().take(QUOTE_LIMIT));
            out.push_str(&format!("…{delimiter} ({count} characters)"));
        } else {
            out.push_str(inner);
            out.push_str(delimiter);
        }
        rest = &after[close + 1..];
    }
    if !cut_any {
        return Cow::Borrowed(message);
    }
    out.push_str(rest);
    Cow::Owned(out)
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

    #[test]
    fn every_long_quoted_value_of_a_message_is_cut() {
        let long = "x".repeat(1_000_000);
        let message = format!("the name \"{long}\" is bad; `{long}` too; keep \"ok\": fix it");
        let short = shorten_quotes(&message);
        assert!(short.len() < 300, "{}", short.len());
        assert!(short.starts_with("the name \"xxx"), "{short}");
        assert!(
            short.contains("…\" (1000000 characters) is bad; `x"),
            "{short}"
        );
        assert!(short.ends_with("keep \"ok\": fix it"), "{short}");
        assert!(matches!(
            shorten_quotes("plain \"short\" message"),
            Cow::Borrowed(_)
        ));
    }
}
