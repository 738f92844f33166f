//! `qos = guaranteed` asserts the class the kubelet will give the pods; a
//! contradiction points at the container whose resources break it.

use super::Checker;
use super::eval::Choices;
use super::fields::Value;
use crate::ast::Key;
use crate::diag::{Code, Diagnostic};
use crate::ir::Pod;
use crate::qos::{self, QosClass};

const CLASSES: Choices = &[("guaranteed", "Guaranteed"), ("burstable", "Burstable"), ("best-effort", "BestEffort")];

pub(super) fn assertion<'a>(ck: &mut Checker<'a>, pod: &Pod, key: &'a Key, value: Value<'a>) {
    let Some(expr) = ck.expr_of(key, value) else { return };
    let Some(wanted) = ck.choice(expr, "`qos`", CLASSES) else { return };
    let (class, breaker) = qos::classify(pod);
    if class.as_str() == wanted {
        return;
    }
    let reason = breaker.as_ref().map(|b| b.reason.clone()).unwrap_or_default();
    let mut d = Diagnostic::error(
        Code::QosMismatch,
        expr.span,
        format!("the pods get QoS class {}, not {wanted}", class.as_str()),
    )
    .label(format!("asserts {wanted}"));
    let culprit =
        breaker.and_then(|b| pod.containers.iter().chain(&pod.init_containers).find(|c| c.name == b.container));
    if wanted == "BestEffort" {
        // Any container that sets cpu or memory breaks BestEffort.
        let setter = pod.containers.iter().chain(&pod.init_containers).find(|c| c.resources_span.is_some());
        if let Some(span) = setter.and_then(|c| c.resources_span) {
            d = d.secondary(span, "sets cpu or memory");
        }
    } else if let Some(c) = culprit
        && let Some(span) = c.resources_span.or(c.span)
    {
        d = d.secondary(span, reason.clone());
    }
    let help = match (wanted, class) {
        ("Guaranteed", _) => "give every container (init containers too) cpu and memory limits equal to its requests, e.g. `resources { cpu = 1, memory = 1Gi }`".to_string(),
        ("BestEffort", _) => "remove every cpu and memory request and limit".to_string(),
        (_, QosClass::Guaranteed) => "make some request lower than its limit, or assert `qos = guaranteed`".to_string(),
        _ => "set a cpu or memory request on some container".to_string(),
    };
    ck.report(d.help(help));
}
