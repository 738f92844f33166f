//! The formatter's guard: two trees are the same program when they are equal
//! node for node, positions aside. (Comparing debug text with the spans cut out
//! did the same at ten times the cost of printing.)

use crate::ast::*;

pub(super) fn items(a: &[Item], b: &[Item]) -> bool {
    all(a, b, |x, y| item(&x.kind, &y.kind))
}

fn all<T>(a: &[T], b: &[T], same: impl Fn(&T, &T) -> bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

fn opt<T>(a: &Option<T>, b: &Option<T>, same: impl Fn(&T, &T) -> bool) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => same(x, y),
        (None, None) => true,
        _ => false,
    }
}

fn ident(a: &Ident, b: &Ident) -> bool {
    a.node == b.node
}

fn item(a: &ItemKind, b: &ItemKind) -> bool {
    use ItemKind as I;
    match (a, b) {
        (I::Namespace(n1, b1), I::Namespace(n2, b2)) => string(n1, n2) && opt(b1, b2, block),
        (I::Import(p1), I::Import(p2)) => string(p1, p2),
        (I::Param { name: n1, ty: t1, default: d1 }, I::Param { name: n2, ty: t2, default: d2 }) => {
            ident(n1, n2) && ty(t1, t2) && opt(d1, d2, expr)
        }
        (I::Template { name: n1, params: p1, body: b1 }, I::Template { name: n2, params: p2, body: b2 }) => {
            ident(n1, n2)
                && all(p1, p2, |x, y| ident(&x.name, &y.name) && ty(&x.ty, &y.ty) && opt(&x.default, &y.default, expr))
                && block(b1, b2)
        }
        (I::For { var: v1, second: s1, iter: e1, items: i1 }, I::For { var: v2, second: s2, iter: e2, items: i2 }) => {
            ident(v1, v2) && opt(s1, s2, ident) && expr(e1, e2) && items(i1, i2)
        }
        (I::Let { name: n1, value: v1 }, I::Let { name: n2, value: v2 }) => ident(n1, n2) && expr(v1, v2),
        (I::Config { name: n1, body: b1 }, I::Config { name: n2, body: b2 })
        | (I::Secret { name: n1, body: b1 }, I::Secret { name: n2, body: b2 }) => name(n1, n2) && opt(b1, b2, block),
        (I::Object { kind: k1, name: n1, body: b1 }, I::Object { kind: k2, name: n2, body: b2 }) => {
            k1.node == k2.node && name(n1, n2) && opt(b1, b2, block)
        }
        (I::Defaults(b1), I::Defaults(b2)) => block(b1, b2),
        (
            I::Workload { kind: k1, name: n1, instance: i1, body: b1 },
            I::Workload { kind: k2, name: n2, instance: i2, body: b2 },
        ) => k1.node == k2.node && name(n1, n2) && opt(i1, i2, instance) && opt(b1, b2, block),
        _ => false,
    }
}

fn instance(a: &Instance, b: &Instance) -> bool {
    all(&a.path, &b.path, ident) && all(&a.args, &b.args, arg)
}

fn ty(a: &TypeExpr, b: &TypeExpr) -> bool {
    ident(&a.name, &b.name) && opt(&a.arg, &b.arg, |x, y| ty(x, y))
}

fn name(a: &Name, b: &Name) -> bool {
    match (a, b) {
        (Name::Word(x), Name::Word(y)) => ident(x, y),
        (Name::Str(x), Name::Str(y)) => string(x, y),
        _ => false,
    }
}

fn key(a: &Key, b: &Key) -> bool {
    a.text == b.text && a.quoted == b.quoted
}

fn block(a: &Block, b: &Block) -> bool {
    all(&a.entries, &b.entries, |x, y| entry(&x.kind, &y.kind))
}

fn entry(a: &EntryKind, b: &EntryKind) -> bool {
    use EntryKind as E;
    match (a, b) {
        (E::Field { key: k1, value: v1 }, E::Field { key: k2, value: v2 }) => key(k1, k2) && expr(v1, v2),
        (E::Nested { key: k1, body: b1 }, E::Nested { key: k2, body: b2 }) => key(k1, k2) && block(b1, b2),
        (E::Labeled { key: k1, label: l1, value: v1 }, E::Labeled { key: k2, label: l2, value: v2 }) => {
            key(k1, k2)
                && name(l1, l2)
                && match (v1, v2) {
                    (LabeledValue::Expr(x), LabeledValue::Expr(y)) => expr(x, y),
                    (LabeledValue::Block(x), LabeledValue::Block(y)) => block(x, y),
                    (LabeledValue::Instance(x), LabeledValue::Instance(y)) => {
                        instance(&x.0, &y.0) && opt(&x.1, &y.1, block)
                    }
                    _ => false,
                }
        }
        (E::Mount(m1), E::Mount(m2)) => {
            name(&m1.source, &m2.source)
                && string(&m1.path, &m2.path)
                && m1.read_only.is_some() == m2.read_only.is_some()
                && opt(&m1.sub_path, &m2.sub_path, string)
                && opt(&m1.propagation, &m2.propagation, |x, y| ident(x, y))
        }
        // A file with an entry that does not parse is never formatted.
        (E::Error { .. }, E::Error { .. }) => false,
        _ => false,
    }
}

fn arg(a: &Arg, b: &Arg) -> bool {
    opt(&a.name, &b.name, ident) && expr(&a.value, &b.value)
}

fn string(a: &StringLit, b: &StringLit) -> bool {
    all(&a.parts, &b.parts, |x, y| match (x, y) {
        (StrPart::Text(s), StrPart::Text(t)) => s == t,
        (StrPart::Interp(e), StrPart::Interp(f)) => expr(e, f),
        (StrPart::Invalid, StrPart::Invalid) => true,
        _ => false,
    })
}

fn expr(a: &Expr, b: &Expr) -> bool {
    use ExprKind as X;
    match (&a.kind, &b.kind) {
        (X::Str(x), X::Str(y)) => string(x, y),
        (X::Number(x), X::Number(y)) | (X::Word(x), X::Word(y)) => x == y,
        (X::Bool(x), X::Bool(y)) => x == y,
        (X::List(x), X::List(y)) => all(x, y, expr),
        (X::Map(x), X::Map(y)) => all(x, y, |m, n| key(&m.key, &n.key) && expr(&m.value, &n.value)),
        (X::Call { name: n1, args: a1 }, X::Call { name: n2, args: a2 }) => ident(n1, n2) && all(a1, a2, arg),
        (X::Unary { op: o1, operand: x }, X::Unary { op: o2, operand: y }) => o1.node == o2.node && expr(x, y),
        (X::Binary { op: o1, lhs: l1, rhs: r1 }, X::Binary { op: o2, lhs: l2, rhs: r2 }) => {
            o1.node == o2.node && expr(l1, l2) && expr(r1, r2)
        }
        (X::If { cond: c1, then: t1, otherwise: e1 }, X::If { cond: c2, then: t2, otherwise: e2 }) => {
            expr(c1, c2) && expr(t1, t2) && expr(e1, e2)
        }
        (X::Field { base: b1, name: n1 }, X::Field { base: b2, name: n2 }) => expr(b1, b2) && ident(n1, n2),
        (X::Index { base: b1, index: i1 }, X::Index { base: b2, index: i2 }) => expr(b1, b2) && expr(i1, i2),
        _ => false,
    }
}
