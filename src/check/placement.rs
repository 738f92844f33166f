//! Where pods run: tolerations and node affinity.

use super::Checker;
use super::eval::What;
use super::fields::{Fields, Value};
use super::read;
use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::ir::{NodeAffinity, NodeRequirement, Toleration};
use crate::schema;

pub(super) fn toleration<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr) -> Option<Toleration> {
    let (e, mut f) = Fields::record(
        ck,
        item,
        schema::TOLERATION,
        "a toleration",
        "{ key: \"virtual-kubelet.io/provider\", operator: exists, effect: no-schedule }",
    )?;
    let key = read::string(ck, &mut f, &schema::TOLERATION_KEY).map(|(s, _)| s);
    let operator = read::choice(ck, &mut f, &schema::TOLERATION_OPERATOR).map(|(c, _)| c);
    // A number written for the value is its text (`value: 1` means "1").
    let value = read::expr(ck, &mut f, &schema::TOLERATION_VALUE).and_then(|e| ck.text(e, "`value`"));
    let effect = read::choice(ck, &mut f, &schema::EFFECT).map(|(c, _)| c);
    let seconds = read::seconds(ck, &mut f, &schema::TOLERATION_DURATION).map(|(s, _)| s);
    f.finish(ck);
    if operator == Some("Exists") && value.is_some() {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, e.span, "a toleration with `operator: exists` cannot have a `value`")
                .label("value with exists")
                .help("drop the `value`, or use `operator: equal`"),
        );
        return None;
    }
    if seconds.is_some() && effect != Some("NoExecute") {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, e.span, "`duration` only applies to `effect: no-execute`")
                .label("duration without no-execute")
                .help("add `effect: no-execute`, or drop `duration`"),
        );
        return None;
    }
    Some(Toleration { key, operator, value, effect, seconds })
}

pub(super) fn affinity<'a>(ck: &mut Checker<'a>, v: Value<'a>) -> Option<NodeAffinity> {
    let mut f = read::block(
        ck,
        &schema::AFFINITY_BLOCK,
        v,
        "`affinity`",
        "affinity { required = [{ key: \"type\", operator: in, values: [\"virtual-kubelet\"] }] }",
    )?;
    let mut out = NodeAffinity::default();
    let mut ok = true;
    for (row, preferred) in [(&schema::REQUIRED, false), (&schema::PREFERRED, true)] {
        if f.peek_span(row).is_none() {
            continue;
        }
        let Some(items) = read::expr(ck, &mut f, row).and_then(|e| ck.list(e, What::Key(row.key))) else {
            ok = false;
            continue;
        };
        for item in items {
            match node_term(ck, item, preferred) {
                Some((weight, req)) if preferred => out.preferred.push((weight, req)),
                Some((_, req)) => out.required.push(req),
                None => ok = false,
            }
        }
    }
    if let Some(e) = read::expr(ck, &mut f, &schema::REQUIRED_ANY) {
        match required_any(ck, e) {
            Some(terms) => out.required_any = terms,
            None => ok = false,
        }
    }
    f.finish(ck);
    ok.then_some(out)
}

/// `required-any = [[…], […]]`: node selector terms, OR-ed; each term's requirements AND-ed.
fn required_any<'a>(ck: &mut Checker<'a>, e: &'a ast::Expr) -> Option<Vec<Vec<NodeRequirement>>> {
    let key = What::Key(schema::REQUIRED_ANY.key);
    let terms = ck.list(e, key)?;
    let mut out = Vec::with_capacity(terms.len());
    let mut ok = true;
    if terms.is_empty() {
        ck.report(
            Diagnostic::error(Code::MissingKey, e.span, "`required-any` needs at least one node term")
                .label("no terms")
                .help("write each term as a list: `required-any = [[{ key: \"a\", operator: exists }], [{ key: \"b\", operator: exists }]]`"),
        );
        return None;
    }
    for term in terms {
        let Some((r, _)) = ck.resolve(term) else {
            ok = false;
            continue;
        };
        if matches!(r.kind, ast::ExprKind::Map(_)) {
            ck.report(
                Diagnostic::error(Code::TypeMismatch, r.span, "each term of `required-any` is a list of requirements")
                    .label("a requirement, not a term")
                    .help("wrap it in brackets to make a term of one requirement: `[{ key: … }]`"),
            );
            ok = false;
            continue;
        }
        let Some(items) = ck.list(term, key) else {
            ok = false;
            continue;
        };
        if items.is_empty() {
            // Kubernetes reads an empty term as matching no node: the pods would never run.
            ck.report(
                Diagnostic::error(Code::MissingKey, term.span, "an empty node term matches no node")
                    .label("empty term")
                    .help("give the term a requirement, e.g. `[{ key: \"kubernetes.io/os\", operator: in, values: [\"linux\"] }]`"),
            );
            ok = false;
            continue;
        }
        let mut requirements = Vec::with_capacity(items.len());
        for item in items {
            match node_term(ck, item, false) {
                Some((_, r)) => requirements.push(r),
                None => ok = false,
            }
        }
        out.push(requirements);
    }
    ok.then_some(out)
}

fn node_term<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr, preferred: bool) -> Option<(i32, NodeRequirement)> {
    let (e, mut f) = Fields::record(
        ck,
        item,
        schema::NODE_TERM,
        "a node term",
        "{ key: \"type\", operator: in, values: [\"virtual-kubelet\"] }",
    )?;
    let key = read::string(ck, &mut f, &schema::NODE_KEY).map(|(s, _)| s);
    let operator = read::choice(ck, &mut f, &schema::NODE_OPERATOR).map(|(c, _)| c);
    let values = read::string_list(ck, &mut f, &schema::NODE_VALUES).map(|(l, _)| l).unwrap_or_default();
    let has_weight = f.peek_span(&schema::WEIGHT).is_some();
    let weight = if preferred { read::int(ck, &mut f, &schema::WEIGHT).map(|(n, _)| n) } else { None };
    f.finish(ck);
    let (Some(key), Some(operator)) = (key, operator) else {
        ck.report(
            Diagnostic::error(Code::MissingKey, e.span, "a node term needs `key` and `operator`")
                .label("incomplete term")
                .help("write `{ key: \"type\", operator: in, values: [\"virtual-kubelet\"] }`"),
        );
        return None;
    };
    if preferred && !has_weight {
        ck.report(
            Diagnostic::error(Code::MissingKey, e.span, "a preferred node term needs a `weight` from 1 to 100")
                .label("no weight")
                .help("add `weight: 50`"),
        );
        return None;
    }
    if preferred && weight.is_none() {
        return None; // out of range, reported above
    }
    Some((weight.unwrap_or(0) as i32, NodeRequirement { key, operator, values }))
}
