//! `daemon` → a DaemonSet, with the selector its pods carry.

use super::int_or_string;
use crate::ir::{self, UpdateStrategy};
use crate::lower::Out;
use crate::lower::pod::pod_template;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub(in crate::lower) fn lower(d: &ir::Daemon, out: &mut Out) {
    let (selector, labels) = super::selector_and_labels(d.selector.as_ref(), &d.pod, &d.meta.name);
    out.own(apps::DaemonSet {
        metadata: out.meta(&d.meta),
        spec: apps::DaemonSetSpec {
            selector: LabelSelector { match_labels: Some(selector), match_expressions: None },
            template: pod_template(&d.pod, labels),
            update_strategy: update_strategy(&d.update),
            min_ready_seconds: d.min_ready_seconds,
            revision_history_limit: None,
        },
        ..Default::default()
    });
}

fn update_strategy(u: &UpdateStrategy) -> Option<apps::DaemonSetUpdateStrategy> {
    match u {
        UpdateStrategy::Default => None,
        UpdateStrategy::OnDelete => {
            Some(apps::DaemonSetUpdateStrategy { type_: Some("OnDelete".into()), rolling_update: None })
        }
        UpdateStrategy::Rolling { max_unavailable, max_surge } => Some(apps::DaemonSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: (max_unavailable.is_some() || max_surge.is_some()).then(|| apps::RollingUpdateDaemonSet {
                max_unavailable: max_unavailable.as_ref().map(int_or_string),
                max_surge: max_surge.as_ref().map(int_or_string),
            }),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Program;
    use crate::lower::meta::NAME_LABEL;
    use crate::lower::{K8sObject, lower_item};

    fn daemon(labels: &[(&str, &str)]) -> apps::DaemonSet {
        let meta = ir::Meta {
            name: "agent".into(),
            span: crate::source::Span::new(crate::source::FileId(0), 0, 0),
            labels: Default::default(),
            annotations: Default::default(),
            raw: Vec::new(),
        };
        let pod_labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let program = Program {
            name: "p".into(),
            namespace: None,
            manager: "pipec".into(),
            kube_version: Default::default(),
            target: Default::default(),
            keys: Vec::new(),
            objects: vec![ir::Object::Daemon(ir::Daemon {
                meta,
                update: UpdateStrategy::Default,
                min_ready_seconds: None,
                selector: None,
                pod: ir::Pod { restart_policy: "Always", labels: pod_labels, ..Default::default() },
            })],
        };
        let mut objects = Vec::new();
        lower_item(&program, &program.objects[0], &mut Vec::new(), |k| objects.push(k));
        match objects.pop() {
            Some(K8sObject::DaemonSet(d)) => *d,
            _ => unreachable!(),
        }
    }

    #[test]
    fn daemonset_selector_matches_its_template() {
        for labels in [&[][..], &[("app", "x")], &[(NAME_LABEL, "custom")]] {
            let d = daemon(labels);
            let selector = d.spec.selector.match_labels.unwrap();
            let template = d.spec.template.metadata.unwrap().labels.unwrap();
            for (k, v) in &selector {
                assert_eq!(template.get(k), Some(v), "selector {k}={v} not in the template's labels");
            }
        }
    }
}
