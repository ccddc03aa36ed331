//! Lays out RON values the way a person would: a group that fits in [`WIDTH`] columns stays
//! on one line, a longer one gets one item per line, and the pipeline, its stages and its
//! actions always get one field per line. Used to write new files and to write the new parts
//! of an edited one.

use super::literal::{decode, encode};
use super::syntax::{Node, NodeKind, Tree};

/// The line width the formatter aims for.
pub const WIDTH: usize = 100;
/// One level of indentation in new files.
pub const INDENT: &str = "    ";
/// Fields whose lists, and the items in them, always break.
const ALWAYS_BROKEN_LISTS: [&str; 2] = ["stages", "actions"];

/// Whether the value of field `key` is always laid out one item per line.
pub fn always_breaks(key: &str) -> bool {
    ALWAYS_BROKEN_LISTS.contains(&key)
}

/// Re-lays out RON text (such as ron's compact output) as a whole file. Text without a
/// value is returned unchanged.
pub fn pretty(text: &str) -> String {
    let tree = Tree::parse(text);
    let Some(root) = tree.value() else {
        return text.to_string();
    };
    let mut out = String::new();
    Writer::new(text, INDENT).value(root, "", 0, true, &mut out);
    out.push('\n');
    out
}

/// Writes nodes of one text, indenting with `unit`.
pub struct Writer<'s> {
    source: &'s str,
    unit: &'s str,
}

impl<'s> Writer<'s> {
    /// A writer for nodes of `source`.
    pub fn new(source: &'s str, unit: &'s str) -> Self {
        Self { source, unit }
    }

    /// The node on one line: `name(key: value, item)`, whatever the source's spacing.
    pub fn flat(&self, node: &Node, out: &mut String) {
        match node.kind {
            NodeKind::Group => {
                if let Some(name) = node.name(self.source) {
                    out.push_str(name);
                }
                let open = node.open(self.source).unwrap_or('(');
                out.push(open);
                for (index, item) in node.items().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    self.flat_item(item, out);
                }
                out.push(closing(open));
            }
            NodeKind::Field | NodeKind::Entry => self.flat_item(node, out),
            NodeKind::Atom | NodeKind::Document => {
                let text = node.text(self.source).trim();
                match encode(&decode(text)) {
                    Some(tidy) if text.starts_with('"') => out.push_str(&tidy),
                    _ => out.push_str(text),
                }
            }
        }
    }

    fn flat_item(&self, item: &Node, out: &mut String) {
        if let Some(key) = self.key_text(item) {
            out.push_str(key);
            out.push_str(": ");
        }
        if let Some(value) = item.value() {
            self.flat(value, out);
        }
    }

    fn key_text(&self, item: &Node) -> Option<&'s str> {
        match item.kind {
            NodeKind::Field => item.tokens().next().map(|t| &self.source[t.start..t.end]),
            NodeKind::Entry => item.key_node().map(|key| key.text(self.source)),
            _ => None,
        }
    }

    /// Writes `node` starting at `column` on a line indented by `indent`; `force_break` lays
    /// a group out one item per line even when it would fit.
    pub fn value(
        &self,
        node: &Node,
        indent: &str,
        column: usize,
        force_break: bool,
        out: &mut String,
    ) {
        let mut one_line = String::new();
        self.flat(node, &mut one_line);
        let items: Vec<&Node> = node.items().collect();
        if node.kind != NodeKind::Group
            || items.is_empty()
            || (!force_break && column + one_line.chars().count() <= WIDTH)
        {
            out.push_str(&one_line);
            return;
        }
        let open = node.open(self.source).unwrap_or('(');
        if let Some(name) = node.name(self.source) {
            out.push_str(name);
        }
        out.push(open);
        out.push('\n');
        let inner = format!("{indent}{}", self.unit);
        for item in items {
            out.push_str(&inner);
            self.item(item, &inner, force_break && open == '[', out);
            out.push_str(",\n");
        }
        out.push_str(indent);
        out.push(closing(open));
    }

    /// Writes one item of a group (a value, `key: value` or `field: value`) that starts a
    /// line indented by `indent`; `in_forced_list` says the list it is in always breaks.
    pub fn item(&self, item: &Node, indent: &str, in_forced_list: bool, out: &mut String) {
        let mut column = indent.chars().count();
        let mut force = in_forced_list && item.kind != NodeKind::Field;
        if let Some(key) = self.key_text(item) {
            out.push_str(key);
            out.push_str(": ");
            column += key.chars().count() + 2;
            force = always_breaks(key);
        }
        if let Some(value) = item.value() {
            self.value(value, indent, column + 1, force, out);
        }
    }
}

/// The bracket that closes `open`.
pub fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_groups_stay_on_one_line_and_long_ones_break() {
        let text = pretty(
            r#"(name:"p",variables:[(name:"env",default:"staging")],stages:[(name:"S",actions:[(name:"A",provider:Commands(commands:["echo a very long command that goes on and on and on and on and on and on and on"]))])])"#,
        );
        assert_eq!(
            text,
            r#"(
    name: "p",
    variables: [(name: "env", default: "staging")],
    stages: [
        (
            name: "S",
            actions: [
                (
                    name: "A",
                    provider: Commands(
                        commands: [
                            "echo a very long command that goes on and on and on and on and on and on and on",
                        ],
                    ),
                ),
            ],
        ),
    ],
)
"#
        );
    }

    #[test]
    fn strings_with_brackets_and_quotes_are_kept_intact() {
        let text = pretty(r#"(a:"x, (y): [z] \"q\"",b:{"K":Env("V")})"#);
        assert!(text.contains(r#"a: "x, (y): [z] \"q\"""#), "{text}");
        assert!(text.contains(r#"b: {"K": Env("V")}"#), "{text}");
    }
}
