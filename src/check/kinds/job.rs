//! A `job`: the Job fields (shared with a cron's job template, `job_spec.rs`)
//! around the pod.

use crate::check::Checker;
use crate::check::fields::Fields;
use crate::check::job_spec::{self, JobContext};
use crate::check::read;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Pod};
use crate::schema;
use crate::source::Span;

pub(super) fn job<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    pod: Option<Pod>,
    cx: &JobContext,
) -> Option<ir::Object> {
    let generate_name = read::boolean(ck, f, &schema::GENERATE_NAME);
    let spec = job_spec::job_spec(ck, f, cx, pod.as_ref());
    if let Some((true, span)) = generate_name {
        generated_hostnames_fit(ck, cx.name, &spec, span);
    }
    let generate_name = generate_name.is_some_and(|(g, _)| g);
    meta.zip(pod).map(|(meta, pod)| ir::Object::Job(ir::Job { meta, spec, pod, generate_name }))
}

/// With `generate-name`, the API server names the Job `<name>-` plus 5 random
/// characters (the prefix cut to 58), so an Indexed Job's pod hostnames
/// (`<job>-<index>`) are 6 characters longer than the name alone suggests.
fn generated_hostnames_fit(ck: &mut Checker, name: &str, spec: &ir::JobSpec, span: Span) {
    let (Some("Indexed"), Some(completions)) = (spec.completion_mode, spec.completions) else { return };
    let last = completions.saturating_sub(1).to_string();
    if name.len() + 1 + last.len() > 63 {
        return; // already reported for the name itself
    }
    let job_name = (name.len() + 1).min(58) + 5;
    let hostname = job_name + 1 + last.len();
    if hostname > 63 {
        ck.report(
            Diagnostic::error(
                Code::IndexedHostname,
                span,
                format!("with `generate-name` the last pod's hostname `{name}-xxxxx-{last}` is {hostname} characters, more than 63"),
            )
            .label("adds 6 characters to the Job's name")
            .secondary(ck.current_name_span, "name of an Indexed Job")
            .help(format!("shorten the Job's name to at most {} characters, or remove `generate-name`", 63 - (hostname - name.len()))),
        );
    }
}
