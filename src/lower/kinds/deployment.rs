//! `deployment` → a Deployment, with the selector its pods carry (as a DaemonSet's).

use super::int_or_string;
use crate::ir::{self, DeploymentStrategy};
use crate::lower::Out;
use crate::lower::pod::pod_template;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub(in crate::lower) fn lower(d: &ir::Deployment, out: &mut Out) {
    let (selector, labels) = super::selector_and_labels(d.selector.as_ref(), &d.pod, &d.meta.name);
    out.own(apps::Deployment {
        metadata: out.meta(&d.meta),
        spec: apps::DeploymentSpec {
            replicas: d.replicas,
            selector: LabelSelector { match_labels: Some(selector), match_expressions: None },
            template: pod_template(&d.pod, labels),
            strategy: strategy(&d.strategy),
            min_ready_seconds: d.min_ready_seconds,
            revision_history_limit: d.revision_history_limit,
            progress_deadline_seconds: d.progress_deadline_seconds,
            paused: d.paused,
        },
        ..Default::default()
    });
}

fn strategy(s: &DeploymentStrategy) -> Option<apps::DeploymentStrategy> {
    match s {
        DeploymentStrategy::Default => None,
        DeploymentStrategy::Recreate => {
            Some(apps::DeploymentStrategy { type_: Some("Recreate".into()), rolling_update: None })
        }
        DeploymentStrategy::Rolling { max_unavailable, max_surge } => Some(apps::DeploymentStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: (max_unavailable.is_some() || max_surge.is_some()).then(|| apps::RollingUpdateDeployment {
                max_unavailable: max_unavailable.as_ref().map(int_or_string),
                max_surge: max_surge.as_ref().map(int_or_string),
            }),
        }),
    }
}
