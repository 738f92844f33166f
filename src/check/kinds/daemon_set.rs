//! A `daemon`: the DaemonSet fields around the pod, and its update strategy.

use crate::check::Checker;
use crate::check::fields::Fields;
use crate::check::{names, read};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Pod};
use crate::schema;
use crate::source::Span;

pub(super) fn daemon_set<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    mut pod: Option<Pod>,
) -> Option<ir::Object> {
    let selector = own_selector(ck, f, pod.as_mut(), &schema::SELECTOR, "DaemonSet");
    let update = match read::take(ck, f, &schema::UPDATE) {
        Some((k, v)) => ck.expr_of(k, v).and_then(|e| {
            let update = ck.update_strategy(e)?;
            rolling_update_progresses(ck, &update, e.span).then_some(update)
        }),
        None => Some(ir::UpdateStrategy::Default),
    };
    let min_ready_seconds = read::seconds(ck, f, &schema::MIN_READY).map(|(s, _)| s as i32);
    match (meta, pod, update, selector) {
        (Some(meta), Some(pod), Some(update), Some(selector)) => {
            Some(ir::Object::Daemon(ir::Daemon { meta, update, min_ready_seconds, selector, pod }))
        }
        _ => None,
    }
}

/// `selector = { app: "fluentd" }`: the DaemonSet's own selector, whose labels
/// are added to the pods (the API server rejects a DaemonSet whose selector does
/// not match its template). `None` when it is wrong; `Some(None)` when absent.
/// (A Deployment's too: `row` is its `selector`, `kind` names it.)
pub(super) fn own_selector<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    pod: Option<&mut Pod>,
    row: &'static schema::Key,
    kind: &str,
) -> Option<Option<ir::StringMap>> {
    let given = f.peek_span(row).is_some();
    let Some((entries, span)) = read::string_map(ck, f, row) else {
        return (!given).then_some(None);
    };
    if entries.is_empty() {
        ck.report(
            Diagnostic::error(Code::SelectorMismatch, span, format!("a {kind}'s selector cannot be empty"))
                .label("selects nothing in particular")
                .help(format!("name the labels of the {kind}'s pods, e.g. `selector = {{ app: \"fluentd\" }}`, or remove `selector` for pipec's own")),
        );
        return None;
    }
    let mut ok = true;
    let mut selector = ir::StringMap::new();
    for (k, value) in &entries {
        ok &= names::check_label(ck, &k.text, k.span, Some((value, k.span)), true);
        selector.insert(k.text.clone(), value.clone());
    }
    if let Some(pod) = pod {
        for (k, value) in &entries {
            match pod.labels.get(&k.text) {
                Some(set) if set != value => {
                    ck.report(
                        Diagnostic::error(
                            Code::SelectorMismatch,
                            k.span,
                            format!("the selector wants `{}: {value}` but `pod-labels` gives `{}: {set}`", k.text, k.text),
                        )
                        .label(format!("the {kind} would not select its own pods"))
                        .help(format!(
                            "the pods carry the selector's labels: write `{}: \"{value}\"` in `pod-labels` too, or leave the key out there",
                            k.text
                        )),
                    );
                    ok = false;
                }
                _ => {
                    pod.labels.insert(k.text.clone(), value.clone());
                }
            }
        }
    }
    ok.then_some(Some(selector))
}

/// A DaemonSet rolling update with `maxUnavailable` and `maxSurge` both 0 can never replace a pod.
fn rolling_update_progresses(ck: &mut Checker, update: &ir::UpdateStrategy, span: Span) -> bool {
    use ir::IntOrPercent::{Int, Percent};
    let zero = |v: &Option<ir::IntOrPercent>| matches!(v, Some(Int(0))) || matches!(v, Some(Percent(p)) if p == "0%");
    if let ir::UpdateStrategy::Rolling { max_unavailable, max_surge } = update
        && zero(max_unavailable)
        && (zero(max_surge) || max_surge.is_none())
    {
        ck.report(
            Diagnostic::error(Code::RollingUpdateZero, span, "this rolling update can never replace a pod")
                .label("`max-unavailable` 0 and no surge")
                .help("allow one of them: `rolling(max-unavailable = 1)` or `rolling(max-unavailable = 0, max-surge = 1)`"),
        );
        return false;
    }
    true
}
