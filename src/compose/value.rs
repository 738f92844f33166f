//! Values computed from expressions: arithmetic with units (`3 * 1h`,
//! `2 * 512Mi`), comparisons, `if … then … else …`, string functions, lists, maps,
//! ranges. Total and deterministic: no clocks, no I/O, bounded sizes.
//!
//! A literal such as `5m` is minutes where a duration is expected and
//! milli-units where a quantity is: it stays a `Number` until a `Hint` or an
//! operand of known unit decides.

use crate::ast::{BinaryOp, Expr, ExprKind, StrPart, StringLit, UnaryOp};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::units::{self, Duration, Quantity};

/// The most elements a computed list or range may have.
pub const MAX_ELEMENTS: i64 = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    Str(String),
    Duration(Duration),
    Quantity(Quantity),
    /// A literal whose unit is ambiguous (`5m`): decided where it is used.
    Number(String),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Int(_) => "a number",
            Value::Bool(_) => "a bool",
            Value::Str(_) => "a string",
            Value::Duration(_) => "a duration",
            Value::Quantity(_) => "a quantity",
            Value::Number(_) => "a number with a unit",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// The text `${…}` inserts.
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Int(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Str(s) => s.clone(),
            Value::Duration(d) => d.to_string(),
            Value::Quantity(q) => q.to_string(),
            Value::Number(n) => n.clone(),
            Value::List(_) | Value::Map(_) => return None,
        })
    }
}

/// What the surrounding key expects, to decide ambiguous units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hint {
    None,
    Duration,
    Quantity,
}

/// What a name means where an expression is evaluated.
pub enum Binding<'e> {
    Value(Value),
    Expr(&'e Expr),
    /// A name whose definition cannot give a value (a `let` in a cycle): already reported.
    Failed,
}

pub trait Env {
    fn lookup(&self, name: &str) -> Option<Binding<'_>>;
    /// Names in scope, for "did you mean".
    fn names(&self) -> Vec<String>;
    /// Depth of evaluation and size of ranges.
    fn limits(&self) -> &crate::limits::Limits;
    /// Whether `name` is an imported module. A `module.name` still in the tree is
    /// one that expansion could not replace, and it has said why.
    fn is_module(&self, _name: &str) -> bool {
        false
    }
}

/// Why evaluation gave no value.
#[derive(Debug)]
pub enum Failure {
    /// A problem to report (boxed: a `Result` of evaluation stays small on the hot path).
    Error(Box<Diagnostic>),
    /// Several, each in its own part of a string (`"${a}-${b}"` with neither defined).
    Several(Vec<Diagnostic>),
    /// A problem already reported (a bad escape, a `let` cycle): nothing more to say.
    Reported,
}

impl Failure {
    /// The diagnostics to report (none when already reported).
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            Failure::Error(d) => vec![*d],
            Failure::Several(ds) => ds,
            Failure::Reported => Vec::new(),
        }
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Failure {
        Failure::Error(Box::new(d))
    }
}

type Result<T> = std::result::Result<T, Failure>;

/// The built-in functions of values, with the arguments each takes (for messages).
/// The checker's own functions (`config(…)`, `file(…)`, …) are not values: see `calls.rs`.
pub const FUNCTIONS: &[(&str, &str)] = &[
    ("lower", "(string)"),
    ("upper", "(string)"),
    ("trim", "(string)"),
    ("join", "(list, separator)"),
    ("replace", "(string, from, to)"),
    ("len", "(string, list or map)"),
    ("format", "(\"pattern with {}\", values…)"),
    ("str", "(value)"),
];

/// Whether `name` is one of the built-in functions of values.
pub fn is_function(name: &str) -> bool {
    FUNCTIONS.iter().any(|(f, _)| *f == name)
}

/// The value of an expression. Evaluation stops at `Limits::depth` levels (names
/// through names, nested operators): a long chain of `let`s or an absurdly nested
/// value; the default keeps it safe on a 2 MiB thread stack. Cycles are found
/// before anything is evaluated (`lets.rs`).
pub fn eval(expr: &Expr, env: &dyn Env, hint: Hint) -> Result<Value> {
    Evaluator::new(env).eval(expr, hint)
}

/// The text of a string literal, `${…}` inserted.
pub fn interpolate(s: &StringLit, env: &dyn Env) -> Result<String> {
    let mut out = String::new();
    Evaluator::new(env).write_parts(s, &mut out)?;
    Ok(out)
}

/// The text of a value: a string, or a number or `true`/`false` as written
/// (`1.10` stays `1.10`), or what a computed value prints as. `None` for a value
/// that has no text (a list, a map).
pub fn text(expr: &Expr, env: &dyn Env) -> Result<Option<String>> {
    let mut out = String::new();
    match (Evaluator::new(env)).write(expr, &mut out)? {
        None => Ok(Some(out)),
        Some(v) => Ok(v.to_text()),
    }
}

struct Evaluator<'v> {
    env: &'v dyn Env,
    depth: usize,
    /// `Limits::depth`, read once.
    max_depth: usize,
    /// How many `let` names the current path goes through (to tell a long chain
    /// of names from deep nesting in messages).
    through_names: usize,
}

impl<'v> Evaluator<'v> {
    fn new(env: &'v dyn Env) -> Evaluator<'v> {
        Evaluator { env, depth: 0, max_depth: env.limits().depth, through_names: 0 }
    }

    fn eval(&mut self, expr: &Expr, hint: Hint) -> Result<Value> {
        self.enter(expr)?;
        let v = self.eval_inner(expr, hint);
        self.depth -= 1;
        v
    }

    /// One level deeper, or the "too deep" error.
    fn enter(&mut self, expr: &Expr) -> Result<()> {
        self.depth += 1;
        let max_depth = self.max_depth;
        if self.depth > max_depth {
            return Err(Failure::Error(Box::new(if self.through_names > 0 {
                Diagnostic::error(
                    Code::TooDeep,
                    expr.span,
                    format!("this value goes through names more than {max_depth} levels deep"),
                )
                .label("too deep")
                .help("shorten the chain of `let`s, or raise the limit: `--limit depth=…`")
            } else {
                Diagnostic::error(
                    Code::TooDeep,
                    expr.span,
                    format!("this value nests more than {max_depth} levels deep"),
                )
                .label("too deep")
                .help("split it into `let` bindings")
            })));
        }
        Ok(())
    }

    /// Follows a name: its value, or its definition evaluated by `then`.
    fn follow<T>(
        &mut self,
        expr: &Expr,
        w: &str,
        then: impl FnOnce(&mut Self, &Expr) -> Result<T>,
        value: impl FnOnce(Value) -> T,
    ) -> Result<T> {
        match self.env.lookup(w) {
            Some(Binding::Value(v)) => Ok(value(v)),
            Some(Binding::Expr(e)) => {
                self.through_names += 1;
                let v = then(self, e);
                self.through_names -= 1;
                v
            }
            Some(Binding::Failed) => Err(Failure::Reported),
            None => {
                let names = self.env.names();
                Err(Diagnostic::error(Code::UnknownName, expr.span, format!("unknown name `{w}`"))
                    .label("not defined")
                    .did_you_mean(expr.span, w, names.iter().map(String::as_str), || {
                        format!("define it with `let {w} = …`, or quote it if it is text: \"{w}\"")
                    })
                    .into())
            }
        }
    }

    /// Writes the text of `expr` when it is text-like as written (a string, a
    /// number or bool literal, a name for one); otherwise returns its value for
    /// the caller to turn into text.
    fn write(&mut self, expr: &Expr, out: &mut String) -> Result<Option<Value>> {
        match &expr.kind {
            ExprKind::Number(n) => out.push_str(n),
            ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            // Strings nest as deep as the parser allows; names are what can go deeper.
            ExprKind::Str(s) => self.write_parts(s, out)?,
            ExprKind::Word(w) => {
                self.enter(expr)?;
                let r = self.follow(expr, w, |ev, e| ev.write(e, out), Some);
                self.depth -= 1;
                return r;
            }
            _ => return self.eval(expr, Hint::None).map(Some),
        }
        Ok(None)
    }

    /// Writes each part of a string; a part that fails does not stop the others
    /// from being checked (each bad `${…}` is reported).
    fn write_parts(&mut self, s: &StringLit, out: &mut String) -> Result<()> {
        let mut errors = Vec::new();
        let mut failed = false;
        for part in &s.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Invalid => failed = true, // a bad escape, reported by the parser
                StrPart::Interp(inner) => match self.insert(inner, out) {
                    Ok(()) => {}
                    Err(f) => {
                        failed = true;
                        errors.extend(f.into_diagnostics());
                    }
                },
            }
        }
        match (failed, errors.len()) {
            (false, _) => Ok(()),
            (true, 0) => Err(Failure::Reported),
            (true, 1) => Err(Failure::Error(Box::new(errors.remove(0)))),
            (true, _) => Err(Failure::Several(errors)),
        }
    }

    /// Writes the text of one `${…}`.
    fn insert(&mut self, inner: &Expr, out: &mut String) -> Result<()> {
        if let Some(v) = self.write(inner, out)? {
            let Some(text) = v.to_text() else {
                return fail(
                    Diagnostic::error(
                        Code::BadInterpolation,
                        inner.span,
                        format!("cannot insert {} into a string", v.kind()),
                    )
                    .label("not text")
                    .help(
                        "insert strings, numbers, durations, quantities or `true`/`false`; a list: `join(xs, \",\")`",
                    ),
                );
            };
            out.push_str(&text);
        }
        Ok(())
    }

    fn eval_inner(&mut self, expr: &Expr, hint: Hint) -> Result<Value> {
        match &expr.kind {
            ExprKind::Number(text) => number(text, expr.span, hint),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Str(s) => {
                let mut out = String::new();
                self.write_parts(s, &mut out)?;
                Ok(Value::Str(out))
            }
            ExprKind::Word(w) => self.follow(expr, w, |ev, e| ev.eval(e, hint), |v| v),
            ExprKind::List(items) => {
                let values = items.iter().map(|i| self.eval(i, hint)).collect::<Result<Vec<_>>>()?;
                Ok(Value::List(values))
            }
            ExprKind::Map(entries) => {
                let mut out = Vec::new();
                for e in entries {
                    out.push((e.key.text.clone(), self.eval(&e.value, hint)?));
                }
                Ok(Value::Map(out))
            }
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand, hint)?;
                match (op.node, v) {
                    (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
                    (UnaryOp::Neg, Value::Int(n)) => Ok(Value::Int(-n)),
                    (UnaryOp::Neg, Value::Number(n)) => number(&format!("-{n}"), expr.span, hint),
                    (UnaryOp::Neg, Value::Quantity(q)) => {
                        Ok(Value::Quantity(Quantity::parse(&format!("-{q}")).map_err(|e| literal_error(expr.span, e))?))
                    }
                    (op, v) => fail(operand_error(expr.span, if op == UnaryOp::Not { "`!`" } else { "`-`" }, &v, None)),
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(expr, op.node, lhs, rhs, hint),
            ExprKind::If { cond, then, otherwise } => match self.eval(cond, Hint::None)? {
                Value::Bool(true) => self.eval(then, hint),
                Value::Bool(false) => self.eval(otherwise, hint),
                v => fail(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        cond.span,
                        format!("`if` needs `true` or `false`, found {}", v.kind()),
                    )
                    .label("not a condition")
                    .help("compare it: `if replicas > 1 then …`"),
                ),
            },
            ExprKind::Field { base, .. } if matches!(&base.kind, ExprKind::Word(m) if self.env.is_module(m)) => {
                Err(Failure::Reported)
            }
            ExprKind::Field { base, name } => match self.eval(base, Hint::None)? {
                Value::Map(entries) => {
                    entries.into_iter().find(|(k, _)| *k == name.node).map(|(_, v)| v).ok_or_else(|| {
                        Diagnostic::error(Code::UnknownName, name.span, format!("the map has no key `{}`", name.node))
                            .label("no such key")
                            .help("check the key's spelling")
                            .into()
                    })
                }
                v => fail(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        name.span,
                        format!("`.{}` needs a map, found {}", name.node, v.kind()),
                    )
                    .label("not a map")
                    .help("only maps have fields"),
                ),
            },
            ExprKind::Index { base, index } => {
                let b = self.eval(base, Hint::None)?;
                let i = self.eval(index, Hint::None)?;
                match (b, i) {
                    (Value::List(items), Value::Int(n)) => {
                        let len = items.len();
                        usize::try_from(n).ok().and_then(|n| items.into_iter().nth(n)).ok_or_else(|| {
                            Diagnostic::error(
                                Code::OutOfRange,
                                index.span,
                                format!("index {n} is outside the list (length {len})"),
                            )
                            .label("out of range")
                            .help("indexes start at 0")
                            .into()
                        })
                    }
                    (Value::Map(entries), Value::Str(k)) => {
                        entries.into_iter().find(|(key, _)| *key == k).map(|(_, v)| v).ok_or_else(|| {
                            Diagnostic::error(Code::UnknownName, index.span, format!("the map has no key \"{k}\""))
                                .label("no such key")
                                .help("check the key's spelling")
                                .into()
                        })
                    }
                    (b, i) => fail(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            expr.span,
                            format!("cannot index {} with {}", b.kind(), i.kind()),
                        )
                        .label("bad index")
                        .help("index a list with a number (`xs[0]`) or a map with a string (`m[\"key\"]`)"),
                    ),
                }
            }
            ExprKind::Call { name, args } => self.call(expr, name, args),
        }
    }

    fn binary(&mut self, expr: &Expr, op: BinaryOp, lhs: &Expr, rhs: &Expr, hint: Hint) -> Result<Value> {
        use BinaryOp::*;
        if matches!(op, And | Or) {
            let l = self.bool(lhs)?;
            // Short-circuit: the right side is not evaluated when the left decides.
            return if (op == And && !l) || (op == Or && l) {
                Ok(Value::Bool(l))
            } else {
                Ok(Value::Bool(self.bool(rhs)?))
            };
        }
        let mut l = self.eval(lhs, hint)?;
        let mut r = self.eval(rhs, hint)?;
        // An ambiguous literal takes the unit of the other side.
        resolve_pair(&mut l, &mut r, expr.span)?;
        let span = expr.span;
        let overflow = || {
            Diagnostic::error(Code::OutOfRange, span, "the result is too large")
                .label("overflow")
                .help("numbers must fit in 64 bits")
        };
        Ok(match (op, l, r) {
            (Range, Value::Int(a), Value::Int(b)) => {
                let max = self.env.limits().range_elements as i64;
                if b - a > max {
                    return fail(
                        Diagnostic::error(
                            Code::OutOfRange,
                            span,
                            format!("the range {a}..{b} has {} elements; at most {max}", b - a),
                        )
                        .label("too large")
                        .help("loop over fewer elements, or raise the limit: `--limit range-elements=…`"),
                    );
                }
                Value::List((a..b.max(a)).map(Value::Int).collect())
            }
            (Add, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_add(b).ok_or_else(overflow)?),
            (Sub, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_sub(b).ok_or_else(overflow)?),
            (Mul, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_mul(b).ok_or_else(overflow)?),
            (Div | Rem, Value::Int(_), Value::Int(0)) => {
                return fail(
                    Diagnostic::error(Code::OutOfRange, rhs.span, "division by zero")
                        .label("zero")
                        .help("divide by a number other than 0"),
                );
            }
            (Div, Value::Int(a), Value::Int(b)) => Value::Int(a.div_euclid(b)),
            (Rem, Value::Int(a), Value::Int(b)) => Value::Int(a.rem_euclid(b)),
            (Add, Value::Str(a), Value::Str(b)) => Value::Str(a + &b),
            (Add, Value::List(mut a), Value::List(b)) => {
                a.extend(b);
                Value::List(a)
            }
            (Add, Value::Duration(a), Value::Duration(b)) => {
                Value::Duration(Duration(a.0.checked_add(b.0).ok_or_else(overflow)?))
            }
            (Sub, Value::Duration(a), Value::Duration(b)) => {
                Value::Duration(Duration(a.0.checked_sub(b.0).ok_or_else(|| {
                    Diagnostic::error(Code::OutOfRange, span, "the duration would be negative")
                        .label("negative")
                        .help("durations cannot be negative")
                })?))
            }
            (Mul, Value::Duration(d), Value::Int(n)) | (Mul, Value::Int(n), Value::Duration(d)) => {
                let n = u64::try_from(n).map_err(|_| {
                    Diagnostic::error(Code::OutOfRange, span, "the duration would be negative")
                        .label("negative")
                        .help("durations cannot be negative")
                })?;
                Value::Duration(Duration(d.0.checked_mul(n).ok_or_else(overflow)?))
            }
            (Div, Value::Duration(d), Value::Int(n)) if n > 0 => Value::Duration(Duration(d.0 / n as u64)),
            (Add | Sub, Value::Quantity(a), Value::Quantity(b)) => {
                let n = if op == Add { a.nanos() + b.nanos() } else { a.nanos() - b.nanos() };
                Value::Quantity(Quantity::from_nanos(n, a))
            }
            (Mul, Value::Quantity(q), Value::Int(n)) | (Mul, Value::Int(n), Value::Quantity(q)) => {
                Value::Quantity(Quantity::from_nanos(q.nanos().checked_mul(n as i128).ok_or_else(overflow)?, q))
            }
            (Div, Value::Quantity(q), Value::Int(n)) if n > 0 => {
                Value::Quantity(Quantity::from_nanos(q.nanos() / n as i128, q))
            }
            (Eq, a, b) => Value::Bool(a == b),
            (Ne, a, b) => Value::Bool(a != b),
            (Lt | Le | Gt | Ge, a, b) => {
                let ord = match (&a, &b) {
                    (Value::Int(x), Value::Int(y)) => x.cmp(y),
                    (Value::Str(x), Value::Str(y)) => x.cmp(y),
                    (Value::Duration(x), Value::Duration(y)) => x.cmp(y),
                    (Value::Quantity(x), Value::Quantity(y)) => x.nanos().cmp(&y.nanos()),
                    _ => return fail(operand_error(span, op.symbol(), &a, Some(&b))),
                };
                Value::Bool(match op {
                    Lt => ord.is_lt(),
                    Le => ord.is_le(),
                    Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                })
            }
            (op, a, b) => return fail(operand_error(span, op.symbol(), &a, Some(&b))),
        })
    }

    fn bool(&mut self, e: &Expr) -> Result<bool> {
        match self.eval(e, Hint::None)? {
            Value::Bool(b) => Ok(b),
            v => fail(
                Diagnostic::error(
                    Code::TypeMismatch,
                    e.span,
                    format!("`&&` and `||` need `true` or `false`, found {}", v.kind()),
                )
                .label("not a bool")
                .help("compare it first, e.g. `n > 0`"),
            ),
        }
    }

    fn call(&mut self, expr: &Expr, name: &crate::ast::Ident, args: &[crate::ast::Arg]) -> Result<Value> {
        if let Some(a) = args.iter().find(|a| a.name.is_some()) {
            let n = a.name.as_ref().map(|n| n.span).unwrap_or(expr.span);
            return fail(
                Diagnostic::error(Code::BadArguments, n, format!("`{}` takes no named arguments", name.node))
                    .label("named argument")
                    .help("pass the values in order"),
            );
        }
        let values = args.iter().map(|a| self.eval(&a.value, Hint::None)).collect::<Result<Vec<_>>>()?;
        let Some((_, sig)) = FUNCTIONS.iter().find(|(f, _)| *f == name.node) else {
            let known = FUNCTIONS.iter().map(|(f, _)| *f);
            let d = Diagnostic::error(Code::UnknownFunction, name.span, format!("unknown function `{}`", name.node))
                .label("not a function");
            let d = match crate::diag::closest(&name.node, known.clone()) {
                Some(best) => {
                    d.help(format!("did you mean `{best}(…)`?")).fix(name.span, best, format!("write `{best}`"))
                }
                None => d.help(format!("the functions are: {}", known.collect::<Vec<_>>().join(", "))),
            };
            return fail(d);
        };
        let bad = || {
            Diagnostic::error(Code::BadArguments, expr.span, format!("wrong arguments to `{}`", name.node))
                .label(format!("given {}", values.iter().map(Value::kind).collect::<Vec<_>>().join(", ")))
                .help(format!("write `{}{sig}`", name.node))
        };
        Ok(match (name.node.as_str(), values.as_slice()) {
            ("lower", [Value::Str(s)]) => Value::Str(s.to_lowercase()),
            ("upper", [Value::Str(s)]) => Value::Str(s.to_uppercase()),
            ("trim", [Value::Str(s)]) => Value::Str(s.trim().to_string()),
            ("replace", [Value::Str(s), Value::Str(from), Value::Str(to)]) if !from.is_empty() => {
                Value::Str(s.replace(from.as_str(), to))
            }
            ("join", [Value::List(items), Value::Str(sep)]) => {
                let texts = items.iter().map(Value::to_text).collect::<Option<Vec<_>>>().ok_or_else(bad)?;
                Value::Str(texts.join(sep))
            }
            ("len", [Value::Str(s)]) => Value::Int(s.chars().count() as i64),
            ("len", [Value::List(l)]) => Value::Int(l.len() as i64),
            ("len", [Value::Map(m)]) => Value::Int(m.len() as i64),
            ("str", [v]) => Value::Str(v.to_text().ok_or_else(bad)?),
            ("format", [Value::Str(pattern), rest @ ..]) => {
                let pieces: Vec<&str> = pattern.split("{}").collect();
                if pieces.len() - 1 != rest.len() {
                    return fail(
                        Diagnostic::error(
                            Code::BadArguments,
                            expr.span,
                            format!("the pattern has {} `{{}}` but {} values were given", pieces.len() - 1, rest.len()),
                        )
                        .label("count mismatch")
                        .help("give one value per `{}`"),
                    );
                }
                let mut out = pieces[0].to_string();
                for (v, piece) in rest.iter().zip(&pieces[1..]) {
                    out.push_str(&v.to_text().ok_or_else(bad)?);
                    out.push_str(piece);
                }
                Value::Str(out)
            }
            _ => return fail(bad()),
        })
    }
}

fn fail<T>(d: Diagnostic) -> Result<T> {
    Err(Failure::Error(Box::new(d)))
}

fn literal_error(span: Span, e: units::LiteralError) -> Failure {
    Diagnostic::error(Code::BadNumber, span, e.message).label("not a valid literal").help(e.help).into()
}

/// A number literal, with its unit decided when it can be: what [`eval`] gives
/// for one (the typed readers call it directly: a literal needs no evaluator).
pub fn number(text: &str, span: Span, hint: Hint) -> Result<Value> {
    // A whole number (digits and `_`, no unit, no point), tested byte by byte: the hot case.
    let body = text.strip_prefix('-').unwrap_or(text);
    if body.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        // Plain digits parse at once; `10_000` and the reasons for a failure are `parse_int`'s.
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Value::Int(n));
        }
        return units::parse_int(text).map(Value::Int).map_err(|e| literal_error(span, e));
    }
    // The key's own unit first: a duration key need not try the literal as a quantity.
    if hint == Hint::Duration
        && let Ok(d) = Duration::parse(text)
    {
        return Ok(Value::Duration(d));
    }
    if hint == Hint::Quantity
        && let Ok(q) = Quantity::parse(text)
    {
        return Ok(Value::Quantity(q));
    }
    let as_duration = Duration::parse(text).ok();
    let as_quantity = Quantity::parse(text).ok();
    match (as_duration, as_quantity) {
        // `5m`: the key decides, or else the other operand.
        (Some(d), Some(_)) if hint == Hint::Duration => Ok(Value::Duration(d)),
        (Some(_), Some(q)) if hint == Hint::Quantity => Ok(Value::Quantity(q)),
        (Some(_), Some(_)) => Ok(Value::Number(text.to_string())),
        (Some(d), None) => Ok(Value::Duration(d)),
        (None, Some(q)) => Ok(Value::Quantity(q)),
        (None, None) => fail(
            Diagnostic::error(Code::BadNumber, span, format!("`{text}` is neither a duration nor a quantity"))
                .label("unknown unit")
                .help("durations are written `30s`, `5m`, `2h`, `7d`; quantities `500m`, `2`, `512Mi`, `1.5Gi`"),
        ),
    }
}

/// Gives an ambiguous literal the unit of the other operand.
fn resolve_pair(l: &mut Value, r: &mut Value, span: Span) -> Result<()> {
    let decide = |v: &mut Value, other: &Value| -> Result<()> {
        if let Value::Number(text) = v {
            *v = match other {
                Value::Duration(_) => Value::Duration(Duration::parse(text).map_err(|e| literal_error(span, e))?),
                Value::Quantity(_) | Value::Int(_) => {
                    Value::Quantity(Quantity::parse(text).map_err(|e| literal_error(span, e))?)
                }
                _ => return Ok(()),
            };
        }
        Ok(())
    };
    let r_copy = r.clone();
    decide(l, &r_copy)?;
    let l_copy = l.clone();
    decide(r, &l_copy)
}

fn operand_error(span: Span, op: &str, a: &Value, b: Option<&Value>) -> Diagnostic {
    let (message, help) = match b {
        Some(b) if is_unit(a) && is_unit(b) && a.kind() != b.kind() => (
            format!("`{op}` cannot combine {} and {}", a.kind(), b.kind()),
            "units must agree: durations with durations, quantities with quantities; multiply either by a plain number"
                .to_string(),
        ),
        Some(b) => (
            format!("`{op}` cannot combine {} and {}", a.kind(), b.kind()),
            format!("`{op}` works on numbers, durations, quantities and (for `+`) strings and lists"),
        ),
        None => (
            format!("`{op}` cannot apply to {}", a.kind()),
            "`-` negates numbers, `!` negates `true`/`false`".to_string(),
        ),
    };
    let code = if b.is_some_and(|b| is_unit(a) && is_unit(b)) { Code::UnitMismatch } else { Code::TypeMismatch };
    Diagnostic::error(code, span, message).label("these do not go together").help(help)
}

fn is_unit(v: &Value) -> bool {
    matches!(v, Value::Duration(_) | Value::Quantity(_) | Value::Number(_))
}
