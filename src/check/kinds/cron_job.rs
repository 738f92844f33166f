//! A `cron`: the CronJob fields around a job template, the schedule and its time zone.

use crate::ast;
use crate::check::Checker;
use crate::check::eval::What;
use crate::check::fields::Fields;
use crate::check::job_spec::{self, JobContext};
use crate::check::{names, read};
use crate::cron::{self, Schedule};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Pod};
use crate::schema;
use crate::source::Span;

pub(super) fn cron<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    pod: Option<Pod>,
    span: Span,
    job_cx: &JobContext,
) -> Option<ir::Object> {
    if let Some((api, api_span)) = read::string(ck, f, &schema::API_VERSION)
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
        ck.report(Diagnostic::error(Code::RemovedApi, api_span, message).label("not served").help(help));
    }
    if f.peek_span(&schema::SCHEDULE).is_none() {
        ck.report(
            Diagnostic::error(Code::MissingKey, span, "a `cron` needs a `schedule`")
                .label("no schedule")
                .help("add `schedule = \"0 2 * * *\"` (five fields: minute hour day-of-month month day-of-week)"),
        );
    }
    let schedule = schedule_keys(ck, f);
    let suspend = read::boolean(ck, f, &schema::SUSPEND).map(|(b, _)| b);
    let (job_labels, job_annotations) = job_template_meta(ck, f);
    let job = job_spec::job_spec(ck, f, job_cx, pod.as_ref());
    schedule.check_pile_up(ck, job.active_deadline_seconds);
    Some(ir::Object::Cron(ir::Cron {
        meta: meta?,
        cron: schedule.keys?,
        suspend,
        job_labels,
        job_annotations,
        job,
        pod: pod?,
    }))
}

/// `schedule` and the keys around it, as a `cron` and a scheduled pipeline read them.
pub(super) struct ScheduleKeys {
    /// None: the schedule is missing or has errors (reported).
    pub keys: Option<ir::CronSchedule>,
    parsed: Option<(Schedule, Span)>,
    concurrency_span: Option<Span>,
}

impl ScheduleKeys {
    /// Whether runs can overlap, with `deadline` the longest a run may take (read later than
    /// the schedule: a Job's, or a pipeline's whole run).
    pub(super) fn check_pile_up(&self, ck: &mut Checker, deadline: Option<i64>) {
        let (Some((parsed, span)), Some(keys)) = (&self.parsed, &self.keys) else { return };
        runs_may_pile_up(ck, parsed, *span, deadline, keys.concurrency_policy, self.concurrency_span);
    }
}

/// Reads `schedule` (if written), `timezone`, `concurrency`, `starting-deadline`,
/// `keep-succeeded` and `keep-failed`.
pub(super) fn schedule_keys<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> ScheduleKeys {
    let schedule = read::expr(ck, f, &schema::SCHEDULE).and_then(|e| {
        let text = ck.string(e, What::Key(schema::SCHEDULE.key))?;
        let parsed = check_schedule(ck, &text, e)?;
        Some((text, parsed, e.span))
    });
    let time_zone = time_zone(ck, f);
    let concurrency_span = f.peek_span(&schema::CONCURRENCY);
    let concurrency_policy = read::choice(ck, f, &schema::CONCURRENCY).map(|(c, _)| c);
    let starting_span = f.peek_span(&schema::STARTING_DEADLINE);
    let starting_deadline_seconds = read::seconds(ck, f, &schema::STARTING_DEADLINE).map(|(s, _)| s);
    if let (Some(s), Some(span)) = (starting_deadline_seconds, starting_span)
        && s < 10
    {
        // The controller checks schedules every 10 s: a shorter window can be missed every time.
        ck.report(
            Diagnostic::warning(
                Code::SuspiciousSchedule,
                span,
                format!("a starting deadline of {s}s may never be met"),
            )
            .label("shorter than the controller's 10 s check")
            .help("the CronJob controller looks for due runs every 10 seconds; use at least `starting-deadline = 10s`"),
        );
    }
    let successful_jobs_history_limit = read::int32(ck, f, &schema::KEEP_SUCCEEDED);
    let failed_jobs_history_limit = read::int32(ck, f, &schema::KEEP_FAILED);
    let (keys, parsed) = match schedule {
        Some((schedule, parsed, span)) => (
            Some(ir::CronSchedule {
                schedule,
                time_zone,
                concurrency_policy,
                starting_deadline_seconds,
                successful_jobs_history_limit,
                failed_jobs_history_limit,
            }),
            Some((parsed, span)),
        ),
        None => (None, None),
    };
    ScheduleKeys { keys, parsed, concurrency_span }
}

/// `timezone`, an IANA name (also a scheduled pipeline's).
fn time_zone<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<String> {
    read::string(ck, f, &schema::TIMEZONE).and_then(|(name, span)| match cron::check_time_zone(&name) {
        Ok(_) => Some(name),
        Err(err) => {
            ck.report(
                Diagnostic::error(Code::UnknownTimeZone, span, err.message)
                    .label("not an IANA time zone")
                    .help(err.help),
            );
            None
        }
    })
}

/// `job-labels` and `job-annotations`: the metadata of the Jobs the CronJob
/// creates. (A wrong entry is reported, and nothing is emitted then.)
fn job_template_meta<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> (ir::StringMap, ir::StringMap) {
    let mut labels = ir::StringMap::new();
    if let Some((entries, _)) = read::string_map(ck, f, &schema::JOB_LABELS) {
        for (k, value) in entries {
            names::check_label(ck, &k.text, k.span, Some((&value, k.span)), true);
            labels.insert(k.text.clone(), value);
        }
    }
    let mut annotations = ir::StringMap::new();
    if let Some((entries, span)) = read::string_map(ck, f, &schema::JOB_ANNOTATIONS) {
        names::check_annotations(ck, &entries, span);
        annotations = entries.into_iter().map(|(k, v)| (k.text.clone(), v)).collect();
    }
    (labels, annotations)
}

/// Parses the schedule as Kubernetes does; an error points into the string where it can.
fn check_schedule(ck: &mut Checker, text: &str, e: &ast::Expr) -> Option<Schedule> {
    let parsed = match Schedule::parse(text) {
        Ok(s) => s,
        Err(err) => {
            // Inside a plain literal without escapes, byte offsets map one to one.
            let literal = ck.sources.text(e.span);
            let span = if literal.len() == text.len() + 2 && &literal[1..literal.len() - 1] == text {
                let start = e.span.start as usize + 1 + err.range.start;
                let end = e.span.start as usize + 1 + err.range.end.max(err.range.start + 1).min(text.len());
                Span::new(e.span.file, start, end)
            } else {
                e.span
            };
            ck.report(
                Diagnostic::error(Code::BadSchedule, span, err.message).label("rejected by Kubernetes").help(err.help),
            );
            return None;
        }
    };
    // `*/1` is the same as `*`: in seed 000, `0 * */1 * *` was meant as "daily" but runs hourly.
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() == 5
        && let Some(i) = fields.iter().position(|f| *f == "*/1")
    {
        let names = ["minute", "hour", "day-of-month", "month", "day-of-week"];
        ck.report(
            Diagnostic::warning(
                Code::SuspiciousSchedule,
                e.span,
                format!(
                    "`*/1` in the {} field means every {}: this schedule runs {}",
                    names[i],
                    ["minute", "hour", "day", "month", "day"][i],
                    parsed.describe()
                ),
            )
            .label("`*/1` is the same as `*`")
            .help("if that is what you want, write `*`; run `pipec schedule FILE` to see the next fire times"),
        );
    }
    Some(parsed)
}

/// Runs that may last longer than the gap between them overlap when concurrency is `allow`.
fn runs_may_pile_up(
    ck: &mut Checker,
    schedule: &Schedule,
    span: Span,
    deadline: Option<i64>,
    concurrency: Option<&str>,
    concurrency_span: Option<Span>,
) {
    let (Some(interval), None | Some("Allow")) = (schedule.min_interval_seconds(), concurrency) else { return };
    let longest = deadline.map(|s| s as u64);
    if longest.is_none_or(|d| d > interval) {
        let every = crate::units::Duration(interval);
        let how_long = match longest {
            Some(d) => format!("a run may last up to {}", crate::units::Duration(d)),
            None => "runs have no deadline".to_string(),
        };
        if interval > 60 && longest.is_none() {
            return; // without a deadline only every-minute schedules are flagged: anything else would nag
        }
        let mut d = Diagnostic::warning(
            Code::SuspiciousSchedule,
            span,
            format!("a run starts every {every} and {how_long}: with concurrency `allow`, runs can pile up"),
        )
        .label(format!("as often as every {every}"))
        .help("write `concurrency = forbid` (skip a run while one is active) or `replace`, or set a `deadline` shorter than the interval");
        if let Some(c) = concurrency_span {
            d = d.secondary(c, "allows overlapping runs");
        }
        ck.report(d);
    }
}
