//! Plain-text previews of what an action runs, for cards: terminal colour codes in a command
//! (`printf '\033[1;34m==>\033[0m'`) say how its output looks, not what it does, so a preview
//! leaves them out.

/// How an escape is written in a shell command, or the escape character itself.
const INTRODUCERS: [&str; 7] = ["\\033", "\\x1b", "\\x1B", "\\u001b", "\\e", "\\E", "\u{1b}"];

/// `text` without terminal control sequences (`ESC [ parameters letter`), whether they are
/// written as shell escapes (`\033[`, `\e[`, `\x1b[`) or are real escape characters.
pub fn without_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = control_sequence_end(rest) {
            rest = after;
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The text after a control sequence that starts `text`, if one does.
fn control_sequence_end(text: &str) -> Option<&str> {
    let introducer = INTRODUCERS.iter().find(|i| text.starts_with(**i))?;
    let parameters = text[introducer.len()..].strip_prefix('[')?;
    let end =
        parameters.find(|c: char| !matches!(c, '0'..='9' | ';' | ':' | '?' | '<' | '=' | '>'))?;
    let last = parameters[end..].chars().next()?;
    ('@'..='~')
        .contains(&last)
        .then(|| &parameters[end + last.len_utf8()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ron_io;

    #[test]
    fn written_and_real_colour_codes_are_left_out() {
        assert_eq!(
            without_escapes(r"printf '\033[1;34m==>\033[0m packaging %s\n'"),
            r"printf '==> packaging %s\n'"
        );
        assert_eq!(
            without_escapes("echo -e '\\e[31mred\\x1b[0m'"),
            "echo -e 'red'"
        );
        assert_eq!(without_escapes("\u{1b}[2Kdone"), "done");
        assert_eq!(
            without_escapes(r"grep '\e' file && echo [done]"),
            r"grep '\e' file && echo [done]",
            "not a control sequence"
        );
    }

    #[test]
    fn the_demo_package_card_shows_no_escape_codes() {
        let demo = ron_io::load(std::path::Path::new("assets/demo/lighthouse.pipeline.ron"))
            .expect("demo loads");
        let cards = super::super::graph::card_views(&demo.pipeline, &[], &Default::default());
        let package = &cards[&crate::model::edit::ActionRef::new(1, 0)];
        assert_eq!(package.name, "Package");
        assert!(
            package.detail.starts_with("printf '==> packaging %s\\n'"),
            "{}",
            package.detail
        );
    }
}
