//! Recovery inside a block. The grammar turns an entry that does not parse into a `bad_entry`
//! (the rest of its line, over strings and brackets), so one broken entry neither hides the
//! others nor takes its item out of the tree. Here such an entry gets its words: pest parses
//! its text alone (`entry_here`), so the error is where it is in that entry — a value missing
//! at the end of its line is reported there, not at the next line's key.
//!
//! Entries are separated by new lines or `,`. pest has stepped over the new line by the time
//! it could look for it, so that rule is checked here, between the entries the builder made.

use super::errors;
use super::{PipeParser, Rule};
use crate::ast::{Block, EntryKind, Item, ItemKind, Key, LabeledValue};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser;

/// What the builder makes of a bad entry.
pub(super) struct BadEntry {
    /// The error node's key, if its text starts with a word that can be one.
    pub key: Option<Key>,
    /// None when the entry before it has already said it.
    pub diag: Option<Diagnostic>,
    /// The entry before it took the next line's key for the end of its value (`retries = a +`
    /// then `parallelism = 2`): that entry is an error node too.
    pub previous_is_broken: bool,
}

/// The bad entry at `start..end` of `src`; `previous` is the entry before it in the block.
pub(super) fn bad_entry(file: FileId, src: &str, start: usize, end: usize, previous: Option<Span>) -> BadEntry {
    let key = leading_key(file, src, start, end);
    let (key, diag) = match previous {
        Some(prev) => match after_entry(file, src, start, end, (prev.start as usize, prev.end as usize)) {
            After::Swallowed(d) => return BadEntry { key, diag: Some(d), previous_is_broken: true },
            After::Together(diag) => (key, diag),
            After::Alone => (key, alone(file, src, start, end)),
        },
        None => (key, alone(file, src, start, end)),
    };
    BadEntry { key, diag, previous_is_broken: false }
}

/// How a bad entry's error is told, given the entry before it.
enum After {
    /// The entry before took the next line's key into its value: this diagnostic says so.
    Swallowed(Diagnostic),
    /// Read with the entry before (on its line), or already said by it (`None`).
    Together(Option<Diagnostic>),
    /// On its own.
    Alone,
}

/// A bad entry at `start..end` after the entry at `prev`.
fn after_entry(file: FileId, src: &str, start: usize, end: usize, prev: (usize, usize)) -> After {
    if let Some(d) = unseparated(file, src, prev.1, start) {
        // `= 2` right after a value that went on over a line end (`base +`, then the next
        // line's `parallelism`): the value stops at that line end.
        if src[start..end].starts_with('=')
            && !src[start..end].starts_with("==")
            && let Some(nl) = src[prev.0..prev.1].find('\n')
        {
            let at = errors::token_end_before(src, prev.0 + nl);
            let token = errors::previous_token(src, at).unwrap_or("=");
            return After::Swallowed(
                Diagnostic::error(Code::Syntax, Span::new(file, at, at), format!("expected a value after `{token}`"))
                    .label("the line ends here")
                    .help("the next line's key was read as the rest of this value: finish the value on this line"),
            );
        }
        // On the line of the entry before it: that entry and this text, read as one entry,
        // may fail further on (`completions = 5 +`: a value expected after the `+`).
        if let Err(err) = PipeParser::parse(Rule::entry_here, &src[prev.0..end])
            && error_offset(&err) + prev.0 > start
        {
            return After::Together(Some(errors::entry_diagnostic(file, src, prev.0, end, &err)));
        }
        let d = d.label("a second value, or an entry that does not parse").help(
                "a key takes one value (several make a list: `[\"a\", \"b\"]`); write one entry per line, or `,` between entries",
            );
        return After::Together(Some(d));
    }
    // The value of `key =` written on the next line: P0010 at that `=` says it all.
    if src[prev.0..prev.1].ends_with('=') {
        return After::Together(None);
    }
    After::Alone
}

/// The error of a bad entry read alone.
fn alone(file: FileId, src: &str, start: usize, end: usize) -> Option<Diagnostic> {
    let diag = match PipeParser::parse(Rule::entry_here, &src[start..end]) {
        Err(err) => errors::entry_diagnostic(file, src, start, end, &err),
        // The text parses alone but not where it is written (it cannot, as the grammar stands;
        // this keeps the promise of a diagnostic for every error node).
        Ok(_) => Diagnostic::error(Code::Syntax, Span::new(file, start, end), "this entry cannot be read here")
            .label("not an entry of this block")
            .help("write `key = value`, or `key { … }` for a nested block"),
    };
    Some(diag)
}

fn error_offset(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// P0011 when nothing but spaces and comments on one line stands between the entry that ends
/// at `previous_end` and the one that starts at `start`, and the first does not end with `}`.
pub(super) fn unseparated(file: FileId, src: &str, previous_end: usize, start: usize) -> Option<Diagnostic> {
    let between = src.get(previous_end..start)?;
    // After a `}` the end of the entry is plain: `container c { … } volume v = …` reads well.
    if between.contains('\n') || between.contains(',') || src[..previous_end].ends_with('}') {
        return None;
    }
    let token = first_token(src, start);
    Some(
        Diagnostic::error(
            Code::EntriesNotSeparated,
            Span::new(file, start, start + token.len()),
            format!("expected a new line or `,` before `{token}`"),
        )
        .label("another entry on the same line")
        .help("write one entry per line, or separate the entries of a line with `,`"),
    )
}

/// The token at `at`: a whole string (on its line), or what `errors::found_token` takes.
fn first_token(src: &str, at: usize) -> &str {
    let rest = &src[at..];
    if rest.starts_with('"') {
        let line = rest.find('\n').map_or(rest, |n| &rest[..n]);
        let mut escaped = false;
        for (i, c) in line.char_indices().skip(1) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return &line[..=i],
                _ => {}
            }
        }
        return line.trim_end();
    }
    errors::found_token(src, at)
}

/// The first word of a bad entry when it could be a key: `retri` in `retri }`.
fn leading_key(file: FileId, src: &str, start: usize, end: usize) -> Option<Key> {
    let text = &src[start..end];
    let first = text.bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let len = text.bytes().position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-')).unwrap_or(text.len());
    let word = &text[..len];
    if super::keywords::is_strict(word) {
        return None;
    }
    Some(Key { text: word.to_string(), span: Span::new(file, start, start + len), quoted: false })
}

/// The most `}` an item left open may lack and still be read (its nested blocks, each unclosed).
const MAX_UNCLOSED: usize = 8;

/// An item whose block is not closed before the next item (or the end of the file) — the item
/// being typed, in an editor. pest has reported it (`err`, at `next` or at the end); here the
/// item is read as if the `}`s it lacks stood after its last token, so its entries stay in the
/// tree and are checked. It gets an error node where the `}` is missing. `None` when that does
/// not make it parse, or for a `for` (which would take in every item after it).
pub(super) fn unclosed_item(
    file: FileId,
    src: &str,
    offset: usize,
    next: usize,
    err: &pest::error::Error<Rule>,
    max_operators: usize,
) -> Option<(Item, Vec<Diagnostic>)> {
    let pos = offset + error_offset(err);
    let pest::error::ErrorVariant::ParsingError { positives, .. } = &err.variant else { return None };
    if !positives.contains(&Rule::rbrace) || (pos != next && pos != src.len()) || src[offset..].starts_with("for") {
        return None;
    }
    let end = errors::token_end_before(src, pos);
    if end <= offset {
        return None;
    }
    // Only the item's text is copied (with the `}`s after it): the builder reads the file's
    // own text for everything else, so each item costs its own length, whatever the file.
    // The `}`s go on a line of their own: a broken entry (an unclosed string or bracket in it)
    // ends at a new line, so it never takes them in.
    let missing = open_braces(&src[offset..end])?;
    let mut text = src[offset..end].to_string();
    text.push('\n');
    text.extend(std::iter::repeat_n('}', missing));
    {
        let mut pairs = PipeParser::parse(Rule::item_here, &text).ok()?;
        let pair = pairs.next()?;
        if pair.as_span().end() != text.len() {
            return None;
        }
        let mut diags = Vec::new();
        let mut item = super::build::Builder { file, src, base: offset, diags: &mut diags, max_operators }.item(pair);
        item.span.end = item.span.end.min(end as u32);
        let body = match &mut item.kind {
            ItemKind::Namespace(_, body)
            | ItemKind::Config { body, .. }
            | ItemKind::Secret { body, .. }
            | ItemKind::Object { body, .. }
            | ItemKind::Workload { body, .. } => body.as_mut(),
            ItemKind::Defaults(body) | ItemKind::Template { body, .. } => Some(body),
            _ => None,
        };
        let body = body?;
        clamp(body, end as u32);
        let at = Span::new(file, end, end);
        body.entries.push(crate::ast::Entry { kind: EntryKind::Error { key: None }, span: at });
        Some((item, diags))
    }
}

/// How many `{` are open at the end of `text` (outside strings and comments); `None` when a
/// `[` or `(` is open too, or more than [`MAX_UNCLOSED`] braces.
fn open_braces(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' => {
                // To the closing quote or the end of the line (`${…}` inside stays in the string).
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b @ (b'{' | b'[' | b'(') => open.push(b),
            b'}' | b']' | b')' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    (open.iter().all(|&b| b == b'{') && (1..=MAX_UNCLOSED).contains(&open.len())).then_some(open.len())
}

/// The blocks closed by an added `}` end at the last real token instead.
fn clamp(block: &mut Block, end: u32) {
    block.span.end = block.span.end.min(end);
    if let Some(last) = block.entries.last_mut() {
        last.span.end = last.span.end.min(end);
        if let EntryKind::Nested { body, .. } | EntryKind::Labeled { value: LabeledValue::Block(body), .. } =
            &mut last.kind
        {
            clamp(body, end);
        }
    }
}
