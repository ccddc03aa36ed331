//! A YAML document as a tree that remembers what a lenient reader needs: where each node
//! starts, the tag written on it (`!Ref`, `!Sub`), whether a scalar was quoted, and every key
//! of a mapping in order, duplicates included.
//!
//! Built from `saphyr-parser`'s events, so nothing is lost on the way: a map-based loader
//! would silently keep one of two duplicate keys and drop CloudFormation's tags.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Number, Value};

use super::Position;

/// One node of a YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Yaml {
    /// What it holds.
    pub kind: YamlKind,
    /// The tag written on it, such as `!Ref` (core schema tags like `!!str` included).
    pub tag: Option<String>,
    /// Where it starts.
    pub at: Position,
}

/// What a YAML node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlKind {
    /// A scalar, as written, and whether it was quoted or a block (so never a number).
    Scalar {
        /// The text.
        text: String,
        /// Plain (unquoted, not a block) scalars may be numbers, booleans or null.
        plain: bool,
    },
    /// A sequence.
    Sequence(Vec<Yaml>),
    /// A mapping, in file order, duplicate keys included.
    Mapping(Vec<(Yaml, Yaml)>),
}

/// Why a YAML text could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct YamlError {
    /// Where.
    pub at: Position,
    /// What the parser said.
    pub message: String,
}

/// A YAML stream read into documents.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlStream {
    /// The documents, in order (usually one).
    pub documents: Vec<Yaml>,
}

fn position(span: &Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// Reads every document of `text`.
pub fn parse(text: &str) -> Result<YamlStream, YamlError> {
    let mut builder = Builder::default();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|error| YamlError {
            at: Position {
                line: error.marker().line(),
                column: error.marker().col() + 1,
            },
            message: error.info().to_string(),
        })?;
        builder.event(event, &span)?;
    }
    Ok(YamlStream {
        documents: builder.documents,
    })
}

/// Containers being filled, innermost last.
enum Open {
    Sequence(Yaml, usize),
    Mapping(Yaml, usize, Option<Yaml>),
}

#[derive(Default)]
struct Builder {
    documents: Vec<Yaml>,
    open: Vec<Open>,
    anchors: HashMap<usize, Yaml>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), YamlError> {
        let at = position(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = Yaml {
                    kind: YamlKind::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    tag: tag.map(|tag| tag.to_string()),
                    at,
                };
                self.remember(anchor, &node);
                self.push(node);
            }
            Event::SequenceStart(anchor, tag) => self.open.push(Open::Sequence(
                Yaml {
                    kind: YamlKind::Sequence(Vec::new()),
                    tag: tag.map(|tag| tag.to_string()),
                    at,
                },
                anchor,
            )),
            Event::MappingStart(anchor, tag) => self.open.push(Open::Mapping(
                Yaml {
                    kind: YamlKind::Mapping(Vec::new()),
                    tag: tag.map(|tag| tag.to_string()),
                    at,
                },
                anchor,
                None,
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.open.pop() {
                    Some(Open::Sequence(node, anchor) | Open::Mapping(node, anchor, _)) => {
                        (node, anchor)
                    }
                    None => {
                        return Err(YamlError {
                            at,
                            message: "a collection ends that never started".into(),
                        });
                    }
                };
                self.remember(anchor, &node);
                self.push(node);
            }
            Event::Alias(anchor) => {
                let node = self.anchors.get(&anchor).cloned().ok_or(YamlError {
                    at,
                    message: "an alias names no anchor defined before it".into(),
                })?;
                self.push(node);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Yaml) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn push(&mut self, node: Yaml) {
        match self.open.last_mut() {
            None => self.documents.push(node),
            Some(Open::Sequence(sequence, _)) => {
                if let YamlKind::Sequence(items) = &mut sequence.kind {
                    items.push(node);
                }
            }
            Some(Open::Mapping(mapping, _, key)) => match key.take() {
                None => *key = Some(node),
                Some(name) => {
                    if let YamlKind::Mapping(entries) = &mut mapping.kind {
                        entries.push((name, node));
                    }
                }
            },
        }
    }
}

impl Yaml {
    /// The text of a scalar (whatever its type), or `None` for collections.
    pub fn as_text(&self) -> Option<&str> {
        match &self.kind {
            YamlKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether this is a plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, YamlKind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(Yaml, Yaml)] {
        match &self.kind {
            YamlKind::Mapping(entries) => entries,
            _ => &[],
        }
    }

    /// The last value of `key` in a mapping (YAML readers keep the last of duplicates).
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.entries()
            .iter()
            .rev()
            .find(|(name, _)| name.as_text() == Some(key))
            .map(|(_, value)| value)
    }

    /// Keys that appear more than once in this mapping: the key, where it first appears and
    /// where the one that wins appears.
    pub fn duplicate_keys(&self) -> Vec<(String, Position, Position)> {
        let mut first: HashMap<&str, Position> = HashMap::new();
        let mut found = Vec::new();
        for (key, _) in self.entries() {
            let Some(name) = key.as_text() else { continue };
            match first.get(name) {
                Some(earlier) => found.push((name.to_string(), *earlier, key.at)),
                None => {
                    first.insert(name, key.at);
                }
            }
        }
        found
    }

    /// The value a plain scalar stands for under YAML 1.2's core schema (null, bool, int,
    /// float), or the text as a string.
    pub fn scalar_value(&self) -> Value {
        let YamlKind::Scalar { text, plain } = &self.kind else {
            return Value::Null;
        };
        if !plain || self.tag.is_some() {
            return Value::String(text.clone());
        }
        if self.is_null() {
            return Value::Null;
        }
        match text.as_str() {
            "true" | "True" | "TRUE" => return Value::Bool(true),
            "false" | "False" | "FALSE" => return Value::Bool(false),
            _ => {}
        }
        if let Ok(number) = text.parse::<i64>() {
            return Value::Number(number.into());
        }
        if let Some(hex) = text.strip_prefix("0x")
            && let Ok(number) = i64::from_str_radix(hex, 16)
        {
            return Value::Number(number.into());
        }
        let looks_numeric = text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            && text.chars().any(|c| c.is_ascii_digit());
        if looks_numeric
            && let Ok(number) = text.parse::<f64>()
            && let Some(number) = Number::from_f64(number)
        {
            return Value::Number(number);
        }
        Value::String(text.clone())
    }

    /// Whether this is a plain scalar that YAML reads as something other than a string
    /// (a number, a boolean or null).
    pub fn is_plain_non_string(&self) -> bool {
        matches!(self.kind, YamlKind::Scalar { plain: true, .. })
            && self.tag.is_none()
            && !self.scalar_value().is_string()
    }

    /// The node as JSON: mappings become objects (the last duplicate wins), and a local tag
    /// `!Name` is handed to `tagged` with the JSON of its content, which decides what it
    /// becomes (CloudFormation turns `!Ref x` into `{"Ref": "x"}`).
    pub fn to_json(&self, tagged: &dyn Fn(&str, Value) -> Value) -> Value {
        let value = match &self.kind {
            YamlKind::Scalar { .. } => self.scalar_value(),
            YamlKind::Sequence(items) => {
                Value::Array(items.iter().map(|item| item.to_json(tagged)).collect())
            }
            YamlKind::Mapping(entries) => {
                let mut object = serde_json::Map::new();
                for (key, value) in entries {
                    let name = match key.scalar_value() {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    object.insert(name, value.to_json(tagged));
                }
                Value::Object(object)
            }
        };
        match self.tag.as_deref().and_then(|tag| tag.strip_prefix('!')) {
            Some(name) if !name.starts_with('!') && !name.contains(':') => tagged(name, value),
            _ => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Yaml {
        parse(text).expect("parses").documents.remove(0)
    }

    #[test]
    fn positions_tags_and_duplicates_are_kept() {
        let doc = one("a: 1\nb: !Ref Name\na: 'two'\n");
        let duplicates = doc.duplicate_keys();
        assert_eq!(duplicates.len(), 1);
        assert_eq!(duplicates[0].0, "a");
        assert_eq!(duplicates[0].1, Position { line: 1, column: 1 });
        assert_eq!(duplicates[0].2, Position { line: 3, column: 1 });
        assert_eq!(doc.get("a").and_then(Yaml::as_text), Some("two"));
        let b = doc.get("b").expect("b");
        assert_eq!(b.tag.as_deref(), Some("!Ref"));
        assert_eq!(b.at, Position { line: 2, column: 4 });
    }

    #[test]
    fn plain_scalars_follow_the_core_schema_and_quoted_ones_stay_text() {
        let doc = one("n: 3\nf: 1.5\nb: true\nq: \"3\"\nz: ~\ns: hello\n");
        let json = doc.to_json(&|_, value| value);
        assert_eq!(
            json,
            serde_json::json!({"n": 3, "f": 1.5, "b": true, "q": "3", "z": null, "s": "hello"})
        );
        assert!(doc.get("n").is_some_and(Yaml::is_plain_non_string));
        assert!(!doc.get("q").is_some_and(Yaml::is_plain_non_string));
    }

    #[test]
    fn tags_are_handed_to_the_caller_and_anchors_resolve() {
        let doc = one("x: &a !Sub '${A}-b'\ny: *a\n");
        let json = doc.to_json(&|name, value| serde_json::json!({ format!("Fn::{name}"): value }));
        assert_eq!(json["x"], serde_json::json!({"Fn::Sub": "${A}-b"}));
        assert_eq!(json["y"], json["x"]);
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let error = parse("a: [1, 2\nb: 3\n").expect_err("unclosed");
        assert!(error.at.line >= 1, "{error}");
    }
}
