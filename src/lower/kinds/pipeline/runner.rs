//! The Kubernetes target: one runner Job per run. It reads every task's Job from a ConfigMap
//! (`<pipeline>-tasks`), creates each when all it is after have succeeded, adopts the Jobs of
//! its run that already exist (a restarted runner goes on where it was), starts nothing more
//! after a failure, and owns every task Job (ownerReferences to its own Job, from the downward
//! API), so that its TTL deletes the whole run. Scheduled, a CronJob starts the runner.

use super::{PIPELINE_LABEL, RUN_LABEL, TASK_LABEL};
use crate::ir;
use crate::lower::Out;
use crate::lower::kinds::cron_job::cron_job_spec;
use crate::lower::kinds::group;
use crate::lower::kinds::job::job_spec;
use crate::lower::pod::{pod_template, template_labels};
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use std::collections::BTreeMap;

/// The runner's script (run with `sh`): docs/pipelines.md explains it line by line.
pub const RUNNER_SCRIPT: &str = include_str!("runner.sh");
/// The placeholders the runner replaces in a task Job (with `sed`) before creating it.
pub use crate::ir::RUN_PLACEHOLDER;
pub const RUNNER_JOB_PLACEHOLDER: &str = "@RUNNER_JOB@";
pub const RUNNER_UID_PLACEHOLDER: &str = "@RUNNER_UID@";
/// The runner exits with this when a task failed: its pod failure policy then fails the runner
/// Job at once, where any other failure of the runner (a lost node, an API outage) is retried.
pub const TASK_FAILED_EXIT: i32 = 3;
/// The runner pod's restarts after failures that are not a task's.
const RUNNER_RETRIES: i32 = 3;
const MOUNT: &str = "/pipeline";

pub(super) fn lower(p: &ir::Pipeline, out: &mut Out) {
    let name = &p.meta.name;
    let tasks_config = format!("{name}-tasks");
    let runner = runner_job(p, &tasks_config, out.program.kube_version.minor);
    match &p.schedule {
        Some(s) => out.own(batch::CronJob {
            metadata: {
                let mut metadata = out.meta(&p.meta);
                metadata.labels.get_or_insert_default().insert(PIPELINE_LABEL.into(), name.clone());
                metadata
            },
            spec: cron_job_spec(
                s,
                batch::JobTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some([(PIPELINE_LABEL.to_string(), name.clone())].into()),
                        ..Default::default()
                    }),
                    spec: Some(runner),
                },
            ),
            ..Default::default()
        }),
        None => {
            let mut metadata = out.meta(&p.meta);
            metadata.labels.get_or_insert_default().insert(PIPELINE_LABEL.into(), name.clone());
            out.own(batch::Job { metadata, spec: Some(runner), ..Default::default() })
        }
    }
    let mut rules = vec![
        super::rule("batch", &["jobs"], &["create", "get", "list", "watch", "delete", "patch"]),
        super::rule("", &["pods", "pods/log"], &["get", "list"]),
    ];
    if p.tasks.iter().any(|t| matches!(t.work, ir::Work::Group(_))) {
        // A fan-out task's headless Service, created with its role Jobs.
        rules.push(super::rule("", &["services"], &["create", "get"]));
    }
    super::rbac_objects(p, "runner", rules, &[], out);
    let mut data = BTreeMap::new();
    data.insert("run.sh".to_string(), RUNNER_SCRIPT.to_string());
    data.insert("tasks".to_string(), task_list(p));
    for (i, task) in p.tasks.iter().enumerate() {
        data.insert(format!("{}.json", task.name), task_job_json(p, i, out));
    }
    let meta = super::rbac_meta(p, "tasks");
    out.also(core::ConfigMap { metadata: out.meta(&meta), data: Some(data), ..Default::default() });
}

/// One line per task, every task after those it waits for: `task after roles decide`, each a
/// comma list or `-` for none: the tasks it is after; a fan-out task's roles (one Job each,
/// `<pipeline>-<run>-<task>-<role>`; `-`: one Job, `<pipeline>-<run>-<task>`) and those of
/// them whose success is the task's (the runner stops the others then).
pub fn task_list(p: &ir::Pipeline) -> String {
    let list = |names: Vec<&str>| if names.is_empty() { "-".to_string() } else { names.join(",") };
    let mut text = String::new();
    for t in p.topological_order() {
        let task = &p.tasks[t];
        let up = list(p.upstream(t).map(|u| p.tasks[u].name.as_str()).collect());
        let (roles, decide) = match &task.work {
            ir::Work::Job { .. } => ("-".to_string(), "-".to_string()),
            ir::Work::Group(g) => (
                list(g.roles.iter().map(|r| r.name.as_str()).collect()),
                list(g.roles.iter().filter(|r| r.decides).map(|r| r.name.as_str()).collect()),
            ),
        };
        text.push_str(&format!("{} {up} {roles} {decide}\n", task.name));
    }
    text
}

/// A task's objects as the runner creates them, with the run's placeholders: its Job, or a
/// fan-out task's Service and role Jobs, one JSON object after the other (a stream, which
/// `kubectl create -f -` reads object by object; a `List` would need the server's OpenAPI v2
/// document to be validated). serde_json writes the typed objects' fields in their fixed order.
fn task_job_json(p: &ir::Pipeline, index: usize, out: &Out) -> String {
    let task = &p.tasks[index];
    let run_labels: BTreeMap<String, String> = [
        (PIPELINE_LABEL.to_string(), p.meta.name.clone()),
        (RUN_LABEL.to_string(), RUN_PLACEHOLDER.to_string()),
        (TASK_LABEL.to_string(), task.name.clone()),
    ]
    .into();
    let documents = match &task.work {
        ir::Work::Job { meta, spec, pod } => {
            let mut metadata = out.meta(meta);
            metadata.name = Some(format!("{}-{RUN_PLACEHOLDER}-{}", p.meta.name, task.name));
            let job = batch::Job {
                metadata: of_the_run(metadata, &run_labels),
                spec: Some(job_spec(spec, pod_template(pod, template_labels(pod, Some(run_labels.clone()))))),
                ..Default::default()
            };
            vec![serde_json::to_string_pretty(&job)]
        }
        ir::Work::Group(g) => {
            let (mut service, jobs) = group::objects(g, out, Some(&run_labels));
            service.metadata = of_the_run(service.metadata, &run_labels);
            let mut documents = vec![serde_json::to_string_pretty(&service)];
            for mut job in jobs {
                job.metadata = of_the_run(job.metadata, &run_labels);
                documents.push(serde_json::to_string_pretty(&job));
            }
            documents
        }
    };
    let mut text = documents.into_iter().map(Result::unwrap_or_default).collect::<Vec<_>>().join("\n");
    text.push('\n');
    text
}

/// A task's object belongs to its run, not to the program: without the program's labels, a
/// prune of the program's objects (which never lists it) leaves it; the runner Job owns it, so
/// it goes with the run.
fn of_the_run(mut metadata: ObjectMeta, run_labels: &BTreeMap<String, String>) -> ObjectMeta {
    let labels = metadata.labels.get_or_insert_default();
    labels.remove(crate::lower::MANAGED_BY.0);
    labels.remove(crate::lower::PROGRAM_LABEL);
    labels.extend(run_labels.clone());
    metadata.owner_references = Some(vec![OwnerReference {
        api_version: "batch/v1".into(),
        kind: "Job".into(),
        name: RUNNER_JOB_PLACEHOLDER.into(),
        uid: RUNNER_UID_PLACEHOLDER.into(),
        ..Default::default()
    }]);
    metadata
}

fn runner_job(p: &ir::Pipeline, tasks_config: &str, minor: u32) -> batch::JobSpec {
    let env =
        |name: &str, value: &str| core::EnvVar { name: name.into(), value: Some(value.into()), ..Default::default() };
    let field = |name: &str, path: &str| core::EnvVar {
        name: name.into(),
        value_from: Some(core::EnvVarSource {
            field_ref: Some(core::ObjectFieldSelector { field_path: path.into(), ..Default::default() }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let quantities = |cpu: &str, memory: &str| {
        BTreeMap::from([("cpu".to_string(), Quantity(cpu.into())), ("memory".to_string(), Quantity(memory.into()))])
    };
    let mut env_vars = vec![
        env("PIPELINE", &p.meta.name),
        field("NAMESPACE", "metadata.namespace"),
        // The runner Job's name and uid, which the Job controller puts on its pods.
        field("RUNNER_JOB", "metadata.labels['batch.kubernetes.io/job-name']"),
        field("RUNNER_UID", "metadata.labels['batch.kubernetes.io/controller-uid']"),
        env("PIPELINE_DIR", MOUNT),
        env("POLL_SECONDS", "5"),
        // kubectl keeps its discovery cache under $HOME: the root filesystem is read-only.
        env("HOME", "/tmp"),
    ];
    if let Some(seconds) = p.deadline_seconds {
        env_vars.push(env("RUN_DEADLINE_SECONDS", &seconds.to_string()));
    }
    let container = core::Container {
        name: "runner".into(),
        image: Some(p.runner_image.clone()),
        // A pinned tag: pulled once per node.
        image_pull_policy: Some("IfNotPresent".into()),
        command: Some(vec!["/bin/sh".into(), format!("{MOUNT}/run.sh")]),
        env: Some(env_vars),
        resources: Some(core::ResourceRequirements {
            requests: Some(quantities("10m", "64Mi")),
            limits: Some(quantities("200m", "128Mi")),
            ..Default::default()
        }),
        security_context: Some(core::SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            capabilities: Some(core::Capabilities { drop: Some(vec!["ALL".into()]), ..Default::default() }),
            ..Default::default()
        }),
        volume_mounts: Some(vec![
            core::VolumeMount {
                name: "tasks".into(),
                mount_path: MOUNT.into(),
                read_only: Some(true),
                ..Default::default()
            },
            core::VolumeMount { name: "tmp".into(), mount_path: "/tmp".into(), ..Default::default() },
        ]),
        ..Default::default()
    };
    let labels = BTreeMap::from([(PIPELINE_LABEL.to_string(), p.meta.name.clone())]);
    let pod = core::PodSpec {
        service_account_name: Some(format!("{}-runner", p.meta.name)),
        restart_policy: Some("Never".into()),
        security_context: Some(core::PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(65532),
            seccomp_profile: Some(core::SeccompProfile { type_: "RuntimeDefault".into(), ..Default::default() }),
            ..Default::default()
        }),
        containers: vec![container],
        volumes: Some(vec![
            core::Volume {
                name: "tasks".into(),
                config_map: Some(core::ConfigMapVolumeSource { name: tasks_config.into(), ..Default::default() }),
                ..Default::default()
            },
            core::Volume { name: "tmp".into(), empty_dir: Some(Default::default()), ..Default::default() },
        ]),
        ..Default::default()
    };
    batch::JobSpec {
        backoff_limit: Some(RUNNER_RETRIES),
        active_deadline_seconds: p.deadline_seconds,
        ttl_seconds_after_finished: Some(p.ttl_seconds),
        pod_failure_policy: Some(batch::PodFailurePolicy {
            rules: vec![
                batch::PodFailurePolicyRule {
                    action: "FailJob".into(),
                    on_exit_codes: Some(batch::PodFailurePolicyOnExitCodesRequirement {
                        container_name: Some("runner".into()),
                        operator: "In".into(),
                        values: vec![TASK_FAILED_EXIT],
                    }),
                    // Kubernetes 1.27's schema marks `onPodConditions` required (1.28 made it optional).
                    on_pod_conditions: (minor < 28).then(Vec::new),
                },
                // A drained or preempted node is no reason to count against the runner's retries.
                batch::PodFailurePolicyRule {
                    action: "Ignore".into(),
                    on_pod_conditions: Some(vec![batch::PodFailurePolicyOnPodConditionsPattern {
                        type_: "DisruptionTarget".into(),
                        status: Some("True".into()),
                    }]),
                    ..Default::default()
                },
            ],
        }),
        template: core::PodTemplateSpec {
            metadata: Some(ObjectMeta { labels: Some(labels), ..Default::default() }),
            spec: Some(pod),
        },
        ..Default::default()
    }
}
