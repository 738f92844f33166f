//! `group` → one Indexed Job per role and the headless Service that gives the
//! members their DNS names (the group's own object), or one JobSet
//! (`--target jobset`), which makes that Service itself.

use crate::crd::jobset;
use crate::ir;
use crate::lower::GROUP_LABEL;
use crate::lower::Out;
use crate::lower::kinds::job::job_spec;
use crate::lower::pod::{pod_template, template_labels};
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

pub(in crate::lower) fn lower(g: &ir::Group, out: &mut Out) {
    if g.jobset {
        return out.own(job_set(g, out));
    }
    let (service, jobs) = objects(g, out, None);
    out.own(service);
    for (job, role) in jobs.into_iter().zip(&g.roles) {
        out.also_patched(job, &role.meta.raw);
    }
}

/// The headless Service and one Indexed Job per role (in the order of `g.roles`); the
/// members' pods also get `pod_labels` (a pipeline run's).
pub(in crate::lower) fn objects(
    g: &ir::Group,
    out: &Out,
    pod_labels: Option<&BTreeMap<String, String>>,
) -> (core::Service, Vec<batch::Job>) {
    let service = core::Service {
        metadata: out.meta(&g.meta),
        spec: Some(core::ServiceSpec {
            // Headless: `<hostname>.<service>` resolves to one member, and members are
            // published before they are ready, so that peers find each other while starting.
            cluster_ip: Some("None".into()),
            publish_not_ready_addresses: Some(true),
            selector: Some([(GROUP_LABEL.to_string(), g.meta.name.clone())].into()),
            ports: g.port.map(|port| vec![core::ServicePort { name: Some("peer".into()), port, ..Default::default() }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let jobs = g
        .roles
        .iter()
        .map(|role| batch::Job {
            metadata: out.meta(&role.meta),
            spec: Some(job_spec(&role.spec, pod_template(&role.pod, template_labels(&role.pod, pod_labels.cloned())))),
            ..Default::default()
        })
        .collect();
    (service, jobs)
}

fn job_set(g: &ir::Group, out: &Out) -> jobset::JobSet {
    let replicated_jobs = g
        .roles
        .iter()
        .map(|role| {
            let meta = out.meta(&role.meta);
            jobset::ReplicatedJob {
                name: role.name.clone(),
                replicas: Some(1),
                template: batch::JobTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: meta.labels,
                        annotations: meta.annotations,
                        ..Default::default()
                    }),
                    spec: Some(job_spec(&role.spec, pod_template(&role.pod, template_labels(&role.pod, None)))),
                },
            }
        })
        .collect();
    jobset::JobSet {
        metadata: out.meta(&g.meta),
        spec: jobset::JobSetSpec {
            replicated_jobs,
            network: Some(jobset::Network {
                enable_dns_hostnames: Some(true),
                subdomain: Some(g.meta.name.clone()),
                publish_not_ready_addresses: Some(true),
            }),
            success_policy: g.success.as_ref().map(|targets| jobset::SuccessPolicy {
                operator: "All".into(),
                target_replicated_jobs: targets.clone(),
            }),
            failure_policy: g.restarts.map(|n| jobset::FailurePolicy { max_restarts: Some(n) }),
            ttl_seconds_after_finished: g.ttl,
        },
    }
}
