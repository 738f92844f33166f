//! Completion: the keys valid in the block under the cursor (from the schema's contexts), a
//! key's choice values, the names in scope, the item keywords at the top level and the standard
//! library's modules after `import "std/`.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent, MarkupKind, TextEdit,
};

use super::at::node_at;
use super::document::Document;
use super::hover::key_doc;
use super::names::{Index, Kind};
use crate::schema::{self, Shape};
use crate::{stdlib, syntax::keywords};

/// What the text of the line before the cursor says about the position.
enum Position<'t> {
    /// At the start of an entry (or of an item): a key or an item keyword.
    Key,
    /// After `key =` or `key:`.
    Value { key: &'t str },
    /// Inside `import "std/…`.
    Module,
    /// The first argument of `config(…)` or `secret(…)`: the name of one.
    Item(Kind),
    /// Anywhere else in an expression.
    Expr,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn position(before: &str) -> Position<'_> {
    let line = before.rsplit('\n').next().unwrap_or("");
    if line.trim_start().strip_prefix("import").is_some_and(|r| r.trim_start().starts_with("\"std/")) {
        return Position::Module;
    }
    // The word being typed, and what is before it.
    let head = line.trim_end_matches(is_word).trim_end();
    if let Some(call) = head.strip_suffix('(') {
        match &call[call.trim_end_matches(is_word).len()..] {
            "config" => return Position::Item(Kind::Config),
            "secret" => return Position::Item(Kind::Secret),
            _ => {}
        }
    }
    if head.is_empty() || head.ends_with('{') || head.ends_with(',') && !matches!(opener(head), Some('[' | '(')) {
        return Position::Key;
    }
    if let Some(rest) = head.strip_suffix('=').or_else(|| head.strip_suffix(':')) {
        let rest = rest.trim_end();
        let key = &rest[rest.trim_end_matches(is_word).len()..];
        if !key.is_empty() && !rest.ends_with("==") {
            return Position::Value { key };
        }
    }
    Position::Expr
}

/// The innermost bracket still open in `text` (strings are not looked into: a line's text).
fn opener(text: &str) -> Option<char> {
    let mut open = Vec::new();
    for c in text.chars() {
        match c {
            '{' | '[' | '(' => open.push(c),
            '}' | ']' | ')' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// The completions at `offset`, each replacing the whole word typed so far (`pod-sec` with its
/// hyphen: clients that split words at `-` would otherwise keep `pod-`).
pub fn completion(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    let before = &doc.text[..offset];
    let start = before.trim_end_matches(is_word).len();
    let range = doc.lines.range(&doc.text, start, offset);
    let mut items = candidates(doc, offset, before);
    for item in &mut items {
        item.text_edit = Some(CompletionTextEdit::Edit(TextEdit { range, new_text: item.label.clone() }));
    }
    items
}

fn candidates(doc: &Document, offset: usize, before: &str) -> Vec<CompletionItem> {
    let pos = position(before);
    if let Position::Module = pos {
        return stdlib::MODULES
            .iter()
            .map(|(name, _)| item(name, CompletionItemKind::MODULE, "standard library"))
            .collect();
    }
    if let Position::Item(kind) = pos {
        let named = doc.names.symbols.iter().filter(|s| s.kind == kind);
        return named.map(|s| item(&s.name, CompletionItemKind::REFERENCE, kind.word())).collect();
    }
    // While the line is being typed the item around it may not parse: read the tree without it.
    let blanked;
    let tree = if doc.broken {
        blanked = doc.tree_without_line(offset);
        &blanked
    } else {
        &doc.ast
    };
    let at = node_at(tree, offset);
    match pos {
        Position::Key if at.top_level => {
            keywords::item_words().map(|w| item(w, CompletionItemKind::KEYWORD, "item")).collect()
        }
        Position::Key => schema::all()
            // A labeled key (`container NAME`, `task NAME`) is written once per name: offered again.
            .filter(|k| {
                k.contexts & at.ctx != 0 && (matches!(k.shape, Shape::Labeled(_)) || !at.written.contains(&k.key))
            })
            .map(|k| CompletionItem {
                label: k.key.to_string(),
                kind: Some(CompletionItemKind::PROPERTY),
                detail: Some(k.takes_text()),
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: key_doc(k, at.ctx),
                })),
                ..Default::default()
            })
            .collect(),
        Position::Value { key } => {
            let mut out = Vec::new();
            match schema::lookup(key, at.ctx).map(|k| k.shape) {
                Some(Shape::Choice(choices)) => {
                    for (word, k8s) in choices {
                        out.push(item(word, CompletionItemKind::ENUM_MEMBER, k8s));
                    }
                }
                Some(Shape::Bool) => {
                    out.extend(["true", "false"].map(|w| item(w, CompletionItemKind::KEYWORD, "bool")))
                }
                _ => {}
            }
            out.extend(names(&doc.names, offset));
            out
        }
        Position::Expr => names(&doc.names, offset),
        Position::Module | Position::Item(_) => Vec::new(),
    }
}

/// The values that can be named here (lets, params, template parameters, `for` variables).
fn names(index: &Index, offset: usize) -> Vec<CompletionItem> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for s in index.in_scope(offset).into_iter().filter(|s| s.kind.is_value()) {
        if !seen.contains(&s.name.as_str()) {
            seen.push(s.name.as_str());
            out.push(item(&s.name, CompletionItemKind::VARIABLE, s.kind.word()));
        }
    }
    out
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_is_typed() {
        assert!(matches!(position("job a {\n  comp"), Position::Key));
        assert!(matches!(position("job a { image = \"x\", "), Position::Key));
        assert!(matches!(position("  restart = on"), Position::Value { key: "restart" }));
        assert!(matches!(position("  { effect: "), Position::Value { key: "effect" }));
        assert!(matches!(position("import \"std/so"), Position::Module));
        assert!(matches!(position("  A = config(se"), Position::Item(Kind::Config)));
        assert!(matches!(position("  volume v = secret("), Position::Item(Kind::Secret)));
        assert!(matches!(position("  args = [a, b"), Position::Expr));
        assert!(matches!(position("  args = [a, "), Position::Expr));
        assert!(matches!(position("  tolerations = [{ key: \"a\", e"), Position::Key));
    }
}
