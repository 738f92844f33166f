//! pest pairs → syntax tree. The grammar guarantees the shape of each pair, so a
//! mismatch here is a bug in this file; it is reported as a syntax error rather
//! than a panic, to keep the "never panics" promise.

use super::Rule;
use crate::ast::*;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span, Spanned};
use pest::iterators::Pair;

pub(super) struct Builder<'d, 's> {
    pub file: FileId,
    /// The whole file (a bad entry's error is worded from its text).
    pub src: &'s str,
    /// Offset of the parsed slice in the file.
    pub base: usize,
    pub diags: &'d mut Vec<Diagnostic>,
    /// Operators in one expression (`Limits::operators`): a longer chain builds a
    /// tree too deep to walk recursively (and no real program needs one).
    pub max_operators: usize,
}

type P<'i> = Pair<'i, Rule>;

impl Builder<'_, '_> {
    /// From the pair's first token to the end of its last token: never the whitespace and
    /// comments pest steps over after a last part that matched nothing (`config x`, `a + b`).
    fn span(&self, p: &P) -> Span {
        Span::new(self.file, self.base + p.as_span().start(), self.base + token_end(p))
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
                let name = self.string(next(&mut inner));
                let body = inner.next().map(|b| self.block(b));
                ItemKind::Namespace(name, body)
            }
            Rule::object_item => {
                let kw = next(&mut inner);
                let kind = match kw.clone().into_inner().next().map(|k| k.as_rule()) {
                    Some(Rule::kw_service_account) => ObjectKind::ServiceAccount,
                    Some(Rule::kw_role) => ObjectKind::Role,
                    Some(Rule::kw_cluster_role) => ObjectKind::ClusterRole,
                    Some(Rule::kw_role_binding) => ObjectKind::RoleBinding,
                    Some(Rule::kw_service) => ObjectKind::Service,
                    Some(Rule::kw_pipeline) => ObjectKind::Pipeline,
                    _ => ObjectKind::ClusterRoleBinding,
                };
                let kind = Spanned::new(kind, self.span(&kw));
                let name = self.name(next(&mut inner));
                let body = inner.next().map(|b| self.block(b));
                ItemKind::Object { kind, name, body }
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
            Rule::import_item => ItemKind::Import(self.string(next(&mut inner))),
            Rule::defaults_item => ItemKind::Defaults(self.block(next(&mut inner))),
            Rule::param_item => {
                let name = self.ident(next(&mut inner));
                let ty = self.type_expr(next(&mut inner));
                let default = inner.next().map(|e| self.expr(e));
                ItemKind::Param { name, ty, default }
            }
            Rule::template_item => {
                let name = self.ident(next(&mut inner));
                let mut params = Vec::new();
                let mut body = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::param_decl => {
                            let decl_span = self.span(&part);
                            let mut d = part.into_inner().filter(|p| !is_token(p.as_rule()));
                            let name = self.ident(next(&mut d));
                            let ty = self.type_expr(next(&mut d));
                            let default = d.next().map(|e| self.expr(e));
                            params.push(ParamDecl { name, ty, default, span: decl_span });
                        }
                        _ => body = Some(self.block(part)),
                    }
                }
                let body = body.unwrap_or_else(|| unreachable_pair());
                ItemKind::Template { name, params, body }
            }
            Rule::for_item => {
                let var = self.ident(next(&mut inner));
                let mut second = None;
                let mut rest = next(&mut inner);
                if rest.as_rule() == Rule::ident {
                    second = Some(self.ident(rest));
                    rest = next(&mut inner);
                }
                let iter = self.expr(rest);
                let items = inner.filter(|p| p.as_rule() != Rule::kw_in).map(|p| self.item(p)).collect();
                ItemKind::For { var, second, iter, items }
            }
            _ => {
                let kw = next(&mut inner);
                let kw_span = self.span(&kw);
                let kind = match kw.into_inner().next().map(|k| k.as_rule()) {
                    Some(Rule::kw_cron) => WorkloadKind::Cron,
                    Some(Rule::kw_daemon) => WorkloadKind::Daemon,
                    Some(Rule::kw_deployment) => WorkloadKind::Deployment,
                    Some(Rule::kw_spark) => WorkloadKind::Spark,
                    _ => WorkloadKind::Job,
                };
                let name = self.name(next(&mut inner));
                let mut instance = None;
                let mut body = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::instance => instance = Some(self.instance(part)),
                        _ => body = Some(self.block(part)),
                    }
                }
                ItemKind::Workload { kind: Spanned::new(kind, kw_span), name, instance, body }
            }
        };
        Item { kind, span }
    }

    fn instance(&mut self, p: P) -> Instance {
        let span = self.span(&p);
        let mut inner = p.into_inner().filter(|p| !is_token(p.as_rule()));
        let path =
            next(&mut inner).into_inner().filter(|p| p.as_rule() == Rule::ident).map(|i| self.ident(i)).collect();
        let args = inner.map(|a| self.arg(a)).collect();
        Instance { path, args, span }
    }

    fn type_expr(&mut self, p: P) -> TypeExpr {
        let span = self.span(&p);
        let mut inner = p.into_inner().filter(|p| !is_token(p.as_rule()));
        let name = self.ident(next(&mut inner));
        let arg = inner.next().map(|t| Box::new(self.type_expr(t)));
        TypeExpr { name, arg, span }
    }

    fn arg(&mut self, a: P) -> Arg {
        let mut ap = a.into_inner().filter(|p| !is_token(p.as_rule()));
        let first = next(&mut ap);
        match ap.next() {
            Some(value) => Arg { name: Some(self.ident(first)), value: self.expr(value) },
            None => Arg { name: None, value: self.expr(first) },
        }
    }

    pub fn expr_pair(&mut self, p: P) -> Expr {
        self.expr(p)
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
        let mut entries: Vec<Entry> = Vec::new();
        let mut pairs = p.into_inner().filter(|p| !is_token(p.as_rule()));
        while let Some(pair) = pairs.next() {
            let entry = match pair.as_rule() {
                Rule::key => {
                    let key = self.key(pair);
                    let rest = next(&mut pairs);
                    self.keyed_entry(key, rest)
                }
                Rule::label_key => {
                    let key = self.key(next(&mut pair.into_inner()));
                    let rest = next(&mut pairs);
                    self.keyed_entry(key, rest)
                }
                Rule::bad_entry => {
                    let previous = entries.last().map(|e| e.span);
                    let (entry, previous_is_broken) = self.bad_entry(pair, previous);
                    if previous_is_broken && let Some(last) = entries.last_mut() {
                        let key = match &last.kind {
                            EntryKind::Field { key, .. } => Some(key.clone()),
                            _ => None,
                        };
                        last.kind = EntryKind::Error { key };
                    }
                    entry
                }
                Rule::task_use => self.task_use(pair),
                _ => self.mount(pair),
            };
            if let Some(previous) = entries.last()
                && !matches!(entry.kind, EntryKind::Error { .. })
            {
                self.separated(previous.span.end as usize, entry.span.start as usize);
            }
            entries.push(entry);
        }
        Block { entries, span }
    }

    /// Entries are separated by new lines or `,`: `image = "x" retries = 2` is reported at
    /// `retries` (both entries are kept).
    fn separated(&mut self, previous_end: usize, start: usize) {
        if let Some(d) = super::recovery::unseparated(self.file, self.src, previous_end, start) {
            self.diags.push(d);
        }
    }

    /// An entry that does not parse: an error node, and the error in the user's words (see
    /// `recovery.rs`). `previous` is the entry before it, if there is one; the flag says that
    /// entry is broken too.
    fn bad_entry(&mut self, p: P, previous: Option<Span>) -> (Entry, bool) {
        let start = self.base + p.as_span().start();
        // Never past the file (an item read with the `}`s it lacks added, see `recovery.rs`).
        let end = (start + p.as_str().trim_end().len()).min(self.src.len());
        let bad = super::recovery::bad_entry(self.file, self.src, start, end, previous);
        self.diags.extend(bad.diag);
        (
            Entry { kind: EntryKind::Error { key: bad.key }, span: Span::new(self.file, start, end) },
            bad.previous_is_broken,
        )
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
                let label = self.name(next(&mut inner));
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

    /// `task NAME = template(…) { … }`: a labelled entry whose value is a template use.
    fn task_use(&mut self, p: P) -> Entry {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let kw = next(&mut inner);
        let key = Key { text: kw.as_str().to_string(), span: self.span(&kw), quoted: false };
        let mut inner = inner.filter(|p| !is_token(p.as_rule()));
        let label = self.name(next(&mut inner));
        let instance = self.instance(next(&mut inner));
        let body = inner.next().map(|b| self.block(b));
        Entry {
            kind: EntryKind::Labeled { key, label, value: LabeledValue::Instance(Box::new((instance, body))) },
            span,
        }
    }

    /// `mount NAME at "PATH" [readonly] [subpath "…"]`
    fn mount(&mut self, p: P) -> Entry {
        let span = self.span(&p);
        let mut inner = p.into_inner().filter(|p| !is_token(p.as_rule()));
        let source = self.name(next(&mut inner));
        let path = self.string(next(&mut inner));
        let mut read_only = None;
        let mut sub_path = None;
        let mut propagation = None;
        for opt in inner {
            match opt.as_rule() {
                Rule::kw_readonly => read_only = Some(self.span(&opt)),
                Rule::propagation => {
                    let word = opt.into_inner().find(|p| p.as_rule() == Rule::ident);
                    propagation = word.map(|w| Box::new(self.ident(w)));
                }
                _ => {
                    let s = opt.into_inner().find(|p| p.as_rule() == Rule::string);
                    sub_path = s.map(|s| self.string(s));
                }
            }
        }
        Entry { kind: EntryKind::Mount(Mount { source, path, read_only, sub_path, propagation }), span }
    }

    /// An expression: operands and operators in a flat sequence, folded by
    /// precedence (all binary operators associate to the left).
    fn expr(&mut self, p: P) -> Expr {
        let mut operands: Vec<Expr> = Vec::new();
        let mut operators: Vec<Spanned<BinaryOp>> = Vec::new();
        let mut prefixes: Vec<Spanned<UnaryOp>> = Vec::new();
        let mut operator_count = 0;
        for part in p.into_inner() {
            let span = self.span(&part);
            // Operators, prefixes and postfixes each deepen the tree.
            let deepens = binary_op(part.as_rule()).is_some()
                || matches!(part.as_rule(), Rule::neg | Rule::not | Rule::field_access | Rule::index);
            if deepens {
                operator_count += 1;
                if operator_count > self.max_operators {
                    self.diags.push(
                        Diagnostic::error(
                            Code::TooDeep,
                            span,
                            format!("more than {} operators in one expression", self.max_operators),
                        )
                        .label("this one is one too many")
                        .help("split the expression into `let` bindings"),
                    );
                    break;
                }
            }
            match part.as_rule() {
                Rule::neg => prefixes.push(Spanned::new(UnaryOp::Neg, span)),
                Rule::not => prefixes.push(Spanned::new(UnaryOp::Not, span)),
                Rule::field_access | Rule::index => {
                    let Some(base) = operands.pop() else { unreachable_pair() };
                    let is_field = part.as_rule() == Rule::field_access;
                    let inner = next(&mut part.into_inner().filter(|p| !is_token(p.as_rule())));
                    let whole = base.span.to(span);
                    let kind = if is_field {
                        ExprKind::Field { base: Box::new(base), name: self.ident(inner) }
                    } else {
                        ExprKind::Index { base: Box::new(base), index: Box::new(self.expr(inner)) }
                    };
                    operands.push(Expr { kind, span: whole });
                }
                rule => {
                    if let Some(op) = binary_op(rule) {
                        let op = Spanned::new(op, span);
                        // Fold what binds at least as tightly (left associativity).
                        while let Some(top) = operators.last()
                            && top.node.precedence() >= op.node.precedence()
                        {
                            let top = operators.pop().unwrap_or_else(|| unreachable_pair());
                            fold(&mut operands, top);
                        }
                        operators.push(op);
                        continue;
                    }
                    let mut operand = self.primary(part);
                    while let Some(prefix) = prefixes.pop() {
                        let span = prefix.span.to(operand.span);
                        operand = Expr { kind: ExprKind::Unary { op: prefix, operand: Box::new(operand) }, span };
                    }
                    operands.push(operand);
                }
            }
        }
        if operator_count > self.max_operators {
            // Reported above; a placeholder keeps a too-deep tree out of later stages.
            let span = operands.first().map_or(Span::new(self.file, self.base, self.base), |o| o.span);
            return Expr { kind: ExprKind::Str(StringLit { parts: vec![StrPart::Invalid], span }), span };
        }
        while let Some(top) = operators.pop() {
            fold(&mut operands, top);
        }
        operands.pop().unwrap_or_else(|| unreachable_pair())
    }

    fn primary(&mut self, p: P) -> Expr {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::string => ExprKind::Str(self.string(p)),
            Rule::number => ExprKind::Number(p.as_str().to_string()),
            Rule::boolean => ExprKind::Bool(p.as_str() == "true"),
            Rule::ident => ExprKind::Word(p.as_str().to_string()),
            Rule::paren => return self.expr(next(&mut p.into_inner().filter(|p| p.as_rule() == Rule::expr))),
            Rule::if_expr => {
                let mut parts = p.into_inner().filter(|p| p.as_rule() == Rule::expr);
                let cond = Box::new(self.expr(next(&mut parts)));
                let then = Box::new(self.expr(next(&mut parts)));
                let otherwise = Box::new(self.expr(next(&mut parts)));
                ExprKind::If { cond, then, otherwise }
            }
            Rule::list => {
                ExprKind::List(p.into_inner().filter(|p| p.as_rule() == Rule::expr).map(|e| self.expr(e)).collect())
            }
            Rule::map => ExprKind::Map(
                p.into_inner()
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
                let mut parts = p.into_inner().filter(|p| !is_token(p.as_rule()));
                let name = self.ident(next(&mut parts));
                let args = parts.map(|a| self.arg(a)).collect();
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

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::or => BinaryOp::Or,
        Rule::and => BinaryOp::And,
        Rule::eq => BinaryOp::Eq,
        Rule::ne => BinaryOp::Ne,
        Rule::lt => BinaryOp::Lt,
        Rule::le => BinaryOp::Le,
        Rule::gt => BinaryOp::Gt,
        Rule::ge => BinaryOp::Ge,
        Rule::range_op => BinaryOp::Range,
        Rule::add => BinaryOp::Add,
        Rule::sub => BinaryOp::Sub,
        Rule::mul => BinaryOp::Mul,
        Rule::div => BinaryOp::Div,
        Rule::rem => BinaryOp::Rem,
        _ => return None,
    })
}

/// Replaces the two topmost operands by `lhs op rhs`.
fn fold(operands: &mut Vec<Expr>, op: Spanned<BinaryOp>) {
    let (Some(rhs), Some(lhs)) = (operands.pop(), operands.pop()) else { unreachable_pair() };
    let span = lhs.span.to(rhs.span);
    operands.push(Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span });
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
            | Rule::assign_value
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
            | Rule::kw_import
            | Rule::kw_param
            | Rule::kw_template
            | Rule::kw_defaults
            | Rule::kw_for
            | Rule::kw_in
            | Rule::kw_if
            | Rule::kw_then
            | Rule::kw_else
            | Rule::langle
            | Rule::rangle
    )
}

/// Where a pair's last token ends (in the parsed slice): an atomic pair ends with its text, any
/// other with its last inner pair (pest's own end may be past the trivia after it).
fn token_end(p: &P) -> usize {
    match p.clone().into_inner().last() {
        Some(last) => token_end(&last),
        None => p.as_span().end(),
    }
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
