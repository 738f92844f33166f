//! Substitution: the names bound where an item is expanded (loop variables,
//! params, template parameters) and references into modules (`m.x`) replaced
//! in a copy of the tree.

use super::expand::{Expander, Module, Scope};
use crate::ast::*;
use crate::diag::{Code, Diagnostic, closest};
use crate::source::Span;

pub(super) fn subst_item(item: &Item, scope: &Scope, x: &Expander) -> Item {
    let kind = match &item.kind {
        ItemKind::Namespace(s, body) => {
            ItemKind::Namespace(subst_string(s, scope, x), body.as_ref().map(|b| subst_block(b, scope, x)))
        }
        ItemKind::Object { kind, name, body } => ItemKind::Object {
            kind: kind.clone(),
            name: subst_name(name, scope, x),
            body: body.as_ref().map(|b| subst_block(b, scope, x)),
        },
        ItemKind::Config { name, body } => {
            ItemKind::Config { name: subst_name(name, scope, x), body: body.as_ref().map(|b| subst_block(b, scope, x)) }
        }
        ItemKind::Secret { name, body } => {
            ItemKind::Secret { name: subst_name(name, scope, x), body: body.as_ref().map(|b| subst_block(b, scope, x)) }
        }
        other => other.clone(),
    };
    Item { kind, span: item.span }
}

pub(super) fn subst_name(n: &Name, scope: &Scope, x: &Expander) -> Name {
    match n {
        Name::Word(w) => match scope.values.get(&w.node) {
            // A loop variable used as a name: `job t { … }` inside `for t in […]`.
            Some(Expr { kind: ExprKind::Str(s), .. }) => Name::Str(StringLit { parts: s.parts.clone(), span: w.span }),
            _ => n.clone(),
        },
        Name::Str(s) => Name::Str(subst_string(s, scope, x)),
    }
}

fn subst_string(s: &StringLit, scope: &Scope, x: &Expander) -> StringLit {
    let parts = s
        .parts
        .iter()
        .map(|p| match p {
            StrPart::Interp(e) => StrPart::Interp(Box::new(subst_expr(e, scope, x))),
            other => other.clone(),
        })
        .collect();
    StringLit { parts, span: s.span }
}

pub(super) fn subst_block(b: &Block, scope: &Scope, x: &Expander) -> Block {
    if scope.values.is_empty() && x.modules.is_empty() {
        return b.clone();
    }
    let entries = b
        .entries
        .iter()
        .map(|e| {
            let kind = match &e.kind {
                EntryKind::Field { key, value } => {
                    EntryKind::Field { key: key.clone(), value: subst_expr(value, scope, x) }
                }
                EntryKind::Nested { key, body } => {
                    EntryKind::Nested { key: key.clone(), body: subst_block(body, scope, x) }
                }
                EntryKind::Labeled { key, label, value } => EntryKind::Labeled {
                    key: key.clone(),
                    label: subst_name(label, scope, x),
                    value: match value {
                        LabeledValue::Expr(v) => LabeledValue::Expr(subst_expr(v, scope, x)),
                        LabeledValue::Block(b) => LabeledValue::Block(subst_block(b, scope, x)),
                        LabeledValue::Instance(use_) => {
                            let (inst, body) = &**use_;
                            let args = inst
                                .args
                                .iter()
                                .map(|a| Arg { name: a.name.clone(), value: subst_expr(&a.value, scope, x) })
                                .collect();
                            let inst = Instance { path: inst.path.clone(), args, span: inst.span };
                            LabeledValue::Instance(Box::new((inst, body.as_ref().map(|b| subst_block(b, scope, x)))))
                        }
                    },
                },
                EntryKind::Mount(m) => EntryKind::Mount(Mount {
                    source: subst_name(&m.source, scope, x),
                    path: subst_string(&m.path, scope, x),
                    read_only: m.read_only,
                    sub_path: m.sub_path.as_ref().map(|s| subst_string(s, scope, x)),
                    propagation: m.propagation.clone(),
                }),
                EntryKind::Error { key } => EntryKind::Error { key: key.clone() },
            };
            Entry { kind, span: e.span }
        })
        .collect();
    Block { entries, span: b.span }
}

pub(super) fn subst_expr(e: &Expr, scope: &Scope, x: &Expander) -> Expr {
    let kind = match &e.kind {
        ExprKind::Word(w) => match scope.values.get(w) {
            Some(replacement) => return replacement.clone(),
            None => return e.clone(),
        },
        ExprKind::Str(s) => ExprKind::Str(subst_string(s, scope, x)),
        ExprKind::List(items) => ExprKind::List(items.iter().map(|i| subst_expr(i, scope, x)).collect()),
        ExprKind::Map(entries) => ExprKind::Map(
            entries.iter().map(|m| MapEntry { key: m.key.clone(), value: subst_expr(&m.value, scope, x) }).collect(),
        ),
        ExprKind::Call { name, args } => ExprKind::Call {
            name: name.clone(),
            args: args.iter().map(|a| Arg { name: a.name.clone(), value: subst_expr(&a.value, scope, x) }).collect(),
        },
        ExprKind::Unary { op, operand } => {
            ExprKind::Unary { op: op.clone(), operand: Box::new(subst_expr(operand, scope, x)) }
        }
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary {
            op: op.clone(),
            lhs: Box::new(subst_expr(lhs, scope, x)),
            rhs: Box::new(subst_expr(rhs, scope, x)),
        },
        ExprKind::If { cond, then, otherwise } => ExprKind::If {
            cond: Box::new(subst_expr(cond, scope, x)),
            then: Box::new(subst_expr(then, scope, x)),
            otherwise: Box::new(subst_expr(otherwise, scope, x)),
        },
        ExprKind::Field { base, name } => {
            // `module.name` names a module's `let`: replaced by its value.
            if let ExprKind::Word(ns) = &base.kind
                && !scope.values.contains_key(ns)
                && let Some(m) = x.modules.iter().find(|m| m.name == *ns)
            {
                return module_let(m, &name.node, name.span, x, scope.depth).unwrap_or_else(|| e.clone());
            }
            ExprKind::Field { base: Box::new(subst_expr(base, scope, x)), name: name.clone() }
        }
        ExprKind::Index { base, index } => {
            ExprKind::Index { base: Box::new(subst_expr(base, scope, x)), index: Box::new(subst_expr(index, scope, x)) }
        }
        ExprKind::Number(_) | ExprKind::Bool(_) => return e.clone(),
    };
    Expr { kind, span: e.span }
}

/// What a module is asked for by `m.x`.
#[derive(Clone, Copy)]
pub(super) enum Member {
    Template,
    Let,
}

/// "module `m` has no template `x`" (or `let x`), with the closest name as `m.y`.
pub(super) fn not_in_module<'k>(
    m: &Module,
    name: &str,
    span: Span,
    member: Member,
    known: impl Iterator<Item = &'k str>,
) -> Diagnostic {
    let known: Vec<&str> = known.collect();
    let (message, label, listed) = match member {
        Member::Template => (
            format!("module `{}` has no template `{name}`", m.name),
            "unknown template",
            format!("`{}` has the templates: {}", m.name, known.join(", ")),
        ),
        Member::Let => (
            format!("module `{}` has no `let {name}`", m.name),
            "not in the module",
            format!("`{}` defines: {}", m.name, known.join(", ")),
        ),
    };
    let help = match closest(name, known.iter().copied()) {
        Some(best) => format!("did you mean `{}.{best}`?", m.name),
        None => listed,
    };
    Diagnostic::error(Code::UnknownName, span, message).label(label).help(help)
}

/// The expression of `let name` in module `m`, with the module's own names replaced.
/// `None` when there is none (reported) or it is in a cycle (reported up front).
fn module_let(m: &Module, name: &str, span: Span, x: &Expander, depth: usize) -> Option<Expr> {
    if m.failed {
        return None;
    }
    let table = x.lets_of(m)?;
    match table.get(name) {
        Some(l) if l.cyclic => None,
        Some(l) if depth <= x.limits.depth => Some(subst_module(&l.value, m, x, depth + 1)),
        Some(_) => {
            // Only a chain through other modules gets here (a module's own cycles are found up front).
            x.report(
                Diagnostic::error(
                    Code::TooDeep,
                    span,
                    format!("`{}.{name}` goes through names more than {} levels deep", m.name, x.limits.depth),
                )
                .label("too deep")
                .help("shorten the chain of `let`s, or raise the limit: `--limit depth=…`"),
            );
            None
        }
        None => {
            x.report(not_in_module(m, name, span, Member::Let, table.names()));
            None
        }
    }
}

/// Replaces the words of `e` that name lets of module `m`.
pub(super) fn subst_module(e: &Expr, m: &Module, x: &Expander, depth: usize) -> Expr {
    let mut scope = Scope { depth, ..Scope::default() };
    for (name, l) in module_lets(m, x) {
        if expr_mentions(e, name)
            && let Some(v) = module_let(m, name, l, x, depth + 1)
        {
            scope.values.insert(name.to_string(), v);
        }
    }
    // Also when none of the module's own names is used: the value may name another
    // module's `let` (`"${b.host}/x"`), which is replaced here too.
    subst_expr(e, &scope, x)
}

pub(super) fn subst_block_module(b: &Block, m: &Module, x: &Expander) -> Block {
    let mut scope = Scope::default();
    for (name, l) in module_lets(m, x) {
        if let Some(v) = module_let(m, name, l, x, 1) {
            scope.values.insert(name.to_string(), v);
        }
    }
    if scope.values.is_empty() { b.clone() } else { subst_block(b, &scope, x) }
}

/// The names of module `m`'s `let`s and where each is declared.
pub(super) fn module_lets<'x>(m: &Module, x: &'x Expander) -> Vec<(&'x str, Span)> {
    match x.lets_of(m) {
        Some(table) => table.names().filter_map(|n| Some((n, table.get(n)?.span))).collect(),
        None => Vec::new(),
    }
}

fn expr_mentions(e: &Expr, name: &str) -> bool {
    match &e.kind {
        ExprKind::Word(w) => w == name,
        ExprKind::Str(s) => s.parts.iter().any(|p| matches!(p, StrPart::Interp(i) if expr_mentions(i, name))),
        ExprKind::List(items) => items.iter().any(|i| expr_mentions(i, name)),
        ExprKind::Map(entries) => entries.iter().any(|m| expr_mentions(&m.value, name)),
        ExprKind::Call { args, .. } => args.iter().any(|a| expr_mentions(&a.value, name)),
        ExprKind::Unary { operand, .. } => expr_mentions(operand, name),
        ExprKind::Binary { lhs, rhs, .. } => expr_mentions(lhs, name) || expr_mentions(rhs, name),
        ExprKind::If { cond, then, otherwise } => {
            expr_mentions(cond, name) || expr_mentions(then, name) || expr_mentions(otherwise, name)
        }
        ExprKind::Field { base, .. } => expr_mentions(base, name),
        ExprKind::Index { base, index } => expr_mentions(base, name) || expr_mentions(index, name),
        ExprKind::Number(_) | ExprKind::Bool(_) => false,
    }
}
