//! A `daemon`: the DaemonSet fields around the pod, and its update strategy.

use crate::check::Checker;
use crate::check::fields::Fields;
use crate::check::read;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Pod};
use crate::schema;
use crate::source::Span;

pub(super) fn daemon_set<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    pod: Option<Pod>,
) -> Option<ir::Object> {
    let update = match read::take(ck, f, &schema::UPDATE) {
        Some((k, v)) => ck.expr_of(k, v).and_then(|e| {
            let update = ck.update_strategy(e)?;
            rolling_update_progresses(ck, &update, e.span).then_some(update)
        }),
        None => Some(ir::UpdateStrategy::Default),
    };
    let min_ready_seconds = read::seconds(ck, f, &schema::MIN_READY).map(|(s, _)| s as i32);
    match (meta, pod, update) {
        (Some(meta), Some(pod), Some(update)) => {
            Some(ir::Object::Daemon(ir::Daemon { meta, update, min_ready_seconds, pod }))
        }
        _ => None,
    }
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
