//! Typed evaluation of expressions. Each function takes the type the key expects,
//! follows `let` names, and reports a mismatch at the value (with the use site as
//! a second label when the value came through a `let`).

use super::Checker;
use crate::ast::{Expr, ExprKind, Key, StringLit};
use crate::diag::{Code, Diagnostic};
use crate::units::{self, Duration, Quantity};

use super::fields::Value;
use crate::compose::value::{self, Binding, Env, Failure, Hint, Value as CValue};

/// A choice written as a bare word, and the value Kubernetes wants for it.
pub type Choices = &'static [(&'static str, &'static str)];

/// What a value is for, as messages name it: "`retries`", "a `config` key".
/// Built only when a message is (a checked program never formats one).
#[derive(Clone, Copy, Debug)]
pub enum What<'w> {
    /// Said as it is.
    Text(&'w str),
    /// A key, said in backticks.
    Key(&'w str),
}

impl<'w> From<&'w str> for What<'w> {
    fn from(text: &'w str) -> What<'w> {
        What::Text(text)
    }
}

impl<'w> From<&'w String> for What<'w> {
    fn from(text: &'w String) -> What<'w> {
        What::Text(text)
    }
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Text(t) => f.write_str(t),
            What::Key(k) => write!(f, "`{k}`"),
        }
    }
}

impl<'a> Checker<'a> {
    /// Follows `let` names to the expression they stand for. Returns the
    /// expression and, when it came through a `let`, the span where it was used.
    /// `None` for a `let` in a cycle (reported when the `let`s were read).
    pub(super) fn resolve(&mut self, expr: &'a Expr) -> Option<(&'a Expr, Option<crate::source::Span>)> {
        let mut current = expr;
        let mut via = None;
        // The table has no cycles that are not marked, so this ends.
        while let ExprKind::Word(word) = &current.kind {
            let Some(definition) = self.names.definition(word) else { break };
            via.get_or_insert(expr.span);
            current = definition.ok()?;
        }
        Some((current, via))
    }

    /// Reports a value of the wrong kind for `what`.
    fn mismatch<'w>(
        &mut self,
        expr: &Expr,
        via: Option<crate::source::Span>,
        what: impl Into<What<'w>>,
        expected: &str,
        help: String,
    ) {
        let what = what.into();
        let found = describe(expr);
        let mut d = Diagnostic::error(Code::TypeMismatch, expr.span, format!("{what} takes {expected}, found {found}"))
            .label(format!("this is {found}"))
            .help(help);
        if let Some(use_span) = via {
            d = d.secondary(use_span, format!("used here for {what}"));
        }
        self.report(d);
    }

    fn unknown_word<'w>(&mut self, expr: &Expr, word: &str, what: impl Into<What<'w>>, choices: Option<Choices>) {
        let what = what.into();
        let mut candidates: Vec<&str> = self.names.names().collect();
        if let Some(c) = choices {
            candidates.extend(c.iter().map(|(w, _)| *w));
        }
        let otherwise = || match choices {
            Some(c) => format!("{what} is one of: {}", list_words(c)),
            None => format!("define it with `let {word} = …`, or quote it if it is text: \"{word}\""),
        };
        let (code, message) = match choices {
            Some(_) => (Code::UnknownVariant, format!("`{word}` is not a choice for {what}")),
            None => (Code::UnknownName, format!("unknown name `{word}`")),
        };
        let label = if choices.is_some() { "not a choice" } else { "not defined" };
        self.report(Diagnostic::error(code, expr.span, message).label(label).did_you_mean(
            expr.span,
            word,
            candidates.iter().copied(),
            otherwise,
        ));
    }

    pub fn string<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<String> {
        let what = what.into();
        let (e, via) = self.resolve(expr)?;
        if let Some(kind) = Literal::of(e)
            && kind != Literal::Str
        {
            self.mismatch(e, via, what, "a string", format!("write it in quotes: \"{}\"", self.sources_text(e)));
            return None;
        }
        match self.evaluate(e, Hint::None)? {
            CValue::Str(s) => Some(s),
            v => self.value_mismatch(e, what, "a string", &v),
        }
    }

    /// A string, or a number/bool written for it (env values, labels): `4` → "4",
    /// numbers as written.
    pub fn text<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<String> {
        let what = what.into();
        let (e, _) = self.resolve(expr)?;
        match Literal::of(e) {
            Some(Literal::Str | Literal::Number | Literal::Bool) => {
                self.report_failed(value::text(e, &*self)).flatten()
            }
            Some(_) => self.string(expr, what),
            None => {
                let v = self.evaluate(e, Hint::None)?;
                match v.to_text() {
                    Some(t) => Some(t),
                    None => self.value_mismatch(e, what, "text", &v),
                }
            }
        }
    }

    pub fn interpolate(&mut self, s: &'a StringLit) -> Option<String> {
        self.report_failed(value::interpolate(s, &*self))
    }

    pub fn bool<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<bool> {
        let what = what.into();
        let (e, via) = self.resolve(expr)?;
        match (&e.kind, Literal::of(e)) {
            // A word left after `resolve` names nothing: perhaps a misspelt `true`.
            (ExprKind::Word(w), _) => {
                self.unknown_word(e, w, what, Some(&[("true", ""), ("false", "")]));
                return None;
            }
            (_, Some(kind)) if kind != Literal::Bool => {
                self.mismatch(e, via, what, "`true` or `false`", "write `true` or `false`, without quotes".into());
                return None;
            }
            _ => {}
        }
        match self.evaluate(e, Hint::None)? {
            CValue::Bool(b) => Some(b),
            v => self.value_mismatch(e, what, "`true` or `false`", &v),
        }
    }

    /// A whole number in `min..=max`.
    pub fn int<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>, min: i64, max: i64) -> Option<i64> {
        let what = what.into();
        let (e, via) = self.resolve(expr)?;
        match (&e.kind, Literal::of(e)) {
            (ExprKind::Number(text), _) => {
                let n = match value::number(text, e.span, Hint::None) {
                    Ok(CValue::Int(n)) => n,
                    // Said in the words of the literal: why it is not a whole number.
                    _ => {
                        let err = units::parse_int(text).err()?;
                        let (_, unit) = units::split_number(text);
                        let code = if unit.is_empty() { Code::TypeMismatch } else { Code::UnitMismatch };
                        self.report(
                            Diagnostic::error(code, e.span, format!("{what} takes a whole number, found `{text}`"))
                                .label(err.message)
                                .help(if unit.is_empty() {
                                    err.help
                                } else {
                                    format!("{what} counts; it has no unit: drop `{unit}`")
                                }),
                        );
                        return None;
                    }
                };
                self.in_range(e, what, n, min, max)
            }
            (_, Some(_)) => {
                let example = format!("write a number such as `{}`", min.max(1));
                self.wrong_shape(e, via, what, "a whole number", &example, |t| units::parse_int(t).is_ok());
                None
            }
            _ => {
                let n = match self.evaluate(e, Hint::None)? {
                    CValue::Int(n) => n,
                    v => return self.value_mismatch(e, what, "a whole number", &v),
                };
                self.in_range(e, what, n, min, max)
            }
        }
    }

    pub fn duration<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<Duration> {
        let what = what.into();
        let (e, via) = self.resolve(expr)?;
        match (&e.kind, Literal::of(e)) {
            (ExprKind::Number(text), _) => match value::number(text, e.span, Hint::Duration) {
                Ok(CValue::Duration(d)) => Some(d),
                // Said in the words of the literal: why it is not a duration.
                _ => {
                    let err = Duration::parse(text).err()?;
                    let is_quantity = Quantity::parse(text).is_ok() && !units::split_number(text).1.is_empty();
                    let (code, message) = if is_quantity {
                        (Code::UnitMismatch, format!("{what} takes a duration, found the quantity `{text}`"))
                    } else {
                        (Code::BadNumber, format!("{what} takes a duration: {}", err.message))
                    };
                    let help = if is_quantity {
                        "durations are written `30s`, `5m`, `2h`, `7d`, `1w`".to_string()
                    } else {
                        err.help
                    };
                    self.report(Diagnostic::error(code, e.span, message).label("not a duration").help(help));
                    None
                }
            },
            (_, Some(_)) => {
                self.wrong_shape(
                    e,
                    via,
                    what,
                    "a duration",
                    "write a duration such as `30s`, `5m`, `2h` or `7d`",
                    |t| Duration::parse(t).is_ok(),
                );
                None
            }
            _ => match self.evaluate(e, Hint::Duration)? {
                CValue::Duration(d) => Some(d),
                CValue::Number(n) => Duration::parse(&n).ok(),
                v => self.value_mismatch(e, what, "a duration", &v),
            },
        }
    }

    /// Seconds of a duration, as Kubernetes' int fields want them.
    pub fn seconds<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>, min: u64) -> Option<i64> {
        let what = what.into();
        let d = self.duration(expr, what)?;
        if d.seconds() < min {
            self.report(
                Diagnostic::error(Code::OutOfRange, expr.span, format!("{what} must be at least {}", Duration(min)))
                    .label("too short")
                    .help(format!("Kubernetes rejects a {what} of {d}")),
            );
            return None;
        }
        i64::try_from(d.seconds()).ok().filter(|s| *s <= i64::from(i32::MAX)).or_else(|| {
            self.report(
                Diagnostic::error(Code::OutOfRange, expr.span, format!("{what} is longer than Kubernetes can hold"))
                    .label("too long")
                    .help("Kubernetes stores this field as 32-bit seconds (about 68 years)"),
            );
            None
        })
    }

    pub fn quantity<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<Quantity> {
        let what = what.into();
        let (e, via) = self.resolve(expr)?;
        let q = match (&e.kind, Literal::of(e)) {
            (ExprKind::Number(text), _) => match value::number(text, e.span, Hint::Quantity) {
                Ok(CValue::Quantity(q)) => q,
                Ok(CValue::Int(n)) if n >= 0 => Quantity::from_int(n),
                // Said in the words of the literal: why it is not a quantity.
                failed => {
                    let Err(err) = Quantity::parse(text) else {
                        // A whole number past 64 bits: the evaluator's reason.
                        return self.report_failed(failed).and(None);
                    };
                    let is_duration = Duration::parse(text).is_ok();
                    let (code, message) = if is_duration {
                        (Code::UnitMismatch, format!("{what} takes a quantity, found the duration `{text}`"))
                    } else {
                        (Code::BadNumber, format!("{what} takes a quantity: {}", err.message))
                    };
                    self.report(Diagnostic::error(code, e.span, message).label("not a quantity").help(err.help));
                    return None;
                }
            },
            (_, Some(_)) => {
                self.wrong_shape(
                    e,
                    via,
                    what,
                    "a quantity",
                    "write a quantity such as `500m`, `2`, `512Mi` or `1.5Gi`",
                    |t| Quantity::parse(t).is_ok(),
                );
                return None;
            }
            _ => match self.evaluate(e, Hint::Quantity)? {
                CValue::Quantity(q) => q,
                CValue::Int(n) if n >= 0 => Quantity::from_int(n),
                CValue::Number(n) => Quantity::parse(&n).ok()?,
                v => return self.value_mismatch(e, what, "a quantity", &v),
            },
        };
        if q.is_negative() {
            self.report(
                Diagnostic::error(Code::OutOfRange, e.span, format!("{what} cannot be negative"))
                    .label("negative")
                    .help("resource quantities are zero or more"),
            );
            return None;
        }
        Some(q)
    }

    /// A bare-word choice such as `never` or `forbid`; returns Kubernetes' spelling.
    pub fn choice<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>, choices: Choices) -> Option<&'static str> {
        let what = what.into();
        let (e, via) = match &expr.kind {
            // A choice word wins over a `let` of the same name.
            ExprKind::Word(w) if choices.iter().any(|(c, _)| c == w) => (expr, None),
            _ => self.resolve(expr)?,
        };
        match &e.kind {
            ExprKind::Word(w) => match choices.iter().find(|(c, _)| c == w) {
                Some((_, k8s)) => Some(k8s),
                None => {
                    let by_k8s = choices.iter().find(|(_, k)| k.eq_ignore_ascii_case(w));
                    match by_k8s {
                        Some((word, _)) => self.report(
                            Diagnostic::error(
                                Code::UnknownVariant,
                                e.span,
                                format!("`{w}` is not a choice for {what}"),
                            )
                            .label("Kubernetes' spelling")
                            .help(format!("pipec writes `{word}`")),
                        ),
                        None => self.unknown_word(e, w, what, Some(choices)),
                    }
                    None
                }
            },
            ExprKind::Str(s) => {
                let text = s.as_plain().unwrap_or_default();
                let hint = choices
                    .iter()
                    .find(|(c, k)| *c == text || k.eq_ignore_ascii_case(&text))
                    .map(|(c, _)| format!("write the bare word, without quotes: `{c}`"))
                    .unwrap_or_else(|| format!("{what} is one of: {}", list_words(choices)));
                self.mismatch(e, via, what, &format!("one of {}", list_words(choices)), hint);
                None
            }
            _ => {
                self.mismatch(
                    e,
                    via,
                    what,
                    &format!("one of {}", list_words(choices)),
                    format!("{what} is one of: {}", list_words(choices)),
                );
                None
            }
        }
    }

    pub fn list<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<&'a [Expr]> {
        let what = what.into();
        let (e, via) = self.resolve(expr)?;
        match &e.kind {
            ExprKind::List(items) => Some(items),
            ExprKind::Word(w) => {
                self.unknown_word(e, w, what, None);
                None
            }
            _ => {
                self.mismatch(e, via, what, "a list", "write a list in brackets: `[\"a\", \"b\"]`".into());
                None
            }
        }
    }

    pub fn string_list<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<Vec<String>> {
        let what = what.into();
        let (e, _) = self.resolve(expr)?;
        // A word left after `resolve` names nothing: `list` says so.
        let computed = !matches!(e.kind, ExprKind::Word(_)) && Literal::of(e).is_none();
        if computed {
            return match self.evaluate(e, Hint::None)? {
                CValue::List(items) => {
                    let texts: Option<Vec<String>> = items.iter().map(CValue::to_text).collect();
                    texts.or_else(|| self.value_mismatch(e, what, "a list of strings", &CValue::List(items)))
                }
                v => self.value_mismatch(e, what, "a list", &v),
            };
        }
        let items = self.list(expr, what)?;
        let out: Vec<Option<String>> = items.iter().map(|i| self.text(i, what)).collect();
        out.into_iter().collect()
    }

    /// The entries of a map, written `key = { k: v }` or as a block `key { k = v }`.
    pub fn map_entries<'w>(&mut self, value: Value<'a>, what: impl Into<What<'w>>) -> Option<Vec<(&'a Key, &'a Expr)>> {
        let what = what.into();
        let entries: Vec<(&Key, &Expr)> = match value {
            Value::Block(b) => {
                let mut out = Vec::new();
                for entry in &b.entries {
                    match &entry.kind {
                        crate::ast::EntryKind::Field { key, value } => out.push((key, value)),
                        _ => self.report(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                entry.span,
                                format!("{what} holds `key = value` entries only"),
                            )
                            .label("not a `key = value` entry")
                            .help("write each entry as `name = value`"),
                        ),
                    }
                }
                out
            }
            Value::Expr(expr) => {
                let (e, via) = self.resolve(expr)?;
                match &e.kind {
                    ExprKind::Map(m) => m.iter().map(|me| (&me.key, &me.value)).collect(),
                    _ => {
                        self.mismatch(e, via, what, "a map", "write a map in braces: `{ \"key\": \"value\" }`".into());
                        return None;
                    }
                }
            }
        };
        let mut seen: Vec<&Key> = Vec::new();
        let mut out = Vec::new();
        for (k, v) in entries {
            if let Some(first) = seen.iter().find(|s| s.text == k.text) {
                self.report(
                    Diagnostic::error(Code::DuplicateKey, k.span, format!("`{}` is given twice in {what}", k.text))
                        .label("given again here")
                        .secondary(first.span, "first given here")
                        .help("remove one of them"),
                );
                continue;
            }
            seen.push(k);
            out.push((k, v));
        }
        Some(out)
    }

    pub fn string_map<'w>(&mut self, value: Value<'a>, what: impl Into<What<'w>>) -> Option<Vec<(&'a Key, String)>> {
        let what = what.into();
        let entries = self.map_entries(value, what)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (k, v) in entries {
            match self.text(v, What::Key(&k.text)) {
                Some(s) => out.push((k, s)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A value that must be an expression (not a `key { … }` block).
    pub fn expr_of(&mut self, key: &Key, value: Value<'a>) -> Option<&'a Expr> {
        match value {
            Value::Expr(e) => Some(e),
            Value::Block(b) => {
                self.report(
                    Diagnostic::error(Code::TypeMismatch, b.span, format!("`{}` takes a value, not a block", key.text))
                        .label("a block")
                        .help(format!("write `{} = value`", key.text)),
                );
                None
            }
        }
    }

    /// The usual wrong shapes of a typed value: the right literal in quotes, or
    /// another literal.
    fn wrong_shape<'w>(
        &mut self,
        e: &Expr,
        via: Option<crate::source::Span>,
        what: impl Into<What<'w>>,
        expected: &str,
        example: &str,
        parses: fn(&str) -> bool,
    ) {
        let what = what.into();
        match &e.kind {
            ExprKind::Str(s) if s.as_plain().is_some_and(|t| parses(&t)) => {
                let help = format!("remove the quotes: `{}`", s.as_plain().unwrap_or_default());
                self.mismatch(e, via, what, expected, help);
            }
            _ => self.mismatch(e, via, what, expected, example.to_string()),
        }
    }

    /// The value of an expression, from the evaluator; its failure reported.
    pub(super) fn evaluate(&mut self, e: &Expr, hint: Hint) -> Option<CValue> {
        self.report_failed(value::eval(e, &*self, hint))
    }

    #[inline]
    fn report_failed<T>(&mut self, result: Result<T, Failure>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(f) => {
                for d in f.into_diagnostics() {
                    self.report(d);
                }
                None
            }
        }
    }

    fn value_mismatch<'w, T>(
        &mut self,
        e: &Expr,
        what: impl Into<What<'w>>,
        expected: &str,
        found: &CValue,
    ) -> Option<T> {
        let what = what.into();
        let code = if matches!(found, CValue::Duration(_) | CValue::Quantity(_)) {
            Code::UnitMismatch
        } else {
            Code::TypeMismatch
        };
        self.report(
            Diagnostic::error(code, e.span, format!("{what} takes {expected}, found {}", found.kind()))
                .label(format!("this computes {}", found.kind()))
                .help(format!("make the expression give {expected}")),
        );
        None
    }

    fn in_range<'w>(&mut self, e: &Expr, what: impl Into<What<'w>>, n: i64, min: i64, max: i64) -> Option<i64> {
        let what = what.into();
        if n < min || n > max {
            let range =
                if max == i64::from(i32::MAX) { format!("at least {min}") } else { format!("between {min} and {max}") };
            self.report(
                Diagnostic::error(Code::OutOfRange, e.span, format!("{what} must be {range}, found {n}"))
                    .label("out of range")
                    .help(format!("Kubernetes rejects {what} outside this range")),
            );
            return None;
        }
        Some(n)
    }

    fn sources_text(&self, e: &Expr) -> String {
        self.sources.text(e.span).to_string()
    }
}

/// An expression whose kind shows as written, so that a reader can say what it
/// found without evaluating it. Anything else (operators, `if`, fields, indexes,
/// the functions of values, names) is evaluated to be known.
#[derive(Clone, Copy, PartialEq)]
enum Literal {
    Str,
    Number,
    Bool,
    List,
    Map,
    /// A call of one of the checker's functions (`config(…)`, `file(…)`): not a value.
    Call,
}

impl Literal {
    fn of(e: &Expr) -> Option<Literal> {
        Some(match &e.kind {
            ExprKind::Str(_) => Literal::Str,
            ExprKind::Number(_) => Literal::Number,
            ExprKind::Bool(_) => Literal::Bool,
            ExprKind::List(_) => Literal::List,
            ExprKind::Map(_) => Literal::Map,
            ExprKind::Call { name, .. } if !value::is_function(&name.node) => Literal::Call,
            _ => return None,
        })
    }
}

impl Env for Checker<'_> {
    fn lookup(&self, name: &str) -> Option<Binding<'_>> {
        self.names.lookup(name)
    }
    fn names(&self) -> Vec<String> {
        self.names.names().map(str::to_string).collect()
    }
    fn limits(&self) -> &crate::limits::Limits {
        &self.limits
    }
    fn is_module(&self, name: &str) -> bool {
        self.names.is_module(name)
    }
}

/// How a value is called in messages: "a string", "the quantity `5Gi`".
pub fn describe(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Str(_) => "a string".into(),
        ExprKind::Bool(b) => format!("`{b}`"),
        ExprKind::Word(w) => format!("the word `{w}`"),
        ExprKind::List(_) => "a list".into(),
        ExprKind::Map(_) => "a map".into(),
        ExprKind::Call { name, .. } => format!("`{}(…)`", name.node),
        ExprKind::Unary { .. }
        | ExprKind::Binary { .. }
        | ExprKind::If { .. }
        | ExprKind::Field { .. }
        | ExprKind::Index { .. } => "an expression".into(),
        ExprKind::Number(text) => {
            let (_, unit) = units::split_number(text);
            if unit.is_empty() {
                format!("the number `{text}`")
            } else if unit == "m" {
                format!("`{text}` (minutes or milli-units)")
            } else if Duration::parse(text).is_ok() {
                format!("the duration `{text}`")
            } else if Quantity::parse(text).is_ok() {
                format!("the quantity `{text}`")
            } else {
                format!("`{text}`")
            }
        }
    }
}

fn list_words(choices: Choices) -> String {
    choices.iter().map(|(w, _)| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}
