//! Hover: a key's documentation and the Kubernetes field it becomes (its schema row), or where a
//! name is defined.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::at::node_at;
use super::document::Document;
use crate::ast::ExprKind;
use crate::schema::{self, Contexts};

pub fn hover(doc: &Document, offset: usize) -> Option<Hover> {
    if let Some((symbol, at)) = doc.names.at(offset) {
        let s = &doc.names.symbols[symbol];
        let span = doc.trimmed(s.span);
        let definition = doc.text.get(span.start as usize..span.end as usize).unwrap_or("");
        // The head of a long definition (a template) is enough to recognise it.
        let mut shown: Vec<&str> = definition.lines().take(6).collect();
        if definition.lines().count() > shown.len() {
            shown.push("…");
        }
        let line = doc.lines.position(&doc.text, s.name_span.start as usize).line + 1;
        let value = format!("{} `{}` (line {line})\n\n```pipe\n{}\n```", s.kind.word(), s.name, shown.join("\n"));
        return Some(markdown(value, Some(doc.range(at))));
    }
    let at = node_at(&doc.ast, offset);
    if let (Some((key, ctx)), Some(value)) = (at.value_of, at.value)
        && let ExprKind::Word(word) = &value.kind
        && let Some(row) = schema::lookup(&key.text, ctx)
        && let schema::Shape::Choice(choices) = row.shape
        && let Some((_, k8s)) = choices.iter().find(|(w, _)| w == word)
    {
        let field = if row.k8s_type.is_empty() { String::new() } else { format!(" in `{}`", row.field()) };
        let text = format!("`{word}`: a choice of **{}**, written `{k8s}`{field}\n\n{}", row.key, row.doc);
        return Some(markdown(text, Some(doc.range(value.span))));
    }
    let (key, ctx) = at.key?;
    let row = schema::lookup(&key.text, ctx)?;
    Some(markdown(key_doc(row, ctx), Some(doc.range(key.span))))
}

/// A key's documentation: what it takes, what it means, the Kubernetes field and version.
pub fn key_doc(row: &schema::Key, _ctx: Contexts) -> String {
    let mut out = format!("**{}** — {}\n\n{}", row.key, row.takes_text(), row.doc);
    if row.k8s_type.is_empty() {
        out.push_str("\n\nChecked by pipec; not a Kubernetes field.");
    } else {
        out.push_str(&format!("\n\nKubernetes: `{}`", row.field()));
    }
    if let Some(g) = row.gate {
        out.push_str(&format!(" (alpha 1.{}, beta 1.{}, GA 1.{})", g.alpha, g.beta, g.ga));
    }
    if let schema::Shape::Choice(choices) = row.shape {
        out.push('\n');
        for (word, k8s) in choices {
            out.push_str(&format!("\n- `{word}` → `{k8s}`"));
        }
    }
    out
}

fn markdown(value: String, range: Option<lsp_types::Range>) -> Hover {
    Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range }
}
