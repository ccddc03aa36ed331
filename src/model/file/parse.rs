//! Text to [`super::syntax`] tree: a lexer that never drops a byte and a forgiving
//! recursive-descent parser (text it does not understand stays in the tree as tokens).

use super::syntax::{Element, Node, NodeKind, Token, TokenKind};

/// Parses a whole document.
pub fn document(source: &str) -> Node {
    let tokens = lex(source);
    let mut parser = Parser {
        source,
        tokens,
        index: 0,
    };
    let mut children = Vec::new();
    parser.trivia(&mut children);
    while parser.peek_kind() == Some(TokenKind::Attribute) {
        parser.bump(&mut children);
        parser.trivia(&mut children);
    }
    if let Some(value) = parser.value() {
        children.push(Element::Node(value));
    }
    while parser.peek_kind().is_some() {
        parser.bump(&mut children);
    }
    let mut node = Node::new(NodeKind::Document, children);
    node.start = 0;
    node.end = source.len();
    node
}

struct Parser<'s> {
    source: &'s str,
    tokens: Vec<Token>,
    index: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.index).copied()
    }

    fn peek_kind(&self) -> Option<TokenKind> {
        self.peek().map(|token| token.kind)
    }

    fn text(&self, token: Token) -> &str {
        &self.source[token.start..token.end]
    }

    fn bump(&mut self, out: &mut Vec<Element>) {
        if let Some(token) = self.peek() {
            out.push(Element::Token(token));
            self.index += 1;
        }
    }

    fn trivia(&mut self, out: &mut Vec<Element>) {
        while self.peek_kind().is_some_and(TokenKind::is_trivia) {
            self.bump(out);
        }
    }

    /// The kind of the next token that is not trivia.
    fn next_solid(&self) -> Option<Token> {
        self.tokens[self.index..]
            .iter()
            .find(|token| !token.kind.is_trivia())
            .copied()
    }

    /// The token after the next solid one, skipping trivia.
    fn solid_after_next(&self) -> Option<Token> {
        self.tokens[self.index..]
            .iter()
            .filter(|token| !token.kind.is_trivia())
            .nth(1)
            .copied()
    }

    /// A value at the cursor (which is on a solid token), or `None` when the token cannot
    /// start one (then nothing is consumed).
    fn value(&mut self) -> Option<Node> {
        let token = self.peek()?;
        match token.kind {
            TokenKind::Ident => {
                let mut children = Vec::new();
                self.bump(&mut children);
                if self
                    .next_solid()
                    .is_some_and(|next| self.is_open_paren(next))
                {
                    self.trivia(&mut children);
                    self.group_body(&mut children);
                    Some(Node::new(NodeKind::Group, children))
                } else {
                    Some(Node::new(NodeKind::Atom, children))
                }
            }
            TokenKind::Str | TokenKind::Char | TokenKind::Number | TokenKind::Unknown => {
                let mut children = Vec::new();
                self.bump(&mut children);
                Some(Node::new(NodeKind::Atom, children))
            }
            TokenKind::Open => {
                let mut children = Vec::new();
                self.group_body(&mut children);
                Some(Node::new(NodeKind::Group, children))
            }
            _ => None,
        }
    }

    fn is_open_paren(&self, token: Token) -> bool {
        token.kind == TokenKind::Open && self.text(token) == "("
    }

    /// `( items )`, `[ items ]` or `{ items }` from the opening bracket on.
    fn group_body(&mut self, children: &mut Vec<Element>) {
        let Some(open) = self.peek() else {
            return;
        };
        let open_char = self.text(open).chars().next().unwrap_or('(');
        self.bump(children);
        loop {
            self.trivia(children);
            let Some(token) = self.peek() else {
                return;
            };
            match token.kind {
                TokenKind::Close => {
                    self.bump(children);
                    return;
                }
                TokenKind::Comma | TokenKind::Colon | TokenKind::Attribute => self.bump(children),
                _ => {
                    let item = match open_char {
                        '(' if self.starts_field() => self.field(),
                        '{' => self.entry(),
                        _ => self.value(),
                    };
                    match item {
                        Some(item) => children.push(Element::Node(item)),
                        None => self.bump(children),
                    }
                }
            }
        }
    }

    /// Whether the cursor is on `identifier :` (a struct field, not `::`).
    fn starts_field(&self) -> bool {
        let (Some(name), Some(colon)) = (self.next_solid(), self.solid_after_next()) else {
            return false;
        };
        name.kind == TokenKind::Ident && colon.kind == TokenKind::Colon
    }

    fn field(&mut self) -> Option<Node> {
        let mut children = Vec::new();
        self.bump(&mut children);
        self.trivia(&mut children);
        self.bump(&mut children);
        self.trivia(&mut children);
        if let Some(value) = self.value() {
            children.push(Element::Node(value));
        }
        Some(Node::new(NodeKind::Field, children))
    }

    fn entry(&mut self) -> Option<Node> {
        let key = self.value()?;
        let mut children = vec![Element::Node(key)];
        if self.next_solid().map(|token| token.kind) != Some(TokenKind::Colon) {
            // A map item without a key: keep it as a plain value.
            let Some(Element::Node(key)) = children.pop() else {
                return None;
            };
            return Some(key);
        }
        self.trivia(&mut children);
        self.bump(&mut children);
        self.trivia(&mut children);
        if let Some(value) = self.value() {
            children.push(Element::Node(value));
        }
        Some(Node::new(NodeKind::Entry, children))
    }
}

/// Splits `source` into tokens that cover every byte.
pub fn lex(source: &str) -> Vec<Token> {
    Tokens::new(source).collect()
}

/// The tokens of a text, lexed one at a time (for a reader that keeps none of them).
#[derive(Clone)]
pub struct Tokens<'s> {
    lexer: Lexer<'s>,
}

impl<'s> Tokens<'s> {
    /// The tokens of `source`, from its start.
    pub fn new(source: &'s str) -> Self {
        Self {
            lexer: Lexer {
                source,
                bytes: source.as_bytes(),
                index: 0,
                tokens: Vec::new(),
            },
        }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        if self.lexer.index >= self.lexer.bytes.len() {
            return None;
        }
        // Each call lexes exactly one token.
        self.lexer.token();
        self.lexer.tokens.pop()
    }
}

#[derive(Clone)]
struct Lexer<'s> {
    source: &'s str,
    bytes: &'s [u8],
    index: usize,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.index + offset).copied()
    }

    fn emit(&mut self, kind: TokenKind, start: usize) {
        let end = self.index.min(self.bytes.len());
        self.index = end;
        self.tokens.push(Token { kind, start, end });
    }

    fn token(&mut self) {
        let start = self.index;
        let Some(byte) = self.at(0) else {
            return;
        };
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {
                while matches!(self.at(0), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                    self.index += 1;
                }
                self.emit(TokenKind::Whitespace, start);
            }
            b'/' if self.at(1) == Some(b'/') => {
                while !matches!(self.at(0), None | Some(b'\n')) {
                    self.index += 1;
                }
                self.emit(TokenKind::LineComment, start);
            }
            b'/' if self.at(1) == Some(b'*') => {
                self.block_comment();
                self.emit(TokenKind::BlockComment, start);
            }
            b'#' if self.at(1) == Some(b'!') => {
                self.attribute();
                self.emit(TokenKind::Attribute, start);
            }
            b'(' | b'[' | b'{' => {
                self.index += 1;
                self.emit(TokenKind::Open, start);
            }
            b')' | b']' | b'}' => {
                self.index += 1;
                self.emit(TokenKind::Close, start);
            }
            b',' => {
                self.index += 1;
                self.emit(TokenKind::Comma, start);
            }
            b':' => {
                self.index += 1;
                self.emit(TokenKind::Colon, start);
            }
            b'"' => {
                self.quoted(b'"');
                self.emit(TokenKind::Str, start);
            }
            b'\'' => {
                self.quoted(b'\'');
                self.emit(TokenKind::Char, start);
            }
            b'b' if self.at(1) == Some(b'"') => {
                self.index += 1;
                self.quoted(b'"');
                self.emit(TokenKind::Str, start);
            }
            b'b' if self.at(1) == Some(b'r') && self.raw_string_at(2) => {
                self.index += 2;
                self.raw_string();
                self.emit(TokenKind::Str, start);
            }
            b'r' if self.raw_string_at(1) => {
                self.index += 1;
                self.raw_string();
                self.emit(TokenKind::Str, start);
            }
            b'0'..=b'9' => {
                self.number(start);
                self.emit(TokenKind::Number, start);
            }
            b'+' | b'-' | b'.' if matches!(self.at(1), Some(b'0'..=b'9' | b'.')) => {
                self.index += 1;
                self.number(start);
                self.emit(TokenKind::Number, start);
            }
            b'r' if self.at(1) == Some(b'#') => {
                self.index += 2;
                self.identifier();
                self.emit(TokenKind::Ident, start);
            }
            _ if byte == b'_'
                || byte.is_ascii_alphabetic()
                || byte >= 0x80 && self.alphabetic() =>
            {
                self.identifier();
                self.emit(TokenKind::Ident, start);
            }
            _ => {
                let width = self.source[start..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                self.index += width;
                self.emit(TokenKind::Unknown, start);
            }
        }
    }

    fn alphabetic(&self) -> bool {
        self.source[self.index..]
            .chars()
            .next()
            .is_some_and(char::is_alphabetic)
    }

    fn identifier(&mut self) {
        while let Some(c) = self.source[self.index..].chars().next() {
            if c.is_alphanumeric() || c == '_' {
                self.index += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn number(&mut self, start: usize) {
        let digits = self.source[start..].trim_start_matches(['+', '-']);
        let hex = digits.starts_with("0x") || digits.starts_with("0X");
        while let Some(byte) = self.at(0) {
            let exponent_sign = matches!(byte, b'+' | b'-')
                && !hex
                && matches!(self.bytes[self.index - 1], b'e' | b'E');
            if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.' || exponent_sign {
                self.index += 1;
            } else {
                break;
            }
        }
    }

    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(byte) = self.at(0) {
            match (byte, self.at(1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    self.index += 2;
                }
                (b'*', Some(b'/')) => {
                    self.index += 2;
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.index += 1,
            }
        }
    }

    fn attribute(&mut self) {
        let mut depth = 0usize;
        while let Some(byte) = self.at(0) {
            self.index += 1;
            match byte {
                b'[' => depth += 1,
                b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                b'\n' if depth == 0 => return,
                _ => {}
            }
        }
    }

    /// A `"..."` or `'...'` literal with backslash escapes, from its opening quote.
    fn quoted(&mut self, quote: u8) {
        self.index += 1;
        while let Some(byte) = self.at(0) {
            self.index += 1;
            if byte == b'\\' {
                self.index += 1;
            } else if byte == quote {
                return;
            }
        }
    }

    /// Whether `#*"` starts `offset` bytes ahead.
    fn raw_string_at(&self, offset: usize) -> bool {
        let mut at = offset;
        while self.at(at) == Some(b'#') {
            at += 1;
        }
        self.at(at) == Some(b'"')
    }

    /// `#*"..."#*` from the first `#` or quote.
    fn raw_string(&mut self) {
        let mut hashes = 0;
        while self.at(0) == Some(b'#') {
            hashes += 1;
            self.index += 1;
        }
        self.index += 1;
        while let Some(byte) = self.at(0) {
            self.index += 1;
            if byte == b'"' && (0..hashes).all(|k| self.at(k) == Some(b'#')) {
                self.index += hashes;
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::syntax::Tree;
    use super::*;

    #[test]
    fn every_byte_is_in_exactly_one_token() {
        for text in [
            "",
            "(",
            "// only a comment",
            "#![enable(implicit_some)]\n(a: 1)",
            "(name: \"x\", stages: [ ( @@@ ",
            "(a: r#\"raw \" string\"#, b: b\"bytes\", c: 'x', d: '\\'', e: -1.5e-3, f: 0xff)",
            "/* a /* nested */ comment */ [1, 2,] ] } ) ,:",
            "(é: \"ü\", r#type: Some(Env(\"X\")), m: {\"k\": v, 3: (1, 2)})",
        ] {
            let tokens = lex(text);
            let mut at = 0;
            for token in &tokens {
                assert_eq!(token.start, at, "{text:?}: {tokens:?}");
                assert!(token.end > token.start, "{text:?}: {tokens:?}");
                at = token.end;
            }
            assert_eq!(at, text.len(), "{text:?}");
            assert_eq!(Tree::parse(text).print(), text);
        }
    }

    #[test]
    fn fields_entries_and_items_are_told_apart() {
        let text = "Stage(name: \"B\", env: {\"K\": Env(\"V\")}, list: [1, (2, 3)])";
        let tree = Tree::parse(text);
        let root = tree.value().expect("a value");
        assert_eq!(root.name(text), Some("Stage"));
        assert!(root.has_fields());
        let env = root.field("env", text).and_then(Node::value).expect("env");
        let entry = env.items().next().expect("entry");
        assert_eq!(entry.kind, NodeKind::Entry);
        assert_eq!(entry.key(text), Some("\"K\""));
        assert_eq!(entry.value().map(|v| v.text(text)), Some("Env(\"V\")"));
        let list = root
            .field("list", text)
            .and_then(Node::value)
            .expect("list");
        let items: Vec<&str> = list.items().map(|item| item.text(text)).collect();
        assert_eq!(items, ["1", "(2, 3)"]);
    }
}
