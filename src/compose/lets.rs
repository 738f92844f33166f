//! The `let`s of one file (the program or a module) in one table, read once and
//! shared by expansion and checking, with every cycle among them found up front:
//! a cycle is reported once, at its first `let`, whether or not anything uses it,
//! and its `let`s then give no value without a word more.

use super::value::{Binding, Value};
use crate::ast::{Expr, ExprKind, File, ItemKind, StrPart};
use crate::diag::{Code, Diagnostic};
use crate::hash::FastMap;
use crate::source::Span;
use std::borrow::Cow;

/// The names around a file's `let`s that are not `let`s where they are used.
struct Around<'s> {
    shadowed: &'s [&'s str],
    modules: &'s [&'s str],
}

/// One `let`: where its name is, and what it stands for.
pub struct Let<'a> {
    pub span: Span,
    /// As written, or with references into modules replaced (see `Expander::new`).
    pub value: Cow<'a, Expr>,
    /// Part of a cycle (reported): it has no value.
    pub cyclic: bool,
}

/// The `let`s of a file, by name, in source order.
#[derive(Default)]
pub struct LetTable<'a> {
    by_name: FastMap<&'a str, usize>,
    lets: Vec<(&'a str, Let<'a>)>,
}

impl<'a> LetTable<'a> {
    /// Reads the `let`s of `file` (a second `let` of a name is reported and left
    /// out) and reports their cycles. Words in `shadowed` (the program's `param`s)
    /// are not `let` names where they are used; `modules` are the names `m` of `m.x`.
    pub fn new(file: &'a File, shadowed: &[&str], modules: &[&str], diags: &mut Vec<Diagnostic>) -> LetTable<'a> {
        let mut table = LetTable::default();
        for item in &file.items {
            let ItemKind::Let { name, value } = &item.kind else { continue };
            if let Some(&first) = table.by_name.get(name.node.as_str()) {
                diags.push(
                    Diagnostic::error(Code::DuplicateLet, name.span, format!("`{}` is defined twice", name.node))
                        .label("defined again here")
                        .secondary(table.lets[first].1.span, "first defined here")
                        .help("rename one of them; `let` names are defined once"),
                );
                continue;
            }
            table.by_name.insert(&name.node, table.lets.len());
            table.lets.push((&name.node, Let { span: name.span, value: Cow::Borrowed(value), cyclic: false }));
        }
        table.find_cycles(&Around { shadowed, modules }, diags);
        table
    }

    pub fn get(&self, name: &str) -> Option<&Let<'a>> {
        self.by_name.get(name).map(|&i| &self.lets[i].1)
    }

    /// The names, in source order.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.lets.iter().map(|(n, _)| *n)
    }

    /// Every `let`, in source order.
    pub fn iter(&self) -> impl Iterator<Item = &Let<'a>> {
        self.lets.iter().map(|(_, l)| l)
    }

    /// Every `let`, in source order, to replace values in place.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Let<'a>> {
        self.lets.iter_mut().map(|(_, l)| l)
    }

    /// Depth-first over the graph "`let` a uses `let` b", with an explicit stack
    /// (a long chain of `let`s must not exhaust the thread's stack). Every edge
    /// back to a `let` on the current path closes one cycle.
    fn find_cycles(&mut self, shadowed: &Around, diags: &mut Vec<Diagnostic>) {
        let uses: Vec<Vec<usize>> = self
            .lets
            .iter()
            .map(|(_, l)| {
                let mut out = Vec::new();
                self.uses(&l.value, shadowed, &mut out);
                out
            })
            .collect();
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            OnPath,
            Done,
        }
        let mut state = vec![State::New; self.lets.len()];
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        for root in 0..self.lets.len() {
            if state[root] != State::New {
                continue;
            }
            // (let, how many of its uses are followed)
            let mut path: Vec<(usize, usize)> = vec![(root, 0)];
            state[root] = State::OnPath;
            while let Some((at, next)) = path.last_mut() {
                let at = *at;
                let Some(&to) = uses[at].get(*next) else {
                    state[at] = State::Done;
                    path.pop();
                    continue;
                };
                *next += 1;
                match state[to] {
                    State::New => {
                        state[to] = State::OnPath;
                        path.push((to, 0));
                    }
                    State::OnPath => {
                        let from = path.iter().position(|(l, _)| *l == to).unwrap_or(0);
                        cycles.push(path[from..].iter().map(|(l, _)| *l).collect());
                    }
                    State::Done => {}
                }
            }
        }
        for mut cycle in cycles {
            // Said from the first `let` in the file.
            let first = cycle.iter().enumerate().min_by_key(|(_, l)| **l).map_or(0, |(i, _)| i);
            cycle.rotate_left(first);
            diags.push(self.cycle_diagnostic(&cycle));
            for l in cycle {
                self.lets[l].1.cyclic = true;
            }
        }
    }

    fn cycle_diagnostic(&self, cycle: &[usize]) -> Diagnostic {
        let name = |i: usize| self.lets[cycle[i % cycle.len()]].0;
        let span = |i: usize| self.lets[cycle[i]].1.span;
        if cycle.len() == 1 {
            return Diagnostic::error(
                Code::UnknownName,
                span(0),
                format!("`{}` is defined in terms of itself", name(0)),
            )
            .label(format!("`{}` uses itself", name(0)))
            .help("give it a value that does not use its own name");
        }
        let chain: Vec<&str> = (0..=cycle.len()).map(name).collect();
        let mut d = Diagnostic::error(
            Code::UnknownName,
            span(0),
            format!("`{}` is defined in terms of itself: {}", name(0), chain.join(" → ")),
        )
        .label(format!("`{}` uses `{}`", name(0), name(1)));
        for i in 1..cycle.len() {
            d = d.secondary(span(i), format!("`{}` uses `{}`", name(i), name(i + 1)));
        }
        d.help("give one of the `let` bindings in the cycle a value that does not lead back to it")
    }

    /// The `let`s of this table that `e` names (`m.x` names a module's `let`, not one of these).
    fn uses(&self, e: &Expr, shadowed: &Around, out: &mut Vec<usize>) {
        match &e.kind {
            ExprKind::Word(w) => {
                if let Some(&i) = self.by_name.get(w.as_str())
                    && !shadowed.shadowed.contains(&w.as_str())
                    && !out.contains(&i)
                {
                    out.push(i);
                }
            }
            ExprKind::Str(s) => {
                for p in &s.parts {
                    if let StrPart::Interp(inner) = p {
                        self.uses(inner, shadowed, out);
                    }
                }
            }
            ExprKind::List(items) => items.iter().for_each(|i| self.uses(i, shadowed, out)),
            ExprKind::Map(entries) => entries.iter().for_each(|m| self.uses(&m.value, shadowed, out)),
            ExprKind::Call { args, .. } => args.iter().for_each(|a| self.uses(&a.value, shadowed, out)),
            ExprKind::Unary { operand, .. } => self.uses(operand, shadowed, out),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.uses(lhs, shadowed, out);
                self.uses(rhs, shadowed, out);
            }
            ExprKind::If { cond, then, otherwise } => {
                self.uses(cond, shadowed, out);
                self.uses(then, shadowed, out);
                self.uses(otherwise, shadowed, out);
            }
            ExprKind::Field { base, .. } if matches!(&base.kind, ExprKind::Word(m) if shadowed.modules.contains(&m.as_str())) =>
                {}
            ExprKind::Field { base, .. } => self.uses(base, shadowed, out),
            ExprKind::Index { base, index } => {
                self.uses(base, shadowed, out);
                self.uses(index, shadowed, out);
            }
            ExprKind::Number(_) | ExprKind::Bool(_) => {}
        }
    }
}

/// A name whose definition was found wrong, and said so.
pub struct Reported;

/// The program's own names: its `param`s (values, decided by expansion) and its
/// `let`s; what a bare word means in the program wherever it is evaluated.
pub struct Names<'a> {
    pub lets: LetTable<'a>,
    pub params: FastMap<String, Value>,
    /// Each param's value written as a literal: what a word for it reads as
    /// where the checker follows names (bodies have it substituted the same way).
    pub param_exprs: FastMap<String, Expr>,
    /// The imported modules' names (`soak` of `soak.stable`).
    pub modules: Vec<&'a str>,
}

impl<'a> Names<'a> {
    /// A `param` wins over a `let` of the same name (it is replaced before checking).
    pub fn lookup(&self, name: &str) -> Option<Binding<'_>> {
        if let Some(v) = self.params.get(name) {
            return Some(Binding::Value(v.clone()));
        }
        self.lets.get(name).map(|l| if l.cyclic { Binding::Failed } else { Binding::Expr(&l.value) })
    }

    /// What a word stands for, to follow it: a param's value as a literal, or a
    /// `let`'s expression; `Err` for a `let` in a cycle (reported).
    pub fn definition(&self, name: &str) -> Option<Result<&Expr, Reported>> {
        if let Some(e) = self.param_exprs.get(name) {
            return Some(Ok(e));
        }
        self.lets.get(name).map(|l| if l.cyclic { Err(Reported) } else { Ok(&*l.value) })
    }

    /// Every name, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.lets.names().chain(self.params.keys().map(String::as_str))
    }

    pub fn is_module(&self, name: &str) -> bool {
        self.modules.contains(&name)
    }
}
