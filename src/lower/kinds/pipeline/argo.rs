//! `--target argo`: a Workflow (a CronWorkflow when scheduled, with `schedules`) whose entry
//! template is a DAG, one task per pipeline task with `depends` on those it is after; each task
//! a container template made from the same pod as its Job on the Kubernetes target. The run's
//! ServiceAccount gets the one permission Argo's executor needs (`workflowtaskresults`).

use super::{PIPELINE_LABEL, TASK_LABEL};
use crate::crd::argo::{self, CronWorkflow, Workflow};
use crate::ir;
use crate::lower::Out;
use crate::lower::pod::{pod_template, template_labels};

pub(super) fn lower(p: &ir::Pipeline, out: &mut Out) {
    let account = format!("{}-workflow", p.meta.name);
    let spec = workflow_spec(p, &account);
    let mut metadata = out.meta(&p.meta);
    metadata.labels.get_or_insert_default().insert(PIPELINE_LABEL.into(), p.meta.name.clone());
    match &p.schedule {
        Some(s) => out.own(CronWorkflow::new(
            metadata,
            argo::CronWorkflowSpec {
                schedules: vec![s.schedule.clone()],
                timezone: s.time_zone.clone(),
                concurrency_policy: s.concurrency_policy.map(String::from),
                starting_deadline_seconds: s.starting_deadline_seconds,
                successful_jobs_history_limit: s.successful_jobs_history_limit,
                failed_jobs_history_limit: s.failed_jobs_history_limit,
                workflow_spec: spec,
            },
        )),
        None => out.own(Workflow::new(metadata, spec)),
    }
    let rules = vec![super::rule("argoproj.io", &["workflowtaskresults"], &["create", "patch"])];
    // A task that runs as an account of its own needs the executor's right too.
    let mut accounts: Vec<&str> = p.tasks.iter().filter_map(|t| t.pod.service_account.as_deref()).collect();
    accounts.sort_unstable();
    accounts.dedup();
    super::rbac_objects(p, "workflow", rules, &accounts, out);
}

fn workflow_spec(p: &ir::Pipeline, account: &str) -> argo::WorkflowSpec {
    let dag = argo::DagTemplate {
        tasks: p
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let up: Vec<String> = p.upstream(i).map(|u| format!("{}.Succeeded", p.tasks[u].name)).collect();
                argo::DagTask {
                    name: t.name.clone(),
                    template: t.name.clone(),
                    depends: (!up.is_empty()).then(|| up.join(" && ")),
                }
            })
            .collect(),
    };
    let mut templates = vec![argo::Template { name: p.meta.name.clone(), dag: Some(dag), ..Default::default() }];
    templates.extend(p.tasks.iter().map(|t| template(p, t)));
    argo::WorkflowSpec {
        entrypoint: p.meta.name.clone(),
        service_account_name: Some(account.to_string()),
        active_deadline_seconds: p.deadline_seconds,
        ttl_strategy: Some(argo::TtlStrategy { seconds_after_completion: Some(p.ttl_seconds) }),
        pod_metadata: Some(argo::Metadata {
            labels: [(PIPELINE_LABEL.to_string(), p.meta.name.clone())].into(),
            ..Default::default()
        }),
        templates,
    }
}

/// A task's pod as a container template: the fields Argo's template has are moved there, the
/// rest of the pod spec (if any) goes in `podSpecPatch`.
fn template(p: &ir::Pipeline, task: &ir::Task) -> argo::Template {
    let labels = [(PIPELINE_LABEL.to_string(), p.meta.name.clone()), (TASK_LABEL.to_string(), task.name.clone())];
    let pod = pod_template(&task.pod, template_labels(&task.pod, Some(labels.into())));
    let meta = pod.metadata.unwrap_or_default();
    let mut spec = pod.spec.unwrap_or_default();
    let mut containers = std::mem::take(&mut spec.containers).into_iter();
    let container = containers.next();
    let sidecars: Vec<_> = containers.collect();
    let mut t = argo::Template {
        name: task.name.clone(),
        metadata: Some(argo::Metadata {
            labels: meta.labels.unwrap_or_default(),
            annotations: meta.annotations.unwrap_or_default(),
        }),
        container,
        sidecars,
        init_containers: spec.init_containers.take().unwrap_or_default(),
        volumes: spec.volumes.take().unwrap_or_default(),
        node_selector: spec.node_selector.take(),
        tolerations: spec.tolerations.take(),
        affinity: spec.affinity.take(),
        security_context: spec.security_context.take(),
        service_account_name: spec.service_account_name.take(),
        priority_class_name: spec.priority_class_name.take(),
        scheduler_name: spec.scheduler_name.take(),
        host_aliases: spec.host_aliases.take(),
        retry_strategy: task
            .spec
            .backoff_limit
            .filter(|n| *n > 0)
            .map(|limit| argo::RetryStrategy { limit, retry_policy: "OnFailure".into() }),
        active_deadline_seconds: task.spec.active_deadline_seconds,
        ..Default::default()
    };
    // Argo sets the restart policy of its pods itself, and its executor in every pod reports
    // through the service account's token (the template's account gets that right).
    spec.restart_policy = None;
    spec.automount_service_account_token = None;
    let mut rest = serde_json::to_value(&spec).unwrap_or_default();
    if let Some(fields) = rest.as_object_mut() {
        fields.remove("containers");
        if !fields.is_empty() {
            t.pod_spec_patch = serde_json::to_string(&rest).ok();
        }
    }
    t
}
