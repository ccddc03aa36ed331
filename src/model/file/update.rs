//! Writes a changed value into a hand-written document with the smallest text edits, so
//! comments, blank lines, field order and spacing survive and only what changed is rewritten.
//!
//! [`update`] gets the document's text, the value it stands for and the new value, both as
//! canonical RON (as one serializer writes them, so equal values are equal text). It walks
//! the three trees together:
//!
//! - equal canonical text: the document's text is kept as it is;
//! - structs: fields are matched by name; a changed field is edited in place, a new one is
//!   inserted after the field that precedes it, a field that went back to its default is
//!   removed, and a default the file spells out is left alone;
//! - lists and maps: items are matched by identity (an entry's key, an item's `name` field,
//!   or the whole item), kept items are edited in place, items that moved carry their text
//!   and comments along, removed items take their comment lines with them, new items are
//!   inserted where they belong;
//! - anything else that differs (a string, a number, another enum variant) is replaced by the
//!   new value, laid out like [`super::format`] lays out a new file, at the old one's place.
//!
//! New text follows the document's own style: one item per line in a group that has one item
//! per line, `a, b` in a group on one line, the indentation of the neighbouring lines.

use super::format::{INDENT, Writer, always_breaks};
use super::syntax::{Element, Node, NodeKind, TokenKind, Tree};

/// The text of `source` changed from meaning `before` to meaning `after` (both canonical
/// RON), or `None` when the document cannot be edited in place (it has no value, or the
/// edits would overlap); then write the new value afresh.
pub fn update(source: &str, before: &str, after: &str) -> Option<String> {
    let document = Tree::parse(source);
    let old = Tree::parse(before);
    let new = Tree::parse(after);
    let (root, old_root, new_root) = (document.value()?, old.value()?, new.value()?);
    let unit = detect_unit(source, root);
    let updater = Updater {
        source,
        old: before,
        new: after,
        unit: &unit,
    };
    let place = updater.place_of(root, true);
    let edit = match updater.value(root, old_root, new_root, &place)? {
        Change::Same => return Some(source.to_string()),
        Change::Text(text) => Edit {
            start: root.start,
            end: root.end,
            text,
        },
    };
    splice(source, 0, source.len(), vec![edit])
}

/// One replacement of a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// What became of a node.
enum Change {
    /// Nothing changed.
    Same,
    /// Its text is now this.
    Text(String),
}

/// How to lay out new text at a place of the document.
struct Place {
    /// The indentation of the line the place is on.
    indent: String,
    /// The column (plus one) where the place starts.
    column: usize,
    /// Whether a group there always gets one item per line.
    force_break: bool,
}

/// `source[start..end]` with `edits` (sorted or not, never overlapping) applied.
fn splice(source: &str, start: usize, end: usize, mut edits: Vec<Edit>) -> Option<String> {
    edits.sort_by_key(|edit| (edit.start, edit.end));
    let mut out = String::with_capacity(end - start);
    let mut cursor = start;
    for edit in edits {
        if edit.start < cursor || edit.end > end {
            return None;
        }
        out.push_str(source.get(cursor..edit.start)?);
        out.push_str(&edit.text);
        cursor = edit.end;
    }
    out.push_str(source.get(cursor..end)?);
    Some(out)
}

/// The indentation one level adds in `source`: how far the top-level group's first item
/// is indented, or four spaces.
fn detect_unit(source: &str, root: &Node) -> String {
    let text = Text(source);
    root.items()
        .next()
        .filter(|item| text.starts_line(item.start))
        .map(|item| text.indent_of(item.start).to_string())
        .filter(|unit| !unit.is_empty())
        .unwrap_or_else(|| INDENT.to_string())
}

/// Line arithmetic on the document's text.
#[derive(Clone, Copy)]
struct Text<'s>(&'s str);

impl<'s> Text<'s> {
    fn line_start(self, at: usize) -> usize {
        self.0[..at].rfind('\n').map_or(0, |newline| newline + 1)
    }

    fn line_end(self, at: usize) -> usize {
        self.0[at..]
            .find('\n')
            .map_or(self.0.len(), |newline| at + newline)
    }

    fn indent_of(self, at: usize) -> &'s str {
        let start = self.line_start(at);
        let line = &self.0[start..self.line_end(start)];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    fn column_of(self, at: usize) -> usize {
        self.0[self.line_start(at)..at].chars().count()
    }

    /// Whether only spaces are in front of `at` on its line.
    fn starts_line(self, at: usize) -> bool {
        self.0[self.line_start(at)..at].trim().is_empty()
    }

    /// Whether only spaces, or a `//` comment, follow `at` on its line.
    fn ends_line(self, at: usize) -> bool {
        let rest = self.0[at..self.line_end(at)].trim_start();
        rest.is_empty() || rest.starts_with("//")
    }
}

struct Updater<'s> {
    source: &'s str,
    old: &'s str,
    new: &'s str,
    unit: &'s str,
}

impl<'s> Updater<'s> {
    fn text(&self) -> Text<'s> {
        Text(self.source)
    }

    fn writer(&self) -> Writer<'s> {
        Writer::new(self.new, self.unit)
    }

    fn place_of(&self, node: &Node, force_break: bool) -> Place {
        Place {
            indent: self.text().indent_of(node.start).to_string(),
            column: self.text().column_of(node.start) + 1,
            force_break,
        }
    }

    /// The new value laid out at `place`.
    fn fresh(&self, new: &Node, place: &Place) -> String {
        let mut out = String::new();
        self.writer().value(
            new,
            &place.indent,
            place.column,
            place.force_break,
            &mut out,
        );
        out
    }

    /// What becomes of `node` (a value in the document) when its canonical value goes from
    /// `old` to `new`; `None` when edits would overlap.
    fn value(&self, node: &Node, old: &Node, new: &Node, place: &Place) -> Option<Change> {
        if old.text(self.old) == new.text(self.new) {
            return Some(Change::Same);
        }
        let inner = self.see_through_some(node, new);
        if inner.span() != node.span() {
            let place = self.place_of(inner, place.force_break);
            return match self.value(inner, old, new, &place)? {
                Change::Same => Some(Change::Same),
                Change::Text(text) => {
                    let edit = Edit {
                        start: inner.start,
                        end: inner.end,
                        text,
                    };
                    splice(self.source, node.start, node.end, vec![edit]).map(Change::Text)
                }
            };
        }
        let same_shape = node.kind == NodeKind::Group
            && new.kind == NodeKind::Group
            && node.open(self.source) == new.open(self.new)
            && self.names_agree(node, new)
            && node.items().next().is_some()
            && new.items().next().is_some();
        if !same_shape {
            return Some(Change::Text(self.fresh(new, place)));
        }
        let edits = match node.open(self.source) {
            Some('(') if new.has_fields() || old.has_fields() => {
                let Some(fields) = struct_body(node) else {
                    return Some(Change::Text(self.fresh(new, place)));
                };
                self.fields(fields, old, new)
            }
            Some('{') => self.items(node, old, new, Identity::Key, place.force_break),
            _ => self.items(node, old, new, Identity::Name, place.force_break),
        };
        match edits {
            Edits::Rewrite => Some(Change::Text(self.fresh(new, place))),
            Edits::Some(edits) => {
                splice(self.source, node.start, node.end, edits).map(Change::Text)
            }
        }
    }

    /// `Some(x)` in the document where the new value is written without `Some`: `x`.
    fn see_through_some<'n>(&self, node: &'n Node, new: &Node) -> &'n Node {
        if node.name(self.source) != Some("Some") || new.name(self.new) == Some("Some") {
            return node;
        }
        let mut items = node.items();
        match (items.next(), items.next()) {
            (Some(inner), None) => inner,
            _ => node,
        }
    }

    /// Whether a document group and a new group are the same kind of thing: the same name,
    /// or a struct the document names (`Stage(...)`) and the new value does not.
    fn names_agree(&self, node: &Node, new: &Node) -> bool {
        let name = node.name(self.source);
        name == new.name(self.new) || (new.name(self.new).is_none() && node.has_fields())
    }

    fn fields(&self, body: &Node, old: &Node, new: &Node) -> Edits {
        let mut edits = Vec::new();
        let key = |node: &Node, source: &'s str| node.key(source).map(str::to_string);
        for field in body.items() {
            let Some(name) = key(field, self.source) else {
                continue;
            };
            let (Some(value), old_field, new_field) = (
                field.value(),
                old.field(&name, self.old),
                new.field(&name, self.new),
            ) else {
                continue;
            };
            let place = self.place_of(value, always_breaks(&name));
            match (
                old_field.and_then(Node::value),
                new_field.and_then(Node::value),
            ) {
                (Some(old_value), Some(new_value)) => {
                    match self.value(value, old_value, new_value, &place) {
                        Some(Change::Same) => {}
                        Some(Change::Text(text)) => edits.push(Edit {
                            start: value.start,
                            end: value.end,
                            text,
                        }),
                        None => return Edits::Rewrite,
                    }
                }
                // The file spells out a default, and the value is no longer the default.
                (None, Some(new_value)) => edits.push(Edit {
                    start: value.start,
                    end: value.end,
                    text: self.fresh(new_value, &place),
                }),
                (Some(_), None) => edits.push(self.delete(body, field)),
                (None, None) => {}
            }
        }
        let mut anchor: Option<&Node> = None;
        let mut pending: Vec<String> = Vec::new();
        let mut inserts = Vec::new();
        for field in new.items() {
            let Some(name) = key(field, self.new) else {
                continue;
            };
            match body.field(&name, self.source) {
                Some(existing) => {
                    if !pending.is_empty() {
                        inserts.push((anchor, std::mem::take(&mut pending)));
                    }
                    anchor = Some(existing);
                }
                None => pending.push(self.item_text(body, field, false)),
            }
        }
        if !pending.is_empty() {
            inserts.push((anchor, pending));
        }
        for (anchor, texts) in inserts {
            edits.extend(self.insert(body, anchor, &texts));
        }
        Edits::Some(edits)
    }

    /// A new item laid out for a line in `group` of the document.
    fn item_text(&self, group: &Node, item: &Node, in_forced_list: bool) -> String {
        let indent = self.item_indent(group);
        let mut out = String::new();
        self.writer().item(item, &indent, in_forced_list, &mut out);
        out
    }

    /// The indentation of a group's items when they are one per line.
    fn item_indent(&self, group: &Node) -> String {
        match group.items().next() {
            Some(first) if self.text().starts_line(first.start) => {
                self.text().indent_of(first.start).to_string()
            }
            _ => format!("{}{}", self.text().indent_of(group.start), self.unit),
        }
    }

    /// Whether a group of the document has one item per line.
    fn one_per_line(&self, group: &Node) -> bool {
        group
            .items()
            .next()
            .is_some_and(|first| self.text().starts_line(first.start))
    }

    /// Where an item's stretch ends: after its comma and a comment on the same line.
    fn tail(&self, group: &Node, item: &Node) -> usize {
        let mut end = item.end;
        let mut after = false;
        for child in &group.children {
            if child.start() < item.end {
                continue;
            }
            let Element::Token(token) = child else {
                break;
            };
            match token.kind {
                TokenKind::Comma if !after => {
                    end = token.end;
                    after = true;
                }
                TokenKind::Whitespace if !self.source[token.start..token.end].contains('\n') => {}
                TokenKind::LineComment | TokenKind::BlockComment
                    if !self.source[end..token.start].contains('\n') =>
                {
                    end = token.end;
                }
                _ => break,
            }
        }
        end
    }

    /// Whether an item is followed by its comma.
    fn has_comma(&self, group: &Node, item: &Node) -> bool {
        group
            .children
            .iter()
            .filter(|child| child.start() >= item.end)
            .find(|child| !matches!(child, Element::Token(t) if t.kind.is_trivia()))
            .is_some_and(|child| matches!(child, Element::Token(t) if t.kind == TokenKind::Comma))
    }

    /// Where the comment lines right above an item (no blank line between) begin.
    fn comments_above(&self, group: &Node, item: &Node) -> usize {
        let text = self.text();
        let floor = group.open_token().map_or(group.start, |open| open.end);
        let mut start = text.line_start(item.start);
        while start > floor {
            let above = text.line_start(start - 1);
            if above < floor || !self.source[above..start].trim_start().starts_with("//") {
                break;
            }
            start = above;
        }
        start
    }

    /// The edit that removes `item` from `group`.
    fn delete(&self, group: &Node, item: &Node) -> Edit {
        let text = self.text();
        let tail = self.tail(group, item);
        if text.starts_line(item.start) && text.ends_line(tail) && self.one_per_line(group) {
            let end = text.line_end(tail);
            return Edit {
                start: self.comments_above(group, item),
                end: (end + 1).min(self.source.len()),
                text: String::new(),
            };
        }
        let items: Vec<&Node> = group.items().collect();
        let index = items
            .iter()
            .position(|candidate| candidate.start == item.start);
        let next = index.and_then(|i| items.get(i + 1));
        let previous = index.and_then(|i| i.checked_sub(1)).map(|i| items[i]);
        let (start, end) = match (previous, next) {
            (_, Some(next)) => (item.start, next.start),
            (Some(previous), None) => (previous.end, item.end),
            (None, None) => (item.start, tail),
        };
        Edit {
            start,
            end,
            text: String::new(),
        }
    }

    /// The edits that put `texts` (laid out by [`Self::item_text`]) after `anchor` in
    /// `group`, or first when there is no anchor.
    fn insert(&self, group: &Node, anchor: Option<&Node>, texts: &[String]) -> Vec<Edit> {
        let mut edits = Vec::new();
        let one_per_line = self.one_per_line(group);
        let text = self.text();
        let at = match anchor {
            Some(anchor) if one_per_line => {
                if self.has_comma(group, anchor) {
                    self.tail(group, anchor)
                } else {
                    edits.push(Edit {
                        start: anchor.end,
                        end: anchor.end,
                        text: ",".into(),
                    });
                    anchor.end
                }
            }
            Some(anchor) => anchor.end,
            None => {
                let open = group.open_token().map_or(group.start, |open| open.end);
                if one_per_line && text.ends_line(open) {
                    text.line_end(open)
                } else {
                    open
                }
            }
        };
        let mut inserted = String::new();
        if one_per_line {
            let indent = self.item_indent(group);
            for item in texts {
                inserted.push('\n');
                inserted.push_str(&indent);
                inserted.push_str(item);
                inserted.push(',');
            }
        } else if anchor.is_some() {
            for item in texts {
                inserted.push_str(", ");
                inserted.push_str(item);
            }
        } else {
            inserted = texts.join(", ");
            if group.items().next().is_some() {
                inserted.push_str(", ");
            }
        }
        edits.push(Edit {
            start: at,
            end: at,
            text: inserted,
        });
        edits
    }

    /// Lists, tuples and maps: match items, edit the kept ones, remove, move and insert.
    fn items(
        &self,
        group: &Node,
        old: &Node,
        new: &Node,
        identity: Identity,
        force_break: bool,
    ) -> Edits {
        let mine: Vec<&Node> = group.items().collect();
        let before: Vec<&Node> = old.items().collect();
        let after: Vec<&Node> = new.items().collect();
        if mine.len() != before.len() {
            return Edits::Rewrite;
        }
        let before_keys: Vec<String> = before.iter().map(|n| identity.of(n, self.old)).collect();
        let after_keys: Vec<String> = after.iter().map(|n| identity.of(n, self.new)).collect();
        let plan = Plan::make(&before_keys, &after_keys);
        let in_forced_list = force_break && group.open(self.source) == Some('[');
        let mut edits = Vec::new();
        for &(i, j) in &plan.kept {
            match self.item_change(mine[i], before[i], after[j], in_forced_list) {
                Some(Some(edit)) => edits.push(edit),
                Some(None) => {}
                None => return Edits::Rewrite,
            }
        }
        for (i, item) in mine.iter().enumerate() {
            if !plan.kept.iter().any(|&(kept, _)| kept == i) {
                edits.push(self.delete(group, item));
            }
        }
        let mut anchor: Option<&Node> = None;
        let mut pending: Vec<String> = Vec::new();
        let mut inserts = Vec::new();
        for (j, item) in after.iter().enumerate() {
            if let Some(&(i, _)) = plan.kept.iter().find(|&&(_, kept)| kept == j) {
                if !pending.is_empty() {
                    inserts.push((anchor, std::mem::take(&mut pending)));
                }
                anchor = Some(mine[i]);
                continue;
            }
            let text = match plan.moved.iter().find(|&&(_, moved)| moved == j) {
                Some(&(i, _)) => {
                    match self.moved_text(group, mine[i], before[i], item, in_forced_list) {
                        Some(text) => text,
                        None => return Edits::Rewrite,
                    }
                }
                None => self.item_text(group, item, in_forced_list),
            };
            pending.push(text);
        }
        if !pending.is_empty() {
            inserts.push((anchor, pending));
        }
        for (anchor, texts) in inserts {
            edits.extend(self.insert(group, anchor, &texts));
        }
        Edits::Some(edits)
    }

    /// The edit a kept item needs (`Some(None)`: none), or `None` when edits would overlap.
    fn item_change(
        &self,
        item: &Node,
        old: &Node,
        new: &Node,
        in_forced_list: bool,
    ) -> Option<Option<Edit>> {
        let (target, old_value, new_value, place) = if item.kind == NodeKind::Entry {
            let same_key = old.key_node().map(|k| k.text(self.old))
                == new.key_node().map(|k| k.text(self.new));
            match (item.value(), old.value(), new.value()) {
                (Some(value), Some(old_value), Some(new_value)) if same_key => {
                    (value, old_value, new_value, self.place_of(value, false))
                }
                _ => {
                    let mut text = String::new();
                    self.writer()
                        .item(new, self.text().indent_of(item.start), false, &mut text);
                    return Some(Some(Edit {
                        start: item.start,
                        end: item.end,
                        text,
                    }));
                }
            }
        } else {
            (item, old, new, self.place_of(item, in_forced_list))
        };
        match self.value(target, old_value, new_value, &place)? {
            Change::Same => Some(None),
            Change::Text(text) => Some(Some(Edit {
                start: target.start,
                end: target.end,
                text,
            })),
        }
    }

    /// An item that moved within its group: its text (edited as needed) with the comment
    /// lines above it.
    fn moved_text(
        &self,
        group: &Node,
        item: &Node,
        old: &Node,
        new: &Node,
        in_forced_list: bool,
    ) -> Option<String> {
        let edits = self
            .item_change(item, old, new, in_forced_list)?
            .into_iter()
            .collect();
        let body = splice(self.source, item.start, item.end, edits)?;
        let comments_start = self.comments_above(group, item);
        let line_start = self.text().line_start(item.start);
        if !self.one_per_line(group) || comments_start == line_start {
            return Some(body);
        }
        let indent = self.item_indent(group);
        let comments: Vec<&str> = self.source[comments_start..line_start]
            .lines()
            .map(str::trim)
            .collect();
        Some(format!(
            "{}\n{indent}{body}",
            comments.join(&format!("\n{indent}"))
        ))
    }
}

/// The edits for a group, or "write this group afresh".
enum Edits {
    /// Replace the whole group with the new value laid out afresh.
    Rewrite,
    /// Apply these.
    Some(Vec<Edit>),
}

/// The body that holds a struct's fields: the group itself, or the inner group of a newtype
/// variant written with two parentheses (`Commands((commands: [...]))`).
fn struct_body(node: &Node) -> Option<&Node> {
    if node.has_fields() {
        return Some(node);
    }
    let mut items = node.items();
    match (items.next(), items.next()) {
        (Some(inner), None) if inner.kind == NodeKind::Group && inner.has_fields() => Some(inner),
        _ => None,
    }
}

/// How the items of a list or map are recognised across a change.
#[derive(Clone, Copy)]
enum Identity {
    /// A map entry by its key.
    Key,
    /// A list item by its `name` field, or by its whole value.
    Name,
}

impl Identity {
    fn of(self, item: &Node, source: &str) -> String {
        match self {
            Identity::Key => item
                .key_node()
                .map_or_else(|| item.text(source), |key| key.text(source))
                .to_string(),
            Identity::Name => match item.field("name", source).and_then(Node::value) {
                Some(name) if item.kind == NodeKind::Group => format!("name {}", name.text(source)),
                _ => item.text(source).to_string(),
            },
        }
    }
}

/// Which old items stay (and become which new ones) and which moved.
struct Plan {
    /// `(old index, new index)` of items edited in place, both increasing.
    kept: Vec<(usize, usize)>,
    /// `(old index, new index)` of items that moved.
    moved: Vec<(usize, usize)>,
}

impl Plan {
    /// Matches by identity in order (longest common subsequence), then items that moved,
    /// then pairs what is left between two matches in order (a renamed item is edited in
    /// place, not removed and added).
    fn make(before: &[String], after: &[String]) -> Self {
        let common = longest_common(before, after);
        let mut old_used: Vec<bool> = vec![false; before.len()];
        let mut new_used: Vec<bool> = vec![false; after.len()];
        for &(i, j) in &common {
            old_used[i] = true;
            new_used[j] = true;
        }
        let mut moved = Vec::new();
        for j in 0..after.len() {
            if new_used[j] {
                continue;
            }
            if let Some(i) = (0..before.len()).find(|&i| !old_used[i] && before[i] == after[j]) {
                old_used[i] = true;
                new_used[j] = true;
                moved.push((i, j));
            }
        }
        let mut kept = common.clone();
        let mut bounds = vec![(None, None)];
        bounds.extend(common.iter().map(|&(i, j)| (Some(i), Some(j))));
        bounds.push((Some(before.len()), Some(after.len())));
        for pair in bounds.windows(2) {
            let (low_i, low_j) = (
                pair[0].0.map_or(0, |i| i + 1),
                pair[0].1.map_or(0, |j| j + 1),
            );
            let (high_i, high_j) = (pair[1].0.unwrap_or(0), pair[1].1.unwrap_or(0));
            let old_free = (low_i..high_i).filter(|&i| !old_used[i]);
            let new_free = (low_j..high_j).filter(|&j| !new_used[j]);
            kept.extend(old_free.zip(new_free));
        }
        kept.sort_unstable();
        Self { kept, moved }
    }
}

/// The pairs `(i, j)` of a longest common subsequence of `a` and `b`.
fn longest_common(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}
