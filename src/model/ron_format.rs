//! Lays out compact RON (as ron's serializer writes it) the way a person would: a group that
//! fits in [`WIDTH`] columns stays on one line, a longer one gets one item per line, and the
//! pipeline, its stages and its actions always get one field per line.

/// The line width the formatter aims for.
pub const WIDTH: usize = 100;
const INDENT: &str = "    ";
/// Fields whose lists, and the items in them, always break.
const ALWAYS_BROKEN_LISTS: [&str; 2] = ["stages", "actions"];

enum Node {
    Atom(String),
    Group {
        name: String,
        open: char,
        close: char,
        items: Vec<Entry>,
    },
}

struct Entry {
    key: Option<String>,
    value: Node,
}

/// Re-lays out compact RON text. Text it cannot read is returned unchanged.
pub fn pretty(compact: &str) -> String {
    let mut parser = Parser {
        chars: compact.chars().collect(),
        index: 0,
    };
    let Some(root) = parser.node() else {
        return compact.to_string();
    };
    let mut out = String::new();
    write_node(&root, 0, 0, true, &mut out);
    out.push('\n');
    out
}

fn flat(node: &Node, out: &mut String) {
    match node {
        Node::Atom(text) => out.push_str(text),
        Node::Group {
            name,
            open,
            close,
            items,
        } => {
            out.push_str(name);
            out.push(*open);
            for (index, entry) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                if let Some(key) = &entry.key {
                    out.push_str(key);
                    out.push_str(": ");
                }
                flat(&entry.value, out);
            }
            out.push(*close);
        }
    }
}

/// Writes `node` starting at `column` on a line indented `depth` levels.
fn write_node(node: &Node, depth: usize, column: usize, force_break: bool, out: &mut String) {
    let mut one_line = String::new();
    flat(node, &mut one_line);
    let Node::Group {
        name,
        open,
        close,
        items,
    } = node
    else {
        out.push_str(&one_line);
        return;
    };
    if items.is_empty() || (!force_break && column + one_line.chars().count() <= WIDTH) {
        out.push_str(&one_line);
        return;
    }
    out.push_str(name);
    out.push(*open);
    out.push('\n');
    for entry in items {
        let indent = INDENT.repeat(depth + 1);
        out.push_str(&indent);
        let mut item_column = indent.len();
        let mut break_item = false;
        if let Some(key) = &entry.key {
            out.push_str(key);
            out.push_str(": ");
            item_column += key.chars().count() + 2;
            break_item = ALWAYS_BROKEN_LISTS.contains(&key.as_str());
        }
        let parent_forces_items =
            force_break && entry.key.is_none() && matches!(node, Node::Group { open: '[', .. });
        write_node(
            &entry.value,
            depth + 1,
            item_column + 1,
            break_item || parent_forces_items,
            out,
        );
        out.push_str(",\n");
    }
    out.push_str(&INDENT.repeat(depth));
    out.push(*close);
}

struct Parser {
    chars: Vec<char>,
    index: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.index).copied()
    }

    fn node(&mut self) -> Option<Node> {
        let start = self.index;
        match self.peek()? {
            '"' => {
                self.string();
                Some(Node::Atom(self.text_from(start)))
            }
            '(' | '[' | '{' => self.group(String::new()),
            c if c.is_alphabetic() || c == '_' => {
                while matches!(self.peek(), Some(c) if c.is_alphanumeric() || c == '_' || c == '#')
                {
                    self.index += 1;
                }
                let name = self.text_from(start);
                if self.peek() == Some('(') {
                    self.group(name)
                } else {
                    Some(Node::Atom(name))
                }
            }
            _ => {
                while !matches!(self.peek(), None | Some(',' | ')' | ']' | '}' | ':')) {
                    self.index += 1;
                }
                (self.index > start).then(|| Node::Atom(self.text_from(start)))
            }
        }
    }

    fn text_from(&self, start: usize) -> String {
        self.chars[start..self.index].iter().collect()
    }

    fn string(&mut self) {
        self.index += 1;
        while let Some(c) = self.peek() {
            self.index += 1;
            match c {
                '\\' => self.index += 1,
                '"' => return,
                _ => {}
            }
        }
    }

    fn group(&mut self, name: String) -> Option<Node> {
        let open = self.peek()?;
        let close = match open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        self.index += 1;
        let mut items = Vec::new();
        loop {
            match self.peek()? {
                c if c == close => {
                    self.index += 1;
                    break;
                }
                ',' => self.index += 1,
                _ => {
                    let first = self.node()?;
                    if self.peek() == Some(':') {
                        self.index += 1;
                        let mut key = String::new();
                        flat(&first, &mut key);
                        let value = self.node()?;
                        items.push(Entry {
                            key: Some(key),
                            value,
                        });
                    } else {
                        items.push(Entry {
                            key: None,
                            value: first,
                        });
                    }
                }
            }
        }
        Some(Node::Group {
            name,
            open,
            close,
            items,
        })
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
