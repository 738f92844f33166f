//! A `deployment`: the Deployment fields around the pod (replicas, the rollout
//! strategy and its timing) and the selector its pods carry.

use super::daemon_set::own_selector;
use crate::ast::ExprKind;
use crate::check::Checker;
use crate::check::fields::Fields;
use crate::check::read;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, DeploymentStrategy, IntOrPercent, Pod, UpdateStrategy};
use crate::schema;

pub(super) fn deployment<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    mut pod: Option<Pod>,
) -> Option<ir::Object> {
    let selector = own_selector(ck, f, pod.as_mut(), &schema::DEPLOYMENT_SELECTOR, "Deployment");
    let replicas = read::int32(ck, f, &schema::REPLICAS);
    let strategy = strategy(ck, f);
    let min_ready = read::seconds(ck, f, &schema::DEPLOYMENT_MIN_READY);
    let revision_history_limit = read::int32(ck, f, &schema::REVISION_HISTORY);
    let progress = read::seconds(ck, f, &schema::PROGRESS_DEADLINE);
    let paused = read::boolean(ck, f, &schema::PAUSED).map(|(b, _)| b);
    let mut ok = true;
    // The API server rejects a deadline that is not longer than minReadySeconds
    // (a rollout could never make progress in time).
    if let Some((deadline, at)) = progress {
        let ready = min_ready.map_or(0, |(s, _)| s);
        if deadline <= ready {
            ok = false;
            ck.report(
                Diagnostic::error(
                    Code::DeploymentSpec,
                    at,
                    format!("`progress-deadline` ({deadline}s) must be longer than `min-ready` ({ready}s)"),
                )
                .label("a rollout could never progress in time")
                .help("a new pod counts as progress only once it has been ready for `min-ready`: make the deadline longer"),
            );
        }
    }
    let (Some(meta), Some(pod), Some(strategy), Some(selector), true) = (meta, pod, strategy, selector, ok) else {
        return None;
    };
    Some(ir::Object::Deployment(ir::Deployment {
        meta,
        replicas,
        strategy,
        min_ready_seconds: min_ready.map(|(s, _)| s as i32),
        revision_history_limit,
        progress_deadline_seconds: progress.map(|(s, _)| s as i32),
        paused,
        selector,
        pod,
    }))
}

/// `update = rolling(…)` or `recreate`; `None` when wrong (reported).
fn strategy<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<DeploymentStrategy> {
    let Some(e) = read::expr(ck, f, &schema::DEPLOYMENT_UPDATE) else {
        return (f.peek_span(&schema::DEPLOYMENT_UPDATE).is_none()).then_some(DeploymentStrategy::Default);
    };
    match &e.kind {
        ExprKind::Word(w) if w == "recreate" => return Some(DeploymentStrategy::Recreate),
        ExprKind::Word(w) if w == "on-delete" => {
            ck.report(
                Diagnostic::error(Code::DeploymentSpec, e.span, "a Deployment has no `on-delete` update")
                    .label("a DaemonSet's strategy")
                    .help("a Deployment replaces its pods with `rolling(…)` (the default) or `recreate` (all stopped first)"),
            );
            return None;
        }
        _ => {}
    }
    let UpdateStrategy::Rolling { max_unavailable, max_surge } = ck.update_strategy(e)? else { return None };
    // Both 0: no pod may go and none may be added, so none is ever replaced.
    let zero = |v: &Option<IntOrPercent>| {
        matches!(v, Some(IntOrPercent::Int(0))) || matches!(v, Some(IntOrPercent::Percent(p)) if p == "0%")
    };
    if zero(&max_unavailable) && zero(&max_surge) {
        ck.report(
            Diagnostic::error(Code::RollingUpdateZero, e.span, "this rolling update can never replace a pod")
                .label("`max-unavailable` and `max-surge` both 0")
                .help("allow one of them: `rolling(max-unavailable = 0, max-surge = 1)` starts a new pod before stopping an old one"),
        );
        return None;
    }
    Some(DeploymentStrategy::Rolling { max_unavailable, max_surge })
}
