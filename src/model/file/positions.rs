//! Where each value of a document starts, keyed by its path
//! (`stages[2].actions[0].input_artifacts[0]`), so problems can name a line and column.
//!
//! Struct fields add `.field`, list items `[index]`, map entries `.key` (the key's position;
//! `.key#value` is its value's). A group with one item that is not a struct (`Some(x)`,
//! `Env("X")`, `Commands((...))`) is transparent: its item sits at the group's own path.
//! Tuples of several items add `.0`, `.1`, ….
//!
//! The text is read as a stream of tokens, parsed as [`super::parse`] parses it but without
//! building a tree, and only the paths asked for are kept: locating a few problems in a
//! 20 MB definition costs little more memory than its text.

use std::collections::{HashMap, HashSet, VecDeque};

use super::literal::decode;
use super::parse::Tokens;
use super::syntax::{Token, TokenKind};

/// A 1-based line and column (in characters) in a text file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Byte offsets to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { starts }
    }

    /// The line and column of byte `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line.saturating_sub(1)];
        let column = text
            .get(line_start..offset)
            .map_or(0, |before| before.chars().count());
        Position {
            line: line.max(1),
            column: column + 1,
        }
    }
}

/// The start position of values in a document, by path.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    by_path: HashMap<String, Position>,
}

impl Positions {
    /// Where every value of `text` starts.
    pub fn scan(text: &str) -> Self {
        Self::collect(text, None)
    }

    /// Where the values at `paths`, and the values that enclose them, start (only those are
    /// kept).
    pub fn scan_for<'p>(text: &str, paths: impl IntoIterator<Item = &'p str>) -> Self {
        let mut relevant = HashSet::new();
        for path in paths {
            let mut current = path;
            while relevant.insert(current.to_string()) && !current.is_empty() {
                current = parent_path(current);
            }
        }
        Self::collect(text, Some(&relevant))
    }

    fn collect(text: &str, relevant: Option<&HashSet<String>>) -> Self {
        let mut scan = Scan {
            source: text,
            lines: LineIndex::new(text),
            relevant,
            found: HashMap::new(),
        };
        let mut cursor = Cursor::new(text);
        cursor.trivia();
        while cursor
            .peek()
            .is_some_and(|t| t.kind == TokenKind::Attribute)
        {
            cursor.bump();
            cursor.trivia();
        }
        let root = scan.wants(String::new());
        scan.value(&mut cursor, root);
        Self {
            by_path: scan.found,
        }
    }

    /// The position of `path`, or of its nearest enclosing value that has one.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut current = path;
        loop {
            if let Some(position) = self.by_path.get(current) {
                return Some(*position);
            }
            if current.is_empty() {
                return None;
            }
            current = parent_path(current);
        }
    }

    /// The position of exactly `path`, if the document has that value (and it was asked for).
    pub fn exact(&self, path: &str) -> Option<Position> {
        self.by_path.get(path).copied()
    }
}

/// `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``.
fn parent_path(path: &str) -> &str {
    if path.ends_with(']')
        && let Some(open) = path.rfind('[')
    {
        return &path[..open];
    }
    match path.rfind('.') {
        Some(dot) => &path[..dot],
        None => "",
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// The tokens ahead, read one at a time (cloning it looks ahead without moving).
#[derive(Clone)]
struct Cursor<'s> {
    tokens: Tokens<'s>,
    ahead: VecDeque<Token>,
    /// Where the last token taken ends.
    last_end: usize,
}

impl<'s> Cursor<'s> {
    fn new(source: &'s str) -> Self {
        Self {
            tokens: Tokens::new(source),
            ahead: VecDeque::new(),
            last_end: 0,
        }
    }

    /// Whether the `index`-th token ahead exists (reading it if needed).
    fn fill(&mut self, index: usize) -> bool {
        while self.ahead.len() <= index {
            match self.tokens.next() {
                Some(token) => self.ahead.push_back(token),
                None => return false,
            }
        }
        true
    }

    fn peek(&mut self) -> Option<Token> {
        self.fill(0);
        self.ahead.front().copied()
    }

    fn bump(&mut self) {
        self.fill(0);
        if let Some(token) = self.ahead.pop_front() {
            self.last_end = token.end;
        }
    }

    fn trivia(&mut self) {
        while self.peek().is_some_and(|token| token.kind.is_trivia()) {
            self.bump();
        }
    }

    /// The `nth` token ahead that is not trivia (0: the next one).
    fn solid(&mut self, nth: usize) -> Option<Token> {
        let mut seen = 0;
        let mut index = 0;
        while self.fill(index) {
            let token = self.ahead[index];
            if !token.kind.is_trivia() {
                if seen == nth {
                    return Some(token);
                }
                seen += 1;
            }
            index += 1;
        }
        None
    }
}

/// How a group names its items.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `[a, b]`: `path[0]`, `path[1]`.
    List,
    /// `{k: v}`: `path.k` and `path.k#value`.
    Map,
    /// `(name: v)`: `path.name`.
    Struct,
    /// `Some(x)`: the one item at `path`.
    Transparent,
    /// `(a, b)`: `path.0`, `path.1`.
    Tuple,
}

/// What a group held, to choose its shape.
#[derive(Default)]
struct Held {
    items: usize,
    fields: bool,
}

struct Scan<'s, 'r> {
    source: &'s str,
    lines: LineIndex,
    /// The paths to keep (`None`: all).
    relevant: Option<&'r HashSet<String>>,
    found: HashMap<String, Position>,
}

impl Scan<'_, '_> {
    /// `path` if it is to be kept (nothing under a path that is not kept is).
    fn wants(&self, path: String) -> Option<String> {
        self.relevant
            .is_none_or(|set| set.contains(&path))
            .then_some(path)
    }

    fn child(&self, parent: &Option<String>, name: impl FnOnce(&str) -> String) -> Option<String> {
        parent
            .as_deref()
            .map(name)
            .and_then(|path| self.wants(path))
    }

    fn mark(&mut self, path: &Option<String>, start: usize) {
        if let Some(path) = path {
            let position = self.lines.position(self.source, start);
            self.found.entry(path.clone()).or_insert(position);
        }
    }

    fn is_open_paren(&self, token: Token) -> bool {
        token.kind == TokenKind::Open && self.source[token.start..].starts_with('(')
    }

    /// A value at the cursor (on a solid token), or `None` when the token cannot start one
    /// (then nothing is taken).
    fn value(&mut self, cursor: &mut Cursor, path: Option<String>) -> Option<()> {
        let token = cursor.peek()?;
        match token.kind {
            TokenKind::Ident => {
                self.mark(&path, token.start);
                cursor.bump();
                if cursor.solid(0).is_some_and(|next| self.is_open_paren(next)) {
                    cursor.trivia();
                    self.group(cursor, path);
                }
            }
            TokenKind::Str | TokenKind::Char | TokenKind::Number | TokenKind::Unknown => {
                self.mark(&path, token.start);
                cursor.bump();
            }
            TokenKind::Open => {
                self.mark(&path, token.start);
                self.group(cursor, path);
            }
            _ => return None,
        }
        Some(())
    }

    /// A group from its opening bracket on.
    fn group(&mut self, cursor: &mut Cursor, path: Option<String>) {
        let Some(open) = cursor.peek() else {
            return;
        };
        let open_char = self.source[open.start..].chars().next();
        let shape = match open_char {
            Some('[') => Shape::List,
            Some('{') => Shape::Map,
            _ if path.is_none() => Shape::Tuple,
            // `(name: ...`: a struct, without reading further.
            _ if cursor.solid(1).is_some_and(|t| t.kind == TokenKind::Ident)
                && cursor.solid(2).is_some_and(|t| t.kind == TokenKind::Colon) =>
            {
                Shape::Struct
            }
            _ => {
                let held = self.body(&mut cursor.clone(), &None, Shape::Tuple);
                if held.fields {
                    Shape::Struct
                } else if held.items <= 1 {
                    Shape::Transparent
                } else {
                    Shape::Tuple
                }
            }
        };
        self.body(cursor, &path, shape);
    }

    /// `( items )`, `[ items ]` or `{ items }` from the opening bracket on.
    fn body(&mut self, cursor: &mut Cursor, path: &Option<String>, shape: Shape) -> Held {
        let mut held = Held::default();
        let Some(open) = cursor.peek() else {
            return held;
        };
        let open_char = self.source[open.start..].chars().next().unwrap_or('(');
        cursor.bump();
        loop {
            cursor.trivia();
            let Some(token) = cursor.peek() else {
                return held;
            };
            match token.kind {
                TokenKind::Close => {
                    cursor.bump();
                    return held;
                }
                TokenKind::Comma | TokenKind::Colon | TokenKind::Attribute => cursor.bump(),
                _ => {
                    let index = held.items;
                    let item = match open_char {
                        '(' if self.starts_field(cursor) => {
                            held.fields = true;
                            self.field(cursor, path, shape)
                        }
                        '{' => self.entry(cursor, path),
                        _ => {
                            let child = match shape {
                                Shape::List => self.child(path, |p| format!("{p}[{index}]")),
                                Shape::Tuple => self.child(path, |p| join(p, &index.to_string())),
                                Shape::Transparent => path.clone(),
                                Shape::Map | Shape::Struct => None,
                            };
                            self.value(cursor, child)
                        }
                    };
                    match item {
                        Some(()) => held.items += 1,
                        None => cursor.bump(),
                    }
                }
            }
        }
    }

    /// Whether the cursor is on `identifier :` (a struct field, not `::`).
    fn starts_field(&self, cursor: &mut Cursor) -> bool {
        let (Some(name), Some(colon)) = (cursor.solid(0), cursor.solid(1)) else {
            return false;
        };
        name.kind == TokenKind::Ident && colon.kind == TokenKind::Colon
    }

    fn field(&mut self, cursor: &mut Cursor, path: &Option<String>, shape: Shape) -> Option<()> {
        let name = cursor.peek()?;
        let key = self.source[name.start..name.end].trim_start_matches("r#");
        let child = if shape == Shape::Struct {
            self.child(path, |p| join(p, key))
        } else {
            None
        };
        cursor.bump();
        cursor.trivia();
        cursor.bump();
        cursor.trivia();
        self.value(cursor, child);
        Some(())
    }

    fn entry(&mut self, cursor: &mut Cursor, path: &Option<String>) -> Option<()> {
        let key_start = cursor.peek()?.start;
        self.value(cursor, None)?;
        if cursor.solid(0).map(|token| token.kind) != Some(TokenKind::Colon) {
            // A map item without a key: a plain value, with no path.
            return Some(());
        }
        let key = path
            .as_ref()
            .map(|p| join(p, &decode(&self.source[key_start..cursor.last_end])));
        cursor.trivia();
        cursor.bump();
        cursor.trivia();
        let value_path = key.as_ref().and_then(|k| self.wants(format!("{k}#value")));
        if self.value(cursor, value_path).is_some() {
            let key = key.and_then(|k| self.wants(k));
            self.mark(&key, key_start);
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"// a comment
(
    name: "demo",
    stages: [
        (
            name: "Source",
            actions: [
                (name: "Git", provider: Commands(commands: ["a", "b"])),
            ],
        ),
        Stage(
            name: "Build", /* inline */
            actions: [(
                name: "Make",
                env: {"MODE": "fast", "TOKEN": Env("X")},
                namespace: Some("Build"),
            )],
        ),
    ],
)
"#;

    #[test]
    fn finds_fields_items_and_map_keys() {
        let positions = Positions::scan(TEXT);
        let at = |path: &str| positions.exact(path).map(|p| (p.line, p.column));
        assert_eq!(at("name"), Some((3, 11)));
        assert_eq!(at("stages[0].name"), Some((6, 19)));
        assert_eq!(
            at("stages[0].actions[0].provider.commands[1]"),
            Some((8, 66))
        );
        assert_eq!(at("stages[1].actions[0].env.TOKEN"), Some((15, 39)));
        assert_eq!(at("stages[1].actions[0].namespace"), Some((16, 28)));
    }

    #[test]
    fn falls_back_to_the_nearest_enclosing_value() {
        let positions = Positions::scan(TEXT);
        assert_eq!(
            positions.find("stages[1].actions[0].timeout"),
            positions.exact("stages[1].actions[0]")
        );
        assert_eq!(positions.find("nothing.here"), positions.exact(""));
    }

    #[test]
    fn keeps_only_the_paths_asked_for_and_what_encloses_them() {
        let all = Positions::scan(TEXT);
        let some = Positions::scan_for(
            TEXT,
            [
                "stages[1].actions[0].env.TOKEN#value",
                "stages[0].actions[0].provider.commands[1]",
                "stages[1].actions[0].timeout",
            ],
        );
        for path in [
            "stages[1].actions[0].env.TOKEN#value",
            "stages[0].actions[0].provider.commands[1]",
            "stages[0].actions[0].provider",
            "stages[1].actions[0]",
            "stages",
            "",
        ] {
            assert_eq!(some.exact(path), all.exact(path), "{path}");
            assert!(some.exact(path).is_some(), "{path}");
        }
        assert_eq!(some.exact("stages[0].name"), None);
        assert_eq!(
            some.find("stages[1].actions[0].timeout"),
            all.exact("stages[1].actions[0]")
        );
    }

    #[test]
    fn groups_of_one_item_are_transparent_and_tuples_numbered() {
        let positions = Positions::scan("(a: Some((x: 1)), b: (1, \"two\"), c: Env(\"X\"))");
        let at = |path: &str| positions.exact(path).map(|p| p.column);
        assert_eq!(at("a.x"), Some(14));
        assert_eq!(at("b.1"), Some(26));
        assert_eq!(at("c"), Some(37));
    }

    #[test]
    fn survives_text_it_does_not_understand() {
        let positions = Positions::scan("(name: \"x\", stages: [ ( @@@ ");
        assert!(positions.exact("name").is_some());
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let positions = Positions::scan("(é: \"ü\", b: 1)");
        assert_eq!(positions.exact("b").map(|p| p.column), Some(13));
    }
}
