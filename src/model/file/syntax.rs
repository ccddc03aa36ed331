//! The lossless syntax tree of a RON document: every byte of the text belongs to exactly one
//! token, and printing the tokens in order gives the text back unchanged.
//!
//! Values are [`NodeKind::Atom`] (a string, number, char or bare identifier) or
//! [`NodeKind::Group`] (`(...)`, `[...]` or `{...}`, optionally after a name such as
//! `Commands(` or `Some(`). Inside a group, `name: value` is a [`NodeKind::Field`] (structs),
//! `key: value` is an [`NodeKind::Entry`] (maps), and anything else is a value (list and tuple
//! items). Whitespace, comments and commas are tokens between them.

use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs and line breaks.
    Whitespace,
    /// `// ...` up to (not including) the line break.
    LineComment,
    /// `/* ... */`, nested.
    BlockComment,
    /// `#![enable(...)]`.
    Attribute,
    /// A name: a field, a variant, a struct name, `true`, `None`.
    Ident,
    /// A string literal: `"..."`, `r#"..."#`, `b"..."`.
    Str,
    /// A char literal: `'a'`.
    Char,
    /// A number: `1`, `-2.5e3`, `0xff`.
    Number,
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`.
    Close,
    /// `,`.
    Comma,
    /// `:`.
    Colon,
    /// Anything else (the tree keeps it so the text round-trips).
    Unknown,
}

impl TokenKind {
    /// Whitespace and comments.
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
        )
    }
}

/// A piece of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is, in bytes.
    pub start: usize,
    /// Where it ends, in bytes (exclusive).
    pub end: usize,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The whole text: attributes, the value, and the trivia around them.
    Document,
    /// One token that is a value.
    Atom,
    /// A bracketed group, with an optional name in front.
    Group,
    /// `name: value` in a struct.
    Field,
    /// `key: value` in a map.
    Entry,
}

/// A token or a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A token.
    Token(Token),
    /// A node.
    Node(Node),
}

impl Element {
    /// Where the element starts, in bytes.
    pub fn start(&self) -> usize {
        match self {
            Element::Token(token) => token.start,
            Element::Node(node) => node.start,
        }
    }

    /// Where the element ends, in bytes.
    pub fn end(&self) -> usize {
        match self {
            Element::Token(token) => token.end,
            Element::Node(node) => node.end,
        }
    }
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Its tokens and nodes, in text order.
    pub children: Vec<Element>,
    /// Where it starts, in bytes.
    pub start: usize,
    /// Where it ends, in bytes.
    pub end: usize,
}

impl Node {
    /// A node over `children` (which must not be empty for a meaningful span).
    pub fn new(kind: NodeKind, children: Vec<Element>) -> Self {
        let start = children.first().map_or(0, Element::start);
        let end = children.last().map_or(start, Element::end);
        Self {
            kind,
            children,
            start,
            end,
        }
    }

    /// The bytes it covers.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Its text in `source`.
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        &source[self.span()]
    }

    /// Its child nodes.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|child| match child {
            Element::Node(node) => Some(node),
            Element::Token(_) => None,
        })
    }

    /// Its child tokens.
    pub fn tokens(&self) -> impl Iterator<Item = &Token> {
        self.children.iter().filter_map(|child| match child {
            Element::Token(token) => Some(token),
            Element::Node(_) => None,
        })
    }

    fn first_token(&self, kind: TokenKind) -> Option<&Token> {
        self.tokens().find(|token| token.kind == kind)
    }

    /// A group's name (`Commands` in `Commands(...)`), if it has one.
    pub fn name<'s>(&self, source: &'s str) -> Option<&'s str> {
        let first = self.children.first()?;
        match first {
            Element::Token(token)
                if self.kind == NodeKind::Group && token.kind == TokenKind::Ident =>
            {
                Some(&source[token.start..token.end])
            }
            _ => None,
        }
    }

    /// A group's opening bracket: `(`, `[` or `{`.
    pub fn open(&self, source: &str) -> Option<char> {
        let token = self.first_token(TokenKind::Open)?;
        source[token.start..].chars().next()
    }

    /// A group's opening bracket token.
    pub fn open_token(&self) -> Option<&Token> {
        self.first_token(TokenKind::Open)
    }

    /// A group's items: values, fields or entries.
    pub fn items(&self) -> impl Iterator<Item = &Node> {
        self.nodes()
    }

    /// Whether a group holds struct fields (`(name: ...)`).
    pub fn has_fields(&self) -> bool {
        self.items().any(|item| item.kind == NodeKind::Field)
    }

    /// A field's name (without `r#`), or an entry's key text.
    pub fn key<'s>(&self, source: &'s str) -> Option<&'s str> {
        match self.kind {
            NodeKind::Field => self
                .first_token(TokenKind::Ident)
                .map(|token| source[token.start..token.end].trim_start_matches("r#")),
            NodeKind::Entry => self.nodes().next().map(|key| key.text(source)),
            _ => None,
        }
    }

    /// The key node of an entry.
    pub fn key_node(&self) -> Option<&Node> {
        (self.kind == NodeKind::Entry).then(|| self.nodes().next())?
    }

    /// The value of a field or entry; the value itself for anything else.
    pub fn value(&self) -> Option<&Node> {
        match self.kind {
            NodeKind::Field => self.nodes().next(),
            NodeKind::Entry => self.nodes().nth(1),
            NodeKind::Document => self.nodes().next(),
            NodeKind::Atom | NodeKind::Group => Some(self),
        }
    }

    /// A struct's field by name.
    pub fn field(&self, name: &str, source: &str) -> Option<&Node> {
        self.items()
            .find(|item| item.kind == NodeKind::Field && item.key(source) == Some(name))
    }

    /// Every token under this node, in text order.
    pub fn all_tokens(&self, out: &mut Vec<Token>) {
        for child in &self.children {
            match child {
                Element::Token(token) => out.push(*token),
                Element::Node(node) => node.all_tokens(out),
            }
        }
    }
}

/// A parsed document: its text and its tree.
#[derive(Debug, Clone)]
pub struct Tree {
    source: String,
    root: Node,
}

impl Tree {
    /// Parses `source`. Never fails: text the parser does not understand becomes
    /// [`TokenKind::Unknown`] tokens, so the tree still prints back the same text.
    pub fn parse(source: &str) -> Self {
        Self {
            root: super::parse::document(source),
            source: source.to_string(),
        }
    }

    /// The text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The document node.
    pub fn document(&self) -> &Node {
        &self.root
    }

    /// The top-level value, if the text has one.
    pub fn value(&self) -> Option<&Node> {
        self.root.value()
    }

    /// The text the tree's tokens spell, in order: equal to [`Tree::source`] by construction.
    pub fn print(&self) -> String {
        let mut tokens = Vec::new();
        self.root.all_tokens(&mut tokens);
        tokens
            .iter()
            .map(|token| &self.source[token.start..token.end])
            .collect()
    }
}
