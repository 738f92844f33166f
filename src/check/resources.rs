//! `resources`: requests and limits, the short form, units that are surely
//! mistakes, and requests above limits.

use super::Checker;
use super::eval::What;
use super::fields::{Fields, Value};
use super::read;
use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::ir::Resources;
use crate::schema;
use crate::source::Span;
use crate::units::Suffix;

pub(super) fn resources<'a>(ck: &mut Checker<'a>, v: Value<'a>) -> Option<Resources> {
    let mut out = Resources::default();
    let mut ok = true;
    let mut f =
        read::block(ck, &schema::CONTAINER_RESOURCES, v, "`resources`", "resources { cpu = 1, memory = 512Mi }")?;
    // Short form: `cpu = 1` sets request and limit alike.
    for (key, q, _) in resource_amounts(ck, &mut f, &mut ok) {
        out.requests.insert(key.clone(), q);
        out.limits.insert(key, q);
    }
    let mut request_spans = Vec::new();
    let mut limit_spans = Vec::new();
    for (row, place, example, target) in [
        (&schema::REQUESTS_BLOCK, "`requests`", "requests { cpu = 1, memory = 512Mi }", &mut out.requests),
        (&schema::LIMITS_BLOCK, "`limits`", "limits { cpu = 1, memory = 512Mi }", &mut out.limits),
    ] {
        let name = row.key;
        if let Some((_, v)) = f.take(row) {
            let Some(mut inner) = read::block(ck, row, v, place, example) else {
                ok = false;
                continue;
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

/// One mebibyte, in the nano-units of [`crate::units::Quantity::nanos`].
const MEBIBYTE_NANOS: i128 = (1 << 20) * 1_000_000_000;

/// `cpu`, `memory`, `ephemeral-storage` and extended resources (`"nvidia.com/gpu"`).
fn resource_amounts<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    ok: &mut bool,
) -> Vec<(String, crate::units::Quantity, Span)> {
    let mut out = Vec::new();
    let mut keys: Vec<(&ast::Key, Value)> = Vec::new();
    for row in [&schema::CPU, &schema::MEMORY, &schema::EPHEMERAL_STORAGE] {
        if let Some(kv) = f.take(row) {
            keys.push(kv);
        }
    }
    keys.extend(f.take_rest(schema::is_extended_resource));
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
            } else if q.suffix == Suffix::None && q.nanos() > 0 && q.nanos() < MEBIBYTE_NANOS {
                // A plain number is bytes: no pod runs in less than a mebibyte of memory,
                // so a small one is a unit left out (`512` meant `512Mi`).
                ck.report(
                    Diagnostic::warning(
                        Code::SuspiciousUnit,
                        e.span,
                        format!("`{text}` of {} is {text} bytes", key.text),
                    )
                    .label("a plain number is bytes")
                    .help(format!("did you mean `{text}Mi` (mebibytes)? Write bytes with a unit: `512Mi`, `2Gi`")),
                );
            }
        } else if key.text == "cpu" && q.suffix == crate::units::Suffix::Binary {
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
