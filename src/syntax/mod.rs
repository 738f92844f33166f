//! Source text → syntax tree. Never panics, whatever the input.
//!
//! pest stops at the first error, so the file is parsed one top-level item at a
//! time: after an error the parser skips to the next line that starts with an
//! item keyword and goes on, so one run reports the errors of every item.

mod build;
mod errors;
mod prescan;

use crate::ast::File;
use crate::diag::{Code, Diagnostic};
use crate::limits::Limits;
use crate::source::{FileId, Span};
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/pipe.pest"]
struct PipeParser;

/// Keywords that start a top-level item: where the parser resynchronises.
const ITEM_KEYWORDS: &[&str] =
    &["namespace", "let", "config", "secret", "job", "cron", "daemon", "import", "param", "template", "for"];

/// Parses a file with the default [`Limits`].
pub fn parse(file: FileId, src: &str) -> (File, Vec<Diagnostic>) {
    parse_with(file, src, &Limits::default())
}

/// Parses a file. A file larger than `limits.source_bytes` is refused with a
/// diagnostic rather than parsed slowly into a tree that would not fit in memory.
pub fn parse_with(file: FileId, src: &str, limits: &Limits) -> (File, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut ast = File { items: Vec::new(), comments: Vec::new() };
    if src.len() > limits.source_bytes {
        diags.push(
            Diagnostic::error(
                Code::TooLarge,
                Span::new(file, 0, 0),
                format!("source file is {} bytes, more than pipec reads", src.len()),
            )
            .label("the file starts here")
            .help(format!(
                "split the program into files of at most {} bytes (or raise the limit: `--limit source-bytes=…`)",
                limits.source_bytes
            )),
        );
        return (ast, diags);
    }
    let scan = prescan::prescan(file, src, limits);
    ast.comments = scan.comments;
    if let Some((span, what)) = scan.too_deep {
        let d = match what {
            prescan::TooDeep::Brackets => Diagnostic::error(
                Code::TooDeep,
                span,
                format!("brackets nested more than {} levels deep", limits.nesting),
            )
            .label("this one is too deep")
            .help("flatten the value: name inner parts with `let` bindings"),
            prescan::TooDeep::Ifs => {
                Diagnostic::error(Code::TooDeep, span, format!("more than {} `if`s in one item", limits.ifs_per_item))
                    .label("one `if` too many")
                    .help("move the decisions into `let` bindings or params")
            }
        };
        diags.push(d);
        return (ast, diags);
    }

    let mut offset = skip_trivia(src, 0);
    if offset == src.len() {
        diags.push(
            Diagnostic::warning(Code::EmptyProgram, Span::new(file, 0, 0), "the program declares nothing")
                .label(if src.trim().is_empty() { "the file is empty" } else { "only comments here" })
                .help("add an item, e.g. `job hello { image = \"busybox:1.36\" }`"),
        );
        return (ast, diags);
    }
    // Item by item: each parse holds one item's tokens, and after an error the
    // parser resumes at the next item.
    while offset < src.len() {
        match PipeParser::parse(Rule::item_here, &src[offset..]) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = offset + pair.as_span().end();
                let mut builder =
                    build::Builder { file, base: offset, diags: &mut diags, max_operators: limits.operators };
                ast.items.push(builder.item(pair));
                offset = skip_trivia(src, end);
            }
            Err(err) => {
                diags.push(errors::to_diagnostic(file, src, offset, &err));
                offset = next_item_start(src, offset);
            }
        }
    }
    (ast, diags)
}

/// Parses a single expression (a `--set` value). `None` if it is not one.
pub fn parse_expr(file: FileId, text: &str, limits: &Limits) -> Option<crate::ast::Expr> {
    if text.len() > limits.source_bytes || prescan::prescan(file, text, limits).too_deep.is_some() {
        return None;
    }
    let mut pairs = PipeParser::parse(Rule::expr_here, text).ok()?;
    let pair = pairs.next()?;
    let mut diags = Vec::new();
    let mut builder = build::Builder { file, base: 0, diags: &mut diags, max_operators: limits.operators };
    let expr = builder.expr_pair(pair);
    diags.is_empty().then_some(expr)
}

/// Skips whitespace and comments.
fn skip_trivia(src: &str, mut i: usize) -> usize {
    let bytes = src.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => i = src[i..].find('\n').map_or(bytes.len(), |n| i + n),
            _ => break,
        }
    }
    i
}

/// The start of the first line after `from` that begins (at column 0) with an
/// item keyword, or the end of the file.
fn next_item_start(src: &str, from: usize) -> usize {
    let mut i = from;
    while let Some(nl) = src[i..].find('\n') {
        i += nl + 1;
        let rest = &src[i..];
        let starts_item = ITEM_KEYWORDS.iter().any(|kw| {
            rest.starts_with(kw)
                && !rest[kw.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        if starts_item {
            return i;
        }
    }
    src.len()
}
