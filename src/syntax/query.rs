//! Questions tools ask of a syntax tree: what is at an offset (the language server's hover,
//! completion and go-to start there), and whether an item holds an entry that did not parse.
//!
//! Spans end at their last token, and a node is "at" an offset from its first byte to just
//! past its last: the cursor right after `retri` is still in `retri`.

use crate::ast::*;

/// One node on the way from an item down to what is under the cursor.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Item(&'a Item),
    Entry(&'a Entry),
    /// The key of an entry or of a map entry.
    Key(&'a Key),
    /// A container's, volume's or object's name (`container main`, `job a`).
    Name(&'a Name),
    MapEntry(&'a MapEntry),
    Expr(&'a Expr),
}

impl Node<'_> {
    pub fn span(&self) -> crate::source::Span {
        match self {
            Node::Item(i) => i.span,
            Node::Entry(e) => e.span,
            Node::Key(k) => k.span,
            Node::Name(n) => n.span(),
            Node::MapEntry(m) => m.key.span.to(m.value.span),
            Node::Expr(e) => e.span,
        }
    }
}

/// The nodes that hold an offset, outermost first: the item (and the items of a `for` around
/// it), the block entries, then the key, name or value under the cursor.
#[derive(Clone, Debug, Default)]
pub struct NodePath<'a> {
    pub nodes: Vec<Node<'a>>,
}

impl<'a> NodePath<'a> {
    /// The innermost item (inside a `for`, the item in it).
    pub fn item(&self) -> Option<&'a Item> {
        self.nodes.iter().rev().find_map(|n| if let Node::Item(i) = n { Some(*i) } else { None })
    }

    /// The block entries, outermost first: `container main { resources { cpu = 1 } }` at `1`
    /// gives the `container`, `resources` and `cpu` entries.
    pub fn entries(&self) -> impl Iterator<Item = &'a Entry> + '_ {
        self.nodes.iter().filter_map(|n| if let Node::Entry(e) = n { Some(*e) } else { None })
    }

    /// The keys of those entries (`["container", "resources", "cpu"]`); a broken entry
    /// counts with the word it starts with, when it has one.
    pub fn keys(&self) -> Vec<&'a str> {
        self.entries()
            .filter_map(|e| match &e.kind {
                EntryKind::Field { key, .. } | EntryKind::Nested { key, .. } | EntryKind::Labeled { key, .. } => {
                    Some(key.text.as_str())
                }
                EntryKind::Mount(_) => Some("mount"),
                EntryKind::Error { key } => key.as_ref().map(|k| k.text.as_str()),
            })
            .collect()
    }

    /// The innermost node.
    pub fn innermost(&self) -> Option<Node<'a>> {
        self.nodes.last().copied()
    }

    /// The innermost value under the cursor, if the cursor is in one.
    pub fn value(&self) -> Option<&'a Expr> {
        self.nodes.iter().rev().find_map(|n| if let Node::Expr(e) = n { Some(*e) } else { None })
    }

    /// Whether the cursor is in an entry that did not parse.
    pub fn in_error(&self) -> bool {
        self.entries().last().is_some_and(|e| matches!(e.kind, EntryKind::Error { .. }))
    }
}

/// The nodes at byte `offset` of the file `file` was parsed from. Empty when the offset is
/// outside every item (between items, in a comment at the top level).
pub fn node_at(file: &File, offset: usize) -> NodePath<'_> {
    let mut path = NodePath::default();
    let offset = offset as u32;
    if let Some(item) = file.items.iter().find(|i| holds(i.span, offset)) {
        walk_item(item, offset, &mut path);
    }
    path
}

fn holds(span: crate::source::Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

fn walk_item<'a>(item: &'a Item, offset: u32, path: &mut NodePath<'a>) {
    path.nodes.push(Node::Item(item));
    let (name, block): (Option<&'a Name>, Option<&'a Block>) = match &item.kind {
        ItemKind::Namespace(_, body) => (None, body.as_ref()),
        ItemKind::Defaults(body) => (None, Some(body)),
        ItemKind::Config { name, body } | ItemKind::Secret { name, body } | ItemKind::Object { name, body, .. } => {
            (Some(name), body.as_ref())
        }
        ItemKind::Workload { name, instance, body, .. } => {
            if let Some(arg) = instance.iter().flat_map(|i| &i.args).find(|a| holds(a.value.span, offset)) {
                walk_expr(&arg.value, offset, path);
                return;
            }
            (Some(name), body.as_ref())
        }
        ItemKind::Template { params, body, .. } => {
            if let Some(default) = params.iter().filter_map(|p| p.default.as_ref()).find(|d| holds(d.span, offset)) {
                walk_expr(default, offset, path);
                return;
            }
            (None, Some(body))
        }
        ItemKind::For { iter, items, .. } => {
            if holds(iter.span, offset) {
                walk_expr(iter, offset, path);
            } else if let Some(inner) = items.iter().find(|i| holds(i.span, offset)) {
                walk_item(inner, offset, path);
            }
            return;
        }
        ItemKind::Let { value, .. } => {
            if holds(value.span, offset) {
                walk_expr(value, offset, path);
            }
            return;
        }
        ItemKind::Param { default, .. } => {
            if let Some(d) = default.as_ref().filter(|d| holds(d.span, offset)) {
                walk_expr(d, offset, path);
            }
            return;
        }
        ItemKind::Import(_) => return,
    };
    if let Some(name) = name.filter(|n| holds(n.span(), offset)) {
        path.nodes.push(Node::Name(name));
    } else if let Some(block) = block {
        walk_block(block, offset, path);
    }
}

fn walk_block<'a>(block: &'a Block, offset: u32, path: &mut NodePath<'a>) {
    let Some(entry) = block.entries.iter().find(|e| holds(e.span, offset)) else { return };
    path.nodes.push(Node::Entry(entry));
    match &entry.kind {
        EntryKind::Field { key, value } => key_or_value(key, value, offset, path),
        EntryKind::Nested { key, body } => {
            if holds(key.span, offset) {
                path.nodes.push(Node::Key(key));
            } else {
                walk_block(body, offset, path);
            }
        }
        EntryKind::Labeled { key, label, value } => {
            if holds(key.span, offset) {
                path.nodes.push(Node::Key(key));
            } else if holds(label.span(), offset) {
                path.nodes.push(Node::Name(label));
            } else {
                match value {
                    LabeledValue::Expr(e) if holds(e.span, offset) => walk_expr(e, offset, path),
                    LabeledValue::Block(b) => walk_block(b, offset, path),
                    LabeledValue::Expr(_) => {}
                    // `task load = etl(step = "load") { … }`: an argument, or the block.
                    LabeledValue::Instance(used) => {
                        let (instance, body) = &**used;
                        if let Some(arg) = instance.args.iter().find(|a| holds(a.value.span, offset)) {
                            walk_expr(&arg.value, offset, path);
                        } else if let Some(body) = body {
                            walk_block(body, offset, path);
                        }
                    }
                }
            }
        }
        EntryKind::Error { key } => {
            if let Some(key) = key.as_ref().filter(|k| holds(k.span, offset)) {
                path.nodes.push(Node::Key(key));
            }
        }
        EntryKind::Mount(_) => {}
    }
}

fn key_or_value<'a>(key: &'a Key, value: &'a Expr, offset: u32, path: &mut NodePath<'a>) {
    if holds(key.span, offset) {
        path.nodes.push(Node::Key(key));
    } else if holds(value.span, offset) {
        walk_expr(value, offset, path);
    }
}

fn walk_expr<'a>(expr: &'a Expr, offset: u32, path: &mut NodePath<'a>) {
    path.nodes.push(Node::Expr(expr));
    let inner: Option<&'a Expr> = match &expr.kind {
        ExprKind::List(items) => items.iter().find(|e| holds(e.span, offset)),
        ExprKind::Map(entries) => {
            if let Some(m) = entries.iter().find(|m| holds(m.key.span.to(m.value.span), offset)) {
                path.nodes.push(Node::MapEntry(m));
                key_or_value(&m.key, &m.value, offset, path);
            }
            None
        }
        ExprKind::Call { args, .. } => args.iter().map(|a| &a.value).find(|e| holds(e.span, offset)),
        ExprKind::Unary { operand, .. } => Some(operand.as_ref()).filter(|e| holds(e.span, offset)),
        ExprKind::Binary { lhs, rhs, .. } => [lhs, rhs].into_iter().map(|e| e.as_ref()).find(|e| holds(e.span, offset)),
        ExprKind::If { cond, then, otherwise } => {
            [cond, then, otherwise].into_iter().map(|e| e.as_ref()).find(|e| holds(e.span, offset))
        }
        ExprKind::Field { base, .. } => Some(base.as_ref()).filter(|e| holds(e.span, offset)),
        ExprKind::Index { base, index } => {
            [base, index].into_iter().map(|e| e.as_ref()).find(|e| holds(e.span, offset))
        }
        ExprKind::Str(s) => s.parts.iter().find_map(|p| match p {
            StrPart::Interp(e) if holds(e.span, offset) => Some(e.as_ref()),
            _ => None,
        }),
        ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Word(_) => None,
    };
    if let Some(inner) = inner {
        walk_expr(inner, offset, path);
    }
}

/// Whether an item holds an entry that did not parse, in any of its blocks (or, for a `for`,
/// in any item in it).
pub fn has_error_nodes(item: &Item) -> bool {
    match &item.kind {
        ItemKind::Namespace(_, body)
        | ItemKind::Config { body, .. }
        | ItemKind::Secret { body, .. }
        | ItemKind::Object { body, .. }
        | ItemKind::Workload { body, .. } => body.as_ref().is_some_and(block_has_errors),
        ItemKind::Defaults(body) | ItemKind::Template { body, .. } => block_has_errors(body),
        ItemKind::For { items, .. } => items.iter().any(has_error_nodes),
        ItemKind::Let { .. } | ItemKind::Param { .. } | ItemKind::Import(_) => false,
    }
}

fn block_has_errors(block: &Block) -> bool {
    block.entries.iter().any(|e| match &e.kind {
        EntryKind::Error { .. } => true,
        EntryKind::Nested { body, .. } | EntryKind::Labeled { value: LabeledValue::Block(body), .. } => {
            block_has_errors(body)
        }
        _ => false,
    })
}
