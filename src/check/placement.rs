//! Where pods run: tolerations and node affinity.

use super::Checker;
use super::eval::Choices;
use super::eval::What;
use super::fields::{Fields, Value};
use super::pod::{choice, int_in, seconds, string, string_list};
use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::ir::{NodeAffinity, NodeRequirement, Toleration};
use crate::schema;

const TOLERATION_OPERATOR: Choices = &[("exists", "Exists"), ("equal", "Equal")];
const EFFECT: Choices =
    &[("no-schedule", "NoSchedule"), ("prefer-no-schedule", "PreferNoSchedule"), ("no-execute", "NoExecute")];
const NODE_OPERATOR: Choices = &[
    ("in", "In"),
    ("not-in", "NotIn"),
    ("exists", "Exists"),
    ("does-not-exist", "DoesNotExist"),
    ("gt", "Gt"),
    ("lt", "Lt"),
];

pub(super) fn toleration<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr) -> Option<Toleration> {
    let (e, mut f) = Fields::record(
        ck,
        item,
        schema::TOLERATION,
        "a toleration",
        "{ key: \"virtual-kubelet.io/provider\", operator: exists, effect: no-schedule }",
    )?;
    let key = string(ck, &mut f, "key");
    let operator = choice(ck, &mut f, "operator", TOLERATION_OPERATOR);
    let value_span = f.take("value");
    let value = value_span.and_then(|(k, v)| ck.expr_of(k, v)).and_then(|e| ck.text(e, "`value`"));
    let effect = choice(ck, &mut f, "effect", EFFECT);
    let seconds = seconds(ck, &mut f, "duration", 0);
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
    let mut f = match v {
        Value::Block(b) => Fields::from_block(ck, b, schema::AFFINITY, "`affinity`"),
        Value::Expr(e) => match &e.kind {
            ast::ExprKind::Map(entries) => Fields::from_map(ck, entries, schema::AFFINITY, "`affinity`"),
            _ => {
                ck.report(
                    Diagnostic::error(Code::TypeMismatch, e.span, "`affinity` takes a block")
                        .label("not a block")
                        .help("write `affinity { required = [{ key: \"type\", operator: in, values: [\"virtual-kubelet\"] }] }`"),
                );
                return None;
            }
        },
    };
    let mut out = NodeAffinity::default();
    let mut ok = true;
    for (which, preferred) in [("required", false), ("preferred", true)] {
        let Some((k, v)) = f.take(which) else {
            continue;
        };
        let Some(items) = ck.expr_of(k, v).and_then(|e| ck.list(e, What::Key(which))) else {
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
    f.finish(ck);
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
    let key = string(ck, &mut f, "key");
    let operator = choice(ck, &mut f, "operator", NODE_OPERATOR);
    let values = string_list(ck, &mut f, "values");
    let has_weight = f.peek_span("weight").is_some();
    let weight = if preferred { int_in(ck, &mut f, "weight", 1, 100) } else { None };
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
