//! pest pairs → syntax tree. The grammar guarantees the shape of each pair, so a
//! mismatch here is a bug in this file; it is reported as a syntax error rather
//! than a panic, to keep the "never panics" promise.

use super::Rule;
use crate::ast::*;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span, Spanned};
use pest::iterators::Pair;

pub(super) struct Builder<'d> {
    pub file: FileId,
    /// Offset of the parsed slice in the file.
    pub base: usize,
    pub diags: &'d mut Vec<Diagnostic>,
}

type P<'i> = Pair<'i, Rule>;

impl Builder<'_> {
    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn ident(&self, p: P) -> Ident {
        Spanned::new(p.as_str().to_string(), self.span(&p))
    }

    pub fn item(&mut self, p: P) -> Item {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner().filter(|p| !is_token(p.as_rule()));
        let kind = match rule {
            Rule::namespace_item => {
                ItemKind::Namespace(self.string(inner.next().unwrap_or_else(|| unreachable_pair())))
            }
            Rule::let_item => {
                let name = self.ident(next(&mut inner));
                let value = self.expr(next(&mut inner));
                ItemKind::Let { name, value }
            }
            Rule::config_item => {
                let name = self.name(next(&mut inner));
                let body = inner.next().map(|b| self.block(b));
                ItemKind::Config { name, body }
            }
            Rule::secret_item => {
                let name = self.name(next(&mut inner));
                let body = inner.next().map(|b| self.block(b));
                ItemKind::Secret { name, body }
            }
            _ => {
                let kw = next(&mut inner);
                let kw_span = self.span(&kw);
                let kind = match kw.into_inner().next().map(|k| k.as_rule()) {
                    Some(Rule::kw_cron) => WorkloadKind::Cron,
                    Some(Rule::kw_daemon) => WorkloadKind::Daemon,
                    _ => WorkloadKind::Job,
                };
                let name = self.name(next(&mut inner));
                let body = self.block(next(&mut inner));
                ItemKind::Workload { kind: Spanned::new(kind, kw_span), name, body }
            }
        };
        Item { kind, span }
    }

    fn name(&mut self, p: P) -> Name {
        let inner = p.into_inner().next().unwrap_or_else(|| unreachable_pair());
        match inner.as_rule() {
            Rule::string => Name::Str(self.string(inner)),
            _ => Name::Word(self.ident(inner)),
        }
    }

    fn key(&mut self, p: P) -> Key {
        let inner = p.into_inner().next().unwrap_or_else(|| unreachable_pair());
        let span = self.span(&inner);
        match inner.as_rule() {
            Rule::string => {
                let s = self.string(inner);
                // A key is a plain string; interpolation in keys is not supported (yet).
                let text = match s.as_plain() {
                    Some(t) => t,
                    None => {
                        self.diags.push(
                            Diagnostic::error(Code::BadInterpolation, span, "keys cannot contain `${…}`")
                                .label("interpolated key")
                                .help("write the key out in full"),
                        );
                        String::new()
                    }
                };
                Key { text, span, quoted: true }
            }
            _ => Key { text: inner.as_str().to_string(), span, quoted: false },
        }
    }

    fn block(&mut self, p: P) -> Block {
        let span = self.span(&p);
        let mut entries = Vec::new();
        let mut pairs = p.into_inner().filter(|p| !is_token(p.as_rule()));
        while let Some(pair) = pairs.next() {
            match pair.as_rule() {
                Rule::key => {
                    let key = self.key(pair);
                    let rest = next(&mut pairs);
                    entries.push(self.keyed_entry(key, rest));
                }
                _ => entries.push(self.mount(pair)),
            }
        }
        Block { entries, span }
    }

    /// `key = value`, `key { … }` or `key label …`: the pair after the key says which.
    fn keyed_entry(&mut self, key: Key, p: P) -> Entry {
        let span = key.span.to(self.span(&p));
        let rule = p.as_rule();
        let mut inner = p.into_inner().filter(|p| !is_token(p.as_rule()));
        let kind = match rule {
            Rule::field => EntryKind::Field { key, value: self.expr(next(&mut inner)) },
            Rule::nested => EntryKind::Nested { key, body: self.block(next(&mut inner)) },
            _ => {
                let label_pair = next(&mut inner);
                let label =
                    Name::Word(self.ident(label_pair.into_inner().next().unwrap_or_else(|| unreachable_pair())));
                let v = next(&mut inner);
                let value = match v.as_rule() {
                    Rule::block => LabeledValue::Block(self.block(v)),
                    _ => LabeledValue::Expr(self.expr(v)),
                };
                EntryKind::Labeled { key, label, value }
            }
        };
        Entry { kind, span }
    }

    /// `mount NAME at "PATH" [readonly] [subpath "…"]`
    fn mount(&mut self, p: P) -> Entry {
        let span = self.span(&p);
        let mut inner = p.into_inner().filter(|p| !is_token(p.as_rule()));
        let source = self.name(next(&mut inner));
        let path = self.string(next(&mut inner));
        let mut read_only = None;
        let mut sub_path = None;
        for opt in inner {
            match opt.as_rule() {
                Rule::kw_readonly => read_only = Some(self.span(&opt)),
                _ => {
                    let s = opt.into_inner().find(|p| p.as_rule() == Rule::string);
                    sub_path = s.map(|s| self.string(s));
                }
            }
        }
        Entry { kind: EntryKind::Mount(Mount { source, path, read_only, sub_path }), span }
    }

    fn expr(&mut self, p: P) -> Expr {
        let span = self.span(&p);
        let inner = p.into_inner().next().unwrap_or_else(|| unreachable_pair());
        let kind = match inner.as_rule() {
            Rule::string => ExprKind::Str(self.string(inner)),
            Rule::number => ExprKind::Number(inner.as_str().to_string()),
            Rule::boolean => ExprKind::Bool(inner.as_str() == "true"),
            Rule::ident => ExprKind::Word(inner.as_str().to_string()),
            Rule::list => {
                ExprKind::List(inner.into_inner().filter(|p| p.as_rule() == Rule::expr).map(|e| self.expr(e)).collect())
            }
            Rule::map => ExprKind::Map(
                inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::map_entry)
                    .map(|e| {
                        let mut parts = e.into_inner().filter(|p| !is_token(p.as_rule()));
                        let key = self.key(next(&mut parts));
                        let value = self.expr(next(&mut parts));
                        MapEntry { key, value }
                    })
                    .collect(),
            ),
            _ => {
                let mut parts = inner.into_inner().filter(|p| !is_token(p.as_rule()));
                let name = self.ident(next(&mut parts));
                let args = parts
                    .map(|a| {
                        let mut ap = a.into_inner().filter(|p| !is_token(p.as_rule()));
                        let first = next(&mut ap);
                        match ap.next() {
                            Some(value) => Arg { name: Some(self.ident(first)), value: self.expr(value) },
                            None => Arg { name: None, value: self.expr(first) },
                        }
                    })
                    .collect();
                ExprKind::Call { name, args }
            }
        };
        Expr { kind, span }
    }

    fn string(&mut self, p: P) -> StringLit {
        let span = self.span(&p);
        let mut parts: Vec<StrPart> = Vec::new();
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::text => push_text(&mut parts, part.as_str()),
                Rule::escape => {
                    let esc_span = self.span(&part);
                    match decode_escape(part.as_str()) {
                        Some(c) => push_text(&mut parts, c.encode_utf8(&mut [0; 4])),
                        None => {
                            parts.push(StrPart::Invalid);
                            self.diags.push(
                                Diagnostic::error(
                                    Code::BadEscape,
                                    esc_span,
                                    format!("unknown escape `{}`", part.as_str()),
                                )
                                .label("not an escape pipec knows")
                                .help(r#"use one of \" \\ \n \t \r \$, or write a backslash as \\"#),
                            )
                        }
                    }
                }
                Rule::interp => {
                    let interp_span = self.span(&part);
                    match part.into_inner().find(|p| p.as_rule() == Rule::expr) {
                        Some(e) => parts.push(StrPart::Interp(Box::new(self.expr(e)))),
                        None => {
                            parts.push(StrPart::Invalid);
                            self.diags.push(
                                Diagnostic::error(Code::BadInterpolation, interp_span, "empty interpolation `${}`")
                                    .label("nothing to insert")
                                    .help("put a name inside, as in `${registry}`, or write a literal `$` as `\\$`"),
                            )
                        }
                    }
                }
                _ => {}
            }
        }
        StringLit { parts, span }
    }
}

fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    if let Some(StrPart::Text(t)) = parts.last_mut() {
        t.push_str(text);
    } else {
        parts.push(StrPart::Text(text.to_string()));
    }
}

fn decode_escape(esc: &str) -> Option<char> {
    match esc.as_bytes().get(1)? {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'$' => Some('$'),
        _ => None,
    }
}

/// Punctuation and keyword tokens carry no data for the tree.
fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::assign
            | Rule::colon
            | Rule::comma
            | Rule::lbrace
            | Rule::rbrace
            | Rule::lbracket
            | Rule::rbracket
            | Rule::lparen
            | Rule::rparen
            | Rule::quote
            | Rule::close_quote
            | Rule::kw_namespace
            | Rule::kw_let
            | Rule::kw_config
            | Rule::kw_secret
            | Rule::kw_mount
            | Rule::kw_at
    )
}

fn next<'i>(it: &mut impl Iterator<Item = P<'i>>) -> P<'i> {
    it.next().unwrap_or_else(|| unreachable_pair())
}

/// The grammar makes every `next()` above succeed; reaching this is a bug in the
/// grammar/builder pairing, which the test suite exercises on every construct.
#[cold]
fn unreachable_pair() -> ! {
    unreachable!("syntax tree builder out of step with grammar/pipe.pest")
}
