//! Checked program → typed Kubernetes objects (k8s-openapi). Nothing here can
//! fail: every decision that needs a diagnostic was made in `check`.

mod raw;

use crate::diag::Diagnostic;
use crate::ir::{self, IntOrPercent, Program, UpdateStrategy, VolumeSource};
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The label every emitted object carries, so that a cluster shows what pipec manages.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "pipec");
/// The label naming the program an object came from (used by prune, later).
pub const PROGRAM_LABEL: &str = "pipec.dev/program";
/// The label a DaemonSet's selector matches on.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";

/// One emitted object (boxed: the k8s-openapi structs are large and differ in size).
pub enum K8sObject {
    ConfigMap(Box<core::ConfigMap>),
    Job(Box<batch::Job>),
    CronJob(Box<batch::CronJob>),
    DaemonSet(Box<apps::DaemonSet>),
}

impl K8sObject {
    pub fn kind(&self) -> &'static str {
        match self {
            K8sObject::ConfigMap(_) => "ConfigMap",
            K8sObject::Job(_) => "Job",
            K8sObject::CronJob(_) => "CronJob",
            K8sObject::DaemonSet(_) => "DaemonSet",
        }
    }
    fn metadata(&self) -> &ObjectMeta {
        match self {
            K8sObject::ConfigMap(o) => &o.metadata,
            K8sObject::Job(o) => &o.metadata,
            K8sObject::CronJob(o) => &o.metadata,
            K8sObject::DaemonSet(o) => &o.metadata,
        }
    }
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or("")
    }
    pub fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }
}

/// One object, with its `raw` patches applied.
pub fn lower_one(program: &Program, o: &ir::Object, diags: &mut Vec<Diagnostic>) -> K8sObject {
    let object = lower_object(program, o);
    let raw = &o.meta().raw;
    if raw.is_empty() {
        return object;
    }
    match object {
        K8sObject::ConfigMap(x) => K8sObject::ConfigMap(Box::new(raw::apply(*x, raw, diags))),
        K8sObject::Job(x) => K8sObject::Job(Box::new(raw::apply(*x, raw, diags))),
        K8sObject::CronJob(x) => K8sObject::CronJob(Box::new(raw::apply(*x, raw, diags))),
        K8sObject::DaemonSet(x) => K8sObject::DaemonSet(Box::new(raw::apply(*x, raw, diags))),
    }
}

fn lower_object(program: &Program, object: &ir::Object) -> K8sObject {
    match object {
        ir::Object::Config(c) => K8sObject::ConfigMap(Box::new(core::ConfigMap {
            metadata: object_meta(program, &c.meta),
            data: Some(c.data.clone()),
            immutable: c.immutable,
            ..Default::default()
        })),
        ir::Object::Job(j) => K8sObject::Job(Box::new(batch::Job {
            metadata: object_meta(program, &j.meta),
            spec: Some(job_spec(&j.spec, pod_template(&j.pod, template_labels(&j.pod, None)))),
            ..Default::default()
        })),
        ir::Object::Cron(c) => K8sObject::CronJob(Box::new(batch::CronJob {
            metadata: object_meta(program, &c.meta),
            spec: batch::CronJobSpec {
                schedule: c.schedule.clone(),
                time_zone: c.time_zone.clone(),
                concurrency_policy: c.concurrency_policy.map(String::from),
                starting_deadline_seconds: c.starting_deadline_seconds,
                successful_jobs_history_limit: c.successful_jobs_history_limit,
                failed_jobs_history_limit: c.failed_jobs_history_limit,
                suspend: c.suspend,
                job_template: batch::JobTemplateSpec {
                    metadata: None,
                    spec: Some(job_spec(&c.job, pod_template(&c.pod, template_labels(&c.pod, None)))),
                },
            },
            ..Default::default()
        })),
        ir::Object::Daemon(d) => {
            // The selector must match the template's labels: a user's own `app.kubernetes.io/name` wins.
            let selected = d.pod.labels.get(NAME_LABEL).unwrap_or(&d.meta.name).clone();
            let selector = BTreeMap::from([(NAME_LABEL.to_string(), selected)]);
            K8sObject::DaemonSet(Box::new(apps::DaemonSet {
                metadata: object_meta(program, &d.meta),
                spec: apps::DaemonSetSpec {
                    selector: LabelSelector { match_labels: Some(selector.clone()), match_expressions: None },
                    template: pod_template(&d.pod, template_labels(&d.pod, Some(selector))),
                    update_strategy: update_strategy(&d.update),
                    min_ready_seconds: d.min_ready_seconds,
                    revision_history_limit: None,
                },
                ..Default::default()
            }))
        }
    }
}

fn object_meta(program: &Program, meta: &ir::Meta) -> ObjectMeta {
    let mut labels = meta.labels.clone();
    labels.insert(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string());
    labels.insert(PROGRAM_LABEL.to_string(), program.name.clone());
    ObjectMeta {
        name: Some(meta.name.clone()),
        namespace: program.namespace.clone(),
        labels: Some(labels),
        annotations: (!meta.annotations.is_empty()).then(|| meta.annotations.clone()),
        ..Default::default()
    }
}

/// The pod template's labels: the user's, plus the selector's for a DaemonSet.
/// The pod template's labels: the program's `pod-labels`, plus the selector's for a DaemonSet.
fn template_labels(pod: &ir::Pod, selector: Option<BTreeMap<String, String>>) -> Option<BTreeMap<String, String>> {
    let mut labels = pod.labels.clone();
    labels.extend(selector.unwrap_or_default());
    (!labels.is_empty()).then_some(labels)
}

fn job_spec(spec: &ir::JobSpec, template: core::PodTemplateSpec) -> batch::JobSpec {
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

fn update_strategy(u: &UpdateStrategy) -> Option<apps::DaemonSetUpdateStrategy> {
    let int_or_string = |v: &IntOrPercent| match v {
        IntOrPercent::Int(n) => IntOrString::Int(*n),
        IntOrPercent::Percent(p) => IntOrString::String(p.clone()),
    };
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

fn pod_template(pod: &ir::Pod, labels: Option<BTreeMap<String, String>>) -> core::PodTemplateSpec {
    core::PodTemplateSpec {
        metadata: (labels.is_some() || !pod.annotations.is_empty()).then(|| ObjectMeta {
            labels,
            annotations: (!pod.annotations.is_empty()).then(|| pod.annotations.clone()),
            ..Default::default()
        }),
        spec: Some(core::PodSpec {
            containers: pod.containers.iter().map(container).collect(),
            init_containers: (!pod.init_containers.is_empty())
                .then(|| pod.init_containers.iter().map(container).collect()),
            volumes: (!pod.volumes.is_empty()).then(|| pod.volumes.iter().map(volume).collect()),
            restart_policy: Some(pod.restart_policy.to_string()),
            node_selector: (!pod.node_selector.is_empty()).then(|| pod.node_selector.clone()),
            tolerations: (!pod.tolerations.is_empty()).then(|| pod.tolerations.iter().map(toleration).collect()),
            affinity: pod.affinity.as_ref().map(affinity),
            service_account_name: pod.service_account.clone(),
            priority_class_name: pod.priority_class.clone(),
            termination_grace_period_seconds: pod.termination_grace_seconds,
            ..Default::default()
        }),
    }
}

fn container(c: &ir::Container) -> core::Container {
    let quantities = |m: &BTreeMap<String, crate::values::Quantity>| {
        (!m.is_empty()).then(|| m.iter().map(|(k, q)| (k.clone(), Quantity(q.to_string()))).collect())
    };
    let has_resources = !c.resources.requests.is_empty() || !c.resources.limits.is_empty();
    core::Container {
        name: c.name.clone(),
        image: Some(c.image.clone()),
        image_pull_policy: Some(c.pull_policy.to_string()),
        command: (!c.command.is_empty()).then(|| c.command.clone()),
        args: (!c.args.is_empty()).then(|| c.args.clone()),
        working_dir: c.working_dir.clone(),
        env: (!c.env.is_empty()).then(|| c.env.iter().map(env_var).collect()),
        resources: has_resources.then(|| core::ResourceRequirements {
            requests: quantities(&c.resources.requests),
            limits: quantities(&c.resources.limits),
            ..Default::default()
        }),
        volume_mounts: (!c.mounts.is_empty()).then(|| {
            c.mounts
                .iter()
                .map(|m| core::VolumeMount {
                    name: m.volume.clone(),
                    mount_path: m.path.clone(),
                    read_only: m.read_only.then_some(true),
                    sub_path: m.sub_path.clone(),
                    ..Default::default()
                })
                .collect()
        }),
        ..Default::default()
    }
}

fn env_var(e: &ir::EnvVar) -> core::EnvVar {
    let from =
        |source: core::EnvVarSource| core::EnvVar { name: e.name.clone(), value: None, value_from: Some(source) };
    match &e.value {
        ir::EnvValue::Literal(v) => core::EnvVar { name: e.name.clone(), value: Some(v.clone()), value_from: None },
        ir::EnvValue::ConfigKey { config, key } => from(core::EnvVarSource {
            config_map_key_ref: Some(core::ConfigMapKeySelector {
                name: config.clone(),
                key: key.clone(),
                optional: None,
            }),
            ..Default::default()
        }),
        ir::EnvValue::SecretKey { secret, key } => from(core::EnvVarSource {
            secret_key_ref: Some(core::SecretKeySelector { name: secret.clone(), key: key.clone(), optional: None }),
            ..Default::default()
        }),
        ir::EnvValue::Field(path) => from(core::EnvVarSource {
            field_ref: Some(core::ObjectFieldSelector { field_path: path.clone(), api_version: None }),
            ..Default::default()
        }),
        ir::EnvValue::Resource(resource) => from(core::EnvVarSource {
            resource_field_ref: Some(core::ResourceFieldSelector {
                resource: resource.clone(),
                container_name: None,
                divisor: None,
            }),
            ..Default::default()
        }),
    }
}

fn volume(v: &ir::Volume) -> core::Volume {
    let mut out = core::Volume { name: v.name.clone(), ..Default::default() };
    match &v.source {
        VolumeSource::Config(name) => {
            out.config_map = Some(core::ConfigMapVolumeSource { name: name.clone(), ..Default::default() })
        }
        VolumeSource::Secret(name) => {
            out.secret = Some(core::SecretVolumeSource { secret_name: Some(name.clone()), ..Default::default() })
        }
        VolumeSource::EmptyDir { medium, size_limit } => {
            out.empty_dir = Some(core::EmptyDirVolumeSource {
                medium: medium.map(String::from),
                size_limit: size_limit.map(|q| Quantity(q.to_string())),
                ..Default::default()
            })
        }
        VolumeSource::HostPath { path, kind } => {
            out.host_path = Some(core::HostPathVolumeSource { path: path.clone(), type_: kind.map(String::from) })
        }
        VolumeSource::Pvc { claim, read_only } => {
            out.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: read_only.then_some(true),
            })
        }
    }
    out
}

fn toleration(t: &ir::Toleration) -> core::Toleration {
    core::Toleration {
        key: t.key.clone(),
        operator: t.operator.map(String::from),
        value: t.value.clone(),
        effect: t.effect.map(String::from),
        toleration_seconds: t.seconds,
    }
}

fn affinity(a: &ir::NodeAffinity) -> core::Affinity {
    let requirement = |r: &ir::NodeRequirement| core::NodeSelectorRequirement {
        key: r.key.clone(),
        operator: r.operator.to_string(),
        values: (!r.values.is_empty()).then(|| r.values.clone()),
    };
    core::Affinity {
        node_affinity: Some(core::NodeAffinity {
            required_during_scheduling_ignored_during_execution: (!a.required.is_empty()).then(|| core::NodeSelector {
                node_selector_terms: vec![core::NodeSelectorTerm {
                    match_expressions: Some(a.required.iter().map(requirement).collect()),
                    match_fields: None,
                }],
            }),
            preferred_during_scheduling_ignored_during_execution: (!a.preferred.is_empty()).then(|| {
                a.preferred
                    .iter()
                    .map(|(weight, r)| core::PreferredSchedulingTerm {
                        weight: *weight,
                        preference: core::NodeSelectorTerm {
                            match_expressions: Some(vec![requirement(r)]),
                            match_fields: None,
                        },
                    })
                    .collect()
            }),
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            keys: Vec::new(),
            objects: vec![ir::Object::Daemon(ir::Daemon {
                meta,
                update: UpdateStrategy::Default,
                min_ready_seconds: None,
                pod: ir::Pod { restart_policy: "Always", labels: pod_labels, ..Default::default() },
            })],
        };
        match lower_one(&program, &program.objects[0], &mut Vec::new()) {
            K8sObject::DaemonSet(d) => *d,
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
