//! The values of RON literals as written: string escapes and raw strings.

/// The value a string literal stands for (`"a\"b"` → `a"b`, `r#"x"#` → `x`); any other
/// text (an identifier, a number) is returned as it is.
pub fn decode(literal: &str) -> String {
    let body = literal.strip_prefix('b').unwrap_or(literal);
    if let Some(raw) = body.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = &raw[hashes..];
        return inner
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix(&format!("\"{}", "#".repeat(hashes))))
            .unwrap_or(literal)
            .to_string();
    }
    let Some(inner) = body
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|_| body.len() >= 2)
    else {
        return literal.to_string();
    };
    unescape(inner)
}

/// A string literal for `value` with as few escapes as a person would write: `\\`, `\"`,
/// `\n`, `\r` and `\t` only. `None` when the value holds other control characters (keep the
/// serializer's own literal then).
pub fn encode(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => return None,
            c => out.push(c),
        }
    }
    out.push('"');
    Some(out)
}

fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let code: String = chars
                    .by_ref()
                    .skip_while(|c| *c == '{')
                    .take_while(|c| *c != '}')
                    .collect();
                if let Some(decoded) = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32)
                {
                    out.push(decoded);
                }
            }
            Some('x') => {
                let code: String = chars.by_ref().take(2).collect();
                if let Some(decoded) = u8::from_str_radix(&code, 16).ok().map(char::from) {
                    out.push(decoded);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_lose_their_quotes_and_escapes() {
        assert_eq!(decode(r#""a\"b\\c\n""#), "a\"b\\c\n");
        assert_eq!(decode(r##"r#"x "y""#"##), "x \"y\"");
        assert_eq!(decode(r#""\u{e9}\x41""#), "éA");
        assert_eq!(decode("Ident"), "Ident");
        assert_eq!(decode("\""), "\"");
    }

    #[test]
    fn strings_are_written_with_few_escapes() {
        assert_eq!(
            encode("echo 'a' \"b\" \\ \n").as_deref(),
            Some(r#""echo 'a' \"b\" \\ \n""#)
        );
        assert_eq!(encode("bell \u{7}"), None);
    }
}
