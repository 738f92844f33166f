//! A `job`: the Job fields (shared with a cron's job template, `job_spec.rs`)
//! around the pod.

use crate::check::Checker;
use crate::check::fields::Fields;
use crate::check::job_spec::{self, JobContext};
use crate::ir::{self, Pod};

pub(super) fn job<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    pod: Option<Pod>,
    cx: &JobContext,
) -> Option<ir::Object> {
    let spec = job_spec::job_spec(ck, f, cx, pod.as_ref());
    meta.zip(pod).map(|(meta, pod)| ir::Object::Job(ir::Job { meta, spec, pod }))
}
