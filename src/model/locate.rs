//! Finds where each value of a RON document starts, keyed by its path
//! (`stages[2].actions[0].input_artifacts[0]`), so problems can name a line and column.
//!
//! Struct fields add `.field`, list items `[index]`, map entries `.key`. Single-element
//! tuples (`Some(x)`, newtype variants) are transparent: `Env("X")` sits at the path of the
//! value that holds it. The scanner is forgiving: on text it does not understand it stops and
//! keeps what it found, because it only runs on files that serde already accepted.

use std::collections::HashMap;

/// A 1-based line and column (in characters) in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// The start position of every value in a document, by path.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    by_path: HashMap<String, Position>,
}

impl Positions {
    /// Scans `text` and records where each value starts.
    pub fn scan(text: &str) -> Self {
        let mut scanner = Scanner::new(text);
        scanner.skip_trivia();
        scanner.skip_attributes();
        scanner.value(String::new());
        Self {
            by_path: scanner.found,
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

    /// The position of exactly `path`, if the document has that value.
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

struct Scanner {
    chars: Vec<char>,
    positions: Vec<Position>,
    index: usize,
    found: HashMap<String, Position>,
}

impl Scanner {
    fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut positions = Vec::with_capacity(chars.len() + 1);
        let (mut line, mut column) = (1, 1);
        for &c in &chars {
            positions.push(Position { line, column });
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        positions.push(Position { line, column });
        Self {
            chars,
            positions,
            index: 0,
            found: HashMap::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.index).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.index + offset).copied()
    }

    fn here(&self) -> Position {
        self.positions[self.index.min(self.positions.len() - 1)]
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => self.index += 1,
                (Some('/'), Some('/')) => {
                    while !matches!(self.peek(), None | Some('\n')) {
                        self.index += 1;
                    }
                }
                (Some('/'), Some('*')) => self.skip_block_comment(),
                _ => return,
            }
        }
    }

    fn skip_block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match (c, self.peek_at(1)) {
                ('/', Some('*')) => {
                    depth += 1;
                    self.index += 2;
                }
                ('*', Some('/')) => {
                    depth -= 1;
                    self.index += 2;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.index += 1,
            }
        }
    }

    fn skip_attributes(&mut self) {
        while self.peek() == Some('#') && self.peek_at(1) == Some('!') {
            while !matches!(self.peek(), None | Some(']')) {
                self.index += 1;
            }
            self.index += 1;
            self.skip_trivia();
        }
    }

    fn identifier(&mut self) -> String {
        let start = self.index;
        if self.peek() == Some('r') && self.peek_at(1) == Some('#') {
            self.index += 2;
        }
        while matches!(self.peek(), Some(c) if c.is_alphanumeric() || c == '_') {
            self.index += 1;
        }
        self.chars[start..self.index]
            .iter()
            .collect::<String>()
            .trim_start_matches("r#")
            .to_string()
    }

    /// Reads a string literal and returns its (unescaped enough) contents.
    fn string(&mut self) -> String {
        let mut out = String::new();
        if self.peek() == Some('b') {
            self.index += 1;
        }
        if self.peek() == Some('r') {
            self.index += 1;
            let mut hashes = 0;
            while self.peek() == Some('#') {
                hashes += 1;
                self.index += 1;
            }
            self.index += 1; // opening quote
            while let Some(c) = self.peek() {
                if c == '"' && (1..=hashes).all(|k| self.peek_at(k) == Some('#')) {
                    self.index += 1 + hashes;
                    return out;
                }
                out.push(c);
                self.index += 1;
            }
            return out;
        }
        let quote = self.peek().unwrap_or('"');
        self.index += 1;
        while let Some(c) = self.peek() {
            self.index += 1;
            match c {
                '\\' => {
                    if let Some(escaped) = self.peek() {
                        out.push(escaped);
                        self.index += 1;
                    }
                }
                c if c == quote => return out,
                c => out.push(c),
            }
        }
        out
    }

    fn is_string_start(&self) -> bool {
        matches!(
            (self.peek(), self.peek_at(1), self.peek_at(2)),
            (Some('"'), _, _)
                | (Some('r' | 'b'), Some('"'), _)
                | (Some('r'), Some('#'), _)
                | (Some('b'), Some('r'), Some('"' | '#'))
        )
    }

    fn value(&mut self, path: String) {
        self.skip_trivia();
        let here = self.here();
        self.found.entry(path.clone()).or_insert(here);
        match self.peek() {
            None => {}
            Some('[') => self.list(&path),
            Some('{') => self.map(&path),
            Some('(') => self.group(&path),
            Some('\'') => {
                self.string();
            }
            Some(_) if self.is_string_start() => {
                self.string();
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                self.identifier();
                self.skip_trivia();
                if self.peek() == Some('(') {
                    self.group(&path);
                }
            }
            Some(_) => {
                while !matches!(self.peek(), None | Some(',' | ')' | ']' | '}'))
                    && !self.peek().is_some_and(char::is_whitespace)
                {
                    self.index += 1;
                }
            }
        }
    }

    fn list(&mut self, path: &str) {
        self.index += 1;
        let mut item = 0;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => return,
                Some(']') => {
                    self.index += 1;
                    return;
                }
                Some(',') => self.index += 1,
                Some(_) => {
                    let before = self.index;
                    self.value(format!("{path}[{item}]"));
                    item += 1;
                    if self.index == before {
                        return;
                    }
                }
            }
        }
    }

    fn map(&mut self, path: &str) {
        self.index += 1;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => return,
                Some('}') => {
                    self.index += 1;
                    return;
                }
                Some(',') => self.index += 1,
                Some(_) => {
                    let key_position = self.here();
                    let before = self.index;
                    let key = if self.is_string_start() {
                        self.string()
                    } else {
                        self.identifier()
                    };
                    if self.index == before {
                        return;
                    }
                    let entry = join(path, &key);
                    self.found.entry(entry.clone()).or_insert(key_position);
                    self.skip_trivia();
                    if self.peek() == Some(':') {
                        self.index += 1;
                    }
                    // The entry's value: its own position is less useful than the key's.
                    self.value(format!("{entry}#value"));
                }
            }
        }
    }

    /// `( ... )` after an optional name: struct fields, a transparent single value, or a tuple.
    fn group(&mut self, path: &str) {
        self.index += 1;
        self.skip_trivia();
        if self.starts_field() {
            self.fields(path);
            return;
        }
        let transparent = self.count_group_items() <= 1;
        let mut item = 0;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => return,
                Some(')') => {
                    self.index += 1;
                    return;
                }
                Some(',') => self.index += 1,
                Some(_) => {
                    let before = self.index;
                    let item_path = if transparent {
                        path.to_string()
                    } else {
                        join(path, &item.to_string())
                    };
                    self.value(item_path);
                    item += 1;
                    if self.index == before {
                        return;
                    }
                }
            }
        }
    }

    fn fields(&mut self, path: &str) {
        loop {
            self.skip_trivia();
            match self.peek() {
                None => return,
                Some(')') => {
                    self.index += 1;
                    return;
                }
                Some(',') => self.index += 1,
                Some(_) => {
                    let before = self.index;
                    let field = self.identifier();
                    if self.index == before {
                        return;
                    }
                    self.skip_trivia();
                    if self.peek() == Some(':') {
                        self.index += 1;
                    }
                    self.value(join(path, &field));
                }
            }
        }
    }

    /// Whether the text at the cursor is `identifier :` (a struct field).
    fn starts_field(&self) -> bool {
        let mut offset = 0;
        if self.peek() == Some('r') && self.peek_at(1) == Some('#') {
            offset = 2;
        }
        match self.peek_at(offset) {
            Some(c) if c.is_alphabetic() || c == '_' => {}
            _ => return false,
        }
        while matches!(self.peek_at(offset), Some(c) if c.is_alphanumeric() || c == '_') {
            offset += 1;
        }
        while matches!(self.peek_at(offset), Some(c) if c.is_whitespace()) {
            offset += 1;
        }
        self.peek_at(offset) == Some(':') && self.peek_at(offset + 1) != Some(':')
    }

    /// Counts the comma-separated items of the group the cursor is inside, without moving.
    fn count_group_items(&mut self) -> usize {
        let saved_index = self.index;
        let mut depth = 0usize;
        let mut items = 0usize;
        let mut in_item = false;
        while let Some(c) = self.peek() {
            if depth == 0 && c == ')' {
                break;
            }
            if self.is_string_start() || c == '\'' {
                self.string();
                in_item = true;
                continue;
            }
            if c == '/' && matches!(self.peek_at(1), Some('/' | '*')) {
                self.skip_trivia();
                continue;
            }
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    if in_item {
                        items += 1;
                    }
                    in_item = false;
                    self.index += 1;
                    continue;
                }
                _ => {}
            }
            if !c.is_whitespace() {
                in_item = true;
            }
            self.index += 1;
        }
        if in_item {
            items += 1;
        }
        self.index = saved_index;
        items
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
    fn survives_text_it_does_not_understand() {
        let positions = Positions::scan("(name: \"x\", stages: [ ( @@@ ");
        assert!(positions.exact("name").is_some());
    }
}
