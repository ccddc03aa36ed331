//! Where each value of a document starts, keyed by its path
//! (`stages[2].actions[0].input_artifacts[0]`), so problems can name a line and column.
//!
//! Struct fields add `.field`, list items `[index]`, map entries `.key` (the key's position;
//! `.key#value` is its value's). A group with one item that is not a struct (`Some(x)`,
//! `Env("X")`, `Commands((...))`) is transparent: its item sits at the group's own path.
//! Tuples of several items add `.0`, `.1`, ….

use std::collections::HashMap;

use super::literal::decode;
use super::syntax::{Node, NodeKind, Tree};

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

/// The start position of every value in a document, by path.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    by_path: HashMap<String, Position>,
}

impl Positions {
    /// Parses `text` and records where each value starts.
    pub fn scan(text: &str) -> Self {
        Self::of(&Tree::parse(text))
    }

    /// Records where each value of `tree` starts.
    pub fn of(tree: &Tree) -> Self {
        let mut walker = Walker {
            source: tree.source(),
            lines: LineIndex::new(tree.source()),
            found: HashMap::new(),
        };
        if let Some(value) = tree.value() {
            walker.value(String::new(), value);
        }
        Self {
            by_path: walker.found,
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

struct Walker<'s> {
    source: &'s str,
    lines: LineIndex,
    found: HashMap<String, Position>,
}

impl Walker<'_> {
    fn mark(&mut self, path: &str, node: &Node) {
        let position = self.lines.position(self.source, node.start);
        self.found.entry(path.to_string()).or_insert(position);
    }

    fn value(&mut self, path: String, node: &Node) {
        self.mark(&path, node);
        if node.kind != NodeKind::Group {
            return;
        }
        let items: Vec<&Node> = node.items().collect();
        match node.open(self.source) {
            Some('[') => {
                for (index, item) in items.into_iter().enumerate() {
                    self.value(format!("{path}[{index}]"), item);
                }
            }
            Some('{') => {
                for item in items {
                    let (Some(key), Some(value)) = (item.key_node(), item.value()) else {
                        continue;
                    };
                    let entry = join(&path, &decode(key.text(self.source)));
                    self.mark(&entry, key);
                    self.value(format!("{entry}#value"), value);
                }
            }
            _ if node.has_fields() => {
                for item in items {
                    let (Some(key), Some(value)) = (item.key(self.source), item.value()) else {
                        continue;
                    };
                    self.value(join(&path, key), value);
                }
            }
            _ if items.len() <= 1 => {
                if let Some(item) = items.first() {
                    self.value(path, item);
                }
            }
            _ => {
                for (index, item) in items.into_iter().enumerate() {
                    self.value(join(&path, &index.to_string()), item);
                }
            }
        }
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

    #[test]
    fn columns_count_characters_not_bytes() {
        let positions = Positions::scan("(é: \"ü\", b: 1)");
        assert_eq!(positions.exact("b").map(|p| p.column), Some(13));
    }
}
