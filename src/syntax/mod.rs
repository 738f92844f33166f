//! Source text → syntax tree. Never panics, whatever the input.
//!
//! pest stops at the first error, so the file is parsed one top-level item at a
//! time: after an error the parser skips to the next line that starts with an
//! item keyword and goes on, so one run reports the errors of every item.

mod build;
mod errors;
mod fast;
pub mod keywords;
mod prescan;
mod query;
mod recovery;

pub use query::{Node, NodePath, has_error_nodes, node_at};

use crate::ast::{File, Item};
use crate::diag::{Code, Diagnostic};
use crate::limits::Limits;
use crate::source::{FileId, Span};
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/pipe.pest"]
struct PipeParser;

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

    let offset = skip_trivia(src, 0);
    if offset == src.len() {
        diags.push(
            Diagnostic::warning(Code::EmptyProgram, Span::new(file, 0, 0), "the program declares nothing")
                .label(if src.trim().is_empty() { "the file is empty" } else { "only comments here" })
                .help("add an item, e.g. `job hello { image = \"busybox:1.36\" }`"),
        );
        return (ast, diags);
    }
    let parsed = parse_items(file, src, offset, limits);
    ast.items = parsed.items;
    diags.extend(parsed.diags);
    (ast, diags)
}

/// Items and diagnostics from part of a file, and where parsing stopped.
struct Parsed {
    items: Vec<crate::ast::Item>,
    diags: Vec<Diagnostic>,
    end: usize,
}

/// Below this size a file is parsed on one thread (a second one would not pay for itself).
const PARALLEL_FROM_BYTES: usize = 256 * 1024;

/// Parses the items from `start` to the end. A large file is parsed in two
/// halves at once: the second half starts at an item keyword at the start of a
/// line, and is used only if the first half's parse ends exactly there (so the
/// result is always the one a single pass gives; otherwise the first half goes on).
fn parse_items(file: FileId, src: &str, start: usize, limits: &Limits) -> Parsed {
    if src.len() - start < PARALLEL_FROM_BYTES {
        return parse_range(file, src, start, src.len(), limits);
    }
    let split = next_item_start(src, start + (src.len() - start) / 2);
    let (mut first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| parse_range(file, src, split, src.len(), limits));
        let first = parse_range(file, src, start, split, limits);
        (first, second.join().expect("the parser does not panic"))
    });
    let rest = if first.end == split { second } else { parse_range(file, src, first.end, src.len(), limits) };
    first.items.extend(rest.items);
    first.diags.extend(rest.diags);
    first.end = rest.end;
    first
}

/// Parses item by item from `start` while the next item starts before `stop`:
/// each parse holds one item's tokens, and after an error the parser resumes at
/// the next item.
fn parse_range(file: FileId, src: &str, start: usize, stop: usize, limits: &Limits) -> Parsed {
    let mut out = Parsed { items: Vec::new(), diags: Vec::new(), end: start };
    let mut offset = start;
    while offset < stop {
        // The hand-written fast path takes the items it is sure of; pest parses the
        // others (and words their errors).
        if let Some((item, end)) = fast::item(file, src, offset, limits) {
            out.items.push(item);
            offset = skip_trivia(src, end);
            continue;
        }
        match PipeParser::parse(Rule::item_here, &src[offset..]) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else {
                    offset = src.len();
                    break;
                };
                let end = offset + pair.as_span().end();
                let mut builder =
                    build::Builder { file, src, base: offset, diags: &mut out.diags, max_operators: limits.operators };
                out.items.push(builder.item(pair));
                offset = skip_trivia(src, end);
            }
            Err(err) => {
                out.diags.push(errors::to_diagnostic(file, src, offset, &err));
                let next = next_item_start(src, offset);
                if let Some((item, diags)) = recovery::unclosed_item(file, src, offset, next, &err, limits.operators) {
                    out.items.push(item);
                    out.diags.extend(diags);
                }
                offset = next;
            }
        }
    }
    out.end = offset;
    out
}

/// What [`check_fast_path`] saw: the items pest parses, and which of them the
/// fast path took or declined (by start offset).
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct FastPathReport {
    pub items: usize,
    pub fast: usize,
    pub declined: Vec<usize>,
}

/// For the equivalence tests and the `parse_equivalence` fuzz target: visits the
/// item starts a pest-only parse visits, and at each checks that the fast path
/// either declines or gives exactly pest's item and end (with the builder
/// reporting nothing). The error describes the first difference.
#[doc(hidden)]
pub fn check_fast_path(file: FileId, src: &str, limits: &Limits) -> Result<FastPathReport, String> {
    let mut report = FastPathReport::default();
    // The parser runs only on what the size check and the pre-scan let through.
    if src.len() > limits.source_bytes || prescan::prescan(file, src, limits).too_deep.is_some() {
        return Ok(report);
    }
    let mut offset = skip_trivia(src, 0);
    while offset < src.len() {
        let fast = fast::item(file, src, offset, limits);
        let Some((item, end, diags)) = pest_item(file, src, offset, limits) else {
            if fast.is_some() {
                return Err(format!("at byte {offset}: pest finds a syntax error, the fast path an item"));
            }
            offset = next_item_start(src, offset);
            continue;
        };
        report.items += 1;
        match fast {
            None => report.declined.push(offset),
            Some((fast_item, fast_end)) => {
                report.fast += 1;
                let (want, got) = (format!("{item:?}"), format!("{fast_item:?}"));
                if !diags.is_empty() || want != got || end != fast_end {
                    return Err(format!(
                        "at byte {offset}:\npest: end {end}, {} diagnostics, {want}\nfast: end {fast_end}, {got}",
                        diags.len()
                    ));
                }
            }
        }
        offset = skip_trivia(src, end);
    }
    Ok(report)
}

/// One item parsed by pest and the builder alone: the item, its end and the
/// builder's diagnostics; `None` on a syntax error.
fn pest_item(file: FileId, src: &str, offset: usize, limits: &Limits) -> Option<(Item, usize, Vec<Diagnostic>)> {
    let pair = PipeParser::parse(Rule::item_here, &src[offset..]).ok()?.next()?;
    let mut diags = Vec::new();
    let item =
        build::Builder { file, src, base: offset, diags: &mut diags, max_operators: limits.operators }.item(pair);
    // Spans end at the last token, whatever trivia pest took after it.
    let end = item.span.end as usize;
    Some((item, end, diags))
}

/// Parses a single expression (a `--set` value). `None` if it is not one.
pub fn parse_expr(file: FileId, text: &str, limits: &Limits) -> Option<crate::ast::Expr> {
    if text.len() > limits.source_bytes || prescan::prescan(file, text, limits).too_deep.is_some() {
        return None;
    }
    let mut pairs = PipeParser::parse(Rule::expr_here, text).ok()?;
    let pair = pairs.next()?;
    let mut diags = Vec::new();
    let mut builder = build::Builder { file, src: text, base: 0, diags: &mut diags, max_operators: limits.operators };
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
        // The whole word at the start of the line: a keyword only if no name character follows it.
        let rest = &src.as_bytes()[i..];
        let word_len = rest.iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-').count();
        if keywords::starts_item(&src[i..i + word_len]) {
            return i;
        }
    }
    src.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-halves parse gives exactly what one pass gives, also when the
    /// second half starts in the middle of an item or after an error.
    #[test]
    fn parsing_in_halves_is_the_same_as_one_pass() {
        let job = |i: usize| format!("job j-{i} {{\n  image = \"busybox:1.36\"\n  env {{ A = \"{i}\" }}\n}}\n");
        let plain: String = (0..5000).map(job).collect();
        // A multi-line string whose lines start with `job` at column 0, around the middle.
        let mut tricky = plain.clone();
        let middle = tricky.len() / 2;
        let at = middle + tricky[middle..].find("\njob").unwrap() + 1;
        tricky.insert_str(at, &format!("let text = \"\n{}\"\n", "job x {\n".repeat(2000)));
        // A syntax error just before the middle.
        let mut broken = plain.clone();
        broken.insert_str(middle - 200, "\njob oops { image = }\n");
        for src in [&plain, &tricky, &broken] {
            assert!(src.len() > PARALLEL_FROM_BYTES);
            let limits = Limits::default();
            let start = skip_trivia(src, 0);
            let halves = parse_items(FileId(0), src, start, &limits);
            let one = parse_range(FileId(0), src, start, src.len(), &limits);
            assert_eq!(format!("{:?}", halves.items), format!("{:?}", one.items));
            assert_eq!(format!("{:?}", halves.diags), format!("{:?}", one.diags));
            assert_eq!(halves.end, one.end);
        }
    }
}
