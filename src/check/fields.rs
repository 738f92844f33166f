//! The entries of a block, a record-like map or a call's named arguments,
//! gathered by key. Duplicates are reported when gathered; whatever the checker
//! did not `take` is reported by `finish` as an unknown key, with the nearest
//! known key, or the pipec name of a Kubernetes field name, as help.

use super::Checker;
use crate::ast::{Block, EntryKind, Expr, Key, LabeledValue, MapEntry, Mount, Name};
use crate::diag::{Code, Diagnostic, closest};
use crate::schema::{self, Contexts};
use crate::source::Span;

#[derive(Clone, Copy)]
pub enum Value<'a> {
    Expr(&'a Expr),
    Block(&'a Block),
}

impl Value<'_> {
    pub fn span(&self) -> Span {
        match self {
            Value::Expr(e) => e.span,
            Value::Block(b) => b.span,
        }
    }
}

pub struct Field<'a> {
    pub key: &'a Key,
    pub value: Value<'a>,
    taken: bool,
}

pub struct Labeled<'a> {
    pub key: &'a Key,
    pub label: &'a Name,
    pub value: &'a LabeledValue,
    pub span: Span,
}

pub struct Fields<'a> {
    fields: Vec<Field<'a>>,
    /// A one-word filter of the keys written ([`key_bit`]): most keys a reader asks
    /// for are not written, and this answers "absent" without comparing any text.
    written: u64,
    pub labeled: Vec<Labeled<'a>>,
    pub mounts: Vec<(&'a Mount, Span)>,
    ctx: Contexts,
    /// "a `job`", "a toleration" — for messages about misplaced keys.
    place: &'static str,
}

impl<'a> Fields<'a> {
    /// No keys (a block that was not written, read for its defaults).
    pub fn empty(ctx: Contexts, place: &'static str) -> Fields<'a> {
        Fields { fields: Vec::new(), written: 0, labeled: Vec::new(), mounts: Vec::new(), ctx, place }
    }

    pub fn from_block(ck: &mut Checker, block: &'a Block, ctx: Contexts, place: &'static str) -> Fields<'a> {
        let mut f = Fields { fields: Vec::new(), written: 0, labeled: Vec::new(), mounts: Vec::new(), ctx, place };
        for entry in &block.entries {
            match &entry.kind {
                EntryKind::Field { key, value } => f.add(ck, key, Value::Expr(value)),
                EntryKind::Nested { key, body } => f.add(ck, key, Value::Block(body)),
                EntryKind::Labeled { key, label, value } => {
                    f.labeled.push(Labeled { key, label, value, span: entry.span })
                }
                EntryKind::Mount(m) => f.mounts.push((m, entry.span)),
                // Reported by the parser; the item's missing keys are not (see `Checker::report`).
                EntryKind::Error { .. } => {}
            }
        }
        f
    }

    /// An item of a list of records (tolerations, node terms, policy rules): it must
    /// be a map; its entries are gathered like a block's. `example` shows the shape.
    pub fn record(
        ck: &mut Checker<'a>,
        item: &'a crate::ast::Expr,
        ctx: Contexts,
        place: &'static str,
        example: &str,
    ) -> Option<(&'a crate::ast::Expr, Fields<'a>)> {
        let (e, _) = ck.resolve(item)?;
        let crate::ast::ExprKind::Map(entries) = &e.kind else {
            ck.report(
                Diagnostic::error(Code::TypeMismatch, e.span, format!("{place} is written as a map"))
                    .label("not a map")
                    .help(format!("write `{example}`")),
            );
            return None;
        };
        Some((e, Fields::from_map(ck, entries, ctx, place)))
    }

    pub fn from_map(ck: &mut Checker, entries: &'a [MapEntry], ctx: Contexts, place: &'static str) -> Fields<'a> {
        let mut f = Fields { fields: Vec::new(), written: 0, labeled: Vec::new(), mounts: Vec::new(), ctx, place };
        for e in entries {
            f.add(ck, &e.key, Value::Expr(&e.value));
        }
        f
    }

    fn add(&mut self, ck: &mut Checker, key: &'a Key, value: Value<'a>) {
        if let Some(first) = self.fields.iter().find(|f| f.key.text == key.text) {
            ck.report(
                Diagnostic::error(Code::DuplicateKey, key.span, format!("`{}` is given twice", key.text))
                    .label("given again here")
                    .secondary(first.key.span, "first given here")
                    .help("remove one of them; a key takes one value"),
            );
            return;
        }
        self.written |= key_bit(&key.text);
        self.fields.push(Field { key, value, taken: false });
    }

    /// A block, or a map written for one (`resources = { cpu: 1 }`); anything else
    /// is reported as "`place` takes a block" with `example` as the help.
    pub fn from_value(
        ck: &mut Checker<'a>,
        v: Value<'a>,
        ctx: Contexts,
        place: &'static str,
        example: &str,
    ) -> Option<Fields<'a>> {
        match v {
            Value::Block(b) => Some(Fields::from_block(ck, b, ctx, place)),
            Value::Expr(e) => match &e.kind {
                crate::ast::ExprKind::Map(entries) => Some(Fields::from_map(ck, entries, ctx, place)),
                _ => {
                    ck.report(
                        Diagnostic::error(Code::TypeMismatch, e.span, format!("{place} takes a block"))
                            .label("not a block")
                            .help(format!("write `{example}`")),
                    );
                    None
                }
            },
        }
    }

    /// The context the keys are read in (a workload's, or a `container`/`init` block's).
    pub fn context(&self) -> Contexts {
        self.ctx
    }

    /// The span of a key not yet taken, without taking it.
    pub fn peek_span(&self, row: &'static schema::Key) -> Option<Span> {
        if self.written & key_bit(row.key) == 0 {
            return None;
        }
        self.fields.iter().find(|f| !f.taken && f.key.text == row.key).map(|f| f.key.span.to(f.value.span()))
    }

    /// Takes a key by its schema row: the checker cannot read a key that has none.
    /// (Version gates are applied by `check::read`, which most rules use.)
    pub fn take(&mut self, row: &'static schema::Key) -> Option<(&'a Key, Value<'a>)> {
        debug_assert!(
            row.contexts & self.ctx != 0,
            "`{}` is read in {} but its row does not list it",
            row.key,
            self.place
        );
        self.take_unlisted(row.key)
    }

    /// Takes a key that deliberately has no row: a word that is always wrong here
    /// but earns a message of its own (`stringData` in a secret).
    pub fn take_unlisted(&mut self, word: &str) -> Option<(&'a Key, Value<'a>)> {
        if self.written & key_bit(word) == 0 {
            return None;
        }
        let f = self.fields.iter_mut().find(|f| !f.taken && f.key.text == word)?;
        f.taken = true;
        Some((f.key, f.value))
    }

    /// Whether a key not yet taken passes `test` (one pass, no allocation).
    pub fn any_left(&self, test: impl Fn(&str) -> bool) -> bool {
        self.fields.iter().any(|f| !f.taken && test(&f.key.text))
    }

    /// Takes every remaining field (for open maps such as extended resources).
    pub fn take_rest(&mut self, mut accept: impl FnMut(&str) -> bool) -> Vec<(&'a Key, Value<'a>)> {
        let mut out = Vec::new();
        for f in self.fields.iter_mut().filter(|f| !f.taken && accept(&f.key.text)) {
            f.taken = true;
            out.push((f.key, f.value));
        }
        out
    }

    /// Reports every key nobody took.
    pub fn finish(self, ck: &mut Checker) {
        for f in self.fields.iter().filter(|f| !f.taken) {
            ck.report(unknown_key(f.key, self.ctx, self.place));
        }
    }
}

/// A key's bit in [`Fields::written`], from its length and its first and last bytes
/// (which tell most keys of a context apart).
fn key_bit(word: &str) -> u64 {
    let b = word.as_bytes();
    let (first, last) = (b.first().copied().unwrap_or(0), b.last().copied().unwrap_or(0));
    let h = (b.len() as u64).wrapping_mul(31) ^ u64::from(first) ^ (u64::from(last) << 3);
    1 << (h % 64)
}

pub fn unknown_key(key: &Key, ctx: Contexts, place: &str) -> Diagnostic {
    let word = key.text.as_str();
    let d = Diagnostic::error(Code::UnknownKey, key.span, format!("`{word}` is not a key of {place}"));
    if ["spec", "template", "metadata", "kind", "apiVersion", "api-version"].contains(&word) {
        return d.label("YAML structure, not a key").help(format!(
            "pipec builds the object's structure itself: write the fields of the pod and its containers directly in {place}"
        ));
    }
    // A quoted key is replaced by a quoted one.
    let written = |k: &str| if key.quoted { format!("\"{k}\"") } else { k.to_string() };
    if let Some(k) = schema::by_kubernetes_name(word, ctx) {
        return d
            .label("Kubernetes' name")
            .help(format!("pipec writes `{}` for Kubernetes' `{}`", k.key, k.field()))
            .fix(key.span, written(k.key), format!("write `{}`", k.key));
    }
    // A key of another context is most likely meant as that key: say where it belongs
    // before guessing a near spelling.
    if let Some(k) = schema::all().find(|k| k.key == word) {
        return d.label("not allowed here").help(format!("`{word}` ({}) cannot be written in {place}", k.field()));
    }
    if let Some(best) = closest(word, schema::keys_in(ctx)) {
        return d.label("unknown key").help(format!("did you mean `{best}`?")).fix(
            key.span,
            written(best),
            format!("write `{best}`"),
        );
    }
    let mut known: Vec<&str> = schema::keys_in(ctx).collect();
    known.sort_unstable();
    d.label("unknown key").help(format!("the keys of {place} are: {}", known.join(", ")))
}
