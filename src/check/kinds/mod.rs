//! One file per object kind: the keys and rules of the object around the pod
//! (`pod.rs` reads the pod itself, `job_spec.rs` the Job fields a Job and a
//! CronJob's job template share). A new kind is a file here and an arm below.

pub(super) mod config_map;
mod cron_job;
mod daemon_set;
mod deployment;
pub(in crate::check) mod group;
pub(in crate::check) mod group_env;
mod job;
mod pipeline;
pub(super) mod rbac;
mod rbac_api;
pub(super) mod service;
pub(crate) mod spark;

use super::Checker;
use super::fields::Fields;
use super::job_spec::JobContext;
use super::{pod, qos, security};
use crate::ast::{Block, ObjectKind, WorkloadKind};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::kinds::Kind;
use crate::schema;
use crate::source::Span;
use crate::source::Spanned;

pub(super) fn workload<'a>(
    ck: &mut Checker<'a>,
    kind: WorkloadKind,
    name: &str,
    span: Span,
    body: &'a Block,
) -> Option<ir::Object> {
    if kind == WorkloadKind::Group {
        return group::group(ck, name, span, body);
    }
    let (ctx, place, k8s_kind) = match kind {
        WorkloadKind::Job => (schema::JOB, "a `job`", Kind::Job),
        WorkloadKind::Cron => (schema::CRON, "a `cron`", Kind::CronJob),
        WorkloadKind::Daemon => (schema::DAEMON, "a `daemon`", Kind::DaemonSet),
        WorkloadKind::Deployment => (schema::DEPLOYMENT, "a `deployment`", Kind::Deployment),
        WorkloadKind::Group => return None, // read above
        WorkloadKind::Spark => (schema::SPARK, "a `spark`", Kind::Job),
    };
    let mut f = Fields::from_block(ck, body, ctx, place);
    let meta = ck.meta(&mut f, name, span, k8s_kind);
    let has_driver = kind != WorkloadKind::Spark || spark::has_driver(ck, &f, name, span);
    let (pod, restart) = pod::pod(ck, &mut f, kind, name, span);
    let mut pod = pod.filter(|_| has_driver);
    let driver = if kind == WorkloadKind::Spark { spark::driver(ck, &mut f, pod.as_mut(), span) } else { None };
    if let (Some(pod), Some((k, v))) = (&pod, f.take(&schema::QOS)) {
        qos::assertion(ck, pod, k, v);
    }
    if let (Some(pod), Some((k, v))) = (&pod, f.take(&schema::POD_SECURITY_LEVEL)) {
        security::assertion(ck, pod, k, v, body);
    }
    let job_cx = JobContext {
        name,
        restart_policy: restart.0,
        restart_span: restart.1,
        with_suspend: kind == WorkloadKind::Job,
    };
    // Read every key before giving up on anything, so that `finish` sees what is left.
    let object = match kind {
        WorkloadKind::Job => job::job(ck, &mut f, meta, pod, &job_cx),
        WorkloadKind::Cron => cron_job::cron(ck, &mut f, meta, pod, span, &job_cx),
        WorkloadKind::Daemon => daemon_set::daemon_set(ck, &mut f, meta, pod),
        WorkloadKind::Deployment => deployment::deployment(ck, &mut f, meta, pod),
        WorkloadKind::Group => None, // read above
        WorkloadKind::Spark => spark::spark(ck, &mut f, meta, pod, driver, span),
    };
    f.finish(ck);
    object
}

/// `service-account`, `role`, `cluster-role`, `role-binding`, `cluster-role-binding`,
/// `service` (checked once every workload is: `pods` are their pods, `None` when a
/// workload had errors, so that what a Service selects cannot be judged).
/// A `role` or `cluster-role` without a block is one the cluster has: only its name
/// is kept (bindings may grant it), nothing is emitted.
pub(super) fn object<'a>(
    ck: &mut Checker<'a>,
    kind: &Spanned<ObjectKind>,
    name: &str,
    span: Span,
    body: Option<&'a Block>,
    pods: Option<&[service::Pods]>,
) -> Option<ir::Object> {
    ck.current_name_span = span;
    let Some(body) = body else {
        if !matches!(kind.node, ObjectKind::Role | ObjectKind::ClusterRole) {
            ck.report(
                Diagnostic::error(Code::MissingKey, span, format!("`{} {name}` has no body", kind.node.keyword()))
                    .label("no `{ … }`")
                    .help("add a block; only a `role` or `cluster-role` without one means one the cluster has"),
            );
        }
        return None;
    };
    match kind.node {
        ObjectKind::ServiceAccount => rbac::service_account(ck, name, span, body).map(ir::Object::ServiceAccount),
        ObjectKind::Role => rbac::role(ck, false, name, span, body).map(ir::Object::Role),
        ObjectKind::ClusterRole => rbac::role(ck, true, name, span, body).map(ir::Object::Role),
        ObjectKind::RoleBinding => rbac::binding(ck, false, name, span, body).map(ir::Object::Binding),
        ObjectKind::ClusterRoleBinding => rbac::binding(ck, true, name, span, body).map(ir::Object::Binding),
        ObjectKind::Service => service::service(ck, name, span, body, pods).map(ir::Object::Service),
        ObjectKind::Pipeline => pipeline::pipeline(ck, name, span, body).map(ir::Object::Pipeline),
    }
}

/// `namespace "qa" { labels = { … } }`: the Namespace object (the name was checked as a DNS label).
pub(super) fn namespace<'a>(ck: &mut Checker<'a>, name: &str, span: Span, body: &'a Block) -> Option<ir::Meta> {
    let mut f = Fields::from_block(ck, body, schema::NAMESPACE_ITEM, "a `namespace`");
    let meta = ck.meta(&mut f, name, span, Kind::Namespace);
    f.finish(ck);
    meta
}
