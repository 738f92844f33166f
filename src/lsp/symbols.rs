//! Document symbols: the items of the file, with the named blocks inside them (containers,
//! volumes) and the items inside a `for`.

use lsp_types::{DocumentSymbol, SymbolKind};

use super::document::Document;
use crate::ast::{Block, EntryKind, Item, ItemKind, Name};
use crate::source::Span;

pub fn symbols(doc: &Document) -> Vec<DocumentSymbol> {
    doc.ast.items.iter().filter_map(|i| item(doc, i)).collect()
}

fn name_text(doc: &Document, name: &Name) -> String {
    match name {
        Name::Word(w) => w.node.clone(),
        Name::Str(s) => {
            s.as_plain().unwrap_or_else(|| doc.text[s.span.start as usize..s.span.end as usize].to_string())
        }
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written; it is `None`.
fn symbol(
    doc: &Document,
    name: String,
    detail: &str,
    kind: SymbolKind,
    span: Span,
    at: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail: Some(detail.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range: doc.range(doc.trimmed(span)),
        selection_range: doc.range(at),
        children: (!children.is_empty()).then_some(children),
    }
}

fn item(doc: &Document, item: &Item) -> Option<DocumentSymbol> {
    let s = |name: String, detail: &str, kind, at: Span, children| {
        Some(symbol(doc, name, detail, kind, item.span, at, children))
    };
    match &item.kind {
        ItemKind::Workload { kind, name, body, .. } => {
            s(name_text(doc, name), kind.node.keyword(), SymbolKind::CLASS, name.span(), blocks(doc, body.as_ref()))
        }
        ItemKind::Object { kind, name, body } => {
            s(name_text(doc, name), kind.node.keyword(), SymbolKind::OBJECT, name.span(), blocks(doc, body.as_ref()))
        }
        ItemKind::Config { name, .. } => s(name_text(doc, name), "config", SymbolKind::OBJECT, name.span(), Vec::new()),
        ItemKind::Secret { name, .. } => s(name_text(doc, name), "secret", SymbolKind::OBJECT, name.span(), Vec::new()),
        ItemKind::Template { name, body, .. } => {
            s(name.node.clone(), "template", SymbolKind::FUNCTION, name.span, blocks(doc, Some(body)))
        }
        ItemKind::Let { name, .. } => s(name.node.clone(), "let", SymbolKind::VARIABLE, name.span, Vec::new()),
        ItemKind::Param { name, .. } => s(name.node.clone(), "param", SymbolKind::CONSTANT, name.span, Vec::new()),
        ItemKind::For { var, items, .. } => {
            let children = items.iter().filter_map(|i| self::item(doc, i)).collect();
            s(format!("for {}", var.node), "for", SymbolKind::NAMESPACE, var.span, children)
        }
        ItemKind::Namespace(n, _) => {
            s(name_text(doc, &Name::Str(n.clone())), "namespace", SymbolKind::NAMESPACE, n.span, Vec::new())
        }
        ItemKind::Import(path) => {
            s(name_text(doc, &Name::Str(path.clone())), "import", SymbolKind::MODULE, path.span, Vec::new())
        }
        // `defaults`; item kinds added later are left out of the outline until they are named here.
        _ => {
            let ItemKind::Defaults(_) = &item.kind else { return None };
            let at = Span { end: item.span.start + "defaults".len() as u32, ..item.span };
            s("defaults".into(), "defaults", SymbolKind::PROPERTY, at, Vec::new())
        }
    }
}

/// The named blocks of an item: `container NAME { … }`, `init NAME { … }`, `volume NAME = …`.
fn blocks(doc: &Document, body: Option<&Block>) -> Vec<DocumentSymbol> {
    let Some(body) = body else { return Vec::new() };
    body.entries
        .iter()
        .filter_map(|e| match &e.kind {
            EntryKind::Labeled { key, label, .. } => {
                Some(symbol(doc, name_text(doc, label), &key.text, SymbolKind::FIELD, e.span, label.span(), Vec::new()))
            }
            _ => None,
        })
        .collect()
}
