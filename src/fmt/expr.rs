//! Expressions: on one line when they fit; otherwise a list, map, call or
//! parameter list that does not fit is laid out one element per line (with a
//! trailing comma), and the rest of the expression stays on its line.
//!
//! Parentheses are not in the tree (the parser keeps only their meaning), so the
//! printer writes exactly those that the meaning needs: around an operand that
//! binds less tightly than its operator, around an `if` used as an operand, and
//! where a prefix or a postfix would otherwise attach to something else (`-(a.b)`,
//! `(-a).b`, `(5).x`, since `5.x` is one number).

use super::printer::{Printer, type_text};
use crate::ast::*;

/// One element of a bracketed, comma-separated sequence.
pub(super) enum El<'a> {
    Expr(&'a Expr),
    Map(&'a MapEntry),
    Arg(&'a Arg),
    Param(&'a ParamDecl),
}

impl El<'_> {
    fn start(&self) -> usize {
        (match self {
            El::Expr(e) => e.span.start,
            El::Map(m) => m.key.span.start,
            El::Arg(a) => a.name.as_ref().map_or(a.value.span.start, |n| n.span.start),
            El::Param(p) => p.span.start,
        }) as usize
    }

    /// The end of its span (possibly past trivia; see `Trivia::token_end`).
    fn end(&self) -> usize {
        (match self {
            El::Expr(e) => e.span.end,
            El::Map(m) => m.value.span.end,
            El::Arg(a) => a.value.span.end,
            El::Param(p) => p.span.end,
        }) as usize
    }
}

/// How tightly an expression holds together as an operand: its operator's
/// precedence, 0 for `if` (whose `else` part takes everything after it), more
/// than any operator for the rest.
fn binding(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => op.node.precedence(),
        ExprKind::If { .. } => 0,
        _ => u8::MAX,
    }
}

/// The operand of `-` or `!`: the parser applies a prefix before postfixes, so
/// `-a.b` means `(-a).b` and `-(a.b)` needs its parentheses.
fn prefix_needs_parens(operand: &Expr) -> bool {
    matches!(
        operand.kind,
        ExprKind::Binary { .. } | ExprKind::If { .. } | ExprKind::Field { .. } | ExprKind::Index { .. }
    )
}

/// The base of `.name` or `[index]`.
fn postfix_needs_parens(base: &Expr, field: bool) -> bool {
    match base.kind {
        ExprKind::Binary { .. } | ExprKind::If { .. } | ExprKind::Unary { .. } => true,
        // `5.x` would be read as one number.
        ExprKind::Number(_) => field,
        _ => false,
    }
}

/// `0..8` is written without spaces when both ends are single operands.
fn tight_range(lhs: &Expr, rhs: &Expr) -> bool {
    binding(lhs) == u8::MAX && binding(rhs) == u8::MAX
}

impl Printer<'_> {
    /// Prints `e` from the current column; `trail` characters follow it on the line.
    pub fn expr(&mut self, e: &Expr, trail: usize) {
        let start = e.span.start as usize;
        self.flush(start + 1);
        let end = self.t.token_end(e.span.end as usize);
        if !self.t.any_comment_in(start, end) {
            let flat = self.flat_expr(e);
            if !breakable(e) || self.fits(flat.chars().count(), trail) {
                self.push(&flat);
                return;
            }
        }
        match &e.kind {
            ExprKind::Str(s) => {
                let text = self.string_text(s);
                self.push(&text);
            }
            ExprKind::Number(text) | ExprKind::Word(text) => self.push(text),
            ExprKind::Bool(b) => self.push(if *b { "true" } else { "false" }),
            ExprKind::List(items) => {
                let els: Vec<_> = items.iter().map(El::Expr).collect();
                self.seq("[", "]", start, end.saturating_sub(1), &els, false, trail);
            }
            ExprKind::Map(entries) => {
                let els: Vec<_> = entries.iter().map(El::Map).collect();
                self.seq("{", "}", start, end.saturating_sub(1), &els, true, trail);
            }
            ExprKind::Call { name, args } => {
                self.ident(name);
                let open = self.t.next_token(name.span.end as usize);
                let els: Vec<_> = args.iter().map(El::Arg).collect();
                self.seq("(", ")", open, end.saturating_sub(1), &els, false, trail);
            }
            ExprKind::Unary { op, operand } => {
                self.flush(op.span.start as usize + 1);
                self.push(unary_symbol(op.node));
                self.operand(operand, prefix_needs_parens(operand), trail);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let prec = op.node.precedence();
                self.operand(lhs, binding(lhs) < prec, 0);
                self.flush(op.span.start as usize + 1);
                if op.node == BinaryOp::Range && tight_range(lhs, rhs) {
                    self.push("..");
                } else {
                    self.push(" ");
                    self.push(op.node.symbol());
                    self.push(" ");
                }
                self.operand(rhs, binding(rhs) <= prec, trail);
            }
            ExprKind::If { cond, then, otherwise } => {
                self.push("if ");
                self.operand(cond, binding(cond) == 0, 0);
                self.push(" then ");
                self.operand(then, binding(then) == 0, 0);
                self.push(" else ");
                self.expr(otherwise, trail);
            }
            ExprKind::Field { base, name } => {
                self.operand(base, postfix_needs_parens(base, true), 0);
                self.push(".");
                self.ident(name);
            }
            ExprKind::Index { base, index } => {
                self.operand(base, postfix_needs_parens(base, false), 0);
                self.push("[");
                self.expr(index, trail + 1);
                self.push("]");
            }
        }
    }

    fn operand(&mut self, e: &Expr, parens: bool, trail: usize) {
        if parens {
            self.push("(");
            self.expr(e, trail + 1);
            self.push(")");
        } else {
            self.expr(e, trail);
        }
    }

    /// `open el, el close` on one line if it fits and holds no comment; else
    /// one element per line, each with a comma. `open_pos`/`close_pos`: where the
    /// brackets are in the source. `pad`: a space inside the brackets (`{ a: 1 }`).
    #[allow(clippy::too_many_arguments)]
    pub fn seq(
        &mut self,
        open: &str,
        close: &str,
        open_pos: usize,
        close_pos: usize,
        els: &[El],
        pad: bool,
        trail: usize,
    ) {
        if !self.t.any_comment_in(open_pos, close_pos) {
            let flat = self.flat_seq(open, close, els, pad);
            if els.is_empty() || self.fits(flat.chars().count(), trail) {
                self.push(&flat);
                return;
            }
        }
        self.push(open);
        self.depth += 1;
        self.close_line(open_pos + 1);
        for (n, el) in els.iter().enumerate() {
            self.open_line(el.start(), n == 0);
            match el {
                El::Expr(e) => self.expr(e, 1),
                El::Map(m) => {
                    self.flush(m.key.span.start as usize + 1);
                    let key = self.key_text(&m.key);
                    self.push(&key);
                    self.push(": ");
                    self.expr(&m.value, 1);
                }
                El::Arg(a) => {
                    if let Some(name) = &a.name {
                        self.ident(name);
                        self.push(" = ");
                    }
                    self.expr(&a.value, 1);
                }
                El::Param(p) => self.declaration(&p.name, &p.ty, p.default.as_ref(), 1),
            }
            self.push(",");
            self.close_line(self.t.token_end(el.end()));
        }
        self.comments_before(close_pos, els.is_empty());
        self.depth -= 1;
        self.open_line(close_pos, true);
        self.push(close);
        self.last = close_pos + 1;
    }

    pub fn flat_seq(&self, open: &str, close: &str, els: &[El], pad: bool) -> String {
        let mut out = String::from(open);
        if els.is_empty() {
            out.push_str(close);
            return out;
        }
        if pad {
            out.push(' ');
        }
        for (n, el) in els.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            match el {
                El::Expr(e) => self.flat_into(e, &mut out),
                El::Map(m) => {
                    out.push_str(&self.key_text(&m.key));
                    out.push_str(": ");
                    self.flat_into(&m.value, &mut out);
                }
                El::Arg(a) => {
                    if let Some(name) = &a.name {
                        out.push_str(&name.node);
                        out.push_str(" = ");
                    }
                    self.flat_into(&a.value, &mut out);
                }
                El::Param(p) => {
                    out.push_str(&p.name.node);
                    out.push_str(": ");
                    out.push_str(&type_text(&p.ty));
                    if let Some(d) = &p.default {
                        out.push_str(" = ");
                        self.flat_into(d, &mut out);
                    }
                }
            }
        }
        if pad {
            out.push(' ');
        }
        out.push_str(close);
        out
    }

    pub fn flat_expr(&self, e: &Expr) -> String {
        let mut out = String::new();
        self.flat_into(e, &mut out);
        out
    }

    fn flat_operand(&self, e: &Expr, parens: bool, out: &mut String) {
        if parens {
            out.push('(');
            self.flat_into(e, out);
            out.push(')');
        } else {
            self.flat_into(e, out);
        }
    }

    /// `e` on one line, whatever its width.
    fn flat_into(&self, e: &Expr, out: &mut String) {
        match &e.kind {
            ExprKind::Str(s) => self.string_into(s, out),
            ExprKind::Number(text) | ExprKind::Word(text) => out.push_str(text),
            ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ExprKind::List(items) => {
                let els: Vec<_> = items.iter().map(El::Expr).collect();
                out.push_str(&self.flat_seq("[", "]", &els, false));
            }
            ExprKind::Map(entries) => {
                let els: Vec<_> = entries.iter().map(El::Map).collect();
                out.push_str(&self.flat_seq("{", "}", &els, true));
            }
            ExprKind::Call { name, args } => {
                out.push_str(&name.node);
                let els: Vec<_> = args.iter().map(El::Arg).collect();
                out.push_str(&self.flat_seq("(", ")", &els, false));
            }
            ExprKind::Unary { op, operand } => {
                out.push_str(unary_symbol(op.node));
                self.flat_operand(operand, prefix_needs_parens(operand), out);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let prec = op.node.precedence();
                self.flat_operand(lhs, binding(lhs) < prec, out);
                if op.node == BinaryOp::Range && tight_range(lhs, rhs) {
                    out.push_str("..");
                } else {
                    out.push(' ');
                    out.push_str(op.node.symbol());
                    out.push(' ');
                }
                self.flat_operand(rhs, binding(rhs) <= prec, out);
            }
            ExprKind::If { cond, then, otherwise } => {
                out.push_str("if ");
                self.flat_operand(cond, binding(cond) == 0, out);
                out.push_str(" then ");
                self.flat_operand(then, binding(then) == 0, out);
                out.push_str(" else ");
                self.flat_into(otherwise, out);
            }
            ExprKind::Field { base, name } => {
                self.flat_operand(base, postfix_needs_parens(base, true), out);
                out.push('.');
                out.push_str(&name.node);
            }
            ExprKind::Index { base, index } => {
                self.flat_operand(base, postfix_needs_parens(base, false), out);
                out.push('[');
                self.flat_into(index, out);
                out.push(']');
            }
        }
    }

    pub fn string(&mut self, s: &StringLit) {
        self.flush(s.span.start as usize + 1);
        let text = self.string_text(s);
        self.push(&text);
    }

    pub fn string_text(&self, s: &StringLit) -> String {
        let mut out = String::new();
        self.string_into(s, &mut out);
        out
    }

    /// A string exactly as written (its escapes too), except that the
    /// expressions inside `${…}` are printed like any other, without spaces
    /// around them.
    fn string_into(&self, s: &StringLit, out: &mut String) {
        let (start, end) = (s.span.start as usize, s.span.end as usize);
        let written = self.t.slice(start, end);
        let mut interps = s.parts.iter().filter_map(|p| match p {
            StrPart::Interp(e) => Some(e),
            _ => None,
        });
        if written.is_empty() {
            return self.canonical_string(s, out);
        }
        let Some(mut next) = interps.next() else {
            out.push_str(written);
            return;
        };
        let mark = out.len();
        let src = self.t.src;
        let mut i = start;
        // Copies up to each `${` (escapes are two characters, so `\${` is skipped whole).
        while let Some(at) = find_interp(&src[i..end]) {
            let dollar = i + at;
            out.push_str(&src[i..dollar]);
            out.push_str("${");
            self.flat_into(next, out);
            out.push('}');
            let brace = self.t.next_token(self.t.token_end(next.span.end as usize));
            if src.as_bytes().get(brace) != Some(&b'}') || brace >= end {
                break;
            }
            i = brace + 1;
            match interps.next() {
                Some(e) => next = e,
                None => {
                    out.push_str(&src[i..end]);
                    return;
                }
            }
        }
        // The tree and the text do not agree (a string the parser reported): as written.
        out.truncate(mark);
        out.push_str(written);
    }
}

impl Printer<'_> {
    /// A string of a tree made without source text: its parts escaped.
    fn canonical_string(&self, s: &StringLit, out: &mut String) {
        out.push('"');
        for part in &s.parts {
            match part {
                StrPart::Text(text) => escape_into(text, out),
                StrPart::Interp(e) => {
                    out.push_str("${");
                    self.flat_into(e, out);
                    out.push('}');
                }
                StrPart::Invalid => {}
            }
        }
        out.push('"');
    }
}

/// `text` as a string literal.
pub(super) fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    escape_into(text, &mut out);
    out.push('"');
    out
}

/// The escapes the parser decodes, written back; `$` only where `${` would
/// start an interpolation.
fn escape_into(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
}

/// The offset of the first `${` in `s` that is not escaped (`\$`).
fn find_interp(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' if bytes[i + 1] == b'{' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Whether laying `e` out on several lines could make it narrower.
fn breakable(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::List(_) | ExprKind::Map(_) | ExprKind::Call { .. } => true,
        ExprKind::Unary { operand, .. } => breakable(operand),
        ExprKind::Binary { lhs, rhs, .. } => breakable(lhs) || breakable(rhs),
        ExprKind::If { cond, then, otherwise } => breakable(cond) || breakable(then) || breakable(otherwise),
        ExprKind::Field { base, .. } => breakable(base),
        ExprKind::Index { base, index } => breakable(base) || breakable(index),
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Word(_) => false,
    }
}

fn unary_symbol(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Neg => "-",
        UnaryOp::Not => "!",
    }
}
