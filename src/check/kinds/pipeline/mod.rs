//! A `pipeline`: its tasks (each read as a `job` is, by the shared pod reader and the Job
//! fields), their `after` edges checked as a graph (`graph.rs`), the run's deadline and
//! cleanup, and a schedule read with the `cron` item's rules.

mod fan_out;
mod graph;

use super::super::fields::{Fields, Value};
use super::super::job_spec::{self, JobContext};
use super::super::{Checker, pod, qos, read, security};
use super::cron_job;
use crate::ast::{self, ExprKind, LabeledValue, WorkloadKind};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::kinds::Kind;
use crate::schema;
use crate::source::Span;
use crate::target::Target;
pub(in crate::check) use graph::Limits;

/// How long a finished run is kept (the runner Job's, or the Workflow's, TTL): a day to read its logs.
pub const DEFAULT_TTL_SECONDS: i32 = 86_400;
/// The runner's image: `kubectl` and a shell, from the Kubernetes project, pinned.
pub const DEFAULT_RUNNER_IMAGE: &str = "registry.k8s.io/kubectl:v1.34.1";
/// A run's id is the first characters of its runner Job's uid, in every task Job's name.
pub const RUN_ID_LEN: usize = 8;

/// A task as written: enough for the graph checks, also when its body had errors.
pub(super) struct Written {
    pub name: String,
    pub span: Span,
    pub after: Vec<(String, Span)>,
}

pub(super) fn pipeline<'a>(ck: &mut Checker<'a>, name: &str, span: Span, body: &'a ast::Block) -> Option<ir::Pipeline> {
    let mut f = Fields::from_block(ck, body, schema::PIPELINE, "a `pipeline`");
    let scheduled = f.peek_span(&schema::SCHEDULE).is_some();
    let argo = ck.target == Target::Argo;
    let own = match (argo, scheduled) {
        (true, true) => Kind::CronWorkflow,
        (true, false) => Kind::Workflow,
        (false, true) => Kind::CronJob,
        (false, false) => Kind::Job,
    };
    let meta = ck.meta(&mut f, name, span, own);
    if let Some((_, v)) = f.take(&schema::PIPELINE_PARAMS)
        && !matches!(v, Value::Expr(ast::Expr { kind: ExprKind::Map(_), .. }))
    {
        // Composition read them only when written as a map.
        ck.report(
            Diagnostic::error(Code::TypeMismatch, v.span(), "`params` is a map of names to values")
                .label("not a map")
                .help("write `params = { day = \"2024-01-31\", bucket = \"s3://data\" }`"),
        );
    }
    let deadline_seconds = read::seconds(ck, &mut f, &schema::PIPELINE_DEADLINE).map(|(s, _)| s);
    let ttl_seconds = read::seconds(ck, &mut f, &schema::PIPELINE_TTL)
        .map_or(DEFAULT_TTL_SECONDS, |(s, _)| s.min(i64::from(i32::MAX)) as i32);
    let runner_image = read::string(ck, &mut f, &schema::RUNNER_IMAGE).map(|(s, _)| s);
    let schedule = scheduled.then(|| cron_job::schedule_keys(ck, &mut f)).and_then(|s| {
        s.check_pile_up(ck, deadline_seconds);
        s.keys
    });

    let mut ok = meta.is_some() && (!scheduled || schedule.is_some());
    let mut written = Vec::new();
    let mut tasks = Vec::new();
    for l in std::mem::take(&mut f.labeled) {
        if l.key.text != schema::TASK_BLOCK.key {
            ck.report(super::super::fields::unknown_key(l.key, schema::PIPELINE, "a `pipeline`"));
            ok = false;
            continue;
        }
        let Some(task_name) = ck.name(l.label) else {
            ok = false;
            continue;
        };
        let task_span = l.label.span();
        ok &= super::super::names::check_dns_label(ck, &task_name, task_span, "a task", 63);
        if !argo && name.len() + task_name.len() + RUN_ID_LEN + 2 > 63 {
            ck.report(
                Diagnostic::error(
                    Code::TaskName,
                    task_span,
                    format!(
                        "the Job of task `{task_name}` is named `{name}-<run id>-{task_name}`: {} characters, more than 63",
                        name.len() + task_name.len() + RUN_ID_LEN + 2
                    ),
                )
                .label("too long with the pipeline's name and the run id")
                .secondary(span, "the pipeline")
                .help(format!(
                    "shorten the pipeline's and the task's names to {} characters together",
                    63 - RUN_ID_LEN - 2
                )),
            );
            ok = false;
        }
        let (task, after) = match l.value {
            LabeledValue::Block(b) if schema::fans_out(b) => {
                fan_out::task(ck, name, scheduled, &task_name, task_span, b)
            }
            LabeledValue::Block(b) => task(ck, &task_name, task_span, b),
            // The template could not be used (reported): only the name counts.
            LabeledValue::Instance(_) => (None, Vec::new()),
            LabeledValue::Expr(e) => {
                ck.report(
                    Diagnostic::error(Code::TypeMismatch, e.span, "a task is a block, or a template's use")
                        .label("not a task")
                        .help(format!(
                            "write `task {task_name} {{ image = \"…\" }}` or `task {task_name} = template(…) {{ after = [...] }}`"
                        )),
                );
                (None, Vec::new())
            }
        };
        ok &= task.is_some();
        tasks.extend(task);
        written.push(Written { name: task_name, span: task_span, after });
    }
    f.finish(ck);
    if written.is_empty() {
        ck.report(
            Diagnostic::error(Code::MissingKey, span, format!("pipeline `{name}` has no tasks"))
                .label("no `task`")
                .help("add `task NAME { image = \"…\" }` blocks, ordered with `after = [...]`"),
        );
        return None;
    }
    let limits = if argo { Limits::ARGO } else { Limits::KUBERNETES };
    let edges = graph::edges(ck, span, &written, limits)?;
    if !ok || (argo && !fan_out::argo_names_are_distinct(ck, name, span, &tasks)) {
        return None;
    }
    Some(ir::Pipeline {
        meta: meta?,
        own,
        tasks,
        edges,
        deadline_seconds,
        ttl_seconds,
        runner_image: runner_image.unwrap_or_else(|| DEFAULT_RUNNER_IMAGE.to_string()),
        schedule,
    })
}

/// One task: a Job's keys (the shared pod reader, the Job fields) and `after`.
fn task<'a>(
    ck: &mut Checker<'a>,
    name: &str,
    span: Span,
    body: &'a ast::Block,
) -> (Option<ir::Task>, Vec<(String, Span)>) {
    ck.current_name_span = span;
    let mut f = Fields::from_block(ck, body, schema::JOB | schema::TASK, "a `task`");
    let after = after(ck, &mut f);
    // The runner names each task's Job per run and cleans it up with the run.
    for (row, why) in [
        (&schema::TTL, "a task's Job is deleted with its run: set `ttl` on the pipeline"),
        (&schema::GENERATE_NAME, "a task's Job is named per run (`<pipeline>-<run id>-<task>`)"),
        (
            &schema::RAW,
            "a task's Job is made per run by the runner: set its keys directly (`raw` on the pipeline patches its own object)",
        ),
        (&schema::SUSPEND, "the runner starts a task when its upstream tasks have succeeded"),
    ] {
        if let Some((k, v)) = f.take(row) {
            ck.report(
                Diagnostic::error(Code::TaskKey, k.span.to(v.span()), format!("a task cannot set `{}`", k.text))
                    .label("set by the pipeline")
                    .help(why),
            );
        }
    }
    let meta = ck.meta(&mut f, name, span, Kind::Job);
    let (pod, restart) = pod::pod(ck, &mut f, WorkloadKind::Job, name, span);
    if let (Some(pod), Some((k, v))) = (&pod, f.take(&schema::QOS)) {
        qos::assertion(ck, pod, k, v);
    }
    if let (Some(pod), Some((k, v))) = (&pod, f.take(&schema::POD_SECURITY_LEVEL)) {
        security::assertion(ck, pod, k, v, body);
    }
    let cx = JobContext { name, restart_policy: restart.0, restart_span: restart.1, with_suspend: false };
    let mut spec = job_spec::job_spec(ck, &mut f, &cx, pod.as_ref());
    // A task fails at its first failed pod unless it says `retries`, on both targets (Argo
    // retries nothing by default; a Job's own default, 6, is not used).
    spec.backoff_limit.get_or_insert(0);
    f.finish(ck);
    if ck.target == Target::Argo && !argo_can_run(ck, &spec, span) {
        return (None, after);
    }
    let task = meta.zip(pod).map(|(meta, pod)| ir::Task {
        name: name.to_string(),
        span,
        work: ir::Work::Job { meta, spec, pod: Box::new(pod) },
    });
    (task, after)
}

/// `after = [extract, clean]`: task names, as words or strings.
pub(super) fn after<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Vec<(String, Span)> {
    let Some((_, v)) = f.take(&schema::AFTER) else { return Vec::new() };
    let Value::Expr(ast::Expr { kind: ExprKind::List(items), .. }) = v else {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, v.span(), "`after` is a list of task names")
                .label("not a list")
                .help("write `after = [extract]` or `after = [extract, clean]`"),
        );
        return Vec::new();
    };
    let mut names = Vec::new();
    for item in items {
        match &item.kind {
            ExprKind::Word(w) => names.push((w.clone(), item.span)),
            ExprKind::Str(s) if s.as_plain().is_some() => names.push((s.as_plain().unwrap_or_default(), item.span)),
            _ => ck.report(
                Diagnostic::error(Code::TypeMismatch, item.span, "`after` lists task names")
                    .label("not a task name")
                    .help("write the names of tasks of this pipeline: `after = [extract]`"),
            ),
        }
    }
    names
}

/// Argo runs a task as one pod (retried by `retryStrategy`): the Job fields that need a Job
/// controller (several completions, indexes, pod failure and success policies) have no Argo form.
fn argo_can_run(ck: &mut Checker, spec: &ir::JobSpec, span: Span) -> bool {
    let mut unsupported = Vec::new();
    if spec.completions.is_some_and(|c| c != 1) {
        unsupported.push("completions");
    }
    if spec.parallelism.is_some_and(|p| p != 1) {
        unsupported.push("parallelism");
    }
    if spec.completion_mode == Some("Indexed") {
        unsupported.push("completion-mode");
    }
    if spec.pod_failure_policy.is_some() {
        unsupported.push("failure-policy");
    }
    if spec.success_policy.is_some() {
        unsupported.push("success-policy");
    }
    if spec.pod_replacement_policy.is_some() {
        unsupported.push("pod-replacement");
    }
    if spec.managed_by.is_some() {
        unsupported.push("managed-by");
    }
    if unsupported.is_empty() {
        return true;
    }
    let keys = unsupported.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    ck.report(
        Diagnostic::error(Code::TaskNotOnArgo, span, format!("with `--target argo` a task is one pod: {keys} cannot be kept"))
            .label("sets Job-only fields")
            .help("remove them, or build this pipeline for the Kubernetes target (`--target kubernetes`), where each task is a Job"),
    );
    false
}
