//! `--target argo`: a Workflow (a CronWorkflow when scheduled, with `schedules`) whose entry
//! template is a DAG, one task per pipeline task with `depends` on those it is after; each task
//! a container template made from the same pod as its Job on the Kubernetes target. The run's
//! ServiceAccount gets the one permission Argo's executor needs (`workflowtaskresults`).

use super::{PIPELINE_LABEL, TASK_LABEL};
use crate::crd::argo::{self, CronWorkflow, Workflow};
use crate::ir;
use crate::ir::{ARGO_RUN, ARGO_SERVICE_STEP};
use crate::lower::kinds::group;
use crate::lower::pod::{pod_template, template_labels};
use crate::lower::{INDEX_VAR, Out};

pub(super) fn lower(p: &ir::Pipeline, out: &mut Out) {
    let account = format!("{}-workflow", p.meta.name);
    let spec = workflow_spec(p, &account, out);
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
    let mut rules = vec![super::rule("argoproj.io", &["workflowtaskresults"], &["create", "patch"])];
    if p.tasks.iter().any(|t| matches!(t.work, ir::Work::Group(_))) {
        // A fan-out task's headless Service, made by a resource template's executor.
        rules.push(super::rule("", &["services"], &["create", "get"]));
    }
    // A task that runs as an account of its own needs the executor's right too.
    let mut accounts: Vec<&str> = p
        .tasks
        .iter()
        .flat_map(|t| match &t.work {
            ir::Work::Job { pod, .. } => vec![&**pod],
            ir::Work::Group(g) => g.roles.iter().map(|r| &r.pod).collect(),
        })
        .filter_map(|pod| pod.service_account.as_deref())
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    super::rbac_objects(p, "workflow", rules, &accounts, out);
}

fn workflow_spec(p: &ir::Pipeline, account: &str, out: &Out) -> argo::WorkflowSpec {
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
                    ..Default::default()
                }
            })
            .collect(),
    };
    let mut templates = vec![argo::Template { name: p.meta.name.clone(), dag: Some(dag), ..Default::default() }];
    for task in &p.tasks {
        match &task.work {
            ir::Work::Job { spec, pod, .. } => {
                let retries = spec.backoff_limit.filter(|n| *n > 0);
                templates.push(pod_template_of(p, &task.name, &task.name, pod, retries, spec.active_deadline_seconds));
            }
            ir::Work::Group(g) => templates.extend(fan_out(p, &task.name, g, out)),
        }
    }
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

/// The parameter a fan-out member's template takes: its index in its role.
const INDEX_PARAMETER: &str = "index";
/// The label Argo puts on every pod of a Workflow (its name): a fan-out task's Service selects by it.
const WORKFLOW_LABEL: &str = "workflows.argoproj.io/workflow";

/// A fan-out task: a DAG template of its own (named after the task) that first creates the
/// headless Service (a resource template, owned by the Workflow), then every member of every
/// role, each a pod of a member template (`<task>-<role>`, `withSequence` over the replicas).
/// The roles that do not decide are daemons: Argo ends them when the task's DAG is done.
fn fan_out(p: &ir::Pipeline, task: &str, g: &ir::Group, out: &Out) -> Vec<argo::Template> {
    let service_template = format!("{task}-service");
    let mut tasks = vec![argo::DagTask {
        name: ARGO_SERVICE_STEP.into(),
        template: service_template.clone(),
        ..Default::default()
    }];
    let mut templates = Vec::new();
    for role in &g.roles {
        let name = format!("{task}-{}", role.name);
        tasks.push(argo::DagTask {
            name: role.name.clone(),
            template: name.clone(),
            depends: Some(ARGO_SERVICE_STEP.into()),
            arguments: Some(argo::Parameters {
                parameters: vec![argo::Parameter { name: INDEX_PARAMETER.into(), value: Some("{{item}}".into()) }],
            }),
            with_sequence: Some(argo::Sequence { count: role.spec.completions.unwrap_or(1).to_string() }),
        });
        let index = format!("{{{{inputs.parameters.{INDEX_PARAMETER}}}}}");
        let mut t = pod_template_of(
            p,
            task,
            &name,
            &role.pod,
            role.spec.backoff_limit_per_index.filter(|n| *n > 0),
            role.spec.active_deadline_seconds,
        );
        member(&mut t, &format!("{}-{}-{index}", g.meta.name, role.name), &index);
        t.inputs =
            Some(argo::Parameters { parameters: vec![argo::Parameter { name: INDEX_PARAMETER.into(), value: None }] });
        t.daemon = (!role.decides).then_some(true);
        templates.push(t);
    }
    let (mut service, _) = group::objects(g, out, None);
    if let Some(spec) = service.spec.as_mut() {
        spec.selector = Some(
            [(WORKFLOW_LABEL.to_string(), ARGO_RUN.to_string()), (TASK_LABEL.to_string(), task.to_string())].into(),
        );
    }
    // Owned by the Workflow (`setOwnerReference`), not by the program: a prune leaves it.
    let labels = service.metadata.labels.get_or_insert_default();
    labels.remove(crate::lower::MANAGED_BY.0);
    labels.remove(crate::lower::PROGRAM_LABEL);
    labels.insert(PIPELINE_LABEL.into(), p.meta.name.clone());
    labels.insert(TASK_LABEL.into(), task.to_string());
    let manifest = serde_json::to_string_pretty(&service).unwrap_or_default();
    let mut all = vec![
        argo::Template { name: task.to_string(), dag: Some(argo::DagTemplate { tasks }), ..Default::default() },
        argo::Template {
            name: service_template,
            resource: Some(argo::ResourceTemplate {
                action: "create".into(),
                manifest,
                set_owner_reference: Some(true),
            }),
            ..Default::default()
        },
    ];
    all.extend(templates);
    all
}

/// Makes a member template's pod the member `hostname`: its index from the template's
/// parameter (there is no Job completion index on Argo) and its hostname in `podSpecPatch`
/// (the subdomain, the Service, is there already).
fn member(t: &mut argo::Template, hostname: &str, index: &str) {
    for c in t.container.iter_mut().chain(t.sidecars.iter_mut()).chain(t.init_containers.iter_mut()) {
        for var in c.env.iter_mut().flatten().filter(|v| v.name == INDEX_VAR) {
            var.value = Some(index.to_string());
            var.value_from = None;
        }
    }
    let mut patch: serde_json::Map<String, serde_json::Value> =
        t.pod_spec_patch.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default();
    patch.insert("hostname".into(), hostname.into());
    t.pod_spec_patch = serde_json::to_string(&patch).ok();
}

/// A pod as a container template: the fields Argo's template has are moved there, the rest of
/// the pod spec (if any) goes in `podSpecPatch`.
fn pod_template_of(
    p: &ir::Pipeline,
    task: &str,
    name: &str,
    pod: &ir::Pod,
    retries: Option<i32>,
    deadline: Option<i64>,
) -> argo::Template {
    let labels = [(PIPELINE_LABEL.to_string(), p.meta.name.clone()), (TASK_LABEL.to_string(), task.to_string())];
    let pod = pod_template(pod, template_labels(pod, Some(labels.into())));
    let meta = pod.metadata.unwrap_or_default();
    let mut spec = pod.spec.unwrap_or_default();
    let mut containers = std::mem::take(&mut spec.containers).into_iter();
    let container = containers.next();
    let sidecars: Vec<_> = containers.collect();
    let mut t = argo::Template {
        name: name.to_string(),
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
        retry_strategy: retries.map(|limit| argo::RetryStrategy { limit, retry_policy: "OnFailure".into() }),
        active_deadline_seconds: deadline,
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
