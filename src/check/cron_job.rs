//! A `cron`: the CronJob fields around a job template, the schedule and its time zone.

use super::Checker;
use super::eval::Choices;
use super::fields::Fields;
use super::job::{self, JobContext};
use super::pod::{boolean, choice, int, seconds};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Pod};
use crate::source::Span;

const CONCURRENCY: Choices = &[("allow", "Allow"), ("forbid", "Forbid"), ("replace", "Replace")];

pub(super) fn cron<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    pod: Option<Pod>,
    span: Span,
    job_cx: &JobContext,
) -> Option<ir::Object> {
    if let Some((k, v)) = f.take("api-version")
        && let Some(e) = ck.expr_of(k, v)
        && let Some(api) = ck.string(e, "`api-version`")
        && api != "batch/v1"
    {
        let (message, help) = if api == "batch/v1beta1" {
            (
                format!("`batch/v1beta1` CronJobs were removed in Kubernetes 1.25; the target is {}", ck.kube),
                "remove `api-version`: pipec emits `batch/v1`, which has the same fields".to_string(),
            )
        } else {
            (
                format!("`{api}` is not an API version of CronJob"),
                "CronJobs are `batch/v1`: remove `api-version`".to_string(),
            )
        };
        ck.report(Diagnostic::error(Code::RemovedApi, e.span, message).label("not served").help(help));
    }
    let schedule = match f.take("schedule") {
        Some((k, v)) => ck.expr_of(k, v).and_then(|e| {
            let s = ck.string(e, "`schedule`")?;
            check_schedule_shape(ck, &s, e.span).then_some(s)
        }),
        None => {
            ck.report(
                Diagnostic::error(Code::MissingKey, span, "a `cron` needs a `schedule`")
                    .label("no schedule")
                    .help("add `schedule = \"0 2 * * *\"` (five fields: minute hour day-of-month month day-of-week)"),
            );
            None
        }
    };
    let time_zone = match f.take("timezone") {
        Some((k, v)) => {
            ck.gate(k);
            ck.expr_of(k, v).and_then(|e| ck.string(e, "`timezone`"))
        }
        None => None,
    };
    let concurrency_policy = choice(ck, f, "concurrency", CONCURRENCY);
    let starting_span = f.peek_span("starting-deadline");
    let starting_deadline_seconds = seconds(ck, f, "starting-deadline", 0);
    if let (Some(s), Some(span)) = (starting_deadline_seconds, starting_span)
        && s < 10
    {
        // The controller checks schedules every 10 s: a shorter window can be missed every time.
        ck.report(
            Diagnostic::warning(Code::SuspiciousSchedule, span, format!("a starting deadline of {s}s may never be met"))
                .label("shorter than the controller's 10 s check")
                .help("the CronJob controller looks for due runs every 10 seconds; use at least `starting-deadline = 10s`"),
        );
    }
    let successful_jobs_history_limit = int(ck, f, "keep-succeeded", 0).map(|n| n as i32);
    let failed_jobs_history_limit = int(ck, f, "keep-failed", 0).map(|n| n as i32);
    let suspend = boolean(ck, f, "suspend");
    let job = job::job_spec(ck, f, job_cx);
    Some(ir::Object::Cron(ir::Cron {
        meta: meta?,
        schedule: schedule?,
        time_zone,
        concurrency_policy,
        starting_deadline_seconds,
        successful_jobs_history_limit,
        failed_jobs_history_limit,
        suspend,
        job,
        pod: pod?,
    }))
}

/// Five fields or a macro; the full cron grammar is checked field by field elsewhere.
fn check_schedule_shape(ck: &mut Checker, s: &str, span: Span) -> bool {
    let trimmed = s.trim();
    let ok = if trimmed.starts_with('@') {
        ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"].contains(&trimmed)
            || trimmed.starts_with("@every ")
    } else {
        trimmed.split_whitespace().count() == 5
    };
    if trimmed.contains("TZ=") {
        ck.report(
            Diagnostic::error(Code::BadSchedule, span, "a schedule cannot set its time zone")
                .label("`TZ=` in the schedule")
                .help("Kubernetes rejects `TZ=`/`CRON_TZ=` here: write the zone as `timezone = \"Asia/Shanghai\"`"),
        );
        return false;
    }
    if !ok {
        let n = trimmed.split_whitespace().count();
        ck.report(
            Diagnostic::error(Code::BadSchedule, span, format!("a schedule has five fields, this one has {n}"))
                .label("not a cron schedule")
                .help("write minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\", or a macro such as \"@daily\""),
        );
    }
    ok
}
