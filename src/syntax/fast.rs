//! The parser's fast path: a hand-written recursive-descent parser for one
//! top-level item, an order of magnitude faster than pest on large programs.
//!
//! pest stays the definition of the language. For an item this parser accepts, it
//! builds exactly the tree `build.rs` builds from pest's pairs (same nodes, same
//! spans, same end); for anything else (a syntax error, an item the builder would
//! report on, a construct where it is not sure) it returns `None` and pest parses
//! the item, so every error message still comes from pest and the builder.
//!
//! How it follows the grammar (`grammar/pipe.pest`):
//! - `pos` is always past the whitespace and comments that follow the last token, and `last`
//!   is the end of that token. Every span ends at `last`: the builder trims pest's pairs to
//!   their last token too (pest's own end may be past the trivia after a last part that
//!   matched nothing).
//! - Where the grammar asks for the same line (`assign_value`, `label_key`) or the builder
//!   for a new line or `,` between entries, this parser checks the trivia between `last` and
//!   `pos`, and declines otherwise (pest then makes the error node and the message).
//! - Choices are tried in the grammar's order. Where pest would backtrack after a
//!   part has begun to match, this parser gives up instead (pest may then find
//!   another reading, or the error). A repetition or option stops only where the
//!   next character cannot begin another round, so this parser never stops where
//!   pest would go on: whatever it returns, pest returns too.
//! - Every slice boundary is at an ASCII byte (or the end), so slicing never splits
//!   a character; lookups past the end give `None`.

use super::keywords;
use super::skip_trivia;
use crate::ast::*;
use crate::limits::Limits;
use crate::source::{FileId, Span, Spanned};
use std::cell::Cell;

/// Deepest recursion (expressions, blocks, types, items inside items) this parser
/// takes on. The pre-scan bounds bracket nesting, but not `if … else if …` chains
/// across lines or `list<list<…>>` types; deeper input goes to pest.
const MAX_DEPTH: usize = 128;

/// Parses the item at `offset` (after any whitespace and comments there): the
/// item and its end (the end of its last token, as the builder's item span ends).
pub(super) fn item(file: FileId, src: &str, offset: usize, limits: &Limits) -> Option<(Item, usize)> {
    if !src.is_char_boundary(offset) {
        return None;
    }
    let mut p = Parser {
        src,
        bytes: src.as_bytes(),
        file,
        pos: offset,
        last: offset,
        max_operators: limits.operators,
        depth: 0,
        stacks: STACKS.take(),
    };
    p.skip();
    let out = p.item();
    // What a declined item left behind is dropped; the buffers serve the next item.
    p.stacks.clear();
    STACKS.set(p.stacks);
    out
}

/// Lists are gathered here, then moved into a vector of their exact length: one
/// allocation of the right size, where growing each vector by doubling allocates
/// again and again and leaves room for four in a one-entry block or a string.
#[derive(Default)]
struct Stacks {
    entries: Vec<Entry>,
    exprs: Vec<Expr>,
    map_entries: Vec<MapEntry>,
    args: Vec<Arg>,
    params: Vec<ParamDecl>,
    items: Vec<Item>,
    parts: Vec<StrPart>,
}

impl Stacks {
    fn clear(&mut self) {
        self.entries.clear();
        self.exprs.clear();
        self.map_entries.clear();
        self.args.clear();
        self.params.clear();
        self.items.clear();
        self.parts.clear();
    }
}

thread_local! {
    /// Kept between the items a thread parses.
    static STACKS: Cell<Stacks> = Cell::new(Stacks::default());
}

/// Moves the top of a stack, from `mark`, into a vector of its exact length.
fn pop_from<T>(stack: &mut Vec<T>, mark: usize) -> Vec<T> {
    stack.drain(mark..).collect()
}

struct Parser<'s> {
    src: &'s str,
    bytes: &'s [u8],
    file: FileId,
    /// Past the whitespace and comments that follow the last token.
    pos: usize,
    /// The end of the last token.
    last: usize,
    /// `Limits::operators`: past it the builder reports the expression.
    max_operators: usize,
    depth: usize,
    stacks: Stacks,
}

/// The words `ident` refuses (`keyword` in the grammar).
fn is_keyword(word: &str) -> bool {
    keywords::is_reserved(word)
}

/// The words a block key cannot be (`item_keyword` in the grammar).
fn is_item_keyword(word: &str) -> bool {
    keywords::is_strict(word)
}

/// The words that start a `service-account`, `role`, … item (`object_kw` in the grammar).
fn object_kind(word: &str) -> Option<ObjectKind> {
    Some(match word {
        "service-account" => ObjectKind::ServiceAccount,
        "role" => ObjectKind::Role,
        "cluster-role" => ObjectKind::ClusterRole,
        "role-binding" => ObjectKind::RoleBinding,
        "cluster-role-binding" => ObjectKind::ClusterRoleBinding,
        "service" => ObjectKind::Service,
        "pipeline" => ObjectKind::Pipeline,
        _ => return None,
    })
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The escapes the builder decodes; any other is reported there.
fn unescape(b: u8) -> Option<&'static str> {
    Some(match b {
        b'"' => "\"",
        b'\\' => "\\",
        b'n' => "\n",
        b't' => "\t",
        b'r' => "\r",
        b'$' => "$",
        _ => return None,
    })
}

/// Text and escapes next to each other make one part, as in the builder. The
/// string's parts start at `mark`.
fn push_text(parts: &mut Vec<StrPart>, mark: usize, text: &str) {
    if parts.len() > mark
        && let Some(StrPart::Text(t)) = parts.last_mut()
    {
        t.push_str(text);
    } else {
        parts.push(StrPart::Text(text.to_string()));
    }
}

/// Replaces the two topmost operands by `lhs op rhs`.
fn fold(operands: &mut Vec<Expr>, op: Spanned<BinaryOp>) -> Option<()> {
    let rhs = operands.pop()?;
    let lhs = operands.pop()?;
    let span = lhs.span.to(rhs.span);
    operands.push(Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span });
    Some(())
}

impl<'s> Parser<'s> {
    // ---- tokens ----------------------------------------------------------

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn skip(&mut self) {
        self.pos = skip_trivia(self.src, self.pos);
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Takes a token of `len` bytes and the trivia after it.
    fn bump(&mut self, len: usize) {
        self.pos += len;
        self.last = self.pos;
        self.skip();
    }

    /// Takes the one-byte token `b`, or fails.
    fn expect(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.bump(1))
    }

    /// `assign`: `=` but not `==`.
    fn assign_at(&self, i: usize) -> bool {
        self.bytes.get(i) == Some(&b'=') && self.bytes.get(i + 1) != Some(&b'=')
    }

    fn at_assign(&self) -> bool {
        self.assign_at(self.pos)
    }

    /// The word (`ident_start ident_char*`) at `i`, whole: pest's keyword rules
    /// end in `!ident_char`, so a keyword is a whole word equal to it.
    fn word_at(&self, i: usize) -> Option<&'s str> {
        let first = *self.bytes.get(i)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = self.bytes[i..].iter().position(|&b| !is_ident_char(b)).unwrap_or(self.bytes.len() - i);
        self.src.get(i..i + len)
    }

    fn word(&self) -> Option<&'s str> {
        self.word_at(self.pos)
    }

    /// Takes the word `w` (found at `pos`) as an identifier.
    fn take_word(&mut self, w: &str) -> Ident {
        let start = self.pos;
        self.bump(w.len());
        Spanned::new(w.to_string(), self.span(start, self.last))
    }

    /// `ident`: a word that is not a keyword.
    fn ident(&mut self) -> Option<Ident> {
        let w = self.word().filter(|w| !is_keyword(w))?;
        Some(self.take_word(w))
    }

    /// Takes the keyword `kw` (`kw_at`, `kw_in`, `kw_then`…), or fails.
    fn keyword(&mut self, kw: &str) -> Option<()> {
        (self.word()? == kw).then(|| self.bump(kw.len()))
    }

    /// Runs a parse one level deeper, refusing past [`MAX_DEPTH`].
    fn nested<T>(&mut self, parse: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = parse(self);
        self.depth -= 1;
        out
    }

    /// `open` is taken: `(one (, one)* ,?)? close`, as lists, maps, arguments and
    /// template parameters are written. They are gathered on `stack`.
    fn comma_list<T>(
        &mut self,
        close: u8,
        stack: fn(&mut Stacks) -> &mut Vec<T>,
        mut one: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mark = stack(&mut self.stacks).len();
        while self.peek() != Some(close) {
            let x = one(self)?;
            stack(&mut self.stacks).push(x);
            if self.peek() != Some(b',') {
                break;
            }
            self.bump(1);
        }
        self.expect(close)?;
        Some(pop_from(stack(&mut self.stacks), mark))
    }

    // ---- items -----------------------------------------------------------

    fn item(&mut self) -> Option<(Item, usize)> {
        self.nested(Self::item_inner)
    }

    fn item_inner(&mut self) -> Option<(Item, usize)> {
        let start = self.pos;
        let kw = self.word()?;
        // `defaults`, `deployment`, `spark` and the object words start items but are not keywords (they stay valid keys and names).
        if !keywords::starts_item(kw) {
            return None;
        }
        self.bump(kw.len());
        let kw_span = self.span(start, self.last);
        let (kind, end) = match kw {
            "namespace" => {
                let name = self.string()?;
                if self.peek() != Some(b'{') {
                    // pest's `block?` steps over the trivia after the string either way.
                    return Some((
                        Item { kind: ItemKind::Namespace(name, None), span: self.span(start, self.last) },
                        self.last,
                    ));
                }
                let body = self.block()?;
                (ItemKind::Namespace(name, Some(body)), self.last)
            }
            "import" => (ItemKind::Import(self.string()?), self.last),
            "param" => {
                let (name, ty, default, end) = self.declaration()?;
                (ItemKind::Param { name, ty, default }, end)
            }
            "let" => {
                let name = self.ident()?;
                self.assign()?;
                self.on_the_same_line()?;
                let (value, end) = self.expr_end()?;
                (ItemKind::Let { name, value }, end)
            }
            "config" => {
                let (name, body, end) = self.object()?;
                (ItemKind::Config { name, body }, end)
            }
            "secret" => {
                let (name, body, end) = self.object()?;
                (ItemKind::Secret { name, body }, end)
            }
            "job" => self.workload(Spanned::new(WorkloadKind::Job, kw_span))?,
            "cron" => self.workload(Spanned::new(WorkloadKind::Cron, kw_span))?,
            "daemon" => self.workload(Spanned::new(WorkloadKind::Daemon, kw_span))?,
            "deployment" => self.workload(Spanned::new(WorkloadKind::Deployment, kw_span))?,
            "spark" => self.workload(Spanned::new(WorkloadKind::Spark, kw_span))?,
            "template" => self.template()?,
            "for" => self.for_item()?,
            "defaults" => {
                if self.peek() != Some(b'{') {
                    return None;
                }
                (ItemKind::Defaults(self.block()?), self.last)
            }
            // The object words (`service-account`, `role`, …); a word of the table that starts an
            // item but has no arm here is left to pest.
            _ => {
                let kind = object_kind(kw)?;
                let (name, body, end) = self.object()?;
                (ItemKind::Object { kind: Spanned::new(kind, kw_span), name, body }, end)
            }
        };
        Some((Item { kind, span: self.span(start, end) }, end))
    }

    fn assign(&mut self) -> Option<()> {
        self.at_assign().then(|| self.bump(1))
    }

    /// A new line between the last token and the next (most often right after the token:
    /// looked at first).
    fn newline_before_next(&self) -> bool {
        self.bytes.get(self.last) == Some(&b'\n') || self.bytes[self.last..self.pos].contains(&b'\n')
    }

    /// Only spaces and tabs between the last token and the next (`assign_value`, `label_key`):
    /// the next part is on the same line.
    fn on_the_same_line(&self) -> Option<()> {
        self.bytes[self.last..self.pos].iter().all(|&b| b == b' ' || b == b'\t').then_some(())
    }

    /// `name: type (= default)?`, of a `param` or a template parameter, and where it
    /// ends: with the default, or with the type.
    fn declaration(&mut self) -> Option<(Ident, TypeExpr, Option<Expr>, usize)> {
        let name = self.ident()?;
        self.expect(b':')?;
        let ty = self.type_expr()?;
        if !self.at_assign() {
            return Some((name, ty, None, self.last));
        }
        self.bump(1);
        let (default, end) = self.expr_end()?;
        Some((name, ty, Some(default), end))
    }

    fn type_expr(&mut self) -> Option<TypeExpr> {
        self.nested(|p| {
            let start = p.pos;
            let name = p.ident()?;
            if p.peek() != Some(b'<') {
                return Some(TypeExpr { name, arg: None, span: p.span(start, p.last) });
            }
            p.bump(1);
            let arg = p.type_expr()?;
            p.expect(b'>')?;
            Some(TypeExpr { name, arg: Some(Box::new(arg)), span: p.span(start, p.last) })
        })
    }

    /// `config`/`secret`: the name, the block if any, and the item's end.
    fn object(&mut self) -> Option<(Name, Option<Block>, usize)> {
        let name = self.name()?;
        if self.peek() != Some(b'{') {
            return Some((name, None, self.last));
        }
        let body = self.block()?;
        Some((name, Some(body), self.last))
    }

    fn workload(&mut self, kind: Spanned<WorkloadKind>) -> Option<(ItemKind, usize)> {
        let name = self.name()?;
        let mut instance = None;
        if self.at_assign() {
            instance = Some(self.instance()?);
            if self.peek() != Some(b'{') {
                return Some((ItemKind::Workload { kind, name, instance, body: None }, self.last));
            }
        }
        let body = Some(self.block()?);
        Some((ItemKind::Workload { kind, name, instance, body }, self.last))
    }

    /// `= path(args)`: its span starts at the `=`.
    fn instance(&mut self) -> Option<Instance> {
        let start = self.pos;
        self.bump(1);
        let mut path = vec![self.ident()?];
        while self.peek() == Some(b'.') {
            self.bump(1);
            path.push(self.ident()?);
        }
        self.expect(b'(')?;
        let args = self.comma_list(b')', |s| &mut s.args, Self::arg)?;
        Some(Instance { path, args, span: self.span(start, self.last) })
    }

    fn template(&mut self) -> Option<(ItemKind, usize)> {
        let name = self.ident()?;
        self.expect(b'(')?;
        let params = self.comma_list(
            b')',
            |s| &mut s.params,
            |p| {
                let start = p.pos;
                let (name, ty, default, end) = p.declaration()?;
                Some(ParamDecl { name, ty, default, span: p.span(start, end) })
            },
        )?;
        let body = self.block()?;
        Some((ItemKind::Template { name, params, body }, self.last))
    }

    fn for_item(&mut self) -> Option<(ItemKind, usize)> {
        let var = self.ident()?;
        let second = if self.peek() == Some(b',') {
            self.bump(1);
            Some(self.ident()?)
        } else {
            None
        };
        self.keyword("in")?;
        let iter = self.expr()?;
        self.expect(b'{')?;
        let mark = self.stacks.items.len();
        while self.peek() != Some(b'}') {
            let (item, _) = self.item()?;
            self.stacks.items.push(item);
        }
        self.bump(1);
        let items = pop_from(&mut self.stacks.items, mark);
        Some((ItemKind::For { var, second, iter, items }, self.last))
    }

    fn name(&mut self) -> Option<Name> {
        if self.peek() == Some(b'"') { Some(Name::Str(self.string()?)) } else { Some(Name::Word(self.ident()?)) }
    }

    // ---- blocks ----------------------------------------------------------

    fn block(&mut self) -> Option<Block> {
        self.nested(|p| {
            let start = p.pos;
            p.expect(b'{')?;
            let mark = p.stacks.entries.len();
            while p.peek() != Some(b'}') {
                let entry = p.entry()?;
                p.stacks.entries.push(entry);
                match p.peek() {
                    Some(b',') => p.bump(1),
                    Some(b'}') => {}
                    // Entries are separated by new lines or `,`, or follow a `}` (the builder
                    // reports others).
                    _ if p.bytes[p.last - 1] != b'}' && !p.newline_before_next() => return None,
                    _ => {}
                }
            }
            p.bump(1);
            let entries = pop_from(&mut p.stacks.entries, mark);
            Some(Block { entries, span: p.span(start, p.last) })
        })
    }

    /// `mount …`, or a key then `= value`, `{ … }` or `label (= value | { … })`.
    /// The span runs from the key to the end of what follows it.
    fn entry(&mut self) -> Option<Entry> {
        match self.word() {
            Some("mount") => return self.mount(),
            Some("task") => {
                if let Some(used) = self.task_use() {
                    return used;
                }
            }
            _ => {}
        }
        let key = self.key()?;
        let key_span = key.span;
        let from = self.pos;
        let (kind, end) = match self.peek()? {
            b'=' if self.at_assign() => {
                self.bump(1);
                self.on_the_same_line()?;
                let (value, end) = self.expr_end()?;
                (EntryKind::Field { key, value }, end)
            }
            b'{' => (EntryKind::Nested { key, body: self.block()? }, self.last),
            _ => {
                // `label_key`: the label is on its key's line.
                self.on_the_same_line()?;
                let label = Name::Word(self.ident()?);
                let (value, end) = if self.at_assign() {
                    self.bump(1);
                    self.on_the_same_line()?;
                    let (value, end) = self.expr_end()?;
                    (LabeledValue::Expr(value), end)
                } else {
                    (LabeledValue::Block(self.block()?), self.last)
                };
                (EntryKind::Labeled { key, label, value }, end)
            }
        };
        Some(Entry { kind, span: key_span.to(self.span(from, end)) })
    }

    /// `task NAME = template(…) { … }` (`task_use`), tried first as pest does: `None` when the
    /// entry is not of that form (nothing taken: it is an ordinary entry), `Some(None)` to
    /// decline. Without a block the entry ends at the `)`.
    fn task_use(&mut self) -> Option<Option<Entry>> {
        let (start, last) = (self.pos, self.last);
        self.bump("task".len());
        let key = Key { text: "task".into(), span: self.span(start, self.last), quoted: false };
        let label = match self.word() {
            Some(_) if !self.at_assign() => self.ident().map(Name::Word),
            _ => None,
        };
        let Some(label) = label.filter(|_| self.at_assign()) else {
            (self.pos, self.last) = (start, last);
            return None;
        };
        let Some(instance) = self.instance() else { return Some(None) };
        let (body, end) = if self.peek() == Some(b'{') {
            let Some(body) = self.block() else { return Some(None) };
            (Some(body), self.last)
        } else {
            (None, self.last)
        };
        let value = LabeledValue::Instance(Box::new((instance, body)));
        Some(Some(Entry { kind: EntryKind::Labeled { key, label, value }, span: self.span(start, end) }))
    }

    /// `mount NAME at "PATH" [readonly] [subpath "…"]`: it ends with the path, or
    /// with its last option.
    fn mount(&mut self) -> Option<Entry> {
        let start = self.pos;
        self.bump("mount".len());
        let source = self.name()?;
        self.keyword("at")?;
        let path = self.string()?;
        let mut end = self.last;
        let (mut read_only, mut sub_path, mut propagation) = (None, None, None);
        loop {
            match self.word() {
                Some("readonly") => {
                    let at = self.pos;
                    self.bump("readonly".len());
                    read_only = Some(self.span(at, self.last));
                }
                Some("subpath") => {
                    self.bump("subpath".len());
                    sub_path = Some(self.string()?);
                }
                // Without a word after it, pest backtracks to the end of the mount
                // (`propagation` is then the next entry's key): leave that to pest.
                Some("propagation") => {
                    self.bump("propagation".len());
                    propagation = Some(Box::new(self.ident()?));
                }
                _ => break,
            }
            end = self.last;
        }
        Some(Entry {
            kind: EntryKind::Mount(Mount { source, path, read_only, sub_path, propagation }),
            span: self.span(start, end),
        })
    }

    /// A word that may not start an item, or a string without `${…}` (the builder
    /// reports an interpolated key).
    fn key(&mut self) -> Option<Key> {
        if self.peek() == Some(b'"') {
            let s = self.string()?;
            return Some(Key { text: s.as_plain()?, span: s.span, quoted: true });
        }
        let w = self.word().filter(|w| !is_item_keyword(w))?;
        let word = self.take_word(w);
        Some(Key { text: word.node, span: word.span, quoted: false })
    }

    // ---- expressions -----------------------------------------------------

    fn expr(&mut self) -> Option<Expr> {
        Some(self.expr_end()?.0)
    }

    /// An expression and where it ends: the end of its last token (pest's `expr` is
    /// `prefix* ~ postfixed ~ (infix ~ prefix* ~ postfixed)*`).
    fn expr_end(&mut self) -> Option<(Expr, usize)> {
        self.nested(Self::expr_inner)
    }

    /// Operands and binary operators folded by precedence, all left-associative,
    /// as the builder folds them. Operators, prefixes and postfixes count towards
    /// `max_operators` per expression, nested ones apart.
    fn expr_inner(&mut self) -> Option<(Expr, usize)> {
        let mut count = 0;
        let (first, _) = self.operand(&mut count)?;
        let Some(mut op) = self.infix() else { return Some((first, self.last)) };
        let mut operands = vec![first];
        let mut end;
        let mut operators: Vec<Spanned<BinaryOp>> = Vec::new();
        loop {
            count_one(&mut count, self.max_operators)?;
            while let Some(top) = operators.last()
                && top.node.precedence() >= op.node.precedence()
            {
                let top = operators.pop()?;
                fold(&mut operands, top)?;
            }
            operators.push(op);
            let (operand, operand_end) = self.operand(&mut count)?;
            operands.push(operand);
            end = operand_end;
            match self.infix() {
                Some(next) => op = next,
                None => break,
            }
        }
        while let Some(top) = operators.pop() {
            fold(&mut operands, top)?;
        }
        Some((operands.pop()?, end))
    }

    /// Takes a binary operator. pest tries the two-character ones first.
    fn infix(&mut self) -> Option<Spanned<BinaryOp>> {
        let next = self.bytes.get(self.pos + 1).copied();
        let (op, len) = match (self.peek()?, next) {
            (b'|', Some(b'|')) => (BinaryOp::Or, 2),
            (b'&', Some(b'&')) => (BinaryOp::And, 2),
            (b'=', Some(b'=')) => (BinaryOp::Eq, 2),
            (b'!', Some(b'=')) => (BinaryOp::Ne, 2),
            (b'<', Some(b'=')) => (BinaryOp::Le, 2),
            (b'>', Some(b'=')) => (BinaryOp::Ge, 2),
            (b'<', _) => (BinaryOp::Lt, 1),
            (b'>', _) => (BinaryOp::Gt, 1),
            (b'.', Some(b'.')) => (BinaryOp::Range, 2),
            (b'+', _) => (BinaryOp::Add, 1),
            (b'-', _) => (BinaryOp::Sub, 1),
            (b'*', _) => (BinaryOp::Mul, 1),
            (b'/', _) => (BinaryOp::Div, 1),
            (b'%', _) => (BinaryOp::Rem, 1),
            _ => return None,
        };
        let start = self.pos;
        self.bump(len);
        Some(Spanned::new(op, self.span(start, start + len)))
    }

    /// Prefixes, a primary, postfixes, and where they end: with the last postfix, or
    /// with the primary. The builder applies
    /// the prefixes to the primary before the postfixes: `-a.b` is `(-a).b`.
    fn operand(&mut self, count: &mut usize) -> Option<(Expr, usize)> {
        let mut prefixes = Vec::new();
        while let Some(op) = self.prefix() {
            count_one(count, self.max_operators)?;
            let at = self.pos;
            self.bump(1);
            prefixes.push(Spanned::new(op, self.span(at, at + 1)));
        }
        let mut operand = self.primary()?;
        while let Some(op) = prefixes.pop() {
            let span = op.span.to(operand.span);
            operand = Expr { kind: ExprKind::Unary { op, operand: Box::new(operand) }, span };
        }
        self.postfixes(operand, count)
    }

    /// `-` or `!` before an operand, whatever follows it.
    fn prefix(&self) -> Option<UnaryOp> {
        match self.peek()? {
            b'-' => Some(UnaryOp::Neg),
            b'!' => Some(UnaryOp::Not),
            _ => None,
        }
    }

    fn postfixes(&mut self, mut base: Expr, count: &mut usize) -> Option<(Expr, usize)> {
        let mut end = self.last;
        loop {
            let start = self.pos;
            match self.peek() {
                Some(b'.') => {
                    // `.` then a name; otherwise (`..`, `.5`) pest's field access
                    // fails and the expression goes on without it.
                    let at = skip_trivia(self.src, start + 1);
                    let Some(w) = self.word_at(at).filter(|w| !is_keyword(w)) else { return Some((base, end)) };
                    count_one(count, self.max_operators)?;
                    self.pos = at;
                    let name = self.take_word(w);
                    let span = base.span.to(self.span(start, self.last));
                    base = Expr { kind: ExprKind::Field { base: Box::new(base), name }, span };
                }
                Some(b'[') => {
                    count_one(count, self.max_operators)?;
                    self.bump(1);
                    let index = self.expr()?;
                    self.expect(b']')?;
                    let span = base.span.to(self.span(start, self.last));
                    base = Expr { kind: ExprKind::Index { base: Box::new(base), index: Box::new(index) }, span };
                }
                _ => return Some((base, end)),
            }
            end = self.last;
        }
    }

    /// In the grammar's order: `if`, `( )`, `[ ]`, `{ }`, string, number, boolean,
    /// call, name.
    fn primary(&mut self) -> Option<Expr> {
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                let s = self.string()?;
                Some(Expr { span: s.span, kind: ExprKind::Str(s) })
            }
            // The builder gives a parenthesised expression its inner span.
            b'(' => {
                self.bump(1);
                let inner = self.expr()?;
                self.expect(b')')?;
                Some(inner)
            }
            b'[' => {
                self.bump(1);
                let items = self.comma_list(b']', |s| &mut s.exprs, Self::expr)?;
                Some(Expr { kind: ExprKind::List(items), span: self.span(start, self.last) })
            }
            b'{' => {
                self.bump(1);
                let entries = self.comma_list(b'}', |s| &mut s.map_entries, Self::map_entry)?;
                Some(Expr { kind: ExprKind::Map(entries), span: self.span(start, self.last) })
            }
            b'0'..=b'9' => self.number(),
            _ => self.word_primary(),
        }
    }

    /// `number`: a digit, then letters, digits, `_` and single dots (`..` ends it).
    fn number(&mut self) -> Option<Expr> {
        let start = self.pos;
        let mut end = start + 1;
        while let Some(&b) = self.bytes.get(end) {
            let dot = b == b'.' && self.bytes.get(end + 1) != Some(&b'.');
            if !(b.is_ascii_alphanumeric() || b == b'_' || dot) {
                break;
            }
            end += 1;
        }
        let text = self.src.get(start..end)?.to_string();
        self.bump(end - start);
        Some(Expr { kind: ExprKind::Number(text), span: self.span(start, end) })
    }

    /// `if`, a boolean, a call (whose name may be a keyword: `config(app)`) or a name.
    fn word_primary(&mut self) -> Option<Expr> {
        let w = self.word()?;
        match w {
            "if" => self.if_expr(),
            "true" | "false" => {
                let start = self.pos;
                self.bump(w.len());
                Some(Expr { kind: ExprKind::Bool(w == "true"), span: self.span(start, self.last) })
            }
            _ => {
                let name = self.take_word(w);
                if self.peek() == Some(b'(') {
                    let start = name.span.start as usize;
                    self.bump(1);
                    let args = self.comma_list(b')', |s| &mut s.args, Self::arg)?;
                    return Some(Expr { kind: ExprKind::Call { name, args }, span: self.span(start, self.last) });
                }
                if is_keyword(w) {
                    return None;
                }
                Some(Expr { span: name.span, kind: ExprKind::Word(name.node) })
            }
        }
    }

    /// `if c then a else b`: its span ends with the `else` expression's pair.
    fn if_expr(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.bump("if".len());
        let cond = Box::new(self.expr()?);
        self.keyword("then")?;
        let then = Box::new(self.expr()?);
        self.keyword("else")?;
        let (otherwise, end) = self.expr_end()?;
        let otherwise = Box::new(otherwise);
        Some(Expr { kind: ExprKind::If { cond, then, otherwise }, span: self.span(start, end) })
    }

    /// `name = value` (a name not followed by a second `=`) or a value.
    fn arg(&mut self) -> Option<Arg> {
        if let Some(w) = self.word().filter(|w| !is_keyword(w)) {
            let after = skip_trivia(self.src, self.pos + w.len());
            if self.assign_at(after) && !self.assign_at(skip_trivia(self.src, after + 1)) {
                let name = self.take_word(w);
                self.bump(1);
                return Some(Arg { name: Some(name), value: self.expr()? });
            }
        }
        Some(Arg { name: None, value: self.expr()? })
    }

    fn map_entry(&mut self) -> Option<MapEntry> {
        let key = self.key()?;
        if self.peek() == Some(b':') {
            self.bump(1);
        } else {
            self.assign()?;
        }
        Some(MapEntry { key, value: self.expr()? })
    }

    // ---- strings ---------------------------------------------------------

    /// A string on one line: text, escapes and `${expr}`. No trivia is skipped
    /// inside it, except around the expression of a `${…}`.
    fn string(&mut self) -> Option<StringLit> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        let mark = self.stacks.parts.len();
        let mut i = start + 1;
        loop {
            match *self.bytes.get(i)? {
                b'"' => break,
                b'\n' => return None,
                // An escape the builder does not know (or `\` at the end of the
                // line) is reported there.
                b'\\' => {
                    push_text(&mut self.stacks.parts, mark, unescape(*self.bytes.get(i + 1)?)?);
                    i += 2;
                }
                b'$' if self.bytes.get(i + 1) == Some(&b'{') => i = self.interp(i)?,
                _ => {
                    let end = self.text_end(i);
                    push_text(&mut self.stacks.parts, mark, self.src.get(i..end)?);
                    i = end;
                }
            }
        }
        self.pos = i;
        self.bump(1);
        let parts = pop_from(&mut self.stacks.parts, mark);
        Some(StringLit { parts, span: self.span(start, self.last) })
    }

    /// The end of the text at `i`: the next `"`, `\`, `${` or end of line.
    fn text_end(&self, i: usize) -> usize {
        let mut end = i + 1;
        while let Some(&b) = self.bytes.get(end) {
            if matches!(b, b'"' | b'\\' | b'\n') || (b == b'$' && self.bytes.get(end + 1) == Some(&b'{')) {
                break;
            }
            end += 1;
        }
        end
    }

    /// `${ expr }` at `dollar`: pushes the part, returns where the string goes on.
    /// An empty `${}` is reported by the builder.
    fn interp(&mut self, dollar: usize) -> Option<usize> {
        self.pos = dollar + 2;
        self.skip();
        if self.peek() == Some(b'}') {
            return None;
        }
        let e = self.expr()?;
        if self.peek() != Some(b'}') {
            return None;
        }
        self.stacks.parts.push(StrPart::Interp(Box::new(e)));
        Some(self.pos + 1)
    }
}

/// Counts one operator, prefix or postfix; past the limit the builder reports it.
fn count_one(count: &mut usize, max: usize) -> Option<()> {
    *count += 1;
    (*count <= max).then_some(())
}
