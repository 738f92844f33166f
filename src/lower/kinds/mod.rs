//! One file per kind of item: how a checked item becomes its objects.

pub(super) mod config_map;
pub(super) mod cron_job;
pub(super) mod daemon_set;
pub(super) mod deployment;
pub(super) mod job;
pub(super) mod pipeline;
pub(super) mod rbac;
pub(super) mod service;
pub(super) mod spark;

use crate::ir::IntOrPercent;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `max-unavailable = 1` or `"25%"`, as the rolling updates of DaemonSets and Deployments take it.
pub(super) fn int_or_string(v: &IntOrPercent) -> IntOrString {
    match v {
        IntOrPercent::Int(n) => IntOrString::Int(*n),
        IntOrPercent::Percent(p) => IntOrString::String(p.clone()),
    }
}

/// The selector of a DaemonSet or Deployment and its pod template's labels, which
/// must agree. The program's own selector is already in the pod labels (the checker
/// put it there); pipec's own is `app.kubernetes.io/name: <name>`, where a user's own
/// value of that label wins.
pub(super) fn selector_and_labels(
    own: Option<&std::collections::BTreeMap<String, String>>,
    pod: &crate::ir::Pod,
    name: &str,
) -> (std::collections::BTreeMap<String, String>, Option<std::collections::BTreeMap<String, String>>) {
    use crate::lower::meta::NAME_LABEL;
    use crate::lower::pod::template_labels;
    match own {
        Some(own) => (own.clone(), template_labels(pod, None)),
        None => {
            let selected = pod.labels.get(NAME_LABEL).map_or(name, String::as_str).to_string();
            let selector = std::collections::BTreeMap::from([(NAME_LABEL.to_string(), selected)]);
            (selector.clone(), template_labels(pod, Some(selector)))
        }
    }
}
