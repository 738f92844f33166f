//! One file per object kind: the keys and rules of the object around the pod
//! (`pod.rs` reads the pod itself, `job_spec.rs` the Job fields a Job and a
//! CronJob's job template share). A new kind is a file here and an arm below.

pub(super) mod config_map;
mod cron_job;
mod daemon_set;
mod job;

use super::Checker;
use super::fields::Fields;
use super::job_spec::JobContext;
use super::{pod, qos, security};
use crate::ast::{Block, WorkloadKind};
use crate::ir;
use crate::kinds::Kind;
use crate::schema;
use crate::source::Span;

pub(super) fn workload<'a>(
    ck: &mut Checker<'a>,
    kind: WorkloadKind,
    name: &str,
    span: Span,
    body: &'a Block,
) -> Option<ir::Object> {
    let (ctx, place, k8s_kind) = match kind {
        WorkloadKind::Job => (schema::JOB, "a `job`", Kind::Job),
        WorkloadKind::Cron => (schema::CRON, "a `cron`", Kind::CronJob),
        WorkloadKind::Daemon => (schema::DAEMON, "a `daemon`", Kind::DaemonSet),
    };
    let mut f = Fields::from_block(ck, body, ctx, place);
    let meta = ck.meta(&mut f, name, span, k8s_kind);
    let (pod, restart) = pod::pod(ck, &mut f, kind, name, span);
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
    };
    f.finish(ck);
    object
}
