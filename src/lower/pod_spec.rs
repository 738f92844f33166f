//! The pod-spec keys beyond containers and placement (`check/pod_spec.rs`), into
//! the pod template's spec: DNS, names, scheduling, host aliases, topology spread.

use crate::ir::{self, PodSpecKeys};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub(super) fn lower(keys: &PodSpecKeys, template: &mut core::PodTemplateSpec) {
    let Some(spec) = template.spec.as_mut() else { return };
    let text = |s: Option<&'static str>| s.map(String::from);
    spec.dns_policy = text(keys.dns_policy);
    spec.dns_config = keys.dns_config.as_ref().map(dns_config);
    spec.node_name.clone_from(&keys.node_name);
    spec.hostname.clone_from(&keys.hostname);
    spec.subdomain.clone_from(&keys.subdomain);
    spec.enable_service_links = keys.enable_service_links;
    spec.share_process_namespace = keys.share_process_namespace;
    spec.runtime_class_name.clone_from(&keys.runtime_class);
    spec.scheduler_name.clone_from(&keys.scheduler_name);
    spec.preemption_policy = text(keys.preemption_policy);
    if !keys.image_pull_secrets.is_empty() {
        spec.image_pull_secrets = Some(
            keys.image_pull_secrets.iter().map(|name| core::LocalObjectReference { name: name.clone() }).collect(),
        );
    }
    if !keys.host_aliases.is_empty() {
        spec.host_aliases = Some(
            keys.host_aliases
                .iter()
                .map(|a| core::HostAlias {
                    ip: a.ip.clone(),
                    hostnames: (!a.hostnames.is_empty()).then(|| a.hostnames.clone()),
                })
                .collect(),
        );
    }
    if !keys.topology_spread.is_empty() {
        spec.topology_spread_constraints = Some(keys.topology_spread.iter().map(spread).collect());
    }
}

fn dns_config(c: &ir::DnsConfig) -> core::PodDNSConfig {
    let list = |l: &Vec<String>| (!l.is_empty()).then(|| l.clone());
    core::PodDNSConfig {
        nameservers: list(&c.nameservers),
        searches: list(&c.searches),
        options: (!c.options.is_empty()).then(|| {
            c.options
                .iter()
                .map(|(name, value)| core::PodDNSConfigOption { name: Some(name.clone()), value: value.clone() })
                .collect()
        }),
    }
}

fn spread(s: &ir::TopologySpread) -> core::TopologySpreadConstraint {
    core::TopologySpreadConstraint {
        max_skew: s.max_skew,
        topology_key: s.topology_key.clone(),
        when_unsatisfiable: s.when_unsatisfiable.to_string(),
        label_selector: (!s.match_labels.is_empty())
            .then(|| LabelSelector { match_labels: Some(s.match_labels.clone()), match_expressions: None }),
        match_label_keys: (!s.match_label_keys.is_empty()).then(|| s.match_label_keys.clone()),
        min_domains: s.min_domains,
        node_affinity_policy: s.node_affinity_policy.map(String::from),
        node_taints_policy: s.node_taints_policy.map(String::from),
    }
}
