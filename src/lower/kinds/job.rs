//! `job` → a Job. `job_spec` is shared with `cron` (its job template).

use crate::ir;
use crate::lower::Out;
use crate::lower::pod::{pod_template, template_labels};
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;

pub(in crate::lower) fn lower(j: &ir::Job, out: &mut Out) {
    let job = job(j, out);
    out.own(job);
}

/// The Job of `j` (also a `spark`'s driver Job).
pub(super) fn job(j: &ir::Job, out: &Out) -> batch::Job {
    let mut metadata = out.meta(&j.meta);
    if j.generate_name {
        // The API server appends 5 random characters: each `kubectl create` makes a new Job.
        metadata.generate_name = metadata.name.take().map(|name| format!("{name}-"));
    }
    batch::Job {
        metadata,
        spec: Some(job_spec(&j.spec, pod_template(&j.pod, template_labels(&j.pod, None)))),
        ..Default::default()
    }
}

pub(in crate::lower) fn job_spec(spec: &ir::JobSpec, template: core::PodTemplateSpec) -> batch::JobSpec {
    batch::JobSpec {
        completions: spec.completions,
        parallelism: spec.parallelism,
        backoff_limit: spec.backoff_limit,
        active_deadline_seconds: spec.active_deadline_seconds,
        ttl_seconds_after_finished: spec.ttl_seconds_after_finished,
        completion_mode: spec.completion_mode.map(String::from),
        suspend: spec.suspend,
        backoff_limit_per_index: spec.backoff_limit_per_index,
        max_failed_indexes: spec.max_failed_indexes,
        pod_replacement_policy: spec.pod_replacement_policy.map(String::from),
        managed_by: spec.managed_by.clone(),
        pod_failure_policy: spec.pod_failure_policy.as_ref().map(|rules| batch::PodFailurePolicy {
            rules: rules
                .iter()
                .map(|r| batch::PodFailurePolicyRule {
                    action: r.action.to_string(),
                    on_exit_codes: r.on_exit_codes.as_ref().map(|c| batch::PodFailurePolicyOnExitCodesRequirement {
                        container_name: c.container.clone(),
                        operator: c.operator.to_string(),
                        values: c.values.clone(),
                    }),
                    on_pod_conditions: (!r.on_pod_conditions.is_empty()).then(|| {
                        r.on_pod_conditions
                            .iter()
                            .map(|(kind, status)| batch::PodFailurePolicyOnPodConditionsPattern {
                                type_: kind.clone(),
                                status: Some(status.to_string()),
                            })
                            .collect()
                    }),
                })
                .collect(),
        }),
        success_policy: spec.success_policy.as_ref().map(|rules| batch::SuccessPolicy {
            rules: rules
                .iter()
                .map(|r| batch::SuccessPolicyRule { succeeded_indexes: r.indexes.clone(), succeeded_count: r.count })
                .collect(),
        }),
        template,
        ..Default::default()
    }
}
