//! The pod template every workload kind shares: containers, env, volumes,
//! tolerations, affinity.

use crate::ir;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The pod template's labels: the program's `pod-labels`, plus the selector's for a DaemonSet.
pub(super) fn template_labels(
    pod: &ir::Pod,
    selector: Option<BTreeMap<String, String>>,
) -> Option<BTreeMap<String, String>> {
    let mut labels = pod.labels.clone();
    labels.extend(selector.unwrap_or_default());
    (!labels.is_empty()).then_some(labels)
}

pub(super) fn pod_template(pod: &ir::Pod, labels: Option<BTreeMap<String, String>>) -> core::PodTemplateSpec {
    #[allow(unused_mut)] // the areas below fill in their fields
    let mut template = core::PodTemplateSpec {
        metadata: (labels.is_some() || !pod.annotations.is_empty() || pod.template_name.is_some()).then(|| {
            ObjectMeta {
                name: pod.template_name.clone(),
                labels,
                annotations: (!pod.annotations.is_empty()).then(|| pod.annotations.clone()),
                ..Default::default()
            }
        }),
        spec: Some(core::PodSpec {
            containers: pod.containers.iter().map(container).collect(),
            init_containers: (!pod.init_containers.is_empty())
                .then(|| pod.init_containers.iter().map(container).collect()),
            volumes: (!pod.volumes.is_empty()).then(|| pod.volumes.iter().map(super::volumes::volume).collect()),
            restart_policy: Some(pod.restart_policy.to_string()),
            node_selector: (!pod.node_selector.is_empty()).then(|| pod.node_selector.clone()),
            tolerations: (!pod.tolerations.is_empty()).then(|| pod.tolerations.iter().map(toleration).collect()),
            affinity: pod.affinity.as_ref().map(affinity),
            service_account_name: pod.service_account.clone(),
            priority_class_name: pod.priority_class.clone(),
            termination_grace_period_seconds: pod.termination_grace_seconds,
            ..Default::default()
        }),
    };
    // ---- each area lowers its pod-level fields here (one call per area)
    // security area
    if let Some(spec) = template.spec.as_mut() {
        super::security::pod(pod, spec);
    }

    // pod-spec area
    if let Some(keys) = &pod.spec {
        super::pod_spec::lower(keys, &mut template);
    }

    // volumes area

    template
}

fn container(c: &ir::Container) -> core::Container {
    let quantities = |m: &BTreeMap<String, crate::units::Quantity>| {
        (!m.is_empty()).then(|| m.iter().map(|(k, q)| (k.clone(), Quantity(q.to_string()))).collect())
    };
    let has_resources = !c.resources.requests.is_empty() || !c.resources.limits.is_empty();
    #[allow(unused_mut)] // the areas below fill in their fields
    let mut out = core::Container {
        name: c.name.clone(),
        image: Some(c.image.clone()),
        image_pull_policy: Some(c.pull_policy.to_string()),
        command: (!c.command.is_empty()).then(|| c.command.clone()),
        args: (!c.args.is_empty()).then(|| c.args.clone()),
        working_dir: c.working_dir.clone(),
        tty: c.tty,
        stdin: c.stdin,
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
    };
    // ---- each area lowers its container fields here (one call per area)
    // security area
    super::security::container(c, &mut out);

    // probes area
    super::probes::container(c, &mut out);

    // volumes area
    super::volumes::container(c, &mut out);

    out
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
            required_during_scheduling_ignored_during_execution: (!a.required.is_empty() || !a.required_any.is_empty())
                .then(|| {
                    // Terms are OR-ed and `required` must hold on every node: it joins each term.
                    let term = |any: &[ir::NodeRequirement]| core::NodeSelectorTerm {
                        match_expressions: Some(a.required.iter().chain(any).map(requirement).collect()),
                        match_fields: None,
                    };
                    core::NodeSelector {
                        node_selector_terms: match a.required_any.is_empty() {
                            true => vec![term(&[])],
                            false => a.required_any.iter().map(|any| term(any)).collect(),
                        },
                    }
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
