//! One file per kind of item: how a checked item becomes its objects.

pub(super) mod config_map;
pub(super) mod cron_job;
pub(super) mod daemon_set;
pub(super) mod deployment;
pub(super) mod job;
pub(super) mod rbac;
pub(super) mod service;

use crate::ir::IntOrPercent;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `max-unavailable = 1` or `"25%"`, as the rolling updates of DaemonSets and Deployments take it.
pub(super) fn int_or_string(v: &IntOrPercent) -> IntOrString {
    match v {
        IntOrPercent::Int(n) => IntOrString::Int(*n),
        IntOrPercent::Percent(p) => IntOrString::String(p.clone()),
    }
}
