//! A fan-out task: a task with `role` blocks is a group (read by the `group` item's reader)
//! made once per run. On the Kubernetes target the runner creates its headless Service and
//! one Indexed Job per role, named `<pipeline>-<run id>-<task>[-<role>]`, and stops the roles
//! that do not decide once those that do have succeeded. On Argo each member is a pod of the
//! Workflow, named after it; the roles that do not decide run as daemons.

use super::RUN_ID_LEN;
use crate::ast;
use crate::check::Checker;
use crate::check::fields::Fields;
use crate::check::kinds::group::{self, Placement};
use crate::check::kinds::group_env::Naming;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, ARGO_RUN, ARGO_SERVICE_STEP, RUN_PLACEHOLDER};
use crate::schema;
use crate::source::Span;
use crate::target::Target;

/// The length of the time a CronWorkflow adds to the name of each Workflow it starts
/// (`<name>-<unix seconds>`).
const ARGO_CRON_SUFFIX_LEN: usize = 11;

pub(super) fn task<'a>(
    ck: &mut Checker<'a>,
    pipeline: &str,
    scheduled: bool,
    name: &str,
    span: Span,
    body: &'a ast::Block,
) -> (Option<ir::Task>, Vec<(String, Span)>) {
    ck.current_name_span = span;
    let mut f = Fields::from_block(ck, body, schema::GROUP | schema::TASK, "a fan-out `task`");
    let after = super::after(ck, &mut f);
    let mut ok = true;
    for (row, why) in [
        (&schema::GROUP_TTL, "a task's Jobs are deleted with their run: set `ttl` on the pipeline"),
        (
            &schema::GROUP_RESTARTS,
            "a fan-out task is Indexed Jobs its runner creates, not a JobSet: bound each member with `retries-per-index`",
        ),
    ] {
        if let Some((k, v)) = f.take(row) {
            ok = false;
            ck.report(
                Diagnostic::error(Code::TaskKey, k.span.to(v.span()), format!("a task cannot set `{}`", k.text))
                    .label("set by the pipeline")
                    .help(why),
            );
        }
    }
    let argo = ck.target == Target::Argo;
    let at = Placement { naming: naming(pipeline, name, argo, scheduled), jobset: false, task: true };
    let group = group::read(ck, f, name, span, &at).filter(|g| ok && (!argo || argo_can_run(ck, g, span)));
    (group.map(|g| ir::Task { name: name.to_string(), span, work: ir::Work::Group(g) }), after)
}

/// The names of a fan-out task's objects, per run.
fn naming(pipeline: &str, task: &str, argo: bool, scheduled: bool) -> Naming {
    let (service, measured, shown) = match (argo, scheduled) {
        (false, _) => (
            format!("{pipeline}-{RUN_PLACEHOLDER}-{task}"),
            format!("{pipeline}-{}-{task}", "0".repeat(RUN_ID_LEN)),
            format!("{pipeline}-<run id>-{task}"),
        ),
        (true, false) => (format!("{ARGO_RUN}-{task}"), format!("{pipeline}-{task}"), format!("{pipeline}-{task}")),
        (true, true) => (
            format!("{ARGO_RUN}-{task}"),
            format!("{pipeline}-{}-{task}", "0".repeat(ARGO_CRON_SUFFIX_LEN - 1)),
            format!("{pipeline}-<time>-{task}"),
        ),
    };
    // On Argo the members are told apart by Argo's own `workflows.argoproj.io/workflow` label.
    let label = (!argo).then(|| service.clone());
    Naming { group: task.to_string(), service, measured, shown, label }
}

/// On Argo every member is a pod of its own (retried by `retryStrategy`) and a task succeeds
/// when the members of its deciding roles have: the Job policies that judge a whole role
/// (a success policy over some indexes, a pod failure policy) have no Argo form.
fn argo_can_run(ck: &mut Checker, g: &ir::Group, span: Span) -> bool {
    let mut unsupported = Vec::new();
    if g.roles.iter().any(|r| r.spec.success_policy.is_some()) {
        unsupported.push("`success-indexes` (TensorFlow's worker 0 without a chief)");
    }
    if g.roles.iter().any(|r| r.spec.pod_failure_policy.is_some()) {
        unsupported.push("`failure-policy`");
    }
    if unsupported.is_empty() {
        return true;
    }
    ck.report(
        Diagnostic::error(
            Code::TaskNotOnArgo,
            span,
            format!("with `--target argo` a fan-out task's members are single pods: {} cannot be kept", unsupported.join(" and ")),
        )
        .label("needs a Job controller")
        .help("let a role decide as a whole (for TensorFlow add `role chief { replicas = 1 … }`), or build this pipeline for the Kubernetes target (`--target kubernetes`)"),
    );
    false
}

/// On Argo the Workflow's templates are named after the pipeline (the DAG), each task, and a
/// fan-out task's Service and roles (`<task>-service`, `<task>-<role>`); a fan-out task's DAG
/// has a task per role beside `service`. Names that meet (a task named after its pipeline,
/// task `a`'s role `b-c` and task `a-b`'s role `c`) would be refused by Argo.
pub(super) fn argo_names_are_distinct(ck: &mut Checker, pipeline: &str, span: Span, tasks: &[ir::Task]) -> bool {
    let mut seen: Vec<(String, String)> = vec![(pipeline.to_string(), format!("pipeline `{pipeline}`'s DAG"))];
    let mut ok = true;
    // Whether `name` was still free (else it is reported).
    let mut claim = |ck: &mut Checker, name: String, what: String, at: Span| {
        let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) else {
            seen.push((name, what));
            return true;
        };
        ck.report(
            Diagnostic::error(
                Code::ArgoTemplateName,
                at,
                format!("{what} and {first} are both templates named `{name}`"),
            )
            .label("a second template of this name")
            .secondary(span, "in this Workflow")
            .help("rename the task (or the role): Argo refuses a Workflow whose templates share a name"),
        );
        false
    };
    for task in tasks {
        ok &= claim(ck, task.name.clone(), format!("task `{}`", task.name), task.span);
        let ir::Work::Group(g) = &task.work else { continue };
        let service = format!("{}-{ARGO_SERVICE_STEP}", task.name);
        ok &= claim(ck, service, format!("task `{}`'s Service", task.name), task.span);
        for role in &g.roles {
            let what = format!("role `{}` of task `{}`", role.name, task.name);
            if role.name == ARGO_SERVICE_STEP {
                ok = false;
                ck.report(
                    Diagnostic::error(Code::ArgoTemplateName, role.meta.span, format!("{what} has the name of the step that makes the task's Service"))
                        .label("a role named `service`")
                        .help("rename the role: on Argo the task's DAG has a step `service` that creates its headless Service before the members"),
                );
                continue;
            }
            ok &= claim(ck, format!("{}-{}", task.name, role.name), what, role.meta.span);
        }
    }
    ok
}
