//! Keys of a CronJob (besides the Job keys of its job template); a scheduled `pipeline`
//! writes them too (its CronJob starts the runner, or its Argo CronWorkflow).

use super::*;

pub const CONCURRENCY_POLICIES: Choices = &[("allow", "Allow"), ("forbid", "Forbid"), ("replace", "Replace")];

keys! {
    SCHEDULE = key("schedule", CRON | PIPELINE, Shape::Str, ("CronJobSpec", &["schedule"]),
        "When to run, five cron fields or a macro such as `@daily`.").takes("string, cron syntax");
    TIMEZONE = key("timezone", CRON | PIPELINE, Shape::Str, ("CronJobSpec", &["timeZone"]),
        "Time zone the schedule is read in (default: the controller's).").takes("string, IANA name").gated(24, 25, 27);
    CONCURRENCY = key("concurrency", CRON | PIPELINE, Shape::Choice(CONCURRENCY_POLICIES), ("CronJobSpec", &["concurrencyPolicy"]),
        "What to do when a run is due while the last one runs.");
    STARTING_DEADLINE = key("starting-deadline", CRON | PIPELINE, Shape::Seconds { min: 0 }, ("CronJobSpec", &["startingDeadlineSeconds"]),
        "How late a missed run may still start.");
    KEEP_SUCCEEDED = key("keep-succeeded", CRON | PIPELINE, Shape::Int { min: 0, max: I32_MAX }, ("CronJobSpec", &["successfulJobsHistoryLimit"]),
        "Finished Jobs kept (default 3).");
    KEEP_FAILED = key("keep-failed", CRON | PIPELINE, Shape::Int { min: 0, max: I32_MAX }, ("CronJobSpec", &["failedJobsHistoryLimit"]),
        "Failed Jobs kept (default 1).");
    API_VERSION = key("api-version", CRON, Shape::Str, ("CronJob", &["apiVersion"]),
        "Only `batch/v1`; `batch/v1beta1` was removed in Kubernetes 1.25.");
}
