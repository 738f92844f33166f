//! `pipeline` → on the Kubernetes target a runner (`runner.rs`: a Job, or a CronJob that
//! starts one, with its ServiceAccount, Role, RoleBinding and a ConfigMap of task Jobs); with
//! `--target argo` a Workflow or CronWorkflow with a DAG (`argo.rs`) and the executor's Role.
//! docs/pipelines.md describes both and why.

mod argo;
mod runner;

use crate::ir;
use crate::lower::Out;
use crate::target::Target;

/// The labels that tie a run's objects together.
pub const PIPELINE_LABEL: &str = "pipec.dev/pipeline";
pub const RUN_LABEL: &str = "pipec.dev/run";
pub const TASK_LABEL: &str = "pipec.dev/task";

pub(in crate::lower) fn lower(p: &ir::Pipeline, out: &mut Out) {
    match out.program.target {
        Target::Argo => argo::lower(p, out),
        _ => runner::lower(p, out),
    }
}

/// `<pipeline>-runner` (Kubernetes) or `<pipeline>-workflow` (Argo): the ServiceAccount, Role
/// and RoleBinding of a pipeline share this name.
fn rbac_meta(p: &ir::Pipeline, suffix: &str) -> ir::Meta {
    ir::Meta {
        name: format!("{}-{suffix}", p.meta.name),
        span: p.meta.span,
        labels: [(PIPELINE_LABEL.to_string(), p.meta.name.clone())].into(),
        annotations: Default::default(),
        raw: Vec::new(),
    }
}

/// A ServiceAccount, a Role with `rules`, and the RoleBinding that grants them to it and to `also`.
fn rbac_objects(
    p: &ir::Pipeline,
    suffix: &str,
    rules: Vec<k8s_openapi::api::rbac::v1::PolicyRule>,
    also: &[&str],
    out: &mut Out,
) {
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::api::rbac::v1 as rbac;
    let meta = rbac_meta(p, suffix);
    let name = meta.name.clone();
    out.also(core::ServiceAccount {
        metadata: out.meta(&meta),
        automount_service_account_token: Some(true),
        ..Default::default()
    });
    out.also(rbac::Role { metadata: out.meta(&meta), rules: Some(rules) });
    out.also(rbac::RoleBinding {
        metadata: out.meta(&meta),
        role_ref: rbac::RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "Role".into(),
            name: name.clone(),
        },
        subjects: Some(
            std::iter::once(name.as_str())
                .chain(also.iter().copied())
                .map(|account| rbac::Subject {
                    kind: "ServiceAccount".into(),
                    name: account.to_string(),
                    namespace: out.program.namespace.clone(),
                    api_group: None,
                })
                .collect(),
        ),
    });
}

fn rule(group: &str, resources: &[&str], verbs: &[&str]) -> k8s_openapi::api::rbac::v1::PolicyRule {
    let strings = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    k8s_openapi::api::rbac::v1::PolicyRule {
        api_groups: Some(vec![group.to_string()]),
        resources: Some(strings(resources)),
        verbs: strings(verbs),
        ..Default::default()
    }
}
