//! The printer's state and the line-level layout: items, blocks, entries, and
//! where comments and blank lines go. Expressions are in `expr.rs`.
//!
//! Comments are placed by position. Before an element that starts a line (an
//! item, an entry, a list element laid out one per line, a closing bracket), the
//! comments that come before it in the source are printed on their own lines;
//! after it, a comment on the same source line is printed after it (`# trailing`).
//! A comment met in the middle of a line (`a = 1 + # why\n 2`) cannot stay there:
//! it is kept back and printed at the end of that line.

use super::trivia::Trivia;
use super::{INDENT, WIDTH};
use crate::ast::*;

pub(super) struct Printer<'a> {
    pub t: Trivia<'a>,
    pub out: String,
    /// Indentation depth, in levels of [`INDENT`].
    pub depth: usize,
    /// The first comment not printed yet.
    next: usize,
    /// Comments met inside the current line, printed at its end.
    deferred: Vec<usize>,
    /// The source offset up to which everything is printed (for blank lines).
    pub last: usize,
    /// Where the current output line starts.
    line_start: usize,
    /// Each comment printed (its index) and where its `#` is in the output, in order.
    pub emitted: Vec<(usize, usize)>,
    /// Where each top-level item is in the output: from its first character to
    /// its last (without a comment that trails it).
    pub item_ranges: Vec<(usize, usize)>,
}

impl<'a> Printer<'a> {
    pub fn new(t: Trivia<'a>) -> Printer<'a> {
        let out = String::with_capacity(t.src.len() + t.src.len() / 8);
        Printer {
            t,
            out,
            depth: 0,
            next: 0,
            deferred: Vec::new(),
            last: 0,
            line_start: 0,
            emitted: Vec::new(),
            item_ranges: Vec::new(),
        }
    }

    // ---- lines and comments ------------------------------------------------

    pub fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.line_start = self.out.len();
    }

    fn indent(&mut self) {
        for _ in 0..self.depth * INDENT {
            self.out.push(' ');
        }
    }

    /// The column the next character goes to, in characters.
    pub fn column(&self) -> usize {
        self.out[self.line_start..].chars().count()
    }

    /// Whether `len` more characters, then `trail`, fit on the current line.
    pub fn fits(&self, len: usize, trail: usize) -> bool {
        self.column() + len + trail <= WIDTH
    }

    /// Keeps back, for the end of the line, the comments before `pos`: they lie
    /// inside something printed on one line.
    pub fn flush(&mut self, pos: usize) {
        while self.next < self.t.comments.len() && self.t.start(self.next) < pos {
            self.deferred.push(self.next);
            self.next += 1;
        }
    }

    /// Prints the comments before `pos` on their own lines, each where the
    /// source has it relative to blank lines. `first`: nothing is printed yet in
    /// this block (so no blank line goes first).
    pub fn comments_before(&mut self, pos: usize, mut first: bool) {
        while self.next < self.t.comments.len() && self.t.start(self.next) < pos {
            let c = self.next;
            if !first && self.t.blank_between(self.last, self.t.start(c)) {
                self.newline();
            }
            self.indent();
            self.comment(c);
            self.newline();
            self.last = self.t.end(c);
            self.next += 1;
            first = false;
        }
    }

    /// Starts a line for an element at source offset `pos`: the comments before
    /// it, a blank line if the source has one, the indentation.
    pub fn open_line(&mut self, pos: usize, first: bool) {
        let commented = self.next < self.t.comments.len() && self.t.start(self.next) < pos;
        self.comments_before(pos, first);
        if (!first || commented) && self.t.blank_between(self.last, pos) {
            self.newline();
        }
        self.indent();
    }

    /// Ends the line of an element whose last token ends at `end`: the comments
    /// kept back, then one that trails it on its source line.
    pub fn close_line(&mut self, end: usize) {
        self.flush(end);
        let mut tail = std::mem::take(&mut self.deferred);
        if self.next < self.t.comments.len() && self.t.same_line(end, self.t.start(self.next)) {
            tail.push(self.next);
            self.next += 1;
        }
        self.last = self.last.max(end);
        for (n, &c) in tail.iter().enumerate() {
            if n == 0 {
                self.push("  ");
            } else {
                self.newline();
                self.indent();
            }
            self.comment(c);
            self.last = self.last.max(self.t.end(c));
        }
        self.newline();
    }

    fn comment(&mut self, c: usize) {
        self.emitted.push((c, self.out.len()));
        self.push("#");
        self.push(self.t.text(c));
    }

    /// Whether every comment is printed, once each, in order.
    pub fn all_comments_printed(&self) -> bool {
        self.deferred.is_empty()
            && self.emitted.len() == self.t.comments.len()
            && self.emitted.iter().enumerate().all(|(n, &(c, _))| n == c)
    }

    // ---- items -------------------------------------------------------------

    pub fn file(&mut self, file: &File) {
        self.items(&file.items);
        self.comments_before(self.t.src.len() + 1, file.items.is_empty());
    }

    fn items(&mut self, items: &[Item]) {
        for (n, item) in items.iter().enumerate() {
            self.open_line(item.span.start as usize, n == 0);
            let start = self.out.len();
            self.item(item);
            if self.depth == 0 {
                self.item_ranges.push((start, self.out.len()));
            }
            self.close_line(self.t.token_end(item.span.end as usize));
        }
    }

    fn item(&mut self, item: &Item) {
        self.flush(item.span.start as usize + 1);
        match &item.kind {
            ItemKind::Namespace(name, body) => {
                self.push("namespace ");
                self.string(name);
                self.opt_block(body.as_ref());
            }
            ItemKind::Import(path) => {
                self.push("import ");
                self.string(path);
            }
            ItemKind::Param { name, ty, default } => {
                self.push("param ");
                self.declaration(name, ty, default.as_ref(), 0);
            }
            ItemKind::Template { name, params, body } => {
                self.push("template ");
                self.ident(name);
                let open = self.t.next_token(name.span.end as usize);
                let close = self.t.token_end(body.span.start as usize).saturating_sub(1);
                let els: Vec<_> = params.iter().map(super::expr::El::Param).collect();
                self.seq("(", ")", open, close, &els, false, 2);
                self.push(" ");
                self.block(body);
            }
            ItemKind::For { var, second, iter, items } => {
                self.push("for ");
                self.ident(var);
                if let Some(second) = second {
                    self.push(", ");
                    self.ident(second);
                }
                self.push(" in ");
                self.expr(iter, 2);
                // The `{` is the first token after the iterated expression.
                let open = self.t.next_token(self.t.token_end(iter.span.end as usize));
                let close = self.t.token_end(item.span.end as usize).saturating_sub(1);
                if items.is_empty() && !self.t.any_comment_in(open, close) {
                    self.push(" {}");
                    return;
                }
                self.push(" {");
                self.last = open + 1;
                // Comments kept back from this line go inside the block.
                self.depth += 1;
                self.close_line(open + 1);
                self.items(items);
                self.comments_before(close, items.is_empty());
                self.depth -= 1;
                self.indent();
                self.push("}");
                self.last = close + 1;
            }
            ItemKind::Let { name, value } => {
                self.push("let ");
                self.ident(name);
                self.push(" = ");
                self.expr(value, 0);
            }
            ItemKind::Config { name, body } => {
                self.push("config ");
                self.name(name);
                self.opt_block(body.as_ref());
            }
            ItemKind::Secret { name, body } => {
                self.push("secret ");
                self.name(name);
                self.opt_block(body.as_ref());
            }
            ItemKind::Object { kind, name, body } => {
                self.push(kind.node.keyword());
                self.push(" ");
                self.name(name);
                self.opt_block(body.as_ref());
            }
            ItemKind::Defaults(body) => {
                self.push("defaults ");
                self.block(body);
            }
            ItemKind::Workload { kind, name, instance, body } => {
                self.push(kind.node.keyword());
                self.push(" ");
                self.name(name);
                if let Some(instance) = instance {
                    self.instance(instance, body.is_some());
                }
                self.opt_block(body.as_ref());
            }
        }
    }

    /// ` = path(args)`: a template used for a workload or a pipeline's task.
    fn instance(&mut self, instance: &Instance, block_follows: bool) {
        self.push(" = ");
        for (n, part) in instance.path.iter().enumerate() {
            if n > 0 {
                self.push(".");
            }
            self.ident(part);
        }
        let open = instance.path.last().map_or(0, |p| self.t.next_token(p.span.end as usize));
        let close = self.t.token_end(instance.span.end as usize).saturating_sub(1);
        let els: Vec<_> = instance.args.iter().map(super::expr::El::Arg).collect();
        self.seq("(", ")", open, close, &els, false, if block_follows { 2 } else { 0 });
    }

    fn flat_instance(&self, instance: &Instance) -> String {
        let path: Vec<&str> = instance.path.iter().map(|p| p.node.as_str()).collect();
        let els: Vec<_> = instance.args.iter().map(super::expr::El::Arg).collect();
        format!(" = {}{}", path.join("."), self.flat_seq("(", ")", &els, false))
    }

    /// `name: type (= default)?` of a `param` or a template parameter.
    pub fn declaration(&mut self, name: &Ident, ty: &TypeExpr, default: Option<&Expr>, trail: usize) {
        self.ident(name);
        self.push(": ");
        self.flush(ty.span.start as usize + 1);
        let ty = type_text(ty);
        self.push(&ty);
        if let Some(default) = default {
            self.push(" = ");
            self.expr(default, trail);
        }
    }

    pub fn ident(&mut self, ident: &Ident) {
        self.flush(ident.span.start as usize + 1);
        self.push(&ident.node);
    }

    pub fn name(&mut self, name: &Name) {
        match name {
            Name::Word(w) => self.ident(w),
            Name::Str(s) => self.string(s),
        }
    }

    fn key(&mut self, key: &Key) {
        self.flush(key.span.start as usize + 1);
        let text = self.key_text(key);
        self.push(&text);
    }

    /// A key as written; for a tree without source text (made by a tool), from
    /// its text (quoted when it was a string).
    pub fn key_text(&self, key: &Key) -> String {
        let written = self.t.slice(key.span.start as usize, key.span.end as usize);
        match written {
            "" if key.quoted => super::expr::quote(&key.text),
            "" => key.text.clone(),
            _ => written.to_string(),
        }
    }

    // ---- blocks ------------------------------------------------------------

    fn opt_block(&mut self, body: Option<&Block>) {
        if let Some(body) = body {
            self.push(" ");
            self.block(body);
        }
    }

    /// A block on one line when the author wrote its first entry on the line of
    /// its `{` and it fits, with no comment inside; otherwise one entry per line.
    pub fn block(&mut self, b: &Block) {
        let open = b.span.start as usize;
        let close = self.t.token_end(b.span.end as usize).saturating_sub(1);
        self.flush(open + 1);
        if let Some(flat) = self.flat_block(b)
            && self.fits(flat.chars().count(), 0)
        {
            self.push(&flat);
            self.last = close + 1;
            return;
        }
        self.push("{");
        self.last = open + 1;
        // Comments kept back from this line go inside the block.
        self.depth += 1;
        self.close_line(open + 1);
        for (n, e) in b.entries.iter().enumerate() {
            self.open_line(e.span.start as usize, n == 0);
            self.entry(e);
            self.close_line(self.t.token_end(e.span.end as usize));
        }
        self.comments_before(close, b.entries.is_empty());
        self.depth -= 1;
        self.indent();
        self.push("}");
        self.last = close + 1;
    }

    /// The block on one line, if it may be written so (whatever its width).
    pub fn flat_block(&self, b: &Block) -> Option<String> {
        let open = b.span.start as usize;
        let close = self.t.token_end(b.span.end as usize).saturating_sub(1);
        if self.t.any_comment_in(open, close) {
            return None;
        }
        let Some(first) = b.entries.first() else { return Some("{}".to_string()) };
        if self.t.newline_between(open, first.span.start as usize) {
            return None;
        }
        let mut out = String::from("{ ");
        for (n, e) in b.entries.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.flat_entry(e)?);
        }
        out.push_str(" }");
        Some(out)
    }

    fn flat_entry(&self, e: &Entry) -> Option<String> {
        let key = |k: &Key| self.key_text(k);
        Some(match &e.kind {
            EntryKind::Field { key: k, value } => format!("{} = {}", key(k), self.flat_expr(value)),
            EntryKind::Nested { key: k, body } => format!("{} {}", key(k), self.flat_block(body)?),
            EntryKind::Labeled { key: k, label, value } => {
                let label = self.flat_name(label);
                match value {
                    LabeledValue::Expr(v) => format!("{} {label} = {}", key(k), self.flat_expr(v)),
                    LabeledValue::Block(b) => format!("{} {label} {}", key(k), self.flat_block(b)?),
                    LabeledValue::Instance(use_) => {
                        let (instance, body) = &**use_;
                        let body = match body {
                            Some(b) => format!(" {}", self.flat_block(b)?),
                            None => String::new(),
                        };
                        format!("{} {label}{}{body}", key(k), self.flat_instance(instance))
                    }
                }
            }
            EntryKind::Mount(m) => self.mount_text(m),
            EntryKind::Error { .. } => return None,
        })
    }

    fn entry(&mut self, e: &Entry) {
        match &e.kind {
            EntryKind::Field { key, value } => {
                self.key(key);
                self.push(" = ");
                self.expr(value, 0);
            }
            EntryKind::Nested { key, body } => {
                self.key(key);
                self.push(" ");
                self.block(body);
            }
            EntryKind::Labeled { key, label, value } => {
                self.key(key);
                self.push(" ");
                self.name(label);
                match value {
                    LabeledValue::Expr(v) => {
                        self.push(" = ");
                        self.expr(v, 0);
                    }
                    LabeledValue::Block(b) => {
                        self.push(" ");
                        self.block(b);
                    }
                    LabeledValue::Instance(use_) => {
                        let (instance, body) = &**use_;
                        self.instance(instance, body.is_some());
                        self.opt_block(body.as_ref());
                    }
                }
            }
            EntryKind::Mount(m) => {
                self.flush(e.span.start as usize + 1);
                let text = self.mount_text(m);
                self.push(&text);
            }
            // Only `print` meets one (`format_source` refuses a file with syntax errors):
            // the entry as written, its comments with it.
            EntryKind::Error { .. } => {
                let (start, end) = (e.span.start as usize, self.t.token_end(e.span.end as usize));
                self.flush(start + 1);
                while self.next < self.t.comments.len() && self.t.start(self.next) < end {
                    self.emitted.push((self.next, self.out.len()));
                    self.next += 1;
                }
                let text = self.t.slice(start, end).trim_end();
                self.push(text);
                if let Some(nl) = text.rfind('\n') {
                    self.line_start = self.out.len() - (text.len() - nl - 1);
                }
            }
        }
    }

    /// `mount NAME at "PATH" [readonly] [subpath "…"] [propagation WORD]`, the
    /// options always in this order (the grammar takes any order, each once).
    fn mount_text(&self, m: &Mount) -> String {
        let mut out = format!("mount {} at {}", self.flat_name(&m.source), self.string_text(&m.path));
        if m.read_only.is_some() {
            out.push_str(" readonly");
        }
        if let Some(sub) = &m.sub_path {
            out.push_str(" subpath ");
            out.push_str(&self.string_text(sub));
        }
        if let Some(p) = &m.propagation {
            out.push_str(" propagation ");
            out.push_str(&p.node);
        }
        out
    }

    pub fn flat_name(&self, name: &Name) -> String {
        match name {
            Name::Word(w) => w.node.clone(),
            Name::Str(s) => self.string_text(s),
        }
    }
}

/// `int`, `list<string>`: types are short and always on one line.
pub(super) fn type_text(ty: &TypeExpr) -> String {
    match &ty.arg {
        None => ty.name.node.clone(),
        Some(arg) => format!("{}<{}>", ty.name.node, type_text(arg)),
    }
}
