//! `resources`: requests and limits, the short form, units that are surely
//! mistakes, and requests above limits.

use super::Checker;
use super::eval::What;
use super::fields::{Fields, Value};
use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::ir::Resources;
use crate::schema;
use crate::source::Span;
use crate::values::Suffix;

pub(super) fn resources<'a>(ck: &mut Checker<'a>, v: Value<'a>) -> Option<Resources> {
    let mut out = Resources::default();
    let mut ok = true;
    let mut f = match v {
        Value::Block(b) => Fields::from_block(ck, b, schema::RESOURCES, "`resources`"),
        Value::Expr(e) => match &e.kind {
            ast::ExprKind::Map(entries) => Fields::from_map(ck, entries, schema::RESOURCES, "`resources`"),
            _ => {
                ck.report(
                    Diagnostic::error(Code::TypeMismatch, e.span, "`resources` takes a block")
                        .label("not a block")
                        .help("write `resources { cpu = 1, memory = 512Mi }`"),
                );
                return None;
            }
        },
    };
    // Short form: `cpu = 1` sets request and limit alike.
    for (key, q, _) in resource_amounts(ck, &mut f, &mut ok) {
        out.requests.insert(key.clone(), q);
        out.limits.insert(key, q);
    }
    let mut request_spans = Vec::new();
    let mut limit_spans = Vec::new();
    for (name, target) in [("requests", &mut out.requests), ("limits", &mut out.limits)] {
        if let Some((_, v)) = f.take(name) {
            let mut inner = match v {
                Value::Block(b) => Fields::from_block(
                    ck,
                    b,
                    schema::REQUESTS,
                    if name == "requests" { "`requests`" } else { "`limits`" },
                ),
                Value::Expr(e) => match &e.kind {
                    ast::ExprKind::Map(entries) => Fields::from_map(ck, entries, schema::REQUESTS, "`requests`"),
                    _ => {
                        ck.report(
                            Diagnostic::error(Code::TypeMismatch, e.span, format!("`{name}` takes a block"))
                                .label("not a block")
                                .help(format!("write `{name} {{ cpu = 1, memory = 512Mi }}`")),
                        );
                        ok = false;
                        continue;
                    }
                },
            };
            for (key, q, span) in resource_amounts(ck, &mut inner, &mut ok) {
                let spans = if name == "requests" { &mut request_spans } else { &mut limit_spans };
                spans.push((key.clone(), span));
                target.insert(key, q);
            }
            inner.finish(ck);
        }
    }
    f.finish(ck);
    for (key, request_span) in &request_spans {
        if let (Some(request), Some(limit)) = (out.requests.get(key), out.limits.get(key))
            && request.nanos() > limit.nanos()
        {
            let mut d = Diagnostic::error(
                Code::RequestsOverLimits,
                *request_span,
                format!("the {key} request ({request}) is above its limit ({limit})"),
            )
            .label("request above limit")
            .help(format!(
                "raise the limit or lower the request: Kubernetes rejects requests above limits (here {key})"
            ));
            if let Some((_, limit_span)) = limit_spans.iter().find(|(k, _)| k == key) {
                d = d.secondary(*limit_span, "the limit");
            }
            ck.report(d);
            ok = false;
        }
    }
    ok.then_some(out)
}

/// `cpu`, `memory`, `ephemeral-storage` and extended resources (`"nvidia.com/gpu"`).
fn resource_amounts<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    ok: &mut bool,
) -> Vec<(String, crate::values::Quantity, Span)> {
    let mut out = Vec::new();
    let mut keys: Vec<(&ast::Key, Value)> = Vec::new();
    for k in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(kv) = f.take(k) {
            keys.push(kv);
        }
    }
    keys.extend(f.take_rest(|k| k.contains('/') || k.starts_with("hugepages-")));
    for (key, v) in keys {
        let Some(e) = ck.expr_of(key, v) else {
            *ok = false;
            continue;
        };
        let Some(q) = ck.quantity(e, What::Key(&key.text)) else {
            *ok = false;
            continue;
        };
        let text = ck.sources.text(e.span).to_string();
        if key.text == "memory" || key.text == "ephemeral-storage" {
            if q.suffix == Suffix::Milli {
                let n = text.trim_end_matches('m');
                ck.report(
                    Diagnostic::warning(
                        Code::SuspiciousUnit,
                        e.span,
                        format!("`{text}` of {} is {n} thousandths of a byte", key.text),
                    )
                    .label("`m` means milli here")
                    .help(format!("did you mean `{n}Mi` (mebibytes)?")),
                );
            }
        } else if key.text == "cpu" && q.suffix == crate::values::Suffix::Binary {
            ck.report(
                Diagnostic::warning(Code::SuspiciousUnit, e.span, format!("`{text}` of CPU is counted in cores"))
                    .label("a byte unit on CPU")
                    .help("CPU is written in cores (`2`) or millicores (`500m`)"),
            );
        }
        out.push((key.text.clone(), q, e.span));
    }
    out
}
